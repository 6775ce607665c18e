/* fieldflow info on datasets written here: counts, failures, statistics, corrupt files with
 * their paths, manifest disagreements, and the exit status. */
#define _POSIX_C_SOURCE 200809L
#include "ff_test_dataset.h"
#include "ff_io.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char out[65536];

/* A dataset of 5 planned samples: 0, 1, 3 ok, 2 failed, 4 missing; manifest written. */
static void MakeDataset(const char *dir)
{
  char cmd[4200];
  FFDatasetSpec spec;
  FFParamRange p[3];
  FFDataset ds;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(cmd), 0);
  FFTestSpec(&spec, p, 5, 4);
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  FF_TEST_CALL(FFTestWriteSample(ds, 0, 2));
  FF_TEST_CALL(FFTestWriteSample(ds, 1, 2));
  FF_TEST_CALL(FFTestWriteSample(ds, 3, 2));
  FFSolverStats st = {30, 12.5, 3.0, 0, NULL};
  FF_TEST_CALL(FFDatasetWriteFailure(ds, 2, "Newton diverged: DIVERGED_LINE_SEARCH at Re 870", &st));
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, NULL));
  FFDatasetDestroy(&ds);
}

static int Info(const char *dir, const char *options)
{
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info '%s' %s", FF_CLI, dir, options);
  return FFTestShell(cmd, out, sizeof out);
}

static void Expect(const char *text)
{
  const char *found = text ? strstr(out, text) : NULL;
  if (!found) fprintf(stderr, "expected '%s' in:\n%s\n", text ? text : "", out);
  CU_ASSERT_PTR_NOT_NULL(found);
}

static void TestInfoClean(void)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/clean", FFTestTempDir("dataset_cli"));
  MakeDataset(dir);
  CU_ASSERT_EQUAL(Info(dir, ""), 0);
  Expect("samples   3 ok, 1 failed, 0 corrupt, 1 missing");
  Expect("case      synthetic: lhs plan of 5 samples, seed 4");
  Expect("random           train");
  Expect("aoa            deg      [0, 10]");
  Expect("u.u_x            nodes");
  Expect("p                vertices");
  Expect("C_D");
  Expect("failures (1)");
  Expect("Newton diverged: DIVERGED_LINE_SEARCH at Re 870");
  Expect("manifest  agrees with the files");
  CU_ASSERT_PTR_NULL(strstr(out, "corrupt files"));
  /* -data works as well as the positional word. */
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info -data '%s' -quick", FF_CLI, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("samples   3 ok, 1 failed");
  Expect("DIVERGED_LINE_SEARCH");
}

static void TestInfoProblems(void)
{
  char dir[4096], path[4200], tmp[4300];
  snprintf(dir, sizeof dir, "%s/damaged", FFTestTempDir("dataset_cli"));
  MakeDataset(dir);
  snprintf(path, sizeof path, "%s/samples/sample_000001.h5", dir);
  CU_ASSERT_EQUAL(truncate(path, 1500), 0);
  snprintf(tmp, sizeof tmp, "%s/samples/sample_000004.h5.tmp.4242", dir);
  FILE *f = fopen(tmp, "w");
  fputs("partial", f);
  fclose(f);
  CU_ASSERT_EQUAL(Info(dir, ""), 1);
  Expect("samples   2 ok, 1 failed, 1 corrupt, 1 missing");
  Expect("corrupt files (1)");
  Expect(path);
  Expect("truncated: 1500 of");
  Expect("manifest  disagrees with the files (1)");
  Expect("sample 1: manifest says ok, the file is corrupt");
  Expect("temporary files of an interrupted run (1");
  Expect("error: dataset");
  Expect("1 corrupt files");
  /* Rebuilding the manifest settles the disagreement, not the corrupt file. */
  CU_ASSERT_EQUAL(Info(dir, "-rebuild_manifest"), 1);
  Expect("manifest  rebuilt from the files (2 ok, 1 failed, 1 corrupt)");
  Expect("0 manifest disagreements");
  unlink(path);
  CU_ASSERT_EQUAL(Info(dir, ""), 1); /* the manifest says corrupt, the file is now missing */
  Expect("sample 1: manifest says corrupt, the file is missing");
  CU_ASSERT_EQUAL(Info(dir, "-rebuild_manifest"), 0);
  Expect("samples   2 ok, 1 failed, 0 corrupt, 2 missing");
}

static void TestInfoErrors(void)
{
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info", FF_CLI);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  Expect("no dataset given");
  CU_ASSERT_EQUAL(Info(FFTestTempDir("dataset_cli_empty"), ""), 1);
  Expect("holds no fieldflow dataset");
  CU_ASSERT_EQUAL(Info("/nonexistent/data", ""), 1);
  Expect("does not exist");
  snprintf(cmd, sizeof cmd, "%s info -help", FF_CLI);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("-rebuild_manifest");
}

static char *ReadAll(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = calloc(n + 1, 1);
  if (fread(text, 1, n, f) != (size_t)n) text[0] = '\0';
  fclose(f);
  return text;
}

