/* The dataset object: create (or resume) a sweep's directory, open it for reading, write
 * and read samples by index, splits. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *FFDatasetDir(FFDataset ds) { return ds->dir; }
const FFDatasetSpec *FFDatasetGetSpec(FFDataset ds) { return &ds->spec; }
const double *FFDatasetPlan(FFDataset ds) { return ds->plan; }
const char *FFDatasetFingerprint(FFDataset ds) { return ds->fingerprint; }

FFErrorCode FFDatasetSamplePath(FFDataset ds, long index, char *path, size_t len)
{
  FF_ASSERT(index >= 0 && index < ds->spec.n, FF_ERR_ARG, "sample index %ld outside the plan 0..%ld of '%s'", index,
            ds->spec.n - 1, ds->dir);
  int width = 6;
  for (long m = ds->spec.n - 1; m >= 1000000; m /= 10) width++;
  int k = snprintf(path, len, "%s/%s/sample_%0*ld.h5", ds->dir, FF_SAMPLES_DIR, width, index);
  FF_ASSERT(k > 0 && (size_t)k < len, FF_ERR_ARG, "path of sample %ld in '%s' is too long", index, ds->dir);
  return FF_SUCCESS;
}

static void FreeParts(FFDataset ds)
{
  for (int s = 0; ds->parts && s < ds->spec.n_splits; s++) free(ds->parts[s]);
  FFFree(&ds->parts);
}

void FFDatasetDestroy(FFDataset *ds)
{
  if (!*ds) return;
  FFDatasetUnlock(&(*ds)->lock_fd);
  FreeParts(*ds);
  FFFree(&(*ds)->plan);
  FFFree(&(*ds)->plan_scalars);
  FFDatasetScanDestroy(&(*ds)->scan);
  FFDatasetSpecFree(&(*ds)->spec);
  FFFree(ds);
}

/* ---------- open ---------- */

static FFErrorCode OpenInto(const char *dir, FFDataset ds)
{
  char path[4200];
  FF_CHECK(FFCopyName(ds->dir, sizeof ds->dir, dir, "dataset directory"));
  size_t len = strlen(ds->dir);
  while (len > 1 && ds->dir[len - 1] == '/') ds->dir[--len] = '\0';
  FF_ASSERT(FFIsDirectory(ds->dir), FF_ERR_IO, "dataset directory '%s' does not exist", ds->dir);
  snprintf(path, sizeof path, "%s/%s", ds->dir, FF_DATASET_FILE);
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "'%s' holds no fieldflow dataset (no %s)", ds->dir, FF_DATASET_FILE);
  FF_CHECK(FFDatasetDefinitionRead(path, &ds->spec, &ds->plan, &ds->parts));
  FFDatasetSpecFingerprint(&ds->spec, ds->fingerprint);
  long n = ds->spec.n;
  int np = ds->spec.n_params;
  FF_CHECK(FFCalloc((size_t)n * np + 1, sizeof *ds->plan_scalars, &ds->plan_scalars));
  for (long i = 0; i < n; i++)
    for (int j = 0; j < np; j++) {
      FFScalar *p = &ds->plan_scalars[i * np + j];
      strcpy(p->name, ds->spec.params[j].name);
      strcpy(p->units, ds->spec.params[j].units);
      p->value = ds->plan[i * np + j];
    }
  FF_CHECK(FFDatasetScanFiles(ds, FF_VERIFY_QUICK, &ds->scan));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetOpen(const char *dir, FFDataset *ds)
{
  FF_CHECK(FFCalloc(1, sizeof **ds, ds));
  (*ds)->lock_fd = -1;
  FFErrorCode rc = OpenInto(dir, *ds);
  if (rc) {
    FFDatasetDestroy(ds);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  return FF_SUCCESS;
}

FFErrorCode FFDatasetRefresh(FFDataset ds)
{
  FFDatasetScan scan;
  FF_CHECK(FFDatasetScanFiles(ds, FF_VERIFY_QUICK, &scan));
  FFDatasetScanDestroy(&ds->scan);
  ds->scan = scan;
  return FF_SUCCESS;
}

/* ---------- create or resume ---------- */

/* A directory without dataset.h5 may hold only our temporary files and an empty samples/. */
static FFErrorCode CheckFreshDirectory(const char *dir)
{
  DIR *d = opendir(dir);
  FF_ASSERT(d, FF_ERR_IO, "cannot list '%s': %s", dir, strerror(errno));
  char other[256] = "";
  for (struct dirent *e; !other[0] && (e = readdir(d));) {
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || strstr(e->d_name, ".tmp.") ||
        !strcmp(e->d_name, FF_LOCK_FILE))
      continue;
    if (!strcmp(e->d_name, FF_SAMPLES_DIR) && FFIsDirectory(sub)) {
      DIR *s = opendir(sub);
      int empty = 1;
      for (struct dirent *f; s && (f = readdir(s));)
        if (strcmp(f->d_name, ".") && strcmp(f->d_name, "..")) empty = 0;
      if (s) closedir(s);
      if (empty) continue;
    }
    snprintf(other, sizeof other, "%s", e->d_name);
  }
  closedir(d);
  FF_ASSERT(!other[0], FF_ERR_ARG,
            "output directory '%s' is not empty ('%s') and holds no fieldflow dataset (no %s): choose another "
            "directory",
            dir, other, FF_DATASET_FILE);
  return FF_SUCCESS;
}

