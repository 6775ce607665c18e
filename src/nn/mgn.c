/* MeshGraphNets encode-process-decode (docs/references.md §2). The edge MLP's first layer
 * reads [h_sender, h_receiver, e] without building the concatenation: the node parts are
 * multiplied once per node and gathered to the edges (FFLinearSpec). */
#include "nn_private.h"

#include <stdlib.h>

void FFMeshGraphNetConfigDefault(FFMeshGraphNetConfig *c)
{
  *c = (FFMeshGraphNetConfig){
      .node_in = 0, .edge_in = 0, .out = 0, .width = 128, .blocks = 15, .hidden_layers = 2, .act = FF_ACT_RELU};
}

FFErrorCode FFMeshGraphNetCreate(FFParams *params, const char *prefix, const FFMeshGraphNetConfig *config,
                                 FFMeshGraphNet *net)
{
  const FFMeshGraphNetConfig *c = config;
  FF_ASSERT(c->node_in > 0 && c->edge_in > 0 && c->out > 0 && c->width > 0 && c->blocks >= 0, FF_ERR_ARG,
            "MeshGraphNets '%s': node_in %d, edge_in %d, out %d, width %d, blocks %d must be positive", prefix,
            c->node_in, c->edge_in, c->out, c->width, c->blocks);
  memset(net, 0, sizeof *net);
  net->config = *c;
  char name[FF_NAME_LEN + 32];
  FFMLPConfig m = {.hidden = c->width, .hidden_layers = c->hidden_layers, .act = c->act, .layer_norm = 1};
  m.in = c->node_in;
  m.out = c->width;
  snprintf(name, sizeof name, "%s.encoder_node", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &net->node_encoder));
  m.in = c->edge_in;
  snprintf(name, sizeof name, "%s.encoder_edge", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &net->edge_encoder));
  if (c->blocks > 0) {
    FF_CHECK(FFCalloc((size_t)c->blocks, sizeof(FFMLP), &net->edge_mlp));
    FF_CHECK(FFCalloc((size_t)c->blocks, sizeof(FFMLP), &net->node_mlp));
  }
  for (int k = 0; k < c->blocks; k++) {
    m.in = 3 * c->width;
    snprintf(name, sizeof name, "%s.block%d.edge", prefix, k);
    FF_CHECK(FFMLPCreate(params, name, &m, &net->edge_mlp[k]));
    m.in = 2 * c->width;
    snprintf(name, sizeof name, "%s.block%d.node", prefix, k);
    FF_CHECK(FFMLPCreate(params, name, &m, &net->node_mlp[k]));
  }
  m.in = c->width;
  m.out = c->out;
  m.layer_norm = 0;
  snprintf(name, sizeof name, "%s.decoder", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &net->decoder));
  return FF_SUCCESS;
}

void FFMeshGraphNetDestroy(FFMeshGraphNet *net)
{
  free(net->edge_mlp);
  free(net->node_mlp);
  net->edge_mlp = net->node_mlp = NULL;
}

/* One processor block: e' = e + MLP_e([h_s, h_r, e]) (the node parts multiplied per node and
 * gathered), h' = h + MLP_n([h, sum of e' over the receiver]); h and e are replaced and the
 * old latents released from the tape. */
FFErrorCode FFMeshGraphNetBlockForward(const FFMLP *edge_mlp, const FFMLP *node_mlp, FFTape *tape, const FFGraph *graph,
                                       FFTensor **h, FFTensor **e)
{
  FFTensor *edge_in[3] = {*h, *h, *e};
  const FFIndexMap *gathers[3] = {graph->senders, graph->receivers, NULL};
  FFTensor *e_new, *agg, *h_new;
  FF_CHECK(FFMLPForwardMulti(edge_mlp, tape, 3, edge_in, gathers, *e, &e_new));
  FFTapeDiscard(tape, *e);
  FF_CHECK(FFOpScatterAdd(tape, e_new, graph->receivers, &agg));
  FFTensor *node_in[2] = {*h, agg};
  FF_CHECK(FFMLPForwardMulti(node_mlp, tape, 2, node_in, NULL, *h, &h_new));
  FFTapeDiscard(tape, agg);
  FFTapeDiscard(tape, *h);
  *h = h_new;
  *e = e_new;
  return FF_SUCCESS;
}

FFErrorCode FFMeshGraphNetForward(const FFMeshGraphNet *net, FFTape *tape, const FFGraph *graph, FFTensor *node_x,
                                  FFTensor *edge_x, FFTensor **out)
{
  const FFMeshGraphNetConfig *c = &net->config;
  FF_ASSERT(node_x->rows == graph->n_nodes && node_x->cols == c->node_in, FF_ERR_ARG,
            "MeshGraphNets node input is %d x %d, the graph needs %d x %d", node_x->rows, node_x->cols, graph->n_nodes,
            c->node_in);
  FF_ASSERT(edge_x->rows == graph->n_edges && edge_x->cols == c->edge_in, FF_ERR_ARG,
            "MeshGraphNets edge input is %d x %d, the graph needs %d x %d", edge_x->rows, edge_x->cols, graph->n_edges,
            c->edge_in);
  FFTensor *h, *e;
  FF_CHECK(FFMLPForward(&net->node_encoder, tape, node_x, &h));
  FF_CHECK(FFMLPForward(&net->edge_encoder, tape, edge_x, &e));
  for (int k = 0; k < c->blocks; k++)
    FF_CHECK(FFMeshGraphNetBlockForward(&net->edge_mlp[k], &net->node_mlp[k], tape, graph, &h, &e));
  FFTapeDiscard(tape, e);
  FF_CHECK(FFMLPForward(&net->decoder, tape, h, out));
  FFTapeDiscard(tape, h);
  return FF_SUCCESS;
}

double FFMeshGraphNetStepFlops(const FFMeshGraphNet *net, long n_nodes, long n_edges)
{
  const FFMeshGraphNetConfig *c = &net->config;
  double w = c->width, fwd = 0.0;
  fwd += FFMLPForwardFlops(&net->node_encoder, n_nodes) + FFMLPForwardFlops(&net->edge_encoder, n_edges);
  fwd += FFMLPForwardFlops(&net->decoder, n_nodes);
  for (int k = 0; k < c->blocks; k++) {
    /* edge MLP: the first layer's node parts are node-sized products */
    double first = 2.0 * w * w * (2.0 * n_nodes + n_edges);
    fwd += first + FFMLPForwardFlops(&net->edge_mlp[k], n_edges) - 2.0 * n_edges * 3.0 * w * w;
    fwd += FFMLPForwardFlops(&net->node_mlp[k], n_nodes);
  }
  /* backward: input and weight gradients, each the cost of the forward product, except
   * no input gradient for the encoders' first layers (data) */
  double no_dx = 2.0 * w * (n_nodes * (double)c->node_in + n_edges * (double)c->edge_in);
  return 3.0 * fwd - no_dx;
}
