/* Faults of a run, and files that are not what they should be: two sweeps into one directory,
 * kill -9 while a checkpoint is written, a read-only output directory, NaN or Inf in a
 * dataset's field, a checkpoint of another model or of another version. Each must end in a
 * clear error naming the file (or the run that holds it), with nothing lost. */
#include "ff_test_dataset.h"
#include "ff_test_faults.h"

#include <dirent.h>
#include <errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <time.h>

static char out[65536];

static const char *Dir(const char *name)
{
  static char dir[4096];
  snprintf(dir, sizeof dir, "%s/%s", FFTestTempDir("faults_runs"), name);
  return dir;
}

static int Expect(const char *what)
{
  int found = strstr(out, what) != NULL;
  if (!found) fprintf(stderr, "expected '%s' in:\n%s\n", what, out);
  CU_ASSERT(found);
  return found;
}

/* Starts `fieldflow args...` in the background, output discarded. */
static pid_t Start(const char *const args[])
{
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!getenv("FF_TEST_SHOW") && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
      _exit(126);
    execv(FF_CLI, (char *const *)args);
    _exit(127);
  }
  return pid;
}

/* Waits (at most 60 s) until dir holds a file whose name contains part (or, with part NULL,
 * until the file dir exists); 0 when the process ended first. */
static int WaitForFile(pid_t pid, const char *dir, const char *part, long poll_us)
{
  for (double start = FFTimeNow(); FFTimeNow() - start < 60;) {
    if (part ? FFTestCountFiles(dir, part) > 0 : FFFileExists(dir)) return 1;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) return 0;
    if (poll_us > 0) nanosleep(&(struct timespec){0, poll_us * 1000}, NULL);
  }
  return 0;
}

/* ---------- two sweeps into one directory ---------- */

