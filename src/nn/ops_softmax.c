/* Softmax over groups of columns of each row (one group per attention head or slice set),
 * computed stably: exp(x - max of the group). */
#include "nn_private.h"

#include <math.h>

FF_KERNEL static void SoftmaxGroup(int n, const float *restrict x, float *restrict y)
{
  float m = x[0];
  for (int j = 1; j < n; j++) m = x[j] > m ? x[j] : m;
  double s = 0.0; /* in double: groups of hundreds of terms of very different sizes */
  for (int j = 0; j < n; j++) {
    y[j] = expf(x[j] - m);
    s += y[j];
  }
  const float inv = (float)(1.0 / s);
#pragma omp simd
  for (int j = 0; j < n; j++) y[j] *= inv;
}

/* dx = y (dy - sum_j dy_j y_j) within each group */
static FFErrorCode SoftmaxBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  const int rows = y->rows, cols = y->cols, group = op->i[0];
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
  for (int i = 0; i < rows; i++)
    for (int g0 = 0; g0 < cols; g0 += group) {
      const size_t o = (size_t)i * cols + g0;
      const float *yr = y->data + o, *dy = y->grad + o;
      float *dx = x->grad + o;
      double dot = 0.0;
      for (int j = 0; j < group; j++) dot += (double)dy[j] * yr[j];
      for (int j = 0; j < group; j++) {
        const float v = yr[j] * (dy[j] - (float)dot);
        dx[j] = fresh ? v : dx[j] + v;
      }
    }
  return FF_SUCCESS;
}

FFErrorCode FFOpSoftmax(FFTape *tape, FFTensor *x, int group, FFTensor **y)
{
  FF_ASSERT(group >= 1 && x->cols % group == 0, FF_ERR_ARG, "softmax over groups of %d of %d columns", group, x->cols);
  FF_CHECK(FFTapeNewActivation(tape, x->rows, x->cols, x->requires_grad, y));
  const int rows = x->rows, cols = x->cols;
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
  for (int i = 0; i < rows; i++)
    for (int g0 = 0; g0 < cols; g0 += group)
      SoftmaxGroup(group, x->data + (size_t)i * cols + g0, (*y)->data + (size_t)i * cols + g0);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, SoftmaxBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->i[0] = group;
  }
  return FF_SUCCESS;
}
