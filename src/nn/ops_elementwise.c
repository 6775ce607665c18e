/* Elementwise operations: bias, activations, add/mul with broadcast, scale, axpy. */
#include "nn_private.h"

#include <math.h>

#define FF_ACC(dst, val, fresh) ((dst) = (fresh) ? (val) : (dst) + (val))

static size_t Count(const FFTensor *t) { return (size_t)t->rows * t->cols; }

/* ---------- bias ---------- */
static FFErrorCode BiasBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *b = op->in[1], *y = op->out;
  if (x->requires_grad) {
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
    long n = (long)Count(x);
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long i = 0; i < n; i++) FF_ACC(x->grad[i], y->grad[i], fresh);
  }
  if (b->requires_grad) {
    FF_CHECK(FFTensorGradZeroed(tape, b));
    FF_CHECK(FFColumnSumAdd(tape, y->rows, y->cols, y->grad, y->cols, b->grad));
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpBias(FFTape *tape, FFTensor *x, FFTensor *b, FFTensor **y)
{
  FF_ASSERT(b->rows == 1 && b->cols == x->cols, FF_ERR_ARG, "bias is %d x %d, needs 1 x %d", b->rows, b->cols, x->cols);
  FFTensor *in[2] = {x, b};
  FF_CHECK(FFTapeNewActivation(tape, x->rows, x->cols, FFAnyRequiresGrad(2, in), y));
  int rows = x->rows, cols = x->cols;
#pragma omp parallel for schedule(static) if (Count(x) > FF_PAR_MIN)
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) (*y)->data[(size_t)i * cols + j] = x->data[(size_t)i * cols + j] + b->data[j];
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, BiasBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->in[1] = b;
  }
  return FF_SUCCESS;
}

/* ---------- activations ---------- */
static FFErrorCode ActivationBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  FFActivation act = (FFActivation)op->i[0];
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
  long n = (long)Count(x);
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
  for (long i = 0; i < n; i++) FF_ACC(x->grad[i], y->grad[i] * FFActDerivative(act, x->data[i]), fresh);
  return FF_SUCCESS;
}

FFErrorCode FFOpActivation(FFTape *tape, FFTensor *x, FFActivation act, FFTensor **y)
{
  FF_CHECK(FFTapeNewActivation(tape, x->rows, x->cols, x->requires_grad, y));
  long n = (long)Count(x);
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
  for (long i = 0; i < n; i++) (*y)->data[i] = FFActForward(act, x->data[i]);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, ActivationBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->i[0] = act;
  }
  return FF_SUCCESS;
}

/* ---------- add / mul with broadcast of b ---------- */
static size_t BIndex(const FFTensor *b, int i, int j)
{
  return (size_t)(b->rows == 1 ? 0 : i) * b->cols + (b->cols == 1 ? 0 : j);
}

static FFErrorCode CheckBroadcast(const char *op, const FFTensor *a, const FFTensor *b)
{
  FF_ASSERT((b->rows == a->rows || b->rows == 1) && (b->cols == a->cols || b->cols == 1), FF_ERR_ARG,
            "%s: %d x %d does not broadcast to %d x %d", op, b->rows, b->cols, a->rows, a->cols);
  return FF_SUCCESS;
}

/* Reduces t (shape of a) onto the broadcast shape of b and adds it to b->grad. */
static FFErrorCode ReduceToB(FFTape *tape, FFTensor *b, int rows, int cols, const float *t)
{
  if (b->rows == rows && b->cols == cols) {
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, b, &fresh));
    long n = (long)rows * cols;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long i = 0; i < n; i++) FF_ACC(b->grad[i], t[i], fresh);
    return FF_SUCCESS;
  }
  FF_CHECK(FFTensorGradZeroed(tape, b));
  if (b->rows == 1 && b->cols == cols) return FFColumnSumAdd(tape, rows, cols, t, cols, b->grad);
  if (b->rows == rows) { /* rows x 1 */
#pragma omp parallel for schedule(static) if ((size_t)rows * cols > FF_PAR_MIN)
    for (int i = 0; i < rows; i++) {
      float s = 0.0f;
      for (int j = 0; j < cols; j++) s += t[(size_t)i * cols + j];
      b->grad[i] += s;
    }
    return FF_SUCCESS;
  }
  b->grad[0] += (float)FFSumDouble(t, (size_t)rows * cols);
  return FF_SUCCESS;
}