static void TestTwoSweeps(void)
{
  char dir[4096], samples[4200], case_file[4096], cmd[16384];
  snprintf(dir, sizeof dir, "%s", Dir("two"));
  snprintf(samples, sizeof samples, "%s/samples", dir);
  snprintf(case_file, sizeof case_file, "%s/tests/data/sweep_darcy_coarse.opts", FF_SOURCE_DIR);
  const char *args[] = {FF_CLI, "generate", "-case", case_file, "-n", "64", "-o", dir, "-progress", "0", NULL};
  snprintf(cmd, sizeof cmd, "%s generate -case %s -n 64 -o %s -progress 0", FF_CLI, case_file, dir);
  pid_t first = Start(args);
  CU_ASSERT_FATAL(first > 0);
  CU_ASSERT_FATAL(WaitForFile(first, samples, "sample_", 1000));
  /* the first run is paused midway (SIGSTOP), so it surely still holds the directory when the
   * second starts: the second is refused, naming the first */
  kill(first, SIGSTOP);
  CU_ASSERT_NOT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  kill(first, SIGCONT);
  char holder[64];
  snprintf(holder, sizeof holder, "is being written by another fieldflow generate (pid %ld", (long)first);
  Expect(holder);
  Expect(dir);
  int status;
  CU_ASSERT_EQUAL(waitpid(first, &status, 0), first);
  CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* the first run's dataset is whole, and the lock is free again */
  snprintf(cmd, sizeof cmd, "%s info '%s'", FF_CLI, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  snprintf(cmd, sizeof cmd, "%s generate -case %s -n 64 -o %s -progress 0", FF_CLI, case_file, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("0 solved, 0 failed, 64 kept from before");
}

/* A run killed with SIGKILL holds no lock: the system released it with the process. */
static void TestKilledSweepReleasesLock(void)
{
  char dir[4096], samples[4200], case_file[4096], cmd[16384];
  snprintf(dir, sizeof dir, "%s", Dir("killed"));
  snprintf(samples, sizeof samples, "%s/samples", dir);
  snprintf(case_file, sizeof case_file, "%s/tests/data/sweep_darcy_coarse.opts", FF_SOURCE_DIR);
  const char *args[] = {FF_CLI, "generate", "-case", case_file, "-n", "16", "-o", dir, "-progress", "0", NULL};
  pid_t first = Start(args);
  CU_ASSERT_FATAL(first > 0);
  CU_ASSERT_FATAL(WaitForFile(first, samples, "sample_", 1000));
  kill(first, SIGKILL);
  int status;
  waitpid(first, &status, 0);
  snprintf(cmd, sizeof cmd, "%s generate -case %s -n 16 -o %s -progress 0", FF_CLI, case_file, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("16 planned samples: 16 ok");
}

/* ---------- kill -9 while a checkpoint is written ---------- */

/* A small Darcy dataset for the training runs. */
static const char *Dataset(void)
{
  static char dir[4096];
  if (dir[0]) return dir;
  char cmd[16384];
  snprintf(dir, sizeof dir, "%s", Dir("darcy"));
  snprintf(cmd, sizeof cmd, "%s generate -case %s/tests/data/sweep_darcy_coarse.opts -n 3 -o %s -progress 0", FF_CLI,
           FF_SOURCE_DIR, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  return dir;
}

static int CountPrefix(const char *dir, const char *prefix)
{
  int n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) n += !strncmp(e->d_name, prefix, strlen(prefix));
  if (d) closedir(d);
  return n;
}

/* Training that saves a checkpoint after every step, killed while one is being written (a
 * temporary file beside the model is seen): the model file is the last complete checkpoint,
 * which loads, and -resume trains on from it to the end, removing the half-written one. */
static void TestKillDuringCheckpoint(void)
{
  char dir[4096], model[4200], cmd[16384];
  const char *data = Dataset();
  snprintf(dir, sizeof dir, "%s", Dir("kill_checkpoint"));
  FF_TEST_CALL(FFMakeDirs(dir));
  snprintf(model, sizeof model, "%s/model.h5", dir);
  /* a wide model trained on few points a step: the 10 MB checkpoint takes most of each step's time */
  const char *args[] = {FF_CLI,
                        "train",
                        "-model",
                        "field",
                        "-width",
                        "512",
                        "-depth",
                        "4",
                        "-hyper_width",
                        "16",
                        "-points",
                        "16",
                        "-data",
                        data,
                        "-split",
                        "all",
                        "-checkpoint_every",
                        "1",
                        "-epochs",
                        "100000",
                        "-o",
                        model,
                        NULL};
  pid_t pid = Start(args);
  CU_ASSERT_FATAL(pid > 0);
  int first = WaitForFile(pid, model, NULL, 1000);                  /* a first checkpoint is complete */
  int writing = first && WaitForFile(pid, dir, "model.h5.tmp.", 0); /* the next is being written */
  CU_ASSERT(first && writing);
  kill(pid, SIGKILL);
  int status;
  waitpid(pid, &status, 0);
  CU_ASSERT(WIFSIGNALED(status));
  FFKeyValues *kv;
  FF_TEST_CALL(FFKeyValuesCreate(&kv));
  FF_TEST_CALL(FFCheckpointReadConfig(model, kv));
  FFKeyValuesDestroy(&kv);
  CU_ASSERT_EQUAL(CountPrefix(dir, "model.h5.tmp."), 1); /* the killed run's half checkpoint */
  snprintf(cmd, sizeof cmd, "%s train -resume %s -epochs 40", FF_CLI, model);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect("trained after 40 steps");
  CU_ASSERT_EQUAL(CountPrefix(dir, "model.h5.tmp."), 0); /* removed by the next save (FFRemoveStaleTemps) */
  snprintf(cmd, sizeof cmd, "%s predict -model %s -case %s/tests/data/sweep_darcy_coarse.opts -o %s/p.vtu", FF_CLI,
           model, FF_SOURCE_DIR, dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
}

/* ---------- a read-only output directory ---------- */

/* Runs the command as a user who may not write dir: as root (whom permissions do not stop),
 * as nobody through setpriv; otherwise with dir made read-only. */
static int ShellReadOnly(const char *dir, const char *cmdline)
{
  char cmd[16384 + 2 * 4096 + 128];
  if (geteuid() == 0)
    snprintf(cmd, sizeof cmd, "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp %s", cmdline);
  else
    snprintf(cmd, sizeof cmd, "chmod 555 '%s' && %s; s=$?; chmod 755 '%s'; exit $s", dir, cmdline, dir);
  return FFTestShell(cmd, out, sizeof out);
}

static void TestReadOnlyOutput(void)
{
  char ro[4096], cmd[16384], target[4300];
  const char *data = Dataset();
  snprintf(ro, sizeof ro, "%s", Dir("read_only"));
  FF_TEST_CALL(FFMakeDirs(ro));
  /* a sweep, a solve (VTU and JSON), a training (checkpoint) */
  snprintf(target, sizeof target, "%s/data", ro);
  snprintf(cmd, sizeof cmd, "%s generate -case %s/tests/data/sweep_darcy_coarse.opts -n 2 -o %s", FF_CLI, FF_SOURCE_DIR,
           target);
  CU_ASSERT_NOT_EQUAL(ShellReadOnly(ro, cmd), 0);
  Expect(target);
  snprintf(target, sizeof target, "%s/solve.vtu", ro);
  snprintf(cmd, sizeof cmd, "%s solve -case %s/tests/data/sweep_darcy_coarse.opts -o %s", FF_CLI, FF_SOURCE_DIR,
           target);
  CU_ASSERT_NOT_EQUAL(ShellReadOnly(ro, cmd), 0);
  Expect(target);
  snprintf(target, sizeof target, "%s/model.h5", ro);
  snprintf(cmd, sizeof cmd, "%s train -model field -data %s -epochs 1 -o %s", FF_CLI, data, target);
  CU_ASSERT_NOT_EQUAL(ShellReadOnly(ro, cmd), 0);
  Expect(target);
  CU_ASSERT_EQUAL(FFTestCountFiles(ro, "."), 2); /* "." and "..": nothing was written */
}

/* ---------- NaN or Inf in a dataset's field ---------- */

/* Replaces the first float64 equal to from in the file by to, then seals the file again, as a
 * program that edits a sample (h5py) and reseals it would: the checksum passes. */
static void PatchDouble(const char *path, double from, double to, long index)
{
  size_t n = 0;
  char *bytes = FFTestReadAll(path, &n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
  size_t at = n;
  for (size_t i = 0; i + 8 <= n && at == n; i++)
    if (!memcmp(bytes + i, &from, 8)) at = i;
  CU_ASSERT_FATAL(at < n);
  memcpy(bytes + at, &to, 8);
  FILE *f = fopen(path, "wb");
  CU_ASSERT_FATAL(f && fwrite(bytes, 1, n, f) == n);
  fclose(f);
  free(bytes);
  FF_TEST_CALL(FFFileSeal(path, "sample", index, "ok"));
}

static void TestNonFiniteField(void)
{
  char dir[4096], path[4200], cmd[16384];
  snprintf(dir, sizeof dir, "%s", Dir("nonfinite"));
  FFDatasetSpec spec;
  FFParamRange params[3];
  FFTestSpec(&spec, params, 3, 5);
  FFDataset ds;
  FF_TEST_CALL(FFDatasetCreate(dir, &spec, &ds));
  const double marks[2] = {12345.678, -8765.4321}, bad[2] = {NAN, INFINITY};
  const char *field[2] = {"u", "p"};
  for (long i = 0; i < 2; i++) {
    FFSample s;
    FFTestSampleData d;
    FF_TEST_CALL(FFDatasetSampleInit(ds, i, &s));
    FFTestMakeSample(4, i, &d, &s);
    (i == 0 ? d.u : d.p)[3] = marks[i]; /* a value to find in the file */
    FF_TEST_CALL(FFDatasetWriteSample(ds, &s));
    FFTestFreeSample(&d);
    FF_TEST_CALL(FFDatasetSamplePath(ds, i, path, sizeof path));
    PatchDouble(path, marks[i], bad[i], i);
    FFSample back;
    CU_ASSERT_EQUAL(FFSampleRead(path, FF_READ_ALL, &back), FF_ERR_FORMAT);
    const char *msg = FFErrorMessage();
    char what[64];
    snprintf(what, sizeof what, "field '%s' has a non-finite value", field[i]);
    if (!strstr(msg, path) || !strstr(msg, what)) fprintf(stderr, "expected '%s' and '%s' in: %s\n", path, what, msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, what));
  }
  FF_TEST_CALL(FFTestWriteSample(ds, 2, 4));
  long counts[4];
  FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, counts));
  FFDatasetDestroy(&ds);
  /* the command that reads it names the file */
  snprintf(path, sizeof path, "%s/samples/sample_000000.h5", dir);
  snprintf(cmd, sizeof cmd, "%s export %s -sample 0 -o %s/s0.vtu", FF_CLI, dir, dir);
  CU_ASSERT_NOT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect(path);
  Expect("non-finite");
}

/* ---------- a checkpoint of another model or version ---------- */

static FFParams *Model(int rows)
{
  FFParams *P;
  int id;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "w", rows, 4, FF_INIT_UNIFORM, 0.5f, 0, &id));
  FF_TEST_CALL(FFParamsAdd(P, "b", 1, 4, FF_INIT_ZERO, 0, 0, &id));
  FF_TEST_CALL(FFParamsSetUp(P, 3));
  return P;
}

