/* The figures of a comparison: predicted vs reference C_L and C_D (one point per sample, with
 * the diagonal), C_p along the body for a few samples (surrogate and solver), and the loss
 * curves of the model's training. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

static PetscErrorCode ForcePlot(const char *dir, const char *name, const char *coef, long n, const FFSampleEval *e,
                                int lift)
{
  char path[PETSC_MAX_PATH_LEN], title[96], xl[64], yl[64];
  double *ref, *pred;
  FFPlot p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &ref, n, &pred));
  for (long i = 0; i < n; i++) {
    ref[i] = lift ? e[i].cl_ref : e[i].cd_ref;
    pred[i] = lift ? e[i].cl_pred : e[i].cd_pred;
  }
  snprintf(title, sizeof title, "%s: surrogate vs solver (%ld samples)", coef, n);
  snprintf(xl, sizeof xl, "%s, reference solve", coef);
  snprintf(yl, sizeof yl, "%s, surrogate", coef);
  PetscCall(FFPlotCreate(640, 600, title, xl, yl, &p));
  PetscCall(FFPlotAddSeries(p, "test samples", FF_PLOT_SCATTER, n, ref, pred));
  PetscCall(FFPlotAddDiagonal(p));
  snprintf(path, sizeof path, "%s/%s", dir, name);
  PetscCall(FFPlotWritePNG(p, path));
  PetscCall(FFPlotDestroy(&p));
  PetscCall(PetscFree2(ref, pred));
  PetscFunctionReturn(0);
}

static PetscErrorCode CpPlot(const char *dir, const FFSampleEval *e)
{
  char path[PETSC_MAX_PATH_LEN], title[96];
  FFPlot p;

  PetscFunctionBegin;
  snprintf(title, sizeof title, "C_p along the body, sample %ld", e->index);
  PetscCall(FFPlotCreate(800, 560, title, "x", "C_p", &p));
  PetscCall(FFPlotSetInvertY(p, 1));
  /* the points go around the body: close the loop */
  double *x, *a, *b;
  PetscCall(PetscMalloc3(e->n_cp + 1, &x, e->n_cp + 1, &a, e->n_cp + 1, &b));
  for (int k = 0; k <= e->n_cp; k++) {
    x[k] = e->cp_x[k % e->n_cp];
    a[k] = e->cp_ref[k % e->n_cp];
    b[k] = e->cp_pred[k % e->n_cp];
  }
  PetscCall(FFPlotAddSeries(p, "solver", FF_PLOT_LINE, e->n_cp + 1, x, a));
  PetscCall(FFPlotAddSeries(p, "surrogate", FF_PLOT_LINE, e->n_cp + 1, x, b));
  PetscCall(PetscFree3(x, a, b));
  snprintf(path, sizeof path, "%s/cp_%06ld.png", dir, e->index);
  PetscCall(FFPlotWritePNG(p, path));
  PetscCall(FFPlotDestroy(&p));
  PetscFunctionReturn(0);
}

static PetscErrorCode LossPlot(const char *dir, const FFNamedArrays *h)
{
  size_t ne, nl, nv;
  const float *ep, *loss, *val;
  double *x, *y, *z;
  char path[PETSC_MAX_PATH_LEN];
  FFPlot p;

  PetscFunctionBegin;
  if (FFNamedArraysGet(h, "history_epoch", &ne, &ep) || FFNamedArraysGet(h, "history_train_loss", &nl, &loss) ||
      FFNamedArraysGet(h, "history_val_error", &nv, &val)) {
    FFErrorClear();
    PetscFunctionReturn(0);
  }
  const size_t n = PetscMin(ne, PetscMin(nl, nv));
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(n, &x, n, &y, n, &z));
  for (size_t k = 0; k < n; k++) x[k] = ep[k], y[k] = loss[k], z[k] = val[k];
  PetscCall(FFPlotCreate(800, 560, "Training", "epoch", "loss / error", &p));
  PetscCall(FFPlotAddSeries(p, "train loss (normalized MSE)", FF_PLOT_LINE, (long)n, x, y));
  PetscCall(FFPlotAddSeries(p, "validation rel. L2 error", FF_PLOT_LINE, (long)n, x, z));
  PetscCall(FFPlotSetLogY(p, 1));
  snprintf(path, sizeof path, "%s/loss.png", dir);
  PetscCall(FFPlotWritePNG(p, path));
  PetscCall(FFPlotDestroy(&p));
  PetscCall(PetscFree3(x, y, z));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareWriteFigures(const char *dir, const FFCompareInfo *info, long n, const FFSampleEval *evals,
                                     const FFCompareSummary *sum, int cp_samples)
{
  PetscFunctionBegin;
  if (sum->has_forces && n > 0) {
    PetscCall(ForcePlot(dir, "cl.png", "C_L", n, evals, 1));
    PetscCall(ForcePlot(dir, "cd.png", "C_D", n, evals, 0));
  }
  for (long i = 0; i < n && i < cp_samples; i++)
    if (evals[i].n_cp > 1) PetscCall(CpPlot(dir, &evals[i]));
  if (info->history) PetscCall(LossPlot(dir, info->history));
  PetscFunctionReturn(0);
}
