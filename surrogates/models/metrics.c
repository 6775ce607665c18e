/* Error measures of predictions against references (docs/references.md §4): relative L2 errors of
 * fields, mean relative errors of scalars, Spearman rank correlation. */
#include "ff_surrogate.h"

#include <math.h>
#include <stdlib.h>

double FFRelativeL2(long n_rows, int n_cols, int c0, int nc, const double *pred, const double *ref)
{
  double num = 0, den = 0;
  for (long r = 0; r < n_rows; r++)
    for (int c = c0; c < c0 + nc; c++) {
      const double d = pred[r * n_cols + c] - ref[r * n_cols + c];
      num += d * d;
      den += ref[r * n_cols + c] * ref[r * n_cols + c];
    }
  return den > 0 ? sqrt(num / den) : (num > 0 ? INFINITY : 0.0);
}

double FFMeanRelativeError(long n, const double *pred, const double *ref)
{
  double s = 0;
  if (n <= 0) return NAN;
  for (long i = 0; i < n; i++) s += fabs(pred[i] - ref[i]) / fabs(ref[i]);
  return s / n;
}

typedef struct {
  double v;
  long i;
} Ranked;

static int CompareRanked(const void *a, const void *b)
{
  const Ranked *x = (const Ranked *)a, *y = (const Ranked *)b;
  if (x->v != y->v) return (x->v > y->v) - (x->v < y->v);
  return (x->i > y->i) - (x->i < y->i);
}

/* Ranks 1..n; tied values share the mean of their ranks. */
static int Ranks(long n, const double *x, double *rank)
{
  Ranked *r = malloc(sizeof *r * (size_t)n);
  if (!r) return -1;
  for (long i = 0; i < n; i++) r[i] = (Ranked){x[i], i};
  qsort(r, (size_t)n, sizeof *r, CompareRanked);
  for (long i = 0; i < n;) {
    long j = i;
    while (j + 1 < n && r[j + 1].v == r[i].v) j++;
    for (long k = i; k <= j; k++) rank[r[k].i] = 0.5 * (double)(i + j) + 1.0;
    i = j + 1;
  }
  free(r);
  return 0;
}

double FFSpearman(long n, const double *a, const double *b)
{
  if (n < 2) return NAN;
  double *ra = malloc(sizeof(double) * (size_t)n), *rb = malloc(sizeof(double) * (size_t)n);
  double result = NAN;
  if (ra && rb && !Ranks(n, a, ra) && !Ranks(n, b, rb)) {
    /* Pearson correlation of the ranks (exact with ties) */
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (long i = 0; i < n; i++) ma += ra[i], mb += rb[i];
    ma /= n;
    mb /= n;
    for (long i = 0; i < n; i++) {
      sab += (ra[i] - ma) * (rb[i] - mb);
      saa += (ra[i] - ma) * (ra[i] - ma);
      sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa > 0 && sbb > 0) result = sab / sqrt(saa * sbb);
  }
  free(ra);
  free(rb);
  return result;
}
