/* ConFIG (surrogates/train/conflict_free.c): the combined update against the formula written out
 * literally with vectors, its dot products with both gradients, and the fallbacks. */
#include "ff_report.h"
#include "ff_test.h"

#include <math.h>
#include <stdlib.h>

/* The formula of docs/references.md §1, literally, in double. */
static void Reference(int n, const double *g1, const double *g2, double *g)
{
  double a[64], b[64], v[64], d11 = 0, d22 = 0, d12 = 0, na = 0, nb = 0, nv = 0, p1 = 0, p2 = 0;
  for (int i = 0; i < n; i++) d11 += g1[i] * g1[i], d22 += g2[i] * g2[i], d12 += g1[i] * g2[i];
  for (int i = 0; i < n; i++) {
    a[i] = g2[i] - d12 / d11 * g1[i]; /* O(g1, g2) */
    b[i] = g1[i] - d12 / d22 * g2[i]; /* O(g2, g1) */
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  for (int i = 0; i < n; i++) {
    v[i] = a[i] / sqrt(na) + b[i] / sqrt(nb);
    nv += v[i] * v[i];
  }
  for (int i = 0; i < n; i++) {
    v[i] /= sqrt(nv);
    p1 += g1[i] * v[i];
    p2 += g2[i] * v[i];
  }
  for (int i = 0; i < n; i++) g[i] = (p1 + p2) * v[i];
}

static void Check(int n, const double *g1d, const double *g2d)
{
  float g1[64], g2[64], g[64];
  double ref[64], dot1 = 0, dot2 = 0;
  FFConFIGInfo info;
  for (int i = 0; i < n; i++) g1[i] = (float)g1d[i], g2[i] = (float)g2d[i];
  FF_TEST_PETSC(FFConFIGCombine((size_t)n, g1, g2, g, &info));
  Reference(n, g1d, g2d, ref);
  for (int i = 0; i < n; i++) {
    FF_TEST_CLOSE(g[i], ref[i], 1e-5, 1e-6);
    dot1 += g[i] * g1d[i];
    dot2 += g[i] * g2d[i];
  }
  CU_ASSERT(dot1 > 0);
  CU_ASSERT(dot2 > 0);
  CU_ASSERT_EQUAL(info.used, 2);
  FF_TEST_CLOSE(info.dot1, dot1, 1e-5, 1e-7);
  FF_TEST_CLOSE(info.dot2, dot2, 1e-5, 1e-7);
}

static void TestHandMade(void)
{
  /* orthogonal unit gradients: the update is their sum */
  const double e1[2] = {1, 0}, e2[2] = {0, 1};
  float g1[2] = {1, 0}, g2[2] = {0, 1}, g[2];
  FF_TEST_PETSC(FFConFIGCombine(2, g1, g2, g, NULL));
  FF_TEST_CLOSE(g[0], 1.0, 1e-6, 0);
  FF_TEST_CLOSE(g[1], 1.0, 1e-6, 0);
  Check(2, e1, e2);
  /* 45 degrees apart: g_v = (cos 22.5, sin 22.5) scaled by (cos 22.5 + sqrt 2 cos 22.5) */
  const double a[2] = {1, 0}, b[2] = {1, 1};
  Check(2, a, b);
  float fa[2] = {1, 0}, fb[2] = {1, 1};
  FF_TEST_PETSC(FFConFIGCombine(2, fa, fb, g, NULL));
  const double c = cos(M_PI / 8), s = sin(M_PI / 8), len = c + sqrt(2.0) * c;
  FF_TEST_CLOSE(g[0], len * c, 1e-6, 0);
  FF_TEST_CLOSE(g[1], len * s, 1e-6, 0);
  /* conflicting gradients (obtuse angle) of different sizes */
  const double p[3] = {3, -1, 0.5}, q[3] = {-1, 0.2, 2};
  Check(3, p, q);
}

static void TestConflicting(void)
{
  /* random pairs with a negative dot product: the plain sum would fight one of them */
  FFRng rng;
  FFRngSeed(&rng, 7, 0);
  for (int t = 0; t < 50; t++) {
    double g1[16], g2[16], dot = 0;
    for (int i = 0; i < 16; i++) {
      g1[i] = FFRngNormal(&rng) * (t % 3 + 1);
      g2[i] = FFRngNormal(&rng) * 0.01;
      dot += g1[i] * g2[i];
    }
    if (dot > 0)
      for (int i = 0; i < 16; i++) g2[i] = -g2[i];
    Check(16, g1, g2);
  }
}

static void TestFallbacks(void)
{
  float g1[3] = {1, 2, 3}, g2[3] = {NAN, 0, 1}, g[3];
  FFConFIGInfo info;
  /* a non-finite second gradient: plain g1 */
  FF_TEST_PETSC(FFConFIGCombine(3, g1, g2, g, &info));
  CU_ASSERT_EQUAL(info.used, 1);
  for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(g[i], g1[i]);
  /* a zero second gradient: plain g1 */
  float z[3] = {0, 0, 0};
  FF_TEST_PETSC(FFConFIGCombine(3, g1, z, g, &info));
  CU_ASSERT_EQUAL(info.used, 1);
  for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(g[i], g1[i]);
  /* parallel gradients: along them, with the length of the sum of projections */
  float h[3] = {2, 4, 6};
  FF_TEST_PETSC(FFConFIGCombine(3, g1, h, g, &info));
  CU_ASSERT_EQUAL(info.used, 2);
  for (int i = 0; i < 3; i++) FF_TEST_CLOSE(g[i], 1.5 * g1[i] * 2, 1e-5, 0);
  /* exactly opposite: no update helps both */
  float m[3] = {-1, -2, -3};
  FF_TEST_PETSC(FFConFIGCombine(3, g1, m, g, &info));
  for (int i = 0; i < 3; i++) CU_ASSERT_EQUAL(g[i], 0.0f);
  /* in place (g aliases g1) */
  float a[2] = {1, 0}, b[2] = {0, 1};
  FF_TEST_PETSC(FFConFIGCombine(2, a, b, a, NULL));
  FF_TEST_CLOSE(a[0], 1.0, 1e-6, 0);
  FF_TEST_CLOSE(a[1], 1.0, 1e-6, 0);
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {
      {"ConFIG matches the formula on hand-made vectors", TestHandMade},
      {"ConFIG: positive dot products with conflicting gradients", TestConflicting},
      {"ConFIG: non-finite, zero, parallel, opposite, in place", TestFallbacks},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "surrogate_config", tests);
}
