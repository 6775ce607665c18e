/* Axis ticks at nice numbers (multiples of 1, 2, 2.5 or 5 times a power of ten) and their labels,
 * for the plots' axes and the colour bars of the field maps. */
#include "report_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decimals that show multiples of step exactly (0.25: 2). */
static int Decimals(double step)
{
  int d = 0;
  for (double s = step; d < 9 && fabs(s - round(s)) > 1e-6 * PetscMax(1.0, fabs(s)); s *= 10) d++;
  return d;
}

int FFNiceTicks(double lo, double hi, int target, double ticks[FF_MAX_TICKS], double *step)
{
  static const double nice[] = {1, 2, 2.5, 5, 10};
  int n = 0;

  if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
    *step = 1;
    if (isfinite(lo)) ticks[n++] = lo;
    return n;
  }
  /* of the nice steps around the raw one, the one whose count is nearest the target (ties: the
   * larger step, fewer labels) */
  const double raw = (hi - lo) / PetscMax(target, 1), mag = pow(10, floor(log10(raw)));
  int best = -1;
  for (size_t k = 0; k < sizeof nice / sizeof *nice; k++) {
    const double s = nice[k] * mag;
    const int count = (int)(floor(hi / s + 1e-9) - ceil(lo / s - 1e-9)) + 1;
    if (best < 0 || abs(count - target) <= best) best = abs(count - target), *step = s;
  }
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
    const int e = (int)floor(log10(a) + 1e-12), decimals = PetscMin(6, Decimals(step / pow(10, e)));
    snprintf(num, sizeof num, "%.*f×10^{%s%d}", decimals, a / pow(10, e), e < 0 ? "\xe2\x88\x92" : "", e < 0 ? -e : e);
  } else
    snprintf(num, sizeof num, "%.*f", Decimals(step), a);
  /* U+2212, the minus sign: the hyphen is too short beside digits */
  snprintf(buf, len, "%s%s", v < 0 ? "\xe2\x88\x92" : "", num);
}
