/* io: checkpoints round-trip (configuration, statistics, parameters, optimizer state),
 * are written atomically and sealed, refuse damaged files before HDF5 reads them and models
 * whose parameters differ, saying which; a version-1 (unsealed) file is refused and upgraded. */
#include "ff_io.h"
#include "ff_test.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  FFParams *P;
  FFMLP a, b;
  FFOptimizer *opt;
} Model;

/* two MLPs in one registry; width of the second is a parameter so shapes can differ */
static void MakeModel(int width_b, int with_b_norm, uint64_t seed, Model *m)
{
  FFMLPConfig ca = {.in = 3, .hidden = 8, .out = 2, .hidden_layers = 1, .act = FF_ACT_RELU, .layer_norm = 1};
  FFMLPConfig cb = {
      .in = 2, .hidden = width_b, .out = 1, .hidden_layers = 2, .act = FF_ACT_SILU, .layer_norm = with_b_norm};
  FF_TEST_CALL(FFParamsCreate(&m->P));
  FF_TEST_CALL(FFMLPCreate(m->P, "enc", &ca, &m->a));
  FF_TEST_CALL(FFMLPCreate(m->P, "head", &cb, &m->b));
  FF_TEST_CALL(FFParamsSetUp(m->P, seed));
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.type = FF_OPT_ADAMW;
  oc.ema_decay = 0.99;
  oc.schedule = (FFScheduleConfig){
      .type = FF_SCHEDULE_PLATEAU, .plateau_factor = 0.5, .plateau_patience = 1, .plateau_threshold = 0.0};
  FF_TEST_CALL(FFOptimizerCreate(m->P, &oc, &m->opt));
}

static void FreeModel(Model *m)
{
  FFOptimizerDestroy(&m->opt);
  FFParamsDestroy(&m->P);
}

/* a few optimizer steps with made-up gradients, so m, v, EMA and counters are non-trivial */
static void Advance(Model *m)
{
  float *g;
  FF_TEST_CALL(FFParamsGradCreate(m->P, &g));
  for (int s = 0; s < 3; s++) {
    for (size_t i = 0; i < m->P->size; i++) g[i] = 0.01f * (float)((i * 7 + s) % 13) - 0.05f;
    FF_TEST_CALL(FFOptimizerStep(m->opt, m->P, g, 1.0, NULL));
  }
  FF_TEST_CALL(FFOptimizerStep(m->opt, m->P, g, NAN, NULL)); /* one skipped */
  FFOptimizerObserve(m->opt, 1.0);
  FFOptimizerObserve(m->opt, 2.0);
  FFOptimizerObserve(m->opt, 2.0); /* lr halved */
  free(g);
}

static void Path(const char *name, char *path, size_t len)
{
  snprintf(path, len, "%s/%s", FFTestTempDir("nn_checkpoint"), name);
}

