/* Flow matching on a tape: the rectified-flow path, the flow-matching loss, the predicted
 * clean sample with temporal unrolling, and the t-weighted residual loss (docs/references.md §1). */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <math.h>
#include <string.h>

void FFFlowInterpolate(size_t n, double sigma_min, float t, const float x0[], const float x1[], float xt[],
                       float target[])
{
  const float a = (float)(1.0 - (1.0 - sigma_min) * t), b = (float)(1.0 - sigma_min);
  for (size_t i = 0; i < n; i++) {
    xt[i] = a * x0[i] + t * x1[i];
    target[i] = x1[i] - b * x0[i];
  }
}

void FFFlowTimeConfigDefault(FFFlowTimeConfig *c)
{
  *c = (FFFlowTimeConfig){.kind = FF_FLOW_TIME_UNIFORM, .mean = 0.0, .std = 1.0, .interval_share = 0.0};
}

double FFFlowTimeDraw(const FFFlowTimeConfig *c, FFRng *rng)
{
  if (c->kind == FF_FLOW_TIME_UNIFORM) return FFRngUniform(rng);
  return 1.0 / (1.0 + exp(-(c->mean + c->std * FFRngNormal(rng))));
}

static const char *const time_names[] = {"uniform", "logit_normal"};

const char *FFFlowTimeKindName(FFFlowTimeKind kind) { return time_names[kind]; }

