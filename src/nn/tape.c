/* The tape: tensors and recorded operations of one forward pass, and the backward walk. */
#include "nn_private.h"

#include <math.h>
#include <stdlib.h>

FFErrorCode FFTapeCreate(FFParams *params, FFTape **tape)
{
  FF_ASSERT(params, FF_ERR_ARG, "a tape needs the parameter registry its layers use");
  FF_CHECK(FFCalloc(1, sizeof(FFTape), tape));
  (*tape)->params = params;
  (*tape)->grad_enabled = 1;
  return FF_SUCCESS;
}

void FFTapeDestroy(FFTape **tape)
{
  if (!tape || !*tape) return;
  FFTape *t = *tape;
  for (int c = 0; c < t->n_chunks; c++) free(t->chunks[c]);
  free(t->chunks);
  free(t->ops);
  free(t->param_tensors);
  FFPoolDestroy(&t->pool);
  FFFree(tape);
}

void FFTapeReset(FFTape *tape)
{
  FFPoolReleaseAll(&tape->pool);
  tape->n_tensors = 0;
  tape->n_ops = 0;
  for (int i = 0; i < tape->cap_param_tensors; i++) tape->param_tensors[i] = NULL;
}

void FFTapeSetGradEnabled(FFTape *tape, int enabled) { tape->grad_enabled = enabled != 0; }
int FFTapeGradEnabled(const FFTape *tape) { return tape->grad_enabled; }

void FFTapeGetStats(const FFTape *tape, FFTapeStats *stats)
{
  stats->pool_bytes = tape->pool.bytes;
  stats->pool_peak_used = tape->pool.peak_used;
  stats->pool_allocations = tape->pool.allocations;
  stats->n_ops = tape->n_ops;
  stats->n_tensors = tape->n_tensors;
}

static FFErrorCode NewTensor(FFTape *tape, int rows, int cols, FFTensor **out)
{
  FF_ASSERT(rows >= 0 && cols >= 0, FF_ERR_ARG, "negative tensor shape %d x %d", rows, cols);
  FF_ASSERT(!tape->in_backward, FF_ERR_STATE, "cannot create tensors during a backward pass");
  int chunk = tape->n_tensors / FF_TAPE_CHUNK;
  if (chunk == tape->n_chunks) {
    FFTensor **nc = realloc(tape->chunks, (size_t)(chunk + 1) * sizeof *nc);
    if (!nc) FF_ERROR(FF_ERR_MEM, "out of memory growing the tape");
    tape->chunks = nc;
    FF_CHECK(FFMalloc(FF_TAPE_CHUNK * sizeof(FFTensor), &tape->chunks[chunk]));
    tape->n_chunks++;
  }
  FFTensor *t = &tape->chunks[chunk][tape->n_tensors % FF_TAPE_CHUNK];
  tape->n_tensors++;
  *t = (FFTensor){.rows = rows, .cols = cols, .data_block = -1, .grad_block = -1, .param = -1};
  *out = t;
  return FF_SUCCESS;
}

FFErrorCode FFTapeNewActivation(FFTape *tape, int rows, int cols, int requires_grad, FFTensor **t)
{
  FF_CHECK(NewTensor(tape, rows, cols, t));
  (*t)->kind = FF_TENSOR_ACTIVATION;
  (*t)->requires_grad = requires_grad && tape->grad_enabled;
  FF_CHECK(FFPoolAcquire(&tape->pool, (size_t)rows * cols, &(*t)->data, &(*t)->data_block));
  return FF_SUCCESS;
}

FFErrorCode FFTapeLeaf(FFTape *tape, int rows, int cols, const float *data, int requires_grad, FFTensor **t)
{
  FF_ASSERT(data || (size_t)rows * cols == 0, FF_ERR_ARG, "leaf tensor %d x %d without data", rows, cols);
  FF_CHECK(NewTensor(tape, rows, cols, t));
  (*t)->kind = FF_TENSOR_LEAF;
  (*t)->data = (float *)data; /* never written by the tape */
  (*t)->requires_grad = requires_grad && tape->grad_enabled;
  return FF_SUCCESS;
}

