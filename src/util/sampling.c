/* Designs of experiments: Latin hypercube and Sobol' points, parameter ranges, sweep plans. */
#include "ff_util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------- Latin hypercube ---------- */

FFErrorCode FFLatinHypercube(long n, int dim, uint64_t seed, double *u)
{
  FF_ASSERT(n > 0, FF_ERR_ARG, "Latin hypercube needs n > 0 points, got %ld", n);
  FF_ASSERT(n <= 0x7fffffffL, FF_ERR_ARG, "Latin hypercube of %ld points is too large", n);
  FF_ASSERT(dim >= 0, FF_ERR_ARG, "Latin hypercube dimension must be >= 0, got %d", dim);
  int *perm;
  FF_CHECK(FFMalloc((size_t)n * sizeof *perm, &perm));
  FFRng rng;
  for (int d = 0; d < dim; d++) {
    /* One stream per coordinate: adding a coordinate does not change the others. */
    FFRngSeed(&rng, seed, 0x4c4853 + (uint64_t)d);
    for (long i = 0; i < n; i++) perm[i] = (int)i;
    FFRngShuffle(&rng, perm, (size_t)n);
    for (long i = 0; i < n; i++) u[i * dim + d] = (perm[i] + FFRngUniform(&rng)) / (double)n;
  }
  FFFree(&perm);
  return FF_SUCCESS;
}

/* ---------- Sobol' ---------- */

/* Joe & Kuo, new-joe-kuo-6.21201, rows d = 2..21: degree s of the primitive polynomial,
 * its inner coefficients a (bit string), and the initial direction integers m_1..m_s. */
typedef struct {
  int s, a;
  unsigned m[7];
} SobolPoly;

static const SobolPoly sobol_poly[FF_SOBOL_MAX_DIM - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
};

/* Direction integers v[k] (k = 0..31, bit k of the Gray-code index) of coordinate d. */
static void SobolDirections(int d, uint32_t v[32])
{
  if (d == 0) {
    for (int k = 0; k < 32; k++) v[k] = 1u << (31 - k);
    return;
  }
  const SobolPoly *p = &sobol_poly[d - 1];
  for (int k = 0; k < p->s; k++) v[k] = p->m[k] << (31 - k);
  for (int k = p->s; k < 32; k++) {
    v[k] = v[k - p->s] ^ (v[k - p->s] >> p->s);
    for (int l = 1; l < p->s; l++)
      if ((p->a >> (p->s - 1 - l)) & 1) v[k] ^= v[k - l];
  }
}

FFErrorCode FFSobolPoints(long first, long n, int dim, int shift, uint64_t seed, double *u)
{
  FF_ASSERT(n > 0, FF_ERR_ARG, "Sobol' sequence needs n > 0 points, got %ld", n);
  FF_ASSERT(first >= 0 && first + n <= (1L << 32), FF_ERR_ARG,
            "Sobol' indices %ld..%ld out of the 32-bit range of the sequence", first, first + n - 1);
  FF_ASSERT(dim >= 0 && dim <= FF_SOBOL_MAX_DIM, FF_ERR_ARG,
            "Sobol' sequence has direction numbers for at most %d dimensions, %d requested (use Latin hypercube)",
            FF_SOBOL_MAX_DIM, dim);
  FFRng rng;
  FFRngSeed(&rng, seed, 0x534f424f4c);
  for (int d = 0; d < dim; d++) {
    uint32_t v[32];
    SobolDirections(d, v);
    uint32_t mask = shift ? (uint32_t)(FFRngNext(&rng) >> 32) : 0;
    /* Point `first` directly from its Gray code, the next ones by one XOR each. */
    uint64_t g = (uint64_t)first ^ ((uint64_t)first >> 1);
    uint32_t x = 0;
    for (int k = 0; k < 32; k++)
      if ((g >> k) & 1) x ^= v[k];
    for (long i = 0; i < n; i++) {
      u[i * dim + d] = (double)(x ^ mask) * 0x1.0p-32;
      uint64_t idx = (uint64_t)(first + i);
      int c = 0; /* the rightmost zero bit of idx flips between Gray codes idx and idx+1 */
      while ((idx >> c) & 1) c++;
      if (c < 32) x ^= v[c];
    }
  }
  return FF_SUCCESS;
}

