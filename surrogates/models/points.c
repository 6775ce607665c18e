/* The neural field at arbitrary points of many cases in one call (designs of a sweep, each with
 * its own conditions), and its derivatives with respect to the point's position and wall
 * distance: values through the fused inference, derivatives through the tape's backward with
 * one seed per output column. */
#include "models_private.h"

#include <math.h>
#include <string.h>

/* Rows per forward of the derivative path: its tape keeps every layer's activations. */
#define FF_POINTS_GRAD_ROWS 8192

static PetscErrorCode CheckCases(FFSurrogate s, int n_cases, const int offsets[])
{
  PetscFunctionBegin;
  PetscCheck(s->config.type == FF_SURROGATE_FIELD, s->comm, PETSC_ERR_ARG_WRONG,
             "only a neural field evaluates at arbitrary points (this model is a %s)",
             FFSurrogateTypeName(s->config.type));
  PetscCheck(s->normalizers_ready, s->comm, PETSC_ERR_ORDER, "the model's normalizers are not fitted");
  PetscCheck(n_cases >= 1 && offsets[0] == 0, s->comm, PETSC_ERR_ARG_WRONG, "%d cases, first offset %d", n_cases,
             offsets[0]);
  for (int k = 0; k < n_cases; k++)
    PetscCheck(offsets[k + 1] >= offsets[k], s->comm, PETSC_ERR_ARG_WRONG, "case %d has offsets %d .. %d", k,
               offsets[k], offsets[k + 1]);
  PetscFunctionReturn(0);
}

/* Normalized rows of the points rows [r0, r1), their case (relative to the first case of the
 * range, case0) and the normalized conditions of the cases [case0, case1). */
