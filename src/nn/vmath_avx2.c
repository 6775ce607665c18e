/* The AVX2 + FMA kernels of vmath.c (this file is compiled with -mavx2 -mfma; vmath.c calls it
 * only on CPUs that have both). */
#include "nn_private.h"

#include <sleef.h>

#define W 8

static void Exp(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm256_storeu_ps(y + i, Sleef_expf8_u10avx2(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float t[W] = {0};
    for (long k = i; k < n; k++) t[k - i] = x[k];
    _mm256_storeu_ps(t, Sleef_expf8_u10avx2(_mm256_loadu_ps(t)));
    for (long k = i; k < n; k++) y[k] = t[k - i];
  }
}

static void SinCosPi(long n, const float *x, float *s, float *c)
{
  long i = 0;
  for (; i + W <= n; i += W) {
    Sleef___m256_2 r = Sleef_sincospif8_u05avx2(_mm256_loadu_ps(x + i));
    _mm256_storeu_ps(s + i, r.x);
    _mm256_storeu_ps(c + i, r.y);
  }
  if (i < n) {
    float t[W] = {0}, ts[W], tc[W];
    for (long k = i; k < n; k++) t[k - i] = x[k];
    Sleef___m256_2 r = Sleef_sincospif8_u05avx2(_mm256_loadu_ps(t));
    _mm256_storeu_ps(ts, r.x);
    _mm256_storeu_ps(tc, r.y);
    for (long k = i; k < n; k++) s[k] = ts[k - i], c[k] = tc[k - i];
  }
}

/* silu(z) = z / (1 + exp(-z)) */
static inline __m256 SiLU8(__m256 z)
{
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 e = Sleef_expf8_u10avx2(_mm256_sub_ps(_mm256_setzero_ps(), z));
  return _mm256_div_ps(z, _mm256_add_ps(one, e));
}

/* dy silu'(z), silu'(z) = s (1 + z (1 - s)), s = 1 / (1 + e), e = exp(-z); 1 - s as e s for
 * z >= 0 (see vmath.c) */
static inline __m256 SiLUGrad8(__m256 z, __m256 dy)
{
  const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
  __m256 e = Sleef_expf8_u10avx2(_mm256_sub_ps(zero, z));
  __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, e));
  __m256 t = _mm256_blendv_ps(_mm256_mul_ps(e, s), _mm256_sub_ps(one, s), _mm256_cmp_ps(z, zero, _CMP_LT_OQ));
  __m256 d = _mm256_mul_ps(s, _mm256_add_ps(one, _mm256_mul_ps(z, t)));
  return _mm256_mul_ps(dy, d);
}

static void SiLU(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm256_storeu_ps(y + i, SiLU8(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float t[W] = {0};
    for (long k = i; k < n; k++) t[k - i] = x[k];
    _mm256_storeu_ps(t, SiLU8(_mm256_loadu_ps(t)));
    for (long k = i; k < n; k++) y[k] = t[k - i];
  }
}

static void SiLUBackward(long n, const float *z, const float *dy, float *dz)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm256_storeu_ps(dz + i, SiLUGrad8(_mm256_loadu_ps(z + i), _mm256_loadu_ps(dy + i)));
  if (i < n) {
    float tz[W] = {0}, td[W] = {0};
    for (long k = i; k < n; k++) tz[k - i] = z[k], td[k - i] = dy[k];
    _mm256_storeu_ps(td, SiLUGrad8(_mm256_loadu_ps(tz), _mm256_loadu_ps(td)));
    for (long k = i; k < n; k++) dz[k] = td[k - i];
  }
}

const FFVecMath FFVecMathAVX2 = {"avx2", Exp, SinCosPi, SiLU, SiLUBackward};
