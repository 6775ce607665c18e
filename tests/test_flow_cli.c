/* The flow-matching commands on a tiny Darcy set: fieldflow train -model fm|pbfm|mf|pbmf, a
 * resumed PBFM (and physics-based MeanFlow) run equal to an uninterrupted one, fieldflow sample
 * (files, seeded at any step count), compare -mode uq (its residuals agree with sample's; the
 * calibration numbers and the rank histogram), 2 ranks equal to 1, bad input. */
#include "ff_test.h"
#include "ff_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SUITE "flow_cli"

static char out[65536];
static char dir[4096];

static int Run(const char *fmt, ...) FF_PRINTF(1, 2);
static int Run(const char *fmt, ...)
{
  char args[8192], cmd[16384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  snprintf(cmd, sizeof cmd, "cd '%s' && OMP_NUM_THREADS=1 %s", dir, args);
  const int rc = FFTestShell(cmd, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n-> %d:\n%s\n", cmd, rc, out);
  return rc;
}

static void Expect(const char *text)
{
  const char *found = strstr(out, text);
  if (!found) fprintf(stderr, "expected '%s' in:\n%s\n", text, out);
  CU_ASSERT_PTR_NOT_NULL(found);
}

static char *Slurp(const char *name)
{
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  s[fread(s, 1, (size_t)n, f)] = '\0';
  fclose(f);
  return s;
}

static int Exists(const char *name)
{
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return FFFileExists(path);
}

/* Two CSV texts with the same cells, numbers equal to rtol (nan equal to nan). */
static void CsvClose(const char *a, const char *b, double rtol)
{
  while (*a && *b) {
    size_t na = strcspn(a, ",\n"), nb = strcspn(b, ",\n");
    char *ea, *eb;
    const double x = strtod(a, &ea), y = strtod(b, &eb);
    if (ea == a + na && eb == b + nb && na && nb) {
      if (isnan(x) || isnan(y)) {
        CU_ASSERT(isnan(x) && isnan(y));
      } else {
        FF_TEST_CLOSE(x, y, rtol, 0);
      }
    } else {
      CU_ASSERT(na == nb && !strncmp(a, b, na));
    }
    a += na, b += nb;
    CU_ASSERT_EQUAL(*a, *b);
    if (*a != *b) return;
    if (*a) a++, b++;
  }
  CU_ASSERT(!*a && !*b);
}

static json_object *Json(const char *name)
{
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return FFTestJsonRead(path);
}

#define NET "-width 16 -blocks 2 -depth 1 -time_dim 8 -batch 4 -val_split none"

static void TestTrain(void)
{
  snprintf(dir, sizeof dir, "%s", FFTestTempDir(SUITE));
  CU_ASSERT_EQUAL_FATAL(
      Run("rm -rf data *.h5 *.csv s1 s2 s3 uq && %s generate -case %s/tests/data/sweep_darcy_coarse.opts "
          "-n 16 -o data -progress 0",
          FF_CLI, FF_SOURCE_DIR),
      0);
  CU_ASSERT_EQUAL(Run("%s train -model fm -data data -split all -o fm.h5 -epochs 3 " NET, FF_CLI), 0);
  Expect("training a fm flow model");
  Expect("trained after 12 steps (3 epochs)");
  CU_ASSERT(Exists("fm.h5") && Exists("fm_loss.csv"));
  CU_ASSERT_EQUAL(Run("%s train -model pbfm -data data -split all -o pbfm.h5 -epochs 4 -unroll_max 2 " NET, FF_CLI), 0);
  Expect("residual loss by ConFIG");
  Expect("physics");
  Expect("trained after 16 steps (4 epochs)");
  /* stopped after 6 steps, resumed: the same model as the uninterrupted run */
  CU_ASSERT_EQUAL(
      Run("%s train -model pbfm -data data -split all -o part.h5 -epochs 4 -unroll_max 2 -stop_at_step 6 " NET, FF_CLI),
      0);
  Expect("stopped early");
  CU_ASSERT_EQUAL(Run("%s train -resume part.h5", FF_CLI), 0);
  Expect("trained after 16 steps (4 epochs)");
  CU_ASSERT_EQUAL(Run("%s sample -model pbfm.h5 -n 3 -o s1 -physics 0 && %s sample -model part.h5 -n 3 -o s2 -physics "
                      "0 && cmp s1/ensemble.vtu s2/ensemble.vtu",
                      FF_CLI, FF_CLI),
                  0);
  /* MeanFlow, and MeanFlow with the residual of its one-step prediction, with OT couplings */
  CU_ASSERT_EQUAL(Run("%s train -model mf -data data -split all -o mf.h5 -epochs 3 -ot " NET, FF_CLI), 0);
  Expect("training a mf flow model");
  Expect("trained after 12 steps (3 epochs)");
  CU_ASSERT_EQUAL(Run("%s train -model pbmf -data data -split all -o pbmf.h5 -epochs 4 -unroll_max 2 " NET, FF_CLI), 0);
  Expect("residual loss by ConFIG");
  CU_ASSERT_EQUAL(
      Run("%s train -model pbmf -data data -split all -o pbmf_part.h5 -epochs 4 -unroll_max 2 -stop_at_step 7 " NET,
          FF_CLI),
      0);
  CU_ASSERT_EQUAL(Run("%s train -resume pbmf_part.h5", FF_CLI), 0);
  CU_ASSERT_EQUAL(Run("%s sample -model pbmf.h5 -n 3 -o m1 -physics 0 && %s sample -model pbmf_part.h5 -n 3 -o m2 "
                      "-physics 0 && cmp m1/ensemble.vtu m2/ensemble.vtu",
                      FF_CLI, FF_CLI),
                  0);
}

static void TestSample(void)
{
  CU_ASSERT_EQUAL(Run("%s sample -model pbfm.h5 -n 6 -batch 4 -seed 3 -o s1 -per_sample", FF_CLI), 0);
  Expect("sampled 6 fields");
  Expect("residual (mean squared over");
  CU_ASSERT(Exists("s1/ensemble.vtu") && Exists("s1/samples.pvd") && Exists("s1/samples/sample_000005.vtu"));
  json_object *json = Json("s1/summary.json");
  char *csv1 = Slurp("s1/samples.csv");
  CU_ASSERT_FATAL(json && csv1);
  CU_ASSERT_EQUAL((int)FFTestJsonNumber(json, "/samples"), 6);
  CU_ASSERT_EQUAL((int)FFTestJsonNumber(json, "/residual_ms/count"), 6);
  const double r_mean = FFTestJsonNumber(json, "/residual_ms/mean");
  CU_ASSERT(r_mean > 0 && isfinite(r_mean));
  /* seeded: the same seed (another batch size) gives the same samples, another seed others */
  CU_ASSERT_EQUAL(Run("%s sample -model pbfm.h5 -n 6 -batch 6 -seed 3 -o s2", FF_CLI), 0);
  CU_ASSERT_EQUAL(Run("%s sample -model pbfm.h5 -n 6 -seed 4 -o s3", FF_CLI), 0);
  char *csv2 = Slurp("s2/samples.csv"), *csv3 = Slurp("s3/samples.csv");
  json_object *json2 = Json("s2/summary.json");
  CU_ASSERT_FATAL(csv2 && csv3 && json2);
  FF_TEST_CLOSE(FFTestJsonNumber(json2, "/residual_ms/mean"), r_mean, 1e-4, 0);
  CU_ASSERT(strcmp(csv1, csv3) != 0);
  /* compare -mode uq with the same seed draws the same ensemble: the same residuals; the
   * reference solves have the residual of converged solves */
  CU_ASSERT_EQUAL(Run("%s compare -mode uq -model pbfm.h5 -data data -n 6 -seed 3 -time_solves 1 -o uq", FF_CLI), 0);
  Expect("6 generated vs 16 reference samples");
  json_object *uq = Json("uq/uq.json");
  CU_ASSERT_FATAL(uq != NULL);
  FF_TEST_CLOSE(FFTestJsonNumber(uq, "/residual_generated/mean"), r_mean, 1e-4, 0);
  CU_ASSERT(FFTestJsonNumber(uq, "/residual_reference/max") < 1e-20);
  CU_ASSERT(FFTestJsonNumber(uq, "/wd") > 0);
  CU_ASSERT(Exists("uq/uq.md") && Exists("uq/ensemble.vtu") && Exists("uq/rank_histogram.png"));
  /* calibration: shares in [0, 1], a histogram that sums to 1, the Monte Carlo floor (6 of the
   * 16 solves against the other 10) */
  const char *keys[4] = {"coverage50", "coverage90", "spread_skill", "crps"};
  for (int k = 0; k < 4; k++) {
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/fields/p/%s", keys[k]);
    const double v = FFTestJsonNumber(uq, ptr);
    CU_ASSERT(isfinite(v) && v >= 0 && (k > 1 || v <= 1));
  }
  double hist = 0;
  for (int b = 0; b < 20; b++) {
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/fields/K/rank_histogram/%d", b);
    hist += FFTestJsonNumber(uq, ptr);
  }
  FF_TEST_CLOSE(hist, 1.0, 1e-9, 0);
  CU_ASSERT_EQUAL((int)FFTestJsonNumber(uq, "/monte_carlo_floor/truths"), 10);
  CU_ASSERT(FFTestJsonNumber(uq, "/monte_carlo_floor/fields/p/std_rel_l2") > 0);
  json_object_put(json), json_object_put(json2), json_object_put(uq);
  free(csv1), free(csv2), free(csv3);
  /* every model samples with -steps N, seeded: MeanFlow in one and two jumps, flow matching in
   * one and three steps of either integrator */
  const struct {
    const char *args;
    int steps;
  } runs[6] = {
      {"-model mf.h5 -steps 1", 1},   {"-model mf.h5 -steps 2", 2},
      {"-model pbmf.h5 -steps 2", 2}, {"-model fm.h5 -steps 1", 1},
      {"-model fm.h5 -steps 3", 3},   {"-model fm.h5 -steps 3 -integrator euler -grid uniform -t_star 0.2", 3}};
  for (int k = 0; k < 6; k++) {
    /* bit for bit with the same batch; with another batch to float32 rounding (the BLAS may sum
     * a row's products in another order when the rows around it change: OpenBLAS's Haswell
     * kernels do), the tolerance of the batch-size check above */
    CU_ASSERT_EQUAL(Run("%s sample %s -n 5 -batch 2 -seed 9 -o k1 && %s sample %s -n 5 -batch 2 -seed 9 -o k1b && cmp "
                        "k1/samples.csv k1b/samples.csv && cmp k1/ensemble.vtu k1b/ensemble.vtu && "
                        "%s sample %s -n 5 -batch 5 -seed 9 -o k2",
                        FF_CLI, runs[k].args, FF_CLI, runs[k].args, FF_CLI, runs[k].args),
                    0);
    char *a = Slurp("k1/samples.csv"), *b = Slurp("k2/samples.csv");
    CU_ASSERT_FATAL(a && b);
    CsvClose(a, b, 1e-4);
    free(a), free(b);
    json_object *j = Json("k1/summary.json");
    CU_ASSERT_FATAL(j != NULL);
    CU_ASSERT_EQUAL((int)FFTestJsonNumber(j, "/sampler/steps"), runs[k].steps);
    json_object_put(j);
  }
}

/* mpiexec -n 2: the ranks share the samples; the ensemble is the one of one rank. */
static void TestTwoRanks(void)
{
  CU_ASSERT_EQUAL(Run("%s -n 2 %s sample -model pbfm.h5 -n 6 -batch 4 -seed 3 -o s3", FF_MPIEXEC, FF_CLI), 0);
  json_object *a = Json("s1/summary.json"), *b = Json("s3/summary.json");
  CU_ASSERT_FATAL(a && b);
  FF_TEST_CLOSE(FFTestJsonNumber(b, "/residual_ms/mean"), FFTestJsonNumber(a, "/residual_ms/mean"), 1e-4, 0);
  CU_ASSERT_EQUAL((int)FFTestJsonNumber(b, "/ranks"), 2);
  json_object_put(a), json_object_put(b);
  /* MeanFlow's one- and two-step ensembles too, field for field */
  for (int steps = 1; steps <= 2; steps++) {
    CU_ASSERT_EQUAL(Run("%s sample -model mf.h5 -steps %d -n 5 -batch 2 -seed 2 -o r1 && %s -n 2 %s sample -model "
                        "mf.h5 -steps %d -n 5 -batch 2 -seed 2 -o r2 && cmp r1/samples.csv r2/samples.csv && cmp "
                        "r1/ensemble.vtu r2/ensemble.vtu",
                        FF_CLI, steps, FF_MPIEXEC, FF_CLI, steps),
                    0);
  }
}

static void TestBadInput(void)
{
  CU_ASSERT_NOT_EQUAL(Run("%s sample -model fm_loss.csv -n 2 -o bad", FF_CLI), 0);
  Expect("fieldflow sample: error:");
  CU_ASSERT_NOT_EQUAL(Run("%s train -model pbfm -o x.h5", FF_CLI), 0);
  Expect("option -data");
  CU_ASSERT_NOT_EQUAL(Run("%s train -model pbfm -data data -split all -fields p,K -o x.h5 -epochs 1 " NET, FF_CLI), 0);
  Expect("fields must be (K, p)");
  CU_ASSERT_NOT_EQUAL(Run("%s sample -model pbfm.h5 -n 0", FF_CLI), 0);
  Expect("-n 0");
  CU_ASSERT_NOT_EQUAL(Run("%s sample -model pbfm.h5 -n 2 -integrator rk4 -o bad", FF_CLI), 0);
  Expect("option -integrator: 'rk4'");
  CU_ASSERT_NOT_EQUAL(Run("%s sample -model pbfm.h5 -n 2 -grid_range 3,1 -o bad", FF_CLI), 0);
  Expect("option -grid_range");
  CU_ASSERT_NOT_EQUAL(Run("%s train -model xf -data data -o x.h5", FF_CLI), 0);
  Expect("option -model: 'xf'");
  CU_ASSERT_NOT_EQUAL(
      Run("%s train -model mf -data data -split all -o x.h5 -time_sampling beta -epochs 1 " NET, FF_CLI), 0);
  Expect("option -time_sampling: 'beta'");
  CU_ASSERT_EQUAL(Run("%s sample -help", FF_CLI), 0);
  Expect("-t_star");
  CU_ASSERT_EQUAL(Run("%s train -model pbfm -help", FF_CLI), 0);
  Expect("-unroll_last_only");
}

/* no MPI in this process: a singleton MPI here would break the mpiexec it starts */
int main(void)
{
  const FFTest tests[] = {{"train fm and pbfm on a tiny Darcy set; resume equals uninterrupted", TestTrain},
                          {"sample: files, seeded; compare -mode uq agrees", TestSample},
                          {"sample on 2 ranks equals 1", TestTwoRanks},
                          {"bad input, -help", TestBadInput},
                          {NULL, NULL}};
  return FFTestRun(SUITE, tests);
}
