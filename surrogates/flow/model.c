/* The flow-matching model: the fields it generates on one mesh, their normalization, the
 * velocity network, and generation of raw node fields. */
#include "flow_private.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {"fm", "pbfm", "mf", "pbmf"};

const char *FFFlowKindName(FFFlowKind kind) { return kind_names[kind]; }

PetscErrorCode FFFlowKindFromName(const char *name, FFFlowKind *kind)
{
  PetscFunctionBegin;
  for (int k = 0; k < 4; k++)
    if (!strcmp(name, kind_names[k])) {
      *kind = (FFFlowKind)k;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "flow model '%s': fm, pbfm, mf or pbmf", name);
}

PetscBool FFFlowKindPhysics(FFFlowKind kind) { return kind == FF_FLOW_PBFM || kind == FF_FLOW_PBMF; }
PetscBool FFFlowKindAverage(FFFlowKind kind) { return kind == FF_FLOW_MF || kind == FF_FLOW_PBMF; }

void FFFlowModelConfigDefault(FFFlowModelConfig *c)
{
  PetscMemzero(c, sizeof *c);
  c->kind = FF_FLOW_FM;
  FFFlowNetConfigDefault(&c->net);
  c->normalization = FF_FLOW_NORM_NODE;
  c->sigma_min = 0.0;
  c->seed = 0;
}