static FFErrorCode AddMulBackward(FFTape *tape, FFOp *op)
{
  FFTensor *a = op->in[0], *b = op->in[1], *y = op->out;
  int mul = op->i[0], rows = a->rows, cols = a->cols;
  if (a->requires_grad) {
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, a, &fresh));
#pragma omp parallel for schedule(static) if (Count(a) > FF_PAR_MIN)
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) {
        size_t k = (size_t)i * cols + j;
        FF_ACC(a->grad[k], mul ? y->grad[k] * b->data[BIndex(b, i, j)] : y->grad[k], fresh);
      }
  }
  if (b->requires_grad) {
    if (!mul) return ReduceToB(tape, b, rows, cols, y->grad);
    float *t;
    int block;
    FF_CHECK(FFTapeScratch(tape, Count(a), &t, &block));
    long n = (long)Count(a);
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long k = 0; k < n; k++) t[k] = y->grad[k] * a->data[k];
    FFErrorCode rc = ReduceToB(tape, b, rows, cols, t);
    FFTapeScratchRelease(tape, block);
    FF_CHECK(rc);
  }
  return FF_SUCCESS;
}

static FFErrorCode AddMul(FFTape *tape, FFTensor *a, FFTensor *b, int mul, FFTensor **y)
{
  FF_CHECK(CheckBroadcast(mul ? "mul" : "add", a, b));
  FFTensor *in[2] = {a, b};
  FF_CHECK(FFTapeNewActivation(tape, a->rows, a->cols, FFAnyRequiresGrad(2, in), y));
  int rows = a->rows, cols = a->cols;
  float *yd = (*y)->data;
#pragma omp parallel for schedule(static) if (Count(a) > FF_PAR_MIN)
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) {
      size_t k = (size_t)i * cols + j;
      float bv = b->data[BIndex(b, i, j)];
      yd[k] = mul ? a->data[k] * bv : a->data[k] + bv;
    }
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, AddMulBackward, *y, &op));
  if (op) {
    op->in[0] = a;
    op->in[1] = b;
    op->i[0] = mul;
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpAdd(FFTape *tape, FFTensor *a, FFTensor *b, FFTensor **y) { return AddMul(tape, a, b, 0, y); }
FFErrorCode FFOpMul(FFTape *tape, FFTensor *a, FFTensor *b, FFTensor **y) { return AddMul(tape, a, b, 1, y); }

/* ---------- y = x + s z (scale: no x) ---------- */
static FFErrorCode AxpyBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *z = op->in[1], *y = op->out;
  float s = op->f[0];
  long n = (long)Count(y);
  int fresh;
  if (x && x->requires_grad) {
    FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long i = 0; i < n; i++) FF_ACC(x->grad[i], y->grad[i], fresh);
  }
  if (z->requires_grad) {
    FF_CHECK(FFTensorGradAcquire(tape, z, &fresh));
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (long i = 0; i < n; i++) FF_ACC(z->grad[i], s * y->grad[i], fresh);
  }
  return FF_SUCCESS;
}

static FFErrorCode Axpy(FFTape *tape, FFTensor *x, float s, FFTensor *z, FFTensor **y)
{
  if (x)
    FF_ASSERT(x->rows == z->rows && x->cols == z->cols, FF_ERR_ARG, "axpy: %d x %d and %d x %d differ", x->rows,
              x->cols, z->rows, z->cols);
  FFTensor *in[2] = {x, z};
  FF_CHECK(FFTapeNewActivation(tape, z->rows, z->cols, FFAnyRequiresGrad(2, in), y));
  long n = (long)Count(z);
  float *yd = (*y)->data;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
  for (long i = 0; i < n; i++) yd[i] = x ? x->data[i] + s * z->data[i] : s * z->data[i];
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, AxpyBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->in[1] = z;
    op->f[0] = s;
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpAxpy(FFTape *tape, FFTensor *x, float s, FFTensor *z, FFTensor **y)
{
  FF_ASSERT(x, FF_ERR_ARG, "axpy needs x");
  return Axpy(tape, x, s, z, y);
}

FFErrorCode FFOpScale(FFTape *tape, FFTensor *x, float s, FFTensor **y) { return Axpy(tape, NULL, s, x, y); }

const char *FFActivationName(FFActivation act)
{
  static const char *names[] = {"none", "relu", "silu", "gelu", "sin"};
  return (int)act >= 0 && (int)act < 5 ? names[act] : "unknown";
}

FFErrorCode FFActivationFromName(const char *name, FFActivation *act)
{
  for (int a = FF_ACT_NONE; a <= FF_ACT_SIN; a++)
    if (!strcmp(name, FFActivationName((FFActivation)a))) {
      *act = (FFActivation)a;
      return FF_SUCCESS;
    }
  FF_ERROR(FF_ERR_ARG, "unknown activation '%s' (none, relu, silu, gelu, sin)", name);
}
