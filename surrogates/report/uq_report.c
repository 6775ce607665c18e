/* The report of an uncertainty comparison: uq.json, uq.md, the ensembles' mean and std fields
 * as VTU, and the rank histogram figure. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

static json_object *CalibrationJSON(const FFEnsembleCalibration *c)
{
  json_object *o = json_object_new_object(), *h = json_object_new_array();
  json_object_object_add(o, "coverage50", FFJsonNumber(c->coverage50));
  json_object_object_add(o, "coverage90", FFJsonNumber(c->coverage90));
  json_object_object_add(o, "crps", FFJsonNumber(c->crps));
  json_object_object_add(o, "crps_over_ref_spread", FFJsonNumber(c->crps / c->ref_spread));
  json_object_object_add(o, "spread", FFJsonNumber(c->spread));
  json_object_object_add(o, "ref_spread", FFJsonNumber(c->ref_spread));
  json_object_object_add(o, "rmse_of_mean", FFJsonNumber(c->rmse));
  json_object_object_add(o, "spread_skill", FFJsonNumber(c->spread_skill));
  json_object_object_add(o, "entries", json_object_new_int64(c->n_entries));
  json_object_object_add(o, "constant_entries", json_object_new_int64(c->n_constant));
  for (int b = 0; b < FF_FLOW_RANK_BINS; b++) json_object_array_add(h, FFJsonNumber(c->rank_hist[b]));
  json_object_object_add(o, "rank_histogram", h);
  return o;
}

/* The Monte Carlo floor (FFFlowUQ): the same numbers for an ensemble of reference solves. */
static json_object *FloorJSON(const FFFlowUQ *uq)
{
  json_object *o = json_object_new_object(), *fields = json_object_new_object();
  json_object_object_add(o, "ensemble", json_object_new_int64(uq->n_gen));
  json_object_object_add(o, "truths", json_object_new_int64(uq->n_floor_truth));
  for (int k = 0; k < uq->n_fields; k++) {
    json_object *field = CalibrationJSON(&uq->cal_floor[k]);
    json_object_object_add(field, "mean_rel_l2", FFJsonNumber(uq->mean_error_floor[k]));
    json_object_object_add(field, "std_rel_l2", FFJsonNumber(uq->std_error_floor[k]));
    json_object_object_add(fields, uq->field_names[k], field);
  }
  json_object_object_add(o, "fields", fields);
  json_object_object_add(o, "wd", FFJsonNumber(uq->wd_floor));
  return o;
}

