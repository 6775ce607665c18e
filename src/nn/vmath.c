/* Elementary functions over arrays for the activations and the Fourier features, vectorized with
 * SLEEF: the widest instruction set the CPU has, chosen at each call (a CPU-feature test is a
 * load and a bit test, negligible beside the arrays these calls see). This file holds the
 * dispatch and the SSE2 kernels every x86-64 CPU runs; vmath_avx2.c and vmath_avx512.c are
 * compiled for their instruction sets and run only where the CPU has them. */
#include "nn_private.h"

#include <math.h>
#if defined(__x86_64__)
#include <sleef.h>
#endif

/* A tail shorter than the vector width goes through a full-width copy, so every element of
 * every array is computed by the same SLEEF routine and the results do not depend on n. */
#if defined(__x86_64__)
#define W 4

static void ExpSSE2(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm_storeu_ps(y + i, Sleef_expf4_u10sse2(_mm_loadu_ps(x + i)));
  if (i < n) {
    float t[W] = {0};
    for (long k = i; k < n; k++) t[k - i] = x[k];
    _mm_storeu_ps(t, Sleef_expf4_u10sse2(_mm_loadu_ps(t)));
    for (long k = i; k < n; k++) y[k] = t[k - i];
  }
}

static void SinCosPiSSE2(long n, const float *x, float *s, float *c)
{
  long i = 0;
  for (; i + W <= n; i += W) {
    Sleef___m128_2 r = Sleef_sincospif4_u05sse2(_mm_loadu_ps(x + i));
    _mm_storeu_ps(s + i, r.x);
    _mm_storeu_ps(c + i, r.y);
  }
  if (i < n) {
    float t[W] = {0}, ts[W], tc[W];
    for (long k = i; k < n; k++) t[k - i] = x[k];
    Sleef___m128_2 r = Sleef_sincospif4_u05sse2(_mm_loadu_ps(t));
    _mm_storeu_ps(ts, r.x);
    _mm_storeu_ps(tc, r.y);
    for (long k = i; k < n; k++) s[k] = ts[k - i], c[k] = tc[k - i];
  }
}

/* silu(z) = z / (1 + exp(-z)); exp(-z) = inf for z < -88.7 gives -0, the limit */
static inline __m128 SiLU4(__m128 z)
{
  const __m128 one = _mm_set1_ps(1.0f);
  __m128 e = Sleef_expf4_u10sse2(_mm_sub_ps(_mm_setzero_ps(), z));
  return _mm_div_ps(z, _mm_add_ps(one, e));
}

/* silu'(z) = s (1 + z (1 - s)), s = 1 / (1 + e), e = exp(-z). For z >= 0, 1 - s = e s: the
 * subtraction would cancel as s -> 1 (16 ulp at z = 16); for z < 0, 1 - s >= 1/2 is exact
 * enough and e s would be inf * 0 once e overflows. */
static inline __m128 SiLUGrad4(__m128 z, __m128 dy)
{
  const __m128 one = _mm_set1_ps(1.0f), zero = _mm_setzero_ps();
  __m128 e = Sleef_expf4_u10sse2(_mm_sub_ps(zero, z));
  __m128 s = _mm_div_ps(one, _mm_add_ps(one, e));
  __m128 neg = _mm_cmplt_ps(z, zero);
  __m128 t = _mm_or_ps(_mm_and_ps(neg, _mm_sub_ps(one, s)), _mm_andnot_ps(neg, _mm_mul_ps(e, s)));
  __m128 d = _mm_mul_ps(s, _mm_add_ps(one, _mm_mul_ps(z, t)));
  return _mm_mul_ps(dy, d);
}

static void SiLUSSE2(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm_storeu_ps(y + i, SiLU4(_mm_loadu_ps(x + i)));
  if (i < n) {
    float t[W] = {0};
    for (long k = i; k < n; k++) t[k - i] = x[k];
    _mm_storeu_ps(t, SiLU4(_mm_loadu_ps(t)));
    for (long k = i; k < n; k++) y[k] = t[k - i];
  }
}

static void SiLUBackwardSSE2(long n, const float *z, const float *dy, float *dz)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm_storeu_ps(dz + i, SiLUGrad4(_mm_loadu_ps(z + i), _mm_loadu_ps(dy + i)));
  if (i < n) {
    float tz[W] = {0}, td[W] = {0};
    for (long k = i; k < n; k++) tz[k - i] = z[k], td[k - i] = dy[k];
    _mm_storeu_ps(td, SiLUGrad4(_mm_loadu_ps(tz), _mm_loadu_ps(td)));
    for (long k = i; k < n; k++) dz[k] = td[k - i];
  }
}

static const FFVecMath sse2 = {"sse2", ExpSSE2, SinCosPiSSE2, SiLUSSE2, SiLUBackwardSSE2};

const FFVecMath *FFVecMathGet(const char *isa)
{
  const int has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  const int has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!isa) return has512 ? &FFVecMathAVX512 : has2 ? &FFVecMathAVX2 : &sse2;
  if (!strcmp(isa, "avx512f")) return has512 ? &FFVecMathAVX512 : NULL;
  if (!strcmp(isa, "avx2")) return has2 ? &FFVecMathAVX2 : NULL;
  if (!strcmp(isa, "sse2")) return &sse2;
  return NULL;
}

#else /* not x86-64: libm, one element at a time */

static void ExpLibm(long n, const float *x, float *y)
{
  for (long i = 0; i < n; i++) y[i] = expf(x[i]);
}

static void SinCosPiLibm(long n, const float *x, float *s, float *c)
{
  for (long i = 0; i < n; i++) {
    const double r = x[i] - 2.0 * nearbyint(0.5 * x[i]); /* exact: |r| <= 1 */
    s[i] = (float)sin(M_PI * r);
    c[i] = (float)cos(M_PI * r);
  }
}

static void SiLULibm(long n, const float *x, float *y)
{
  for (long i = 0; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}

static void SiLUBackwardLibm(long n, const float *z, const float *dy, float *dz)
{
  for (long i = 0; i < n; i++) {
    const float e = expf(-z[i]), s = 1.0f / (1.0f + e), t = z[i] < 0 ? 1.0f - s : e * s; /* 1 - s */
    dz[i] = dy[i] * (s * (1.0f + z[i] * t));
  }
}

static const FFVecMath libm = {"libm", ExpLibm, SinCosPiLibm, SiLULibm, SiLUBackwardLibm};

const FFVecMath *FFVecMathGet(const char *isa) { return !isa || !strcmp(isa, "libm") ? &libm : NULL; }
#endif

void FFVecExp(long n, const float *x, float *y) { FFVecMathGet(NULL)->exp(n, x, y); }
void FFVecSinCosPi(long n, const float *x, float *s, float *c) { FFVecMathGet(NULL)->sincospi(n, x, s, c); }
void FFVecSiLU(long n, const float *x, float *y) { FFVecMathGet(NULL)->silu(n, x, y); }
void FFVecSiLUBackward(long n, const float *z, const float *dy, float *dz)
{
  FFVecMathGet(NULL)->silu_backward(n, z, dy, dz);
}
