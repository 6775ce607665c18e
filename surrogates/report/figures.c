/* The figures of a comparison: predicted vs reference C_L and C_D (one point per sample, with
 * the diagonal), C_p along the body for a few samples (surrogate and solver), the loss
 * curves of the model's training, and for the same few samples the reference, predicted and
 * error fields as colour maps around the body. Each in every format asked for. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

static const FFFigureFormat all_formats[] = {FF_FIGURE_PNG, FF_FIGURE_SVG, FF_FIGURE_PDF};

static unsigned Formats(const FFCompareInfo *info) { return info->figures ? info->figures : FF_FIGURE_PNG; }

static PetscErrorCode WritePlot(FFPlot p, const char *dir, const char *base, unsigned formats)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  for (size_t k = 0; k < sizeof all_formats / sizeof *all_formats; k++) {
    if (!(formats & all_formats[k])) continue;
    snprintf(path, sizeof path, "%s/%s.%s", dir, base, FFFigureFormatExtension(all_formats[k]));
    PetscCall(FFPlotWrite(p, path));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ForcePlot(const char *dir, const FFCompareInfo *info, const char *coef, long n,
                                const FFSampleEval *e, const FFCompareSummary *sum, int lift)
{
  char title[96], xl[64], yl[64], series[96], note[256];
  double *ref, *pred;
  FFPlot p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &ref, n, &pred));
  for (long i = 0; i < n; i++) {
    ref[i] = lift ? e[i].cl_ref : e[i].cd_ref;
    pred[i] = lift ? e[i].cl_pred : e[i].cd_pred;
  }
  snprintf(title, sizeof title, "%s: surrogate vs solver (%ld sample%s)", coef, n, n == 1 ? "" : "s");
  snprintf(xl, sizeof xl, "%s, reference solve", coef);
  snprintf(yl, sizeof yl, "%s, surrogate", coef);
  snprintf(series, sizeof series, "%.60s samples", info->split ? info->split : "");
  const double rho = lift ? sum->cl_spearman : sum->cd_spearman;
  char rank[32] = "n/a"; /* one sample, or all equal */
  if (isfinite(rho)) snprintf(rank, sizeof rank, "%.3f", rho);
  snprintf(note, sizeof note, "mean relative error %.2f%%\nmean absolute error %.3g\nSpearman rank correlation %s",
           100 * (lift ? sum->cl_mre : sum->cd_mre), lift ? sum->cl_mae : sum->cd_mae, rank);
  PetscCall(FFPlotCreate(660, 640, title, xl, yl, &p));
  PetscCall(FFPlotAddSeries(p, series, FF_PLOT_SCATTER, n, ref, pred));
  PetscCall(FFPlotAddDiagonal(p));
  PetscCall(FFPlotSetNote(p, note));
  PetscCall(WritePlot(p, dir, lift ? "cl" : "cd", Formats(info)));
  PetscCall(FFPlotDestroy(&p));
  PetscCall(PetscFree2(ref, pred));
  PetscFunctionReturn(0);
}

static PetscErrorCode CpPlot(const char *dir, const FFCompareInfo *info, const FFSampleEval *e)
{
  char base[64], title[96], note[160];
  FFPlot p;

  PetscFunctionBegin;
  snprintf(title, sizeof title, "Pressure coefficient along the body, sample %ld", e->index);
  PetscCall(FFPlotCreate(880, 580, title, "x", "C_p", &p));
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
  if (e->has_forces) {
    snprintf(note, sizeof note, "C_L %.4f (solver %.4f)\nC_D %.4f (solver %.4f)", e->cl_pred, e->cl_ref, e->cd_pred,
             e->cd_ref);
    PetscCall(FFPlotSetNote(p, note));
  }
  snprintf(base, sizeof base, "cp_%06ld", e->index);
  PetscCall(WritePlot(p, dir, base, Formats(info)));
  PetscCall(FFPlotDestroy(&p));
  PetscFunctionReturn(0);
}

