/* Ensemble calibration (FFEnsembleCalibrate, docs/references.md §8) on hand-made ensembles with
 * known answers: CRPS of small ensembles written out, coverage and rank histogram of ties, a
 * calibrated Gaussian ensemble (coverage 0.5 / 0.9, spread-skill 1, CRPS sigma (1 + 1/m) /
 * sqrt(pi), flat ranks) and an under-dispersed one (its coverage from the normal law, a
 * U-shaped rank histogram); entries where the truths do not vary are left out. */
#include "ff_flow.h"
#include "ff_test.h"

#include <math.h>
#include <stdlib.h>

/* One entry, members {0, 1}: CRPS = mean |x - y| - |0 - 1| * 2 / (2 * 4). */
static void TestSmallCRPS(void)
{
  const double ens[2] = {0, 1}, truth[3] = {0.5, 2.0, 0.0};
  FFEnsembleCalibration c;
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(2, ens, 1, truth, 1, 1, 1, 0, 1, &c), 0);
  FF_TEST_CLOSE(c.crps, 0.5 - 0.25, 1e-14, 0);
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(2, ens, 1, truth + 1, 1, 1, 1, 0, 1, &c), 0);
  FF_TEST_CLOSE(c.crps, 1.5 - 0.25, 1e-14, 0);
  /* y = 0 ties with a member: rank 0 or 1 of 3 places, PIT uniform on [0, 2/3] */
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(2, ens, 1, truth + 2, 1, 1, 1, 0, 1, &c), 0);
  FF_TEST_CLOSE(c.crps, 0.5 - 0.25, 1e-14, 0);
  FF_TEST_CLOSE(c.coverage90, (2.0 / 3 - 0.05) / (2.0 / 3), 1e-12, 0);
  FF_TEST_CLOSE(c.coverage50, (2.0 / 3 - 0.25) / (2.0 / 3), 1e-12, 0);
  /* three members {1, 2, 4}, y = 3: mean |x - y| = 4/3, pair sum 2 (1 + 3 + 2) = 12 */
  const double e3[3] = {4, 1, 2}, y3 = 3;
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(3, e3, 1, &y3, 1, 1, 1, 0, 1, &c), 0);
  FF_TEST_CLOSE(c.crps, 4.0 / 3 - 12.0 / 18, 1e-14, 0);
  /* rank 2 of 4 places: PIT on [1/2, 3/4]; 90% interval holds all of it, 50% interval all */
  FF_TEST_CLOSE(c.coverage90, 1.0, 1e-14, 0);
  FF_TEST_CLOSE(c.coverage50, 1.0, 1e-14, 0);
  FF_TEST_CLOSE(c.rank_hist[10] + c.rank_hist[11] + c.rank_hist[12] + c.rank_hist[13] + c.rank_hist[14], 1.0, 1e-12, 0);
}

/* Ties and entries that do not vary. A truth equal to members takes any of their places: with
 * members {1, 1, 2, 2} a truth 1 has PIT uniform on [0, 3/5] and a truth 2 on [2/5, 1], so the
 * 90% interval holds 0.55 / 0.6 of each and the 50% interval 0.35 / 0.6; CRPS 0.5 - 8 / 32. A
 * column whose truths are equal everywhere is left out. */
static void TestTies(void)
{
  enum { M = 4, T = 2, R = 3 };
  double ens[M * R * 2], truth[T * R * 2];
  for (int k = 0; k < M; k++)
    for (int r = 0; r < R; r++) ens[(k * R + r) * 2] = 1 + k / 2, ens[(k * R + r) * 2 + 1] = r;
  for (int k = 0; k < T; k++)
    for (int r = 0; r < R; r++) truth[(k * R + r) * 2] = 1 + k, truth[(k * R + r) * 2 + 1] = 10 * r;
  FFEnsembleCalibration c;
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(M, ens, T, truth, R, 2, R, 0, 1, &c), 0);
  CU_ASSERT_EQUAL(c.n_entries, R);
  CU_ASSERT_EQUAL(c.n_constant, 0);
  FF_TEST_CLOSE(c.coverage90, 0.55 / 0.6, 1e-12, 0);
  FF_TEST_CLOSE(c.coverage50, 0.35 / 0.6, 1e-12, 0);
  FF_TEST_CLOSE(c.crps, 0.5 - 8.0 / 32, 1e-12, 0);
  FF_TEST_CLOSE(c.rank_hist[0], 0.5 / 12, 1e-12, 0);  /* half the truths spread over 12 bins */
  FF_TEST_CLOSE(c.rank_hist[10], 1.0 / 12, 1e-12, 0); /* both halves overlap on [0.4, 0.6] */
  /* column 1 varies over the rows but is the same in both truths: left out */
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(M, ens, T, truth, R, 2, R, 1, 1, &c), 0);
  CU_ASSERT_EQUAL(c.n_constant, R);
  CU_ASSERT_EQUAL(c.n_entries, 0);
  CU_ASSERT(isnan(c.coverage90) && isnan(c.crps));
}