static void TestOtherCheckpoint(void)
{
  char dir[4096], path[4200], cmd[16384];
  snprintf(dir, sizeof dir, "%s", Dir("checkpoints"));
  FF_TEST_CALL(FFMakeDirs(dir));
  snprintf(path, sizeof path, "%s/model.h5", dir);
  FFParams *saved = Model(8), *other = Model(9);
  FF_TEST_CALL(FFCheckpointSave(path, saved, NULL, NULL, NULL));
  /* another model: named, and the model loaded into is untouched */
  float before = other->values[0];
  CU_ASSERT_EQUAL(FFCheckpointLoad(path, other, NULL, NULL, NULL), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "parameter 'w' has shape 8 x 4, the model has 9 x 4"));
  CU_ASSERT_EQUAL(other->values[0], before);
  /* another version: a file written (and sealed) by a later fieldflow */
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  CU_ASSERT_FATAL(f >= 0);
  hid_t a = H5Aopen(f, "version", H5P_DEFAULT);
  int64_t later = 3;
  CU_ASSERT(a >= 0 && H5Awrite(a, H5T_NATIVE_INT64, &later) >= 0);
  H5Aclose(a);
  H5Fclose(f);
  FF_TEST_CALL(FFFileSeal(path, "checkpoint", -1, "ok"));
  CU_ASSERT_EQUAL(FFCheckpointLoad(path, saved, NULL, NULL, NULL), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "not a fieldflow checkpoint of version 2"));
  FFParamsDestroy(&saved);
  FFParamsDestroy(&other);
  /* the commands: predict with a file that is not a model, resume a model of another kind */
  snprintf(cmd, sizeof cmd, "%s predict -model %s -case %s/tests/data/sweep_darcy_coarse.opts -o %s/p.vtu", FF_CLI,
           path, FF_SOURCE_DIR, dir);
  CU_ASSERT_NOT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect(path);
  const char *data = Dataset();
  snprintf(path, sizeof path, "%s/gnn.h5", dir);
  snprintf(cmd, sizeof cmd, "%s train -model gnn -width 8 -depth 1 -data %s -split all -epochs 1 -o %s", FF_CLI, data,
           path);
  CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, out, sizeof out), 0);
  snprintf(cmd, sizeof cmd, "%s train -model field -resume %s -epochs 2", FF_CLI, path);
  CU_ASSERT_NOT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  Expect(path);
}

int main(void)
{
  char clean[4200]; /* a fresh start: what an earlier run left would change what the runs find */
  snprintf(clean, sizeof clean, "rm -rf '%s'", FFTestTempDir("faults_runs"));
  if (FFTestShell(clean, NULL, 0)) return 1;
  const FFTest tests[] = {
      {"two sweeps into one directory: the second refused naming the first, never interleaved", TestTwoSweeps},
      {"a sweep killed with SIGKILL leaves no lock behind", TestKilledSweepReleasesLock},
      {"kill -9 while a checkpoint is written: the last one loads, -resume trains on", TestKillDuringCheckpoint},
      {"a read-only output directory: generate, solve, train refuse it naming the file", TestReadOnlyOutput},
      {"NaN or Inf in a sample's field: refused naming the file", TestNonFiniteField},
      {"a checkpoint of another model or version: refused naming the file", TestOtherCheckpoint},
      {NULL, NULL},
  };
  return FFTestRun("faults_runs", tests);
}
