/* Calibration of an ensemble against truths drawn from the distribution it should represent
 * (docs/references.md §8): coverage of the central intervals, rank histogram, CRPS, spread and
 * skill. Definitions in ff_flow.h (FFEnsembleCalibrate). */
#include "ff_flow.h"

#include <math.h>
#include <stdlib.h>

static int CompareDoubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Members below y (lo) and at or below it (hi) in a sorted array. */
static void Ranks(long m, const double *sorted, double y, long *lo, long *hi)
{
  long a = 0, b = m;
  while (a < b) { /* first index with sorted >= y */
    const long c = (a + b) / 2;
    if (sorted[c] < y)
      a = c + 1;
    else
      b = c;
  }
  *lo = a;
  b = m;
  while (a < b) { /* first index with sorted > y */
    const long c = (a + b) / 2;
    if (sorted[c] <= y)
      a = c + 1;
    else
      b = c;
  }
  *hi = a;
}

/* Length of [a, b] inside [c, d]. */
static double Overlap(double a, double b, double c, double d)
{
  const double lo = fmax(a, c), hi = fmin(b, d);
  return hi > lo ? hi - lo : 0.0;
}

/* One truth y against the sorted members with their prefix sums: CRPS, and the PIT interval
 * [p0, p1] (uniform reading of the rank, ties shared). */
static double CRPSOne(long m, const double *sorted, const double *prefix, double pair_sum, double y, double *p0,
                      double *p1)
{
  long lo, hi;
  Ranks(m, sorted, y, &lo, &hi);
  /* sum_k |x_k - y| with lo members below y */
  const double below = (double)lo * y - prefix[lo], above = (prefix[m] - prefix[lo]) - (double)(m - lo) * y;
  *p0 = (double)lo / (double)(m + 1);
  *p1 = (double)(hi + 1) / (double)(m + 1);
  return (below + above) / (double)m - pair_sum / (2.0 * (double)m * (double)m);
}

PetscErrorCode FFEnsembleCalibrate(long m, const double ens[], long n_truth, const double truth[], long rows, int cols,
                                   long rows_used, int col0, int ncols, FFEnsembleCalibration *cal)
{
  const size_t per = (size_t)rows * cols;
  const double bins = FF_FLOW_RANK_BINS;
  double *sorted, *prefix, var_sum = 0, ref_var_sum = 0, err_sum = 0, crps_sum = 0, c50 = 0, c90 = 0, scale = 0;
  long n_truth_entries = 0;

  PetscFunctionBegin;
  PetscCheck(m >= 2 && n_truth >= 1 && rows_used <= rows && col0 >= 0 && ncols >= 1 && col0 + ncols <= cols,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "calibration of %ld members (at least 2) against %ld truths, rows %ld of %ld, columns %d..%d of %d", m,
             n_truth, rows_used, rows, col0, col0 + ncols - 1, cols);
  PetscCall(PetscMemzero(cal, sizeof *cal));
  cal->m = m;
  cal->n_truth = n_truth;
  PetscCall(PetscMalloc2(m, &sorted, m + 1, &prefix));
  /* the scale below which the truths count as constant: the column's std over entries and truths */
  for (int c = col0; c < col0 + ncols; c++) {
    double s = 0, s2 = 0;
    for (long k = 0; k < n_truth; k++)
      for (long r = 0; r < rows_used; r++) s += truth[k * per + r * cols + c];
    const double mu = s / ((double)n_truth * rows_used);
    for (long k = 0; k < n_truth; k++)
      for (long r = 0; r < rows_used; r++) s2 += pow(truth[k * per + r * cols + c] - mu, 2);
    scale = fmax(scale, sqrt(s2 / ((double)n_truth * rows_used)));
  }
  for (int c = col0; c < col0 + ncols; c++)
    for (long r = 0; r < rows_used; r++) {
      const size_t at = (size_t)r * cols + c;
      double tmin = INFINITY, tmax = -INFINITY, mean = 0, pair = 0, tmean = 0;
      for (long k = 0; k < n_truth; k++) tmin = fmin(tmin, truth[k * per + at]), tmax = fmax(tmax, truth[k * per + at]);
      if (n_truth > 1 && !(tmax - tmin > 1e-9 * scale)) {
        cal->n_constant++;
        continue;
      }
      for (long k = 0; k < m; k++) sorted[k] = ens[k * per + at], mean += sorted[k] / m;
      qsort(sorted, (size_t)m, sizeof *sorted, CompareDoubles);
      prefix[0] = 0;
      for (long k = 0; k < m; k++) {
        prefix[k + 1] = prefix[k] + sorted[k];
        pair += 2.0 * (2.0 * (k + 1) - m - 1) * sorted[k]; /* sum_kl |x_k - x_l| */
      }
      double var = 0, tvar = 0;
      for (long k = 0; k < m; k++) var += (sorted[k] - mean) * (sorted[k] - mean);
      var_sum += var / (m - 1);
      for (long k = 0; k < n_truth; k++) tmean += truth[k * per + at] / n_truth;
      for (long k = 0; k < n_truth; k++) tvar += pow(truth[k * per + at] - tmean, 2);
      ref_var_sum += n_truth > 1 ? tvar / (n_truth - 1) : 0;
      for (long k = 0; k < n_truth; k++) {
        const double y = truth[k * per + at];
        double p0, p1;
        crps_sum += CRPSOne(m, sorted, prefix, pair, y, &p0, &p1);
        err_sum += (mean - y) * (mean - y);
        const double w = p1 - p0;
        c50 += Overlap(p0, p1, 0.25, 0.75) / w;
        c90 += Overlap(p0, p1, 0.05, 0.95) / w;
        for (int b = 0; b < FF_FLOW_RANK_BINS; b++) cal->rank_hist[b] += Overlap(p0, p1, b / bins, (b + 1) / bins) / w;
        n_truth_entries++;
      }
      cal->n_entries++;
    }
  PetscCall(PetscFree2(sorted, prefix));
  if (!cal->n_entries) { /* nothing varies: no calibration to speak of */
    cal->coverage50 = cal->coverage90 = cal->crps = cal->spread = cal->rmse = cal->spread_skill = cal->ref_spread = NAN;
    for (int b = 0; b < FF_FLOW_RANK_BINS; b++) cal->rank_hist[b] = NAN;
    PetscFunctionReturn(0);
  }
  cal->coverage50 = c50 / n_truth_entries;
  cal->coverage90 = c90 / n_truth_entries;
  cal->crps = crps_sum / n_truth_entries;
  for (int b = 0; b < FF_FLOW_RANK_BINS; b++) cal->rank_hist[b] /= n_truth_entries;
  cal->spread = sqrt(var_sum / cal->n_entries);
  cal->ref_spread = sqrt(ref_var_sum / cal->n_entries);
  cal->rmse = sqrt(err_sum / n_truth_entries);
  cal->spread_skill = cal->rmse > 0 ? cal->spread / cal->rmse * sqrt((double)(m + 1) / m) : NAN;
  PetscFunctionReturn(0);
}
