/* A full disk while a file is written: a dataset sample, a model checkpoint, a VTU, and a sweep
 * (`fieldflow generate`). Each write runs in a child process whose files may not grow past a
 * limit (RLIMIT_FSIZE, SIGXFSZ ignored: the write fails as on a full disk, with EFBIG instead
 * of ENOSPC, through the same error paths; ff_test_faults.h). Every case checks the same three
 * things: the error names the file, what was there before is intact (byte for byte), no
 * temporary file is left, and the same write succeeds once there is room (a rerun resumes). */
#include "ff_test_dataset.h"
#include "ff_test_faults.h"

#include <stdlib.h>

static char out[65536];

static const char *Dir(const char *name)
{
  static char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", FFTestTempDir("faults_disk"), name);
  FF_TEST_CALL(FFMakeDirs(dir));
  return dir;
}

/* path must hold before (size n) exactly. */
static void ExpectUnchanged(const char *path, const char *before, size_t n)
{
  size_t m = 0;
  char *now = FFTestReadAll(path, &m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(now);
  CU_ASSERT(m == n && memcmp(now, before, n) == 0);
  free(now);
}

/* The common part of the library cases: write(old) to path with room, write(new) under a
 * full disk (limit bytes): refused naming path, path byte for byte as before, no temporary
 * file in dir; then write(new) with room. */
static void DiskFullCase(const char *dir, const char *path, long limit, FFErrorCode (*write)(void *), void *old,
                         void *new)
{
  char msg[4096];
  FF_TEST_CALL(write(old));
  size_t n = 0;
  char *before = FFTestReadAll(path, &n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(before);
  CU_ASSERT_NOT_EQUAL(FFTestRunDiskFull(limit, write, new, msg, sizeof msg), 0);
  if (!strstr(msg, path)) fprintf(stderr, "message without '%s': %s\n", path, msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
  ExpectUnchanged(path, before, n);
  CU_ASSERT_EQUAL(FFTestCountFiles(dir, ".tmp."), 0);
  free(before);
}

/* ---------- a sample ---------- */

typedef struct {
  const char *path;
  int nx;
} SampleCtx;

static FFErrorCode WriteSample(void *ctx)
{
  const SampleCtx *c = ctx;
  FFSample s;
  FFTestSampleData d;
  FFScalar params[1] = {{"aoa", "deg", 2.5}};
  memset(&s, 0, sizeof s);
  s.index = 7;
  strcpy(s.case_name, "faults");
  s.n_params = 1;
  s.params = params;
  FFTestMakeSample(c->nx, 7, &d, &s);
  FFErrorCode rc = FFSampleWrite(c->path, &s);
  FFTestFreeSample(&d);
  return rc;
}

static void TestSampleDiskFull(void)
{
  char path[4200];
  const char *dir = Dir("sample");
  snprintf(path, sizeof path, "%s/sample_000007.h5", dir);
  SampleCtx small = {path, 4}, large = {path, 24};
  DiskFullCase(dir, path, 32768, WriteSample, &small, &large); /* the larger sample needs more than 32 KiB */
  FF_TEST_CALL(FFFileVerify(path, FF_VERIFY_FULL, NULL));
  /* room again: the write goes through */
  FF_TEST_CALL(WriteSample(&large));
  FFSample s;
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &s));
  CU_ASSERT_EQUAL(s.mesh.n_cells, 2 * 24 * 24);
  FFSampleDestroy(&s);
}

/* ---------- a checkpoint ---------- */

typedef struct {
  const char *path;
  float value;
} CheckpointCtx;

static FFErrorCode SaveCheckpoint(void *ctx)
{
  const CheckpointCtx *c = ctx;
  FFParams *P;
  int id;
  FF_CHECK(FFParamsCreate(&P));
  FFErrorCode rc = FFParamsAdd(P, "w", 256, 256, FF_INIT_ZERO, 0, 0, &id);
  if (!rc) rc = FFParamsSetUp(P, 1);
  for (size_t i = 0; !rc && i < P->size; i++) P->values[i] = c->value;
  if (!rc) rc = FFCheckpointSave(c->path, P, NULL, NULL, NULL);
  FFParamsDestroy(&P);
  return rc;
}

static void TestCheckpointDiskFull(void)
{
  char path[4200];
  const char *dir = Dir("checkpoint");
  snprintf(path, sizeof path, "%s/model.h5", dir);
  CheckpointCtx first = {path, 1.0f}, second = {path, 2.0f};
  DiskFullCase(dir, path, 65536, SaveCheckpoint, &first, &second); /* 256 KiB of parameters into 64 KiB */
  /* the last good checkpoint loads, with its values */
  FFParams *P;
  int id;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "w", 256, 256, FF_INIT_ZERO, 0, 0, &id));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FF_TEST_CALL(FFCheckpointLoad(path, P, NULL, NULL, NULL));
  CU_ASSERT_EQUAL(P->values[0], 1.0f);
  FF_TEST_CALL(SaveCheckpoint(&second));
  FF_TEST_CALL(FFCheckpointLoad(path, P, NULL, NULL, NULL));
  CU_ASSERT_EQUAL(P->values[P->size - 1], 2.0f);
  FFParamsDestroy(&P);
}

