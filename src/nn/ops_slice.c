/* The two ends of physics attention (Transolver, docs/references.md §8): nodes -> slice tokens
 * (a weighted mean of the node features per slice) and tokens -> nodes (each node a weighted sum
 * of the tokens). Head h uses the weight columns [h M, (h+1) M) and the feature columns
 * [h d, (h+1) d): per head, two products over the nodes, no node x node matrix. */
#include "nn_private.h"

#define SLICE_EPS 1e-5f /* Transolver's: a slice no node weighs stays finite */

static FFErrorCode CheckShapes(const char *what, const FFTensor *w, const FFTensor *f, int heads, int f_rows, int *M,
                               int *d)
{
  FF_ASSERT(heads >= 1 && w->cols % heads == 0 && f->cols % heads == 0, FF_ERR_ARG,
            "%s: %d heads do not divide the %d weight and %d feature columns", what, heads, w->cols, f->cols);
  FF_ASSERT(f->rows == f_rows, FF_ERR_ARG, "%s: %d rows, %d expected", what, f->rows, f_rows);
  *M = w->cols / heads;
  *d = f->cols / heads;
  return FF_SUCCESS;
}

/* ---------- nodes -> tokens: T[m, h d + j] = sum_n w[n, h M + m] f[n, h d + j] / (z[h M + m] + eps),
 * z = column sums of w. saved[0]: z + eps (H M). */
static FFErrorCode AggregateBackward(FFTape *tape, FFOp *op)
{
  FFTensor *w = op->in[0], *f = op->in[1], *t = op->out;
  const int N = w->rows, H = op->i[0], M = op->i[1], d = op->i[2], HM = H * M, Hd = H * d;
  const float *zeps = op->saved[0];
  float *ds, *dz;
  int bs, bz;
  /* dS = dT / (z + eps); dz = -sum_j dT T / (z + eps) */
  FF_CHECK(FFTapeScratch(tape, (size_t)M * Hd, &ds, &bs));
  FF_CHECK(FFTapeScratch(tape, (size_t)HM, &dz, &bz));
  for (int h = 0; h < H; h++)
    for (int m = 0; m < M; m++) {
      const float inv = 1.0f / zeps[h * M + m];
      const float *dt = t->grad + (size_t)m * Hd + h * d, *tv = t->data + (size_t)m * Hd + h * d;
      double dot = 0.0;
      for (int j = 0; j < d; j++) {
        ds[(size_t)m * Hd + h * d + j] = dt[j] * inv;
        dot += (double)dt[j] * tv[j];
      }
      dz[h * M + m] = (float)(-dot * inv);
    }
  int fresh;
  if (f->requires_grad) { /* dF_h = W_h dS_h */
    FF_CHECK(FFTensorGradAcquire(tape, f, &fresh));
    for (int h = 0; h < H; h++)
      FFGemmRows(0, N, d, M, w->data + h * M, HM, ds + h * d, Hd, fresh ? 0.0f : 1.0f, f->grad + h * d, Hd);
  }
  if (w->requires_grad) { /* dW_h = F_h dS_h^T + dz (the same for every node) */
    FF_CHECK(FFTensorGradAcquire(tape, w, &fresh));
    for (int h = 0; h < H; h++)
      FFGemmRows(1, N, M, d, f->data + h * d, Hd, ds + h * d, Hd, fresh ? 0.0f : 1.0f, w->grad + h * M, HM);
#pragma omp parallel for schedule(static) if ((size_t)N * HM > FF_PAR_MIN)
    for (int n = 0; n < N; n++)
      for (int k = 0; k < HM; k++) w->grad[(size_t)n * HM + k] += dz[k];
  }
  FFTapeScratchRelease(tape, bs);
  FFTapeScratchRelease(tape, bz);
  return FF_SUCCESS;
}