static void TestRoundTrip(void)
{
  Model m, r;
  MakeModel(6, 1, 1, &m);
  Advance(&m);
  FFKeyValues *cfg, *cfg_in;
  FFNamedArrays *stats, *stats_in;
  FF_TEST_CALL(FFKeyValuesCreate(&cfg));
  FF_TEST_CALL(FFKeyValuesSet(cfg, "model", "two-mlps"));
  FF_TEST_CALL(FFKeyValuesSetInt(cfg, "head_width", 6));
  FF_TEST_CALL(FFKeyValuesSetReal(cfg, "lr", 1.0 / 3.0));
  FF_TEST_CALL(FFNamedArraysCreate(&stats));
  float mean[3] = {0.5f, -1.0f, 2.0f}, std[3] = {1.0f, 0.25f, 3.0f};
  FF_TEST_CALL(FFNamedArraysSet(stats, "node_mean", 3, mean));
  FF_TEST_CALL(FFNamedArraysSet(stats, "node_std", 3, std));
  char path[4200];
  Path("model.h5", path, sizeof path);
  remove(path);
  FF_TEST_CALL(FFCheckpointSave(path, m.P, m.opt, cfg, stats));
  /* the configuration alone, to build the model */
  FF_TEST_CALL(FFKeyValuesCreate(&cfg_in));
  FF_TEST_CALL(FFCheckpointReadConfig(path, cfg_in));
  long width;
  double lr;
  FF_TEST_CALL(FFKeyValuesGetInt(cfg_in, "head_width", &width));
  FF_TEST_CALL(FFKeyValuesGetReal(cfg_in, "lr", &lr));
  CU_ASSERT_EQUAL(width, 6);
  CU_ASSERT_EQUAL(lr, 1.0 / 3.0);
  CU_ASSERT_STRING_EQUAL(FFKeyValuesGet(cfg_in, "model"), "two-mlps");
  CU_ASSERT_STRING_EQUAL(cfg_in->keys[0], "model"); /* order kept */
  /* a fresh model (other seed) gets everything back */
  MakeModel((int)width, 1, 99, &r);
  FF_TEST_CALL(FFNamedArraysCreate(&stats_in));
  FF_TEST_CALL(FFCheckpointLoad(path, r.P, r.opt, cfg_in, stats_in));
  CU_ASSERT(memcmp(r.P->values, m.P->values, m.P->size * sizeof(float)) == 0);
  FFOptimizerState a, b;
  FFOptimizerGetState(m.opt, &a);
  FFOptimizerGetState(r.opt, &b);
  CU_ASSERT_EQUAL(b.step, 3);
  CU_ASSERT_EQUAL(b.skipped, 1);
  CU_ASSERT_EQUAL(b.plateau_lr, a.plateau_lr);
  CU_ASSERT_EQUAL(b.plateau_bad, a.plateau_bad);
  CU_ASSERT_EQUAL(b.plateau_best, a.plateau_best);
  CU_ASSERT(memcmp(a.m, b.m, a.n * sizeof(float)) == 0);
  CU_ASSERT(memcmp(a.v, b.v, a.n * sizeof(float)) == 0);
  CU_ASSERT(memcmp(a.ema, b.ema, a.n * sizeof(float)) == 0);
  CU_ASSERT_EQUAL(FFOptimizerLearningRate(r.opt), FFOptimizerLearningRate(m.opt));
  size_t n;
  const float *v;
  FF_TEST_CALL(FFNamedArraysGet(stats_in, "node_std", &n, &v));
  CU_ASSERT(n == 3 && v[1] == 0.25f);
  /* parameters by name and shape, readable by any HDF5 reader */
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  hid_t d = H5Dopen2(f, "/params/head.1.weight", H5P_DEFAULT);
  CU_ASSERT(d >= 0);
  hsize_t dims[2] = {0, 0};
  hid_t sp = H5Dget_space(d);
  H5Sget_simple_extent_dims(sp, dims, NULL);
  CU_ASSERT(dims[0] == 6 && dims[1] == 6);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  /* saving again replaces the file through a temporary name, which does not remain */
  FF_TEST_CALL(FFCheckpointSave(path, r.P, NULL, NULL, NULL));
  char out[4096];
  char cmd[8600];
  snprintf(cmd, sizeof cmd, "ls %s", FFTestTempDir("nn_checkpoint"));
  FFTestShell(cmd, out, sizeof out);
  CU_ASSERT_PTR_NULL(strstr(out, ".tmp"));
  FFKeyValuesDestroy(&cfg);
  FFKeyValuesDestroy(&cfg_in);
  FFNamedArraysDestroy(&stats);
  FFNamedArraysDestroy(&stats_in);
  FreeModel(&m);
  FreeModel(&r);
}

static void ExpectLoadError(const char *path, Model *m, FFOptimizer *opt, const char *needle)
{
  float *before = malloc(m->P->size * sizeof(float));
  memcpy(before, m->P->values, m->P->size * sizeof(float));
  CU_ASSERT_NOT_EQUAL(FFCheckpointLoad(path, m->P, opt, NULL, NULL), FF_SUCCESS);
  const char *msg = FFErrorMessage();
  if (!strstr(msg, needle)) fprintf(stderr, "expected '%s' in:\n%s\n", needle, msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, needle));
  /* a refused load leaves the model as it was */
  CU_ASSERT(memcmp(before, m->P->values, m->P->size * sizeof(float)) == 0);
  free(before);
}

