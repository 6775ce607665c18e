/* Flow matching on a tape: the rectified-flow path, the flow-matching loss, the predicted
 * clean sample with temporal unrolling, and the t-weighted residual loss (docs/references.md §1). */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <math.h>

void FFFlowInterpolate(size_t n, double sigma_min, float t, const float x0[], const float x1[], float xt[],
                       float target[])
{
  const float a = (float)(1.0 - (1.0 - sigma_min) * t), b = (float)(1.0 - sigma_min);
  for (size_t i = 0; i < n; i++) {
    xt[i] = a * x0[i] + t * x1[i];
    target[i] = x1[i] - b * x0[i];
  }
}

PetscErrorCode FFFlowBatchCreate(int max_samples, int rows, int cols, FFFlowBatch *b)
{
  const size_t n = (size_t)max_samples * rows * cols;

  PetscFunctionBegin;
  PetscCheck(max_samples > 0 && rows > 0 && cols > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "flow batch of %d samples of %d x %d values", max_samples, rows, cols);
  PetscCall(PetscMemzero(b, sizeof *b));
  b->rows = rows;
  b->cols = cols;
  b->cap = max_samples;
  PetscCall(PetscMalloc4(max_samples, &b->t, n, &b->x0, n, &b->xt, n, &b->target));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowBatchDestroy(FFFlowBatch *b)
{
  PetscFunctionBegin;
  if (b->t) PetscCall(PetscFree4(b->t, b->x0, b->xt, b->target));
  PetscCall(PetscMemzero(b, sizeof *b));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMatchingForward(const FFFlowVelocity *vel, FFTape *tape, double sigma_min, int n, const float x1[],
                                     FFRng rng[], PetscBool shared, FFFlowBatch *b)
{
  const size_t per = (size_t)b->rows * b->cols;
  FFTensor *target;

  PetscFunctionBegin;
  PetscCheck(n > 0 && n <= b->cap, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "flow batch of %d samples (at most %d)",
             n, b->cap);
  PetscCheck(vel->rows == b->rows && vel->cols == b->cols, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "velocity field of %d x %d values for a batch of %d x %d", vel->rows, vel->cols, b->rows, b->cols);
  b->n = n;
  for (int s = 0; s < n; s++) {
    FFRng *r = shared ? &rng[0] : &rng[s];
    b->t[s] = (float)FFRngUniform(r);
    FFRngNormalFill(r, b->x0 + s * per, per, 1.0f);
    FFFlowInterpolate(per, sigma_min, b->t[s], b->x0 + s * per, x1 + s * per, b->xt + s * per, b->target + s * per);
  }
  PetscCallFF(FFTapeLeaf(tape, n * b->rows, b->cols, b->xt, 0, &b->x_t));
  PetscCallFF(FFTapeLeaf(tape, n * b->rows, b->cols, b->target, 0, &target));
  PetscCall(vel->fn(vel->ctx, tape, n, b->t, b->x_t, &b->v));
  PetscCallFF(FFOpMSE(tape, b->v, target, &b->loss));
  PetscFunctionReturn(0);
}

int FFFlowUnrollSteps(long step, long total_steps, int max_steps)
{
  if (max_steps < 1) max_steps = 1;
  if (total_steps <= 0) return 1;
  long q = (4 * step) / total_steps; /* the quarter of training */
  int n = (int)(q + 1);
  return n < 1 ? 1 : (n > max_steps ? max_steps : n);
}

/* Per-row step sizes (1 - t)/steps and times t + k (1 - t)/steps of the batch's samples. */
static PetscErrorCode StepSizes(FFTape *tape, const FFFlowBatch *b, int steps, FFTensor **dt)
{
  PetscFunctionBegin;
  PetscCallFF(FFTapeNew(tape, b->n * b->rows, 1, 0, dt));
  for (int s = 0; s < b->n; s++)
    for (int r = 0; r < b->rows; r++) (*dt)->data[s * b->rows + r] = (1.0f - b->t[s]) / (float)steps;
  PetscFunctionReturn(0);
}

static void StepTimes(const FFFlowBatch *b, int steps, int k, float times[])
{
  for (int s = 0; s < b->n; s++) times[s] = b->t[s] + (float)k * (1.0f - b->t[s]) / (float)steps;
}

/* x + dt v on a tape (dt per row). */
static PetscErrorCode EulerStep(FFTape *tape, FFTensor *x, FFTensor *dt, FFTensor *v, FFTensor **y)
{
  FFTensor *dv;

  PetscFunctionBegin;
  PetscCallFF(FFOpMul(tape, v, dt, &dv));
  PetscCallFF(FFOpAdd(tape, x, dv, y));
  PetscFunctionReturn(0);
}

/* Steps 1 .. steps-1 without gradients on aux: the start of the last step, copied into the
 * main tape as a constant leaf. */
static PetscErrorCode DetachedSteps(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *b, int steps,
                                    float times[], FFTensor **x_last)
{
  FFTensor *x, *dt, *v;
  const size_t n = (size_t)b->n * b->rows * b->cols;

  PetscFunctionBegin;
  PetscCheck(aux, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "flow matching: last-step-only unrolling needs an aux tape");
  FFTapeReset(aux);
  FFTapeSetGradEnabled(aux, 0);
  PetscCallFF(FFTapeLeaf(aux, b->n * b->rows, b->cols, b->xt, 0, &x));
  PetscCall(StepSizes(aux, b, steps, &dt));
  PetscCallFF(FFTapeLeaf(aux, b->n * b->rows, b->cols, b->v->data, 0, &v));
  PetscCall(EulerStep(aux, x, dt, v, &x));
  for (int k = 1; k < steps - 1; k++) {
    StepTimes(b, steps, k, times);
    PetscCall(vel->fn(vel->ctx, aux, b->n, times, x, &v));
    PetscCall(EulerStep(aux, x, dt, v, &x));
  }
  PetscCallFF(FFTapeNew(tape, b->n * b->rows, b->cols, 0, x_last));
  PetscCall(PetscArraycpy((*x_last)->data, x->data, n));
  FFTapeReset(aux);
  FFTapeSetGradEnabled(aux, 1);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPredictClean(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *b, int steps,
                                  PetscBool last_only, FFTensor **x1_hat)
{
  FFTensor *x, *dt, *v;
  float *times;

  PetscFunctionBegin;
  PetscCheck(steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "flow matching: %d unrolling steps", steps);
  PetscCheck(b->v, PETSC_COMM_SELF, PETSC_ERR_ORDER, "flow matching: predict the clean sample after the forward");
  PetscCall(PetscMalloc1(b->n, &times));
  PetscCall(StepSizes(tape, b, steps, &dt));
  if (steps == 1 || !last_only) {
    PetscCall(EulerStep(tape, b->x_t, dt, b->v, &x));
    for (int k = 1; k < steps; k++) {
      StepTimes(b, steps, k, times);
      PetscCall(vel->fn(vel->ctx, tape, b->n, times, x, &v));
      PetscCall(EulerStep(tape, x, dt, v, &x));
    }
  } else {
    PetscCall(DetachedSteps(vel, tape, aux, b, steps, times, &x));
    StepTimes(b, steps, steps - 1, times);
    PetscCall(vel->fn(vel->ctx, tape, b->n, times, x, &v));
    PetscCall(EulerStep(tape, x, dt, v, &x));
  }
  *x1_hat = x;
  PetscCall(PetscFree(times));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowResidualLoss(FFFlowResidualFn fn, void *ctx, const FFFlowBatch *b, const FFTensor *x1_hat,
                                  double scale, float seeds[], double *loss, double *r_mean)
{
  const size_t per = (size_t)b->rows * b->cols;
  double sum = 0, rsum = 0;

  PetscFunctionBegin;
  PetscCheck(x1_hat->rows == b->n * b->rows && x1_hat->cols == b->cols, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "flow matching: x1_hat is %d x %d, the batch %d x %d", x1_hat->rows, x1_hat->cols, b->n * b->rows,
             b->cols);
  for (int s = 0; s < b->n; s++) {
    double r;
    float *g = seeds + s * per;
    PetscCall(fn(ctx, s, x1_hat->data + s * per, &r, g));
    const float w = (float)(scale * b->t[s]);
    for (size_t i = 0; i < per; i++) g[i] *= w;
    sum += scale * b->t[s] * r;
    rsum += r;
  }
  *loss = sum;
  if (r_mean) *r_mean = rsum / b->n;
  PetscFunctionReturn(0);
}
