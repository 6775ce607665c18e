/* The definition of a dataset (dataset.h5): what is solved (case, options), the plan
 * (method, n, seed, parameter ranges, the values) and the split schemes. Written once by
 * the sweep; a rerun must define the same samples, or it is another dataset. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DATASET_FORMAT "fieldflow-dataset"

FFErrorCode FFDatasetSpecCheck(const FFDatasetSpec *spec)
{
  FF_ASSERT(spec->case_name[0], FF_ERR_ARG, "the dataset needs a case name");
  FF_ASSERT(memchr(spec->case_name, '\0', sizeof spec->case_name), FF_ERR_ARG, "case name not terminated");
  FF_ASSERT(spec->n > 0, FF_ERR_ARG, "number of samples must be > 0, got %ld", spec->n);
  FF_ASSERT(spec->n <= 0x7fffffffL, FF_ERR_ARG, "number of samples %ld is too large", spec->n);
  FF_ASSERT(spec->method == FF_SAMPLING_LHS || spec->method == FF_SAMPLING_SOBOL, FF_ERR_ARG,
            "unknown sampling method %d", (int)spec->method);
  FF_ASSERT(spec->n_params >= 0 && (spec->n_params == 0 || spec->params), FF_ERR_ARG, "parameter ranges missing");
  for (int j = 0; j < spec->n_params; j++) {
    FF_CHECK(FFParamRangeCheck(&spec->params[j]));
    for (int k = 0; k < j; k++)
      FF_ASSERT(strcmp(spec->params[j].name, spec->params[k].name), FF_ERR_ARG, "parameter %s is declared twice",
                spec->params[j].name);
  }
  FF_ASSERT(spec->n_splits >= 0 && spec->n_splits < FF_DATASET_MAX_SPLITS && (spec->n_splits == 0 || spec->splits),
            FF_ERR_ARG, "at most %d split schemes", FF_DATASET_MAX_SPLITS - 1);
  for (int s = 0; s < spec->n_splits; s++)
    for (int k = 0; k < s; k++)
      FF_ASSERT(strcmp(spec->splits[s].name, spec->splits[k].name), FF_ERR_ARG, "split scheme '%s' is declared twice",
                spec->splits[s].name);
  return FF_SUCCESS;
}

void FFDatasetSpecFree(FFDatasetSpec *spec)
{
  FFFree(&spec->options);
  FFFree(&spec->params);
  FFFree(&spec->splits);
  memset(spec, 0, sizeof *spec);
}

FFErrorCode FFDatasetSpecCopy(const FFDatasetSpec *src, FFDatasetSpec *dst)
{
  int has_random = 0;
  *dst = *src;
  dst->options = NULL;
  dst->params = NULL;
  dst->splits = NULL;
  for (int s = 0; s < src->n_splits; s++) has_random |= !strcmp(src->splits[s].name, "random");
  dst->n_splits = src->n_splits + !has_random;
  FFErrorCode rc = FFStrdup(src->options ? src->options : "", &dst->options);
  if (!rc) rc = FFCalloc(src->n_params ? src->n_params : 1, sizeof *dst->params, &dst->params);
  if (!rc) rc = FFCalloc(dst->n_splits, sizeof *dst->splits, &dst->splits);
  if (rc) {
    FFDatasetSpecFree(dst);
    return rc;
  }
  if (src->n_params) memcpy(dst->params, src->params, sizeof *dst->params * src->n_params);
  if (!has_random) FFSplitSpecRandom(0.1, 0.1, src->seed, &dst->splits[0]);
  if (src->n_splits) memcpy(dst->splits + !has_random, src->splits, sizeof *dst->splits * src->n_splits);
  return FF_SUCCESS;
}

/* ---------- identity ---------- */

static void Fnv1a(uint64_t *h, const char *text)
{
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) *h = (*h ^ *p) * 0x100000001b3ULL;
}

