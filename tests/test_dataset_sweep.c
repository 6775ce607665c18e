/* Dataset directories: create and resume, another dataset refused, splits fixed by seed
 * and holdouts exact, manifest rebuilt after a simulated crash, corrupt samples skipped. */
#define _POSIX_C_SOURCE 200809L
#include "ff_test_dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void Dir(const char *name, char *out, size_t len)
{
  char cmd[4400];
  snprintf(out, len, "%s/%s", FFTestTempDir("dataset_sweep"), name);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
  CU_ASSERT_EQUAL(system(cmd), 0);
}

static void ExpectCreateError(const char *dir, const FFDatasetSpec *spec, FFErrorCode code, const char *why)
{
  FFDataset ds = NULL;
  FFErrorClear();
  CU_ASSERT_EQUAL(FFDatasetCreate(dir, spec, &ds), code);
  CU_ASSERT_PTR_NULL(ds);
  if (!strstr(FFErrorMessage(), why)) fprintf(stderr, "expected '%s' in: %s\n", why, FFErrorMessage());
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), why));
}

static void TestCreateResume(void)
{
  char dir[4096];
  FFDatasetSpec spec;
  FFParamRange p[3];
  FFDataset ds;
  Dir("resume", dir, sizeof dir);
  FFTestSpec(&spec, p, 12, 1);
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  CU_ASSERT_EQUAL(FFDatasetGetSpec(ds)->n_splits, 1); /* "random" added */
  CU_ASSERT_STRING_EQUAL(FFDatasetGetSpec(ds)->splits[0].name, "random");
  FF_TEST_CALL(FFTestWriteSample(ds, 4, 2));
  char fp[17];
  strcpy(fp, FFDatasetFingerprint(ds));
  FFDatasetDestroy(&ds);
  /* The same arguments resume: the sample is kept and not pending. */
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  CU_ASSERT_STRING_EQUAL(FFDatasetFingerprint(ds), fp);
  long *pending, np;
  FF_TEST_CALL(FFDatasetPending(ds, &pending, &np));
  CU_ASSERT_EQUAL(np, 11);
  for (long k = 0; k < np; k++) CU_ASSERT(pending[k] != 4);
  free(pending);
  FFDatasetDestroy(&ds);
  /* Anything that changes the samples is another dataset. */
  spec.seed = 2;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "holds another dataset (seed 1 there, 2 here)");
  spec.seed = 1;
  spec.n = 13;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "n 12 there, 13 here");
  spec.n = 12;
  p[0].hi = 12;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "parameter 1: aoa in [0, 10] there, aoa in [0, 12] here");
  p[0].hi = 10;
  strcpy(spec.case_name, "cylinder");
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "case 'synthetic' there, 'cylinder' here");
  strcpy(spec.case_name, "synthetic");
  spec.options = "-geometry square\n-mesh_h 0.125\n";
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "options differ at line 2: '-mesh_h 0.25' there, '-mesh_h 0.125' here");
  spec.options = "-geometry square\n-mesh_h 0.25\n";
  spec.method = FF_SAMPLING_SOBOL;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "sampling lhs there, sobol here");
  spec.method = FF_SAMPLING_LHS;
  /* Changing only the splits is allowed: they are a view of the same samples. */
  FFSplitSpec splits[2];
  FFSplitSpecRandom(0.2, 0.2, 9, &splits[0]);
  FF_TEST_CALL(FFSplitSpecParse("aoa:8:", &splits[1]));
  spec.splits = splits;
  spec.n_splits = 2;
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  CU_ASSERT_EQUAL(FFDatasetGetSpec(ds)->n_splits, 2);
  CU_ASSERT_EQUAL(FFDatasetGetSpec(ds)->splits[0].seed, 9);
  FFDatasetDestroy(&ds);
}

