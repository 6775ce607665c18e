/* The velocity network of flow matching on node fields: MeshGraphNets on the noisy field with
 * time, conditions and a per-sample global context added to the node latents in every block. */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <stdlib.h>

void FFFlowNetConfigDefault(FFFlowNetConfig *c)
{
  *c = (FFFlowNetConfig){.width = 64,
                         .blocks = 6,
                         .hidden_layers = 2,
                         .time_dim = 32,
                         .time_scale = 1000.0,
                         .interval = 0,
                         .act = FF_ACT_SILU};
}

static PetscErrorCode CreateMLP(FFParams *P, const char *prefix, const char *name, int in, int hidden, int out,
                                int layers, FFActivation act, int ln, FFMLP *mlp)
{
  char full[FF_NAME_LEN + 64];
  FFMLPConfig m = {.in = in, .hidden = hidden, .out = out, .hidden_layers = layers, .act = act, .layer_norm = ln};

  PetscFunctionBegin;
  snprintf(full, sizeof full, "%s.%s", prefix, name);
  PetscCallFF(FFMLPCreate(P, full, &m, mlp));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowNetCreate(FFParams *P, const char *prefix, const FFFlowNetConfig *c, FFFlowNet *net)
{
  const int w = c->width, L = c->hidden_layers;
  char name[64];

  PetscFunctionBegin;
  PetscCheck(c->cols > 0 && c->static_in >= 0 && c->edge_in > 0 && c->cond_in >= 0 && w > 0 && c->blocks >= 1 &&
                 L >= 1 && c->time_dim >= 2 && c->time_dim % 2 == 0 && c->time_scale > 0,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "flow network: columns %d, width %d, blocks %d, hidden layers %d, time embedding %d (even) must be "
             "positive",
             c->cols, w, c->blocks, L, c->time_dim);
  PetscCall(PetscMemzero(net, sizeof *net));
  net->config = *c;
  PetscCall(CreateMLP(P, prefix, "encoder_node", c->cols + c->static_in, w, w, L, c->act, 1, &net->node_encoder));
  PetscCall(CreateMLP(P, prefix, "encoder_edge", c->edge_in, w, w, L, c->act, 1, &net->edge_encoder));
  PetscCall(CreateMLP(P, prefix, "context", c->time_dim * (c->interval ? 2 : 1) + c->cond_in, w, w, 1, c->act, 0,
                      &net->context));
  PetscCall(PetscCalloc3(c->blocks, &net->edge_mlp, c->blocks, &net->node_mlp, c->blocks, &net->global_mlp));
  for (int k = 0; k < c->blocks; k++) {
    snprintf(name, sizeof name, "block%d.global", k);
    PetscCall(CreateMLP(P, prefix, name, 2 * w, w, w, 1, c->act, 0, &net->global_mlp[k]));
    snprintf(name, sizeof name, "block%d.edge", k);
    PetscCall(CreateMLP(P, prefix, name, 3 * w, w, w, L, c->act, 1, &net->edge_mlp[k]));
    snprintf(name, sizeof name, "block%d.node", k);
    PetscCall(CreateMLP(P, prefix, name, 2 * w, w, w, L, c->act, 1, &net->node_mlp[k]));
  }
  PetscCall(CreateMLP(P, prefix, "decoder", w, w, c->cols, L, c->act, 0, &net->decoder));
  PetscFunctionReturn(0);
}

void FFFlowNetDestroy(FFFlowNet *net)
{
  if (net->edge_mlp) PetscFree3(net->edge_mlp, net->node_mlp, net->global_mlp);
  net->edge_mlp = net->node_mlp = net->global_mlp = NULL;
}

/* c = MLP([embedding of time_scale t, (interval) embedding of time_scale h, conditions]): n x width. */
static PetscErrorCode Context(const FFFlowNet *net, FFTape *tape, const FFFlowNetInputs *in, int n, const float t[],
                              const float h[], FFTensor **ctx)
{
  const FFFlowNetConfig *c = &net->config;
  FFTensor *xs[3];
  float *scaled;
  int k = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &scaled));
  for (int s = 0; s < n; s++) scaled[s] = (float)(c->time_scale * t[s]);
  PetscCallFF(FFTimeEmbedding(tape, n, scaled, c->time_dim, 10000.0f, &xs[k++]));
  if (c->interval) {
    for (int s = 0; s < n; s++) scaled[s] = h ? (float)(c->time_scale * h[s]) : 0.0f;
    PetscCallFF(FFTimeEmbedding(tape, n, scaled, c->time_dim, 10000.0f, &xs[k++]));
  }
  PetscCall(PetscFree(scaled));
  if (c->cond_in > 0) {
    PetscCheck(in->cond, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "flow network: %d conditions expected, none given",
               c->cond_in);
    PetscCallFF(FFTapeLeaf(tape, n, c->cond_in, in->cond, 0, &xs[k++]));
  }
  PetscCallFF(FFMLPForwardMulti(&net->context, tape, k, xs, NULL, NULL, ctx));
  PetscFunctionReturn(0);
}