static void TestMismatch(void)
{
  Model m;
  MakeModel(6, 1, 1, &m);
  char path[4200], other[4200];
  Path("mismatch.h5", path, sizeof path);
  FF_TEST_CALL(FFCheckpointSave(path, m.P, NULL, NULL, NULL));
  Model wider, no_norm, extra;
  MakeModel(7, 1, 2, &wider);
  ExpectLoadError(path, &wider, NULL, "parameter 'head.0.weight' has shape 6 x 2, the model has 7 x 2");
  MakeModel(6, 0, 3, &no_norm);
  ExpectLoadError(path, &no_norm, NULL, "has parameter 'head.norm.bias' that the model lacks");
  Path("no_norm.h5", other, sizeof other);
  FF_TEST_CALL(FFCheckpointSave(other, no_norm.P, NULL, NULL, NULL));
  MakeModel(6, 1, 4, &extra);
  ExpectLoadError(other, &extra, NULL, "has no parameter 'head.norm.weight' (the model has it, shape 1 x 1)");
  ExpectLoadError(path, &extra, extra.opt, "has no optimizer state");
  Path("missing.h5", other, sizeof other);
  ExpectLoadError(other, &extra, NULL, "does not exist");
  Path("text.h5", other, sizeof other);
  FILE *f = fopen(other, "w");
  fputs("not hdf5", f);
  fclose(f);
  ExpectLoadError(other, &extra, NULL, "shorter than its 512-byte header");
  CU_ASSERT_EQUAL(FFCheckpointSave("/nonexistent-dir/x.h5", m.P, NULL, NULL, NULL), FF_ERR_IO);
  FreeModel(&m);
  FreeModel(&wider);
  FreeModel(&no_norm);
  FreeModel(&extra);
}

/* A save that fails half-way (a name HDF5 refuses) leaves the old checkpoint as it was and
 * no temporary file. */
static void TestFailedSave(void)
{
  Model m, r;
  MakeModel(6, 1, 1, &m);
  MakeModel(6, 1, 2, &r);
  char path[4200], out[4096], cmd[8600];
  Path("kept.h5", path, sizeof path);
  FF_TEST_CALL(FFCheckpointSave(path, m.P, NULL, NULL, NULL));
  FFNamedArrays *bad;
  const float v[2] = {1, 2};
  FF_TEST_CALL(FFNamedArraysCreate(&bad));
  FF_TEST_CALL(FFNamedArraysSet(bad, "x", 2, v));
  bad->names[0][0] = '/'; /* past FFNamedArraysSet's check: the root, not a dataset name */
  CU_ASSERT_NOT_EQUAL(FFCheckpointSave(path, r.P, r.opt, NULL, bad), FF_SUCCESS);
  snprintf(cmd, sizeof cmd, "ls %s", FFTestTempDir("nn_checkpoint"));
  FFTestShell(cmd, out, sizeof out);
  CU_ASSERT_PTR_NULL(strstr(out, ".tmp"));
  FF_TEST_CALL(FFCheckpointLoad(path, r.P, NULL, NULL, NULL));
  CU_ASSERT(memcmp(r.P->values, m.P->values, m.P->size * sizeof(float)) == 0);
  FFNamedArraysDestroy(&bad);
  FreeModel(&m);
  FreeModel(&r);
}

/* fieldflow opens its files without HDF5's file locking (src/io/h5.c): a checkpoint loads
 * while another program holds it locked, where HDF5's default open fails. */
static void TestLockedFile(void)
{
  Model m, r;
  MakeModel(6, 1, 1, &m);
  MakeModel(6, 1, 2, &r);
  char path[4200];
  Path("locked.h5", path, sizeof path);
  FF_TEST_CALL(FFCheckpointSave(path, m.P, NULL, NULL, NULL));
  int fd = FFTestLockFile(path);
  CU_ASSERT_FATAL(fd >= 0);
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  CU_ASSERT(f < 0); /* the lock is one HDF5 honours by default */
  if (f >= 0) H5Fclose(f);
  FF_TEST_CALL(FFCheckpointLoad(path, r.P, NULL, NULL, NULL));
  CU_ASSERT(memcmp(r.P->values, m.P->values, m.P->size * sizeof(float)) == 0);
  close(fd);
  FreeModel(&m);
  FreeModel(&r);
}

