/* fieldflow generate on coarse DFG channels: a small sweep and what its samples hold, a rerun
 * that keeps everything, resume after SIGKILL equal to an uninterrupted run, failed solves
 * recorded with their reason, 2 ranks (mpiexec) equal to 1, bad input, -help. */
#define _POSIX_C_SOURCE 200809L
#include "ff_io.h"
#include "ff_test.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char out[65536];

static const char *Dir(const char *name)
{
  static char dir[4096];
  char cmd[4200];
  snprintf(dir, sizeof dir, "%s/%s", FFTestTempDir("sweep_cli"), name);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(cmd), 0);
  return dir;
}

/* fieldflow generate on the coarse test case, with more options; returns the exit status. */
static int Generate(const char *launcher, const char *dir, const char *options)
{
  static char cmd[16384];
  snprintf(cmd, sizeof cmd, "%s %s generate -case %s/tests/data/sweep_cylinder_coarse.opts -o '%s' %s", launcher,
           FF_CLI, FF_SOURCE_DIR, dir, options);
  return FFTestShell(cmd, out, sizeof out);
}

static void Expect(const char *text)
{
  const char *found = strstr(out, text);
  if (!found) fprintf(stderr, "expected '%s' in:\n%s\n", text, out);
  CU_ASSERT_PTR_NOT_NULL(found);
}

static void TestSmallSweep(void)
{
  char dir[4096];
  FFDataset ds;
  FFSample s;
  snprintf(dir, sizeof dir, "%s", Dir("small"));
  CU_ASSERT_EQUAL(Generate("", dir, "-n 4"), 0);
  Expect("4 planned samples: 4 ok, 0 failed");
  Expect("this run: 4 solved, 0 failed, 0 kept from before");
  Expect("samples/min");
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  const FFDatasetSpec *spec = FFDatasetGetSpec(ds);
  CU_ASSERT_STRING_EQUAL(spec->case_name, "cylinder-coarse");
  CU_ASSERT_EQUAL(spec->n_params, 1);
  CU_ASSERT_STRING_EQUAL(spec->params[0].name, "re");
  CU_ASSERT_PTR_NOT_NULL(strstr(spec->options, "-bc_inlet parabolic:0.3\n"));
  CU_ASSERT_PTR_NULL(strstr(spec->options, "-sweep_")); /* the sweep's own options are not the solve's */
  CU_ASSERT_EQUAL(spec->n_splits, 2);
  CU_ASSERT_STRING_EQUAL(spec->splits[1].name, "holdout_re");
  long *test, nt;
  FF_TEST_CALL(FFDatasetSplit(ds, "holdout_re/test", &test, &nt));
  CU_ASSERT(nt >= 1 && nt <= 3);
  for (long k = 0; k < nt; k++) CU_ASSERT(FFDatasetPlan(ds)[test[k]] >= 20);
  free(test);
  for (long i = 0; i < 4; i++) {
    FF_TEST_CALL(FFDatasetReadSample(ds, i, FF_READ_ALL, &s));
    CU_ASSERT_EQUAL(s.status, FF_SAMPLE_OK);
    double re = FFDatasetPlan(ds)[i];
    CU_ASSERT(re >= 5 && re <= 40);
    CU_ASSERT_EQUAL(FFScalarFind(s.params, s.n_params, "re")->value, re);
    char line[64];
    snprintf(line, sizeof line, "\n-re %.17g\n", re); /* the sample's own options carry its parameter */
    CU_ASSERT_PTR_NOT_NULL(strstr(s.options, line));
    CU_ASSERT(s.mesh.n_nodes > 500 && s.mesh.n_nodes < 2000);
    CU_ASSERT(s.mesh.row_ptr && s.mesh.msh && !strncmp(s.mesh.msh, "$MeshFormat", 11));
    CU_ASSERT_EQUAL(FFSampleField(&s, "u")->n_comp, 2);
    CU_ASSERT_EQUAL(FFSampleField(&s, "p")->location, FF_FIELD_VERTICES);
    double cd = FFScalarFind(s.forces, s.n_forces, "C_D")->value;
    CU_ASSERT(cd > 3 && cd < 12); /* the DFG cylinder's drag in Re 5..40 */
    CU_ASSERT_PTR_NOT_NULL(FFScalarFind(s.forces, s.n_forces, "dp"));
    CU_ASSERT(s.surface.n >= 10 && !strcmp(s.surface.body, "cylinder"));
    CU_ASSERT(s.solver.iterations >= 1 && s.solver.final_residual < 1e-10);
    CU_ASSERT_PTR_NOT_NULL(FFScalarFind(s.solver.extra, s.solver.n_extra, "continuation_steps"));
    FFSampleDestroy(&s);
  }
  FFDatasetDestroy(&ds);
  /* info agrees; a rerun keeps everything */
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info '%s'", FF_CLI, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("samples   4 ok, 0 failed, 0 corrupt, 0 missing");
  CU_ASSERT_EQUAL(Generate("", dir, "-n 4"), 0);
  Expect("this run: 0 solved, 0 failed, 4 kept from before");
}