static int SameSplits(const FFDatasetSpec *a, const FFDatasetSpec *b)
{
  if (a->n_splits != b->n_splits) return 0;
  for (int s = 0; s < a->n_splits; s++) {
    const FFSplitSpec *x = &a->splits[s], *y = &b->splits[s];
    if (strcmp(x->name, y->name) || x->kind != y->kind || x->val_fraction != y->val_fraction ||
        x->test_fraction != y->test_fraction || x->seed != y->seed || x->lo != y->lo || x->hi != y->hi ||
        x->outside != y->outside || strcmp(x->param, y->param))
      return 0;
  }
  return 1;
}

/* dataset.h5 is there: it must define the same samples; splits may change. */
static FFErrorCode CheckResume(const char *dir, const char *path, const FFDatasetSpec *spec, const double *plan,
                               int *rewrite)
{
  FFDatasetSpec there;
  double *there_plan;
  unsigned char **there_parts;
  char diff[512];
  FFErrorCode rc = FFDatasetDefinitionRead(path, &there, &there_plan, &there_parts);
  if (rc == FF_ERR_FORMAT) {
    char why[512];
    snprintf(why, sizeof why, "%.*s", (int)strcspn(FFErrorMessage(), "\n"), FFErrorMessage());
    FF_ERROR(FF_ERR_FORMAT, "output directory '%s' holds a damaged dataset definition (%s); remove it to start over",
             dir, why);
  }
  FF_CHECK(rc);
  int differ = FFDatasetSpecDiffer(&there, spec, diff, sizeof diff);
  int same_plan = !differ && !memcmp(there_plan, plan, sizeof *plan * (size_t)spec->n * spec->n_params);
  *rewrite = !SameSplits(&there, spec);
  for (int s = 0; s < there.n_splits; s++) free(there_parts[s]);
  free(there_parts);
  free(there_plan);
  FFDatasetSpecFree(&there);
  FF_ASSERT(!differ, FF_ERR_ARG,
            "output directory '%s' holds another dataset (%s): use another output directory, or the arguments that "
            "made it",
            dir, diff);
  FF_ASSERT(same_plan, FF_ERR_STATE,
            "'%s': the stored plan differs from the one this fieldflow computes from the same definition (sampler "
            "changed?); regenerate into a new directory",
            dir);
  return FF_SUCCESS;
}

static FFErrorCode ComputeDefinition(const FFDatasetSpec *spec, double **plan, unsigned char ***parts)
{
  long n = spec->n;
  FF_CHECK(FFMalloc(sizeof **plan * ((size_t)n * spec->n_params + 1), plan));
  FF_CHECK(FFSamplingPlan(spec->method, n, spec->seed, spec->n_params, spec->params, *plan));
  FF_CHECK(FFCalloc(spec->n_splits, sizeof **parts, parts));
  for (int s = 0; s < spec->n_splits; s++) {
    FF_CHECK(FFMalloc((size_t)n, &(*parts)[s]));
    FF_CHECK(FFSplitAssign(&spec->splits[s], n, spec->n_params, spec->params, *plan, (*parts)[s]));
  }
  return FF_SUCCESS;
}

