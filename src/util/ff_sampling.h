/* fieldflow sampling: seeded designs of experiments over declared parameter ranges
 * (Latin hypercube, Sobol'). Plain C, no PETSc: the dataset sweep builds its plan here,
 * and the plan is a deterministic function of (ranges, n, seed, method). */
#ifndef FF_SAMPLING_H
#define FF_SAMPLING_H

#include "ff_util.h"

#define FF_PARAM_NAME_MAX  64
#define FF_PARAM_UNITS_MAX 32

/* ---------- unit-cube designs; point i, coordinate d at u[i * dim + d] ---------- */

/* Latin hypercube: n points in [0, 1)^dim. In every coordinate each stratum
 * [k/n, (k+1)/n), k = 0..n-1, holds exactly one point, placed uniformly inside it;
 * the strata are matched across coordinates by independent seeded permutations. */
FFErrorCode FFLatinHypercube(long n, int dim, uint64_t seed, double *u);

/* Sobol' points with indices first .. first+n-1 in Gray-code order (index 0 is the
 * origin), dim <= FF_SOBOL_MAX_DIM, 32-bit resolution. Direction numbers: Joe & Kuo
 * (2008), file new-joe-kuo-6.21201, coordinate 0 being the van der Corput sequence.
 * shift = 0: the plain sequence (as torch.quasirandom.SobolEngine(scramble=False)).
 * shift != 0: a random digital shift, i.e. every coordinate XOR-ed with a 32-bit word
 * drawn from seed; it keeps the (t, m, s)-net structure (each 2^m block of points stays
 * equally spread over the elementary boxes) and moves the origin off the corner. It is
 * not Owen scrambling. Balance is best when n is a power of two. */
#define FF_SOBOL_MAX_DIM 21
FFErrorCode FFSobolPoints(long first, long n, int dim, int shift, uint64_t seed, double *u);

/* ---------- parameter ranges and sweep plans ---------- */

typedef enum {
  FF_PARAM_LINEAR, /* uniform in [lo, hi] */
  FF_PARAM_LOG,    /* log-uniform in [lo, hi], 0 < lo */
  FF_PARAM_SEED    /* an integer in [0, 2^31) per sample, a seed for a random input
                      (e.g. a permeability field); lo, hi unused; takes no design dimension */
} FFParamScale;

typedef struct {
  char name[FF_PARAM_NAME_MAX];   /* the case option it sets, e.g. "aoa" for -aoa */
  char units[FF_PARAM_UNITS_MAX]; /* "deg", "1", ...; may be empty */
  double lo, hi;
  FFParamScale scale;
} FFParamRange;

typedef enum { FF_SAMPLING_LHS, FF_SAMPLING_SOBOL } FFSamplingMethod;

const char *FFSamplingMethodName(FFSamplingMethod method); /* "lhs", "sobol" */
FFErrorCode FFSamplingMethodFromName(const char *name, FFSamplingMethod *method);
const char *FFParamScaleName(FFParamScale scale); /* "linear", "log", "seed" */
FFErrorCode FFParamScaleFromName(const char *name, FFParamScale *scale);

/* Parses "name:lo:hi", "name:lo:hi:log" or "name:seed"; units may follow the name in
 * brackets: "aoa[deg]:-2:8", "re:100:1000:log". The range is checked (FFParamRangeCheck). */
FFErrorCode FFParamRangeParse(const char *text, FFParamRange *range);
/* A clear error for an empty name, a non-finite, empty (lo == hi) or reversed (lo > hi)
 * range, or lo <= 0 on a log scale. */
FFErrorCode FFParamRangeCheck(const FFParamRange *range);

/* The sweep plan: values[i * n_params + j] is sample i's parameter j. Linear and log
 * parameters take coordinates of one design (LHS or Sobol, digitally shifted by seed)
 * in the order they are declared; seed parameters are hashed from (seed, i, j). Errors
 * for n <= 0, a bad range, duplicate names. Deterministic in all its arguments. */
FFErrorCode FFSamplingPlan(FFSamplingMethod method, long n, uint64_t seed, int n_params, const FFParamRange *params,
                           double *values);

#endif