static int CountSamples(const char *dir)
{
  char sub[4200];
  int n = 0;
  snprintf(sub, sizeof sub, "%s/samples", dir);
  DIR *d = opendir(sub);
  for (struct dirent *e; d && (e = readdir(d));)
    if (!strncmp(e->d_name, "sample_", 7) && !strstr(e->d_name, ".tmp.") && strstr(e->d_name, ".h5")) n++;
  if (d) closedir(d);
  return n;
}

/* Compares two datasets of the same plan: the same samples, parameters and states; fields and
 * forces equal to solver tolerance. */
static void CompareDatasets(const char *a_dir, const char *b_dir, long n)
{
  FFDataset a, b;
  FF_TEST_CALL(FFDatasetOpen(a_dir, &a));
  FF_TEST_CALL(FFDatasetOpen(b_dir, &b));
  CU_ASSERT_STRING_EQUAL(FFDatasetFingerprint(a), FFDatasetFingerprint(b));
  for (long i = 0; i < n; i++) {
    FFSample x, y;
    FF_TEST_CALL(FFDatasetReadSample(a, i, FF_READ_ALL, &x));
    FF_TEST_CALL(FFDatasetReadSample(b, i, FF_READ_ALL, &y));
    CU_ASSERT_EQUAL(x.status, y.status);
    CU_ASSERT_EQUAL(x.params[0].value, y.params[0].value);
    CU_ASSERT_STRING_EQUAL(x.options, y.options);
    CU_ASSERT_EQUAL_FATAL(x.mesh.n_nodes, y.mesh.n_nodes);
    CU_ASSERT_STRING_EQUAL(x.mesh.msh, y.mesh.msh);
    for (int f = 0; f < x.n_fields; f++) {
      const FFField *fx = &x.fields[f], *fy = FFSampleField(&y, fx->name);
      CU_ASSERT_PTR_NOT_NULL_FATAL(fy);
      long m = (long)FFFieldRows(&x, fx) * fx->n_comp;
      double diff = 0, scale = 0;
      for (long k = 0; k < m; k++) {
        diff = fmax(diff, fabs(fx->data[k] - fy->data[k]));
        scale = fmax(scale, fabs(fx->data[k]));
      }
      if (diff > 1e-10 * scale) fprintf(stderr, "sample %ld field %s differs by %g\n", i, fx->name, diff);
      CU_ASSERT(diff <= 1e-10 * scale);
    }
    for (int k = 0; k < x.n_forces; k++)
      FF_TEST_CLOSE(x.forces[k].value, FFScalarFind(y.forces, y.n_forces, x.forces[k].name)->value, 1e-10, 1e-14);
    FFSampleDestroy(&x);
    FFSampleDestroy(&y);
  }
  FFDatasetDestroy(&a);
  FFDatasetDestroy(&b);
}

/* Starts generate, SIGKILLs it once the first sample file exists, reruns it: the result equals
 * an uninterrupted run. */
