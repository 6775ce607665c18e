/* Embeddings: Fourier features of coordinates and the sinusoidal time embedding. */
#include "nn_private.h"

#include <math.h>

#define FF_TWO_PI 6.283185307179586

/* y = [sin 2 pi z, cos 2 pi z, x], z = x B^T; the output itself holds sin and cos for the
 * backward: dz = 2 pi (dS cos - dC sin). */
static FFErrorCode FourierBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *B = op->in[1], *y = op->out;
  int rows = x->rows, in = x->cols, F = B->rows, cols = y->cols, with_x = op->i[0];
  float *dz;
  int block;
  FF_CHECK(FFTapeScratch(tape, (size_t)rows * F, &dz, &block));
#pragma omp parallel for schedule(static) if ((size_t)rows * F > FF_PAR_MIN)
  for (int i = 0; i < rows; i++) {
    const float *yr = y->data + (size_t)i * cols, *gr = y->grad + (size_t)i * cols;
    for (int k = 0; k < F; k++) dz[(size_t)i * F + k] = (float)FF_TWO_PI * (gr[k] * yr[F + k] - gr[F + k] * yr[k]);
  }
  FFErrorCode rc = FF_SUCCESS;
  if (x->requires_grad) {
    int fresh;
    rc = FFTensorGradAcquire(tape, x, &fresh);
    if (!rc) {
      FFGemmRows(0, rows, in, F, dz, F, B->data, in, fresh ? 0.0f : 1.0f, x->grad, in);
      if (with_x)
        for (int i = 0; i < rows; i++)
          for (int j = 0; j < in; j++) x->grad[(size_t)i * in + j] += y->grad[(size_t)i * cols + 2 * F + j];
    }
  }
  if (!rc && B->requires_grad) {
    rc = FFTensorGradZeroed(tape, B);
    if (!rc) rc = FFGemmAtBAdd(tape, rows, F, in, dz, F, x->data, in, B->grad, in);
  }
  FFTapeScratchRelease(tape, block);
  FF_CHECK(rc);
  return FF_SUCCESS;
}

FFErrorCode FFOpFourier(FFTape *tape, FFTensor *x, FFTensor *freq, int include_input, FFTensor **y)
{
  FF_ASSERT(freq->cols == x->cols, FF_ERR_ARG, "fourier features: frequencies %d x %d for inputs of width %d",
            freq->rows, freq->cols, x->cols);
  int rows = x->rows, in = x->cols, F = freq->rows, cols = 2 * F + (include_input ? in : 0);
  FFTensor *ins[2] = {x, freq};
  FF_CHECK(FFTapeNewActivation(tape, rows, cols, FFAnyRequiresGrad(2, ins), y));
  float *yd = (*y)->data;
  /* z into the cosine half, then expanded in place */
  FFGemmRows(1, rows, F, in, x->data, in, freq->data, in, 0.0f, yd + F, cols);
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
  for (int i = 0; i < rows; i++) {
    float *yr = yd + (size_t)i * cols;
    for (int k = 0; k < F; k++) {
      double a = FF_TWO_PI * yr[F + k];
      yr[k] = (float)sin(a);
      yr[F + k] = (float)cos(a);
    }
    if (include_input)
      for (int j = 0; j < in; j++) yr[2 * F + j] = x->data[(size_t)i * in + j];
  }
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, FourierBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->in[1] = freq;
    op->i[0] = include_input;
  }
  return FF_SUCCESS;
}

FFErrorCode FFTimeEmbedding(FFTape *tape, int n, const float *t, int dim, float max_period, FFTensor **y)
{
  FF_ASSERT(dim >= 2 && dim % 2 == 0, FF_ERR_ARG, "time embedding width %d must be even and >= 2", dim);
  FF_ASSERT(max_period > 1.0f, FF_ERR_ARG, "time embedding max period %g must exceed 1", (double)max_period);
  FF_CHECK(FFTapeNew(tape, n, dim, 0, y));
  int half = dim / 2;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < half; k++) {
      double f = exp(-log((double)max_period) * k / half);
      (*y)->data[(size_t)i * dim + k] = (float)sin(t[i] * f);
      (*y)->data[(size_t)i * dim + half + k] = (float)cos(t[i] * f);
    }
  return FF_SUCCESS;
}
