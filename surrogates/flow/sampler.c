/* The Euler sampler of flow matching and its stochastic variant (docs/references.md §1). */
#include "ff_flow.h"
#include "ff_petsc.h"

void FFFlowSamplerConfigDefault(FFFlowSamplerConfig *c)
{
  *c = (FFFlowSamplerConfig){.steps = 20, .t_star = 0.2, .sigma_min = 0.0};
}

/* One step from t0 to t1 of every sample: Euler, or (t0 < t_star) the jump to x1_hat and
 * re-noising with fresh noise from each sample's stream. */
static void Advance(const FFFlowSamplerConfig *c, FFRng *rngs, int n, size_t per, float t0, float t1, const float v[],
                    float x[], float eps[])
{
  if (t0 < c->t_star) {
    const float a = (float)(1.0 - (1.0 - c->sigma_min) * t1);
    for (int s = 0; s < n; s++) {
      float *xs = x + s * per;
      const float *vs = v + s * per;
      FFRngNormalFill(&rngs[s], eps, per, 1.0f);
      for (size_t i = 0; i < per; i++) xs[i] = a * eps[i] + t1 * (xs[i] + (1.0f - t0) * vs[i]);
    }
  } else {
    const float dt = t1 - t0;
    for (size_t i = 0; i < (size_t)n * per; i++) x[i] += dt * v[i];
  }
}

PetscErrorCode FFFlowSample(const FFFlowVelocity *vel, FFTape *tape, const FFFlowSamplerConfig *c, uint64_t seed,
                            long first, int n, float x[])
{
  const size_t per = (size_t)vel->rows * vel->cols;
  const int grad = FFTapeGradEnabled(tape);
  FFRng *rngs;
  float *t, *eps;

  PetscFunctionBegin;
  PetscCheck(c->steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "sampler: %d steps (at least 1)", c->steps);
  PetscCheck(c->t_star >= 0 && c->t_star <= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "sampler: t_star %g outside [0, 1]", c->t_star);
  PetscCall(PetscMalloc3(n, &rngs, n, &t, per, &eps));
  for (int s = 0; s < n; s++) {
    FFRngSeed(&rngs[s], seed, (uint64_t)(first + s));
    FFRngNormalFill(&rngs[s], x + s * per, per, 1.0f);
  }
  FFTapeSetGradEnabled(tape, 0);
  for (int k = 0; k < c->steps; k++) {
    const float t0 = (float)k / c->steps, t1 = (float)(k + 1) / c->steps;
    FFTensor *xt, *v;
    for (int s = 0; s < n; s++) t[s] = t0;
    FFTapeReset(tape);
    PetscCallFF(FFTapeLeaf(tape, n * vel->rows, vel->cols, x, 0, &xt));
    PetscCall(vel->fn(vel->ctx, tape, n, t, xt, &v));
    Advance(c, rngs, n, per, t0, t1, v->data, x, eps);
  }
  FFTapeReset(tape);
  FFTapeSetGradEnabled(tape, grad);
  PetscCall(PetscFree3(rngs, t, eps));
  PetscFunctionReturn(0);
}
