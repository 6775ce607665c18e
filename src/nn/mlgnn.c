/* The multi-level mesh GNN (docs/references.md §11): MeshGraphNets blocks on a hierarchy of graphs,
 * a U-Net over levels. Down: the blocks of level l, then the mean over each cluster makes the
 * nodes of level l + 1. At the coarsest level physics-attention blocks mix all nodes. Up: every
 * node of level l reads its cluster's latent (a gather fused into the first product, as the
 * MeshGraphNets edge layer reads its end nodes) beside its own latent from the way down
 * (the skip connection), then the blocks of level l again with their own weights. */
#include "nn_private.h"

#include <stdlib.h>

void FFMultiLevelGNNConfigDefault(FFMultiLevelGNNConfig *c)
{
  memset(c, 0, sizeof *c);
  c->width = 64;
  c->hidden_layers = 1;
  c->act = FF_ACT_RELU;
  c->levels = 3;
  for (int l = 0; l < FF_MLGNN_MAX_LEVELS; l++) c->blocks[l] = 2;
  c->mix_blocks = 1;
  c->slices = 32;
  c->heads = 4;
}

/* Block MLPs are stored level by level: down blocks, then up blocks (none at the coarsest). */
static int BlocksBefore(const FFMultiLevelGNNConfig *c, int level)
{
  int n = 0;
  for (int l = 0; l < level; l++) n += c->blocks[l] * (l < c->levels - 1 ? 2 : 1);
  return n;
}

FFErrorCode FFMultiLevelGNNCreate(FFParams *params, const char *prefix, const FFMultiLevelGNNConfig *config,
                                  FFMultiLevelGNN *net)
{
  const FFMultiLevelGNNConfig *c = config;
  FF_ASSERT(c->node_in > 0 && c->edge_in > 0 && c->out > 0 && c->width > 0, FF_ERR_ARG,
            "multi-level GNN '%s': node_in %d, edge_in %d, out %d, width %d must be positive", prefix, c->node_in,
            c->edge_in, c->out, c->width);
  FF_ASSERT(c->levels >= 1 && c->levels <= FF_MLGNN_MAX_LEVELS && c->mix_blocks >= 0, FF_ERR_ARG,
            "multi-level GNN '%s': %d levels (1..%d), %d mixing blocks", prefix, c->levels, FF_MLGNN_MAX_LEVELS,
            c->mix_blocks);
  for (int l = 0; l < c->levels; l++)
    FF_ASSERT(c->blocks[l] >= 0, FF_ERR_ARG, "multi-level GNN '%s': %d blocks at level %d", prefix, c->blocks[l], l);
  memset(net, 0, sizeof *net);
  net->config = *c;
  char name[FF_NAME_LEN + 64];
  const int w = c->width;
  FFMLPConfig m = {
      .in = c->node_in, .hidden = w, .out = w, .hidden_layers = c->hidden_layers, .act = c->act, .layer_norm = 1};
  snprintf(name, sizeof name, "%s.encoder_node", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &net->node_encoder));
  net->n_blocks = BlocksBefore(c, c->levels);
  if (net->n_blocks) {
    FF_CHECK(FFCalloc((size_t)net->n_blocks, sizeof(FFMLP), &net->edge_mlp));
    FF_CHECK(FFCalloc((size_t)net->n_blocks, sizeof(FFMLP), &net->node_mlp));
  }
  for (int l = 0; l < c->levels; l++) {
    m.in = c->edge_in;
    snprintf(name, sizeof name, "%s.level%d.encoder_edge", prefix, l);
    FF_CHECK(FFMLPCreate(params, name, &m, &net->edge_encoder[l]));
    const int passes = l < c->levels - 1 ? 2 : 1;
    for (int p = 0; p < passes; p++)
      for (int b = 0; b < c->blocks[l]; b++) {
        const int k = BlocksBefore(c, l) + p * c->blocks[l] + b;
        m.in = 3 * w;
        snprintf(name, sizeof name, "%s.level%d.%s%d.edge", prefix, l, p ? "up" : "down", b);
        FF_CHECK(FFMLPCreate(params, name, &m, &net->edge_mlp[k]));
        m.in = 2 * w;
        snprintf(name, sizeof name, "%s.level%d.%s%d.node", prefix, l, p ? "up" : "down", b);
        FF_CHECK(FFMLPCreate(params, name, &m, &net->node_mlp[k]));
      }
    if (l < c->levels - 1) {
      m.in = 2 * w;
      snprintf(name, sizeof name, "%s.level%d.unpool", prefix, l);
      FF_CHECK(FFMLPCreate(params, name, &m, &net->unpool[l]));
    }
  }
  if (c->mix_blocks > 0) FF_CHECK(FFCalloc((size_t)c->mix_blocks, sizeof(FFPhysicsAttention), &net->mix));
  for (int k = 0; k < c->mix_blocks; k++) {
    FFPhysicsAttentionConfig a = {
        .width = w, .heads = c->heads, .slices = c->slices, .hidden_layers = c->hidden_layers, .act = FF_ACT_GELU};
    snprintf(name, sizeof name, "%s.mix%d", prefix, k);
    FF_CHECK(FFPhysicsAttentionCreate(params, name, &a, &net->mix[k]));
  }
  m.in = w;
  m.out = c->out;
  m.layer_norm = 0;
  snprintf(name, sizeof name, "%s.decoder", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &net->decoder));
  return FF_SUCCESS;
}