FFErrorCode FFTapeNew(FFTape *tape, int rows, int cols, int requires_grad, FFTensor **t)
{
  FF_CHECK(FFTapeNewActivation(tape, rows, cols, requires_grad, t));
  (*t)->kind = FF_TENSOR_LEAF;
  return FF_SUCCESS;
}

FFErrorCode FFTapeParam(FFTape *tape, int index, FFTensor **t)
{
  FFParams *P = tape->params;
  FF_ASSERT(P->set_up, FF_ERR_STATE, "parameters are not set up (call FFParamsSetUp before a forward)");
  FF_ASSERT(index >= 0 && index < P->n, FF_ERR_ARG, "parameter index %d out of range [0, %d)", index, P->n);
  if (tape->cap_param_tensors < P->n) {
    FFTensor **np = realloc(tape->param_tensors, (size_t)P->n * sizeof *np);
    if (!np) FF_ERROR(FF_ERR_MEM, "out of memory");
    for (int i = tape->cap_param_tensors; i < P->n; i++) np[i] = NULL;
    tape->param_tensors = np;
    tape->cap_param_tensors = P->n;
  }
  if (!tape->param_tensors[index]) {
    const FFParamInfo *info = &P->info[index];
    FFTensor *p = NULL;
    FF_CHECK(NewTensor(tape, info->rows, info->cols, &p));
    p->kind = FF_TENSOR_PARAM;
    p->param = index;
    p->data = P->values + info->offset;
    p->requires_grad = tape->grad_enabled && !(info->flags & FF_PARAM_FROZEN);
    tape->param_tensors[index] = p;
  }
  *t = tape->param_tensors[index];
  return FF_SUCCESS;
}

FFErrorCode FFTapeSaved(FFTape *tape, size_t n, float **ptr)
{
  int block;
  FF_CHECK(FFPoolAcquire(&tape->pool, n, ptr, &block));
  return FF_SUCCESS;
}

FFErrorCode FFTapeScratch(FFTape *tape, size_t n, float **ptr, int *block)
{
  FF_CHECK(FFPoolAcquire(&tape->pool, n, ptr, block));
  return FF_SUCCESS;
}

void FFTapeScratchRelease(FFTape *tape, int block) { FFPoolRelease(&tape->pool, block); }

int FFAnyRequiresGrad(int n, FFTensor *const *ts)
{
  for (int i = 0; i < n; i++)
    if (ts[i] && ts[i]->requires_grad) return 1;
  return 0;
}

FFErrorCode FFTapeRecord(FFTape *tape, FFOpBackwardFn backward, FFTensor *out, FFOp **op)
{
  *op = NULL;
  if (!tape->grad_enabled || !out->requires_grad) return FF_SUCCESS;
  if (tape->n_ops == tape->cap_ops) {
    int cap = tape->cap_ops ? 2 * tape->cap_ops : 256;
    FFOp *nop = realloc(tape->ops, (size_t)cap * sizeof *nop);
    if (!nop) FF_ERROR(FF_ERR_MEM, "out of memory growing the tape");
    tape->ops = nop;
    tape->cap_ops = cap;
  }
  FFOp *o = &tape->ops[tape->n_ops++];
  memset(o, 0, sizeof *o);
  o->backward = backward;
  o->out = out;
  *op = o;
  return FF_SUCCESS;
}

FFErrorCode FFTensorGradAcquire(FFTape *tape, FFTensor *t, int *fresh)
{
  *fresh = 0;
  if (t->grad) return FF_SUCCESS;
  FF_ASSERT(t->kind != FF_TENSOR_PARAM, FF_ERR_STATE, "parameter gradient without a gradient buffer");
  FF_CHECK(FFPoolAcquire(&tape->pool, (size_t)t->rows * t->cols, &t->grad, &t->grad_block));
  *fresh = 1;
  return FF_SUCCESS;
}

FFErrorCode FFTensorGradZeroed(FFTape *tape, FFTensor *t)
{
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, t, &fresh));
  if (fresh && t->grad) memset(t->grad, 0, (size_t)t->rows * t->cols * sizeof(float));
  return FF_SUCCESS;
}