static void TestResumeAfterKill(void)
{
  char whole[4096], killed[4096], case_file[4096], tmp[4200];
  const long n = 6;
  snprintf(whole, sizeof whole, "%s", Dir("whole"));
  snprintf(killed, sizeof killed, "%s", Dir("killed"));
  snprintf(case_file, sizeof case_file, "%s/tests/data/sweep_cylinder_coarse.opts", FF_SOURCE_DIR);
  snprintf(tmp, sizeof tmp, "%s/tmp", FFTestTempDir("sweep_cli"));
  FF_TEST_CALL(FFMakeDirs(tmp));
  CU_ASSERT_EQUAL(Generate("", whole, "-n 6"), 0);

  pid_t pid = fork();
  if (pid == 0) {
    setenv("TMPDIR", tmp, 1); /* a killed gmsh run leaves its files here, not in /tmp */
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
    execl(FF_CLI, FF_CLI, "generate", "-case", case_file, "-o", killed, "-n", "6", (char *)NULL);
    _exit(127);
  }
  CU_ASSERT_FATAL(pid > 0);
  int status, exited = 0;
  for (int k = 0; k < 3000 && CountSamples(killed) == 0 && !exited; k++) {
    exited = waitpid(pid, &status, WNOHANG) == pid;
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  }
  CU_ASSERT(!exited); /* killed partway, not after the end */
  kill(pid, SIGKILL);
  if (!exited) waitpid(pid, &status, 0);
  int written = CountSamples(killed);
  CU_ASSERT(written >= 1 && written < n);
  /* what the killed run left is intact: every sample file there passes its checksum */
  FFDataset ds;
  FFDatasetScan scan;
  FF_TEST_CALL(FFDatasetOpen(killed, &ds));
  FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
  CU_ASSERT_EQUAL(scan.counts[FF_STATE_CORRUPT], 0);
  CU_ASSERT_EQUAL(scan.counts[FF_STATE_OK], written);
  FFDatasetScanDestroy(&scan);
  FFDatasetDestroy(&ds);

  CU_ASSERT_EQUAL(Generate("", killed, "-n 6"), 0);
  char kept[128];
  snprintf(kept, sizeof kept, "%d kept from before", written);
  Expect(kept);
  Expect("6 planned samples: 6 ok, 0 failed");
  CompareDatasets(whole, killed, n);
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info '%s'", FF_CLI, killed);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0); /* no corrupt file, no leftover, manifest agrees */
  Expect("manifest  agrees with the files");
  CU_ASSERT_PTR_NULL(strstr(out, "temporary"));
}

/* Newton limited to one iteration and no continuation: every solve fails, is recorded with
 * its reason, and the sweep goes on to the end. */
static void TestFailedSamples(void)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", Dir("failing"));
  CU_ASSERT_EQUAL(Generate("", dir, "-n 3 -snes_max_it 1 -continuation_max_steps 0"), 0);
  Expect("generate: sample 0 failed: Newton did not converge at Re");
  Expect("3 planned samples: 0 ok, 3 failed");
  Expect("this run: 0 solved, 3 failed");
  FFDataset ds;
  FFSample s;
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  for (long i = 0; i < 3; i++) {
    FF_TEST_CALL(FFDatasetReadSample(ds, i, FF_READ_ALL, &s));
    CU_ASSERT_EQUAL(s.status, FF_SAMPLE_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "DIVERGED_MAX_IT"));
    CU_ASSERT_EQUAL(s.solver.iterations, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.options, "-snes_max_it 1\n"));
    FFSampleDestroy(&s);
  }
  FFDatasetDestroy(&ds);
  char cmd[4400];
  snprintf(cmd, sizeof cmd, "%s info '%s'", FF_CLI, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0); /* failures are results, not damage */
  Expect("failures (3)");
}

/* A RANS continuation cut short: each sample's record carries the whole reason, the residual
 * history to its last step included (it was cut at 256 characters, before the history). */
static void TestRansFailure(void)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", Dir("rans_failing"));
  CU_ASSERT_EQUAL(Generate("", dir, "-n 3 -problem rans -rans_max_steps 2"), 0);
  Expect("3 planned samples: 0 ok, 3 failed");
  FFDataset ds;
  FFSample s;
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  for (long i = 0; i < 3; i++) {
    FF_TEST_CALL(FFDatasetReadSample(ds, i, FF_READ_ALL, &s));
    CU_ASSERT_EQUAL(s.status, FF_SAMPLE_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "pseudo-time continuation stalled"));
    const char *hist = strstr(s.reason, "residual history");
    CU_ASSERT_PTR_NOT_NULL(hist);
    if (hist) { /* steps 0, 1, 2, the last one closed */
      CU_ASSERT_PTR_NOT_NULL(strstr(hist, ", 2: "));
      CU_ASSERT_EQUAL(s.reason[strlen(s.reason) - 1], ')');
    }
    FFSampleDestroy(&s);
  }
  FFDatasetDestroy(&ds);
}

/* A sample that cannot be meshed (a body size above what the cylinder allows) is recorded as
 * failed with the mesh module's message; the others are solved. */
static void TestMeshFailure(void)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", Dir("mesh_failure"));
  CU_ASSERT_EQUAL(Generate("", dir, "-n 3 -sweep_params re:5:40,mesh_h_body:0.02:0.08"), 0);
  Expect("3 planned samples:");
  Expect("failed: mesh: option -mesh_h_body:");
  FFDataset ds;
  FFDatasetScan scan;
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
  /* Latin hypercube: one sample in each third of [0.02, 0.08]; h_body >= 0.05 is refused */
  CU_ASSERT(scan.counts[FF_STATE_OK] >= 1 && scan.counts[FF_STATE_FAILED] >= 1);
  for (long i = 0; i < 3; i++) {
    double h = FFDatasetPlan(ds)[2 * i + 1];
    CU_ASSERT_EQUAL(scan.state[i], h < 0.05 ? FF_STATE_OK : FF_STATE_FAILED);
    if (h >= 0.05) CU_ASSERT_PTR_NOT_NULL(strstr(scan.problem[i], "is too coarse for a cylinder"));
  }
  FFDatasetScanDestroy(&scan);
  FFDatasetDestroy(&ds);
}