void FFMultiLevelGNNDestroy(FFMultiLevelGNN *net)
{
  free(net->edge_mlp);
  free(net->node_mlp);
  free(net->mix);
  net->edge_mlp = net->node_mlp = NULL;
  net->mix = NULL;
}

static FFErrorCode Blocks(const FFMultiLevelGNN *net, FFTape *tape, const FFGraph *graph, int first, int n,
                          FFTensor **h, FFTensor **e)
{
  for (int b = 0; b < n; b++)
    FF_CHECK(FFMeshGraphNetBlockForward(&net->edge_mlp[first + b], &net->node_mlp[first + b], tape, graph, h, e));
  return FF_SUCCESS;
}

FFErrorCode FFMultiLevelGNNForward(const FFMultiLevelGNN *net, FFTape *tape, const FFGraph *const *graphs,
                                   const FFIndexMap *const *pools, FFTensor *node_x, FFTensor *const *edge_x,
                                   FFTensor **out)
{
  const FFMultiLevelGNNConfig *c = &net->config;
  const int L = c->levels;
  FF_ASSERT(node_x->rows == graphs[0]->n_nodes && node_x->cols == c->node_in, FF_ERR_ARG,
            "multi-level GNN node input is %d x %d, the graph needs %d x %d", node_x->rows, node_x->cols,
            graphs[0]->n_nodes, c->node_in);
  for (int l = 0; l < L; l++) {
    FF_ASSERT(edge_x[l]->rows == graphs[l]->n_edges && edge_x[l]->cols == c->edge_in, FF_ERR_ARG,
              "multi-level GNN level %d: edge input %d x %d, the graph needs %d x %d", l, edge_x[l]->rows,
              edge_x[l]->cols, graphs[l]->n_edges, c->edge_in);
    if (l < L - 1)
      FF_ASSERT(pools[l]->n == graphs[l]->n_nodes && pools[l]->n_src == graphs[l + 1]->n_nodes, FF_ERR_ARG,
                "multi-level GNN: the clustering of level %d maps %d nodes to %d, the graphs have %d and %d", l,
                pools[l]->n, pools[l]->n_src, graphs[l]->n_nodes, graphs[l + 1]->n_nodes);
  }
  FFTensor *h, *e[FF_MLGNN_MAX_LEVELS], *skip[FF_MLGNN_MAX_LEVELS];
  FF_CHECK(FFMLPForward(&net->node_encoder, tape, node_x, &h));
  for (int l = 0; l < L; l++) {
    if (l > 0) FF_CHECK(FFOpSegmentMean(tape, skip[l - 1], pools[l - 1], &h));
    FF_CHECK(FFMLPForward(&net->edge_encoder[l], tape, edge_x[l], &e[l]));
    FF_CHECK(Blocks(net, tape, graphs[l], BlocksBefore(c, l), c->blocks[l], &h, &e[l]));
    skip[l] = h;
  }
  for (int k = 0; k < c->mix_blocks; k++) {
    FFTensor *next;
    FF_CHECK(FFPhysicsAttentionForward(&net->mix[k], tape, h, &next));
    FFTapeDiscard(tape, h);
    h = next;
  }
  for (int l = L - 2; l >= 0; l--) {
    FFTensor *in[2] = {skip[l], h}, *fine;
    const FFIndexMap *gathers[2] = {NULL, pools[l]};
    FF_CHECK(FFMLPForwardMulti(&net->unpool[l], tape, 2, in, gathers, skip[l], &fine));
    FFTapeDiscard(tape, h);
    FFTapeDiscard(tape, skip[l]);
    h = fine;
    FF_CHECK(Blocks(net, tape, graphs[l], BlocksBefore(c, l) + c->blocks[l], c->blocks[l], &h, &e[l]));
  }
  for (int l = 0; l < L; l++) FFTapeDiscard(tape, e[l]);
  FF_CHECK(FFMLPForward(&net->decoder, tape, h, out));
  FFTapeDiscard(tape, h);
  return FF_SUCCESS;
}