/* ---------- a VTU ---------- */

typedef struct {
  const char *path;
  int nx;
} VtuCtx;

static FFErrorCode WriteVtu(void *ctx)
{
  const VtuCtx *c = ctx;
  FFSample s;
  FFTestSampleData d;
  memset(&s, 0, sizeof s);
  FFTestMakeSample(c->nx, 3, &d, &s);
  FFErrorCode rc = FFSampleWriteVtu(&s, c->path);
  FFTestFreeSample(&d);
  return rc;
}

static void TestVtuDiskFull(void)
{
  char path[4200];
  const char *dir = Dir("vtu");
  snprintf(path, sizeof path, "%s/fields.vtu", dir);
  VtuCtx small = {path, 4}, large = {path, 64};
  DiskFullCase(dir, path, 16384, WriteVtu, &small, &large);
  FF_TEST_CALL(WriteVtu(&large));
  FFVtkData v;
  FF_TEST_CALL(FFVtkRead(path, &v));
  CU_ASSERT_EQUAL(v.n_cells, 2 * 64 * 64);
  FFVtkDataFree(&v);
}

/* ---------- a sweep ---------- */

/* A 3-sample Darcy sweep whose third sample meets a full disk (its file was never written:
 * as if the disk had filled after the first two). The run stops with an error naming that
 * file; the first two samples, the definition and the manifest are untouched; the rerun with
 * room writes the third only. */
static void TestGenerateDiskFull(void)
{
  char cmd[8192], path[4200];
  const char *dir = Dir("sweep");
  snprintf(cmd, sizeof cmd, "%s generate -case %s/tests/data/sweep_darcy_coarse.opts -n 3 -o %s -progress 0", FF_CLI,
           FF_SOURCE_DIR, dir);
  CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, out, sizeof out), 0);
  char *before[3];
  size_t n[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir,
             i == 0   ? "dataset.h5"
             : i == 1 ? "samples/sample_000000.h5"
                      : "samples/sample_000001.h5");
    before[i] = FFTestReadAll(path, &n[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before[i]);
  }
  snprintf(path, sizeof path, "%s/samples/sample_000002.h5", dir);
  size_t sample_bytes = 0;
  free(FFTestReadAll(path, &sample_bytes));
  CU_ASSERT_EQUAL_FATAL(remove(path), 0);
  /* room for the definition and the manifest, not for a sample */
  CU_ASSERT_FATAL(sample_bytes > 24576 && n[0] < 24576);
  char limited[8300]; /* FF_TEST_MPI_NO_SHM + cmd */
  snprintf(limited, sizeof limited, "%s %s", FF_TEST_MPI_NO_SHM, cmd);
  CU_ASSERT_NOT_EQUAL(FFTestShellDiskFull(24576, limited, out, sizeof out), 0);
  if (!strstr(out, "sample_000002.h5")) fprintf(stderr, "%s\n", out);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "sample_000002.h5"));
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir,
             i == 0   ? "dataset.h5"
             : i == 1 ? "samples/sample_000000.h5"
                      : "samples/sample_000001.h5");
    ExpectUnchanged(path, before[i], n[i]);
    free(before[i]);
  }
  snprintf(path, sizeof path, "%s/samples", dir);
  CU_ASSERT_EQUAL(FFTestCountFiles(path, ".tmp."), 0);
  CU_ASSERT_EQUAL(FFTestCountFiles(path, "sample_000002"), 0);
  /* room again: the rerun keeps the two and writes the third */
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 solved, 0 failed, 2 kept from before"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "3 planned samples: 3 ok"));
}

int main(void)
{
  char clean[4200]; /* a fresh start: what an earlier run left would change what the runs find */
  snprintf(clean, sizeof clean, "rm -rf '%s'", FFTestTempDir("faults_disk"));
  if (FFTestShell(clean, NULL, 0)) return 1;
  const FFTest tests[] = {
      {"disk full writing a sample: named, the old file intact, no temporary, rewritten with room", TestSampleDiskFull},
      {"disk full writing a checkpoint: named, the last good one loads, saved with room", TestCheckpointDiskFull},
      {"disk full writing a VTU: named, the old file intact, written with room", TestVtuDiskFull},
      {"disk full during generate: the sample named, earlier files intact, the rerun resumes", TestGenerateDiskFull},
      {NULL, NULL},
  };
  return FFTestRun("faults_disk", tests);
}