/* ---------- names ---------- */

const char *FFSamplingMethodName(FFSamplingMethod method) { return method == FF_SAMPLING_SOBOL ? "sobol" : "lhs"; }

FFErrorCode FFSamplingMethodFromName(const char *name, FFSamplingMethod *method)
{
  if (!strcmp(name, "lhs") || !strcmp(name, "latin"))
    *method = FF_SAMPLING_LHS;
  else if (!strcmp(name, "sobol"))
    *method = FF_SAMPLING_SOBOL;
  else
    FF_ERROR(FF_ERR_ARG, "unknown sampling method '%s' (lhs or sobol)", name);
  return FF_SUCCESS;
}

const char *FFParamScaleName(FFParamScale scale)
{
  return scale == FF_PARAM_LOG ? "log" : scale == FF_PARAM_SEED ? "seed" : "linear";
}

FFErrorCode FFParamScaleFromName(const char *name, FFParamScale *scale)
{
  if (!strcmp(name, "linear"))
    *scale = FF_PARAM_LINEAR;
  else if (!strcmp(name, "log"))
    *scale = FF_PARAM_LOG;
  else if (!strcmp(name, "seed"))
    *scale = FF_PARAM_SEED;
  else
    FF_ERROR(FF_ERR_ARG, "unknown parameter scale '%s' (linear, log or seed)", name);
  return FF_SUCCESS;
}

/* ---------- ranges ---------- */

FFErrorCode FFParamRangeCheck(const FFParamRange *r)
{
  FF_ASSERT(r->name[0], FF_ERR_ARG, "parameter with an empty name");
  for (const char *c = r->name; *c; c++)
    FF_ASSERT(*c != '/' && *c != ':' && *c != ' ', FF_ERR_ARG, "parameter name '%s' contains '%c'", r->name, *c);
  if (r->scale == FF_PARAM_SEED) return FF_SUCCESS;
  FF_ASSERT(isfinite(r->lo) && isfinite(r->hi), FF_ERR_ARG, "parameter %s: range [%g, %g] is not finite", r->name,
            r->lo, r->hi);
  FF_ASSERT(r->lo != r->hi, FF_ERR_ARG, "parameter %s: range [%g, %g] is empty (lo == hi; fix it in the case instead)",
            r->name, r->lo, r->hi);
  FF_ASSERT(r->lo < r->hi, FF_ERR_ARG, "parameter %s: range [%g, %g] is reversed (lo > hi)", r->name, r->lo, r->hi);
  FF_ASSERT(r->scale != FF_PARAM_LOG || r->lo > 0, FF_ERR_ARG, "parameter %s: a log range needs lo > 0, got [%g, %g]",
            r->name, r->lo, r->hi);
  return FF_SUCCESS;
}

static FFErrorCode ParseNumber(const char *text, const char *what, const char *whole, double *x)
{
  char *end;
  errno = 0;
  *x = strtod(text, &end);
  FF_ASSERT(end != text && *end == '\0' && errno == 0, FF_ERR_ARG,
            "parameter range '%s': %s '%s' is not a number (expected name:lo:hi[:log] or name:seed)", whole, what,
            text);
  return FF_SUCCESS;
}

