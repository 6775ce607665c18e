/* A generated ensemble against Monte Carlo reference solves: mean and std fields, per-node
 * Wasserstein distances, calibration, residuals, the Reynolds numbers that explain the samples,
 * forces; and the same numbers for an ensemble of reference solves (the Monte Carlo floor). */
#include "flow_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Mean/std field errors, per-node WD and calibration of ensemble a (na fields) against b (nb). */
static PetscErrorCode FieldErrors(FFFlowModel m, long na, const double *a, long nb, const double *b,
                                  double mean_error[], double std_error[], double wd[], double *wd_mean,
                                  FFEnsembleCalibration cal[])
{
  const int N = m->mesh.n_nodes, C = m->cols;
  double *mg, *sg, *mr, *sr;
  long rows_of[FF_FLOW_MAX_COLS];

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)N * C, &mg, (size_t)N * C, &sg, (size_t)N * C, &mr, (size_t)N * C, &sr));
  PetscCall(FFEnsembleMeanStd(na, N, C, a, mg, sg));
  PetscCall(FFEnsembleMeanStd(nb, N, C, b, mr, sr));
  for (int f = 0, off = 0; f < m->n_fields; f++) {
    const long rows = m->fields[f].location == FF_FIELD_VERTICES ? m->mesh.n_vertices : N;
    const int nc = m->fields[f].n_comp;
    mean_error[f] = FFRelativeL2(rows, C, off, nc, mg, mr);
    std_error[f] = FFRelativeL2(rows, C, off, nc, sg, sr);
    PetscCall(FFEnsembleCalibrate(na, a, nb, b, N, C, rows, off, nc, &cal[f]));
    for (int c = 0; c < nc; c++) rows_of[off + c] = rows;
    off += nc;
  }
  PetscCall(FFEnsembleWasserstein(na, a, nb, b, N, C, rows_of, wd));
  *wd_mean = 0;
  for (int c = 0; c < C; c++) *wd_mean += wd[c] / C;
  PetscCall(PetscFree4(mg, sg, mr, sr));
  PetscFunctionReturn(0);
}

/* The Monte Carlo floor: n_gen reference solves (a seeded draw without replacement) as the
 * ensemble, the others as the truths. */
static PetscErrorCode Floor(FFFlowModel m, long n_gen, long n_ref, const double *ref, FFFlowUQ *uq)
{
  const size_t per = (size_t)m->mesh.n_nodes * m->cols;
  double *ens, *truth, wd[FF_FLOW_MAX_COLS];
  int *order;
  FFRng rng;

  PetscFunctionBegin;
  uq->n_floor_truth = 0;
  uq->wd_floor = NAN;
  for (int f = 0; f < FF_FLOW_MAX_FIELDS; f++) uq->mean_error_floor[f] = uq->std_error_floor[f] = NAN;
  if (n_gen < 2 || n_ref < n_gen + 8) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(n_gen * per, &ens, (n_ref - n_gen) * per, &truth, n_ref, &order));
  for (long k = 0; k < n_ref; k++) order[k] = (int)k;
  FFRngSeed(&rng, 0x0f1005ULL, (uint64_t)n_ref);
  FFRngShuffle(&rng, order, (size_t)n_ref);
  for (long k = 0; k < n_ref; k++) {
    double *dst = k < n_gen ? ens + k * per : truth + (k - n_gen) * per;
    PetscCall(PetscArraycpy(dst, ref + (size_t)order[k] * per, per));
  }
  uq->n_floor_truth = n_ref - n_gen;
  PetscCall(FieldErrors(m, n_gen, ens, n_ref - n_gen, truth, uq->mean_error_floor, uq->std_error_floor, wd,
                        &uq->wd_floor, uq->cal_floor));
  PetscCall(PetscFree3(ens, truth, order));
  PetscFunctionReturn(0);
}

static double W1Copy(long na, const double *a, long nb, const double *b)
{
  double *x = malloc(sizeof(double) * (size_t)na), *y = malloc(sizeof(double) * (size_t)nb);
  long ma = 0, mb = 0;
  for (long i = 0; i < na; i++)
    if (!isnan(a[i])) x[ma++] = a[i];
  for (long i = 0; i < nb; i++)
    if (!isnan(b[i])) y[mb++] = b[i];
  const double w = FFWasserstein1(ma, x, mb, y);
  free(x);
  free(y);
  return w;
}

PetscErrorCode FFFlowUQCompare(FFFlowModel m, const FFFlowEnsemble *g, long n_ref, const FFSample ref[],
                               const double ref_fields[], const double ref_residuals[], const double ref_re[],
                               FFFlowUQ *uq)
{
  double *v, *cd, *cl;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(uq, sizeof *uq));
  PetscCheck(g->n > 0 && n_ref > 0 && g->res, m->comm, PETSC_ERR_ARG_WRONG,
             "uncertainty comparison: %ld generated and %ld reference samples (residuals needed)", g->n, n_ref);
  uq->n_gen = g->n;
  uq->n_ref = n_ref;
  uq->n_fields = m->n_fields;
  uq->cols = m->cols;
  uq->t_generate = g->t_generate;
  uq->t_solve_now = NAN;
  for (int f = 0; f < m->n_fields; f++) PetscCall(PetscStrncpy(uq->field_names[f], m->fields[f].name, FF_NAME_LEN));
  PetscCall(
      FieldErrors(m, g->n, g->fields, n_ref, ref_fields, uq->mean_error, uq->std_error, uq->wd, &uq->wd_mean, uq->cal));
  PetscCall(Floor(m, g->n, n_ref, ref_fields, uq));
  PetscCall(PetscMalloc1(g->n, &v));
  for (long k = 0; k < g->n; k++) v[k] = g->res[k].r;
  FFFlowStatisticsCompute(g->n, v, &uq->res_gen);
  FFFlowStatisticsCompute(n_ref, ref_residuals, &uq->res_ref);
  uq->has_re = ref_re && g->res[0].re > 0;
  if (uq->has_re) {
    for (long k = 0; k < g->n; k++) v[k] = g->res[k].re;
    FFFlowStatisticsCompute(g->n, v, &uq->re_gen);
    FFFlowStatisticsCompute(n_ref, ref_re, &uq->re_ref);
    uq->re_w1 = W1Copy(g->n, v, n_ref, ref_re);
  }
  PetscCall(PetscFree(v));
  uq->has_forces = g->cd != NULL;
  if (uq->has_forces) {
    PetscCall(PetscMalloc2(n_ref, &cd, n_ref, &cl));
    for (long k = 0; k < n_ref; k++) {
      const FFScalar *a = FFScalarFind(ref[k].forces, ref[k].n_forces, "C_D");
      const FFScalar *b = FFScalarFind(ref[k].forces, ref[k].n_forces, "C_L");
      cd[k] = a ? a->value : NAN;
      cl[k] = b ? b->value : NAN;
    }
    FFFlowStatisticsCompute(g->n, g->cd, &uq->cd_gen);
    FFFlowStatisticsCompute(g->n, g->cl, &uq->cl_gen);
    FFFlowStatisticsCompute(n_ref, cd, &uq->cd_ref);
    FFFlowStatisticsCompute(n_ref, cl, &uq->cl_ref);
    uq->cd_w1 = W1Copy(g->n, g->cd, n_ref, cd);
    uq->cl_w1 = W1Copy(g->n, g->cl, n_ref, cl);
    PetscCall(PetscFree2(cd, cl));
  }
  double t = 0;
  for (long k = 0; k < n_ref; k++) t += ref[k].solver.wall_time / n_ref;
  uq->t_solve_stored = t;
  PetscFunctionReturn(0);
}