static void TestBadInput(void)
{
  char dir[4096], path[4200];
  FFDatasetSpec spec;
  FFParamRange p[3];
  Dir("bad", dir, sizeof dir);
  FFTestSpec(&spec, p, 0, 1);
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "number of samples must be > 0, got 0");
  spec.n = -5;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "must be > 0, got -5");
  spec.n = 10;
  p[0].lo = 10, p[0].hi = 0;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "aoa: range [10, 0] is reversed");
  p[0].lo = p[0].hi = 3;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "aoa: range [3, 3] is empty");
  p[0].lo = 0, p[0].hi = 10;
  FFSplitSpec split;
  FF_TEST_CALL(FFSplitSpecParse("aoa:20:", &split));
  spec.splits = &split;
  spec.n_splits = 1;
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "holds out none of the 10 planned samples");
  FF_TEST_CALL(FFSplitSpecParse("mach:0:1", &split));
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "which the plan does not vary (it has: aoa, re, seed)");
  spec.n_splits = 0;
  CU_ASSERT(!FFFileExists(dir)); /* nothing created by a refused definition */
  /* A directory with other files is not taken over. */
  FF_TEST_CALL(FFMakeDirs(dir));
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  FILE *f = fopen(path, "w");
  fputs("mine\n", f);
  fclose(f);
  ExpectCreateError(dir, &spec, FF_ERR_ARG, "is not empty ('notes.txt') and holds no fieldflow dataset");
  FFDataset ds;
  CU_ASSERT_EQUAL(FFDatasetOpen(dir, &ds), FF_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "holds no fieldflow dataset"));
  CU_ASSERT_EQUAL(FFDatasetOpen("/nonexistent/data", &ds), FF_ERR_IO);
  FFSplitSpec s;
  const char *bad[] = {"aoa:5:2", "aoa::", "aoa:1", "aoa:x:2", "aoa:1:2:inside", "a/b=aoa:1:2", NULL};
  for (int k = 0; bad[k]; k++) CU_ASSERT_EQUAL(FFSplitSpecParse(bad[k], &s), FF_ERR_ARG);
}

static void TestSplits(void)
{
  FFParamRange p[3];
  FFDatasetSpec spec;
  const long n = 200;
  FFTestSpec(&spec, p, n, 3);
  double *plan = malloc(sizeof(double) * n * 3);
  unsigned char a[200], b[200], c[200];
  FF_TEST_CALL(FFSamplingPlan(spec.method, n, spec.seed, 3, p, plan));
  FFSplitSpec r;
  FFSplitSpecRandom(0.1, 0.15, 42, &r);
  FF_TEST_CALL(FFSplitAssign(&r, n, 3, p, plan, a));
  FF_TEST_CALL(FFSplitAssign(&r, n, 3, p, plan, b));
  CU_ASSERT(!memcmp(a, b, n));
  long count[3] = {0, 0, 0};
  for (long i = 0; i < n; i++) count[a[i]]++;
  CU_ASSERT_EQUAL(count[FF_SPLIT_TRAIN], 150);
  CU_ASSERT_EQUAL(count[FF_SPLIT_VAL], 20);
  CU_ASSERT_EQUAL(count[FF_SPLIT_TEST], 30);
  r.seed = 43;
  FF_TEST_CALL(FFSplitAssign(&r, n, 3, p, plan, c));
  CU_ASSERT(memcmp(a, c, n) != 0);
  /* Holdout: exactly the samples with aoa >= 7 are test. */
  FFSplitSpec h;
  FF_TEST_CALL(FFSplitSpecParse("high_aoa=aoa:7:", &h));
  CU_ASSERT_STRING_EQUAL(h.name, "high_aoa");
  FF_TEST_CALL(FFSplitAssign(&h, n, 3, p, plan, a));
  long kept = 0, val = 0;
  for (long i = 0; i < n; i++) {
    CU_ASSERT_EQUAL(a[i] == FF_SPLIT_TEST, plan[i * 3] >= 7);
    kept += a[i] != FF_SPLIT_TEST;
    val += a[i] == FF_SPLIT_VAL;
  }
  CU_ASSERT_EQUAL(val, lround(0.1 * kept));
  /* Outside a Re range: the extremes are test. */
  FF_TEST_CALL(FFSplitSpecParse("re:200:800:outside", &h));
  CU_ASSERT_STRING_EQUAL(h.name, "holdout_re");
  FF_TEST_CALL(FFSplitAssign(&h, n, 3, p, plan, a));
  for (long i = 0; i < n; i++) {
    double re = plan[i * 3 + 1];
    CU_ASSERT_EQUAL(a[i] == FF_SPLIT_TEST, re < 200 || re > 800);
  }
  r.val_fraction = 0.5, r.test_fraction = 0.5;
  CU_ASSERT_EQUAL(FFSplitAssign(&r, n, 3, p, plan, a), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "leave no training sample"));
  free(plan);
}

