/* Neural-field layers: Gaussian Fourier features and the shift-modulated MLP
 * (Aero-Nef/MARIO, docs/references.md §3). */
#include "nn_private.h"

FFErrorCode FFFourierFeaturesCreate(FFParams *params, const char *prefix, int in, int n_freq, int n_scales,
                                    const float *scales, int include_input, FFFourierFeatures *ff)
{
  FF_ASSERT(in > 0 && n_freq > 0 && n_scales >= 1 && n_scales <= FF_FOURIER_MAX_SCALES, FF_ERR_ARG,
            "Fourier features '%s': in %d, frequencies %d, scales %d (1..%d)", prefix, in, n_freq, n_scales,
            FF_FOURIER_MAX_SCALES);
  memset(ff, 0, sizeof *ff);
  ff->in = in;
  ff->n_freq = n_freq;
  ff->n_scales = n_scales;
  ff->include_input = include_input != 0;
  ff->out = 2 * n_freq * n_scales + (include_input ? in : 0);
  /* one frozen matrix per scale: N(0, scale^2) entries */
  char name[FF_NAME_LEN + 32];
  for (int s = 0; s < n_scales; s++) {
    FF_ASSERT(scales[s] > 0.0f, FF_ERR_ARG, "Fourier features '%s': scale %d is %g", prefix, s, (double)scales[s]);
    ff->scales[s] = scales[s];
    snprintf(name, sizeof name, "%s.freq%d", prefix, s);
    int index;
    FF_CHECK(
        FFParamsAdd(params, name, n_freq, in, FF_INIT_NORMAL, scales[s], FF_PARAM_FROZEN | FF_PARAM_NO_DECAY, &index));
    if (s == 0) ff->freq = index;
  }
  return FF_SUCCESS;
}

FFErrorCode FFFourierFeaturesForward(const FFFourierFeatures *ff, FFTape *tape, FFTensor *x, FFTensor **y)
{
  FF_ASSERT(x->cols == ff->in, FF_ERR_ARG, "Fourier features of width %d applied to %d columns", ff->in, x->cols);
  FFTensor *parts[FF_FOURIER_MAX_SCALES + 1] = {0};
  int n = 0;
  for (int s = 0; s < ff->n_scales; s++) {
    FFTensor *B;
    FF_CHECK(FFTapeParam(tape, ff->freq + s, &B));
    /* the raw input is appended once, after the last scale */
    FF_CHECK(FFOpFourier(tape, x, B, ff->include_input && s == ff->n_scales - 1, &parts[n++]));
  }
  if (n == 1) {
    *y = parts[0];
    return FF_SUCCESS;
  }
  FF_CHECK(FFOpConcat(tape, n, parts, y));
  for (int k = 0; k < n; k++) FFTapeDiscard(tape, parts[k]);
  return FF_SUCCESS;
}

FFErrorCode FFModulatedMLPCreate(FFParams *params, const char *prefix, const FFModulatedMLPConfig *config,
                                 FFModulatedMLP *net)
{
  const FFModulatedMLPConfig *c = config;
  FF_ASSERT(c->in > 0 && c->width > 0 && c->out > 0 && c->cond_in > 0 && c->depth >= 1 && c->depth < FF_MLP_MAX_LAYERS,
            FF_ERR_ARG, "modulated MLP '%s': in %d, width %d, depth %d (1..%d), out %d, cond_in %d", prefix, c->in,
            c->width, c->depth, FF_MLP_MAX_LAYERS - 1, c->out, c->cond_in);
  memset(net, 0, sizeof *net);
  net->config = *c;
  char name[FF_NAME_LEN + 32];
  for (int l = 0; l <= c->depth; l++) {
    snprintf(name, sizeof name, "%s.trunk.%d", prefix, l);
    FF_CHECK(
        FFLinearCreate(params, name, l == 0 ? c->in : c->width, l == c->depth ? c->out : c->width, &net->trunk[l]));
  }
  FFMLPConfig h = {.in = c->cond_in,
                   .hidden = c->hyper_width,
                   .out = c->depth * c->width,
                   .hidden_layers = c->hyper_hidden_layers,
                   .act = c->hyper_act,
                   .layer_norm = 0};
  snprintf(name, sizeof name, "%s.hyper", prefix);
  FF_CHECK(FFMLPCreate(params, name, &h, &net->hyper));
  return FF_SUCCESS;
}

FFErrorCode FFModulatedMLPForward(const FFModulatedMLP *net, FFTape *tape, FFTensor *x, FFTensor *cond,
                                  const FFIndexMap *sample_of_row, FFTensor **y)
{
  const FFModulatedMLPConfig *c = &net->config;
  FF_ASSERT(x->cols == c->in && cond->cols == c->cond_in, FF_ERR_ARG,
            "modulated MLP expects inputs of width %d and conditions of width %d, got %d and %d", c->in, c->cond_in,
            x->cols, cond->cols);
  FF_ASSERT(sample_of_row->n == x->rows && sample_of_row->n_src == cond->rows, FF_ERR_ARG,
            "modulated MLP: the row -> sample map is %d -> %d for %d rows and %d samples", sample_of_row->n,
            sample_of_row->n_src, x->rows, cond->rows);
  FFTensor *shifts, *h = x;
  FF_CHECK(FFMLPForward(&net->hyper, tape, cond, &shifts));
  for (int l = 0; l <= c->depth; l++) {
    FFLinearSpec s = {.n_inputs = 1};
    s.x[0] = h;
    FF_CHECK(FFTapeParam(tape, net->trunk[l].weight, &s.weight));
    FF_CHECK(FFTapeParam(tape, net->trunk[l].bias, &s.bias));
    if (l < c->depth) {
      FF_CHECK(FFOpSliceCols(tape, shifts, l * c->width, c->width, &s.shift));
      s.shift_gather = sample_of_row;
      s.act = c->act;
    }
    FFTensor *next;
    FF_CHECK(FFOpLinear(tape, &s, &next));
    if (l < c->depth) FFTapeDiscard(tape, s.shift);
    if (l > 0) FFTapeDiscard(tape, h);
    h = next;
  }
  FFTapeDiscard(tape, shifts);
  *y = h;
  return FF_SUCCESS;
}
