/* The report of an uncertainty comparison: uq.json, uq.md and the ensembles' mean and std
 * fields as VTU. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

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
    json_object *field = json_object_new_object();
    json_object_object_add(field, "mean_rel_l2", FFJsonNumber(uq->mean_error[k]));
    json_object_object_add(field, "std_rel_l2", FFJsonNumber(uq->std_error[k]));
    json_object_object_add(fields, uq->field_names[k], field);
  }
  json_object_object_add(doc, "fields", fields);
  for (int c = 0; c < uq->cols; c++) json_object_array_add(wd, FFJsonNumber(uq->wd[c]));
  json_object_object_add(doc, "wd_columns", wd);
  json_object_object_add(doc, "wd", FFJsonNumber(uq->wd_mean));
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
  fprintf(f, "| field | mean rel. L2 | std rel. L2 |\n|---|---|---|\n");
  for (int k = 0; k < uq->n_fields; k++)
    fprintf(f, "| %s | %.4f | %.4f |\n", uq->field_names[k], uq->mean_error[k], uq->std_error[k]);
  fprintf(f, "\nWD (mean over nodes and columns of the per-node W1, in reference std units): %.4f (", uq->wd_mean);
  for (int c = 0; c < uq->cols; c++) fprintf(f, "%s%.4f", c ? ", " : "", uq->wd[c]);
  fprintf(f, ")\n\n| | generated | reference |\n|---|---|---|\n");
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
