/* Neural-field layers: Gaussian Fourier features and the shift-modulated MLP
 * (Aero-Nef/MARIO, docs/references.md §3). */
#include "nn_private.h"

#include <cblas.h>

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

/* ---------------------------------------------------------------- fused inference */

/* Rows per block of the fused inference: a block's features and two hidden layers (at width
 * 128: 256 x (131 + 2 x 128) floats, 0.4 MB) stay in a core's L2 while it goes through every
 * layer. */
#define FF_FIELD_BLOCK 256

typedef struct {
  const FFFourierFeatures *ff;
  const FFModulatedMLP *net;
  const FFParams *params;
  const float *bias_shift; /* n_samples x depth * width: each hidden layer's bias plus the sample's shift */
  const float *x;
  const int *sample_of_row;
  float *y;
  int rows, fout, hmax;
} InferCtx;

/* One block of points [r0, r1) through the features and every layer; buf holds 3 blocks of
 * hmax columns. Each layer's output starts as bias + shift and the product is added to it
 * (beta = 1): one pass over the block instead of zeroing, adding the bias and adding the shift
 * (the sum's order differs from FFOpLinear's: the same to float rounding). */
FF_KERNEL static void InferBlock(const InferCtx *c, int r0, int r1, float *buf)
{
  const FFFourierFeatures *ff = c->ff;
  const FFModulatedMLPConfig *mc = &c->net->config;
  const int nb = r1 - r0, F = ff->n_freq, in = ff->in, fout = c->fout;
  float *feat = buf, *h[2] = {buf + (size_t)FF_FIELD_BLOCK * c->hmax, buf + (size_t)2 * FF_FIELD_BLOCK * c->hmax};
  const float *xb = c->x + (size_t)r0 * in;
  for (int s = 0; s < ff->n_scales; s++) {
    const float *B = c->params->values + c->params->info[ff->freq + s].offset;
    /* 2 z into the cosine half (alpha 2 is exact), expanded in place as FFOpFourier does */
    float *z = feat + 2 * F * s + F;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, F, in, 2.0f, xb, in, B, in, 0.0f, z, fout);
    for (int i = 0; i < nb; i++) {
      float *zr = z + (size_t)i * fout;
      FFVecSinCosPi(F, zr, zr - F, zr);
    }
  }
  if (ff->include_input)
    for (int i = 0; i < nb; i++)
      memcpy(feat + (size_t)i * fout + 2 * F * ff->n_scales, xb + (size_t)i * in, in * sizeof(float));
  const float *a = feat;
  int lda = fout, k_in = fout;
  for (int l = 0; l <= mc->depth; l++) {
    const FFLinear *L = &c->net->trunk[l];
    const float *W = c->params->values + c->params->info[L->weight].offset;
    const int last = l == mc->depth, n_out = L->out;
    float *z = last ? c->y + (size_t)r0 * n_out : h[l % 2];
    for (int i = 0; i < nb; i++) {
      const float *bs = last ? c->params->values + c->params->info[L->bias].offset
                             : c->bias_shift + ((size_t)c->sample_of_row[r0 + i] * mc->depth + l) * mc->width;
      memcpy(z + (size_t)i * n_out, bs, n_out * sizeof(float));
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, n_out, k_in, 1.0f, a, lda, W, k_in, 1.0f, z, n_out);
    if (!last) FFActApply(mc->act, nb * n_out, z, z);
    a = z;
    lda = k_in = n_out;
  }
}

FFErrorCode FFModulatedMLPInfer(const FFFourierFeatures *ff, const FFModulatedMLP *net, FFTape *tape, int rows,
                                const float *x, int n_samples, const float *cond, const int *sample_of_row, float *y)
{
  const FFModulatedMLPConfig *mc = &net->config;
  FF_ASSERT(!FFTapeGradEnabled(tape), FF_ERR_ARG, "FFModulatedMLPInfer is for inference: disable the tape's gradients");
  FF_ASSERT(mc->in == ff->out, FF_ERR_ARG, "modulated MLP of input width %d after Fourier features of width %d", mc->in,
            ff->out);
  for (int r = 0; r < rows; r++)
    FF_ASSERT(sample_of_row[r] >= 0 && sample_of_row[r] < n_samples, FF_ERR_ARG, "point %d maps to sample %d of %d", r,
              sample_of_row[r], n_samples);
  FFTensor *tc, *shifts;
  FF_CHECK(FFTapeLeaf(tape, n_samples, mc->cond_in, cond, 0, &tc));
  FF_CHECK(FFMLPForward(&net->hyper, tape, tc, &shifts));
  for (int k = 0; k < n_samples; k++) /* the shifts become bias + shift, in place */
    for (int l = 0; l < mc->depth; l++) {
      const float *b = tape->params->values + tape->params->info[net->trunk[l].bias].offset;
      float *bs = shifts->data + ((size_t)k * mc->depth + l) * mc->width;
      for (int j = 0; j < mc->width; j++) bs[j] += b[j];
    }
  InferCtx c = {.ff = ff,
                .net = net,
                .params = tape->params,
                .bias_shift = shifts->data,
                .x = x,
                .sample_of_row = sample_of_row,
                .y = y,
                .rows = rows,
                .fout = ff->out};
  c.hmax = c.fout > mc->width ? c.fout : mc->width;
  const int nblocks = (rows + FF_FIELD_BLOCK - 1) / FF_FIELD_BLOCK, threads = FFNNThreads();
  const size_t per_thread = (size_t)3 * FF_FIELD_BLOCK * c.hmax;
  float *buf;
  int block;
  FF_CHECK(FFTapeScratch(tape, per_thread * threads, &buf, &block));
  const int saved = FFBlasSerialBegin();
#pragma omp parallel for schedule(dynamic) if (nblocks > 1)
  for (int b = 0; b < nblocks; b++) {
    const int r0 = b * FF_FIELD_BLOCK, r1 = r0 + FF_FIELD_BLOCK < rows ? r0 + FF_FIELD_BLOCK : rows;
    InferBlock(&c, r0, r1, buf + per_thread * FFThreadIndex());
  }
  FFBlasSerialEnd(saved);
  FFTapeScratchRelease(tape, block);
  FFTapeDiscard(tape, shifts);
  return FF_SUCCESS;
}
