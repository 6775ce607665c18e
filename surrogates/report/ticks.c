/* Axis ticks at nice numbers (multiples of 1, 2 or 5 times a power of ten) and their labels,
 * for the plots' axes and the colour bars of the field maps. */
#include "report_private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int FFNiceTicks(double lo, double hi, int target, double ticks[FF_MAX_TICKS], double *step)
{
  int n = 0;

  if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
    *step = 1;
    if (isfinite(lo)) ticks[n++] = lo;
    return n;
  }
  const double raw = (hi - lo) / PetscMax(target, 1), mag = pow(10, floor(log10(raw))), f = raw / mag;
  /* the smallest nice step at least the raw one: never more ticks than asked for (+1) */
  *step = mag * (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10);
  /* integer multiples, so that 0.1 + 0.2 never prints as 0.30000000000000004 */
  const double k0 = ceil(lo / *step - 1e-9), k1 = floor(hi / *step + 1e-9);
  for (double k = k0; k <= k1 && n < FF_MAX_TICKS; k++) ticks[n++] = k == 0 ? 0.0 : k * *step;
  return n;
}

void FFTickLabel(double v, double step, char *buf, size_t len)
{
  char num[64];
  const double a = fabs(v);

  if (a < 1e-9 * step) v = 0;
  if (v != 0 && (step < 1e-3 || PetscMax(a, step) >= 1e5)) {
    /* m x 10^e with the digits the step resolves */
    const int e = (int)floor(log10(a) + 1e-12), se = (int)floor(log10(step) + 1e-9);
    const int decimals = PetscMax(0, PetscMin(6, e - se));
    snprintf(num, sizeof num, "%.*f×10^{%s%d}", decimals, a / pow(10, e), e < 0 ? "\xe2\x88\x92" : "", e < 0 ? -e : e);
  } else {
    const int decimals = step >= 1 ? 0 : (int)PetscMin(9, -floor(log10(step) + 1e-9));
    snprintf(num, sizeof num, "%.*f", decimals, a);
  }
  /* U+2212, the minus sign: the hyphen is too short beside digits */
  snprintf(buf, len, "%s%s", v < 0 ? "\xe2\x88\x92" : "", num);
}
