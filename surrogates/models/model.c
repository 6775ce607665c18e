/* The surrogate model: configuration, normalizers, the normalized views of a graph, forward
 * passes (dispatched to the GNN, the multi-level GNN or the neural field) and inference. */
#include "models_private.h"

#include <math.h>
#include <string.h>

static const char *const type_names[] = {"gnn", "field", "mlgnn"};

const char *FFSurrogateTypeName(FFSurrogateType type) { return type_names[type]; }

PetscErrorCode FFSurrogateTypeFromName(const char *name, FFSurrogateType *type)
{
  PetscFunctionBegin;
  for (int t = 0; t < 3; t++)
    if (!strcmp(name, type_names[t])) {
      *type = (FFSurrogateType)t;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_UNKNOWN_TYPE, "unknown model '%s' (gnn, mlgnn or field)", name);
}

void FFSurrogateConfigDefault(FFSurrogateType type, FFSurrogateConfig *c)
{
  memset(c, 0, sizeof *c);
  c->type = type;
  if (type == FF_SURROGATE_GNN) {
    c->width = 64;
    c->depth = 2;
    c->blocks = 6;
    c->act = FF_ACT_RELU;
  } else if (type == FF_SURROGATE_MLGNN) {
    c->width = 64;
    c->depth = 1;
    c->blocks = 6;
    c->act = FF_ACT_RELU;
  } else {
    c->width = 128;
    c->depth = 5;
    c->act = FF_ACT_SILU;
  }
  c->fourier_freq = 32;
  c->n_scales = 2;
  c->scales[0] = 1.0f;
  c->scales[1] = 4.0f;
  c->hyper_width = 128;
  c->hyper_layers = 2;
  c->points = 4096;
  c->stretch = 0.05;
  c->levels = 4;
  const int blocks[FF_SURR_MAX_LEVELS] = {1, 2, 2, 2, 2, 2};
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) c->level_blocks[l] = blocks[l];
  c->coarsen = 4;
  c->mix_blocks = 2;
  c->slices = 32;
  c->heads = 4;
  if (type == FF_SURROGATE_MLGNN) c->fourier_freq = 0; /* the mesh model's own choice: none */
}

