/* Flow model files: an nn checkpoint (docs/nn.md) whose configuration names the fields, the
 * network and the dataset sample whose mesh the model generates on, and whose arrays hold the
 * normalization (and the loss history). */
#include "flow_private.h"

#include <stdlib.h>
#include <string.h>

static PetscErrorCode ConfigToKeyValues(FFFlowModel m, FFKeyValues *kv)
{
  const FFFlowModelConfig *c = &m->config;
  char text[1024] = "", item[160];

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSet(kv, "format", FF_FLOW_FORMAT));
  PetscCallFF(FFKeyValuesSet(kv, "model", FFFlowKindName(c->kind)));
  for (int f = 0; f < m->n_fields; f++) {
    snprintf(item, sizeof item, "%s%s:%d:%s", f ? "," : "", m->fields[f].name, m->fields[f].n_comp,
             m->fields[f].location == FF_FIELD_NODES ? "nodes" : "vertices");
    PetscCall(PetscStrlcat(text, item, sizeof text));
  }
  PetscCallFF(FFKeyValuesSet(kv, "flow.fields", text));
  text[0] = '\0';
  for (int j = 0; j < c->n_cond; j++) {
    snprintf(item, sizeof item, "%s%s", j ? "," : "", c->cond[j]);
    PetscCall(PetscStrlcat(text, item, sizeof text));
  }
  PetscCallFF(FFKeyValuesSet(kv, "flow.conditions", text));
  PetscCallFF(FFKeyValuesSet(kv, "flow.normalization", c->normalization == FF_FLOW_NORM_NODE ? "node" : "global"));
  PetscCallFF(FFKeyValuesSetReal(kv, "flow.sigma_min", c->sigma_min));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.width", c->net.width));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.blocks", c->net.blocks));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.hidden_layers", c->net.hidden_layers));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.time_dim", c->net.time_dim));
  PetscCallFF(FFKeyValuesSetReal(kv, "flow.time_scale", c->net.time_scale));
  PetscCallFF(FFKeyValuesSet(kv, "flow.act", FFActivationName(c->net.act)));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.seed", (long)c->seed));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.rows", m->rows));
  PetscCallFF(FFKeyValuesSetInt(kv, "flow.mesh_nodes", m->mesh.n_nodes));
  PetscCallFF(FFKeyValuesSet(kv, "data.dir", m->data_dir));
  PetscCallFF(FFKeyValuesSetInt(kv, "data.mesh_sample", m->mesh_sample));
  PetscFunctionReturn(0);
}