/* Under the writer's lock (*lock_fd), taken before anything in dir is read or written. */
static FFErrorCode CreateIn(const char *dir, const FFDatasetSpec *spec, double **plan, unsigned char ***parts,
                            int *lock_fd)
{
  char path[4200], sub[4200];
  char fingerprint[17];
  int write = 1;
  FF_CHECK(ComputeDefinition(spec, plan, parts));
  FFDatasetSpecFingerprint(spec, fingerprint);
  snprintf(path, sizeof path, "%s/%s", dir, FF_DATASET_FILE);
  if (!FFIsDirectory(dir)) FF_CHECK(FFMakeDirs(dir));
  FF_CHECK(FFDatasetLock(dir, lock_fd));
  if (FFFileExists(path))
    FF_CHECK(CheckResume(dir, path, spec, *plan, &write));
  else
    FF_CHECK(CheckFreshDirectory(dir));
  if (write && FFFileExists(path)) FFWarn("split schemes of '%s' changed: rewriting its %s", dir, FF_DATASET_FILE);
  if (write) FF_CHECK(FFDatasetDefinitionWrite(path, spec, *plan, *parts, fingerprint));
  snprintf(sub, sizeof sub, "%s/%s", dir, FF_SAMPLES_DIR);
  FF_CHECK(FFMakeDirs(sub));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetCreate(const char *dir, const FFDatasetSpec *spec, FFDataset *ds)
{
  FFDatasetSpec full;
  double *plan = NULL;
  unsigned char **parts = NULL;
  *ds = NULL;
  FF_ASSERT(dir && dir[0], FF_ERR_ARG, "empty output directory");
  FF_CHECK(FFDatasetSpecCheck(spec));
  FF_CHECK(FFDatasetSpecCopy(spec, &full));
  int lock_fd = -1;
  FFErrorCode rc = FFDatasetSpecCheck(&full);
  if (!rc) rc = CreateIn(dir, &full, &plan, &parts, &lock_fd);
  for (int s = 0; parts && s < full.n_splits; s++) free(parts[s]);
  free(parts);
  free(plan);
  FFDatasetSpecFree(&full);
  if (!rc) rc = FFDatasetOpen(dir, ds);
  if (rc) {
    FFDatasetUnlock(&lock_fd);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  (*ds)->lock_fd = lock_fd; /* the writer's: held until FFDatasetDestroy */
  return FF_SUCCESS;
}

/* ---------- the sweep side ---------- */

FFErrorCode FFDatasetPending(FFDataset ds, long **indices, long *n)
{
  FFDatasetScan scan;
  *indices = NULL;
  *n = 0;
  FF_CHECK(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
  FFErrorCode rc = FFMalloc(sizeof **indices * ((size_t)scan.n + 1), indices);
  for (long i = 0; !rc && i < scan.n; i++)
    if (scan.state[i] == FF_STATE_MISSING || scan.state[i] == FF_STATE_CORRUPT) (*indices)[(*n)++] = i;
  FFDatasetScanDestroy(&scan);
  return rc;
}

FFErrorCode FFDatasetSampleInit(FFDataset ds, long index, FFSample *s)
{
  memset(s, 0, sizeof *s);
  FF_ASSERT(index >= 0 && index < ds->spec.n, FF_ERR_ARG, "sample index %ld outside the plan 0..%ld", index,
            ds->spec.n - 1);
  s->index = index;
  s->status = FF_SAMPLE_OK;
  strcpy(s->case_name, ds->spec.case_name);
  s->options = ds->spec.options;
  s->n_params = ds->spec.n_params;
  s->params = &ds->plan_scalars[index * ds->spec.n_params];
  return FF_SUCCESS;
}

FFErrorCode FFDatasetWriteSample(FFDataset ds, const FFSample *s)
{
  char path[4200];
  FF_CHECK(FFDatasetSamplePath(ds, s->index, path, sizeof path));
  FF_ASSERT(!strcmp(s->case_name, ds->spec.case_name), FF_ERR_ARG, "sample %ld of case '%s' in a dataset of case '%s'",
            s->index, s->case_name, ds->spec.case_name);
  for (int j = 0; j < ds->spec.n_params; j++) {
    const FFScalar *want = &ds->plan_scalars[s->index * ds->spec.n_params + j];
    const FFScalar *got = FFScalarFind(s->params, s->n_params, want->name);
    FF_ASSERT(got, FF_ERR_ARG, "sample %ld lacks planned parameter %s", s->index, want->name);
    FF_ASSERT(got->value == want->value, FF_ERR_ARG, "sample %ld: parameter %s = %.17g, the plan says %.17g", s->index,
              want->name, got->value, want->value);
  }
  FF_CHECK(FFSampleWrite(path, s));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetWriteFailure(FFDataset ds, long index, const char *reason, const FFSolverStats *stats)
{
  FFSample s;
  FF_CHECK(FFDatasetSampleInit(ds, index, &s));
  s.status = FF_SAMPLE_FAILED;
  snprintf(s.reason, sizeof s.reason, "%s", reason && *reason ? reason : "unknown failure");
  if (stats) s.solver = *stats;
  FF_CHECK(FFDatasetWriteSample(ds, &s));
  return FF_SUCCESS;
}

/* ---------- the trainer side ---------- */

static FFErrorCode FindScheme(FFDataset ds, const char *name, int *s)
{
  for (*s = 0; *s < ds->spec.n_splits; (*s)++)
    if (!strcmp(ds->spec.splits[*s].name, name)) return FF_SUCCESS;
  char names[512] = "";
  for (int k = 0; k < ds->spec.n_splits; k++)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "", ds->spec.splits[k].name);
  FF_ERROR(FF_ERR_ARG, "dataset '%s' has no split scheme '%s' (it has: %s)", ds->dir, name, names);
}

FFErrorCode FFDatasetSplitParts(FFDataset ds, const char *scheme, const unsigned char **part)
{
  int s;
  FF_CHECK(FindScheme(ds, scheme, &s));
  *part = ds->parts[s];
  return FF_SUCCESS;
}

FFErrorCode FFDatasetSplit(FFDataset ds, const char *split, long **indices, long *n)
{
  char scheme[FF_NAME_LEN] = "random";
  const char *part_name = split, *slash = strchr(split, '/');
  *indices = NULL;
  *n = 0;
  if (slash) {
    FF_ASSERT(slash - split < FF_NAME_LEN, FF_ERR_ARG, "split '%s': scheme name too long", split);
    memcpy(scheme, split, (size_t)(slash - split));
    scheme[slash - split] = '\0';
    part_name = slash + 1;
  }
  int s, part = -1;
  FF_CHECK(FindScheme(ds, scheme, &s));
  for (int p = 0; p < 3; p++)
    if (!strcmp(part_name, FFSplitPartName((FFSplitPart)p))) part = p;
  FF_ASSERT(part >= 0 || !strcmp(part_name, "all"), FF_ERR_ARG,
            "unknown split part '%s' (train, val, test or all; or <scheme>/<part>)", part_name);
  FF_CHECK(FFMalloc(sizeof **indices * ((size_t)ds->spec.n + 1), indices));
  for (long i = 0; i < ds->spec.n; i++)
    if (ds->scan.state[i] == FF_STATE_OK && (part < 0 || ds->parts[s][i] == part)) (*indices)[(*n)++] = i;
  return FF_SUCCESS;
}

FFErrorCode FFDatasetReadSample(FFDataset ds, long index, unsigned what, FFSample *s)
{
  char path[4200];
  memset(s, 0, sizeof *s);
  FF_CHECK(FFDatasetSamplePath(ds, index, path, sizeof path));
  FF_CHECK(FFSampleRead(path, what, s));
  if (s->index != index) {
    long got = s->index;
    FFSampleDestroy(s);
    FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': holds sample %ld, not %ld", path, got, index);
  }
  return FF_SUCCESS;
}

FFErrorCode FFDatasetLoadSplit(FFDataset ds, const char *split, unsigned what, FFSample **samples, long *n)
{
  long *idx, count;
  *samples = NULL;
  *n = 0;
  FF_CHECK(FFDatasetSplit(ds, split, &idx, &count));
  FFErrorCode rc = FFCalloc((size_t)count + 1, sizeof **samples, samples);
  for (long k = 0; !rc && k < count; k++) {
    FFSample *s = &(*samples)[*n];
    rc = FFDatasetReadSample(ds, idx[k], what, s);
    if (rc == FF_ERR_FORMAT || rc == FF_ERR_IO) {
      char line[1024];
      snprintf(line, sizeof line, "%.*s", (int)strcspn(FFErrorMessage(), "\n"), FFErrorMessage());
      FFWarn("skipping sample %ld of '%s': %s", idx[k], ds->dir, line);
      rc = FF_SUCCESS;
    } else if (!rc && s->status != FF_SAMPLE_OK) {
      FFWarn("skipping sample %ld of '%s': it is now recorded as failed", idx[k], ds->dir);
      FFSampleDestroy(s);
    } else if (!rc)
      (*n)++;
  }
  free(idx);
  if (rc) {
    for (long k = 0; k < *n; k++) FFSampleDestroy(&(*samples)[k]);
    FFFree(samples);
    *n = 0;
  }
  return rc;
}
