/* LayerNorm over the columns of each row, with gain and bias. */
#include "nn_private.h"

/* saved[0] = xhat (rows x cols), saved[1] = 1/std per row */
static FFErrorCode LayerNormBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *g = op->in[1], *b = op->in[2], *y = op->out;
  int rows = x->rows, cols = x->cols, nchunks = FFChunks(rows);
  const float *xhat = op->saved[0], *rstd = op->saved[1];
  int fresh = 0;
  if (x->requires_grad) FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
  int want_gb = g->requires_grad || b->requires_grad;
  float *part = NULL, *dz = NULL;
  int pblock = -1, zblock = -1;
  if (want_gb) FF_CHECK(FFTapeScratch(tape, (size_t)nchunks * 2 * cols, &part, &pblock));
  FF_CHECK(FFTapeScratch(tape, (size_t)FFNNThreads() * cols, &dz, &zblock));
#pragma omp parallel for schedule(dynamic) if (nchunks > 1)
  for (int c = 0; c < nchunks; c++) {
    int r0 = c * FF_CHUNK_ROWS, r1 = r0 + FF_CHUNK_ROWS < rows ? r0 + FF_CHUNK_ROWS : rows;
    float *pg = want_gb ? part + (size_t)c * 2 * cols : NULL, *pb = pg ? pg + cols : NULL;
    float *row = dz + (size_t)FFThreadIndex() * cols;
    if (pg)
      for (int j = 0; j < 2 * cols; j++) pg[j] = 0.0f;
    for (int i = r0; i < r1; i++) {
      const float *dy = y->grad + (size_t)i * cols, *xh = xhat + (size_t)i * cols;
      FFLayerNormRowBackward(cols, dy, xh, rstd[i], g->data, row, pg, pb);
      if (x->requires_grad) {
        float *dx = x->grad + (size_t)i * cols;
        for (int j = 0; j < cols; j++) dx[j] = fresh ? row[j] : dx[j] + row[j];
      }
    }
  }
  if (want_gb) {
    if (g->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, g));
    if (b->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, b));
    for (int c = 0; c < nchunks; c++) {
      const float *pg = part + (size_t)c * 2 * cols, *pb = pg + cols;
      for (int j = 0; j < cols; j++) {
        if (g->requires_grad) g->grad[j] += pg[j];
        if (b->requires_grad) b->grad[j] += pb[j];
      }
    }
  }
  FFTapeScratchRelease(tape, pblock);
  FFTapeScratchRelease(tape, zblock);
  return FF_SUCCESS;
}

FFErrorCode FFOpLayerNorm(FFTape *tape, FFTensor *x, FFTensor *gamma, FFTensor *beta, FFTensor **y)
{
  FF_ASSERT(gamma->rows == 1 && gamma->cols == x->cols && beta->rows == 1 && beta->cols == x->cols, FF_ERR_ARG,
            "layer norm of %d columns with gain %d x %d and bias %d x %d", x->cols, gamma->rows, gamma->cols,
            beta->rows, beta->cols);
  FFTensor *in[3] = {x, gamma, beta};
  int rg = FFAnyRequiresGrad(3, in);
  FF_CHECK(FFTapeNewActivation(tape, x->rows, x->cols, rg, y));
  float *xhat = NULL, *rstd = NULL;
  if (rg && tape->grad_enabled) {
    FF_CHECK(FFTapeSaved(tape, (size_t)x->rows * x->cols, &xhat));
    FF_CHECK(FFTapeSaved(tape, (size_t)x->rows, &rstd));
  }
  int rows = x->rows, cols = x->cols;
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
  for (int i = 0; i < rows; i++) {
    float r = FFLayerNormRow(cols, x->data + (size_t)i * cols, gamma->data, beta->data, NULL,
                             xhat ? xhat + (size_t)i * cols : NULL, (*y)->data + (size_t)i * cols);
    if (rstd) rstd[i] = r;
  }
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, LayerNormBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->in[1] = gamma;
    op->in[2] = beta;
    op->saved[0] = xhat;
    op->saved[1] = rstd;
  }
  return FF_SUCCESS;
}