void FFDatasetSpecFingerprint(const FFDatasetSpec *spec, char out[17])
{
  uint64_t h = 0xcbf29ce484222325ULL;
  char line[512];
  snprintf(line, sizeof line, "case=%s\nmethod=%s\nn=%ld\nseed=%llu\n", spec->case_name,
           FFSamplingMethodName(spec->method), spec->n, (unsigned long long)spec->seed);
  Fnv1a(&h, line);
  for (int j = 0; j < spec->n_params; j++) {
    const FFParamRange *p = &spec->params[j];
    snprintf(line, sizeof line, "param=%s,%s,%.17g,%.17g\n", p->name, FFParamScaleName(p->scale), p->lo, p->hi);
    Fnv1a(&h, line);
  }
  Fnv1a(&h, "options=");
  Fnv1a(&h, spec->options ? spec->options : "");
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void RangeText(const FFParamRange *p, char *buf, size_t len)
{
  if (p->scale == FF_PARAM_SEED)
    snprintf(buf, len, "%s (seed)", p->name);
  else
    snprintf(buf, len, "%s in [%g, %g]%s", p->name, p->lo, p->hi, p->scale == FF_PARAM_LOG ? " (log)" : "");
}

/* The first line where two texts differ, for a message. */
static void FirstDifference(const char *a, const char *b, char *buf, size_t len)
{
  int line = 1;
  const char *la = a, *lb = b;
  while (*a && *a == *b) {
    if (*a == '\n') line++, la = a + 1, lb = b + 1;
    a++, b++;
  }
  int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
  snprintf(buf, len, "options differ at line %d: '%.*s' there, '%.*s' here", line, na > 80 ? 80 : na, la,
           nb > 80 ? 80 : nb, lb);
}

int FFDatasetSpecDiffer(const FFDatasetSpec *there, const FFDatasetSpec *here, char *diff, size_t len)
{
  if (strcmp(there->case_name, here->case_name))
    return snprintf(diff, len, "case '%s' there, '%s' here", there->case_name, here->case_name), 1;
  if (there->method != here->method)
    return snprintf(diff, len, "sampling %s there, %s here", FFSamplingMethodName(there->method),
                    FFSamplingMethodName(here->method)),
           1;
  if (there->n != here->n) return snprintf(diff, len, "n %ld there, %ld here", there->n, here->n), 1;
  if (there->seed != here->seed)
    return snprintf(diff, len, "seed %llu there, %llu here", (unsigned long long)there->seed,
                    (unsigned long long)here->seed),
           1;
  if (there->n_params != here->n_params)
    return snprintf(diff, len, "%d parameters there, %d here", there->n_params, here->n_params), 1;
  for (int j = 0; j < here->n_params; j++) {
    const FFParamRange *a = &there->params[j], *b = &here->params[j];
    if (strcmp(a->name, b->name) || a->scale != b->scale || a->lo != b->lo || a->hi != b->hi) {
      char ta[160], tb[160];
      RangeText(a, ta, sizeof ta);
      RangeText(b, tb, sizeof tb);
      return snprintf(diff, len, "parameter %d: %s there, %s here", j + 1, ta, tb), 1;
    }
  }
  const char *oa = there->options ? there->options : "", *ob = here->options ? here->options : "";
  if (strcmp(oa, ob)) return FirstDifference(oa, ob, diff, len), 1;
  return 0;
}

/* ---------- dataset.h5 ---------- */

static FFErrorCode WritePlan(hid_t file, const FFDatasetSpec *spec, const double *plan)
{
  hid_t g;
  int np = spec->n_params;
  const char **names, **units, **scales;
  double *lo, *hi;
  FF_CHECK(FFH5CreateGroup(file, "plan", FF_H5_LINK_ORDER, &g));
  FF_CHECK(FFCalloc(np + 1, sizeof *names, &names));
  FF_CHECK(FFCalloc(np + 1, sizeof *units, &units));
  FF_CHECK(FFCalloc(np + 1, sizeof *scales, &scales));
  FF_CHECK(FFCalloc(np + 1, sizeof *lo, &lo));
  FF_CHECK(FFCalloc(np + 1, sizeof *hi, &hi));
  for (int j = 0; j < np; j++) {
    names[j] = spec->params[j].name;
    units[j] = spec->params[j].units;
    scales[j] = FFParamScaleName(spec->params[j].scale);
    lo[j] = spec->params[j].scale == FF_PARAM_SEED ? NAN : spec->params[j].lo;
    hi[j] = spec->params[j].scale == FF_PARAM_SEED ? NAN : spec->params[j].hi;
  }
  hsize_t d1[1] = {(hsize_t)np}, d2[2] = {(hsize_t)spec->n, (hsize_t)np};
  FFErrorCode rc = FFH5WriteStrings(g, "names", np, names);
  if (!rc) rc = FFH5WriteStrings(g, "units", np, units);
  if (!rc) rc = FFH5WriteStrings(g, "scale", np, scales);
  if (!rc) rc = FFH5WriteArray(g, "lo", H5T_NATIVE_DOUBLE, 1, d1, lo, NULL, "lower bounds (NaN for seeds)", NULL);
  if (!rc) rc = FFH5WriteArray(g, "hi", H5T_NATIVE_DOUBLE, 1, d1, hi, NULL, "upper bounds (NaN for seeds)", NULL);
  if (!rc)
    rc = FFH5WriteArray(g, "values", H5T_NATIVE_DOUBLE, 2, d2, plan, NULL,
                        "values[i, j]: parameter names[j] of sample i", NULL);
  free(names);
  free(units);
  free(scales);
  free(lo);
  free(hi);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode WriteSplits(hid_t file, const FFDatasetSpec *spec, unsigned char *const *parts)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, "splits", FF_H5_LINK_ORDER, &g));
  FF_CHECK(FFH5AttrString(g, "legend", "0 train, 1 val, 2 test; one entry per planned sample"));
  for (int s = 0; s < spec->n_splits; s++) {
    const FFSplitSpec *sp = &spec->splits[s];
    hid_t d;
    hsize_t dims[1] = {(hsize_t)spec->n};
    FF_CHECK(FFH5WriteArray(g, sp->name, H5T_NATIVE_UINT8, 1, dims, parts[s], NULL, NULL, &d));
    FFErrorCode rc = FFH5AttrString(d, "kind", sp->kind == FF_SPLIT_RANDOM ? "random" : "holdout");
    if (!rc) rc = FFH5AttrDouble(d, "val_fraction", sp->val_fraction);
    if (!rc) rc = FFH5AttrDouble(d, "test_fraction", sp->test_fraction);
    if (!rc) rc = FFH5AttrUInt(d, "seed", sp->seed);
    if (!rc) rc = FFH5AttrString(d, "param", sp->param);
    if (!rc) rc = FFH5AttrDouble(d, "lo", sp->lo);
    if (!rc) rc = FFH5AttrDouble(d, "hi", sp->hi);
    if (!rc) rc = FFH5AttrInt(d, "outside", sp->outside);
    FFH5Close(&d);
    FF_CHECK(rc);
  }
  FFH5Close(&g);
  return FF_SUCCESS;
}