void FFTapeDiscard(FFTape *tape, FFTensor *t)
{
  if (tape->grad_enabled || !t || t->kind != FF_TENSOR_ACTIVATION) return;
  FFPoolRelease(&tape->pool, t->data_block);
  t->data_block = -1;
  t->data = NULL;
}

static void ReleaseGrad(FFTape *tape, FFTensor *t)
{
  if (t->grad_block >= 0) FFPoolRelease(&tape->pool, t->grad_block);
  t->grad_block = -1;
  t->grad = NULL;
}

static FFTensor *TensorAt(FFTape *tape, int i) { return &tape->chunks[i / FF_TAPE_CHUNK][i % FF_TAPE_CHUNK]; }

/* Gradients of a previous backward are dropped; parameters point into param_grad. */
static FFErrorCode PrepareBackward(FFTape *tape, float *param_grad)
{
  int needs_params = 0;
  for (int i = 0; i < tape->n_tensors; i++) {
    FFTensor *t = TensorAt(tape, i);
    if (t->kind == FF_TENSOR_PARAM) {
      t->grad = t->requires_grad && param_grad ? param_grad + tape->params->info[t->param].offset : NULL;
      needs_params |= t->requires_grad;
    } else {
      ReleaseGrad(tape, t);
    }
  }
  FF_ASSERT(!needs_params || param_grad, FF_ERR_ARG,
            "backward through trainable parameters needs a gradient buffer (param_grad is NULL)");
  tape->param_grad = param_grad;
  return FF_SUCCESS;
}

static FFErrorCode Seed(FFTape *tape, FFTensor *out, const float *grad)
{
  FF_ASSERT(out->requires_grad, FF_ERR_ARG,
            "backward from a %d x %d tensor that depends on nothing requiring a gradient", out->rows, out->cols);
  FF_ASSERT(out->kind != FF_TENSOR_PARAM, FF_ERR_ARG, "backward from a parameter");
  FF_CHECK(FFTensorGradZeroed(tape, out));
  size_t n = (size_t)out->rows * out->cols;
  for (size_t i = 0; i < n; i++) out->grad[i] += grad ? grad[i] : 1.0f;
  return FF_SUCCESS;
}

FFErrorCode FFTapeBackwardFrom(FFTape *tape, int n, FFTensor *const *outputs, const float *const *grads,
                               float *param_grad)
{
  FF_ASSERT(tape->grad_enabled, FF_ERR_STATE, "backward on a tape recorded with gradients disabled");
  FF_CHECK(PrepareBackward(tape, param_grad));
  for (int i = 0; i < n; i++) FF_CHECK(Seed(tape, outputs[i], grads ? grads[i] : NULL));
  int saved = FFBlasSerialBegin();
  tape->in_backward = 1;
  FFErrorCode rc = FF_SUCCESS;
  for (int k = tape->n_ops - 1; k >= 0 && !rc; k--) {
    FFOp *op = &tape->ops[k];
    if (!op->out->grad) continue; /* nothing flowed into this op */
    rc = op->backward(tape, op);
    /* an op split into consecutive records (long concat) shares its output */
    if (k == 0 || tape->ops[k - 1].out != op->out) ReleaseGrad(tape, op->out);
  }
  tape->in_backward = 0;
  FFBlasSerialEnd(saved);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  /* leaves that asked for a gradient get one, zero when nothing reached them */
  for (int i = 0; i < tape->n_tensors; i++) {
    FFTensor *t = TensorAt(tape, i);
    if (t->kind == FF_TENSOR_LEAF && t->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, t));
  }
  return FF_SUCCESS;
}

FFErrorCode FFTapeBackward(FFTape *tape, FFTensor *loss, float *param_grad)
{
  FF_ASSERT(loss && loss->rows == 1 && loss->cols == 1, FF_ERR_ARG,
            "FFTapeBackward needs a scalar loss (got %d x %d); use FFTapeBackwardFrom for other outputs",
            loss ? loss->rows : 0, loss ? loss->cols : 0);
  FF_CHECK(FFTapeBackwardFrom(tape, 1, &loss, NULL, param_grad));
  return FF_SUCCESS;
}