/* The file as a version-1 writer left it: no user block, no seal, the same objects. */
static void WriteVersion1(const char *from, const char *path)
{
  hid_t src = H5Fopen(from, H5F_ACC_RDONLY, H5P_DEFAULT), dst = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  CU_ASSERT_FATAL(src >= 0 && dst >= 0);
  hid_t str = H5Tcopy(H5T_C_S1), scalar = H5Screate(H5S_SCALAR);
  const char *format = "fieldflow-checkpoint";
  const int64_t version = 1;
  H5Tset_size(str, strlen(format) + 1);
  hid_t a = H5Acreate2(dst, "format", str, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, str, format);
  H5Aclose(a);
  a = H5Acreate2(dst, "version", H5T_STD_I64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, &version);
  H5Aclose(a);
  CU_ASSERT(H5Ocopy(src, "params", dst, "params", H5P_DEFAULT, H5P_DEFAULT) >= 0);
  H5Sclose(scalar);
  H5Tclose(str);
  H5Fclose(src);
  H5Fclose(dst);
}

/* A saved checkpoint carries the sealed header; a byte changed or the file cut is refused
 * naming the file before HDF5 opens it; a version-1 file is refused with the command that
 * upgrades it, and the upgraded file loads the same parameters. */
static void TestSeal(void)
{
  Model m, r;
  MakeModel(6, 1, 1, &m);
  MakeModel(6, 1, 2, &r);
  char path[4200], bad[4200], v1[4200], v2[4200], cmd[17000], out[256];
  Path("sealed.h5", path, sizeof path);
  FF_TEST_CALL(FFCheckpointSave(path, m.P, m.opt, NULL, NULL));
  FFFileHeader h;
  FF_TEST_CALL(FFFileVerify(path, FF_VERIFY_FULL, &h));
  CU_ASSERT_STRING_EQUAL(h.kind, "checkpoint");
  Path("flipped.h5", bad, sizeof bad);
  snprintf(cmd, sizeof cmd, "cp %s %s && printf 'X' | dd of=%s bs=1 seek=%lld conv=notrunc 2>/dev/null", path, bad,
           bad, h.bytes - 100);
  FFTestShell(cmd, out, sizeof out);
  ExpectLoadError(bad, &r, NULL, "checksum mismatch");
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), bad));
  snprintf(cmd, sizeof cmd, "cp %s %s && truncate -s %lld %s", path, bad, h.bytes / 2, bad);
  FFTestShell(cmd, out, sizeof out);
  ExpectLoadError(bad, &r, NULL, "truncated");
  Path("version1.h5", v1, sizeof v1);
  WriteVersion1(path, v1);
  ExpectLoadError(v1, &r, NULL, "-upgrade");
  Path("upgraded.h5", v2, sizeof v2);
  FF_TEST_CALL(FFCheckpointUpgrade(v1, v2));
  FF_TEST_CALL(FFCheckpointLoad(v2, r.P, NULL, NULL, NULL));
  CU_ASSERT(memcmp(r.P->values, m.P->values, m.P->size * sizeof(float)) == 0);
  CU_ASSERT_NOT_EQUAL(FFCheckpointUpgrade(v2, v1), FF_SUCCESS); /* sealed already: nothing to do */
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "nothing to upgrade"));
  FreeModel(&m);
  FreeModel(&r);
}

int main(void)
{
  const FFTest tests[] = {
      {"round trip of configuration, statistics, parameters, optimizer", TestRoundTrip},
      {"mismatched models are refused with the differing parameter named", TestMismatch},
      {"a failed save keeps the old file and leaves no temporary file", TestFailedSave},
      {"a checkpoint loads while another program holds it locked", TestLockedFile},
      {"sealed: a damaged file is refused before HDF5 reads it; version 1 refused and upgraded", TestSeal},
      {NULL, NULL},
  };
  return FFTestRun("nn_checkpoint", tests);
}
