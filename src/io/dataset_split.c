/* Split schemes: train/val/test fixed by a seed, and extrapolation holdouts of a parameter
 * range (AirfRANS-style). A pure function of the plan, so every process and every rerun
 * agrees on them without storing anything. */
#include "io_private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *FFSplitPartName(FFSplitPart part)
{
  return part == FF_SPLIT_TEST ? "test" : part == FF_SPLIT_VAL ? "val" : "train";
}

void FFSplitSpecRandom(double val_fraction, double test_fraction, uint64_t seed, FFSplitSpec *spec)
{
  memset(spec, 0, sizeof *spec);
  strcpy(spec->name, "random");
  spec->kind = FF_SPLIT_RANDOM;
  spec->val_fraction = val_fraction;
  spec->test_fraction = test_fraction;
  spec->seed = seed;
}

static FFErrorCode ParseBound(const char *text, double open, const char *whole, double *x)
{
  if (!*text) {
    *x = open;
    return FF_SUCCESS;
  }
  char *end;
  errno = 0;
  *x = strtod(text, &end);
  FF_ASSERT(end != text && *end == '\0' && errno == 0 && isfinite(*x), FF_ERR_ARG,
            "split '%s': bound '%s' is not a number (expected [name=]param:lo:hi[:outside])", whole, text);
  return FF_SUCCESS;
}

FFErrorCode FFSplitSpecParse(const char *text, FFSplitSpec *spec)
{
  char buf[256], *part[5] = {0};
  int np = 0;
  memset(spec, 0, sizeof *spec);
  spec->kind = FF_SPLIT_HOLDOUT;
  spec->val_fraction = 0.1;
  FF_ASSERT(strlen(text) < sizeof buf, FF_ERR_ARG, "split '%s' is too long", text);
  strcpy(buf, text);
  char *body = buf, *eq = strchr(buf, '=');
  if (eq) {
    *eq = '\0';
    FF_CHECK(FFCopyName(spec->name, sizeof spec->name, buf, "split name"));
    body = eq + 1;
  }
  for (char *s = body, *c; np < 5; s = c + 1) {
    part[np++] = s;
    if (!(c = strchr(s, ':'))) break;
    *c = '\0';
  }
  FF_ASSERT(np == 3 || np == 4, FF_ERR_ARG, "split '%s' is not of the form [name=]param:lo:hi[:outside]", text);
  FF_ASSERT(part[0][0], FF_ERR_ARG, "split '%s' names no parameter", text);
  FF_CHECK(FFCopyName(spec->param, sizeof spec->param, part[0], "split parameter"));
  FF_CHECK(ParseBound(part[1], -INFINITY, text, &spec->lo));
  FF_CHECK(ParseBound(part[2], INFINITY, text, &spec->hi));
  if (np == 4) {
    FF_ASSERT(!strcmp(part[3], "outside"), FF_ERR_ARG, "split '%s': unknown flag '%s' (only outside)", text, part[3]);
    spec->outside = 1;
  }
  FF_ASSERT(isfinite(spec->lo) || isfinite(spec->hi), FF_ERR_ARG, "split '%s' holds out every value of %s", text,
            spec->param);
  FF_ASSERT(spec->lo <= spec->hi, FF_ERR_ARG, "split '%s': range [%g, %g] is reversed", text, spec->lo, spec->hi);
  if (!spec->name[0]) snprintf(spec->name, sizeof spec->name, "holdout_%.54s", spec->param);
  FF_ASSERT(!strchr(spec->name, '/') && !strchr(spec->name, ':'), FF_ERR_ARG, "split name '%s' contains '/' or ':'",
            spec->name);
  return FF_SUCCESS;
}