PetscErrorCode FFSurrogateConfigOptions(PetscOptionItems *PetscOptionsObject, FFSurrogateConfig *c)
{
  char act[32];
  PetscReal scales[FF_FOURIER_MAX_SCALES];
  PetscInt n_scales = FF_FOURIER_MAX_SCALES;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsInt("-width", "Latent width (GNN) or trunk width (field)", "", c->width, &c->width, NULL));
  PetscCall(PetscOptionsInt("-depth", "Hidden layers of each MLP (GNN) or of the trunk (field)", "", c->depth,
                            &c->depth, NULL));
  PetscCall(PetscOptionsInt("-blocks", "GNN message-passing blocks", "", c->blocks, &c->blocks, NULL));
  PetscCall(PetscStrncpy(act, FFActivationName(c->act), sizeof act));
  PetscCall(PetscOptionsString("-act", "Hidden activation: relu, silu, gelu, sin", "", act, act, sizeof act, &set));
  if (set) PetscCallFF(FFActivationFromName(act, &c->act));
  PetscCall(PetscOptionsInt("-fourier_freq",
                            "Field, mlgnn: Fourier frequencies per scale (mlgnn: of x, y, sdf, 0 for none)", "",
                            c->fourier_freq, &c->fourier_freq, NULL));
  for (int k = 0; k < c->n_scales; k++) scales[k] = c->scales[k];
  PetscCall(PetscOptionsRealArray("-fourier_scales", "Field: standard deviations of the Fourier frequencies", "",
                                  scales, &n_scales, &set));
  if (set) {
    PetscCheck(n_scales >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -fourier_scales: give 1 to %d values",
               FF_FOURIER_MAX_SCALES);
    c->n_scales = (int)n_scales;
    for (int k = 0; k < c->n_scales; k++) c->scales[k] = (float)scales[k];
  }
  PetscCall(PetscOptionsInt("-hyper_width", "Field: hypernetwork width", "", c->hyper_width, &c->hyper_width, NULL));
  PetscCall(PetscOptionsInt("-hyper_layers", "Field: hypernetwork hidden layers", "", c->hyper_layers, &c->hyper_layers,
                            NULL));
  PetscCall(
      PetscOptionsInt("-points", "Field: random nodes per sample and training step", "", c->points, &c->points, NULL));
  PetscCall(PetscOptionsReal("-stretch",
                             "Inputs x, y, sdf as asinh((v - c) / (stretch * std)) (0: as they are); spreads the "
                             "nodes crowded near a body",
                             "", c->stretch, &c->stretch, NULL));
  PetscCall(PetscOptionsInt("-levels", "Mlgnn: graph levels (P2 nodes, vertices, then METIS clusters)", "", c->levels,
                            &c->levels, NULL));
  PetscInt blocks[FF_SURR_MAX_LEVELS], n_blocks = FF_SURR_MAX_LEVELS;
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) blocks[l] = c->level_blocks[l];
  PetscCall(PetscOptionsIntArray("-level_blocks",
                                 "Mlgnn: message-passing blocks of each level, on the way down and again up (one "
                                 "value per level; the last one repeats)",
                                 "", blocks, &n_blocks, &set));
  if (set) {
    PetscCheck(n_blocks >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -level_blocks: give 1 to %d values",
               FF_SURR_MAX_LEVELS);
    for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) c->level_blocks[l] = (int)blocks[l < n_blocks ? l : n_blocks - 1];
  }
  PetscCall(
      PetscOptionsInt("-coarsen", "Mlgnn: nodes per METIS cluster from level 2 on", "", c->coarsen, &c->coarsen, NULL));
  PetscCall(PetscOptionsInt("-mix_blocks",
                            "Mlgnn: physics-attention blocks at the coarsest level (0: no global mixing)", "",
                            c->mix_blocks, &c->mix_blocks, NULL));
  PetscCall(PetscOptionsInt("-slices", "Mlgnn: physics-attention slices per head", "", c->slices, &c->slices, NULL));
  PetscCall(
      PetscOptionsInt("-heads", "Mlgnn: physics-attention heads (they divide -width)", "", c->heads, &c->heads, NULL));
  PetscCheck(c->levels >= 1 && c->levels <= FF_SURR_MAX_LEVELS && c->coarsen >= 2 && c->mix_blocks >= 0 &&
                 c->slices >= 1 && c->heads >= 1 && c->width % c->heads == 0,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "mlgnn options: -levels in [1, %d], -coarsen >= 2, -mix_blocks >= 0, -slices >= 1, -heads >= 1 dividing "
             "-width (got %d, %d, %d, %d, %d of width %d)",
             FF_SURR_MAX_LEVELS, c->levels, c->coarsen, c->mix_blocks, c->slices, c->heads, c->width);
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++)
    PetscCheck(c->level_blocks[l] >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -level_blocks: %d blocks at level %d", c->level_blocks[l], l);
  PetscCheck(c->width > 0 && c->depth >= 1 && c->blocks >= 0 &&
                 (c->fourier_freq > 0 || (c->type == FF_SURROGATE_MLGNN && !c->fourier_freq)) && c->hyper_width > 0 &&
                 c->hyper_layers >= 0 && c->points > 0 && c->stretch >= 0,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "model options: -width, -depth, -fourier_freq (mlgnn: 0 for none), -hyper_width, -points must be "
             "positive, -blocks and -hyper_layers non-negative");
  PetscFunctionReturn(0);
}

int FFSurrogateNodeColumnsOf(const FFSurrogateConfig *c, const FFSurrogateSchema *schema)
{
  const int base = 3 + FFSurrogateSchemaInputColumns(schema);
  if (c->type != FF_SURROGATE_FIELD) return FF_NODE_CATEGORIES + base + schema->n_cond;
  return base;
}

