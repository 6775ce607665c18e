/* The files of a comparison: metrics.json (everything, machine-readable), samples.csv (one
 * row per sample), report.md (tables and figures for people), and the PNG figures. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JSON numbers: non-finite values become null. */
static void Num(FILE *f, double v)
{
  if (isfinite(v))
    fprintf(f, "%.10g", v);
  else
    fprintf(f, "null");
}

static void Str(FILE *f, const char *s)
{
  fputc('"', f);
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    if ((unsigned char)*s >= 32) fputc(*s, f);
  }
  fputc('"', f);
}

static const char *Get(const FFCompareInfo *info, const char *key)
{
  const char *v = info->model_config ? FFKeyValuesGet(info->model_config, key) : NULL;
  return v ? v : "";
}

static void JsonSample(FILE *f, const FFSurrogateSchema *schema, const FFCompareSummary *sum, const FFSampleEval *e)
{
  fprintf(f, "    {\"index\": %ld, \"conditions\": {", e->index);
  for (int k = 0; k < schema->n_cond; k++) {
    fprintf(f, "%s", k ? ", " : "");
    Str(f, schema->cond[k].name);
    fprintf(f, ": ");
    Num(f, e->cond[k]);
  }
  fprintf(f, "},\n     \"rel_l2\": {");
  for (int c = 0; c < sum->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", sum->col_names[c]);
    Num(f, e->rel_l2[c]);
  }
  for (int k = 0; k < sum->n_fields; k++) {
    fprintf(f, ", \"%s (field)\": ", sum->field_names[k]);
    Num(f, e->rel_l2_field[k]);
  }
  fprintf(f, "},\n     \"nmse_volume\": {");
  for (int c = 0; c < sum->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", sum->col_names[c]);
    Num(f, e->nmse_volume[c]);
  }
  fprintf(f, "}, \"nmse_surface\": {");
  for (int c = 0; c < sum->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", sum->col_names[c]);
    Num(f, e->nmse_surface[c]);
  }
  fprintf(f, "},\n     \"C_D\": ");
  Num(f, e->has_forces ? e->cd_pred : NAN);
  fprintf(f, ", \"C_D_ref\": ");
  Num(f, e->cd_ref);
  fprintf(f, ", \"C_L\": ");
  Num(f, e->has_forces ? e->cl_pred : NAN);
  fprintf(f, ", \"C_L_ref\": ");
  Num(f, e->cl_ref);
  fprintf(f, ", \"residual\": ");
  Num(f, e->residual_pred);
  fprintf(f, ", \"residual_ref\": ");
  Num(f, e->residual_ref);
  fprintf(f, ",\n     \"seconds_inference\": ");
  Num(f, e->t_features + e->t_network);
  fprintf(f, ", \"seconds_network\": ");
  Num(f, e->t_network);
  fprintf(f, ", \"seconds_solve\": ");
  Num(f, e->t_solve_now);
  fprintf(f, ", \"seconds_solve_stored\": ");
  Num(f, e->t_solve_stored);
  fprintf(f, "}");
}

static PetscErrorCode WriteJSON(const char *path, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                const FFSampleEval *evals, const FFCompareSummary *s)
{
  char tmp[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCallFF(FFTempPathFor(path, tmp, sizeof tmp));
  FILE *f = fopen(tmp, "w");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", path);
  fprintf(f, "{\n  \"model\": ");
  Str(f, info->model_path);
  fprintf(f, ", \"model_type\": ");
  Str(f, Get(info, "model"));
  fprintf(f, ", \"parameters\": %zu,\n  \"dataset\": ", info->n_params);
  Str(f, info->data_dir);
  fprintf(f, ", \"split\": ");
  Str(f, info->split);
  fprintf(f, ", \"samples\": %ld,\n  \"aggregate\": {\n    \"rel_l2\": {", n);
  for (int c = 0; c < s->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", s->col_names[c]);
    Num(f, s->rel_l2[c]);
  }
  for (int k = 0; k < s->n_fields; k++) {
    fprintf(f, ", \"%s (field)\": ", s->field_names[k]);
    Num(f, s->rel_l2_field[k]);
  }
  fprintf(f, "},\n    \"rel_l2_max\": {");
  for (int c = 0; c < s->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", s->col_names[c]);
    Num(f, s->rel_l2_max[c]);
  }
  for (int k = 0; k < s->n_fields; k++) {
    fprintf(f, ", \"%s (field)\": ", s->field_names[k]);
    Num(f, s->rel_l2_field_max[k]);
  }
  fprintf(f, "},\n    \"nmse_volume\": {");
  for (int c = 0; c < s->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", s->col_names[c]);
    Num(f, s->nmse_volume[c]);
  }
  fprintf(f, "},\n    \"nmse_surface\": {");
  for (int c = 0; c < s->n_cols; c++) {
    fprintf(f, "%s\"%s\": ", c ? ", " : "", s->col_names[c]);
    Num(f, s->nmse_surface[c]);
  }
  fprintf(f, "},\n    \"C_L_mean_relative_error\": ");
  Num(f, s->has_forces ? s->cl_mre : NAN);
  fprintf(f, ", \"C_L_spearman\": ");
  Num(f, s->has_forces ? s->cl_spearman : NAN);
  fprintf(f, ", \"C_L_mean_absolute_error\": ");
  Num(f, s->has_forces ? s->cl_mae : NAN);
  fprintf(f, ",\n    \"C_D_mean_relative_error\": ");
  Num(f, s->has_forces ? s->cd_mre : NAN);
  fprintf(f, ", \"C_D_spearman\": ");
  Num(f, s->has_forces ? s->cd_spearman : NAN);
  fprintf(f, ", \"C_D_mean_absolute_error\": ");
  Num(f, s->has_forces ? s->cd_mae : NAN);
  fprintf(f, ",\n    \"reference_force_consistency\": ");
  Num(f, s->has_forces ? s->force_consistency : NAN);
  fprintf(f, ", \"residual_mean\": ");
  Num(f, s->residual_pred);
  fprintf(f, ", \"residual_ref_mean\": ");
  Num(f, s->residual_ref);
  fprintf(f, ",\n    \"seconds_inference_mean\": ");
  Num(f, s->t_inference);
  fprintf(f, ", \"seconds_solve_mean\": ");
  Num(f, s->t_solve);
  fprintf(f, ", \"solves_timed_now\": %ld, \"speedup\": ", s->n_timed);
  Num(f, s->speedup);
  fprintf(f, ", \"seconds_comparison\": ");
  Num(f, info->wall_time);
  fprintf(f, "\n  },\n  \"per_sample\": [\n");
  for (long i = 0; i < n; i++) {
    JsonSample(f, schema, s, &evals[i]);
    fprintf(f, "%s\n", i + 1 < n ? "," : "");
  }
  fprintf(f, "  ]\n}\n");
  PetscCheck(!fclose(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write '%s'", path);
  PetscCallFF(FFCommitTemp(tmp, path));
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
  fprintf(f, "\n## Figures\n\n");
  if (s->has_forces) fprintf(f, "![C_L](cl.png) ![C_D](cd.png)\n\n");
  for (long i = 0; i < n && i < n_cp; i++)
    if (e[i].n_cp) fprintf(f, "![C_p of sample %ld](cp_%06ld.png)\n", e[i].index, e[i].index);
  if (info->history) fprintf(f, "\n![loss curves](loss.png)\n");
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
  PetscCall(FFCompareWriteFigures(dir, info, n, evals, sum, cp_samples));
  PetscFunctionReturn(0);
}