/* The standard normal distribution function. */
static double Phi(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* R independent entries, m members of N(0, (a sigma)^2) and T truths of N(0, sigma^2). Errors
 * of the estimates: R T = 40000 PIT values give coverage to +- sqrt(0.09 / 40000) = 0.0015 (one
 * sigma), CRPS to about 0.4 sigma / sqrt(40000) = 0.002 sigma; tolerances are 5-7 of them. */
static void Gaussian(double a, FFEnsembleCalibration *c)
{
  enum { M = 50, T = 20, R = 2000 };
  const double sigma = 2.0;
  double *ens = malloc(sizeof(double) * M * R), *truth = malloc(sizeof(double) * T * R);
  FFRng rng;
  FFRngSeed(&rng, 77, 0);
  for (int i = 0; i < M * R; i++) ens[i] = a * sigma * FFRngNormal(&rng);
  for (int i = 0; i < T * R; i++) truth[i] = sigma * FFRngNormal(&rng);
  CU_ASSERT_EQUAL(FFEnsembleCalibrate(M, ens, T, truth, R, 1, R, 0, 1, c), 0);
  free(ens);
  free(truth);
}

static void TestCalibratedGaussian(void)
{
  enum { M = 50 };
  const double sigma = 2.0;
  FFEnsembleCalibration c;
  Gaussian(1.0, &c);
  printf("\n  calibrated: coverage %.4f / %.4f, spread-skill %.4f, CRPS %.4f (%.4f)", c.coverage50, c.coverage90,
         c.spread_skill, c.crps, sigma * (1 + 1.0 / M) / sqrt(M_PI));
  FF_TEST_CLOSE(c.coverage50, 0.5, 0, 0.012);
  FF_TEST_CLOSE(c.coverage90, 0.9, 0, 0.008);
  FF_TEST_CLOSE(c.spread_skill, 1.0, 0, 0.02);
  FF_TEST_CLOSE(c.crps, sigma * (1 + 1.0 / M) / sqrt(M_PI), 0, 0.012);
  FF_TEST_CLOSE(c.spread, sigma, 0, 0.02);
  FF_TEST_CLOSE(c.ref_spread, sigma, 0, 0.03);
  for (int b = 0; b < FF_FLOW_RANK_BINS; b++) FF_TEST_CLOSE(c.rank_hist[b], 0.05, 0, 0.006);
}

/* The expected coverage of the central interval [lo, hi] of PIT for members of N(0, (a sigma)^2)
 * and truths of N(0, sigma^2): given the truth z sigma, the members below it are
 * Binomial(m, Phi(z / a)), and rank r puts the PIT uniformly on [r, r + 1] / (m + 1). */
static double ExpectedCoverage(int m, double a, double lo, double hi)
{
  double sum = 0;
  const double dz = 1e-3;
  for (double z = -8; z <= 8; z += dz) {
    const double p = Phi(z / a), w = exp(-0.5 * z * z) / sqrt(2 * M_PI) * dz;
    for (int r = 0; r <= m; r++) {
      const double logpmf = lgamma(m + 1.0) - lgamma(r + 1.0) - lgamma(m - r + 1.0) + (r ? r * log(p) : 0) +
                            (m - r ? (m - r) * log1p(-p) : 0);
      const double a0 = (double)r / (m + 1), a1 = (double)(r + 1) / (m + 1);
      const double in = fmax(0, fmin(a1, hi) - fmax(a0, lo)) * (m + 1);
      if (in > 0 && p > 0 && p < 1) sum += w * exp(logpmf) * in;
    }
  }
  return sum;
}

/* Members half as wide: the coverage from the binomial law of the rank (about the normal law's
 * 2 Phi(1.645 / 2) - 1 = 0.589, widened by the scatter of 50 members' quantiles). */
static void TestUnderDispersed(void)
{
  enum { M = 50 };
  FFEnsembleCalibration c;
  Gaussian(0.5, &c);
  const double c90 = ExpectedCoverage(M, 0.5, 0.05, 0.95), c50 = ExpectedCoverage(M, 0.5, 0.25, 0.75);
  const double ssr = 0.5 * sqrt((M + 1.0) / M) / sqrt(1 + 0.25 / M);
  printf("\n  half as wide: coverage %.4f / %.4f (%.4f / %.4f), spread-skill %.4f (%.4f), outer bins %.3f %.3f",
         c.coverage50, c.coverage90, c50, c90, c.spread_skill, ssr, c.rank_hist[0], c.rank_hist[FF_FLOW_RANK_BINS - 1]);
  FF_TEST_CLOSE(c.coverage90, c90, 0, 0.01);
  FF_TEST_CLOSE(c.coverage50, c50, 0, 0.01);
  FF_TEST_CLOSE(c.spread_skill, ssr, 0, 0.02);
  CU_ASSERT(c.rank_hist[0] > 0.15 && c.rank_hist[FF_FLOW_RANK_BINS - 1] > 0.15); /* U-shaped */
  CU_ASSERT(c.rank_hist[FF_FLOW_RANK_BINS / 2] < 0.04);
}

int main(void)
{
  const FFTest tests[] = {{"CRPS and PIT of small ensembles written out", TestSmallCRPS},
                          {"ties and entries that do not vary", TestTies},
                          {"a calibrated Gaussian ensemble", TestCalibratedGaussian},
                          {"an under-dispersed Gaussian ensemble", TestUnderDispersed},
                          {NULL, NULL}};
  return FFTestRun("flow_calibration", tests);
}
