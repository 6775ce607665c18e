/* nn: the vectorized elementary functions (FFVecMath) against libm in double, in ulps of the
 * float result, over the ranges the activations and Fourier features use; every instruction set
 * this CPU has, array lengths with tails, outputs over inputs; and the layers that use them
 * against the scalar formulas.
 *
 * Bounds: SLEEF documents 1.0 ulp for expf_u10 and 0.506 ulp for sincospif_u05; the references
 * (double, then the error in float ulps) add ~1e-9 ulp. SiLU z / (1 + e) adds to exp's 1 ulp two
 * roundings (the sum, the quotient: 0.5 ulp each) and the sum passes e's relative error on times
 * e / (1 + e) < 1: within 2 ulp of the quotient, i.e. < 3 ulp with a ulp defined at the
 * result's binade (a relative error of k 2^-24 is up to 2k ulp there). Its derivative
 * s (1 + z (1 - s)) cancels near its zero (z = -1.278), so there the bound is absolute: the
 * same few roundings of terms of size up to 1 + |z|, times s <= 1. */
#include "ff_nn.h"
#include "ff_test.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* |y - ref| in units of the float spacing at ref's binade (subnormal spacing below FLT_MIN). */
static double Ulps(float y, double ref)
{
  if (isnan(ref)) return isnan(y) ? 0.0 : INFINITY;
  if (isinf(ref)) return (isinf(y) && (y > 0) == (ref > 0)) ? 0.0 : INFINITY;
  double a = fabs(ref);
  int e;
  frexp(a < FLT_MIN ? FLT_MIN : a, &e); /* a in [2^(e-1), 2^e) */
  const double ulp = ldexp(1.0, e - 1 - 23);
  return fabs((double)y - ref) / ulp;
}

/* n points: a uniform grid over [lo, hi] and random points in it, so both smooth coverage and
 * arbitrary mantissas are seen. */
static float *Points(long n, double lo, double hi, uint64_t seed)
{
  float *x = malloc((size_t)n * sizeof *x);
  FFRng rng;
  FFRngSeed(&rng, seed, 0);
  for (long i = 0; i < n; i++)
    x[i] = (float)(i % 2 ? lo + (hi - lo) * FFRngUniform(&rng) : lo + (hi - lo) * (double)i / (double)(n - 1));
  return x;
}

/* sin(pi x) or cos(pi x) in double with an exact reduction to f in [-1/4, 1/4], so that the zeros
 * at integers and half-integers come out exactly zero */
static double RefSinPi(float x, int cosine)
{
  const double r = (double)x - 2.0 * nearbyint(0.5 * (double)x); /* exact, |r| <= 1 */
  const double q = nearbyint(2.0 * r), f = r - 0.5 * q;          /* exact */
  const int k = ((int)q + (cosine ? 1 : 0)) & 3;                 /* cos(pi r) = sin(pi (r + 1/2)) */
  const double sf = sin(M_PI * f), cf = cos(M_PI * f);
  return k == 0 ? sf : k == 1 ? cf : k == 2 ? -sf : -cf;
}

static double RefSiLU(float z) { return (double)z / (1.0 + exp(-(double)z)); }

static double RefSiLUGrad(float z)
{
  const double e = exp(-(double)z), s = 1.0 / (1.0 + e);
  return s * (1.0 + (double)z * e * s);
}

#define N 200001 /* odd: every kernel's tail runs */

static void ForEachISA(void (*check)(const FFVecMath *m))
{
  const char *isas[] = {"avx512f", "avx2", "sse2", "libm"};
  int ran = 0;
  for (int k = 0; k < 4; k++) {
    const FFVecMath *m = FFVecMathGet(isas[k]);
    if (!m) continue;
    CU_ASSERT_STRING_EQUAL(m->isa, isas[k]);
    check(m);
    ran++;
  }
  CU_ASSERT(ran >= 1);
  CU_ASSERT_PTR_NOT_NULL(FFVecMathGet(NULL));
  CU_ASSERT_PTR_NULL(FFVecMathGet("no-such-isa"));
}