static void TestTwoRanks(void)
{
  char one[4096], two[4096], launcher[4200], cmd[8400];
  snprintf(one, sizeof one, "%s", Dir("one_rank"));
  snprintf(two, sizeof two, "%s", Dir("two_ranks"));
  CU_ASSERT_EQUAL(Generate("", one, "-n 4"), 0);
  snprintf(launcher, sizeof launcher, "%s -n 2", FF_MPIEXEC);
  CU_ASSERT_EQUAL(Generate(launcher, two, "-n 4"), 0);
  Expect("4 planned samples: 4 ok, 0 failed");
  Expect("on 2 ranks (2 at a time)");
  CompareDatasets(one, two, 4);
  /* both ranks wrote samples: the solver statistics say one rank each */
  snprintf(cmd, sizeof cmd, "%s info '%s'", FF_CLI, two);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
}

static void ExpectError(const char *options, const char *message)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", Dir("bad"));
  CU_ASSERT_EQUAL(Generate("", dir, options), 1);
  Expect(message);
}

static void TestBadInput(void)
{
  ExpectError("-n 0", "option -n: number of samples must be > 0, got 0");
  ExpectError("-n -3", "option -n: number of samples must be > 0, got -3");
  ExpectError("-n 3 -sweep_params re:40:5", "option -sweep_params: parameter re: range [40, 5] is reversed");
  ExpectError("-n 3 -sweep_params re:5:5", "option -sweep_params: parameter re: range [5, 5] is empty");
  ExpectError("-n 3 -sweep_params re:5:40,mach:0.1:0.3",
              "option -sweep_params: parameter 'mach' would set option -mach, which neither the mesh nor the solver");
  ExpectError("-n 3 -sweep_holdout re:50:",
              "option -sweep_holdout: split 'holdout_re': re in [50, inf] holds out none");
  ExpectError("-n 3 -mesh_workdir /tmp/x", "option -mesh_workdir");
  /* an output directory holding another dataset, or other files */
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", Dir("other"));
  CU_ASSERT_EQUAL(Generate("", dir, "-n 2"), 0);
  CU_ASSERT_EQUAL(Generate("", dir, "-n 3"), 1);
  Expect("option -o: output directory");
  Expect("holds another dataset (n 2 there, 3 here)");
  CU_ASSERT_EQUAL(Generate("", dir, "-n 2 -mesh_h 0.1"), 1);
  Expect("holds another dataset (options differ at line");
  snprintf(dir, sizeof dir, "%s", Dir("notes"));
  FF_TEST_CALL(FFMakeDirs(dir));
  char path[4200];
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  FILE *f = fopen(path, "w");
  fputs("mine\n", f);
  fclose(f);
  CU_ASSERT_EQUAL(Generate("", dir, "-n 2"), 1);
  Expect("is not empty ('notes.txt') and holds no fieldflow dataset");
  CU_ASSERT(FFFileExists(path));
}

static void TestHelp(void)
{
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "%s generate -help", FF_CLI);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("-sweep_params");
  Expect("-sweep_sampling <lhs>");
  Expect("-ranks_per_sample <1>");
  Expect("-mesh_h"); /* and the case's options */
  Expect("-re <1>");
  /* the command's own options first, PETSc's generic ones after them */
  const char *own = strstr(out, "-sweep_params"), *petsc = strstr(out, "Options of PETSc");
  CU_ASSERT(own && petsc && own < petsc);
  CU_ASSERT_PTR_NOT_NULL(petsc ? strstr(petsc, "-log_view") : NULL);
}

int main(void)
{
  const FFTest tests[] = {
      {"small coarse sweep: samples, splits, info, rerun keeps all", TestSmallSweep},
      {"killed with SIGKILL and rerun: equal to an uninterrupted run", TestResumeAfterKill},
      {"failed solves recorded with their reason, sweep goes on", TestFailedSamples},
      {"a RANS failure recorded with its whole residual history", TestRansFailure},
      {"a sample that cannot be meshed recorded as failed", TestMeshFailure},
      {"2 ranks (mpiexec) equal to 1 rank", TestTwoRanks},
      {"bad input: clear errors naming the option", TestBadInput},
      {"-help lists the options with defaults", TestHelp},
      {NULL, NULL},
  };
  return FFTestRun("sweep_cli", tests);
}