static void TestSplitsInDataset(void)
{
  char d1[4096], d2[4096];
  FFParamRange p[3];
  FFDatasetSpec spec;
  FFSplitSpec h;
  FFDataset a, b;
  FFTestSpec(&spec, p, 30, 5);
  FF_TEST_CALL(FFSplitSpecParse("aoa::3", &h));
  spec.splits = &h;
  spec.n_splits = 1;
  Dir("split1", d1, sizeof d1);
  Dir("split2", d2, sizeof d2);
  FF_TEST_CALL(FFDatasetCreate(d1, &spec, &a));
  FF_TEST_CALL(FFDatasetCreate(d2, &spec, &b));
  for (long i = 0; i < 30; i += 2) FF_TEST_CALL(FFTestWriteSample(a, i, 1));
  FF_TEST_CALL(FFDatasetRefresh(a));
  const unsigned char *pa, *pb;
  FF_TEST_CALL(FFDatasetSplitParts(a, "random", &pa));
  FF_TEST_CALL(FFDatasetSplitParts(b, "random", &pb));
  CU_ASSERT(!memcmp(pa, pb, 30));
  long *idx, n, total = 0;
  const char *parts[] = {"train", "val", "test"};
  for (int k = 0; k < 3; k++) {
    FF_TEST_CALL(FFDatasetSplit(a, parts[k], &idx, &n));
    for (long j = 0; j < n; j++) CU_ASSERT(idx[j] % 2 == 0 && pa[idx[j]] == k);
    total += n;
    free(idx);
  }
  CU_ASSERT_EQUAL(total, 15);
  FF_TEST_CALL(FFDatasetSplit(a, "holdout_aoa/test", &idx, &n));
  for (long j = 0; j < n; j++) CU_ASSERT(FFDatasetPlan(a)[idx[j] * 3] <= 3);
  free(idx);
  CU_ASSERT_EQUAL(FFDatasetSplit(a, "nope/test", &idx, &n), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "it has: random, holdout_aoa"));
  CU_ASSERT_EQUAL(FFDatasetSplit(a, "training", &idx, &n), FF_ERR_ARG);
  FFDatasetDestroy(&a);
  FFDatasetDestroy(&b);
}

static void TestCrashAndManifest(void)
{
  char dir[4096], path[4200], tmp[4300];
  FFParamRange p[3];
  FFDatasetSpec spec;
  FFDataset ds;
  long counts[4];
  Dir("crash", dir, sizeof dir);
  FFTestSpec(&spec, p, 6, 8);
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  FF_TEST_CALL(FFTestWriteSample(ds, 0, 2));
  FF_TEST_CALL(FFTestWriteSample(ds, 1, 2));
  FFSolverStats st = {40, 1e3, 2.5, 0, NULL};
  FF_TEST_CALL(FFDatasetWriteFailure(ds, 2, "SNES diverged (DIVERGED_MAX_IT) at Re 950", &st));
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, counts));
  CU_ASSERT_EQUAL(counts[FF_STATE_OK], 2);
  CU_ASSERT_EQUAL(counts[FF_STATE_FAILED], 1);
  CU_ASSERT_EQUAL(counts[FF_STATE_MISSING], 3);
  /* The crash: sample 3 renamed but the manifest not updated, sample 4 half written. */
  FF_TEST_CALL(FFTestWriteSample(ds, 3, 2));
  FF_TEST_CALL(FFDatasetSamplePath(ds, 4, path, sizeof path));
  snprintf(tmp, sizeof tmp, "%s.tmp.99999", path);
  FILE *f = fopen(tmp, "wb");
  fputs("half an HDF5 file", f);
  fclose(f);
  FFDatasetDestroy(&ds);

  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FFDatasetScan scan;
  FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
  CU_ASSERT_EQUAL(scan.counts[FF_STATE_OK], 3);
  CU_ASSERT_EQUAL(scan.n_temps, 1);
  CU_ASSERT_EQUAL(scan.state[4], FF_STATE_MISSING); /* the temp file is no sample */
  CU_ASSERT_PTR_NOT_NULL(strstr(scan.problem[2], "DIVERGED_MAX_IT"));
  char **lines;
  int nl;
  FF_TEST_CALL(FFDatasetCheckManifest(ds, &scan, &lines, &nl));
  CU_ASSERT_EQUAL(nl, 1);
  if (nl) CU_ASSERT_PTR_NOT_NULL(strstr(lines[0], "sample 3: manifest says missing, the file is ok"));
  FFStringsFree(&lines, nl);
  FFDatasetScanDestroy(&scan);
  long *pending, np;
  FF_TEST_CALL(FFDatasetPending(ds, &pending, &np));
  CU_ASSERT_EQUAL(np, 2);
  CU_ASSERT(np == 2 && pending[0] == 4 && pending[1] == 5);
  free(pending);
  int removed;
  FF_TEST_CALL(FFDatasetCleanTemps(ds, &removed));
  CU_ASSERT_EQUAL(removed, 1);
  CU_ASSERT(!FFFileExists(tmp));
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, counts));
  CU_ASSERT_EQUAL(counts[FF_STATE_OK], 3);
  FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_QUICK, &scan));
  FF_TEST_CALL(FFDatasetCheckManifest(ds, &scan, &lines, &nl));
  CU_ASSERT_EQUAL(nl, 0);
  FFStringsFree(&lines, nl);
  FFDatasetScanDestroy(&scan);
  /* Deleting the manifest loses nothing: it is rebuilt from the files. */
  snprintf(path, sizeof path, "%s/manifest.h5", dir);
  CU_ASSERT_EQUAL(unlink(path), 0);
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_QUICK, counts));
  CU_ASSERT_EQUAL(counts[FF_STATE_OK], 3);
  CU_ASSERT_EQUAL(counts[FF_STATE_FAILED], 1);
  FFDatasetDestroy(&ds);
}

