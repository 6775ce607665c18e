/* Gaussian random fields by the randomized spectral method (random Fourier features):
 *   g(x) = mean + sqrt(variance / M) sum_i (a_i cos(w_i . x) + b_i sin(w_i . x)),
 * a_i, b_i ~ N(0, 1), w_i drawn from the kernel's spectral density. Given the w_i the field
 * is exactly Gaussian; its covariance is variance / M sum_i cos(w_i . (x - y)), an
 * unbiased Monte Carlo estimate of the kernel (error ~ 1/sqrt(M)). The field is a function
 * of the coordinates and the seed only, so it is the same on any mesh and any number of
 * ranks, and can be evaluated at P2 nodes as well as at vertices. */
#include "ff_petsc.h"
#include "ff_solver.h"

PetscErrorCode FFGrfSetUp(FFGrf *grf)
{
  FFRng rng;

  PetscFunctionBegin;
  PetscCheck(grf->length > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "-grf_length must be > 0 (correlation length), got %.6g", (double)grf->length);
  PetscCheck(grf->variance >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-grf_variance must be >= 0, got %.6g",
             (double)grf->variance);
  PetscCheck(grf->modes > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-grf_modes must be > 0, got %d",
             (int)grf->modes);
  PetscCall(PetscFree2(grf->omega, grf->coef));
  PetscCall(PetscMalloc2(2 * grf->modes, &grf->omega, 2 * grf->modes, &grf->coef));
  FFRngSeed(&rng, (uint64_t)grf->seed, 0);
  for (PetscInt i = 0; i < grf->modes; i++) {
    /* Gaussian kernel exp(-r^2 / (2 l^2)): w ~ N(0, I / l^2). Exponential kernel exp(-r / l):
     * the bivariate Cauchy law, w = z / (l |s|) with z ~ N(0, I), s ~ N(0, 1). */
    PetscReal scale = 1.0 / grf->length;
    if (grf->kernel == FF_GRF_EXPONENTIAL) {
      PetscReal s = 0;
      while (s == 0) s = PetscAbsReal(FFRngNormal(&rng));
      scale /= s;
    }
    grf->omega[2 * i] = scale * FFRngNormal(&rng);
    grf->omega[2 * i + 1] = scale * FFRngNormal(&rng);
  }
  for (PetscInt i = 0; i < 2 * grf->modes; i++) grf->coef[i] = FFRngNormal(&rng);
  PetscFunctionReturn(0);
}

PetscReal FFGrfEvaluate(const FFGrf *grf, const PetscReal x[2])
{
  PetscReal s = 0;
  for (PetscInt i = 0; i < grf->modes; i++) {
    const PetscReal phase = grf->omega[2 * i] * x[0] + grf->omega[2 * i + 1] * x[1];
    s += grf->coef[2 * i] * PetscCosReal(phase) + grf->coef[2 * i + 1] * PetscSinReal(phase);
  }
  return grf->mean + PetscSqrtReal(grf->variance / grf->modes) * s;
}

PetscErrorCode FFGrfDestroy(FFGrf *grf)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(grf->omega, grf->coef));
  PetscFunctionReturn(0);
}