static void CheckExp(const FFVecMath *m)
{
  /* SiLU evaluates exp(-z) for any z: every float argument whose exp is finite and normal */
  float *x = Points(N, -87.0, 88.0, 1), *y = malloc(N * sizeof *y);
  m->exp(N, x, y);
  double worst = 0;
  for (long i = 0; i < N; i++) worst = fmax(worst, Ulps(y[i], exp((double)x[i])));
  printf("  %-7s exp      [-87, 88]     max error %.3f ulp\n", m->isa, worst);
  CU_ASSERT(worst <= 1.0);
  m->exp(N, x, x); /* in place */
  CU_ASSERT(memcmp(x, y, N * sizeof *y) == 0);
  free(x);
  free(y);
}

static void CheckSinCosPi(const FFVecMath *m)
{
  /* Fourier features: 2 x B^T with standardized inputs (|x| < ~10) and frequencies of a few
   * standard deviations of scales up to ~10: well inside +-2^12; the small range in detail */
  const double ranges[2][2] = {{-4.0, 4.0}, {-4096.0, 4096.0}};
  for (int r = 0; r < 2; r++) {
    float *x = Points(N, ranges[r][0], ranges[r][1], 2 + r), *s = malloc(N * sizeof *s), *c = malloc(N * sizeof *c);
    m->sincospi(N, x, s, c);
    double ws = 0, wc = 0;
    for (long i = 0; i < N; i++) {
      ws = fmax(ws, Ulps(s[i], RefSinPi(x[i], 0)));
      wc = fmax(wc, Ulps(c[i], RefSinPi(x[i], 1)));
    }
    printf("  %-7s sin(pi x), cos(pi x) [%g, %g] max error %.3f, %.3f ulp\n", m->isa, ranges[r][0], ranges[r][1], ws,
           wc);
    CU_ASSERT(ws <= 0.506 && wc <= 0.506);
    m->sincospi(N, x, s, x); /* the cosine over the input, as FFOpFourier does */
    CU_ASSERT(memcmp(x, c, N * sizeof *c) == 0);
    free(x);
    free(s);
    free(c);
  }
}

static void CheckSiLU(const FFVecMath *m)
{
  /* where exp(-z) is finite: z > -88.7; beyond, the result is -0 (the limit; the exact value is
   * below 1e-36 there) */
  float *z = Points(N, -88.0, 88.0, 4), *y = malloc(N * sizeof *y), *dy = Points(N, -2.0, 2.0, 5),
        *dz = malloc(N * sizeof *dz);
  m->silu(N, z, y);
  m->silu_backward(N, z, dy, dz);
  double wy = 0, wd = 0;
  for (long i = 0; i < N; i++) {
    wy = fmax(wy, Ulps(y[i], RefSiLU(z[i])));
    const double ref = (double)dy[i] * RefSiLUGrad(z[i]);
    /* relative bound, or absolute at the scale of dy (1 + |z| (1 - s)) near the derivative's zero */
    const double s = 1.0 / (1.0 + exp(-(double)z[i]));
    const double scale = fabs((double)dy[i]) * s * (1.0 + fabs((double)z[i]) * (1.0 - s));
    const double abs_ulps = fabs((double)dz[i] - ref) / (scale * 0x1p-24 + FLT_MIN);
    wd = fmax(wd, fmin(Ulps(dz[i], ref), abs_ulps));
  }
  printf("  %-7s silu     [-88, 88]     max error %.3f ulp; dy silu'(z): %.3f ulp (absolute at its scale near 0)\n",
         m->isa, wy, wd);
  CU_ASSERT(wy <= 3.0);
  CU_ASSERT(wd <= 4.0);
  const float far[3] = {-88.8f, -100.0f, -1e30f};
  float out[3];
  m->silu(3, far, out);
  for (int k = 0; k < 3; k++) CU_ASSERT(out[k] == 0.0f && signbit(out[k]));
  m->silu(N, z, z); /* in place */
  CU_ASSERT(memcmp(z, y, N * sizeof *y) == 0);
  free(z);
  free(y);
  free(dy);
  free(dz);
}

static void TestExp(void) { ForEachISA(CheckExp); }
static void TestSinCosPi(void) { ForEachISA(CheckSinCosPi); }
static void TestSiLU(void) { ForEachISA(CheckSiLU); }

/* The layers through the vectorized path against the scalar formulas in double: a SiLU linear
 * layer and Fourier features, forward and backward. */