typedef struct {
  const FFDatasetSpec *spec;
  const double *plan;
  unsigned char *const *parts;
  const char *fingerprint;
} DefinitionCtx;

static FFErrorCode WriteDefinition(hid_t file, void *ctx)
{
  const DefinitionCtx *c = ctx;
  const FFDatasetSpec *spec = c->spec;
  const double *plan = c->plan;
  unsigned char *const *parts = c->parts;
  const char *fingerprint = c->fingerprint;
  FF_CHECK(FFDatasetStampWrite(file, DATASET_FORMAT));
  FF_CHECK(FFH5AttrString(file, "case", spec->case_name));
  FF_CHECK(FFH5AttrString(file, "method", FFSamplingMethodName(spec->method)));
  FF_CHECK(FFH5AttrInt(file, "n", spec->n));
  FF_CHECK(FFH5AttrUInt(file, "seed", spec->seed));
  FF_CHECK(FFH5AttrString(file, "fingerprint", fingerprint));
  FF_CHECK(FFH5WriteText(file, "options", spec->options ? spec->options : ""));
  FF_CHECK(WritePlan(file, spec, plan));
  FF_CHECK(WriteSplits(file, spec, parts));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetDefinitionWrite(const char *path, const FFDatasetSpec *spec, const double *plan,
                                     unsigned char *const *parts, const char *fingerprint)
{
  const FFH5Seal seal = {"dataset", -1, NULL};
  DefinitionCtx ctx = {spec, plan, parts, fingerprint};
  FF_CHECK(FFH5WriteFile(path, FF_H5_DATASET_FILE, &seal, WriteDefinition, &ctx));
  return FF_SUCCESS;
}

static FFErrorCode ReadPlan(hid_t file, FFDatasetSpec *spec, double **plan)
{
  hid_t g;
  char **names = NULL, **units = NULL, **scales = NULL;
  double *lo = NULL, *hi = NULL;
  int nn = 0, nu = 0, ns = 0;
  hsize_t d1[1], d2[2];
  FF_CHECK(FFH5OpenGroup(file, "plan", &g));
  FFErrorCode rc = FFH5ReadStrings(g, "names", &nn, &names);
  if (!rc) rc = FFH5ReadStrings(g, "units", &nu, &units);
  if (!rc) rc = FFH5ReadStrings(g, "scale", &ns, &scales);
  if (!rc) rc = FFH5ReadArray(g, "lo", H5T_NATIVE_DOUBLE, 1, d1, (void **)&lo);
  if (!rc) rc = FFH5ReadArray(g, "hi", H5T_NATIVE_DOUBLE, 1, d1, (void **)&hi);
  if (!rc) rc = FFH5ReadArray(g, "values", H5T_NATIVE_DOUBLE, 2, d2, (void **)plan);
  if (!rc && (nu != nn || ns != nn || (int)d1[0] != nn || (long)d2[0] != spec->n || (int)d2[1] != nn))
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "plan arrays of inconsistent sizes");
  if (!rc) rc = FFCalloc(nn ? nn : 1, sizeof *spec->params, &spec->params);
  for (int j = 0; !rc && j < nn; j++) {
    FFParamRange *p = &spec->params[j];
    rc = FFCopyName(p->name, sizeof p->name, names[j], "parameter name");
    if (!rc) rc = FFCopyName(p->units, sizeof p->units, units[j], "parameter units");
    if (!rc) rc = FFParamScaleFromName(scales[j], &p->scale);
    p->lo = p->scale == FF_PARAM_SEED ? 0 : lo[j];
    p->hi = p->scale == FF_PARAM_SEED ? 0 : hi[j];
  }
  spec->n_params = nn;
  FFStringsFree(&names, nn);
  FFStringsFree(&units, nu);
  FFStringsFree(&scales, ns);
  free(lo);
  free(hi);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode ReadSplit(hid_t g, const char *name, long n, FFSplitSpec *sp, unsigned char **part)
{
  char kind[32];
  int64_t outside;
  hsize_t dims[1];
  hid_t d;
  FF_CHECK(FFCopyName(sp->name, sizeof sp->name, name, "split name"));
  FF_CHECK(FFH5ReadArray(g, name, H5T_NATIVE_UINT8, 1, dims, (void **)part));
  FF_ASSERT((long)dims[0] == n, FF_ERR_FORMAT, "split '%s' has %lld entries for %ld samples", name, (long long)dims[0],
            n);
  d = H5Dopen2(g, name, H5P_DEFAULT);
  FFErrorCode rc = FFH5GetAttrString(d, "kind", kind, sizeof kind);
  if (!rc) rc = FFH5GetAttrDouble(d, "val_fraction", &sp->val_fraction);
  if (!rc) rc = FFH5GetAttrDouble(d, "test_fraction", &sp->test_fraction);
  if (!rc) rc = FFH5GetAttrUInt(d, "seed", &sp->seed);
  if (!rc) rc = FFH5GetAttrString(d, "param", sp->param, sizeof sp->param);
  if (!rc) rc = FFH5GetAttrDouble(d, "lo", &sp->lo);
  if (!rc) rc = FFH5GetAttrDouble(d, "hi", &sp->hi);
  if (!rc) rc = FFH5GetAttrInt(d, "outside", &outside);
  FFH5Close(&d);
  FF_CHECK(rc);
  sp->kind = !strcmp(kind, "random") ? FF_SPLIT_RANDOM : FF_SPLIT_HOLDOUT;
  sp->outside = (int)outside;
  return FF_SUCCESS;
}

static FFErrorCode ReadSplits(hid_t file, FFDatasetSpec *spec, unsigned char ***parts)
{
  hid_t g;
  char **names = NULL;
  int n;
  FF_CHECK(FFH5OpenGroup(file, "splits", &g));
  FF_CHECK(FFH5List(g, &n, &names));
  FFErrorCode rc = n < 1 || n >= FF_DATASET_MAX_SPLITS
                       ? FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "%d split schemes", n)
                       : FF_SUCCESS;
  if (!rc) rc = FFCalloc(n, sizeof *spec->splits, &spec->splits);
  if (!rc) rc = FFCalloc(n, sizeof **parts, parts);
  for (int s = 0; !rc && s < n; s++) {
    rc = ReadSplit(g, names[s], spec->n, &spec->splits[s], &(*parts)[s]);
    spec->n_splits = s + 1;
  }
  FFStringsFree(&names, n);
  FFH5Close(&g);
  return rc;
}