/* The h5py example of docs/formats.md is docs/examples/read_dataset.py, and it runs. */
static void TestPythonExample(void)
{
  char *doc = ReadAll(FF_SOURCE_DIR "/docs/formats.md");
  char *script = ReadAll(FF_SOURCE_DIR "/docs/examples/read_dataset.py");
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(script);
  CU_ASSERT_PTR_NOT_NULL(strstr(doc, script));
  free(doc);
  free(script);
  if (FFTestShell("/usr/bin/python3 -c 'import h5py'", NULL, 0) != 0) {
    fprintf(stderr, "skipped running the example: /usr/bin/python3 has no h5py (scripts/install-deps.sh --peers)\n");
    return;
  }
  char dir[4096], cmd[8192];
  snprintf(dir, sizeof dir, "%s/python", FFTestTempDir("dataset_cli"));
  MakeDataset(dir);
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/docs/examples/read_dataset.py '%s'", FF_SOURCE_DIR, dir);
  int rc = FFTestShell(cmd, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL(rc, 0);
  Expect("u (25, 2) on nodes [1]");
  Expect("p (9, 1) on vertices [1]");
  Expect("'C_D'");
}

static void TestExport(void)
{
  char dir[4096], vtu[4200], pvd[4200], cmd[9000];
  snprintf(dir, sizeof dir, "%s/export", FFTestTempDir("dataset_cli"));
  MakeDataset(dir);
  snprintf(vtu, sizeof vtu, "%s/s3.vtu", FFTestTempDir("dataset_cli"));
  snprintf(cmd, sizeof cmd, "%s export '%s' -sample 3 -o '%s'", FF_CLI, dir, vtu);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  /* The VTU holds the sample's mesh and fields, the vertex field extended to the midpoints. */
  FFDataset ds;
  FFSample s;
  FFVtkData v;
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FF_TEST_CALL(FFDatasetReadSample(ds, 3, FF_READ_ALL, &s));
  FF_TEST_CALL(FFVtkRead(vtu, &v));
  CU_ASSERT_EQUAL_FATAL(v.n_points, s.mesh.n_nodes);
  CU_ASSERT_EQUAL_FATAL(v.n_cells, s.mesh.n_cells);
  for (int k = 0; k < s.mesh.n_nodes; k++) {
    CU_ASSERT_EQUAL(v.points[3 * k], s.mesh.coords[2 * k]);
    CU_ASSERT_EQUAL(v.points[3 * k + 1], s.mesh.coords[2 * k + 1]);
  }
  for (int c = 0; c < s.mesh.n_cells; c++) {
    CU_ASSERT_EQUAL(v.cell_types[c], 22);
    for (int k = 0; k < 6; k++) CU_ASSERT_EQUAL(v.connectivity[v.offsets[c] + k], s.mesh.cells[6 * c + k]);
  }
  const FFVtkArray *u = FFVtkDataField(&v, "u", 0), *p = FFVtkDataField(&v, "p", 0);
  const FFVtkArray *type = FFVtkDataField(&v, "node_type", 0), *sdf = FFVtkDataField(&v, "sdf", 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(u);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(type);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sdf);
  const FFField *fu = FFSampleField(&s, "u"), *fp = FFSampleField(&s, "p");
  for (int k = 0; k < s.mesh.n_nodes; k++) {
    CU_ASSERT_EQUAL(u->values[u->n_components * k], fu->data[2 * k]);
    CU_ASSERT_EQUAL(u->values[u->n_components * k + 1], fu->data[2 * k + 1]);
    CU_ASSERT_EQUAL(type->values[k], s.mesh.node_type[k]);
    CU_ASSERT_EQUAL(sdf->values[k], s.mesh.sdf[k]);
    if (k < s.mesh.n_vertices) CU_ASSERT_EQUAL(p->values[k], fp->data[k]);
  }
  const int *c0 = s.mesh.cells;
  FF_TEST_CLOSE(p->values[c0[3]], 0.5 * (fp->data[c0[0]] + fp->data[c0[1]]), 1e-15, 0);
  FFVtkDataFree(&v);
  FFSampleDestroy(&s);
  FFDatasetDestroy(&ds);
  /* A split as a collection: the ok samples, one VTU each. */
  snprintf(pvd, sizeof pvd, "%s/all.pvd", FFTestTempDir("dataset_cli"));
  snprintf(cmd, sizeof cmd, "%s export '%s' -split all -o '%s'", FF_CLI, dir, pvd);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("3 samples of split all");
  char *collection = ReadAll(pvd);
  CU_ASSERT_PTR_NOT_NULL_FATAL(collection);
  CU_ASSERT_PTR_NOT_NULL(strstr(collection, "file=\"all/sample_000000.vtu\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(collection, "file=\"all/sample_000003.vtu\""));
  CU_ASSERT_PTR_NULL(strstr(collection, "sample_000002"));
  free(collection);
  snprintf(vtu, sizeof vtu, "%s/all/sample_000001.vtu", FFTestTempDir("dataset_cli"));
  CU_ASSERT(FFFileExists(vtu));
  /* Errors: a failed, a missing, an unplanned sample; wrong extension; no choice. */
  const char *bad[][2] = {{"-sample 2 -o x.vtu", "sample 2 failed"},
                          {"-sample 4 -o x.vtu", "is missing"},
                          {"-sample 9 -o x.vtu", "has samples 0..4"},
                          {"-sample 0 -o x.pvd", "a sample is written as .vtu"},
                          {"-split test -o x.vtu", "a split is written as .pvd"},
                          {"-split nope/test -o x.pvd", "no split scheme 'nope'"},
                          {"-o x.vtu", "either -sample"},
                          {"-sample 0", "no output given"}};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    snprintf(cmd, sizeof cmd, "cd '%s' && %s export '%s' %s", FFTestTempDir("dataset_cli"), FF_CLI, dir, bad[k][0]);
    CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
    Expect(bad[k][1]);
  }
}

int main(void)
{
  const FFTest tests[] = {
      {"info on a clean dataset", TestInfoClean},
      {"info lists corrupt files, temps, disagreements; exit 1", TestInfoProblems},
      {"info errors", TestInfoErrors},
      {"export a sample (VTU) and a split (PVD); errors", TestExport},
      {"the h5py example of docs/formats.md runs", TestPythonExample},
      {NULL, NULL},
  };
  return FFTestRun("dataset_cli", tests);
}