/* uq.json: every number of the comparison (docs/pbfm.md); non-finite ones are null. */
static PetscErrorCode WriteJSON(const FFFlowUQ *uq, const char *model, const char *data, const char *dir)
{
  char path[PETSC_MAX_PATH_LEN + 32];
  json_object *doc = json_object_new_object(), *fields = json_object_new_object(), *wd = json_object_new_array(),
              *time = json_object_new_object();

  PetscFunctionBegin;
  snprintf(path, sizeof path, "%s/uq.json", dir);
  json_object_object_add(doc, "model", json_object_new_string(model));
  json_object_object_add(doc, "data", json_object_new_string(data));
  json_object_object_add(doc, "generated", json_object_new_int64(uq->n_gen));
  json_object_object_add(doc, "reference", json_object_new_int64(uq->n_ref));
  for (int k = 0; k < uq->n_fields; k++) {
    json_object *field = CalibrationJSON(&uq->cal[k]);
    json_object_object_add(field, "mean_rel_l2", FFJsonNumber(uq->mean_error[k]));
    json_object_object_add(field, "std_rel_l2", FFJsonNumber(uq->std_error[k]));
    json_object_object_add(fields, uq->field_names[k], field);
  }
  json_object_object_add(doc, "fields", fields);
  for (int c = 0; c < uq->cols; c++) json_object_array_add(wd, FFJsonNumber(uq->wd[c]));
  json_object_object_add(doc, "wd_columns", wd);
  json_object_object_add(doc, "wd", FFJsonNumber(uq->wd_mean));
  if (uq->n_floor_truth > 0) json_object_object_add(doc, "monte_carlo_floor", FloorJSON(uq));
  json_object_object_add(doc, "residual_generated", FFFlowStatisticsJSON(&uq->res_gen));
  json_object_object_add(doc, "residual_reference", FFFlowStatisticsJSON(&uq->res_ref));
  if (uq->has_re) {
    json_object_object_add(doc, "re_generated", FFFlowStatisticsJSON(&uq->re_gen));
    json_object_object_add(doc, "re_reference", FFFlowStatisticsJSON(&uq->re_ref));
    json_object_object_add(doc, "re_w1", FFJsonNumber(uq->re_w1));
  }
  if (uq->has_forces) {
    json_object_object_add(doc, "cd_generated", FFFlowStatisticsJSON(&uq->cd_gen));
    json_object_object_add(doc, "cd_reference", FFFlowStatisticsJSON(&uq->cd_ref));
    json_object_object_add(doc, "cl_generated", FFFlowStatisticsJSON(&uq->cl_gen));
    json_object_object_add(doc, "cl_reference", FFFlowStatisticsJSON(&uq->cl_ref));
    json_object_object_add(doc, "cd_w1", FFJsonNumber(uq->cd_w1));
    json_object_object_add(doc, "cl_w1", FFJsonNumber(uq->cl_w1));
  }
  const double ts = isfinite(uq->t_solve_now) ? uq->t_solve_now : uq->t_solve_stored;
  json_object_object_add(time, "generate_s", FFJsonNumber(uq->t_generate));
  json_object_object_add(time, "per_sample_s", FFJsonNumber(uq->t_generate / uq->n_gen));
  json_object_object_add(time, "solve_stored_mean_s", FFJsonNumber(uq->t_solve_stored));
  json_object_object_add(time, "solve_now_mean_s", FFJsonNumber(uq->t_solve_now));
  json_object_object_add(time, "solves_timed", json_object_new_int64(uq->n_timed));
  json_object_object_add(time, "speedup_per_sample", FFJsonNumber(ts * uq->n_gen / uq->t_generate));
  json_object_object_add(doc, "time", time);
  const FFErrorCode rc = FFJsonWriteFile(doc, path);
  json_object_put(doc);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteMarkdown(const FFFlowUQ *uq, const char *model, const char *data, const char *dir)
{
  char path[PETSC_MAX_PATH_LEN + 32];
  FFAtomicFile af;

  PetscFunctionBegin;
  snprintf(path, sizeof path, "%s/uq.md", dir);
  PetscCallFF(FFAtomicOpen(path, "w", &af));
  FILE *f = af.f;
  fprintf(f,
          "# Generated ensemble vs Monte Carlo reference\n\nmodel `%s`, reference `%s`: %ld generated, %ld "
          "reference samples.\n\n",
          model, data, uq->n_gen, uq->n_ref);
  const int floor = uq->n_floor_truth > 0;
  fprintf(f, "| field | mean rel. L2 | std rel. L2 | coverage 50%% | coverage 90%% | spread-skill | CRPS | CRPS / ref. "
             "spread |\n|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < uq->n_fields; k++) {
    const FFEnsembleCalibration *c = &uq->cal[k];
    fprintf(f, "| %s | %.4f | %.4f | %.3f | %.3f | %.3f | %.4g | %.4f |\n", uq->field_names[k], uq->mean_error[k],
            uq->std_error[k], c->coverage50, c->coverage90, c->spread_skill, c->crps, c->crps / c->ref_spread);
  }
  for (int k = 0; floor && k < uq->n_fields; k++) {
    const FFEnsembleCalibration *c = &uq->cal_floor[k];
    fprintf(f, "| %s, %ld solves vs %ld | %.4f | %.4f | %.3f | %.3f | %.3f | %.4g | %.4f |\n", uq->field_names[k],
            uq->n_gen, uq->n_floor_truth, uq->mean_error_floor[k], uq->std_error_floor[k], c->coverage50, c->coverage90,
            c->spread_skill, c->crps, c->crps / c->ref_spread);
  }
  fprintf(f,
          "\nCalibration (docs/pbfm.md): each reference solve's value at each node ranked among the %ld "
          "generated values (nodes where the reference does not vary left out); coverage: the share inside the "
          "ensemble's central 50%% / 90%% (calibrated: 0.50 / 0.90); spread-skill: ensemble std over the RMSE of the "
          "ensemble mean, times sqrt((m+1)/m) (calibrated: 1; < 1 under-dispersed); CRPS in field units. ",
          uq->n_gen);
  if (floor)
    fprintf(f,
            "The rows \"%ld solves vs %ld\" are the Monte Carlo floor: %ld reference solves taken as the "
            "ensemble against the other %ld, what a perfect generator of this ensemble size scores.\n",
            uq->n_gen, uq->n_floor_truth, uq->n_gen, uq->n_floor_truth);
  fprintf(f, "\nRank histogram (share of the reference values per twentieth of the ensemble's ranks; flat: 0.05 "
             "each):\n\n| field |");
  for (int b = 0; b < FF_FLOW_RANK_BINS; b++) fprintf(f, " %d |", b + 1);
  fprintf(f, "\n|---|");
  for (int b = 0; b < FF_FLOW_RANK_BINS; b++) fprintf(f, "---|");
  fprintf(f, "\n");
  for (int k = 0; k < uq->n_fields; k++) {
    fprintf(f, "| %s |", uq->field_names[k]);
    for (int b = 0; b < FF_FLOW_RANK_BINS; b++) fprintf(f, " %.3f |", uq->cal[k].rank_hist[b]);
    fprintf(f, "\n");
  }
  fprintf(f, "\nWD (mean over nodes and columns of the per-node W1, in reference std units): %.4f (", uq->wd_mean);
  for (int c = 0; c < uq->cols; c++) fprintf(f, "%s%.4f", c ? ", " : "", uq->wd[c]);
  fprintf(f, ")");
  if (floor) fprintf(f, "; Monte Carlo floor %.4f", uq->wd_floor);
  fprintf(f, "\n\n| | generated | reference |\n|---|---|---|\n");
  fprintf(f, "| residual (mean squared), mean | %.4e | %.4e |\n", uq->res_gen.mean, uq->res_ref.mean);
  fprintf(f, "| residual, median | %.4e | %.4e |\n", uq->res_gen.median, uq->res_ref.median);
  if (uq->has_re)
    fprintf(f, "| Re (fitted / true), mean +- std | %.3f +- %.3f | %.3f +- %.3f |\n", uq->re_gen.mean, uq->re_gen.std,
            uq->re_ref.mean, uq->re_ref.std);
  if (uq->has_forces) {
    fprintf(f, "| C_D mean +- std | %.5f +- %.5f | %.5f +- %.5f |\n", uq->cd_gen.mean, uq->cd_gen.std, uq->cd_ref.mean,
            uq->cd_ref.std);
    fprintf(f, "| C_L mean +- std | %.5f +- %.5f | %.5f +- %.5f |\n", uq->cl_gen.mean, uq->cl_gen.std, uq->cl_ref.mean,
            uq->cl_ref.std);
  }
  if (uq->has_re) fprintf(f, "\nW1 of Re: %.4f. ", uq->re_w1);
  if (uq->has_forces) fprintf(f, "W1 of C_D: %.5f, of C_L: %.5f.", uq->cd_w1, uq->cl_w1);
  fprintf(f, "\n\nTime: %ld samples in %.3f s (%.4f s each); a reference solve %.3f s as recorded", uq->n_gen,
          uq->t_generate, uq->t_generate / uq->n_gen, uq->t_solve_stored);
  if (isfinite(uq->t_solve_now)) fprintf(f, ", %.3f s timed now (%ld solves)", uq->t_solve_now, uq->n_timed);
  fprintf(f, ".\n");
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowUQWriteReport(FFFlowModel m, const FFFlowUQ *uq, const FFFlowEnsemble *g,
                                   const double ref_fields[], const char *model_path, const char *data_dir,
                                   const char *dir)
{
  const FFSampleMesh *mesh;
  int rows, cols;
  double *s[6];
  char path[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(FFFlowModelGetMesh(m, &mesh));
  PetscCall(FFFlowModelGetSize(m, &rows, &cols));
  const size_t per = (size_t)mesh->n_nodes * cols;
  PetscCallFF(FFMakeDirs(dir));
  PetscCall(WriteJSON(uq, model_path, data_dir, dir));
  PetscCall(WriteMarkdown(uq, model_path, data_dir, dir));
  for (int k = 0; k < 6; k++) PetscCall(PetscMalloc1(per, &s[k]));
  PetscCall(FFEnsembleMeanStd(g->n, mesh->n_nodes, cols, g->fields, s[0], s[1]));
  PetscCall(FFEnsembleMeanStd(uq->n_ref, mesh->n_nodes, cols, ref_fields, s[2], s[3]));
  for (size_t i = 0; i < per; i++) s[4][i] = s[0][i] - s[2][i], s[5][i] = s[1][i] - s[3][i];
  const char *suffix[6] = {"mean", "std", "ref_mean", "ref_std", "mean_error", "std_error"};
  snprintf(path, sizeof path, "%s/ensemble.vtu", dir);
  PetscCall(FFFlowWriteFieldsVtu(m, 6, suffix, (const double *const *)s, path));
  for (int k = 0; k < 6; k++) PetscCall(PetscFree(s[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowUQWriteFigures(const FFFlowUQ *uq, const char *dir, unsigned formats)
{
  static const FFFigureFormat all[] = {FF_FIGURE_PNG, FF_FIGURE_SVG, FF_FIGURE_PDF};
  enum { B = FF_FLOW_RANK_BINS };
  double x[2 * B], y[2 * B], flat_x[2] = {0, 1}, flat_y[2] = {1, 1};
  char path[PETSC_MAX_PATH_LEN + 32], title[256], note[512] = "";
  FFPlot p;

  PetscFunctionBegin;
  if (!formats) formats = FF_FIGURE_PNG;
  snprintf(title, sizeof title, "Rank of the reference solves among %ld generated samples", uq->n_gen);
  PetscCall(FFPlotCreate(820, 560, title, "rank / (members + 1)", "density (calibrated: 1)", &p));
  for (int k = 0; k < uq->n_fields; k++) {
    char label[FF_NAME_LEN + 64], line[160];
    for (int b = 0; b < B; b++) { /* the histogram as steps: density = share x bins */
      x[2 * b] = (double)b / B, x[2 * b + 1] = (double)(b + 1) / B;
      y[2 * b] = y[2 * b + 1] = uq->cal[k].rank_hist[b] * B;
    }
    snprintf(label, sizeof label, "%s", uq->field_names[k]);
    PetscCall(FFPlotAddSeries(p, label, FF_PLOT_LINE, 2 * B, x, y));
    snprintf(line, sizeof line, "%s%s: coverage 90%% %.3f, spread-skill %.2f", k ? "\n" : "", uq->field_names[k],
             uq->cal[k].coverage90, uq->cal[k].spread_skill);
    PetscCall(PetscStrlcat(note, line, sizeof note));
  }
  PetscCall(FFPlotAddSeries(p, "calibrated", FF_PLOT_LINE, 2, flat_x, flat_y));
  PetscCall(FFPlotSetNote(p, note));
  PetscErrorCode ierr = 0;
  for (size_t k = 0; k < sizeof all / sizeof *all && !ierr; k++) {
    if (!(formats & all[k])) continue;
    snprintf(path, sizeof path, "%s/rank_histogram.%s", dir, FFFigureFormatExtension(all[k]));
    ierr = FFPlotWrite(p, path);
  }
  PetscCall(FFPlotDestroy(&p));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
