/* Linear layers and MLPs on top of the fused linear operation. */
#include "nn_private.h"

#include <math.h>

FFErrorCode FFLinearCreate(FFParams *params, const char *prefix, int in, int out, FFLinear *layer)
{
  FF_ASSERT(in > 0 && out > 0, FF_ERR_ARG, "linear layer '%s' of shape %d -> %d", prefix, in, out);
  char name[FF_NAME_LEN + 16];
  float bound = 1.0f / sqrtf((float)in); /* PyTorch's default initialization */
  layer->in = in;
  layer->out = out;
  snprintf(name, sizeof name, "%s.weight", prefix);
  FF_CHECK(FFParamsAdd(params, name, out, in, FF_INIT_UNIFORM, bound, 0, &layer->weight));
  snprintf(name, sizeof name, "%s.bias", prefix);
  FF_CHECK(FFParamsAdd(params, name, 1, out, FF_INIT_UNIFORM, bound, FF_PARAM_NO_DECAY, &layer->bias));
  return FF_SUCCESS;
}

FFErrorCode FFLinearForward(const FFLinear *layer, FFTape *tape, FFTensor *x, FFActivation act, FFTensor **y)
{
  FFLinearSpec s = {.n_inputs = 1, .act = act};
  s.x[0] = x;
  FF_CHECK(FFTapeParam(tape, layer->weight, &s.weight));
  FF_CHECK(FFTapeParam(tape, layer->bias, &s.bias));
  FF_CHECK(FFOpLinear(tape, &s, y));
  return FF_SUCCESS;
}

FFErrorCode FFMLPCreate(FFParams *params, const char *prefix, const FFMLPConfig *config, FFMLP *mlp)
{
  const FFMLPConfig *c = config;
  FF_ASSERT(c->hidden_layers >= 0 && c->hidden_layers < FF_MLP_MAX_LAYERS, FF_ERR_ARG,
            "MLP '%s' with %d hidden layers (0..%d)", prefix, c->hidden_layers, FF_MLP_MAX_LAYERS - 1);
  memset(mlp, 0, sizeof *mlp);
  mlp->config = *c;
  mlp->n_layers = c->hidden_layers + 1;
  char name[FF_NAME_LEN + 16];
  for (int l = 0; l < mlp->n_layers; l++) {
    int in = l == 0 ? c->in : c->hidden;
    int out = l == mlp->n_layers - 1 ? c->out : c->hidden;
    snprintf(name, sizeof name, "%s.%d", prefix, l);
    FF_CHECK(FFLinearCreate(params, name, in, out, &mlp->layers[l]));
  }
  mlp->ln_gamma = mlp->ln_beta = -1;
  if (c->layer_norm) {
    snprintf(name, sizeof name, "%s.norm.weight", prefix);
    FF_CHECK(FFParamsAdd(params, name, 1, c->out, FF_INIT_ONE, 0.0f, FF_PARAM_NO_DECAY, &mlp->ln_gamma));
    snprintf(name, sizeof name, "%s.norm.bias", prefix);
    FF_CHECK(FFParamsAdd(params, name, 1, c->out, FF_INIT_ZERO, 0.0f, FF_PARAM_NO_DECAY, &mlp->ln_beta));
  }
  return FF_SUCCESS;
}

FFErrorCode FFMLPForwardMulti(const FFMLP *mlp, FFTape *tape, int n_inputs, FFTensor *const *xs,
                              const FFIndexMap *const *gathers, FFTensor *residual, FFTensor **y)
{
  FF_ASSERT(n_inputs >= 1 && n_inputs <= FF_LINEAR_MAX_IN, FF_ERR_ARG, "MLP with %d inputs", n_inputs);
  FFTensor *h = NULL;
  for (int l = 0; l < mlp->n_layers; l++) {
    int last = l == mlp->n_layers - 1;
    FFLinearSpec s = {.n_inputs = l == 0 ? n_inputs : 1, .act = last ? FF_ACT_NONE : mlp->config.act};
    if (l == 0)
      for (int j = 0; j < n_inputs; j++) {
        s.x[j] = xs[j];
        s.gather[j] = gathers ? gathers[j] : NULL;
      }
    else
      s.x[0] = h;
    FF_CHECK(FFTapeParam(tape, mlp->layers[l].weight, &s.weight));
    FF_CHECK(FFTapeParam(tape, mlp->layers[l].bias, &s.bias));
    if (last && mlp->config.layer_norm) {
      FF_CHECK(FFTapeParam(tape, mlp->ln_gamma, &s.ln_gamma));
      FF_CHECK(FFTapeParam(tape, mlp->ln_beta, &s.ln_beta));
    }
    if (last) s.residual = residual;
    FFTensor *next;
    FF_CHECK(FFOpLinear(tape, &s, &next));
    if (l > 0) FFTapeDiscard(tape, h);
    h = next;
  }
  *y = h;
  return FF_SUCCESS;
}

FFErrorCode FFMLPForward(const FFMLP *mlp, FFTape *tape, FFTensor *x, FFTensor **y)
{
  return FFMLPForwardMulti(mlp, tape, 1, &x, NULL, NULL, y);
}

double FFMLPForwardFlops(const FFMLP *mlp, long rows)
{
  double f = 0.0;
  for (int l = 0; l < mlp->n_layers; l++) f += 2.0 * rows * mlp->layers[l].in * mlp->layers[l].out;
  return f;
}
