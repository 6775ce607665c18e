/* The multi-level surrogate (-model mlgnn, docs/surrogates.md): FFMultiLevelGNN on the levels of
 * the sample's own graph (FFSurrogateLevels: P2 nodes, vertices, METIS clusters), physics
 * attention at the coarsest level. Node inputs are the GNN's (category one-hot, position, wall
 * distance, input fields, conditions; optionally Fourier features of the position); every
 * level's edges carry the relative position of their ends and its length, normalized per level
 * (level 0 exactly as the GNN's, so that one level without mixing is MeshGraphNets). */
#include "models_private.h"

#include <math.h>

PetscErrorCode FFSurrogateMLGNNCreate(FFSurrogate s)
{
  const FFSurrogateConfig *c = &s->config;
  FFMultiLevelGNNConfig m;

  PetscFunctionBegin;
  FFMultiLevelGNNConfigDefault(&m);
  m.node_in = FFSurrogateNodeColumns(s);
  if (c->fourier_freq > 0) { /* Fourier features of the position and wall distance join the node inputs */
    PetscCallFF(FFFourierFeaturesCreate(s->params, "mlgnn.fourier", 3, c->fourier_freq, c->n_scales, c->scales, 0,
                                        &s->fourier));
    m.node_in += s->fourier.out;
  }
  m.edge_in = 3;
  m.out = s->n_out;
  m.width = c->width;
  m.hidden_layers = c->depth;
  m.act = c->act;
  m.levels = c->levels;
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) m.blocks[l] = c->level_blocks[l];
  m.mix_blocks = c->mix_blocks;
  m.slices = c->slices;
  m.heads = c->heads;
  PetscCallFF(FFMultiLevelGNNCreate(s->params, "mlgnn", &m, &s->mlgnn));
  PetscFunctionReturn(0);
}

/* The graph's levels as this model wants them (built on first use, kept with the graph). */
static PetscErrorCode EnsureLevels(FFSurrogate s, FFSurrogateGraph *g)
{
  PetscFunctionBegin;
  if (g->levels && g->levels->n_levels == s->config.levels && g->levels->coarsen == s->config.coarsen)
    PetscFunctionReturn(0);
  if (g->levels)
    PetscCall(FFSurrogateLevelsDestroy(g->levels));
  else
    PetscCall(PetscNew(&g->levels));
  PetscCall(FFSurrogateLevelsBuild(g, s->config.levels, s->config.coarsen, g->levels));
  PetscFunctionReturn(0);
}

/* As the GNN's edges: sender minus receiver position, and its length. */
static void EdgeRow(const FFSurrogateLevels *L, int l, int e, double row[3])
{
  const double *x = L->coords[l];
  const int a = L->senders[l][e], b = L->receivers[l][e];
  row[0] = x[2 * a] - x[2 * b];
  row[1] = x[2 * a + 1] - x[2 * b + 1];
  row[2] = hypot(row[0], row[1]);
}

PetscErrorCode FFSurrogateMLGNNAccumulate(FFSurrogate s, FFSurrogateGraph *g)
{
  PetscFunctionBegin;
  PetscCall(EnsureLevels(s, g));
  for (int l = 1; l < g->levels->n_levels; l++) /* level 0: the GNN's edge normalizer */
    for (int e = 0; e < g->levels->n_edges[l]; e++) {
      double row[3];
      EdgeRow(g->levels, l, e, row);
      PetscCall(FFNormalizerAccumulate(&s->level_norm[l], 1, row, 3));
    }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateMLGNNPrepare(FFSurrogate s, FFSurrogateGraph *g)
{
  PetscFunctionBegin;
  PetscCall(EnsureLevels(s, g));
  FFSurrogateLevels *L = g->levels;
  for (int l = 1; l < L->n_levels; l++) {
    PetscCall(PetscFree(L->edge_x[l]));
    PetscCall(PetscMalloc1(3 * (size_t)L->n_edges[l] + 1, &L->edge_x[l]));
    for (int e = 0; e < L->n_edges[l]; e++) {
      double row[3];
      EdgeRow(L, l, e, row);
      for (int j = 0; j < 3; j++) L->edge_x[l][3 * e + j] = FFNormalize(&s->level_norm[l], j, row[j]);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateMLGNNForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, FFTensor **out)
{
  const FFSurrogateLevels *L = g->levels;
  FFTensor *x, *e[FF_SURR_MAX_LEVELS];
  const FFGraph *graphs[FF_SURR_MAX_LEVELS];
  const FFIndexMap *pools[FF_SURR_MAX_LEVELS];

  PetscFunctionBegin;
  PetscCheck(L && g->edge_x && L->n_levels == s->config.levels, s->comm, PETSC_ERR_ORDER,
             "graph not prepared for the multi-level model");
  PetscCallFF(FFTapeLeaf(tape, g->n_nodes, FFSurrogateNodeColumns(s), g->node_x, 0, &x));
  if (s->config.fourier_freq > 0) {
    FFTensor *pos, *feat, *parts[2];
    PetscCallFF(FFOpSliceCols(tape, x, FF_NODE_CATEGORIES, 3, &pos));
    PetscCallFF(FFFourierFeaturesForward(&s->fourier, tape, pos, &feat));
    FFTapeDiscard(tape, pos);
    parts[0] = x;
    parts[1] = feat;
    PetscCallFF(FFOpConcat(tape, 2, parts, &x));
    FFTapeDiscard(tape, feat);
  }
  for (int l = 0; l < L->n_levels; l++) {
    PetscCallFF(FFTapeLeaf(tape, L->n_edges[l], 3, l ? L->edge_x[l] : g->edge_x, 0, &e[l]));
    graphs[l] = L->graph[l];
    pools[l] = L->pool[l];
  }
  PetscCallFF(FFMultiLevelGNNForward(&s->mlgnn, tape, graphs, pools, x, e, out));
  PetscFunctionReturn(0);
}
