/* A generated ensemble against Monte Carlo reference solves: mean and std fields, per-node
 * Wasserstein distances, residuals, the Reynolds numbers that explain the samples, forces. */
#include "flow_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static PetscErrorCode FieldErrors(FFFlowModel m, const FFFlowEnsemble *g, long n_ref, const double *ref, FFFlowUQ *uq)
{
  const int N = m->mesh.n_nodes, C = m->cols;
  double *mg, *sg, *mr, *sr;
  long rows_of[FF_FLOW_MAX_COLS];

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)N * C, &mg, (size_t)N * C, &sg, (size_t)N * C, &mr, (size_t)N * C, &sr));
  PetscCall(FFEnsembleMeanStd(g->n, N, C, g->fields, mg, sg));
  PetscCall(FFEnsembleMeanStd(n_ref, N, C, ref, mr, sr));
  for (int f = 0, off = 0; f < m->n_fields; f++) {
    const long rows = m->fields[f].location == FF_FIELD_VERTICES ? m->mesh.n_vertices : N;
    const int nc = m->fields[f].n_comp;
    PetscCall(PetscStrncpy(uq->field_names[f], m->fields[f].name, FF_NAME_LEN));
    uq->mean_error[f] = FFRelativeL2(rows, C, off, nc, mg, mr);
    uq->std_error[f] = FFRelativeL2(rows, C, off, nc, sg, sr);
    for (int c = 0; c < nc; c++) rows_of[off + c] = rows;
    off += nc;
  }
  PetscCall(FFEnsembleWasserstein(g->n, g->fields, n_ref, ref, N, C, rows_of, uq->wd));
  uq->wd_mean = 0;
  for (int c = 0; c < C; c++) uq->wd_mean += uq->wd[c] / C;
  PetscCall(PetscFree4(mg, sg, mr, sr));
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
  PetscCall(FieldErrors(m, g, n_ref, ref_fields, uq));
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