/* Marks the first round(fraction * m) of a seeded permutation of idx[0..m) with `mark`. */
static FFErrorCode MarkRandom(int *idx, long m, long count, uint64_t seed, unsigned char mark, unsigned char *part)
{
  FFRng rng;
  FFRngSeed(&rng, seed, 0x53504c4954);
  FFRngShuffle(&rng, idx, (size_t)m);
  for (long k = 0; k < count; k++) part[idx[k]] = mark;
  return FF_SUCCESS;
}

static FFErrorCode AssignRandom(const FFSplitSpec *s, long n, unsigned char *part, int *idx)
{
  long n_test = lround(s->test_fraction * n), n_val = lround(s->val_fraction * n);
  FF_ASSERT(n - n_test - n_val >= 1, FF_ERR_ARG, "split '%s': val %g + test %g of %ld samples leave no training sample",
            s->name, s->val_fraction, s->test_fraction, n);
  for (long i = 0; i < n; i++) idx[i] = (int)i, part[i] = FF_SPLIT_TRAIN;
  FF_CHECK(MarkRandom(idx, n, n_test, s->seed, FF_SPLIT_TEST, part));
  for (long k = n_test; k < n_test + n_val; k++) part[idx[k]] = FF_SPLIT_VAL;
  return FF_SUCCESS;
}

static FFErrorCode AssignHoldout(const FFSplitSpec *s, long n, int n_params, const FFParamRange *params,
                                 const double *values, unsigned char *part, int *idx)
{
  int j = -1;
  for (int k = 0; k < n_params; k++)
    if (!strcmp(params[k].name, s->param)) j = k;
  if (j < 0) {
    char names[512] = "";
    for (int k = 0; k < n_params; k++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "", params[k].name);
    FF_ERROR(FF_ERR_ARG, "split '%s' holds out parameter '%s', which the plan does not vary (it has: %s)", s->name,
             s->param, names);
  }
  long m = 0;
  double vmin = INFINITY, vmax = -INFINITY;
  for (long i = 0; i < n; i++) {
    double v = values[i * n_params + j];
    vmin = fmin(vmin, v);
    vmax = fmax(vmax, v);
    int inside = v >= s->lo && v <= s->hi;
    part[i] = (inside != s->outside) ? FF_SPLIT_TEST : FF_SPLIT_TRAIN;
    if (part[i] == FF_SPLIT_TRAIN) idx[m++] = (int)i;
  }
  FF_ASSERT(m < n && m > 0, FF_ERR_ARG,
            "split '%s': %s %s [%g, %g] holds out %s of the %ld planned samples (%s spans [%g, %g])", s->name, s->param,
            s->outside ? "outside" : "in", s->lo, s->hi, m == n ? "none" : "all", n, s->param, vmin, vmax);
  FF_CHECK(MarkRandom(idx, m, lround(s->val_fraction * m), s->seed, FF_SPLIT_VAL, part));
  return FF_SUCCESS;
}

FFErrorCode FFSplitAssign(const FFSplitSpec *s, long n, int n_params, const FFParamRange *params, const double *values,
                          unsigned char *part)
{
  FF_ASSERT(n > 0 && n <= 0x7fffffffL, FF_ERR_ARG, "split '%s': %ld samples", s->name, n);
  FF_ASSERT(s->name[0] && !strchr(s->name, '/'), FF_ERR_ARG, "split scheme with an invalid name '%s'", s->name);
  FF_ASSERT(s->val_fraction >= 0 && s->val_fraction < 1 && s->test_fraction >= 0 && s->test_fraction < 1, FF_ERR_ARG,
            "split '%s': fractions val %g, test %g must lie in [0, 1)", s->name, s->val_fraction, s->test_fraction);
  int *idx;
  FF_CHECK(FFMalloc(sizeof *idx * (size_t)n, &idx));
  FFErrorCode rc = s->kind == FF_SPLIT_RANDOM ? AssignRandom(s, n, part, idx)
                                              : AssignHoldout(s, n, n_params, params, values, part, idx);
  FFFree(&idx);
  return rc;
}