/* h + G(MLP([mean of h over each sample's nodes, c])) */
static PetscErrorCode AddGlobal(const FFMLP *mlp, FFTape *tape, const FFFlowNetInputs *in, int n, FFTensor *h,
                                FFTensor *ctx, FFTensor **out)
{
  FFTensor *sum, *inv, *mean, *g, *gn, *xs[2];

  PetscFunctionBegin;
  PetscCallFF(FFOpScatterAdd(tape, h, in->sample_of, &sum));
  PetscCallFF(FFTapeLeaf(tape, n, 1, in->inv_count, 0, &inv));
  PetscCallFF(FFOpMul(tape, sum, inv, &mean));
  FFTapeDiscard(tape, sum);
  xs[0] = mean;
  xs[1] = ctx;
  PetscCallFF(FFMLPForwardMulti(mlp, tape, 2, xs, NULL, NULL, &g));
  FFTapeDiscard(tape, mean);
  PetscCallFF(FFOpGather(tape, g, in->sample_of, &gn));
  FFTapeDiscard(tape, g);
  PetscCallFF(FFOpAdd(tape, h, gn, out));
  FFTapeDiscard(tape, gn);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowNetForward(const FFFlowNet *net, FFTape *tape, const FFFlowNetInputs *in, int n, const float t[],
                                const float interval[], FFTensor *x, FFTensor **v)
{
  const FFFlowNetConfig *c = &net->config;
  const FFGraph *graph = in->graph;
  FFTensor *stat, *ex, *h, *e, *ctx, *xs[2];

  PetscFunctionBegin;
  PetscCheck(x->rows == graph->n_nodes && x->cols == c->cols, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "flow network: the field is %d x %d, the graph needs %d x %d", x->rows, x->cols, graph->n_nodes, c->cols);
  PetscCheck(in->sample_of->n == graph->n_nodes && in->sample_of->n_src == n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "flow network: the node -> sample map has %d nodes and %d samples, the batch %d and %d", in->sample_of->n,
             in->sample_of->n_src, graph->n_nodes, n);
  PetscCall(Context(net, tape, in, n, t, interval, &ctx));
  xs[0] = x;
  if (c->static_in > 0) {
    PetscCallFF(FFTapeLeaf(tape, graph->n_nodes, c->static_in, in->static_x, 0, &stat));
    xs[1] = stat;
  }
  PetscCallFF(FFMLPForwardMulti(&net->node_encoder, tape, c->static_in > 0 ? 2 : 1, xs, NULL, NULL, &h));
  PetscCallFF(FFTapeLeaf(tape, graph->n_edges, c->edge_in, in->edge_x, 0, &ex));
  PetscCallFF(FFMLPForward(&net->edge_encoder, tape, ex, &e));
  for (int k = 0; k < c->blocks; k++) {
    FFTensor *hg;
    PetscCall(AddGlobal(&net->global_mlp[k], tape, in, n, h, ctx, &hg));
    FFTapeDiscard(tape, h);
    h = hg;
    PetscCallFF(FFMeshGraphNetBlockForward(&net->edge_mlp[k], &net->node_mlp[k], tape, graph, &h, &e));
  }
  FFTapeDiscard(tape, e);
  FFTapeDiscard(tape, ctx);
  PetscCallFF(FFMLPForward(&net->decoder, tape, h, v));
  FFTapeDiscard(tape, h);
  PetscFunctionReturn(0);
}