static PetscErrorCode LossPlot(const char *dir, const FFCompareInfo *info)
{
  size_t ne, nl, nv;
  const float *ep, *loss, *val;
  double *x, *y, *z;
  FFPlot p;

  PetscFunctionBegin;
  if (FFNamedArraysGet(info->history, "history_epoch", &ne, &ep) ||
      FFNamedArraysGet(info->history, "history_train_loss", &nl, &loss) ||
      FFNamedArraysGet(info->history, "history_val_error", &nv, &val)) {
    FFErrorClear();
    PetscFunctionReturn(0);
  }
  const size_t n = PetscMin(ne, PetscMin(nl, nv));
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscMalloc3(n, &x, n, &y, n, &z));
  for (size_t k = 0; k < n; k++) x[k] = ep[k], y[k] = loss[k], z[k] = val[k];
  PetscCall(FFPlotCreate(880, 560, "Training history", "epoch", "loss / error", &p));
  PetscCall(FFPlotAddSeries(p, "training loss (normalized MSE)", FF_PLOT_LINE, (long)n, x, y));
  PetscCall(FFPlotAddSeries(p, "validation relative L2 error", FF_PLOT_LINE, (long)n, x, z));
  PetscCall(FFPlotSetLogY(p, 1));
  PetscCall(WritePlot(p, dir, "loss", Formats(info)));
  PetscCall(FFPlotDestroy(&p));
  PetscCall(PetscFree3(x, y, z));
  PetscFunctionReturn(0);
}

/* ---------- field maps ---------- */

/* Field k of a node-field array (n_nodes x n_out) as one value per node: a vector as its
 * magnitude; a vertex field (P1) extended to the edge midpoints as the mean of the edge's
 * vertices, which is what the solver makes of it (a network predicts every node). */
static void NodeValues(const FFSurrogateSchema *schema, int k, const FFMapMesh *m, const double *fields, double *v)
{
  static const int side[3][3] = {{0, 3, 1}, {1, 4, 2}, {2, 5, 0}};
  const int n_out = FFSurrogateSchemaOutputColumns(schema);
  int c0 = 0;
  for (int j = 0; j < k; j++) c0 += schema->fields[j].n_comp;
  const FFSurrogateField *f = &schema->fields[k];
  for (int i = 0; i < m->n_nodes; i++) {
    double s = 0;
    for (int c = 0; c < f->n_comp; c++) s += fields[(size_t)i * n_out + c0 + c] * fields[(size_t)i * n_out + c0 + c];
    v[i] = f->n_comp == 1 ? fields[(size_t)i * n_out + c0] : sqrt(s);
  }
  if (f->location == FF_FIELD_VERTICES)
    for (int c = 0; c < m->n_cells; c++)
      for (int e = 0; e < 3; e++) {
        const int *cell = &m->cells[6 * c];
        v[cell[side[e][1]]] = 0.5 * (v[cell[side[e][0]]] + v[cell[side[e][2]]]);
      }
}

/* What a field is, for a title: its name, and a word for the usual ones. */
static void Describe(const FFSurrogateField *f, char *symbol, size_t ls, char *words, size_t lw)
{
  static const char *known[][2] = {{"u", "velocity"}, {"p", "pressure"}, {"K", "permeability"}, {"T", "temperature"}};
  const char *word = "";
  for (size_t j = 0; j < sizeof known / sizeof *known; j++)
    if (!strcmp(f->name, known[j][0])) word = known[j][1];
  if (f->n_comp > 1) {
    snprintf(symbol, ls, "|%.40s|", f->name);
    snprintf(words, lw, "%s%smagnitude %s", word, word[0] ? " " : "", symbol);
  } else {
    snprintf(symbol, ls, "%.40s", f->name);
    snprintf(words, lw, "%s%s%s", word, word[0] ? " " : "", symbol);
  }
}

#define TAIL 0.002 /* of the window's area left out at each end of a colour scale */

