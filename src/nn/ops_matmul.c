/* Matrix product of two tensors (either may be a parameter or an activation). */
#include "nn_private.h"

/* y = a b or a b^T; backward: da = dy b^T (or dy b), db = a^T dy (or dy^T a). */
static FFErrorCode MatMulBackward(FFTape *tape, FFOp *op)
{
  FFTensor *a = op->in[0], *b = op->in[1], *y = op->out;
  int tb = op->i[0];
  int m = a->rows, k = a->cols, n = y->cols;
  int fresh;
  if (a->requires_grad) {
    FF_CHECK(FFTensorGradAcquire(tape, a, &fresh));
    /* da (m x k) = dy (m x n) op(b)^T: b is k x n (no transpose) or n x k (transposed) */
    FFGemmRows(!tb, m, k, n, y->grad, n, b->data, b->cols, fresh ? 0.0f : 1.0f, a->grad, k);
  }
  if (b->requires_grad) {
    FF_CHECK(FFTensorGradZeroed(tape, b));
    if (tb) /* b is n x k: db = dy^T a */
      FF_CHECK(FFGemmAtBAdd(tape, m, n, k, y->grad, n, a->data, k, b->grad, k));
    else /* b is k x n: db = a^T dy */
      FF_CHECK(FFGemmAtBAdd(tape, m, k, n, a->data, k, y->grad, n, b->grad, n));
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpMatMul(FFTape *tape, FFTensor *a, FFTensor *b, int transpose_b, FFTensor **y)
{
  int inner = transpose_b ? b->cols : b->rows, n = transpose_b ? b->rows : b->cols;
  FF_ASSERT(a->cols == inner, FF_ERR_ARG, "matmul: %d x %d times %s%d x %d does not match", a->rows, a->cols,
            transpose_b ? "the transpose of " : "", b->rows, b->cols);
  FFTensor *in[2] = {a, b};
  FF_CHECK(FFTapeNewActivation(tape, a->rows, n, FFAnyRequiresGrad(2, in), y));
  FFGemmRows(transpose_b, a->rows, n, inner, a->data, a->cols, b->data, b->cols, 0.0f, (*y)->data, n);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, MatMulBackward, *y, &op));
  if (op) {
    op->in[0] = a;
    op->in[1] = b;
    op->i[0] = transpose_b;
  }
  return FF_SUCCESS;
}
