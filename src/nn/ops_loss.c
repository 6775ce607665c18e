/* Reductions to a scalar: sum, mean, MSE and weighted MSE (double accumulation, fixed order). */
#include "nn_private.h"

static size_t Count(const FFTensor *t) { return (size_t)t->rows * t->cols; }

/* ---------- sum and mean: y = s * sum(x) ---------- */
static FFErrorCode SumBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0];
  float g = op->out->grad[0] * op->f[0];
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
  long n = (long)Count(x);
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
  for (long i = 0; i < n; i++) x->grad[i] = fresh ? g : x->grad[i] + g;
  return FF_SUCCESS;
}

static FFErrorCode ScaledSum(FFTape *tape, FFTensor *x, double scale, FFTensor **y)
{
  FF_CHECK(FFTapeNewActivation(tape, 1, 1, x->requires_grad, y));
  (*y)->data[0] = (float)(scale * FFSumDouble(x->data, Count(x)));
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, SumBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->f[0] = (float)scale;
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpSum(FFTape *tape, FFTensor *x, FFTensor **y) { return ScaledSum(tape, x, 1.0, y); }

FFErrorCode FFOpMean(FFTape *tape, FFTensor *x, FFTensor **y)
{
  FF_ASSERT(Count(x) > 0, FF_ERR_ARG, "mean of an empty tensor");
  return ScaledSum(tape, x, 1.0 / (double)Count(x), y);
}

/* ---------- (weighted) MSE: L = sum w (p - t)^2 / W ---------- */
static float Weight(const FFTensor *w, size_t k, int cols)
{
  if (!w) return 1.0f;
  return w->cols == 1 ? w->data[k / (size_t)cols] : w->data[k];
}

static FFErrorCode MSEBackward(FFTape *tape, FFOp *op)
{
  FFTensor *p = op->in[0], *t = op->in[1], *w = op->in[2];
  float g = op->out->grad[0] * op->f[0]; /* dL/dy * 2 / W */
  long n = (long)Count(p);
  int cols = p->cols;
  FFTensor *sides[2] = {p, t};
  for (int s = 0; s < 2; s++) {
    FFTensor *x = sides[s];
    if (!x->requires_grad) continue;
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
    float sign = s == 0 ? 1.0f : -1.0f;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long k = 0; k < n; k++) {
      float v = sign * g * Weight(w, (size_t)k, cols) * (p->data[k] - t->data[k]);
      x->grad[k] = fresh ? v : x->grad[k] + v;
    }
  }
  return FF_SUCCESS;
}

static FFErrorCode MSE(FFTape *tape, FFTensor *p, FFTensor *t, FFTensor *w, FFTensor **loss)
{
  FF_ASSERT(p->rows == t->rows && p->cols == t->cols, FF_ERR_ARG, "mse: prediction %d x %d, target %d x %d", p->rows,
            p->cols, t->rows, t->cols);
  FF_ASSERT(Count(p) > 0, FF_ERR_ARG, "mse of empty tensors");
  if (w)
    FF_ASSERT(w->rows == p->rows && (w->cols == 1 || w->cols == p->cols), FF_ERR_ARG,
              "weighted mse: weights %d x %d for a %d x %d prediction (need rows x 1 or rows x cols)", w->rows, w->cols,
              p->rows, p->cols);
  FFTensor *in[2] = {p, t};
  FF_CHECK(FFTapeNewActivation(tape, 1, 1, FFAnyRequiresGrad(2, in), loss));
  size_t n = Count(p);
  int cols = p->cols;
  /* fixed chunks of rows, double partials summed in order */
  int nchunks = FFChunks(p->rows);
  double total = 0.0, wsum = 0.0;
  for (int c0 = 0; c0 < nchunks; c0 += 64) {
    double part[64], wpart[64];
    int nc = nchunks - c0 < 64 ? nchunks - c0 : 64;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (int c = 0; c < nc; c++) {
      size_t k0 = (size_t)(c0 + c) * FF_CHUNK_ROWS * cols, k1 = k0 + (size_t)FF_CHUNK_ROWS * cols;
      if (k1 > n) k1 = n;
      double s = 0.0, ws = 0.0;
      for (size_t k = k0; k < k1; k++) {
        double d = (double)p->data[k] - t->data[k], wk = Weight(w, k, cols);
        s += wk * d * d;
        ws += wk;
      }
      part[c] = s;
      wpart[c] = ws;
    }
    for (int c = 0; c < nc; c++) {
      total += part[c];
      wsum += wpart[c];
    }
  }
  FF_ASSERT(wsum > 0.0, FF_ERR_ARG, "weighted mse: the weights sum to %g", wsum);
  (*loss)->data[0] = (float)(total / wsum);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, MSEBackward, *loss, &op));
  if (op) {
    op->in[0] = p;
    op->in[1] = t;
    op->in[2] = w;
    op->f[0] = (float)(2.0 / wsum);
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpMSE(FFTape *tape, FFTensor *pred, FFTensor *target, FFTensor **loss)
{
  return MSE(tape, pred, target, NULL, loss);
}

FFErrorCode FFOpWeightedMSE(FFTape *tape, FFTensor *pred, FFTensor *target, FFTensor *weights, FFTensor **loss)
{
  FF_ASSERT(weights, FF_ERR_ARG, "weighted mse without weights");
  return MSE(tape, pred, target, weights, loss);
}
