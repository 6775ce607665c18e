/* The report of an uncertainty comparison: uq.json, uq.md and the ensembles' mean and std
 * fields as VTU. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

static PetscErrorCode OpenTemp(const char *dir, const char *name, char *path, size_t len, char *tmp, size_t tlen,
                               FILE **f)
{
  PetscFunctionBegin;
  snprintf(path, len, "%s/%s", dir, name);
  PetscCallFF(FFTempPathFor(path, tmp, tlen));
  *f = fopen(tmp, "w");
  PetscCheck(*f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", tmp);
  PetscFunctionReturn(0);
}

static PetscErrorCode Commit(FILE *f, const char *tmp, const char *path)
{
  PetscFunctionBegin;
  PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write '%s'", tmp);
  PetscCallFF(FFCommitTemp(tmp, path));
  PetscFunctionReturn(0);
}

static void Num(FILE *f, const char *key, double v, const char *sep)
{
  if (isfinite(v))
    fprintf(f, "\"%s\": %.10g%s", key, v, sep);
  else
    fprintf(f, "\"%s\": null%s", key, sep);
}

static void Stat(FILE *f, const char *key, const FFFlowStatistics *s)
{
  fprintf(f, "  \"%s\": ", key);
  FFFlowStatisticsWriteJSON(f, s);
  fprintf(f, ",\n");
}

static PetscErrorCode WriteJSON(const FFFlowUQ *uq, const char *model, const char *data, const char *dir)
{
  char path[PETSC_MAX_PATH_LEN + 32], tmp[PETSC_MAX_PATH_LEN + 96];
  FILE *f;

  PetscFunctionBegin;
  PetscCall(OpenTemp(dir, "uq.json", path, sizeof path, tmp, sizeof tmp, &f));
  fprintf(f, "{\n  \"model\": \"%s\",\n  \"data\": \"%s\",\n  \"generated\": %ld,\n  \"reference\": %ld,\n", model,
          data, uq->n_gen, uq->n_ref);
  fprintf(f, "  \"fields\": {");
  for (int k = 0; k < uq->n_fields; k++) {
    fprintf(f, "%s\"%s\": {", k ? ", " : "", uq->field_names[k]);
    Num(f, "mean_rel_l2", uq->mean_error[k], ", ");
    Num(f, "std_rel_l2", uq->std_error[k], "}");
  }
  fprintf(f, "},\n  \"wd_columns\": [");
  for (int c = 0; c < uq->cols; c++) fprintf(f, "%s%.10g", c ? ", " : "", uq->wd[c]);
  fprintf(f, "],\n  ");
  Num(f, "wd", uq->wd_mean, ",\n");
  Stat(f, "residual_generated", &uq->res_gen);
  Stat(f, "residual_reference", &uq->res_ref);
  if (uq->has_re) {
    Stat(f, "re_generated", &uq->re_gen);
    Stat(f, "re_reference", &uq->re_ref);
    fprintf(f, "  ");
    Num(f, "re_w1", uq->re_w1, ",\n");
  }
  if (uq->has_forces) {
    Stat(f, "cd_generated", &uq->cd_gen);
    Stat(f, "cd_reference", &uq->cd_ref);
    Stat(f, "cl_generated", &uq->cl_gen);
    Stat(f, "cl_reference", &uq->cl_ref);
    fprintf(f, "  ");
    Num(f, "cd_w1", uq->cd_w1, ", ");
    Num(f, "cl_w1", uq->cl_w1, ",\n");
  }
  fprintf(f, "  \"time\": {");
  Num(f, "generate_s", uq->t_generate, ", ");
  Num(f, "per_sample_s", uq->t_generate / uq->n_gen, ", ");
  Num(f, "solve_stored_mean_s", uq->t_solve_stored, ", ");
  Num(f, "solve_now_mean_s", uq->t_solve_now, ", ");
  fprintf(f, "\"solves_timed\": %ld, ", uq->n_timed);
  const double ts = isfinite(uq->t_solve_now) ? uq->t_solve_now : uq->t_solve_stored;
  Num(f, "speedup_per_sample", ts * uq->n_gen / uq->t_generate, "}\n}\n");
  PetscCall(Commit(f, tmp, path));
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