/* "name:n_comp:nodes|vertices,..." */
static PetscErrorCode ParseFields(const char *text, int *n, FFFlowField fields[])
{
  char buf[1024], *save = NULL;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, text, sizeof buf));
  *n = 0;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *a = strchr(tok, ':'), *b = a ? strchr(a + 1, ':') : NULL;
    PetscCheck(a && b && *n < FF_FLOW_MAX_FIELDS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "flow model: malformed field list '%s'", text);
    *a = *b = '\0';
    PetscCall(PetscStrncpy(fields[*n].name, tok, sizeof fields[*n].name));
    fields[*n].n_comp = atoi(a + 1);
    fields[*n].location = !strcmp(b + 1, "nodes") ? FF_FIELD_NODES : FF_FIELD_VERTICES;
    (*n)++;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ConfigFromKeyValues(const FFKeyValues *kv, FFFlowModelConfig *c)
{
  const char *model = FFKeyValuesGet(kv, "model"), *norm = FFKeyValuesGet(kv, "flow.normalization");
  const char *act = FFKeyValuesGet(kv, "flow.act"), *cond = FFKeyValuesGet(kv, "flow.conditions");
  long seed;

  PetscFunctionBegin;
  PetscCheck(model && norm && act && cond, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "flow model: the configuration lacks model, flow.normalization, flow.act or flow.conditions");
  FFFlowModelConfigDefault(c);
  PetscCall(FFFlowKindFromName(model, &c->kind));
  c->normalization = !strcmp(norm, "global") ? FF_FLOW_NORM_GLOBAL : FF_FLOW_NORM_NODE;
  PetscCallFF(FFKeyValuesGetReal(kv, "flow.sigma_min", &c->sigma_min));
  PetscCallFF(FFKeyValuesGetInt32(kv, "flow.width", &c->net.width));
  PetscCallFF(FFKeyValuesGetInt32(kv, "flow.blocks", &c->net.blocks));
  PetscCallFF(FFKeyValuesGetInt32(kv, "flow.hidden_layers", &c->net.hidden_layers));
  PetscCallFF(FFKeyValuesGetInt32(kv, "flow.time_dim", &c->net.time_dim));
  /* files written before the time scale was a setting embed 1000 t */
  c->net.time_scale = 1000.0;
  if (FFKeyValuesGet(kv, "flow.time_scale")) PetscCallFF(FFKeyValuesGetReal(kv, "flow.time_scale", &c->net.time_scale));
  PetscCallFF(FFActivationFromName(act, &c->net.act));
  PetscCallFF(FFKeyValuesGetInt(kv, "flow.seed", &seed));
  c->seed = (uint64_t)seed;
  char buf[1024], *save = NULL;
  PetscCall(PetscStrncpy(buf, cond, sizeof buf));
  c->n_cond = 0;
  for (char *tok = strtok_r(buf, ",", &save); tok && c->n_cond < FF_FLOW_MAX_COND; tok = strtok_r(NULL, ",", &save))
    PetscCall(PetscStrncpy(c->cond[c->n_cond++], tok, FF_NAME_LEN));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelSave(FFFlowModel m, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                               const FFNamedArrays *history)
{
  const size_t per = (size_t)m->rows * m->cols;
  FFKeyValues *kv;
  FFNamedArrays *na;
  PetscMPIInt rank;
  float *buf;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  if (rank) PetscFunctionReturn(0);
  PetscCallFF(FFKeyValuesCreate(&kv));
  PetscCallFF(FFNamedArraysCreate(&na));
  PetscCall(ConfigToKeyValues(m, kv));
  for (int k = 0; extra && k < extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, extra->keys[k], extra->values[k]));
  PetscCall(PetscMalloc1(per + FF_FLOW_MAX_COND, &buf));
  for (size_t i = 0; i < per; i++) buf[i] = (float)m->mean[i];
  PetscCallFF(FFNamedArraysSet(na, "flow_mean", per, buf));
  for (size_t i = 0; i < per; i++) buf[i] = (float)m->std[i];
  PetscCallFF(FFNamedArraysSet(na, "flow_std", per, buf));
  for (int j = 0; j < FF_FLOW_MAX_COND; j++) buf[j] = (float)m->cond_mean[j];
  PetscCallFF(FFNamedArraysSet(na, "cond_mean", FF_FLOW_MAX_COND, buf));
  for (int j = 0; j < FF_FLOW_MAX_COND; j++) buf[j] = (float)m->cond_std[j];
  PetscCallFF(FFNamedArraysSet(na, "cond_std", FF_FLOW_MAX_COND, buf));
  PetscCall(PetscFree(buf));
  for (int k = 0; history && k < history->n; k++)
    PetscCallFF(FFNamedArraysSet(na, history->names[k], history->sizes[k], history->data[k]));
  FFErrorCode rc = FFCheckpointSave(path, m->params, opt, kv, na);
  FFKeyValuesDestroy(&kv);
  FFNamedArraysDestroy(&na);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

/* The mesh of the recorded dataset sample. */
static PetscErrorCode ReadMesh(MPI_Comm comm, const char *path, const char *dir, long index, FFSample *s)
{
  FFDataset ds;

  PetscFunctionBegin;
  PetscCheck(dir && dir[0] && index >= 0, comm, PETSC_ERR_ARG_WRONG,
             "flow model '%s' records no dataset for its mesh: give -data", path);
  if (FFDatasetOpen(dir, &ds))
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "flow model '%s': its mesh comes from dataset '%s' (sample %ld): %s", path, dir,
            index, FFErrorMessage());
  FFErrorCode rc = FFDatasetReadSample(ds, index, FF_READ_MESH, s);
  FFDatasetDestroy(&ds);
  if (rc)
    SETERRQ(comm, PETSC_ERR_FILE_READ, "flow model '%s': reading its mesh (sample %ld of '%s'): %s", path, index, dir,
            FFErrorMessage());
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadArrays(FFFlowModel m, const FFNamedArrays *na, const char *path)
{
  const size_t per = (size_t)m->rows * m->cols;
  const float *mean, *std, *cm, *cs;
  size_t n1, n2, n3, n4;

  PetscFunctionBegin;
  PetscCallFF(FFNamedArraysGet(na, "flow_mean", &n1, &mean));
  PetscCallFF(FFNamedArraysGet(na, "flow_std", &n2, &std));
  PetscCallFF(FFNamedArraysGet(na, "cond_mean", &n3, &cm));
  PetscCallFF(FFNamedArraysGet(na, "cond_std", &n4, &cs));
  PetscCheck(n1 == per && n2 == per && n3 == FF_FLOW_MAX_COND && n4 == FF_FLOW_MAX_COND, m->comm,
             PETSC_ERR_FILE_UNEXPECTED, "flow model '%s': normalization of %zu values, the model has %zu", path, n1,
             per);
  for (size_t i = 0; i < per; i++) m->mean[i] = mean[i], m->std[i] = std[i];
  for (int j = 0; j < FF_FLOW_MAX_COND; j++) m->cond_mean[j] = cm[j], m->cond_std[j] = cs[j];
  PetscFunctionReturn(0);
}

/* Inference uses the averaged weights the training kept. */
static PetscErrorCode SwapInEMA(FFFlowModel m, const FFKeyValues *kv, const char *path)
{
  const char *ema = FFKeyValuesGet(kv, "train.ema");
  FFOptimizer *opt;
  FFOptimizerConfig oc;

  PetscFunctionBegin;
  if (!ema || atof(ema) <= 0) PetscFunctionReturn(0);
  FFOptimizerConfigDefault(&oc);
  oc.ema_decay = atof(ema);
  PetscCallFF(FFOptimizerCreate(m->params, &oc, &opt));
  FFErrorCode rc = FFCheckpointLoad(path, m->params, opt, NULL, NULL);
  if (!rc) rc = FFOptimizerSwapEMA(opt, m->params);
  FFOptimizerDestroy(&opt);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelLoad(MPI_Comm comm, const char *path, const char *data_dir, PetscBool use_ema,
                               FFFlowModel *out, FFKeyValues *config)
{
  FFKeyValues *kv;
  FFNamedArrays *na;
  FFFlowModelConfig c;
  FFFlowField fields[FF_FLOW_MAX_FIELDS];
  int n_fields = 0, mesh_nodes = 0;
  long mesh_sample;
  FFSample s;

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesCreate(&kv));
  if (FFCheckpointReadConfig(path, kv)) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", FFErrorMessage());
    FFKeyValuesDestroy(&kv);
    SETERRQ(comm, PETSC_ERR_FILE_READ, "model '%s': %s", path, msg);
  }
  const char *format = FFKeyValuesGet(kv, "format"), *fl = FFKeyValuesGet(kv, "flow.fields");
  PetscCheck(format && !strcmp(format, FF_FLOW_FORMAT) && fl, comm, PETSC_ERR_FILE_UNEXPECTED,
             "'%s' is not a flow-matching model (format '%s'; train one with -model fm or pbfm)", path,
             format ? format : "none");
  PetscCall(ConfigFromKeyValues(kv, &c));
  PetscCall(ParseFields(fl, &n_fields, fields));
  PetscCallFF(FFKeyValuesGetInt32(kv, "flow.mesh_nodes", &mesh_nodes));
  PetscCallFF(FFKeyValuesGetInt(kv, "data.mesh_sample", &mesh_sample));
  const char *dir = data_dir && data_dir[0] ? data_dir : FFKeyValuesGet(kv, "data.dir");
  PetscCall(PetscMemzero(&s, sizeof s));
  PetscCall(ReadMesh(comm, path, dir, mesh_sample, &s));
  PetscCheck(s.mesh.n_nodes == mesh_nodes, comm, PETSC_ERR_ARG_INCOMP,
             "flow model '%s' generates on a mesh of %d nodes; sample %ld of '%s' has %d", path, mesh_nodes,
             mesh_sample, dir, s.mesh.n_nodes);
  PetscCall(FFFlowModelAssemble(comm, &c, n_fields, fields, &s.mesh, out));
  FFSampleDestroy(&s);
  PetscCall(FFFlowModelSetDataSource(*out, dir, mesh_sample));
  PetscCallFF(FFNamedArraysCreate(&na));
  PetscCallFF(FFCheckpointLoad(path, (*out)->params, NULL, NULL, na));
  PetscCall(LoadArrays(*out, na, path));
  FFNamedArraysDestroy(&na);
  if (use_ema) PetscCall(SwapInEMA(*out, kv, path));
  if (config)
    for (int k = 0; k < kv->n; k++) PetscCallFF(FFKeyValuesSet(config, kv->keys[k], kv->values[k]));
  FFKeyValuesDestroy(&kv);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelLoadOptimizer(FFFlowModel m, const char *path, FFOptimizer *opt)
{
  PetscFunctionBegin;
  PetscCallFF(FFCheckpointLoad(path, m->params, opt, NULL, NULL));
  PetscFunctionReturn(0);
}
