/* The sampler of flow matching and MeanFlow: a time grid, the Euler or second-order multistep
 * integrator, exact average-velocity jumps, and PBFM's stochastic variant (ff_flow.h,
 * docs/references.md §1, docs/pbfm.md). */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <math.h>
#include <string.h>

void FFFlowSamplerConfigDefault(FFFlowSamplerConfig *c)
{
  *c = (FFFlowSamplerConfig){.steps = 20,
                             .t_star = 0.0,
                             .sigma_min = 0.0,
                             .integrator = FF_FLOW_MULTISTEP,
                             .grid = FF_FLOW_GRID_LOGIT,
                             .logit_lo = -6.0,
                             .logit_hi = 4.0};
}

void FFFlowSamplerConfigForKind(FFFlowKind kind, FFFlowSamplerConfig *c)
{
  FFFlowSamplerConfigDefault(c);
  if (FFFlowKindAverage(kind)) c->steps = 1, c->grid = FF_FLOW_GRID_UNIFORM;
}

static const char *const integrator_names[] = {"euler", "multistep"}, *const grid_names[] = {"uniform", "logit"};

const char *FFFlowIntegratorName(FFFlowIntegrator i) { return integrator_names[i]; }
const char *FFFlowGridName(FFFlowGrid g) { return grid_names[g]; }

PetscErrorCode FFFlowIntegratorFromName(const char *name, FFFlowIntegrator *i)
{
  PetscFunctionBegin;
  for (int k = 0; k < 2; k++)
    if (!strcmp(name, integrator_names[k])) {
      *i = (FFFlowIntegrator)k;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "integrator '%s': euler or multistep", name);
}

PetscErrorCode FFFlowGridFromName(const char *name, FFFlowGrid *g)
{
  PetscFunctionBegin;
  for (int k = 0; k < 2; k++)
    if (!strcmp(name, grid_names[k])) {
      *g = (FFFlowGrid)k;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "time grid '%s': uniform or logit", name);
}

PetscErrorCode FFFlowSamplerGrid(const FFFlowSamplerConfig *c, double t[])
{
  const int n = c->steps;

  PetscFunctionBegin;
  PetscCheck(n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "sampler: %d steps (at least 1)", n);
  PetscCheck(c->grid != FF_FLOW_GRID_LOGIT || c->logit_lo < c->logit_hi, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "sampler: logit grid range [%g, %g]", c->logit_lo, c->logit_hi);
  t[0] = 0.0;
  t[n] = 1.0;
  for (int k = 1; k < n; k++) {
    if (c->grid == FF_FLOW_GRID_UNIFORM) {
      t[k] = (double)k / n;
      continue;
    }
    /* n - 1 inner points from lo to hi (one: the middle) */
    const double a = n > 2 ? (double)(k - 1) / (n - 2) : 0.5, l = c->logit_lo + a * (c->logit_hi - c->logit_lo);
    t[k] = 1.0 / (1.0 + exp(-l));
  }
  PetscFunctionReturn(0);
}

typedef struct {
  const FFFlowVelocity *vel;
  FFTape *tape;
  const FFFlowSamplerConfig *c;
  FFRng *rngs;
  int n;
  size_t per;
  float *t, *h, *eps, *d, *d_prev;
  int have_prev;
  double lambda_prev_step; /* the previous step's length in log(alpha/sigma) */
} Sampler;

/* The network at (x, t0) for every sample: v (instantaneous) or u over h (average). */
static PetscErrorCode Evaluate(Sampler *S, float x[], double t0, double h, const float **v)
{
  FFTensor *xt, *out;

  PetscFunctionBegin;
  for (int s = 0; s < S->n; s++) S->t[s] = (float)t0, S->h[s] = (float)h;
  FFTapeReset(S->tape);
  PetscCallFF(FFTapeLeaf(S->tape, S->n * S->vel->rows, S->vel->cols, x, 0, &xt));
  PetscCall(S->vel->fn(S->vel->ctx, S->tape, S->n, S->t, S->vel->average ? S->h : NULL, xt, &out));
  *v = out->data;
  PetscFunctionReturn(0);
}

static double Alpha(double t) { return t; }
static double Sigma(const FFFlowSamplerConfig *c, double t) { return 1.0 - (1.0 - c->sigma_min) * t; }

/* PBFM's stochastic step: x1_hat = x + (1 - t0) v (or u over [t0, 1]), then
 * x <- sigma(t1) eps + t1 x1_hat with fresh noise from each sample's stream. */