static PetscErrorCode FieldMap(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema, int k,
                               const FFSampleEval *e)
{
  const FFSurrogateField *f = &schema->fields[k];
  const int n = e->mesh.n_nodes;
  char symbol[64], words[96], title[512], cond[64], t_err[128], bar[80], path[PETSC_MAX_PATH_LEN];
  double *ref, *pred, *err, lo, hi, elo, ehi;
  FFFieldMap map;

  PetscFunctionBegin;
  Describe(f, symbol, sizeof symbol, words, sizeof words);
  snprintf(title, sizeof title, "Sample %ld: %s\n", e->index, words);
  for (int j = 0; j < schema->n_cond; j++) {
    snprintf(cond, sizeof cond, "%s%.30s = %.4g", j ? "    " : "", schema->cond[j].name, e->cond[j]);
    PetscCall(PetscStrlcat(title, cond, sizeof title));
  }
  if (!schema->n_cond) title[strlen(title) - 1] = '\0';
  PetscCall(PetscMalloc3(n, &ref, n, &pred, n, &err));
  NodeValues(schema, k, &e->mesh, e->ref, ref);
  NodeValues(schema, k, &e->mesh, e->pred, pred);
  for (int i = 0; i < n; i++) err[i] = pred[i] - ref[i];
  PetscCall(FFFieldMapCreate(&e->mesh, 3, title, &map));
  /* one scale for reference and prediction, so that equal colours are equal values; a peak
   * over less than TAIL of the window's area (the stagnation point's pressure, an error at a
   * trailing edge) saturates instead of flattening everything else */
  const double *both[2] = {ref, pred};
  PetscCall(FFFieldMapRange(map, 2, both, TAIL, &lo, &hi));
  PetscCall(FFFieldMapRange(map, 1, (const double *const *)&err, TAIL, &elo, &ehi));
  if (!(hi > lo)) {
    const double d = PetscMax(1e-12, 1e-6 * fabs(hi));
    lo = isfinite(lo) ? lo - d : 0, hi = isfinite(hi) ? hi + d : 1;
  }
  double a = PetscMax(fabs(elo), fabs(ehi));
  if (!(a > 0) || !isfinite(a)) a = PetscMax(1e-12, 1e-6 * (hi - lo));
  PetscCall(FFFieldMapSetPanel(map, 0, "reference (solver)", symbol, ref, FF_COLORMAP_SEQUENTIAL, lo, hi));
  PetscCall(FFFieldMapSetPanel(map, 1, "prediction (surrogate)", symbol, pred, FF_COLORMAP_SEQUENTIAL, lo, hi));
  snprintf(t_err, sizeof t_err, "error: prediction − reference (rel. L2 %.2f%%)", 100 * e->rel_l2_field[k]);
  snprintf(bar, sizeof bar, "Δ%s", symbol);
  PetscCall(FFFieldMapSetPanel(map, 2, t_err, bar, err, FF_COLORMAP_DIVERGING, -a, a));
  PetscCall(PetscFree3(ref, pred, err));
  for (size_t j = 0; j < sizeof all_formats / sizeof *all_formats; j++) {
    if (!(Formats(info) & all_formats[j])) continue;
    snprintf(path, sizeof path, "%s/field_%.40s_%06ld.%s", dir, f->name, e->index,
             FFFigureFormatExtension(all_formats[j]));
    PetscCall(FFFieldMapWrite(map, path));
  }
  PetscCall(FFFieldMapDestroy(&map));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareWriteFigures(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema,
                                     long n, const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples)
{
  PetscFunctionBegin;
  if (sum->has_forces && n > 0) {
    PetscCall(ForcePlot(dir, info, "C_L", n, evals, sum, 1));
    PetscCall(ForcePlot(dir, info, "C_D", n, evals, sum, 0));
  }
  for (long i = 0; i < n && i < cp_samples; i++) {
    if (evals[i].n_cp > 1) PetscCall(CpPlot(dir, info, &evals[i]));
    if (evals[i].ref && evals[i].mesh.coords)
      for (int k = 0; k < schema->n_fields; k++) PetscCall(FieldMap(dir, info, schema, k, &evals[i]));
  }
  if (info->history) PetscCall(LossPlot(dir, info));
  PetscFunctionReturn(0);
}
