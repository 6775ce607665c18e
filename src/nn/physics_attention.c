/* The physics-attention block (Transolver, docs/references.md §8): the nodes are softly assigned
 * to M learned slices per head, each slice becomes one token (the weighted mean of the nodes'
 * features), the tokens attend to each other, and every node reads the tokens back with its own
 * weights. Global mixing at a cost linear in the nodes. Pre-norm residual block:
 *   x = LN(h),  w = softmax_M(x W_s^T + b_s),  T = aggregate(w, x W_f^T + b_f)
 *   h' = h + W_o distribute(w, MHA(T W_q^T, T W_k^T, T W_v^T)) + b_o   (q, k, v without bias)
 *   out = h' + MLP(LN(h'))
 * (The slice logits come from x directly, one linear for all heads; Transolver's learnable
 * temperature is the scale of W_s, which training sets.) */
#include "nn_private.h"

#include <math.h>

void FFPhysicsAttentionConfigDefault(FFPhysicsAttentionConfig *c)
{
  *c = (FFPhysicsAttentionConfig){.width = 64, .heads = 4, .slices = 32, .hidden_layers = 1, .act = FF_ACT_GELU};
}

static FFErrorCode AddNorm(FFParams *params, const char *prefix, const char *which, int width, int *gamma, int *beta)
{
  char name[FF_NAME_LEN + 64];
  snprintf(name, sizeof name, "%s.%s.weight", prefix, which);
  FF_CHECK(FFParamsAdd(params, name, 1, width, FF_INIT_ONE, 0.0f, FF_PARAM_NO_DECAY, gamma));
  snprintf(name, sizeof name, "%s.%s.bias", prefix, which);
  FF_CHECK(FFParamsAdd(params, name, 1, width, FF_INIT_ZERO, 0.0f, FF_PARAM_NO_DECAY, beta));
  return FF_SUCCESS;
}

FFErrorCode FFPhysicsAttentionCreate(FFParams *params, const char *prefix, const FFPhysicsAttentionConfig *config,
                                     FFPhysicsAttention *block)
{
  const FFPhysicsAttentionConfig *c = config;
  FF_ASSERT(c->width > 0 && c->heads >= 1 && c->width % c->heads == 0 && c->slices >= 1 && c->hidden_layers >= 0,
            FF_ERR_ARG, "physics attention '%s': width %d must be a positive multiple of the heads %d; slices %d",
            prefix, c->width, c->heads, c->slices);
  memset(block, 0, sizeof *block);
  block->config = *c;
  const int w = c->width;
  char name[FF_NAME_LEN + 64];
  FF_CHECK(AddNorm(params, prefix, "norm1", w, &block->ln1_gamma, &block->ln1_beta));
  snprintf(name, sizeof name, "%s.values", prefix);
  FF_CHECK(FFLinearCreate(params, name, w, w, &block->values));
  snprintf(name, sizeof name, "%s.slices", prefix);
  FF_CHECK(FFLinearCreate(params, name, w, c->heads * c->slices, &block->slice_logits));
  /* no biases on q, k, v (as Transolver): softmax ignores a key bias, and the rows of the
   * attention and of the slice weights sum to one, so a value bias is the output's bias */
  const char *qkv[3] = {"query", "key", "value"};
  for (int k = 0; k < 3; k++) {
    snprintf(name, sizeof name, "%s.%s.weight", prefix, qkv[k]);
    FF_CHECK(FFParamsAdd(params, name, w, w, FF_INIT_UNIFORM, 1.0f / sqrtf((float)w), 0, &block->qkv[k]));
  }
  snprintf(name, sizeof name, "%s.out", prefix);
  FF_CHECK(FFLinearCreate(params, name, w, w, &block->out));
  FF_CHECK(AddNorm(params, prefix, "norm2", w, &block->ln2_gamma, &block->ln2_beta));
  FFMLPConfig m = {.in = w, .hidden = w, .out = w, .hidden_layers = c->hidden_layers, .act = c->act};
  snprintf(name, sizeof name, "%s.mlp", prefix);
  FF_CHECK(FFMLPCreate(params, name, &m, &block->mlp));
  return FF_SUCCESS;
}

static FFErrorCode Norm(FFTape *tape, FFTensor *x, int gamma, int beta, FFTensor **y)
{
  FFTensor *g, *b;
  FF_CHECK(FFTapeParam(tape, gamma, &g));
  FF_CHECK(FFTapeParam(tape, beta, &b));
  FF_CHECK(FFOpLayerNorm(tape, x, g, b, y));
  return FF_SUCCESS;
}

/* y = x W^T (no bias) */
static FFErrorCode Project(int weight, FFTape *tape, FFTensor *x, FFTensor **y)
{
  FFLinearSpec s = {.n_inputs = 1, .act = FF_ACT_NONE};
  s.x[0] = x;
  FF_CHECK(FFTapeParam(tape, weight, &s.weight));
  FF_CHECK(FFOpLinear(tape, &s, y));
  return FF_SUCCESS;
}

/* y = x W^T + b + residual */
static FFErrorCode LinearResidual(const FFLinear *l, FFTape *tape, FFTensor *x, FFTensor *residual, FFTensor **y)
{
  FFLinearSpec s = {.n_inputs = 1, .act = FF_ACT_NONE, .residual = residual};
  s.x[0] = x;
  FF_CHECK(FFTapeParam(tape, l->weight, &s.weight));
  FF_CHECK(FFTapeParam(tape, l->bias, &s.bias));
  FF_CHECK(FFOpLinear(tape, &s, y));
  return FF_SUCCESS;
}

FFErrorCode FFPhysicsAttentionForward(const FFPhysicsAttention *block, FFTape *tape, FFTensor *h, FFTensor **y)
{
  const FFPhysicsAttentionConfig *c = &block->config;
  FF_ASSERT(h->cols == c->width, FF_ERR_ARG, "physics attention of width %d applied to %d columns", c->width, h->cols);
  FFTensor *x, *f, *logits, *w, *tokens, *q, *k, *v, *mixed, *back, *h1, *x2;
  FF_CHECK(Norm(tape, h, block->ln1_gamma, block->ln1_beta, &x));
  FF_CHECK(FFLinearForward(&block->values, tape, x, FF_ACT_NONE, &f));
  FF_CHECK(FFLinearForward(&block->slice_logits, tape, x, FF_ACT_NONE, &logits));
  FFTapeDiscard(tape, x);
  FF_CHECK(FFOpSoftmax(tape, logits, c->slices, &w));
  FFTapeDiscard(tape, logits);
  FF_CHECK(FFOpSliceAggregate(tape, w, f, c->heads, &tokens));
  FFTapeDiscard(tape, f);
  FF_CHECK(Project(block->qkv[0], tape, tokens, &q));
  FF_CHECK(Project(block->qkv[1], tape, tokens, &k));
  FF_CHECK(Project(block->qkv[2], tape, tokens, &v));
  FF_CHECK(FFOpAttention(tape, q, k, v, c->heads, &mixed));
  FF_CHECK(FFOpSliceDistribute(tape, w, mixed, c->heads, &back));
  FFTapeDiscard(tape, w);
  FF_CHECK(LinearResidual(&block->out, tape, back, h, &h1));
  FFTapeDiscard(tape, back);
  FF_CHECK(Norm(tape, h1, block->ln2_gamma, block->ln2_beta, &x2));
  FF_CHECK(FFMLPForwardMulti(&block->mlp, tape, 1, &x2, NULL, h1, y));
  FFTapeDiscard(tape, x2);
  FFTapeDiscard(tape, h1);
  return FF_SUCCESS;
}