static PetscErrorCode StochasticStep(Sampler *S, float x[], double t0, double t1)
{
  const float *v;
  const float a = (float)Sigma(S->c, t1), t1f = (float)t1, w = (float)(1.0 - t0);

  PetscFunctionBegin;
  PetscCall(Evaluate(S, x, t0, 1.0 - t0, &v));
  for (int s = 0; s < S->n; s++) {
    float *xs = x + s * S->per;
    const float *vs = v + s * S->per;
    FFRngNormalFill(&S->rngs[s], S->eps, S->per, 1.0f);
    for (size_t i = 0; i < S->per; i++) xs[i] = a * S->eps[i] + t1f * (xs[i] + w * vs[i]);
  }
  S->have_prev = 0;
  PetscFunctionReturn(0);
}

/* DPM-Solver++(2M) (Lu et al. 2022) on the path alpha = t, sigma = 1 - (1 - s) t, with the
 * clean-sample prediction D = sigma v + (1 - s) x (from v = dalpha x1 + dsigma x0). First order
 * (DDIM, which for this path is the Euler step) at the first step, from sigma = 1, and the last,
 * to alpha / sigma = infinity; second order between, from the previous step's D. */
static PetscErrorCode MultistepStep(Sampler *S, float x[], double t0, double t1, int last)
{
  const FFFlowSamplerConfig *c = S->c;
  const double s0 = Sigma(c, t0), s1 = Sigma(c, t1), a0 = Alpha(t0), a1 = Alpha(t1);
  const size_t len = (size_t)S->n * S->per;
  const float *v;

  PetscFunctionBegin;
  PetscCall(Evaluate(S, x, t0, t1 - t0, &v));
  for (size_t i = 0; i < len; i++) S->d[i] = (float)(s0 * v[i] + (1.0 - c->sigma_min) * x[i]);
  const double step = (a0 > 0 && s1 > 0) ? log(a1 / s1) - log(a0 / s0) : NAN;
  if (!S->have_prev || last || !(step > 0)) {
    /* x1 = (s1/s0)(x - a0 D) + a1 D */
    const float k = (float)(s1 / s0), m = (float)(a1 - s1 * a0 / s0);
    for (size_t i = 0; i < len; i++) x[i] = k * x[i] + m * S->d[i];
  } else {
    const double r = S->lambda_prev_step / step, e = expm1(-step);
    const float k = (float)(s1 / s0), m = (float)(-a1 * e), p = (float)(1.0 + 0.5 / r), q = (float)(0.5 / r);
    for (size_t i = 0; i < len; i++) x[i] = k * x[i] + m * (p * S->d[i] - q * S->d_prev[i]);
  }
  float *swap = S->d_prev;
  S->d_prev = S->d;
  S->d = swap;
  S->have_prev = isfinite(step) && step > 0;
  S->lambda_prev_step = step;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowSample(const FFFlowVelocity *vel, FFTape *tape, const FFFlowSamplerConfig *c, uint64_t seed,
                            long first, int n, float x[])
{
  const size_t per = (size_t)vel->rows * vel->cols, len = (size_t)n * per;
  const int grad = FFTapeGradEnabled(tape);
  Sampler S = {.vel = vel, .tape = tape, .c = c, .n = n, .per = per};
  double *grid;

  PetscFunctionBegin;
  PetscCheck(c->steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "sampler: %d steps (at least 1)", c->steps);
  PetscCheck(c->t_star >= 0 && c->t_star <= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "sampler: t_star %g outside [0, 1]", c->t_star);
  PetscCall(PetscMalloc1(c->steps + 1, &grid));
  PetscCall(FFFlowSamplerGrid(c, grid));
  PetscCall(PetscMalloc6(n, &S.rngs, n, &S.t, n, &S.h, per, &S.eps, len, &S.d, len, &S.d_prev));
  for (int s = 0; s < n; s++) {
    FFRngSeed(&S.rngs[s], seed, (uint64_t)(first + s));
    FFRngNormalFill(&S.rngs[s], x + s * per, per, 1.0f);
  }
  FFTapeSetGradEnabled(tape, 0);
  for (int k = 0; k < c->steps; k++) {
    const double t0 = grid[k], t1 = grid[k + 1];
    if (t0 < c->t_star)
      PetscCall(StochasticStep(&S, x, t0, t1));
    else if (vel->average || c->integrator == FF_FLOW_EULER) {
      const float *v, dt = (float)(t1 - t0);
      PetscCall(Evaluate(&S, x, t0, t1 - t0, &v));
      for (size_t i = 0; i < len; i++) x[i] += dt * v[i];
    } else
      PetscCall(MultistepStep(&S, x, t0, t1, k == c->steps - 1));
  }
  FFTapeReset(tape);
  FFTapeSetGradEnabled(tape, grad);
  PetscCall(PetscFree6(S.rngs, S.t, S.h, S.eps, S.d, S.d_prev));
  PetscCall(PetscFree(grid));
  PetscFunctionReturn(0);
}