static void TestCorruptInDataset(void)
{
  char dir[4096], path[4200];
  FFParamRange p[3];
  FFDatasetSpec spec;
  FFDataset ds;
  Dir("corrupt", dir, sizeof dir);
  FFTestSpec(&spec, p, 5, 9);
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  for (long i = 0; i < 5; i++) FF_TEST_CALL(FFTestWriteSample(ds, i, 2));
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, NULL));
  FF_TEST_CALL(FFDatasetSamplePath(ds, 1, path, sizeof path));
  CU_ASSERT_EQUAL(truncate(path, 2000), 0);
  FF_TEST_CALL(FFDatasetSamplePath(ds, 3, path, sizeof path));
  FILE *f = fopen(path, "r+b");
  fseek(f, 3000, SEEK_SET);
  fputc(0x55 ^ fgetc(f), f);
  fclose(f);
  /* Sample 3's damage needs the checksum: the open (quick) lists it, reading it fails. */
  FF_TEST_CALL(FFDatasetRefresh(ds));
  long *idx, n;
  FF_TEST_CALL(FFDatasetSplit(ds, "all", &idx, &n));
  CU_ASSERT_EQUAL(n, 4);
  free(idx);
  FFSample *samples;
  FF_TEST_CALL(FFDatasetLoadSplit(ds, "all", FF_READ_FIELDS, &samples, &n));
  CU_ASSERT_EQUAL(n, 3); /* 0, 2, 4; 3 skipped with a warning */
  for (long k = 0; k < n; k++) {
    CU_ASSERT(samples[k].index % 2 == 0);
    CU_ASSERT_EQUAL(samples[k].n_fields, 2);
    FFSampleDestroy(&samples[k]);
  }
  free(samples);
  FFSample s;
  CU_ASSERT_EQUAL(FFDatasetReadSample(ds, 3, FF_READ_ALL, &s), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  FFDatasetScan scan;
  FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
  CU_ASSERT_EQUAL(scan.counts[FF_STATE_CORRUPT], 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(scan.problem[1], "truncated: 2000 of"));
  CU_ASSERT_PTR_NOT_NULL(strstr(scan.problem[3], "checksum mismatch"));
  char **lines;
  int nl;
  FF_TEST_CALL(FFDatasetCheckManifest(ds, &scan, &lines, &nl));
  CU_ASSERT_EQUAL(nl, 2);
  FFStringsFree(&lines, nl);
  FFDatasetScanDestroy(&scan);
  long *pending, np;
  FF_TEST_CALL(FFDatasetPending(ds, &pending, &np));
  CU_ASSERT(np == 2 && pending[0] == 1 && pending[1] == 3);
  free(pending);
  /* Writing a sample whose parameters are not the plan's is refused. */
  FFTestSampleData d;
  FF_TEST_CALL(FFDatasetSampleInit(ds, 1, &s));
  FFScalar wrong[3];
  memcpy(wrong, s.params, sizeof wrong);
  wrong[0].value += 1e-9;
  s.params = wrong;
  FFTestMakeSample(1, 1, &d, &s);
  CU_ASSERT_EQUAL(FFDatasetWriteSample(ds, &s), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "the plan says"));
  s.index = 5;
  CU_ASSERT_EQUAL(FFDatasetWriteSample(ds, &s), FF_ERR_ARG);
  FFTestFreeSample(&d);
  FFDatasetDestroy(&ds);
}

int main(void)
{
  const FFTest tests[] = {
      {"create, resume, another dataset refused", TestCreateResume},
      {"bad definitions and foreign directories", TestBadInput},
      {"splits: fixed by seed, holdouts exact", TestSplits},
      {"splits of a dataset: ok samples by part", TestSplitsInDataset},
      {"crash: temp ignored and cleaned, unlisted sample picked up", TestCrashAndManifest},
      {"corrupt samples: named, skipped, pending again", TestCorruptInDataset},
      {NULL, NULL},
  };
  return FFTestRun("dataset_sweep", tests);
}