FFErrorCode FFOpSliceAggregate(FFTape *tape, FFTensor *w, FFTensor *f, int heads, FFTensor **y)
{
  int M = 0, d = 0;
  FF_CHECK(CheckShapes("slice aggregate", w, f, heads, w->rows, &M, &d));
  const int H = heads, N = w->rows, HM = H * M, Hd = H * d;
  FFTensor *in[2] = {w, f};
  const int rg = FFAnyRequiresGrad(2, in);
  FF_CHECK(FFTapeNewActivation(tape, M, Hd, rg, y));
  float *zeps;
  int bz = -1;
  if (rg && tape->grad_enabled)
    FF_CHECK(FFTapeSaved(tape, (size_t)HM, &zeps));
  else
    FF_CHECK(FFTapeScratch(tape, (size_t)HM, &zeps, &bz));
  memset(zeps, 0, (size_t)HM * sizeof(float));
  FF_CHECK(FFColumnSumAdd(tape, N, HM, w->data, HM, zeps));
  for (int k = 0; k < HM; k++) zeps[k] += SLICE_EPS;
  float *T = (*y)->data;
  memset(T, 0, (size_t)M * Hd * sizeof(float));
  for (int h = 0; h < H; h++)
    FF_CHECK(FFGemmAtBAdd(tape, N, M, d, w->data + h * M, HM, f->data + h * d, Hd, T + h * d, Hd));
  for (int m = 0; m < M; m++)
    for (int h = 0; h < H; h++) {
      const float inv = 1.0f / zeps[h * M + m];
      for (int j = 0; j < d; j++) T[(size_t)m * Hd + h * d + j] *= inv;
    }
  if (bz >= 0) FFTapeScratchRelease(tape, bz);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, AggregateBackward, *y, &op));
  if (op) {
    op->in[0] = w;
    op->in[1] = f;
    op->i[0] = H;
    op->i[1] = M;
    op->i[2] = d;
    op->saved[0] = zeps;
  }
  return FF_SUCCESS;
}

/* ---------- tokens -> nodes: y[n, h d + j] = sum_m w[n, h M + m] T[m, h d + j] ---------- */
static FFErrorCode DistributeBackward(FFTape *tape, FFOp *op)
{
  FFTensor *w = op->in[0], *t = op->in[1], *y = op->out;
  const int N = w->rows, H = op->i[0], M = op->i[1], d = op->i[2], HM = H * M, Hd = H * d;
  int fresh;
  if (w->requires_grad) { /* dW_h = dY_h T_h^T */
    FF_CHECK(FFTensorGradAcquire(tape, w, &fresh));
    for (int h = 0; h < H; h++)
      FFGemmRows(1, N, M, d, y->grad + h * d, Hd, t->data + h * d, Hd, fresh ? 0.0f : 1.0f, w->grad + h * M, HM);
  }
  if (t->requires_grad) { /* dT_h = W_h^T dY_h */
    FF_CHECK(FFTensorGradZeroed(tape, t));
    for (int h = 0; h < H; h++)
      FF_CHECK(FFGemmAtBAdd(tape, N, M, d, w->data + h * M, HM, y->grad + h * d, Hd, t->grad + h * d, Hd));
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpSliceDistribute(FFTape *tape, FFTensor *w, FFTensor *t, int heads, FFTensor **y)
{
  int M = 0, d = 0;
  FF_CHECK(CheckShapes("slice distribute", w, t, heads, w->cols / (heads > 0 ? heads : 1), &M, &d));
  const int H = heads, N = w->rows, HM = H * M, Hd = H * d;
  FFTensor *in[2] = {w, t};
  FF_CHECK(FFTapeNewActivation(tape, N, Hd, FFAnyRequiresGrad(2, in), y));
  for (int h = 0; h < H; h++)
    FFGemmRows(0, N, d, M, w->data + h * M, HM, t->data + h * d, Hd, 0.0f, (*y)->data + h * d, Hd);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, DistributeBackward, *y, &op));
  if (op) {
    op->in[0] = w;
    op->in[1] = t;
    op->i[0] = H;
    op->i[1] = M;
    op->i[2] = d;
  }
  return FF_SUCCESS;
}
