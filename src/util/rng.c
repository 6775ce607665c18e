/* xoshiro256** (Blackman & Vigna), seeded with splitmix64: fast, reproducible streams. */
#include "ff_util.h"

#include <math.h>

static uint64_t SplitMix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void FFRngSeed(FFRng *rng, uint64_t seed, uint64_t stream)
{
  uint64_t x = seed ^ (0xd1b54a32d192ed03ULL * (stream + 1));
  for (int i = 0; i < 4; i++) rng->s[i] = SplitMix64(&x);
  rng->has_spare = 0;
  rng->spare = 0;
}

static inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t FFRngNext(FFRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = Rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = Rotl(s[3], 45);
  return result;
}

double FFRngUniform(FFRng *rng) { return (FFRngNext(rng) >> 11) * 0x1.0p-53; }

double FFRngNormal(FFRng *rng)
{
  if (rng->has_spare) {
    rng->has_spare = 0;
    return rng->spare;
  }
  double u1, u2;
  do u1 = FFRngUniform(rng);
  while (u1 <= 0.0);
  u2 = FFRngUniform(rng);
  double r = sqrt(-2.0 * log(u1));
  rng->spare = r * sin(2.0 * M_PI * u2);
  rng->has_spare = 1;
  return r * cos(2.0 * M_PI * u2);
}

uint64_t FFRngBelow(FFRng *rng, uint64_t n)
{
  if (n == 0) return 0;
  /* rejection keeps it unbiased */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = FFRngNext(rng);
  while (x >= limit);
  return x % n;
}

void FFRngNormalFill(FFRng *rng, float *x, size_t n, float stddev)
{
  for (size_t i = 0; i < n; i++) x[i] = (float)(stddev * FFRngNormal(rng));
}

void FFRngShuffle(FFRng *rng, int *a, size_t n)
{
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)FFRngBelow(rng, i);
    int t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}
