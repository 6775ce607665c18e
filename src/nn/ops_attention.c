/* Multi-head scaled dot-product attention without a mask (docs/references.md §8): for each head
 * h, the columns [h d, (h+1) d) of q, k, v,  y_h = softmax(q_h k_h^T / sqrt(d)) v_h.  Meant for
 * a few hundred tokens at most (slice tokens, the nodes of a coarse graph): the Mq x Mk
 * probabilities of every head are kept for the backward. */
#include "nn_private.h"

#include <math.h>

/* P = softmax(scale q_h k_h^T) row by row, into P (Mq x Mk) */
static void Probabilities(const FFTensor *q, const FFTensor *k, int h, int d, float scale, float *P)
{
  const int Mq = q->rows, Mk = k->rows, Hd = q->cols;
  FFGemmRows(1, Mq, Mk, d, q->data + h * d, Hd, k->data + h * d, Hd, 0.0f, P, Mk);
  for (int i = 0; i < Mq; i++) {
    float *p = P + (size_t)i * Mk, m = -INFINITY;
    for (int j = 0; j < Mk; j++) m = p[j] > m ? p[j] : m;
    double s = 0.0;
    for (int j = 0; j < Mk; j++) {
      p[j] = expf(scale * (p[j] - m));
      s += p[j];
    }
    const float inv = (float)(1.0 / s);
    for (int j = 0; j < Mk; j++) p[j] *= inv;
  }
}

/* saved[0]: P of every head (H x Mq x Mk) */
static FFErrorCode AttentionBackward(FFTape *tape, FFOp *op)
{
  FFTensor *q = op->in[0], *k = op->in[1], *v = op->in[2], *y = op->out;
  const int H = op->i[0], Mq = q->rows, Mk = k->rows, Hd = q->cols, d = Hd / H;
  const float scale = op->f[0];
  float *dS;
  int block;
  FF_CHECK(FFTapeScratch(tape, (size_t)Mq * Mk, &dS, &block));
  if (q->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, q));
  if (k->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, k));
  if (v->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, v));
  for (int h = 0; h < H; h++) {
    const float *P = op->saved[0] + (size_t)h * Mq * Mk;
    if (v->requires_grad) /* dV_h = P^T dY_h */
      FF_CHECK(FFGemmAtBAdd(tape, Mq, Mk, d, P, Mk, y->grad + h * d, Hd, v->grad + h * d, Hd));
    if (!q->requires_grad && !k->requires_grad) continue;
    /* dP = dY_h V_h^T, dS = scale P (dP - rowsum(dP P)) */
    FFGemmRows(1, Mq, Mk, d, y->grad + h * d, Hd, v->data + h * d, Hd, 0.0f, dS, Mk);
    for (int i = 0; i < Mq; i++) {
      const float *p = P + (size_t)i * Mk;
      float *ds = dS + (size_t)i * Mk;
      double dot = 0.0;
      for (int j = 0; j < Mk; j++) dot += (double)ds[j] * p[j];
      for (int j = 0; j < Mk; j++) ds[j] = scale * p[j] * (ds[j] - (float)dot);
    }
    if (q->requires_grad) /* dQ_h = dS K_h */
      FFGemmRows(0, Mq, d, Mk, dS, Mk, k->data + h * d, Hd, 1.0f, q->grad + h * d, Hd);
    if (k->requires_grad) /* dK_h = dS^T Q_h */
      FF_CHECK(FFGemmAtBAdd(tape, Mq, Mk, d, dS, Mk, q->data + h * d, Hd, k->grad + h * d, Hd));
  }
  FFTapeScratchRelease(tape, block);
  return FF_SUCCESS;
}

FFErrorCode FFOpAttention(FFTape *tape, FFTensor *q, FFTensor *k, FFTensor *v, int heads, FFTensor **y)
{
  FF_ASSERT(heads >= 1 && q->cols % heads == 0, FF_ERR_ARG, "attention: %d heads do not divide %d columns", heads,
            q->cols);
  FF_ASSERT(k->cols == q->cols && v->cols == q->cols && k->rows == v->rows && k->rows >= 1, FF_ERR_ARG,
            "attention: queries %d x %d, keys %d x %d, values %d x %d", q->rows, q->cols, k->rows, k->cols, v->rows,
            v->cols);
  const int H = heads, Mq = q->rows, Mk = k->rows, Hd = q->cols, d = Hd / H;
  const float scale = 1.0f / sqrtf((float)d);
  FFTensor *in[3] = {q, k, v};
  const int rg = FFAnyRequiresGrad(3, in);
  FF_CHECK(FFTapeNewActivation(tape, Mq, Hd, rg, y));
  const int keep = rg && tape->grad_enabled;
  float *P;
  int block = -1;
  if (keep)
    FF_CHECK(FFTapeSaved(tape, (size_t)H * Mq * Mk, &P));
  else
    FF_CHECK(FFTapeScratch(tape, (size_t)Mq * Mk, &P, &block));
  for (int h = 0; h < H; h++) {
    float *Ph = keep ? P + (size_t)h * Mq * Mk : P;
    Probabilities(q, k, h, d, scale, Ph);
    FFGemmRows(0, Mq, d, Mk, Ph, Mk, v->data + h * d, Hd, 0.0f, (*y)->data + h * d, Hd);
  }
  if (block >= 0) FFTapeScratchRelease(tape, block);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, AttentionBackward, *y, &op));
  if (op) {
    op->in[0] = q;
    op->in[1] = k;
    op->in[2] = v;
    op->i[0] = H;
    op->f[0] = scale;
    op->saved[0] = P;
  }
  return FF_SUCCESS;
}