typedef struct {
  FFDatasetSpec *spec;
  double **plan;
  unsigned char ***parts;
} ReadDefinitionCtx;

static FFErrorCode ReadDefinition(hid_t file, void *ctx)
{
  FFDatasetSpec *spec = ((ReadDefinitionCtx *)ctx)->spec;
  double **plan = ((ReadDefinitionCtx *)ctx)->plan;
  unsigned char ***parts = ((ReadDefinitionCtx *)ctx)->parts;
  char method[16];
  int64_t n;
  FF_CHECK(FFDatasetStampCheck(file, DATASET_FORMAT, "dataset definition"));
  FF_CHECK(FFH5GetAttrString(file, "case", spec->case_name, sizeof spec->case_name));
  FF_CHECK(FFH5GetAttrString(file, "method", method, sizeof method));
  FF_CHECK(FFSamplingMethodFromName(method, &spec->method));
  FF_CHECK(FFH5GetAttrInt(file, "n", &n));
  spec->n = (long)n;
  FF_ASSERT(spec->n > 0, FF_ERR_FORMAT, "dataset of %ld samples", spec->n);
  FF_CHECK(FFH5GetAttrUInt(file, "seed", &spec->seed));
  FF_CHECK(FFH5ReadText(file, "options", &spec->options));
  FF_CHECK(ReadPlan(file, spec, plan));
  FF_CHECK(ReadSplits(file, spec, parts));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetDefinitionRead(const char *path, FFDatasetSpec *spec, double **plan, unsigned char ***parts)
{
  FFFileHeader h;
  memset(spec, 0, sizeof *spec);
  *plan = NULL;
  *parts = NULL;
  FF_CHECK(FFFileVerify(path, FF_VERIFY_FULL, &h));
  FF_ASSERT(!strcmp(h.kind, "dataset"), FF_ERR_FORMAT, "'%s' is a fieldflow %s file, not a dataset definition", path,
            h.kind);
  ReadDefinitionCtx ctx = {spec, plan, parts};
  FFErrorCode rc = FFH5ReadFile(path, ReadDefinition, &ctx);
  if (rc) {
    char why[2048];
    snprintf(why, sizeof why, "%s", FFErrorMessage());
    for (int s = 0; *parts && s < spec->n_splits; s++) free((*parts)[s]);
    FFFree(parts);
    FFFree(plan);
    FFDatasetSpecFree(spec);
    return FFErrorSet(rc, __FILE__, __LINE__, __func__, "cannot read dataset definition '%s': %s", path, why);
  }
  return FF_SUCCESS;
}
