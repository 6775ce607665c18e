/* Sweep plans: Latin hypercube stratification, Sobol' points against known values, range
 * parsing and the errors for bad ranges. */
#include "ff_test.h"
#include "ff_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every coordinate puts exactly one point in each of the n strata. */
static int Stratified(const double *u, long n, int dim, int d)
{
  int *hits = calloc(n, sizeof(int)), ok = 1;
  for (long i = 0; i < n; i++) {
    double x = u[i * dim + d];
    if (!(x >= 0 && x < 1)) ok = 0;
    long k = (long)floor(x * n);
    if (k >= 0 && k < n) hits[k]++;
  }
  for (long k = 0; k < n; k++) ok &= hits[k] == 1;
  free(hits);
  return ok;
}

static void TestLatinHypercube(void)
{
  const long n = 37;
  const int dim = 5;
  double a[37 * 5], b[37 * 5], c[37 * 5];
  FF_TEST_CALL(FFLatinHypercube(n, dim, 3, a));
  FF_TEST_CALL(FFLatinHypercube(n, dim, 3, b));
  FF_TEST_CALL(FFLatinHypercube(n, dim, 4, c));
  for (int d = 0; d < dim; d++) {
    CU_ASSERT(Stratified(a, n, dim, d));
    CU_ASSERT(Stratified(c, n, dim, d));
  }
  CU_ASSERT(!memcmp(a, b, sizeof a));
  CU_ASSERT(memcmp(a, c, sizeof a) != 0);
  /* The strata are not matched identically across coordinates. */
  int same = 1;
  for (long i = 0; i < n; i++) same &= floor(a[i * dim] * n) == floor(a[i * dim + 1] * n);
  CU_ASSERT(!same);
  CU_ASSERT_EQUAL(FFLatinHypercube(0, 2, 1, a), FF_ERR_ARG);
}

/* Reference values from torch.quasirandom.SobolEngine(8, scramble=False).draw(10). */
static const double sobol_first[10][8] = {
    {0, 0, 0, 0, 0, 0, 0, 0},
    {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
    {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75},
    {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25},
    {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875},
    {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375},
    {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125},
    {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625},
    {0.1875, 0.3125, 0.9375, 0.4375, 0.5625, 0.3125, 0.4375, 0.9375},
    {0.6875, 0.8125, 0.4375, 0.9375, 0.0625, 0.8125, 0.9375, 0.4375},
};
/* Points 100 and 12345 in all 21 dimensions, times 2^32 (the same reference). */
static const uint32_t sobol_far[2][21] = {
    {1778384896u, 1107296256u, 3321888768u, 3120562176u, 3791650816u, 3187671040u, 100663296u,
     2046820352u, 2717908992u, 2986344448u, 1979711488u, 2919235584u, 2046820352u, 3657433088u,
     1375731712u, 2113929216u, 2919235584u, 3187671040u, 3590324224u, 1442840576u, 3254779904u},
    {2752774144u, 3493593088u, 688652288u,  2262564864u, 3816030208u, 252968960u,  546570240u,
     486801408u,  3443785728u, 1845231616u, 319029248u,  2571894784u, 3998482432u, 4045144064u,
     148111360u,  2752249856u, 268697600u,  218890240u,  1371799552u, 1475084288u, 855900160u},
};

static void TestSobolKnownValues(void)
{
  double u[10 * 8], far[21];
  FF_TEST_CALL(FFSobolPoints(0, 10, 8, 0, 0, u));
  for (int i = 0; i < 10; i++)
    for (int d = 0; d < 8; d++) CU_ASSERT_EQUAL(u[i * 8 + d], sobol_first[i][d]);
  const long idx[2] = {100, 12345};
  for (int k = 0; k < 2; k++) {
    FF_TEST_CALL(FFSobolPoints(idx[k], 1, 21, 0, 0, far));
    for (int d = 0; d < 21; d++) CU_ASSERT_EQUAL(far[d], sobol_far[k][d] * 0x1.0p-32);
  }
  /* Starting in the middle gives the same points as running from 0. */
  double all[64 * 3], part[7 * 3];
  FF_TEST_CALL(FFSobolPoints(0, 64, 3, 0, 0, all));
  FF_TEST_CALL(FFSobolPoints(29, 7, 3, 0, 0, part));
  CU_ASSERT(!memcmp(part, all + 29 * 3, sizeof part));
  CU_ASSERT_EQUAL(FFSobolPoints(0, 4, FF_SOBOL_MAX_DIM + 1, 0, 0, u), FF_ERR_ARG);
}

static void TestSobolShift(void)
{
  /* A digital shift keeps the 64 first points one per stratum of 1/64 in every coordinate. */
  double a[64 * 6], b[64 * 6], c[64 * 6];
  FF_TEST_CALL(FFSobolPoints(0, 64, 6, 1, 11, a));
  FF_TEST_CALL(FFSobolPoints(0, 64, 6, 1, 11, b));
  FF_TEST_CALL(FFSobolPoints(0, 64, 6, 1, 12, c));
  for (int d = 0; d < 6; d++) CU_ASSERT(Stratified(a, 64, 6, d));
  CU_ASSERT(!memcmp(a, b, sizeof a));
  CU_ASSERT(memcmp(a, c, sizeof a) != 0);
  CU_ASSERT(a[0] != 0 || a[1] != 0); /* the origin moved */
}

static void TestPlan(void)
{
  FFParamRange p[3] = {
      {"aoa", "deg", -2, 8, FF_PARAM_LINEAR}, {"re", "1", 100, 1000, FF_PARAM_LOG}, {"seed", "", 0, 0, FF_PARAM_SEED}};
  const long n = 50;
  double v[50 * 3], w[50 * 3], lhs[50 * 2];
  FF_TEST_CALL(FFSamplingPlan(FF_SAMPLING_LHS, n, 7, 3, p, v));
  FF_TEST_CALL(FFSamplingPlan(FF_SAMPLING_LHS, n, 7, 3, p, w));
  CU_ASSERT(!memcmp(v, w, sizeof v));
  /* The plan is the design mapped to the ranges: linear, and log for Re. */
  FF_TEST_CALL(FFLatinHypercube(n, 2, 7, lhs));
  for (long i = 0; i < n; i++) {
    FF_TEST_CLOSE(v[i * 3], -2 + 10 * lhs[i * 2], 1e-14, 1e-14);
    FF_TEST_CLOSE(log(v[i * 3 + 1]), log(100) + lhs[i * 2 + 1] * log(10), 1e-14, 0);
    CU_ASSERT(v[i * 3 + 1] >= 100 && v[i * 3 + 1] <= 1000);
    double s = v[i * 3 + 2];
    CU_ASSERT(s == floor(s) && s >= 0 && s < 2147483648.0);
    for (long k = 0; k < i; k++) CU_ASSERT(v[k * 3 + 2] != s);
  }
  FF_TEST_CALL(FFSamplingPlan(FF_SAMPLING_SOBOL, n, 7, 3, p, w));
  for (long i = 0; i < n; i++) CU_ASSERT(w[i * 3] >= -2 && w[i * 3] <= 8);
  /* A plan of seeds only (Darcy: N random permeability fields) needs no design. */
  double seeds[50];
  FF_TEST_CALL(FFSamplingPlan(FF_SAMPLING_SOBOL, n, 7, 1, &p[2], seeds));
  for (long i = 0; i < n; i++) {
    CU_ASSERT(seeds[i] == floor(seeds[i]) && seeds[i] >= 0 && seeds[i] < 2147483648.0);
    for (long k = 0; k < i; k++) CU_ASSERT(seeds[k] != seeds[i]);
  }
  /* Bad inputs. */
  FFErrorClear();
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, 0, 7, 3, p, v), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "must be > 0, got 0"));
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, -3, 7, 3, p, v), FF_ERR_ARG);
  FFParamRange bad[2] = {{"aoa", "", 8, -2, FF_PARAM_LINEAR}, {"aoa", "", 0, 1, FF_PARAM_LINEAR}};
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, 5, 7, 1, bad, v), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "reversed"));
  bad[0].lo = bad[0].hi = 3;
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, 5, 7, 1, bad, v), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "empty"));
  bad[0].lo = 0;
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, 5, 7, 2, bad, v), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "declared twice"));
  FFParamRange lg = {"re", "", 0, 10, FF_PARAM_LOG};
  CU_ASSERT_EQUAL(FFSamplingPlan(FF_SAMPLING_LHS, 5, 7, 1, &lg, v), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "lo > 0"));
}

