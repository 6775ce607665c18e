/* MeanFlow (Geng et al. 2025, docs/references.md §8) in this path's convention (t = 0 noise,
 * t = 1 data): the network learns the average velocity u(x_t, t, h) over [t, t + h], so that
 * one step x1 = x0 + u(x0, 0, 1) samples. Its target comes from the identity
 * u = v + h du/dt (the total derivative along the flow at a fixed end t + h), with the
 * derivative taken by a central difference of the network itself (ff_flow.h). */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <math.h>

void FFFlowMeanFlowConfigDefault(FFFlowMeanFlowConfig *c)
{
  *c = (FFFlowMeanFlowConfig){.fd_step = 1e-3, .adaptive_p = 0.0, .adaptive_c = 1e-3};
}

/* Why a central difference: the nn core records reverse mode only, and along (v_c, 1, -1) the
 * difference costs two forwards without a tape. Its error is e^2/6 |d^3u/dt^3| (the network's
 * time embedding has waves of at most time_scale rad per unit t, so e time_scale << 1) plus the
 * float32 rounding of u over 2e; tests/test_flow_meanflow.c checks it against an exact JVP. */
PetscErrorCode FFFlowMeanFlowTarget(const FFFlowVelocity *vel, FFTape *aux, const FFFlowBatch *b, double fd_step,
                                    float target[])
{
  const int n = b->n;
  const size_t per = (size_t)b->rows * b->cols, len = (size_t)n * per;
  const float e = (float)fd_step;
  float *x, *t, *h, *up;
  FFTensor *xp, *u;
  int any = 0;

  PetscFunctionBegin;
  PetscCheck(fd_step > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "MeanFlow: central-difference step %g", fd_step);
  PetscCheck(vel->average, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "MeanFlow: the velocity is not an average velocity");
  PetscCall(PetscArraycpy(target, b->target, len));
  for (int s = 0; s < n; s++) any |= b->h[s] > 0;
  if (!any) PetscFunctionReturn(0);
  PetscCall(PetscMalloc4(len, &x, n, &t, n, &h, len, &up));
  FFTapeReset(aux);
  FFTapeSetGradEnabled(aux, 0);
  for (int side = 1; side >= -1; side -= 2) { /* + then - */
    const float d = side * e;
    for (size_t i = 0; i < len; i++) x[i] = b->xt[i] + d * b->target[i];
    for (int s = 0; s < n; s++) t[s] = b->t[s] + d, h[s] = b->h[s] - d;
    PetscCallFF(FFTapeLeaf(aux, n * b->rows, b->cols, x, 0, &xp));
    PetscCall(vel->fn(vel->ctx, aux, n, t, h, xp, &u));
    if (side > 0)
      PetscCall(PetscArraycpy(up, u->data, len));
    else
      for (size_t i = 0; i < len; i++) up[i] = (up[i] - u->data[i]) / (2 * e); /* du/dt */
    FFTapeReset(aux);
  }
  FFTapeSetGradEnabled(aux, 1);
  for (int s = 0; s < n; s++)
    for (size_t i = s * per; i < (s + 1) * per; i++) target[i] += b->h[s] * up[i];
  PetscCall(PetscFree4(x, t, h, up));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMeanFlowLoss(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *b,
                                  const FFFlowMeanFlowConfig *c, double *mse)
{
  const size_t per = (size_t)b->rows * b->cols;
  FFTensor *target, *w, *diff, *sq, *wsq;
  double sum = 0;

  PetscFunctionBegin;
  PetscCheck(vel->rows == b->rows && vel->cols == b->cols, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "velocity field of %d x %d values for a batch of %d x %d", vel->rows, vel->cols, b->rows, b->cols);
  PetscCheck(c->adaptive_p >= 0 && c->adaptive_c > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "MeanFlow: adaptive weight power %g, constant %g", c->adaptive_p, c->adaptive_c);
  PetscCallFF(FFTapeNew(tape, b->n * b->rows, b->cols, 0, &target));
  PetscCall(FFFlowMeanFlowTarget(vel, aux, b, c->fd_step, target->data));
  PetscCallFF(FFTapeLeaf(tape, b->n * b->rows, b->cols, b->xt, 0, &b->x_t));
  PetscCall(vel->fn(vel->ctx, tape, b->n, b->t, b->h, b->x_t, &b->v));
  PetscCallFF(FFTapeNew(tape, b->n * b->rows, 1, 0, &w));
  for (int s = 0; s < b->n; s++) {
    double e2 = 0;
    for (size_t i = s * per; i < (s + 1) * per; i++) {
      const double d = (double)b->v->data[i] - target->data[i];
      e2 += d * d;
    }
    e2 /= (double)per;
    sum += e2;
    const float ws = (float)(1.0 / pow(e2 + c->adaptive_c, c->adaptive_p));
    for (int r = 0; r < b->rows; r++) w->data[s * b->rows + r] = ws;
  }
  *mse = sum / b->n;
  PetscCallFF(FFOpAxpy(tape, b->v, -1.0f, target, &diff));
  PetscCallFF(FFOpMul(tape, diff, diff, &sq));
  PetscCallFF(FFOpMul(tape, sq, w, &wsq));
  PetscCallFF(FFOpMean(tape, wsq, &b->loss));
  PetscFunctionReturn(0);
}
