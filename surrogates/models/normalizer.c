/* Per-column mean and standard deviation of network inputs and outputs, accumulated over
 * the training data (Welford's update in double, so one pass over any number of samples
 * is exact to rounding), then frozen and stored in the model file. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <string.h>

PetscErrorCode FFNormalizerCreate(int n, FFNormalizer *nz)
{
  PetscFunctionBegin;
  memset(nz, 0, sizeof *nz);
  nz->n = n;
  PetscCall(PetscCalloc4(n + 1, &nz->mean_d, n + 1, &nz->m2, n + 1, &nz->mean, n + 1, &nz->std));
  for (int j = 0; j < n; j++) nz->std[j] = 1.0f;
  PetscFunctionReturn(0);
}

PetscErrorCode FFNormalizerDestroy(FFNormalizer *nz)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(nz->mean_d, nz->m2, nz->mean, nz->std));
  memset(nz, 0, sizeof *nz);
  PetscFunctionReturn(0);
}

PetscErrorCode FFNormalizerAccumulate(FFNormalizer *nz, long rows, const double *x, int stride)
{
  PetscFunctionBegin;
  for (long r = 0; r < rows; r++) {
    const double *row = x + (size_t)r * stride;
    nz->count++;
    for (int j = 0; j < nz->n; j++) {
      const double d = row[j] - nz->mean_d[j];
      nz->mean_d[j] += d / (double)nz->count;
      nz->m2[j] += d * (row[j] - nz->mean_d[j]);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFNormalizerFinish(FFNormalizer *nz, double floor)
{
  PetscFunctionBegin;
  for (int j = 0; j < nz->n; j++) {
    const double var = nz->count > 1 ? nz->m2[j] / (double)nz->count : 0.0;
    const double sd = sqrt(var);
    nz->mean[j] = nz->count ? (float)nz->mean_d[j] : 0.0f;
    nz->std[j] = sd > floor ? (float)sd : 1.0f;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFNormalizerSave(const FFNormalizer *nz, const char *prefix, FFNamedArrays *na)
{
  char name[96];

  PetscFunctionBegin;
  if (!nz->n) PetscFunctionReturn(0);
  snprintf(name, sizeof name, "%s_mean", prefix);
  PetscCallFF(FFNamedArraysSet(na, name, (size_t)nz->n, nz->mean));
  snprintf(name, sizeof name, "%s_std", prefix);
  PetscCallFF(FFNamedArraysSet(na, name, (size_t)nz->n, nz->std));
  PetscFunctionReturn(0);
}

PetscErrorCode FFNormalizerLoad(FFNormalizer *nz, const char *prefix, const FFNamedArrays *na)
{
  char name[96];
  size_t n;
  const float *v;

  PetscFunctionBegin;
  if (!nz->n) PetscFunctionReturn(0);
  snprintf(name, sizeof name, "%s_mean", prefix);
  PetscCallFF(FFNamedArraysGet(na, name, &n, &v));
  PetscCheck((int)n == nz->n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "normalizer '%s' has %zu columns, the model %d", prefix, n, nz->n);
  PetscCall(PetscArraycpy(nz->mean, v, n));
  snprintf(name, sizeof name, "%s_std", prefix);
  PetscCallFF(FFNamedArraysGet(na, name, &n, &v));
  PetscCheck((int)n == nz->n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "normalizer '%s' has %zu columns, the model %d", prefix, n, nz->n);
  for (size_t j = 0; j < n; j++)
    PetscCheck(isfinite(v[j]) && v[j] > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "normalizer '%s': std of column %zu is %g", prefix, j, (double)v[j]);
  PetscCall(PetscArraycpy(nz->std, v, n));
  PetscFunctionReturn(0);
}
