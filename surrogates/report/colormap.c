/* The colour maps of the field maps, each linear between 11 stops in sRGB: viridis
 * (matplotlib's, perceptually uniform and readable in grey and by colour-blind readers) for
 * fields, and ColorBrewer's RdBu reversed (blue - white - red) for signed errors. */
#include "ff_report.h"

#include <math.h>

static const unsigned char stops[2][11][3] = {
    /* viridis at t = 0, 0.1, ..., 1 */
    {{68, 1, 84},
     {72, 36, 117},
     {65, 68, 135},
     {53, 95, 141},
     {42, 120, 142},
     {33, 145, 140},
     {34, 168, 132},
     {68, 191, 112},
     {122, 209, 81},
     {189, 223, 38},
     {253, 231, 37}},
    /* RdBu, reversed: negative blue, 0.5 the near-white middle, positive red */
    {{5, 48, 97},
     {33, 102, 172},
     {67, 147, 195},
     {146, 197, 222},
     {209, 229, 240},
     {247, 247, 247},
     {253, 219, 199},
     {244, 165, 130},
     {214, 96, 77},
     {178, 24, 43},
     {103, 0, 31}},
};

void FFColormapColor(FFColormap map, double t, double rgb[3])
{
  const unsigned char(*s)[3] = stops[map == FF_COLORMAP_DIVERGING];
  if (!(t > 0)) t = 0; /* NaN too */
  if (t > 1) t = 1;
  const double x = 10 * t;
  const int k = x >= 10 ? 9 : (int)x;
  const double f = x - k;
  for (int c = 0; c < 3; c++) rgb[c] = ((1 - f) * s[k][c] + f * s[k + 1][c]) / 255.0;
}
