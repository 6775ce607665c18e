/* Operations that move rows and columns: concat, column slice, gather, scatter-add. */
#include "nn_private.h"

/* Adds (or writes, when fresh) a rows x cols block of src (leading dim lds) into dst. */
static void AddBlock(int rows, int cols, const float *src, int lds, float *dst, int ldd, int fresh)
{
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
  for (int i = 0; i < rows; i++) {
    const float *s = src + (size_t)i * lds;
    float *d = dst + (size_t)i * ldd;
    if (fresh)
      for (int j = 0; j < cols; j++) d[j] = s[j];
    else
      for (int j = 0; j < cols; j++) d[j] += s[j];
  }
}

/* ---------- concat (n inputs are kept in a chain of ops of up to FF_OP_MAX_IN) ---------- */
static FFErrorCode ConcatBackward(FFTape *tape, FFOp *op)
{
  FFTensor *y = op->out;
  int col = op->i[0];
  for (int k = 0; k < op->n_in; k++) {
    FFTensor *x = op->in[k];
    if (x->requires_grad) {
      int fresh;
      FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
      AddBlock(x->rows, x->cols, y->grad + col, y->cols, x->grad, x->cols, fresh);
    }
    col += x->cols;
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpConcat(FFTape *tape, int n, FFTensor *const *xs, FFTensor **y)
{
  FF_ASSERT(n >= 1, FF_ERR_ARG, "concat of no tensors");
  int cols = 0;
  for (int k = 0; k < n; k++) {
    FF_ASSERT(xs[k]->rows == xs[0]->rows, FF_ERR_ARG, "concat: input %d has %d rows, input 0 has %d", k, xs[k]->rows,
              xs[0]->rows);
    cols += xs[k]->cols;
  }
  FF_CHECK(FFTapeNewActivation(tape, xs[0]->rows, cols, FFAnyRequiresGrad(n, xs), y));
  int col = 0;
  for (int k = 0; k < n; k++) {
    AddBlock(xs[k]->rows, xs[k]->cols, xs[k]->data, xs[k]->cols, (*y)->data + col, cols, 1);
    col += xs[k]->cols;
  }
  /* one recorded op per FF_OP_MAX_IN inputs, all reading the same output gradient */
  for (int k0 = 0, c0 = 0; k0 < n; k0 += FF_OP_MAX_IN) {
    FFOp *op;
    FF_CHECK(FFTapeRecord(tape, ConcatBackward, *y, &op));
    int kn = n - k0 < FF_OP_MAX_IN ? n - k0 : FF_OP_MAX_IN;
    if (op) {
      op->n_in = kn;
      op->i[0] = c0;
      for (int k = 0; k < kn; k++) op->in[k] = xs[k0 + k];
    }
    for (int k = 0; k < kn; k++) c0 += xs[k0 + k]->cols;
  }
  return FF_SUCCESS;
}

/* ---------- slice of columns ---------- */
static FFErrorCode SliceBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  FF_CHECK(FFTensorGradZeroed(tape, x));
  AddBlock(y->rows, y->cols, y->grad, y->cols, x->grad + op->i[0], x->cols, 0);
  return FF_SUCCESS;
}

FFErrorCode FFOpSliceCols(FFTape *tape, FFTensor *x, int start, int count, FFTensor **y)
{
  FF_ASSERT(start >= 0 && count >= 1 && start + count <= x->cols, FF_ERR_ARG,
            "slice of columns [%d, %d) of a tensor with %d columns", start, start + count, x->cols);
  FF_CHECK(FFTapeNewActivation(tape, x->rows, count, x->requires_grad, y));
  AddBlock(x->rows, count, x->data + start, x->cols, (*y)->data, count, 1);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, SliceBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->i[0] = start;
  }
  return FF_SUCCESS;
}

/* ---------- gather and scatter-add ---------- */
static FFErrorCode GatherBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
  FFScatterRows(op->map, x->cols, y->grad, y->cols, x->grad, x->cols, !fresh);
  return FF_SUCCESS;
}

FFErrorCode FFOpGather(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y)
{
  FF_ASSERT(map->n_src == x->rows, FF_ERR_ARG, "gather: the index map reads %d rows, the tensor has %d", map->n_src,
            x->rows);
  FF_CHECK(FFTapeNewActivation(tape, map->n, x->cols, x->requires_grad, y));
  FFGatherRows(map, x->cols, x->data, x->cols, (*y)->data, x->cols, 0);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, GatherBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->map = map;
  }
  return FF_SUCCESS;
}

static FFErrorCode ScatterBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
  FFGatherRows(op->map, x->cols, y->grad, y->cols, x->grad, x->cols, !fresh);
  return FF_SUCCESS;
}

FFErrorCode FFOpScatterAdd(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y)
{
  FF_ASSERT(map->n == x->rows, FF_ERR_ARG, "scatter-add: the index map has %d rows, the tensor %d", map->n, x->rows);
  FF_CHECK(FFTapeNewActivation(tape, map->n_src, x->cols, x->requires_grad, y));
  FFScatterRows(map, x->cols, x->data, x->cols, (*y)->data, x->cols, 0);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, ScatterBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->map = map;
  }
  return FF_SUCCESS;
}