int FFSurrogateNodeColumns(FFSurrogate s) { return FFSurrogateNodeColumnsOf(&s->config, &s->schema); }

PetscErrorCode FFSurrogateCreate(MPI_Comm comm, const FFSurrogateConfig *config, const FFSurrogateSchema *schema,
                                 uint64_t seed, FFSurrogate *out)
{
  FFSurrogate s;

  PetscFunctionBegin;
  PetscCheck(schema->n_fields > 0, comm, PETSC_ERR_ARG_WRONG, "the model predicts no field");
  PetscCall(PetscNew(&s));
  s->comm = comm;
  s->config = *config;
  s->schema = *schema;
  s->seed = seed;
  s->n_in = FFSurrogateSchemaInputColumns(schema);
  s->n_out = FFSurrogateSchemaOutputColumns(schema);
  PetscCall(FFNormalizerCreate(3, &s->raw_norm));
  PetscCall(FFNormalizerCreate(3 + s->n_in, &s->node_norm));
  PetscCall(FFNormalizerCreate(3, &s->edge_norm));
  PetscCall(FFNormalizerCreate(schema->n_cond, &s->cond_norm));
  PetscCall(FFNormalizerCreate(s->n_out, &s->out_norm));
  PetscCallFF(FFParamsCreate(&s->params));
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) PetscCall(FFNormalizerCreate(3, &s->level_norm[l]));
  PetscErrorCode ierr = config->type == FF_SURROGATE_GNN     ? FFSurrogateGNNCreate(s)
                        : config->type == FF_SURROGATE_MLGNN ? FFSurrogateMLGNNCreate(s)
                                                             : FFSurrogateFieldCreate(s);
  if (!ierr) ierr = FFParamsSetUp(s->params, seed) ? PETSC_ERR_LIB : 0;
  if (ierr) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", FFErrorMessage());
    PetscCall(FFSurrogateDestroy(&s));
    SETERRQ(comm, PETSC_ERR_ARG_WRONG, "cannot build the %s model: %s", type_names[config->type], msg);
  }
  for (int k = 0; k < FF_SURR_FIELD_MAPS; k++) PetscCallFF(FFIndexMapCreate(&s->maps[k]));
  PetscCallFF(FFTapeCreate(s->params, &s->infer_tape));
  FFTapeSetGradEnabled(s->infer_tape, 0);
  *out = s;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateDestroy(FFSurrogate *ps)
{
  FFSurrogate s = *ps;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  FFTapeDestroy(&s->infer_tape);
  for (int k = 0; k < FF_SURR_FIELD_MAPS; k++) FFIndexMapDestroy(&s->maps[k]);
  FFMeshGraphNetDestroy(&s->mgn);
  FFMultiLevelGNNDestroy(&s->mlgnn);
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) PetscCall(FFNormalizerDestroy(&s->level_norm[l]));
  FFParamsDestroy(&s->params);
  PetscCall(FFNormalizerDestroy(&s->raw_norm));
  PetscCall(FFNormalizerDestroy(&s->node_norm));
  PetscCall(FFNormalizerDestroy(&s->edge_norm));
  PetscCall(FFNormalizerDestroy(&s->cond_norm));
  PetscCall(FFNormalizerDestroy(&s->out_norm));
  PetscCall(PetscFree(*ps));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGetConfig(FFSurrogate s, const FFSurrogateConfig **config)
{
  PetscFunctionBegin;
  *config = &s->config;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGetSchema(FFSurrogate s, const FFSurrogateSchema **schema)
{
  PetscFunctionBegin;
  *schema = &s->schema;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGetParams(FFSurrogate s, FFParams **params)
{
  PetscFunctionBegin;
  *params = s->params;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGetComm(FFSurrogate s, MPI_Comm *comm)
{
  PetscFunctionBegin;
  *comm = s->comm;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGetOutputNormalizer(FFSurrogate s, const FFNormalizer **nz)
{
  PetscFunctionBegin;
  PetscCheck(s->normalizers_ready, s->comm, PETSC_ERR_ORDER, "the model's normalizers are not fitted yet");
  *nz = &s->out_norm;
  PetscFunctionReturn(0);
}

static void ConditionsTransformed(const FFSurrogateSchema *schema, const double raw[], double out[])
{
  for (int k = 0; k < schema->n_cond; k++) out[k] = FFSurrogateConditionTransform(&schema->cond[k], raw[k]);
}

/* x, y, sdf as the networks see them before normalization: raw, or stretched about the node
 * mean (x, y) and the wall (sdf) with the length stretch * std. */
static void Stretch(FFSurrogate s, double x, double y, double sdf, double out[3])
{
  const double raw[3] = {x, y, sdf};
  for (int j = 0; j < 3; j++) {
    if (s->config.stretch <= 0) {
      out[j] = raw[j];
      continue;
    }
    const double c = j < 2 ? s->raw_norm.mean[j] : 0.0, l = s->config.stretch * s->raw_norm.std[j];
    out[j] = asinh((raw[j] - c) / l);
  }
}

PetscErrorCode FFSurrogateFitNormalizers(FFSurrogate s, long n, FFSurrogateGraph *graphs)
{
  double *row;
  const int nc = 3 + s->n_in;

  PetscFunctionBegin;
  PetscCheck(n > 0, s->comm, PETSC_ERR_ARG_WRONG, "no training graphs to fit the normalizers on");
  PetscCall(PetscMalloc1(nc + 3, &row));
  for (long i = 0; i < n; i++) /* first the raw positions: the stretch's centres and scales */
    for (int v = 0; v < graphs[i].n_nodes; v++) {
      const double raw[3] = {graphs[i].coords[2 * v], graphs[i].coords[2 * v + 1], graphs[i].sdf[v]};
      PetscCall(FFNormalizerAccumulate(&s->raw_norm, 1, raw, 3));
    }
  PetscCall(FFNormalizerFinish(&s->raw_norm, 1e-12));
  for (long i = 0; i < n; i++) {
    const FFSurrogateGraph *g = &graphs[i];
    PetscCheck(g->target, s->comm, PETSC_ERR_ARG_WRONG, "training graph %ld (sample %ld) has no targets", i, g->index);
    for (int v = 0; v < g->n_nodes; v++) {
      Stretch(s, g->coords[2 * v], g->coords[2 * v + 1], g->sdf[v], row);
      for (int c = 0; c < s->n_in; c++) row[3 + c] = g->inputs[(size_t)v * s->n_in + c];
      PetscCall(FFNormalizerAccumulate(&s->node_norm, 1, row, nc));
    }
    for (int e = 0; e < g->n_edges; e++) {
      const int a = g->senders[e], b = g->receivers[e];
      row[0] = g->coords[2 * a] - g->coords[2 * b];
      row[1] = g->coords[2 * a + 1] - g->coords[2 * b + 1];
      row[2] = hypot(row[0], row[1]);
      PetscCall(FFNormalizerAccumulate(&s->edge_norm, 1, row, 3));
    }
    if (s->config.type == FF_SURROGATE_MLGNN) PetscCall(FFSurrogateMLGNNAccumulate(s, &graphs[i]));
    double cond[FF_SURR_MAX_COND];
    ConditionsTransformed(&s->schema, g->cond, cond);
    PetscCall(FFNormalizerAccumulate(&s->cond_norm, 1, cond, s->schema.n_cond));
    PetscCall(FFNormalizerAccumulate(&s->out_norm, g->n_nodes, g->target, s->n_out));
  }
  PetscCall(PetscFree(row));
  PetscCall(FFNormalizerFinish(&s->node_norm, 1e-12));
  PetscCall(FFNormalizerFinish(&s->edge_norm, 1e-12));
  PetscCall(FFNormalizerFinish(&s->cond_norm, 1e-12));
  PetscCall(FFNormalizerFinish(&s->out_norm, 1e-12));
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) PetscCall(FFNormalizerFinish(&s->level_norm[l], 1e-12));
  s->normalizers_ready = 1;
  PetscFunctionReturn(0);
}

void FFSurrogateNodeInputDerivative(FFSurrogate s, const double xy[2], double sdf, double d[3])
{
  const double raw[3] = {xy[0], xy[1], sdf};
  for (int j = 0; j < 3; j++) {
    double ds = 1.0; /* d stretched / d raw */
    if (s->config.stretch > 0) {
      const double c = j < 2 ? s->raw_norm.mean[j] : 0.0, l = s->config.stretch * s->raw_norm.std[j],
                   t = (raw[j] - c) / l;
      ds = 1.0 / (l * sqrt(1.0 + t * t));
    }
    d[j] = ds / s->node_norm.std[j];
  }
}

void FFSurrogateConditionsNormalized(FFSurrogate s, const double raw[], float *cond_x)
{
  double ct[FF_SURR_MAX_COND];
  ConditionsTransformed(&s->schema, raw, ct);
  for (int k = 0; k < s->schema.n_cond; k++) cond_x[k] = FFNormalize(&s->cond_norm, k, ct[k]);
  if (!s->schema.n_cond) cond_x[0] = 0.0f;
}

/* One row of normalized node inputs: [one-hot (GNN)], x, y, sdf, input fields, [conditions (GNN)]. */
void FFSurrogateNodeRow(FFSurrogate s, const double xy[2], double sdf, const double *inputs, const float *cond_x,
                        unsigned char category, float *out)
{
  int k = 0;
  double st[3];
  if (s->config.type != FF_SURROGATE_FIELD)
    for (int c = 0; c < FF_NODE_CATEGORIES; c++) out[k++] = c == category ? 1.0f : 0.0f;
  Stretch(s, xy[0], xy[1], sdf, st);
  for (int j = 0; j < 3; j++) out[k++] = FFNormalize(&s->node_norm, j, st[j]);
  for (int c = 0; c < s->n_in; c++) out[k++] = FFNormalize(&s->node_norm, 3 + c, inputs[c]);
  if (s->config.type != FF_SURROGATE_FIELD)
    for (int c = 0; c < s->schema.n_cond; c++) out[k++] = cond_x[c];
}

PetscErrorCode FFSurrogatePrepareGraph(FFSurrogate s, FFSurrogateGraph *g)
{
  const int nc = FFSurrogateNodeColumns(s);
  double cond[FF_SURR_MAX_COND];

  PetscFunctionBegin;
  PetscCheck(s->normalizers_ready, s->comm, PETSC_ERR_ORDER, "the model's normalizers are not fitted");
  PetscCall(PetscFree(g->node_x));
  PetscCall(PetscFree(g->edge_x));
  PetscCall(PetscFree(g->cond_x));
  PetscCall(PetscFree(g->target_x));
  PetscCall(PetscMalloc1(s->schema.n_cond + 1, &g->cond_x));
  ConditionsTransformed(&s->schema, g->cond, cond);
  for (int k = 0; k < s->schema.n_cond; k++) {
    PetscCheck(isfinite(cond[k]), s->comm, PETSC_ERR_FP, "condition %s = %.6g is not usable", s->schema.cond[k].name,
               g->cond[k]);
    g->cond_x[k] = FFNormalize(&s->cond_norm, k, cond[k]);
  }
  if (!s->schema.n_cond) g->cond_x[0] = 0.0f;
  PetscCall(PetscMalloc1((size_t)g->n_nodes * nc, &g->node_x));
  for (int v = 0; v < g->n_nodes; v++) {
    PetscCheck(isfinite(g->coords[2 * v]) && isfinite(g->coords[2 * v + 1]) && isfinite(g->sdf[v]), s->comm,
               PETSC_ERR_FP, "node %d has a non-finite position or wall distance", v);
    FFSurrogateNodeRow(s, &g->coords[2 * v], g->sdf[v], g->inputs ? &g->inputs[(size_t)v * s->n_in] : NULL, g->cond_x,
                       g->category[v], &g->node_x[(size_t)v * nc]);
    for (int c = 0; c < nc; c++)
      PetscCheck(isfinite(g->node_x[(size_t)v * nc + c]), s->comm, PETSC_ERR_FP,
                 "node %d: input column %d is not finite (NaN in an input field?)", v, c);
  }
  if (s->config.type != FF_SURROGATE_FIELD) {
    PetscCall(PetscMalloc1((size_t)g->n_edges * 3 + 1, &g->edge_x));
    for (int e = 0; e < g->n_edges; e++) {
      const int a = g->senders[e], b = g->receivers[e];
      const double dx = g->coords[2 * a] - g->coords[2 * b], dy = g->coords[2 * a + 1] - g->coords[2 * b + 1];
      g->edge_x[3 * e] = FFNormalize(&s->edge_norm, 0, dx);
      g->edge_x[3 * e + 1] = FFNormalize(&s->edge_norm, 1, dy);
      g->edge_x[3 * e + 2] = FFNormalize(&s->edge_norm, 2, hypot(dx, dy));
    }
    if (!g->graph) PetscCallFF(FFGraphCreate(&g->graph));
    PetscCallFF(FFGraphSetEdges(g->graph, g->n_nodes, g->n_edges, g->senders, g->receivers));
  }
  if (s->config.type == FF_SURROGATE_MLGNN) PetscCall(FFSurrogateMLGNNPrepare(s, g));
  if (g->target) {
    PetscCall(PetscMalloc1((size_t)g->n_nodes * s->n_out, &g->target_x));
    for (size_t k = 0; k < (size_t)g->n_nodes * s->n_out; k++)
      g->target_x[k] = FFNormalize(&s->out_norm, (int)(k % s->n_out), g->target[k]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, int n_points, const int *nodes,
                                  FFTensor **out)
{
  PetscFunctionBegin;
  PetscCheck(g->node_x, s->comm, PETSC_ERR_ORDER, "graph not prepared for the model (FFSurrogatePrepareGraph)");
  if (s->config.type == FF_SURROGATE_GNN)
    PetscCall(FFSurrogateGNNForward(s, tape, g, out));
  else if (s->config.type == FF_SURROGATE_MLGNN)
    PetscCall(FFSurrogateMLGNNForward(s, tape, g, out));
  else
    PetscCall(FFSurrogateFieldForward(s, tape, 1, &g, nodes ? n_points : g->n_nodes, nodes, out));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFieldForwardBatch(FFSurrogate s, FFTape *tape, int n_graphs, FFSurrogateGraph *const *gs,
                                            int n_points, const int *points, FFTensor **out)
{
  PetscFunctionBegin;
  PetscCheck(s->config.type == FF_SURROGATE_FIELD, s->comm, PETSC_ERR_ARG_WRONG, "not a neural-field model");
  PetscCall(FFSurrogateFieldForward(s, tape, n_graphs, gs, n_points, points, out));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogatePredict(FFSurrogate s, FFSurrogateGraph *g, double *fields, double *time_s)
{
  FFTensor *y;
  const double t0 = FFTimeNow();

  PetscFunctionBegin;
  FFTapeReset(s->infer_tape);
  PetscCall(FFSurrogateForward(s, s->infer_tape, g, 0, NULL, &y));
  for (size_t k = 0; k < (size_t)g->n_nodes * s->n_out; k++)
    fields[k] = FFDenormalize(&s->out_norm, (int)(k % s->n_out), y->data[k]);
  FFTapeReset(s->infer_tape);
  if (time_s) *time_s = FFTimeNow() - t0;
  for (size_t k = 0; k < (size_t)g->n_nodes * s->n_out; k++)
    PetscCheck(isfinite(fields[k]), s->comm, PETSC_ERR_FP, "the prediction is not finite at node %zu",
               k / (size_t)s->n_out);
  PetscFunctionReturn(0);
}