static void TestRangeParse(void)
{
  FFParamRange r;
  FF_TEST_CALL(FFParamRangeParse("aoa[deg]:-2:8", &r));
  CU_ASSERT_STRING_EQUAL(r.name, "aoa");
  CU_ASSERT_STRING_EQUAL(r.units, "deg");
  CU_ASSERT_EQUAL(r.lo, -2);
  CU_ASSERT_EQUAL(r.hi, 8);
  CU_ASSERT_EQUAL(r.scale, FF_PARAM_LINEAR);
  FF_TEST_CALL(FFParamRangeParse("re:1e2:1e3:log", &r));
  CU_ASSERT_EQUAL(r.scale, FF_PARAM_LOG);
  CU_ASSERT_EQUAL(r.hi, 1000);
  FF_TEST_CALL(FFParamRangeParse("seed:seed", &r));
  CU_ASSERT_EQUAL(r.scale, FF_PARAM_SEED);
  const char *bad[] = {"aoa:8:2", "aoa:1:1", "aoa:x:2", "aoa:1", ":0:1", "re:0:10:log", "aoa:0:1:cubic", NULL};
  const char *why[] = {"reversed", "empty", "not a number", "not of the form", "empty name", "lo > 0", "unknown scale"};
  for (int k = 0; bad[k]; k++) {
    CU_ASSERT_EQUAL(FFParamRangeParse(bad[k], &r), FF_ERR_ARG);
    if (!strstr(FFErrorMessage(), why[k])) fprintf(stderr, "'%s': %s\n", bad[k], FFErrorMessage());
    CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), why[k]));
  }
  FFSamplingMethod m;
  FF_TEST_CALL(FFSamplingMethodFromName("sobol", &m));
  CU_ASSERT_EQUAL(m, FF_SAMPLING_SOBOL);
  CU_ASSERT_EQUAL(FFSamplingMethodFromName("grid", &m), FF_ERR_ARG);
}

int main(void)
{
  const FFTest tests[] = {
      {"Latin hypercube: one point per stratum, seeded", TestLatinHypercube},
      {"Sobol' points equal the Joe-Kuo reference values", TestSobolKnownValues},
      {"Sobol' digital shift keeps the strata, seeded", TestSobolShift},
      {"plans map designs to linear, log and seed parameters; bad ranges", TestPlan},
      {"parameter range syntax and its errors", TestRangeParse},
      {NULL, NULL},
  };
  return FFTestRun("dataset_sampling", tests);
}
