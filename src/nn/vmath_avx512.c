/* The AVX-512 kernels of vmath.c (this file is compiled with -mavx512f -mavx512dq; vmath.c
 * calls it only on CPUs that have both). Tails use masked loads and stores. */
#include "nn_private.h"

#include <sleef.h>

#define W 16

static inline __mmask16 Tail(long r) { return (__mmask16)((1u << r) - 1u); }

static void Exp(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm512_storeu_ps(y + i, Sleef_expf16_u10avx512f(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = Tail(n - i);
    _mm512_mask_storeu_ps(y + i, m, Sleef_expf16_u10avx512f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

static void SinCosPi(long n, const float *x, float *s, float *c)
{
  long i = 0;
  for (; i + W <= n; i += W) {
    Sleef___m512_2 r = Sleef_sincospif16_u05avx512f(_mm512_loadu_ps(x + i));
    _mm512_storeu_ps(s + i, r.x);
    _mm512_storeu_ps(c + i, r.y);
  }
  if (i < n) {
    const __mmask16 m = Tail(n - i);
    Sleef___m512_2 r = Sleef_sincospif16_u05avx512f(_mm512_maskz_loadu_ps(m, x + i));
    _mm512_mask_storeu_ps(s + i, m, r.x);
    _mm512_mask_storeu_ps(c + i, m, r.y);
  }
}

/* silu(z) = z / (1 + exp(-z)) */
static inline __m512 SiLU16(__m512 z)
{
  const __m512 one = _mm512_set1_ps(1.0f);
  __m512 e = Sleef_expf16_u10avx512f(_mm512_sub_ps(_mm512_setzero_ps(), z));
  return _mm512_div_ps(z, _mm512_add_ps(one, e));
}

/* dy silu'(z), silu'(z) = s (1 + z (1 - s)), s = 1 / (1 + e), e = exp(-z); 1 - s as e s for
 * z >= 0 (see vmath.c) */
static inline __m512 SiLUGrad16(__m512 z, __m512 dy)
{
  const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
  __m512 e = Sleef_expf16_u10avx512f(_mm512_sub_ps(zero, z));
  __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, e));
  __m512 t = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(z, zero, _CMP_LT_OQ), _mm512_mul_ps(e, s), _mm512_sub_ps(one, s));
  __m512 d = _mm512_mul_ps(s, _mm512_add_ps(one, _mm512_mul_ps(z, t)));
  return _mm512_mul_ps(dy, d);
}

static void SiLU(long n, const float *x, float *y)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm512_storeu_ps(y + i, SiLU16(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = Tail(n - i);
    _mm512_mask_storeu_ps(y + i, m, SiLU16(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

static void SiLUBackward(long n, const float *z, const float *dy, float *dz)
{
  long i = 0;
  for (; i + W <= n; i += W) _mm512_storeu_ps(dz + i, SiLUGrad16(_mm512_loadu_ps(z + i), _mm512_loadu_ps(dy + i)));
  if (i < n) {
    const __mmask16 m = Tail(n - i);
    _mm512_mask_storeu_ps(dz + i, m, SiLUGrad16(_mm512_maskz_loadu_ps(m, z + i), _mm512_maskz_loadu_ps(m, dy + i)));
  }
}

const FFVecMath FFVecMathAVX512 = {"avx512f", Exp, SinCosPi, SiLU, SiLUBackward};