PetscErrorCode FFFlowMeshCopy(const FFSampleMesh *src, FFSampleMesh *dst, char ***names)
{
  const size_t N = (size_t)src->n_nodes;

  PetscFunctionBegin;
  PetscCheck(src->n_nodes > 0 && src->cells && src->node_type && src->coords, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "flow model: the sample has no mesh (read it with FF_READ_MESH)");
  PetscCall(PetscMemzero(dst, sizeof *dst));
  dst->n_nodes = src->n_nodes;
  dst->n_vertices = src->n_vertices;
  dst->n_cells = src->n_cells;
  dst->n_groups = src->n_groups;
  PetscCall(PetscMalloc4(2 * N, &dst->coords, (size_t)src->n_cells * 6, &dst->cells, N, &dst->node_type, N, &dst->sdf));
  PetscCall(PetscArraycpy(dst->coords, src->coords, 2 * N));
  PetscCall(PetscArraycpy(dst->cells, src->cells, (size_t)src->n_cells * 6));
  PetscCall(PetscArraycpy(dst->node_type, src->node_type, N));
  if (src->sdf)
    PetscCall(PetscArraycpy(dst->sdf, src->sdf, N));
  else
    PetscCall(PetscArrayzero(dst->sdf, N));
  PetscCall(PetscCalloc1(src->n_groups + 1, names));
  for (int g = 0; g < src->n_groups; g++) PetscCall(PetscStrallocpy(src->group_names[g], &(*names)[g]));
  dst->group_names = *names;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMeshFree(FFSampleMesh *mesh, char ***names)
{
  PetscFunctionBegin;
  if (mesh->coords) PetscCall(PetscFree4(mesh->coords, mesh->cells, mesh->node_type, mesh->sdf));
  for (int g = 0; *names && g < mesh->n_groups; g++) PetscCall(PetscFree((*names)[g]));
  PetscCall(PetscFree(*names));
  PetscCall(PetscMemzero(mesh, sizeof *mesh));
  PetscFunctionReturn(0);
}

static PetscErrorCode Velocity(void *ctx, FFTape *tape, int n, const float t[], const float h[], FFTensor *x,
                               FFTensor **v)
{
  FFFlowModel m = (FFFlowModel)ctx;
  const int nc = m->config.n_cond;

  PetscFunctionBegin;
  PetscCall(FFFlowModelSetBatch(m, n));
  if (nc) {
    PetscCheck(m->cond_raw, PETSC_COMM_SELF, PETSC_ERR_ORDER,
               "flow model: conditional model used without conditions (FFFlowModelSetConditions)");
    for (int s = 0; s < n; s++)
      for (int j = 0; j < nc; j++)
        m->cond_x[s * nc + j] = (float)((m->cond_raw[s * nc + j] - m->cond_mean[j]) / m->cond_std[j]);
  }
  const FFFlowNetInputs in = {m->graph, m->sample_of, m->inv_count, m->u_static, m->u_edge, nc ? m->cond_x : NULL};
  PetscCall(FFFlowNetForward(&m->net, tape, &in, n, t, h, x, v));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelAssemble(MPI_Comm comm, const FFFlowModelConfig *config, int n_fields,
                                   const FFFlowField fields[], const FFSampleMesh *mesh, FFFlowModel *out)
{
  FFFlowModel m;
  FFFlowNetConfig nc = config->net;

  PetscFunctionBegin;
  PetscCheck(n_fields >= 1 && n_fields <= FF_FLOW_MAX_FIELDS, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "flow model: %d fields (1 to %d)", n_fields, FF_FLOW_MAX_FIELDS);
  PetscCheck(config->n_cond >= 0 && config->n_cond <= FF_FLOW_MAX_COND, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "flow model: %d conditions (at most %d)", config->n_cond, FF_FLOW_MAX_COND);
  PetscCheck(config->sigma_min >= 0 && config->sigma_min < 1, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "flow model: sigma_min %g outside [0, 1)", config->sigma_min);
  PetscCall(PetscNew(&m));
  m->comm = comm;
  m->config = *config;
  m->n_fields = n_fields;
  m->on_vertices = 1;
  for (int f = 0; f < n_fields; f++) {
    m->fields[f] = fields[f];
    m->cols += fields[f].n_comp;
    if (fields[f].location != FF_FIELD_VERTICES) m->on_vertices = 0;
  }
  PetscCheck(m->cols <= FF_FLOW_MAX_COLS, comm, PETSC_ERR_ARG_OUTOFRANGE, "flow model: %d columns (at most %d)",
             m->cols, FF_FLOW_MAX_COLS);
  PetscCall(FFFlowMeshCopy(mesh, &m->mesh, &m->group_names));
  m->rows = m->on_vertices ? mesh->n_vertices : mesh->n_nodes;
  PetscCall(FFFlowModelBuildGraph(m));
  PetscCall(FFFlowModelBuildMidpoints(m));
  PetscCall(PetscMalloc2((size_t)m->rows * m->cols, &m->mean, (size_t)m->rows * m->cols, &m->std));
  for (size_t i = 0; i < (size_t)m->rows * m->cols; i++) m->mean[i] = 0, m->std[i] = 1;
  for (int j = 0; j < FF_FLOW_MAX_COND; j++) m->cond_mean[j] = 0, m->cond_std[j] = 1;
  nc.cols = m->cols;
  nc.static_in = FF_FLOW_STATIC_IN;
  nc.edge_in = FF_FLOW_EDGE_IN;
  nc.cond_in = config->n_cond;
  nc.interval = FFFlowKindAverage(config->kind) ? 1 : 0; /* MeanFlow: u(x, t, h) */
  m->config.net = nc;
  PetscCallFF(FFParamsCreate(&m->params));
  PetscCall(FFFlowNetCreate(m->params, "flow", &nc, &m->net));
  PetscCallFF(FFParamsSetUp(m->params, config->seed));
  PetscCallFF(FFTapeCreate(m->params, &m->tape));
  m->mesh_sample = -1;
  *out = m;
  PetscFunctionReturn(0);
}

/* The fields to generate (the configuration's, or every field of the samples as stored); every
 * sample must hold them with the same layout, on a mesh of the same size. */
static PetscErrorCode FieldsOf(MPI_Comm comm, const FFFlowModelConfig *c, long n, const FFSample s[], int *n_fields,
                               FFFlowField fields[])
{
  PetscFunctionBegin;
  PetscCheck(n > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "flow model: no training samples");
  *n_fields = c->n_fields ? c->n_fields : s[0].n_fields;
  PetscCheck(*n_fields >= 1 && *n_fields <= FF_FLOW_MAX_FIELDS, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "flow model: %d fields (1 to %d)", *n_fields, FF_FLOW_MAX_FIELDS);
  for (int f = 0; f < *n_fields; f++) {
    const FFField *g = c->n_fields ? FFSampleField(&s[0], c->fields[f]) : &s[0].fields[f];
    PetscCheck(g, comm, PETSC_ERR_ARG_WRONG, "flow model: sample %ld has no field '%s'", s[0].index, c->fields[f]);
    PetscCall(PetscStrncpy(fields[f].name, g->name, sizeof fields[f].name));
    fields[f].n_comp = g->n_comp;
    fields[f].location = g->location;
  }
  for (long i = 1; i < n; i++) {
    PetscCheck(s[i].mesh.n_nodes == s[0].mesh.n_nodes && s[i].mesh.n_vertices == s[0].mesh.n_vertices, comm,
               PETSC_ERR_ARG_INCOMP,
               "flow model: sample %ld has %d nodes, sample %ld %d: a flow model generates on one mesh", s[i].index,
               s[i].mesh.n_nodes, s[0].index, s[0].mesh.n_nodes);
    for (int f = 0; f < *n_fields; f++) {
      const FFField *g = FFSampleField(&s[i], fields[f].name);
      PetscCheck(g && g->n_comp == fields[f].n_comp && g->location == fields[f].location, comm, PETSC_ERR_ARG_INCOMP,
                 "flow model: sample %ld lacks field '%s' with %d components on the %s", s[i].index, fields[f].name,
                 fields[f].n_comp, fields[f].location == FF_FIELD_NODES ? "nodes" : "vertices");
    }
  }
  PetscFunctionReturn(0);
}

/* Per-entry (node) or per-column (global) mean and std over the training samples (two passes,
 * so a small spread around a large mean keeps its digits). A constant entry (e.g. a Dirichlet
 * value) gets a std of 1e-3 times its column's spread. The values are rounded to float, as
 * the model file stores them, so that a resumed run normalizes exactly as the first. */
static PetscErrorCode FitNormalization(FFFlowModel m, long n, const FFSample s[])
{
  const size_t per = (size_t)m->rows * m->cols;
  double *x, *sum, *sq, col_mean[FF_FLOW_MAX_COLS] = {0}, col_var[FF_FLOW_MAX_COLS] = {0};

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(per, &x));
  PetscCall(PetscCalloc2(per, &sum, per, &sq));
  for (long k = 0; k < n; k++) {
    PetscCall(FFFlowModelRawRows(m, &s[k], x));
    for (size_t i = 0; i < per; i++) sum[i] += x[i];
  }
  for (size_t i = 0; i < per; i++) m->mean[i] = sum[i] / n;
  for (long k = 0; k < n; k++) {
    PetscCall(FFFlowModelRawRows(m, &s[k], x));
    for (size_t i = 0; i < per; i++) sq[i] += (x[i] - m->mean[i]) * (x[i] - m->mean[i]);
  }
  for (size_t i = 0; i < per; i++) col_mean[i % m->cols] += m->mean[i] / m->rows;
  for (size_t i = 0; i < per; i++) {
    const double d = m->mean[i] - col_mean[i % m->cols];
    col_var[i % m->cols] += (sq[i] / n + d * d) / m->rows; /* the total variance of the column */
  }
  for (size_t i = 0; i < per; i++) {
    const int c = (int)(i % m->cols);
    const double spread = col_var[c] > 0 ? sqrt(col_var[c]) : 1.0;
    if (m->config.normalization == FF_FLOW_NORM_GLOBAL)
      m->mean[i] = col_mean[c], m->std[i] = spread;
    else
      m->std[i] = PetscMax(sqrt(sq[i] / n), 1e-3 * spread);
    m->mean[i] = (float)m->mean[i];
    m->std[i] = (float)m->std[i];
  }
  PetscCall(PetscFree(x));
  PetscCall(PetscFree2(sum, sq));
  PetscFunctionReturn(0);
}

static PetscErrorCode FitConditions(FFFlowModel m, long n, const FFSample s[])
{
  const int nc = m->config.n_cond;
  double *c;

  PetscFunctionBegin;
  if (!nc) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(nc, &c));
  double sum[FF_FLOW_MAX_COND] = {0}, sq[FF_FLOW_MAX_COND] = {0};
  for (long k = 0; k < n; k++) {
    PetscCall(FFFlowModelSampleConditions(m, &s[k], c));
    for (int j = 0; j < nc; j++) sum[j] += c[j], sq[j] += c[j] * c[j];
  }
  for (int j = 0; j < nc; j++) {
    const double mu = sum[j] / n, var = sq[j] / n - mu * mu;
    m->cond_mean[j] = mu;
    m->cond_std[j] = (float)(var > 1e-24 * (1 + mu * mu) ? sqrt(var) : 1.0);
    m->cond_mean[j] = (float)m->cond_mean[j];
  }
  PetscCall(PetscFree(c));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelCreate(MPI_Comm comm, const FFFlowModelConfig *config, long n, const FFSample samples[],
                                 FFFlowModel *out)
{
  int n_fields;
  FFFlowField fields[FF_FLOW_MAX_FIELDS];

  PetscFunctionBegin;
  PetscCall(FieldsOf(comm, config, n, samples, &n_fields, fields));
  PetscCall(FFFlowModelAssemble(comm, config, n_fields, fields, &samples[0].mesh, out));
  PetscCall(FitNormalization(*out, n, samples));
  PetscCall(FitConditions(*out, n, samples));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelDestroy(FFFlowModel *model)
{
  FFFlowModel m = *model;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(0);
  FFTapeDestroy(&m->tape);
  FFFlowNetDestroy(&m->net);
  FFParamsDestroy(&m->params);
  PetscCall(PetscFree2(m->mean, m->std));
  PetscCall(FFFlowModelFreeGraph(m));
  PetscCall(FFFlowMeshFree(&m->mesh, &m->group_names));
  PetscCall(PetscFree(m->mid_parent));
  PetscCall(PetscFree(*model));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetSize(FFFlowModel m, int *rows, int *cols)
{
  PetscFunctionBegin;
  if (rows) *rows = m->rows;
  if (cols) *cols = m->cols;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetParams(FFFlowModel m, FFParams **params)
{
  PetscFunctionBegin;
  *params = m->params;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetConfig(FFFlowModel m, const FFFlowModelConfig **config)
{
  PetscFunctionBegin;
  *config = &m->config;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetFields(FFFlowModel m, int *n, const FFFlowField **fields)
{
  PetscFunctionBegin;
  *n = m->n_fields;
  *fields = m->fields;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetMesh(FFFlowModel m, const FFSampleMesh **mesh)
{
  PetscFunctionBegin;
  *mesh = &m->mesh;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelVelocity(FFFlowModel m, int max_batch, FFFlowVelocity *vel)
{
  PetscFunctionBegin;
  PetscCall(FFFlowModelSetBatch(m, max_batch));
  vel->fn = Velocity;
  vel->ctx = m;
  vel->rows = m->rows;
  vel->cols = m->cols;
  vel->average = FFFlowKindAverage(m->config.kind);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelSetConditions(FFFlowModel m, int n, const double cond[])
{
  PetscFunctionBegin;
  (void)n;
  m->cond_raw = cond;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelSampleConditions(FFFlowModel m, const FFSample *s, double cond[])
{
  PetscFunctionBegin;
  for (int j = 0; j < m->config.n_cond; j++) {
    const FFScalar *p = FFScalarFind(s->params, s->n_params, m->config.cond[j]);
    PetscCheck(p, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "flow model: sample %ld has no parameter '%s' (a condition)",
               s->index, m->config.cond[j]);
    cond[j] = p->value;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelSetDataSource(FFFlowModel m, const char *data_dir, long mesh_sample)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->data_dir, data_dir ? data_dir : "", sizeof m->data_dir));
  m->mesh_sample = mesh_sample;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGetDataSource(FFFlowModel m, const char **data_dir, long *mesh_sample)
{
  PetscFunctionBegin;
  if (data_dir) *data_dir = m->data_dir;
  if (mesh_sample) *mesh_sample = m->mesh_sample;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelGenerate(FFFlowModel m, const FFFlowSamplerConfig *config, uint64_t seed, long first, int n,
                                   int batch, const double cond[], double fields[])
{
  const size_t per = (size_t)m->rows * m->cols, out = (size_t)m->mesh.n_nodes * m->cols;
  FFFlowVelocity vel;
  float *x;

  PetscFunctionBegin;
  PetscCheck(batch >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "sampling batch %d (at least 1)", batch);
  PetscCheck(!m->config.n_cond || cond, m->comm, PETSC_ERR_ARG_NULL,
             "the model is conditioned on %d parameters: give their values", m->config.n_cond);
  PetscCall(PetscMalloc1((size_t)PetscMin(batch, n) * per, &x));
  PetscCall(FFFlowModelVelocity(m, PetscMin(batch, n), &vel));
  for (int s0 = 0; s0 < n; s0 += batch) {
    const int b = PetscMin(batch, n - s0);
    PetscCall(FFFlowModelSetConditions(m, b, cond ? cond + (size_t)s0 * m->config.n_cond : NULL));
    PetscCall(FFFlowSample(&vel, m->tape, config, seed, first + s0, b, x));
    for (int s = 0; s < b; s++) PetscCall(FFFlowModelDenormalize(m, x + s * per, fields + (size_t)(s0 + s) * out));
  }
  PetscCall(FFFlowModelSetConditions(m, 0, NULL));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}