static PetscErrorCode Inputs(FFSurrogate s, int case0, int case1, const double cond[], const int offsets[], int r0,
                             int r1, const double *xy, const double *sdf, const double *inputs, float *x, float *cx,
                             int *sample)
{
  const int nc = FFSurrogateNodeColumns(s), ncond = s->schema.n_cond > 0 ? s->schema.n_cond : 1;

  PetscFunctionBegin;
  for (int k = case0; k < case1; k++) {
    for (int c = 0; c < s->schema.n_cond; c++)
      PetscCheck(isfinite(cond[(size_t)k * s->schema.n_cond + c]), s->comm, PETSC_ERR_FP,
                 "case %d: condition %s is not finite", k, s->schema.cond[c].name);
    FFSurrogateConditionsNormalized(s, &cond[(size_t)k * s->schema.n_cond], &cx[(size_t)(k - case0) * ncond]);
  }
  int k = case0;
  for (int r = r0; r < r1; r++) {
    while (r >= offsets[k + 1]) k++;
    PetscCheck(isfinite(xy[2 * r]) && isfinite(xy[2 * r + 1]) && isfinite(sdf[r]), s->comm, PETSC_ERR_FP,
               "point %d has a non-finite position or wall distance", r);
    FFSurrogateNodeRow(s, &xy[2 * r], sdf[r], inputs ? &inputs[(size_t)r * s->n_in] : NULL, NULL, 0,
                       &x[(size_t)(r - r0) * nc]);
    sample[r - r0] = k - case0;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Values(FFSurrogate s, int n_cases, const double cond[], const int offsets[], const double *xy,
                             const double *sdf, const double *inputs, double *values)
{
  const int rows = offsets[n_cases], nc = FFSurrogateNodeColumns(s),
            ncond = s->schema.n_cond > 0 ? s->schema.n_cond : 1;
  float *x, *cx, *y;
  int *sample;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)rows * nc + 1, &x, (size_t)n_cases * ncond, &cx, (size_t)rows * s->n_out + 1, &y,
                         rows + 1, &sample));
  PetscErrorCode ierr = Inputs(s, 0, n_cases, cond, offsets, 0, rows, xy, sdf, inputs, x, cx, sample);
  if (!ierr && rows > 0) {
    FFTapeReset(s->infer_tape);
    if (FFModulatedMLPInfer(&s->fourier, &s->field, s->infer_tape, rows, x, n_cases, cx, sample, y))
      ierr = PETSC_ERR_LIB;
    FFTapeReset(s->infer_tape);
  }
  if (!ierr)
    for (size_t k = 0; k < (size_t)rows * s->n_out; k++)
      values[k] = FFDenormalize(&s->out_norm, (int)(k % s->n_out), y[k]);
  PetscCall(PetscFree4(x, cx, y, sample));
  PetscCheck(ierr != PETSC_ERR_LIB, s->comm, PETSC_ERR_LIB, "%s", FFErrorMessage());
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Values and derivatives of the rows [r0, r1) (all in cases [case0, case1)) on a recording tape. */
static PetscErrorCode GradientChunk(FFSurrogate s, FFTape *tape, FFIndexMap *map, float *pgrad, float *seed, int case0,
                                    int case1, const double cond[], const int offsets[], int r0, int r1,
                                    const double *xy, const double *sdf, const double *inputs, double *values,
                                    double *grad)
{
  const int rows = r1 - r0, nc = FFSurrogateNodeColumns(s), ncond = s->schema.n_cond > 0 ? s->schema.n_cond : 1;
  const int nout = s->n_out;
  FFTensor *x, *cx, *feat, *y;
  int *sample;

  PetscFunctionBegin;
  FFTapeReset(tape);
  PetscCallFF(FFTapeNew(tape, rows, nc, 1, &x));
  PetscCallFF(FFTapeNew(tape, case1 - case0, ncond, 0, &cx));
  PetscCall(PetscMalloc1(rows, &sample));
  PetscErrorCode ierr = Inputs(s, case0, case1, cond, offsets, r0, r1, xy, sdf, inputs, x->data, cx->data, sample);
  if (!ierr && FFIndexMapSet(map, case1 - case0, rows, sample)) ierr = PETSC_ERR_LIB;
  PetscCall(PetscFree(sample));
  PetscCheck(ierr != PETSC_ERR_LIB, s->comm, PETSC_ERR_LIB, "%s", FFErrorMessage());
  PetscCall(ierr);
  PetscCallFF(FFFourierFeaturesForward(&s->fourier, tape, x, &feat));
  PetscCallFF(FFModulatedMLPForward(&s->field, tape, feat, cx, map, &y));
  for (size_t k = 0; k < (size_t)rows * nout; k++)
    values[(size_t)r0 * nout + k] = FFDenormalize(&s->out_norm, (int)(k % nout), y->data[k]);
  const float *seeds[1] = {seed};
  for (int c = 0; c < nout; c++) { /* row r's outputs depend on row r's inputs only */
    for (size_t k = 0; k < (size_t)rows * nout; k++) seed[k] = (int)(k % nout) == c ? 1.0f : 0.0f;
    PetscCallFF(FFTapeBackwardFrom(tape, 1, &y, seeds, pgrad));
    for (int r = r0; r < r1; r++) {
      double d[3];
      FFSurrogateNodeInputDerivative(s, &xy[2 * r], sdf[r], d);
      for (int j = 0; j < 3; j++)
        grad[((size_t)r * nout + c) * 3 + j] = (double)x->grad[(size_t)(r - r0) * nc + j] * d[j] * s->out_norm.std[c];
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ValuesAndGradients(FFSurrogate s, int n_cases, const double cond[], const int offsets[],
                                         const double *xy, const double *sdf, const double *inputs, double *values,
                                         double *grad)
{
  FFTape *tape = NULL;
  FFIndexMap *map = NULL;
  float *pgrad = NULL, *seed = NULL;

  PetscFunctionBegin;
  PetscCallFF(FFTapeCreate(s->params, &tape));
  PetscErrorCode ierr = FFIndexMapCreate(&map) || FFParamsGradCreate(s->params, &pgrad) ? PETSC_ERR_MEM : 0;
  if (!ierr) ierr = PetscMalloc1((size_t)FF_POINTS_GRAD_ROWS * s->n_out, &seed);
  /* chunks of whole cases where they fit, so a chunk's cases are a contiguous range */
  for (int k0 = 0; !ierr && k0 < n_cases;) {
    int k1 = k0 + 1;
    while (k1 < n_cases && offsets[k1 + 1] - offsets[k0] <= FF_POINTS_GRAD_ROWS) k1++;
    for (int r0 = offsets[k0]; !ierr && r0 < offsets[k1]; r0 += FF_POINTS_GRAD_ROWS) {
      const int r1 = PetscMin(r0 + FF_POINTS_GRAD_ROWS, offsets[k1]);
      ierr = GradientChunk(s, tape, map, pgrad, seed, k0, k1, cond, offsets, r0, r1, xy, sdf, inputs, values, grad);
    }
    k0 = k1;
  }
  PetscCall(PetscFree(seed));
  FFFree(&pgrad);
  FFIndexMapDestroy(&map);
  FFTapeDestroy(&tape);
  PetscCheck(ierr != PETSC_ERR_MEM, s->comm, PETSC_ERR_MEM, "%s", FFErrorMessage());
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFieldEvaluateCases(FFSurrogate s, int n_cases, const double cond[], const int offsets[],
                                             const double *xy, const double *sdf, const double *inputs, double *values,
                                             double *grad)
{
  PetscFunctionBegin;
  PetscCall(CheckCases(s, n_cases, offsets));
  if (grad)
    PetscCall(ValuesAndGradients(s, n_cases, cond, offsets, xy, sdf, inputs, values, grad));
  else
    PetscCall(Values(s, n_cases, cond, offsets, xy, sdf, inputs, values));
  for (size_t k = 0; k < (size_t)offsets[n_cases] * s->n_out; k++)
    PetscCheck(isfinite(values[k]), s->comm, PETSC_ERR_FP, "the field is not finite at point %zu",
               k / (size_t)s->n_out);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFieldEvaluate(FFSurrogate s, const double cond[], int n, const double *xy, const double *sdf,
                                        const double *inputs, double *values)
{
  const int offsets[2] = {0, n};

  PetscFunctionBegin;
  PetscCall(FFSurrogateFieldEvaluateCases(s, 1, cond, offsets, xy, sdf, inputs, values, NULL));
  PetscFunctionReturn(0);
}
