/* Distances between ensembles of fields: 1-D Wasserstein distances of per-node marginals,
 * and ensemble mean and std fields. */
#include "ff_flow.h"

#include <math.h>
#include <stdlib.h>

static int CompareDoubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double FFWasserstein1(long na, double a[], long nb, double b[])
{
  if (na <= 0 || nb <= 0) return NAN;
  qsort(a, (size_t)na, sizeof *a, CompareDoubles);
  qsort(b, (size_t)nb, sizeof *b, CompareDoubles);
  /* quantile functions are steps at i/na and j/nb: walk the merged breakpoints (in integer
   * units of 1/(na nb), so equal breakpoints are recognized exactly) */
  long i = 0, j = 0, q = 0;
  double w = 0;
  while (i < na && j < nb) {
    const long qa = (i + 1) * nb, qb = (j + 1) * na, qn = qa < qb ? qa : qb;
    w += (double)(qn - q) * fabs(a[i] - b[j]);
    q = qn;
    if (qa == qn) i++;
    if (qb == qn) j++;
  }
  return w / ((double)na * (double)nb);
}

PetscErrorCode FFEnsembleMeanStd(long n, long rows, int cols, const double f[], double mean[], double std[])
{
  const size_t per = (size_t)rows * cols;

  PetscFunctionBegin;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "ensemble statistics of %ld fields", n);
  for (size_t i = 0; i < per; i++) {
    double s = 0, s2 = 0;
    for (long k = 0; k < n; k++) s += f[k * per + i];
    const double mu = s / n;
    for (long k = 0; k < n; k++) s2 += (f[k * per + i] - mu) * (f[k * per + i] - mu);
    mean[i] = mu;
    std[i] = sqrt(s2 / n);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFEnsembleWasserstein(long na, const double a[], long nb, const double b[], long rows, int cols,
                                     const long rows_of[], double wd[])
{
  const size_t per = (size_t)rows * cols;
  double *va, *vb;

  PetscFunctionBegin;
  PetscCheck(na > 0 && nb > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Wasserstein distance of %ld and %ld fields",
             na, nb);
  PetscCall(PetscMalloc2(na, &va, nb, &vb));
  for (int c = 0; c < cols; c++) {
    const long nr = rows_of ? rows_of[c] : rows;
    double s = 0, s2 = 0, sum = 0;
    for (long k = 0; k < nb; k++)
      for (long r = 0; r < nr; r++) s += b[k * per + r * cols + c];
    const double mu = s / ((double)nb * nr);
    for (long k = 0; k < nb; k++)
      for (long r = 0; r < nr; r++) s2 += pow(b[k * per + r * cols + c] - mu, 2);
    const double sd = sqrt(s2 / ((double)nb * nr));
    for (long r = 0; r < nr; r++) {
      for (long k = 0; k < na; k++) va[k] = a[k * per + r * cols + c];
      for (long k = 0; k < nb; k++) vb[k] = b[k * per + r * cols + c];
      sum += FFWasserstein1(na, va, nb, vb);
    }
    wd[c] = sd > 0 ? sum / nr / sd : 0.0;
  }
  PetscCall(PetscFree2(va, vb));
  PetscFunctionReturn(0);
}

/* The q-quantile of sorted values (linear interpolation between order statistics). */
static double Quantile(long n, const double *sorted, double q)
{
  const double pos = q * (double)(n - 1);
  const long i = (long)floor(pos);
  if (i >= n - 1) return sorted[n - 1];
  return sorted[i] + (pos - (double)i) * (sorted[i + 1] - sorted[i]);
}

void FFFlowStatisticsCompute(long n, const double x[], FFFlowStatistics *s)
{
  double *v = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1)), sum = 0, sq = 0;
  long m = 0;
  for (long i = 0; i < n; i++)
    if (!isnan(x[i])) v[m++] = x[i];
  *s = (FFFlowStatistics){
      .count = m, .mean = NAN, .std = NAN, .min = NAN, .q05 = NAN, .median = NAN, .q95 = NAN, .max = NAN};
  if (m > 0 && v) {
    qsort(v, (size_t)m, sizeof *v, CompareDoubles);
    for (long i = 0; i < m; i++) sum += v[i];
    s->mean = sum / m;
    for (long i = 0; i < m; i++) sq += (v[i] - s->mean) * (v[i] - s->mean);
    s->std = sqrt(sq / m);
    s->min = v[0];
    s->max = v[m - 1];
    s->q05 = Quantile(m, v, 0.05);
    s->median = Quantile(m, v, 0.5);
    s->q95 = Quantile(m, v, 0.95);
  }
  free(v);
}

json_object *FFFlowStatisticsJSON(const FFFlowStatistics *s)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "count", json_object_new_int64(s->count));
  json_object_object_add(o, "mean", FFJsonNumber(s->mean));
  json_object_object_add(o, "std", FFJsonNumber(s->std));
  json_object_object_add(o, "min", FFJsonNumber(s->min));
  json_object_object_add(o, "q05", FFJsonNumber(s->q05));
  json_object_object_add(o, "median", FFJsonNumber(s->median));
  json_object_object_add(o, "q95", FFJsonNumber(s->q95));
  json_object_object_add(o, "max", FFJsonNumber(s->max));
  return o;
}
