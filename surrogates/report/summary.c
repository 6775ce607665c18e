/* Aggregates of a comparison (docs/references.md §4): mean and worst relative L2 errors, AirfRANS
 * normalized MSE over the volume and the surface, C_L and C_D mean relative error, mean
 * absolute error and Spearman rank correlation, residual norms, and the speedup over the
 * reference solver measured on the same samples. */
#include "ff_report.h"

#include <math.h>
#include <string.h>

static void ColumnNames(const FFSurrogateSchema *schema, FFCompareSummary *sum)
{
  int c = 0;
  for (int k = 0; k < schema->n_fields; k++) {
    const FFSurrogateField *f = &schema->fields[k];
    snprintf(sum->field_names[k], FF_NAME_LEN, "%s", f->name);
    for (int j = 0; j < f->n_comp; j++, c++) {
      static const char axes[] = "xyzw";
      if (f->n_comp == 1)
        snprintf(sum->col_names[c], FF_NAME_LEN, "%s", f->name);
      else
        snprintf(sum->col_names[c], FF_NAME_LEN, "%.40s_%c", f->name, j < 4 ? axes[j] : '?');
    }
  }
  sum->n_cols = c;
  sum->n_fields = schema->n_fields;
}

static double Mean(long n, const double *x)
{
  double s = 0;
  long m = 0;
  for (long i = 0; i < n; i++)
    if (isfinite(x[i])) s += x[i], m++;
  return m ? s / m : NAN;
}

static double Max(long n, const double *x)
{
  double m = NAN;
  for (long i = 0; i < n; i++)
    if (isfinite(x[i]) && !(x[i] <= m)) m = x[i];
  return m;
}

static PetscErrorCode Forces(long n, const FFSampleEval *e, FFCompareSummary *sum)
{
  double *cl, *cd, *clp, *cdp, *a;

  PetscFunctionBegin;
  PetscCall(PetscMalloc5(n, &cl, n, &cd, n, &clp, n, &cdp, n, &a));
  sum->force_consistency = 0;
  for (long i = 0; i < n; i++) {
    cl[i] = e[i].cl_ref, cd[i] = e[i].cd_ref, clp[i] = e[i].cl_pred, cdp[i] = e[i].cd_pred;
    /* relative to the larger force coefficient: C_L may be near zero */
    const double scale = PetscMax(PetscMax(fabs(e[i].cd_ref), fabs(e[i].cl_ref)), 1e-12);
    const double dl = fabs(e[i].cl_ref_recomputed - e[i].cl_ref) / scale;
    const double dd = fabs(e[i].cd_ref_recomputed - e[i].cd_ref) / scale;
    sum->force_consistency = PetscMax(sum->force_consistency, PetscMax(dl, dd));
  }
  sum->cl_mre = FFMeanRelativeError(n, clp, cl);
  sum->cd_mre = FFMeanRelativeError(n, cdp, cd);
  sum->cl_spearman = FFSpearman(n, clp, cl);
  sum->cd_spearman = FFSpearman(n, cdp, cd);
  for (long i = 0; i < n; i++) a[i] = fabs(clp[i] - cl[i]);
  sum->cl_mae = Mean(n, a);
  for (long i = 0; i < n; i++) a[i] = fabs(cdp[i] - cd[i]);
  sum->cd_mae = Mean(n, a);
  for (long i = 0; i < n; i++) a[i] = fabs(cl[i]);
  sum->cl_ref_mean_abs = Mean(n, a);
  for (long i = 0; i < n; i++) a[i] = fabs(cd[i]);
  sum->cd_ref_mean_abs = Mean(n, a);
  PetscCall(PetscFree5(cl, cd, clp, cdp, a));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareSummarize(const FFSurrogateSchema *schema, long n, const FFSampleEval *e, FFCompareSummary *sum)
{
  double *x;

  PetscFunctionBegin;
  memset(sum, 0, sizeof *sum);
  sum->n = n;
  ColumnNames(schema, sum);
  PetscCall(PetscMalloc1(n + 1, &x));
  for (int c = 0; c < sum->n_cols; c++) {
    for (long i = 0; i < n; i++) x[i] = e[i].rel_l2[c];
    sum->rel_l2[c] = Mean(n, x);
    sum->rel_l2_max[c] = Max(n, x);
    for (long i = 0; i < n; i++) x[i] = e[i].nmse_volume[c];
    sum->nmse_volume[c] = Mean(n, x);
    for (long i = 0; i < n; i++) x[i] = e[i].nmse_surface[c];
    sum->nmse_surface[c] = Mean(n, x);
  }
  for (int k = 0; k < sum->n_fields; k++) {
    for (long i = 0; i < n; i++) x[i] = e[i].rel_l2_field[k];
    sum->rel_l2_field[k] = Mean(n, x);
    sum->rel_l2_field_max[k] = Max(n, x);
  }
  sum->has_forces = n > 0;
  for (long i = 0; i < n; i++) sum->has_forces &= e[i].has_forces && isfinite(e[i].cd_ref) && isfinite(e[i].cl_ref);
  if (sum->has_forces) PetscCall(Forces(n, e, sum));
  for (long i = 0; i < n; i++) x[i] = e[i].residual_pred;
  sum->residual_pred = Mean(n, x);
  for (long i = 0; i < n; i++) x[i] = e[i].residual_ref;
  sum->residual_ref = Mean(n, x);
  /* speedup over the samples solved again in this run, else over the stored solve times */
  double ts = 0, ti = 0;
  long m = 0;
  for (long i = 0; i < n; i++)
    if (isfinite(e[i].t_solve_now)) ts += e[i].t_solve_now, ti += e[i].t_features + e[i].t_network, m++;
  sum->n_timed = m;
  if (!m)
    for (long i = 0; i < n; i++) ts += e[i].t_solve_stored, ti += e[i].t_features + e[i].t_network, m++;
  sum->t_solve = m ? ts / m : NAN;
  sum->t_inference = m ? ti / m : NAN;
  sum->speedup = ti > 0 ? ts / ti : NAN;
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}
