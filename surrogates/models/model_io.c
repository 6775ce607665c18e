/* Model files: an nn checkpoint (docs/nn.md) whose configuration names the model, its
 * hyperparameters and schema, whose normalization arrays hold the normalizers and the loss
 * history, and whose parameters (and optimizer state) are the network's. */
#include "models_private.h"

#include <stdlib.h>
#include <string.h>

#define FF_SURR_FORMAT "fieldflow-surrogate"

/* Only the multi-level model has normalizers of its coarse levels' edges. */
static int HasLevelEdges(FFSurrogate s) { return s->config.type == FF_SURROGATE_MLGNN; }

static PetscErrorCode ConfigToKeyValues(FFSurrogate s, FFKeyValues *kv)
{
  const FFSurrogateConfig *c = &s->config;
  char scales[256] = "";

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSet(kv, "format", FF_SURR_FORMAT));
  PetscCallFF(FFKeyValuesSet(kv, "model", FFSurrogateTypeName(c->type)));
  PetscCallFF(FFKeyValuesSetInt(kv, "width", c->width));
  PetscCallFF(FFKeyValuesSetInt(kv, "depth", c->depth));
  PetscCallFF(FFKeyValuesSetInt(kv, "blocks", c->blocks));
  PetscCallFF(FFKeyValuesSet(kv, "act", FFActivationName(c->act)));
  PetscCallFF(FFKeyValuesSetInt(kv, "fourier_freq", c->fourier_freq));
  for (int k = 0; k < c->n_scales; k++) {
    char v[32];
    snprintf(v, sizeof v, "%s%.9g", k ? "," : "", (double)c->scales[k]);
    PetscCall(PetscStrlcat(scales, v, sizeof scales));
  }
  PetscCallFF(FFKeyValuesSet(kv, "fourier_scales", scales));
  PetscCallFF(FFKeyValuesSetInt(kv, "hyper_width", c->hyper_width));
  PetscCallFF(FFKeyValuesSetInt(kv, "hyper_layers", c->hyper_layers));
  PetscCallFF(FFKeyValuesSetInt(kv, "points", c->points));
  PetscCallFF(FFKeyValuesSetReal(kv, "ema", c->ema));
  PetscCallFF(FFKeyValuesSetReal(kv, "stretch", c->stretch));
  char blocks[128] = "";
  for (int l = 0; l < c->levels; l++) {
    char v[16];
    snprintf(v, sizeof v, "%s%d", l ? "," : "", c->level_blocks[l]);
    PetscCall(PetscStrlcat(blocks, v, sizeof blocks));
  }
  PetscCallFF(FFKeyValuesSetInt(kv, "levels", c->levels));
  PetscCallFF(FFKeyValuesSet(kv, "level_blocks", blocks));
  PetscCallFF(FFKeyValuesSetInt(kv, "coarsen", c->coarsen));
  PetscCallFF(FFKeyValuesSetInt(kv, "mix_blocks", c->mix_blocks));
  PetscCallFF(FFKeyValuesSetInt(kv, "slices", c->slices));
  PetscCallFF(FFKeyValuesSetInt(kv, "heads", c->heads));
  PetscCallFF(FFKeyValuesSetInt(kv, "seed", (long)s->seed));
  PetscCall(FFSurrogateSchemaToKeyValues(&s->schema, kv));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateConfigFromKeyValues(const FFKeyValues *kv, FFSurrogateConfig *c, uint64_t *seed)
{
  const char *model = FFKeyValuesGet(kv, "model"), *act = FFKeyValuesGet(kv, "act");
  const char *scales = FFKeyValuesGet(kv, "fourier_scales");
  FFSurrogateType type;
  long sd;

  PetscFunctionBegin;
  PetscCheck(model && act && scales, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "the model's configuration lacks model, act or fourier_scales");
  PetscCall(FFSurrogateTypeFromName(model, &type));
  FFSurrogateConfigDefault(type, c);
  PetscCallFF(FFKeyValuesGetInt32(kv, "width", &c->width));
  PetscCallFF(FFKeyValuesGetInt32(kv, "depth", &c->depth));
  PetscCallFF(FFKeyValuesGetInt32(kv, "blocks", &c->blocks));
  PetscCallFF(FFActivationFromName(act, &c->act));
  PetscCallFF(FFKeyValuesGetInt32(kv, "fourier_freq", &c->fourier_freq));
  c->n_scales = 0;
  for (const char *p = scales; *p && c->n_scales < FF_FOURIER_MAX_SCALES;) {
    char *end;
    c->scales[c->n_scales++] = strtof(p, &end);
    p = *end == ',' ? end + 1 : end;
    if (end == p && *p) break;
  }
  PetscCallFF(FFKeyValuesGetInt32(kv, "hyper_width", &c->hyper_width));
  PetscCallFF(FFKeyValuesGetInt32(kv, "hyper_layers", &c->hyper_layers));
  PetscCallFF(FFKeyValuesGetInt32(kv, "points", &c->points));
  PetscCallFF(FFKeyValuesGetReal(kv, "ema", &c->ema));
  c->stretch = 0; /* files written before the stretch existed */
  if (FFKeyValuesGet(kv, "stretch")) PetscCallFF(FFKeyValuesGetReal(kv, "stretch", &c->stretch));
  /* the multi-level keys (files written before the mlgnn existed have none) */
  if (FFKeyValuesGet(kv, "levels")) {
    const char *blocks = FFKeyValuesGet(kv, "level_blocks");
    PetscCallFF(FFKeyValuesGetInt32(kv, "levels", &c->levels));
    PetscCallFF(FFKeyValuesGetInt32(kv, "coarsen", &c->coarsen));
    PetscCallFF(FFKeyValuesGetInt32(kv, "mix_blocks", &c->mix_blocks));
    PetscCallFF(FFKeyValuesGetInt32(kv, "slices", &c->slices));
    PetscCallFF(FFKeyValuesGetInt32(kv, "heads", &c->heads));
    PetscCheck(blocks && c->levels >= 1 && c->levels <= FF_SURR_MAX_LEVELS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "the model's configuration has levels %d (1..%d) and level_blocks '%s'", c->levels, FF_SURR_MAX_LEVELS,
               blocks ? blocks : "none");
    const char *p = blocks;
    for (int l = 0; l < c->levels; l++) {
      char *end;
      const long b = strtol(p, &end, 10);
      PetscCheck(end != p && b >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "the model's level_blocks '%s' has no count for level %d", blocks, l);
      c->level_blocks[l] = (int)b;
      p = *end == ',' ? end + 1 : end;
    }
  }
  PetscCallFF(FFKeyValuesGetInt(kv, "seed", &sd));
  *seed = (uint64_t)sd;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateSave(FFSurrogate s, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                               const FFNamedArrays *history)
{
  FFKeyValues *kv;
  FFNamedArrays *na;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (rank) PetscFunctionReturn(0);
  PetscCallFF(FFKeyValuesCreate(&kv));
  PetscCallFF(FFNamedArraysCreate(&na));
  PetscCall(ConfigToKeyValues(s, kv));
  for (int k = 0; extra && k < extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, extra->keys[k], extra->values[k]));
  PetscCall(FFNormalizerSave(&s->raw_norm, "raw", na));
  PetscCall(FFNormalizerSave(&s->node_norm, "node", na));
  PetscCall(FFNormalizerSave(&s->edge_norm, "edge", na));
  PetscCall(FFNormalizerSave(&s->cond_norm, "cond", na));
  PetscCall(FFNormalizerSave(&s->out_norm, "out", na));
  for (int l = 1; HasLevelEdges(s) && l < s->config.levels; l++) {
    char name[32];
    snprintf(name, sizeof name, "edge%d", l);
    PetscCall(FFNormalizerSave(&s->level_norm[l], name, na));
  }
  for (int k = 0; history && k < history->n; k++)
    PetscCallFF(FFNamedArraysSet(na, history->names[k], history->sizes[k], history->data[k]));
  FFErrorCode rc = FFCheckpointSave(path, s->params, opt, kv, na);
  FFKeyValuesDestroy(&kv);
  FFNamedArraysDestroy(&na);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

/* Builds the model kv describes and loads its parameters, normalizations (and averaged
 * weights) from path into *s, which the caller destroys also on failure. */
static PetscErrorCode LoadInto(MPI_Comm comm, const char *path, FFKeyValues *kv, FFNamedArrays *na, FFSurrogate *s)
{
  FFSurrogateConfig c;
  FFSurrogateSchema schema;
  uint64_t seed;

  PetscFunctionBegin;
  const char *format = FFKeyValuesGet(kv, "format");
  PetscCheck(format && !strcmp(format, FF_SURR_FORMAT), comm, PETSC_ERR_FILE_UNEXPECTED,
             "'%s' is a checkpoint but not a fieldflow surrogate model (format '%s')", path, format ? format : "none");
  PetscCall(FFSurrogateConfigFromKeyValues(kv, &c, &seed));
  PetscCall(FFSurrogateSchemaFromKeyValues(kv, &schema));
  PetscCall(FFSurrogateCreate(comm, &c, &schema, seed, s));
  PetscCallFF(FFCheckpointLoad(path, (*s)->params, NULL, NULL, na));
  if (c.stretch > 0) PetscCall(FFNormalizerLoad(&(*s)->raw_norm, "raw", na));
  PetscCall(FFNormalizerLoad(&(*s)->node_norm, "node", na));
  PetscCall(FFNormalizerLoad(&(*s)->edge_norm, "edge", na));
  PetscCall(FFNormalizerLoad(&(*s)->cond_norm, "cond", na));
  PetscCall(FFNormalizerLoad(&(*s)->out_norm, "out", na));
  for (int l = 1; HasLevelEdges(*s) && l < c.levels; l++) {
    char name[32];
    snprintf(name, sizeof name, "edge%d", l);
    PetscCall(FFNormalizerLoad(&(*s)->level_norm[l], name, na));
  }
  (*s)->normalizers_ready = 1;
  if (c.ema > 0) {
    /* evaluate with the averaged weights the training kept */
    FFOptimizer *opt;
    FFOptimizerConfig oc;
    FFOptimizerConfigDefault(&oc);
    oc.ema_decay = c.ema;
    PetscCallFF(FFOptimizerCreate((*s)->params, &oc, &opt));
    FFErrorCode rc = FFCheckpointLoad(path, (*s)->params, opt, NULL, NULL);
    if (!rc) rc = FFOptimizerSwapEMA(opt, (*s)->params);
    FFOptimizerDestroy(&opt);
    PetscCallFF(rc);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CopyLoaded(const FFKeyValues *kv, const FFNamedArrays *na, FFKeyValues *config,
                                 FFNamedArrays *history)
{
  PetscFunctionBegin;
  if (history)
    for (int k = 0; k < na->n; k++)
      if (!strncmp(na->names[k], "history_", 8))
        PetscCallFF(FFNamedArraysSet(history, na->names[k], na->sizes[k], na->data[k]));
  if (config)
    for (int k = 0; k < kv->n; k++) PetscCallFF(FFKeyValuesSet(config, kv->keys[k], kv->values[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateLoad(MPI_Comm comm, const char *path, FFSurrogate *out, FFKeyValues *config,
                               FFNamedArrays *history)
{
  FFKeyValues *kv;
  FFNamedArrays *na;
  FFSurrogate s = NULL;

  PetscFunctionBegin;
  *out = NULL;
  PetscCallFF(FFKeyValuesCreate(&kv));
  if (FFNamedArraysCreate(&na)) {
    FFKeyValuesDestroy(&kv);
    SETERRQ(comm, PETSC_ERR_MEM, "model '%s': %s", path, FFErrorMessage());
  }
  if (FFCheckpointReadConfig(path, kv)) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", FFErrorMessage());
    FFKeyValuesDestroy(&kv);
    FFNamedArraysDestroy(&na);
    SETERRQ(comm, PETSC_ERR_FILE_READ, "model '%s': %s", path, msg);
  }
  /* Whatever fails, the model, the configuration and the arrays read so far are freed (a
   * refused file leaked them all: found by bench/fuzz). */
  PetscErrorCode ierr = LoadInto(comm, path, kv, na, &s);
  if (!ierr) ierr = CopyLoaded(kv, na, config, history);
  FFKeyValuesDestroy(&kv);
  FFNamedArraysDestroy(&na);
  if (ierr) {
    PetscCall(FFSurrogateDestroy(&s));
    PetscCall(ierr);
  }
  *out = s;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateLoadOptimizer(FFSurrogate s, const char *path, FFOptimizer *opt)
{
  PetscFunctionBegin;
  PetscCallFF(FFCheckpointLoad(path, s->params, opt, NULL, NULL));
  PetscFunctionReturn(0);
}