static void TestLayers(void)
{
  FFParams *P;
  FF_TEST_CALL(FFParamsCreate(&P));
  FFLinear lin;
  FFFourierFeatures ff;
  const float scales[1] = {3.0f};
  FF_TEST_CALL(FFLinearCreate(P, "lin", 5, 37, &lin)); /* 37: a tail in every instruction set */
  FF_TEST_CALL(FFFourierFeaturesCreate(P, "ff", 2, 19, 1, scales, 1, &ff));
  FF_TEST_CALL(FFParamsSetUp(P, 7));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  const int rows = 300;
  float *x = Points(rows * 5, -3.0, 3.0, 9), *xy = Points(rows * 2, -2.0, 2.0, 10);
  FFTensor *tx, *ty, *y, *f;
  FF_TEST_CALL(FFTapeLeaf(tape, rows, 5, x, 1, &tx));
  FF_TEST_CALL(FFLinearForward(&lin, tape, tx, FF_ACT_SILU, &y));
  FF_TEST_CALL(FFTapeLeaf(tape, rows, 2, xy, 0, &ty));
  FF_TEST_CALL(FFFourierFeaturesForward(&ff, tape, ty, &f));
  const float *W = FFParamsData(P, lin.weight), *b = FFParamsData(P, lin.bias), *B = FFParamsData(P, ff.freq);
  float *grad, *seed = malloc((size_t)rows * 37 * sizeof *seed);
  for (int k = 0; k < rows * 37; k++) seed[k] = (float)((k % 7) - 3) / 3.0f;
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  const float *seeds[1] = {seed};
  FF_TEST_CALL(FFTapeBackwardFrom(tape, 1, &y, seeds, grad));
  double worst_y = 0, worst_dx = 0, worst_f = 0;
  for (int r = 0; r < rows; r++) {
    double dx[5] = {0};
    for (int o = 0; o < 37; o++) {
      double z = b[o];
      for (int j = 0; j < 5; j++) z += (double)W[o * 5 + j] * x[r * 5 + j];
      const double s = 1.0 / (1.0 + exp(-z)), ref = z * s;
      /* z carries the product's float rounding: compare at the scale of the terms */
      worst_y = fmax(worst_y, fabs(y->data[r * 37 + o] - ref) / (1.0 + fabs(ref)));
      for (int j = 0; j < 5; j++) dx[j] += seed[r * 37 + o] * s * (1.0 + z * (1.0 - s)) * W[o * 5 + j];
    }
    for (int j = 0; j < 5; j++) worst_dx = fmax(worst_dx, fabs(tx->grad[r * 5 + j] - dx[j]) / (1.0 + fabs(dx[j])));
    for (int k = 0; k < 19; k++) {
      const double zk = 2.0 * M_PI * ((double)B[k * 2] * xy[r * 2] + (double)B[k * 2 + 1] * xy[r * 2 + 1]);
      worst_f = fmax(worst_f, fabs(f->data[r * f->cols + k] - sin(zk)));
      worst_f = fmax(worst_f, fabs(f->data[r * f->cols + 19 + k] - cos(zk)));
    }
    CU_ASSERT(f->data[r * f->cols + 38] == xy[r * 2] && f->data[r * f->cols + 39] == xy[r * 2 + 1]);
  }
  /* float sums of 5 terms of size ~3 (forward) and of 37 (backward): a few 1e-7 relative; the
   * Fourier argument 2 pi z with |z| up to ~20 carries z's rounding, ~20 * 2pi * 2^-24 = 7e-6 */
  printf("  layers: SiLU linear %.2e, its input gradient %.2e, Fourier features %.2e\n", worst_y, worst_dx, worst_f);
  CU_ASSERT(worst_y < 1e-6);
  CU_ASSERT(worst_dx < 1e-5);
  CU_ASSERT(worst_f < 2e-5);
  free(seed);
  free(grad);
  free(x);
  free(xy);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&P);
}

int main(void)
{
  const FFTest tests[] = {{"exp within 1 ulp", TestExp},
                          {"sin/cos(pi x) within 0.506 ulp", TestSinCosPi},
                          {"SiLU and its derivative within 3 and 4 ulp", TestSiLU},
                          {"layers through the vectorized path", TestLayers},
                          {NULL, NULL}};
  return FFTestRun("nn_vmath", tests);
}
