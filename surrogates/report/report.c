/* The files of a comparison: metrics.json (everything, machine-readable), samples.csv (one
 * row per sample), report.md (tables and figures for people), and the figures. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *Get(const FFCompareInfo *info, const char *key)
{
  const char *v = info->model_config ? FFKeyValuesGet(info->model_config, key) : NULL;
  return v ? v : "";
}

/* {"<column>": v[0], ...} and, with field values, {..., "<field> (field)": f[0], ...}. */
static json_object *Columns(const FFCompareSummary *s, const double v[], const double f[])
{
  json_object *o = json_object_new_object();
  char key[FF_NAME_LEN + 16];
  for (int c = 0; c < s->n_cols; c++) json_object_object_add(o, s->col_names[c], FFJsonNumber(v[c]));
  for (int k = 0; f && k < s->n_fields; k++) {
    snprintf(key, sizeof key, "%s (field)", s->field_names[k]);
    json_object_object_add(o, key, FFJsonNumber(f[k]));
  }
  return o;
}

static json_object *JsonSample(const FFSurrogateSchema *schema, const FFCompareSummary *sum, const FFSampleEval *e)
{
  json_object *o = json_object_new_object(), *cond = json_object_new_object();
  json_object_object_add(o, "index", json_object_new_int64(e->index));
  for (int k = 0; k < schema->n_cond; k++) json_object_object_add(cond, schema->cond[k].name, FFJsonNumber(e->cond[k]));
  json_object_object_add(o, "conditions", cond);
  json_object_object_add(o, "rel_l2", Columns(sum, e->rel_l2, e->rel_l2_field));
  json_object_object_add(o, "nmse_volume", Columns(sum, e->nmse_volume, NULL));
  json_object_object_add(o, "nmse_surface", Columns(sum, e->nmse_surface, NULL));
  json_object_object_add(o, "C_D", FFJsonNumber(e->has_forces ? e->cd_pred : NAN));
  json_object_object_add(o, "C_D_ref", FFJsonNumber(e->cd_ref));
  json_object_object_add(o, "C_L", FFJsonNumber(e->has_forces ? e->cl_pred : NAN));
  json_object_object_add(o, "C_L_ref", FFJsonNumber(e->cl_ref));
  json_object_object_add(o, "residual", FFJsonNumber(e->residual_pred));
  json_object_object_add(o, "residual_ref", FFJsonNumber(e->residual_ref));
  json_object_object_add(o, "seconds_inference", FFJsonNumber(e->t_features + e->t_network));
  json_object_object_add(o, "seconds_network", FFJsonNumber(e->t_network));
  json_object_object_add(o, "seconds_solve", FFJsonNumber(e->t_solve_now));
  json_object_object_add(o, "seconds_solve_stored", FFJsonNumber(e->t_solve_stored));
  return o;
}

static json_object *JsonAggregate(const FFCompareInfo *info, const FFCompareSummary *s)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "rel_l2", Columns(s, s->rel_l2, s->rel_l2_field));
  json_object_object_add(o, "rel_l2_max", Columns(s, s->rel_l2_max, s->rel_l2_field_max));
  json_object_object_add(o, "nmse_volume", Columns(s, s->nmse_volume, NULL));
  json_object_object_add(o, "nmse_surface", Columns(s, s->nmse_surface, NULL));
  json_object_object_add(o, "C_L_mean_relative_error", FFJsonNumber(s->has_forces ? s->cl_mre : NAN));
  json_object_object_add(o, "C_L_spearman", FFJsonNumber(s->has_forces ? s->cl_spearman : NAN));
  json_object_object_add(o, "C_L_mean_absolute_error", FFJsonNumber(s->has_forces ? s->cl_mae : NAN));
  json_object_object_add(o, "C_D_mean_relative_error", FFJsonNumber(s->has_forces ? s->cd_mre : NAN));
  json_object_object_add(o, "C_D_spearman", FFJsonNumber(s->has_forces ? s->cd_spearman : NAN));
  json_object_object_add(o, "C_D_mean_absolute_error", FFJsonNumber(s->has_forces ? s->cd_mae : NAN));
  json_object_object_add(o, "reference_force_consistency", FFJsonNumber(s->has_forces ? s->force_consistency : NAN));
  json_object_object_add(o, "residual_mean", FFJsonNumber(s->residual_pred));
  json_object_object_add(o, "residual_ref_mean", FFJsonNumber(s->residual_ref));
  json_object_object_add(o, "seconds_inference_mean", FFJsonNumber(s->t_inference));
  json_object_object_add(o, "seconds_solve_mean", FFJsonNumber(s->t_solve));
  json_object_object_add(o, "solves_timed_now", json_object_new_int64(s->n_timed));
  json_object_object_add(o, "speedup", FFJsonNumber(s->speedup));
  json_object_object_add(o, "seconds_comparison", FFJsonNumber(info->wall_time));
  return o;
}