FFErrorCode FFParamRangeParse(const char *text, FFParamRange *r)
{
  char buf[256], *part[5] = {0};
  int np = 0;
  memset(r, 0, sizeof *r);
  FF_ASSERT(strlen(text) < sizeof buf, FF_ERR_ARG, "parameter range '%s' is too long", text);
  strcpy(buf, text);
  for (char *s = buf, *c; np < 5; s = c + 1) {
    part[np++] = s;
    if (!(c = strchr(s, ':'))) break;
    *c = '\0';
  }
  char *name = part[0], *bracket = strchr(name, '[');
  if (bracket) {
    char *close = strchr(bracket, ']');
    FF_ASSERT(close && close[1] == '\0', FF_ERR_ARG, "parameter range '%s': units must be 'name[units]'", text);
    *close = '\0';
    *bracket = '\0';
    FF_ASSERT(strlen(bracket + 1) < sizeof r->units, FF_ERR_ARG, "parameter range '%s': units too long", text);
    strcpy(r->units, bracket + 1);
  }
  FF_ASSERT(strlen(name) < sizeof r->name, FF_ERR_ARG, "parameter range '%s': name too long", text);
  strcpy(r->name, name);
  if (np == 2 && !strcmp(part[1], "seed")) {
    r->scale = FF_PARAM_SEED;
  } else {
    FF_ASSERT(np == 3 || np == 4, FF_ERR_ARG,
              "parameter range '%s' is not of the form name:lo:hi, name:lo:hi:log or name:seed", text);
    FF_CHECK(ParseNumber(part[1], "lo", text, &r->lo));
    FF_CHECK(ParseNumber(part[2], "hi", text, &r->hi));
    r->scale = FF_PARAM_LINEAR;
    if (np == 4) {
      FF_ASSERT(!strcmp(part[3], "log"), FF_ERR_ARG, "parameter range '%s': unknown scale '%s' (only log)", text,
                part[3]);
      r->scale = FF_PARAM_LOG;
    }
  }
  FF_CHECK(FFParamRangeCheck(r));
  return FF_SUCCESS;
}

/* ---------- plans ---------- */

static uint64_t Mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double SeedValue(uint64_t seed, long i, int j)
{
  uint64_t h = Mix64(seed ^ Mix64(0x9e3779b97f4a7c15ULL * ((uint64_t)i + 1) + (uint64_t)j));
  return (double)(h >> 33);
}

FFErrorCode FFSamplingPlan(FFSamplingMethod method, long n, uint64_t seed, int n_params, const FFParamRange *params,
                           double *values)
{
  FF_ASSERT(n > 0, FF_ERR_ARG, "number of samples must be > 0, got %ld", n);
  FF_ASSERT(n_params >= 0, FF_ERR_ARG, "negative number of parameters");
  int dim = 0;
  for (int j = 0; j < n_params; j++) {
    FF_CHECK(FFParamRangeCheck(&params[j]));
    for (int k = 0; k < j; k++)
      FF_ASSERT(strcmp(params[j].name, params[k].name), FF_ERR_ARG, "parameter %s is declared twice", params[j].name);
    if (params[j].scale != FF_PARAM_SEED) dim++;
  }
  double *u = NULL;
  if (dim > 0) {
    FF_CHECK(FFMalloc((size_t)n * dim * sizeof *u, &u));
    FFErrorCode rc =
        method == FF_SAMPLING_SOBOL ? FFSobolPoints(0, n, dim, 1, seed, u) : FFLatinHypercube(n, dim, seed, u);
    if (rc) {
      FFFree(&u);
      return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
    }
  }
  for (long i = 0; i < n; i++) {
    int d = 0;
    for (int j = 0; j < n_params; j++) {
      const FFParamRange *p = &params[j];
      double *v = &values[i * n_params + j];
      if (p->scale == FF_PARAM_SEED) {
        *v = SeedValue(seed, i, j);
        continue;
      }
      double t = u[i * dim + d++];
      *v = p->scale == FF_PARAM_LOG ? exp(log(p->lo) + t * (log(p->hi) - log(p->lo))) : p->lo + t * (p->hi - p->lo);
      if (*v > p->hi) *v = p->hi; /* rounding of exp/log must not leave the declared range */
      if (*v < p->lo) *v = p->lo;
    }
  }
  FFFree(&u);
  return FF_SUCCESS;
}