PetscErrorCode FFFlowTimeKindFromName(const char *name, FFFlowTimeKind *kind)
{
  PetscFunctionBegin;
  for (int k = 0; k < 2; k++)
    if (!strcmp(name, time_names[k])) {
      *kind = (FFFlowTimeKind)k;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "time sampling '%s': uniform or logit_normal", name);
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
  PetscCall(PetscMalloc5(max_samples, &b->t, max_samples, &b->h, n, &b->x0, n, &b->xt, n, &b->target));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowBatchDestroy(FFFlowBatch *b)
{
  PetscFunctionBegin;
  if (b->t) PetscCall(PetscFree5(b->t, b->h, b->x0, b->xt, b->target));
  PetscCall(PetscMemzero(b, sizeof *b));
  PetscFunctionReturn(0);
}

void FFFlowBatchView(FFFlowBatch *b, int first, int n, FFFlowBatch *view)
{
  const size_t off = (size_t)first * b->rows * b->cols;
  *view = (FFFlowBatch){.n = n,
                        .rows = b->rows,
                        .cols = b->cols,
                        .cap = n,
                        .t = b->t + first,
                        .h = b->h + first,
                        .x0 = b->x0 + off,
                        .xt = b->xt + off,
                        .target = b->target + off};
}

PetscErrorCode FFFlowBatchDraw(FFFlowBatch *b, const FFFlowTimeConfig *time, double sigma_min, int n, const float x1[],
                               FFRng rng[], PetscBool shared)
{
  const size_t per = (size_t)b->rows * b->cols;

  PetscFunctionBegin;
  PetscCheck(n > 0 && n <= b->cap, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "flow batch of %d samples (at most %d)",
             n, b->cap);
  PetscCheck(time->interval_share >= 0 && time->interval_share <= 1 &&
                 (time->kind == FF_FLOW_TIME_UNIFORM || time->std > 0),
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "flow time sampling: interval share %g outside [0, 1] or std %g", time->interval_share, time->std);
  b->n = n;
  for (int s = 0; s < n; s++) {
    FFRng *r = shared ? &rng[0] : &rng[s];
    double t = FFFlowTimeDraw(time, r), h = 0;
    if (time->interval_share > 0) { /* MeanFlow: three draws always, so the streams do not depend on the outcome */
      const double a = FFFlowTimeDraw(time, r), u = FFRngUniform(r);
      if (u < time->interval_share) h = fabs(a - t), t = fmin(a, t);
    }
    b->t[s] = (float)t;
    b->h[s] = (float)h;
    FFRngNormalFill(r, b->x0 + s * per, per, 1.0f);
    FFFlowInterpolate(per, sigma_min, b->t[s], b->x0 + s * per, x1 + s * per, b->xt + s * per, b->target + s * per);
  }
  b->x_t = b->v = b->loss = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowBatchCouple(FFFlowBatch *b, double sigma_min, const float x1[])
{
  const size_t per = (size_t)b->rows * b->cols;
  const int n = b->n;
  double *cost;
  int *perm;
  float *x0;

  PetscFunctionBegin;
  if (n < 2) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3((size_t)n * n, &cost, n, &perm, (size_t)n * per, &x0));
  /* rows: data samples, columns: noises */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double d = 0;
      for (size_t k = 0; k < per; k++)
        d += ((double)x1[i * per + k] - b->x0[j * per + k]) * ((double)x1[i * per + k] - b->x0[j * per + k]);
      cost[i * n + j] = d;
    }
  PetscCall(FFLinearAssignment(n, cost, perm));
  PetscCall(PetscArraycpy(x0, b->x0, (size_t)n * per));
  for (int i = 0; i < n; i++) {
    PetscCall(PetscArraycpy(b->x0 + i * per, x0 + (size_t)perm[i] * per, per));
    FFFlowInterpolate(per, sigma_min, b->t[i], b->x0 + i * per, x1 + i * per, b->xt + i * per, b->target + i * per);
  }
  PetscCall(PetscFree3(cost, perm, x0));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMatchingLoss(const FFFlowVelocity *vel, FFTape *tape, FFFlowBatch *b)
{
  FFTensor *target;

  PetscFunctionBegin;
  PetscCheck(vel->rows == b->rows && vel->cols == b->cols, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "velocity field of %d x %d values for a batch of %d x %d", vel->rows, vel->cols, b->rows, b->cols);
  PetscCallFF(FFTapeLeaf(tape, b->n * b->rows, b->cols, b->xt, 0, &b->x_t));
  PetscCallFF(FFTapeLeaf(tape, b->n * b->rows, b->cols, b->target, 0, &target));
  PetscCall(vel->fn(vel->ctx, tape, b->n, b->t, NULL, b->x_t, &b->v));
  PetscCallFF(FFOpMSE(tape, b->v, target, &b->loss));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMatchingForward(const FFFlowVelocity *vel, FFTape *tape, double sigma_min, int n, const float x1[],
                                     FFRng rng[], PetscBool shared, FFFlowBatch *b)
{
  FFFlowTimeConfig time;

  PetscFunctionBegin;
  FFFlowTimeConfigDefault(&time);
  PetscCall(FFFlowBatchDraw(b, &time, sigma_min, n, x1, rng, shared));
  PetscCall(FFFlowMatchingLoss(vel, tape, b));
  PetscFunctionReturn(0);
}

int FFFlowUnrollSteps(double progress, int max_steps)
{
  if (max_steps < 1) max_steps = 1;
  if (!(progress > 0)) return 1;
  int n = (int)floor(4.0 * progress) + 1; /* the quarter of training, from 1 */
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

/* The times t + k (1 - t)/steps of step k of the batch's samples, and its size (1 - t)/steps. */
static void StepTimes(const FFFlowBatch *b, int steps, int k, float times[], float sizes[])
{
  for (int s = 0; s < b->n; s++) {
    sizes[s] = (1.0f - b->t[s]) / (float)steps;
    times[s] = b->t[s] + (float)k * sizes[s];
  }
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

/* The velocity of step k at x: the batch's own for the first step of an instantaneous field,
 * else a forward (an average field over the step: h = the step's size). */
static PetscErrorCode StepVelocity(const FFFlowVelocity *vel, FFTape *tape, FFFlowBatch *b, int steps, int k,
                                   FFTensor *x, float times[], float sizes[], FFTensor **v)
{
  PetscFunctionBegin;
  if (k == 0 && !vel->average) {
    *v = b->v;
    PetscFunctionReturn(0);
  }
  StepTimes(b, steps, k, times, sizes);
  PetscCall(vel->fn(vel->ctx, tape, b->n, times, vel->average ? sizes : NULL, x, v));
  PetscFunctionReturn(0);
}

/* Steps 0 .. steps-2 without gradients on aux: the start of the last step, copied into the
 * main tape as a constant leaf. */
static PetscErrorCode DetachedSteps(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *b, int steps,
                                    float times[], float sizes[], FFTensor **x_last)
{
  FFTensor *x, *dt, *v;
  const size_t n = (size_t)b->n * b->rows * b->cols;

  PetscFunctionBegin;
  PetscCheck(aux, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "flow matching: last-step-only unrolling needs an aux tape");
  FFTapeReset(aux);
  FFTapeSetGradEnabled(aux, 0);
  PetscCallFF(FFTapeLeaf(aux, b->n * b->rows, b->cols, b->xt, 0, &x));
  PetscCall(StepSizes(aux, b, steps, &dt));
  for (int k = 0; k < steps - 1; k++) {
    if (k == 0 && !vel->average)
      PetscCallFF(FFTapeLeaf(aux, b->n * b->rows, b->cols, b->v->data, 0, &v));
    else
      PetscCall(StepVelocity(vel, aux, b, steps, k, x, times, sizes, &v));
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
  float *times, *sizes;

  PetscFunctionBegin;
  PetscCheck(steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "flow matching: %d unrolling steps", steps);
  PetscCheck(b->x_t && (b->v || vel->average), PETSC_COMM_SELF, PETSC_ERR_ORDER,
             "flow matching: predict the clean sample after the forward");
  PetscCall(PetscMalloc2(b->n, &times, b->n, &sizes));
  PetscCall(StepSizes(tape, b, steps, &dt));
  if (steps == 1 || !last_only) {
    x = b->x_t;
    for (int k = 0; k < steps; k++) {
      PetscCall(StepVelocity(vel, tape, b, steps, k, x, times, sizes, &v));
      PetscCall(EulerStep(tape, x, dt, v, &x));
    }
  } else {
    PetscCall(DetachedSteps(vel, tape, aux, b, steps, times, sizes, &x));
    PetscCall(StepVelocity(vel, tape, b, steps, steps - 1, x, times, sizes, &v));
    PetscCall(EulerStep(tape, x, dt, v, &x));
  }
  *x1_hat = x;
  PetscCall(PetscFree2(times, sizes));
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