static PetscErrorCode WriteJSON(const char *path, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                const FFSampleEval *evals, const FFCompareSummary *s)
{
  json_object *doc = json_object_new_object(), *samples = json_object_new_array();

  PetscFunctionBegin;
  json_object_object_add(doc, "model", json_object_new_string(info->model_path));
  json_object_object_add(doc, "model_type", json_object_new_string(Get(info, "model")));
  json_object_object_add(doc, "parameters", json_object_new_int64((int64_t)info->n_params));
  json_object_object_add(doc, "dataset", json_object_new_string(info->data_dir));
  json_object_object_add(doc, "split", json_object_new_string(info->split));
  json_object_object_add(doc, "samples", json_object_new_int64(n));
  json_object_object_add(doc, "aggregate", JsonAggregate(info, s));
  for (long i = 0; i < n; i++) json_object_array_add(samples, JsonSample(schema, s, &evals[i]));
  json_object_object_add(doc, "per_sample", samples);
  const FFErrorCode rc = FFJsonWriteFile(doc, path);
  json_object_put(doc);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCSV(const char *path, const FFSurrogateSchema *schema, long n, const FFSampleEval *e,
                               const FFCompareSummary *s)
{
  FFAtomicFile af;

  PetscFunctionBegin;
  PetscCallFF(FFAtomicOpen(path, "w", &af));
  FILE *f = af.f;
  fprintf(f, "index");
  for (int k = 0; k < schema->n_cond; k++) fprintf(f, ",%s", schema->cond[k].name);
  for (int c = 0; c < s->n_cols; c++) fprintf(f, ",rel_l2_%s", s->col_names[c]);
  for (int k = 0; k < s->n_fields; k++) fprintf(f, ",rel_l2_field_%s", s->field_names[k]);
  fprintf(f, ",C_D_ref,C_D,C_L_ref,C_L,residual_ref,residual,seconds_inference,seconds_solve\n");
  for (long i = 0; i < n; i++) {
    fprintf(f, "%ld", e[i].index);
    for (int k = 0; k < schema->n_cond; k++) fprintf(f, ",%.10g", e[i].cond[k]);
    for (int c = 0; c < s->n_cols; c++) fprintf(f, ",%.6g", e[i].rel_l2[c]);
    for (int k = 0; k < s->n_fields; k++) fprintf(f, ",%.6g", e[i].rel_l2_field[k]);
    fprintf(f, ",%.8g,%.8g,%.8g,%.8g,%.4g,%.4g,%.5g,%.5g\n", e[i].cd_ref, e[i].cd_pred, e[i].cl_ref, e[i].cl_pred,
            e[i].residual_ref, e[i].residual_pred, e[i].t_features + e[i].t_network,
            isfinite(e[i].t_solve_now) ? e[i].t_solve_now : e[i].t_solve_stored);
  }
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

static void MarkdownAggregate(FILE *f, const FFCompareSummary *s)
{
  fprintf(f, "## Aggregate over %ld samples\n\n| quantity | value |\n|---|---|\n", s->n);
  for (int k = 0; k < s->n_fields; k++)
    fprintf(f, "| relative L2 error of %s (all components), mean / worst | %.3f%% / %.3f%% |\n", s->field_names[k],
            100 * s->rel_l2_field[k], 100 * s->rel_l2_field_max[k]);
  for (int c = 0; c < s->n_cols; c++)
    fprintf(f, "| relative L2 error of %s, mean / worst | %.3f%% / %.3f%% |\n", s->col_names[c], 100 * s->rel_l2[c],
            100 * s->rel_l2_max[c]);
  for (int c = 0; c < s->n_cols; c++)
    fprintf(f, "| normalized MSE of %s, volume / surface (AirfRANS) | %.3e / %.3e |\n", s->col_names[c],
            s->nmse_volume[c], s->nmse_surface[c]);
  if (s->has_forces) {
    fprintf(f,
            "| C_L mean relative error / Spearman / mean absolute error | %.3f%% / %.4f / %.4g (mean abs C_L %.4g) |\n",
            100 * s->cl_mre, s->cl_spearman, s->cl_mae, s->cl_ref_mean_abs);
    fprintf(f, "| C_D mean relative error / Spearman / mean absolute error | %.3f%% / %.4f / %.4g (mean C_D %.4g) |\n",
            100 * s->cd_mre, s->cd_spearman, s->cd_mae, s->cd_ref_mean_abs);
    fprintf(f, "| reference forces recomputed from the stored fields vs stored | max difference %.2e |\n",
            s->force_consistency);
  }
  fprintf(f, "| residual norm ‖F‖, prediction / reference (mean) | %.3e / %.3e |\n", s->residual_pred, s->residual_ref);
  fprintf(f, "| inference time (graph inputs + network), mean | %.4f s |\n", s->t_inference);
  fprintf(f, "| reference solve time, mean (%s) | %.3f s |\n",
          s->n_timed ? "solved again in this run" : "as recorded in the dataset", s->t_solve);
  fprintf(f, "| speedup (solve / inference, same samples) | %.1fx |\n\n", s->speedup);
}

/* The figures in the first format of png, svg, pdf that was written (a PDF as a link). */
static void MarkdownFigure(FILE *f, const FFCompareInfo *info, const char *alt, const char *base)
{
  const unsigned formats = info->figures ? info->figures : FF_FIGURE_PNG;
  const FFFigureFormat first = formats & FF_FIGURE_PNG   ? FF_FIGURE_PNG
                               : formats & FF_FIGURE_SVG ? FF_FIGURE_SVG
                                                         : FF_FIGURE_PDF;
  fprintf(f, "%s[%s](%s.%s)\n", first == FF_FIGURE_PDF ? "" : "!", alt, base, FFFigureFormatExtension(first));
}

static void MarkdownFigures(FILE *f, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                            const FFSampleEval *e, const FFCompareSummary *s, int n_cp)
{
  char alt[128], base[128];
  fprintf(f, "\n## Figures\n\n");
  if (s->has_forces) {
    fprintf(f, "C_L and C_D of the surrogate against the solver's, one point per sample; on the dashed diagonal they "
               "agree.\n\n");
    MarkdownFigure(f, info, "C_L", "cl");
    MarkdownFigure(f, info, "C_D", "cd");
    fprintf(f, "\n");
  }
  int any_cp = 0, any_map = 0;
  for (long i = 0; i < n && i < n_cp; i++) any_cp |= e[i].n_cp > 1, any_map |= e[i].ref != NULL;
  if (any_cp) {
    fprintf(f, "C_p along the body (suction up) of the solver and of the surrogate.\n\n");
    for (long i = 0; i < n && i < n_cp; i++) {
      if (e[i].n_cp < 2) continue;
      snprintf(alt, sizeof alt, "C_p of sample %ld", e[i].index);
      snprintf(base, sizeof base, "cp_%06ld", e[i].index);
      MarkdownFigure(f, info, alt, base);
    }
    fprintf(f, "\n");
  }
  if (any_map) {
    fprintf(f, "The fields around the body, grey (`field_<field>_<sample>`; the whole domain when there is no "
               "body; a vector as its magnitude): the reference solve (left) and the surrogate's prediction (middle) "
               "share one colour scale, so equal colours are equal values; the error (right, prediction minus "
               "reference) is blue where the surrogate is below the solver, red where above and white where they "
               "agree, on a scale symmetric about 0.\n\n");
    for (long i = 0; i < n && i < n_cp; i++)
      for (int k = 0; e[i].ref && k < schema->n_fields; k++) {
        snprintf(alt, sizeof alt, "%.40s of sample %ld", schema->fields[k].name, e[i].index);
        snprintf(base, sizeof base, "field_%.40s_%06ld", schema->fields[k].name, e[i].index);
        MarkdownFigure(f, info, alt, base);
      }
    fprintf(f, "\n");
  }
  if (info->history) {
    fprintf(f, "The training loss and the validation error per epoch.\n\n");
    MarkdownFigure(f, info, "loss curves", "loss");
  }
}

static PetscErrorCode WriteMarkdown(const char *path, const FFCompareInfo *info, const FFSurrogateSchema *schema,
                                    long n, const FFSampleEval *e, const FFCompareSummary *s, int n_cp)
{
  FFAtomicFile af;

  PetscFunctionBegin;
  PetscCallFF(FFAtomicOpen(path, "w", &af));
  FILE *f = af.f;
  fprintf(f, "# Surrogate vs reference solver\n\n");
  fprintf(f, "- model: `%s` (%s, width %s, depth %s%s%s, %zu parameters), trained %s epochs / %s steps in %.0f s\n",
          info->model_path, Get(info, "model"), Get(info, "width"), Get(info, "depth"),
          !strcmp(Get(info, "model"), "gnn") ? ", blocks " : "",
          !strcmp(Get(info, "model"), "gnn") ? Get(info, "blocks") : "", info->n_params, Get(info, "train.epoch"),
          Get(info, "train.step"), atof(Get(info, "train.seconds")));
  fprintf(f, "- dataset: `%s`, split `%s`, %ld samples (trained on `%s`)\n", info->data_dir, info->split, n,
          Get(info, "data.dir"));
  fprintf(f, "- errors are of the network's raw output; forces and residuals map it to the solver's state\n"
             "  (Dirichlet values from the boundary conditions) on each sample's own mesh\n\n");
  MarkdownAggregate(f, s);
  fprintf(f, "## Per sample\n\n| sample |");
  for (int k = 0; k < schema->n_cond; k++) fprintf(f, " %s |", schema->cond[k].name);
  for (int c = 0; c < s->n_cols; c++) fprintf(f, " L2 %s |", s->col_names[c]);
  fprintf(f, " C_D ref | C_D | C_L ref | C_L | ‖F‖ | ‖F‖ ref | inference s | solve s |\n|---|");
  for (int k = 0; k < schema->n_cond + s->n_cols + 8; k++) fprintf(f, "---|");
  fprintf(f, "\n");
  for (long i = 0; i < n; i++) {
    fprintf(f, "| %ld |", e[i].index);
    for (int k = 0; k < schema->n_cond; k++) fprintf(f, " %.4g |", e[i].cond[k]);
    for (int c = 0; c < s->n_cols; c++) fprintf(f, " %.2f%% |", 100 * e[i].rel_l2[c]);
    fprintf(f, " %.4f | %.4f | %.4f | %.4f | %.2e | %.2e | %.4f | %.2f |\n", e[i].cd_ref, e[i].cd_pred, e[i].cl_ref,
            e[i].cl_pred, e[i].residual_pred, e[i].residual_ref, e[i].t_features + e[i].t_network,
            isfinite(e[i].t_solve_now) ? e[i].t_solve_now : e[i].t_solve_stored);
  }
  MarkdownFigures(f, info, schema, n, e, s, n_cp);
  if (info->vtu)
    fprintf(f, "\nVTU files (reference, prediction, error on the P2 nodes): `samples/sample_NNNNNN.vtu`.\n");
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareWriteReport(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                    const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCallFF(FFMakeDirs(dir));
  snprintf(path, sizeof path, "%s/metrics.json", dir);
  PetscCall(WriteJSON(path, info, schema, n, evals, sum));
  snprintf(path, sizeof path, "%s/samples.csv", dir);
  PetscCall(WriteCSV(path, schema, n, evals, sum));
  snprintf(path, sizeof path, "%s/report.md", dir);
  PetscCall(WriteMarkdown(path, info, schema, n, evals, sum, cp_samples));
  PetscCall(FFCompareWriteFigures(dir, info, schema, n, evals, sum, cp_samples));
  PetscFunctionReturn(0);
}
