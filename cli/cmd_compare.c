/* fieldflow compare -model model.h5 -data <dataset> -split test -o report/: the surrogate
 * against the reference solves of a dataset split: errors per field, AirfRANS-style errors,
 * C_L/C_D (relative error, Spearman), PDE residuals, timings and speedup; writes
 * report.md, metrics.json, samples.csv, figures (PNG, SVG or PDF: plots and colour maps of
 * the fields) and a VTU per sample (reference, prediction, error), and prints a summary table. */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

typedef struct {
  char model[PETSC_MAX_PATH_LEN], data[PETSC_MAX_PATH_LEN], split[FF_NAME_LEN + 16], out[PETSC_MAX_PATH_LEN];
  char figures[64];
  unsigned figure_formats;
  PetscInt cp_samples, time_solves, max_samples;
  PetscBool vtu;
} Args;

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow compare: a surrogate against the reference solver", "fieldflow");
  PetscCall(PetscOptionsString("-model", "Model file", "", a->model, a->model, sizeof a->model, NULL));
  PetscCall(PetscOptionsString("-data", "Dataset (default: the one the model was trained on)", "", a->data, a->data,
                               sizeof a->data, NULL));
  PetscCall(PetscOptionsString("-split", "Split to compare on", "", a->split, a->split, sizeof a->split, NULL));
  PetscCall(PetscOptionsString("-o", "Report directory", "", a->out, a->out, sizeof a->out, NULL));
  PetscCall(
      PetscOptionsBool("-vtu", "Write a VTU per sample (reference, prediction, error)", "", a->vtu, &a->vtu, NULL));
  PetscCall(PetscOptionsInt("-cp_samples", "Samples with C_p and field-map figures", "", a->cp_samples, &a->cp_samples,
                            NULL));
  PetscCall(PetscOptionsString("-figures", "Formats of the figures: png, svg, pdf (comma-separated)", "", a->figures,
                               a->figures, sizeof a->figures, NULL));
  PetscCall(PetscOptionsInt("-time_solves", "Samples solved again to time the solver in this run (-1: all)", "",
                            a->time_solves, &a->time_solves, NULL));
  PetscCall(PetscOptionsInt("-max_samples", "Compare on the first N samples of the split only (0: all)", "",
                            a->max_samples, &a->max_samples, NULL));
  PetscOptionsEnd();
  PetscBool help;
  PetscCall(FFCliHelpRequested(&help));
  if (help) PetscFunctionReturn(0); /* the options are listed; nothing to check */
  PetscCheck(a->model[0], comm, PETSC_ERR_ARG_WRONG, "option -model: give the model file");
  PetscCheck(a->max_samples >= 0 && a->cp_samples >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -max_samples and -cp_samples must be >= 0");
  FFErrorCapture cap;
  PetscCall(FFErrorCapturePush(&cap));
  PetscErrorCode ierr = FFFigureFormatsFromString(a->figures, &a->figure_formats);
  PetscCall(FFErrorCapturePop());
  PetscCheck(!ierr, comm, PETSC_ERR_ARG_WRONG, "option -figures: %s", cap.message);
  PetscFunctionReturn(0);
}

/* The model's fields and conditions must be in the dataset. */
static PetscErrorCode CheckCompatible(MPI_Comm comm, const Args *a, const FFSurrogateSchema *schema, const FFSample *s)
{
  char have[512] = "";

  PetscFunctionBeginUser;
  for (int f = 0; f < s->n_fields; f++) {
    char one[FF_NAME_LEN + 32];
    snprintf(one, sizeof one, "%s%s (%d)", f ? ", " : "", s->fields[f].name, s->fields[f].n_comp);
    PetscCall(PetscStrlcat(have, one, sizeof have));
  }
  for (int k = 0; k < schema->n_fields; k++) {
    const FFField *f = FFSampleField(s, schema->fields[k].name);
    PetscCheck(f && f->n_comp == schema->fields[k].n_comp && f->location == schema->fields[k].location, comm,
               PETSC_ERR_ARG_INCOMP,
               "model '%s' predicts field '%s' with %d components, which dataset '%s' does not have (its fields: %s); "
               "it was trained on a dataset of case '%s'",
               a->model, schema->fields[k].name, schema->fields[k].n_comp, a->data, have, schema->case_name);
  }
  for (int k = 0; k < schema->n_inputs; k++)
    PetscCheck(FFSampleField(s, schema->inputs[k].name), comm, PETSC_ERR_ARG_INCOMP,
               "model '%s' reads the input field '%s', which dataset '%s' does not have (its fields: %s)", a->model,
               schema->inputs[k].name, a->data, have);
  for (int k = 0; k < schema->n_cond; k++)
    PetscCheck(FFScalarFind(s->params, s->n_params, schema->cond[k].name), comm, PETSC_ERR_ARG_INCOMP,
               "model '%s' is conditioned on '%s', which is no parameter of dataset '%s'", a->model,
               schema->cond[k].name, a->data);
  if (strcmp(s->case_name, schema->case_name))
    PetscCall(PetscPrintf(comm, "fieldflow: warning: the model was trained on case '%s', the dataset is of case '%s'\n",
                          schema->case_name, s->case_name));
  PetscFunctionReturn(0);
}

/* keep_fields: keep the mesh and reference fields for the field maps of the report */
static PetscErrorCode EvaluateOne(const Args *a, FFSurrogate s, const FFSurrogateSchema *schema, FFDataset ds,
                                  long index, PetscBool time_solve, PetscBool keep_fields, FFSampleEval *e)
{
  FFSample sample;
  FFSweepSolver ss;
  PetscBool have_solver = PETSC_FALSE;
  char path[PETSC_MAX_PATH_LEN + 64], what[64];

  PetscFunctionBeginUser;
  if (FFDatasetReadSample(ds, index, FF_READ_ALL, &sample))
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s", FFErrorMessage());
  snprintf(what, sizeof what, "sample %ld", index);
  double cond[FF_SURR_MAX_COND];
  for (int k = 0; k < schema->n_cond; k++) {
    const FFScalar *v = FFScalarFind(sample.params, sample.n_params, schema->cond[k].name);
    cond[k] = v ? v->value : NAN;
  }
  PetscErrorCode ierr = FFSurrogateCheckConditions(PETSC_COMM_SELF, schema, cond, what);
  if (!ierr) ierr = FFSweepSolverFromSample(PETSC_COMM_SELF, &sample, &ss);
  if (!ierr) have_solver = PETSC_TRUE;
  if (!ierr) ierr = FFSurrogateEvaluateSample(s, &sample, ss.solver, time_solve, e);
  if (!ierr && keep_fields) ierr = FFSampleEvalKeepFields(schema, &sample, e);
  if (!ierr && a->vtu) {
    double *ref;
    FFSurrogateGraph g;
    ierr = FFSurrogateGraphFromSample(schema, &sample, &g);
    ref = g.target;
    snprintf(path, sizeof path, "%s/samples/sample_%06ld.vtu", a->out, index);
    if (!ierr) ierr = FFSurrogateWriteVtu(schema, &sample.mesh, e->pred, ref, path);
    PetscCall(FFSurrogateGraphDestroy(&g));
  }
  if (have_solver) PetscCall(FFSweepSolverDestroy(&ss));
  FFSampleDestroy(&sample);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSample(MPI_Comm comm, const FFCompareSummary *cols, const FFSampleEval *e)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "sample %6ld:", e->index));
  for (int c = 0; c < cols->n_cols; c++)
    PetscCall(PetscPrintf(comm, " %s %.2f%%", cols->col_names[c], 100 * e->rel_l2[c]));
  if (e->has_forces)
    PetscCall(
        PetscPrintf(comm, "  C_D %.4f (ref %.4f)  C_L %.4f (ref %.4f)", e->cd_pred, e->cd_ref, e->cl_pred, e->cl_ref));
  PetscCall(PetscPrintf(comm, "  |F| %.1e  inference %.3f s", e->residual_pred, e->t_features + e->t_network));
  if (isfinite(e->t_solve_now)) PetscCall(PetscPrintf(comm, "  solve %.2f s", e->t_solve_now));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSummary(MPI_Comm comm, const FFCompareSummary *s, const char *out, PetscBool vtu)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "\n  %-44s %s\n", "quantity (over the split)", "value"));
  for (int k = 0; k < s->n_fields; k++)
    PetscCall(PetscPrintf(comm, "  relative L2 error of %-23s %.3f%% (worst %.3f%%)\n", s->field_names[k],
                          100 * s->rel_l2_field[k], 100 * s->rel_l2_field_max[k]));
  for (int c = 0; c < s->n_cols; c++)
    PetscCall(PetscPrintf(comm, "  relative L2 error of %-23s %.3f%%\n", s->col_names[c], 100 * s->rel_l2[c]));
  if (s->has_forces) {
    PetscCall(PetscPrintf(comm, "  %-44s %.2f%%  (Spearman %.4f)\n", "C_L mean relative error", 100 * s->cl_mre,
                          s->cl_spearman));
    PetscCall(PetscPrintf(comm, "  %-44s %.2f%%  (Spearman %.4f)\n", "C_D mean relative error", 100 * s->cd_mre,
                          s->cd_spearman));
  }
  PetscCall(PetscPrintf(comm, "  %-44s %.2e (reference %.2e)\n", "residual norm of the predictions", s->residual_pred,
                        s->residual_ref));
  PetscCall(PetscPrintf(comm, "  %-44s %.4f s\n", "inference time per sample", s->t_inference));
  PetscCall(PetscPrintf(comm, "  %-44s %.3f s (%s)\n", "reference solve time per sample", s->t_solve,
                        s->n_timed ? "solved again in this run" : "as recorded"));
  PetscCall(PetscPrintf(comm, "  %-44s %.1fx\n", "speedup", s->speedup));
  PetscCall(PetscPrintf(comm, "wrote %s/report.md, metrics.json, samples.csv, figures%s\n", out,
                        vtu ? " and samples/*.vtu" : ""));
  PetscFunctionReturn(0);
}

static PetscErrorCode Compare(MPI_Comm comm, const Args *a, FFSurrogate s, FFKeyValues *config, FFNamedArrays *history)
{
  FFDataset ds;
  long *indices = NULL, n = 0;
  const FFSurrogateSchema *schema;
  FFSampleEval *evals;
  FFCompareSummary sum, cols;
  FFParams *P;
  const double t0 = FFTimeNow();

  PetscFunctionBeginUser;
  PetscCall(FFSurrogateGetSchema(s, &schema));
  if (FFDatasetOpen(a->data, &ds)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -data: %s", FFErrorMessage());
  if (FFDatasetSplit(ds, a->split, &indices, &n)) {
    FFDatasetDestroy(&ds);
    SETERRQ(comm, PETSC_ERR_ARG_WRONG, "dataset '%s': %s", a->data, FFErrorMessage());
  }
  if (a->max_samples > 0) n = PetscMin(n, a->max_samples);
  PetscErrorCode ierr = 0;
  if (!n)
    ierr = PetscError(comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_ARG_WRONG, PETSC_ERROR_INITIAL,
                      "dataset '%s' has no samples in split '%s'", a->data, a->split);
  if (!ierr) {
    FFSample first;
    if (FFDatasetReadSample(ds, indices[0], FF_READ_FIELDS, &first))
      ierr = PetscError(comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_READ, PETSC_ERROR_INITIAL, "%s",
                        FFErrorMessage());
    else {
      ierr = CheckCompatible(comm, a, schema, &first);
      FFSampleDestroy(&first);
    }
  }
  PetscCall(PetscCalloc1(n + 1, &evals));
  FFCompareSummarize(schema, 0, evals, &cols);
  if (!ierr)
    PetscCall(PetscPrintf(comm, "comparing '%s' with the reference solves of %ld samples of '%s' (split %s)\n",
                          a->model, n, a->data, a->split));
  for (long i = 0; !ierr && i < n; i++) {
    const PetscBool time_solve = a->time_solves < 0 || i < a->time_solves;
    ierr = EvaluateOne(a, s, schema, ds, indices[i], time_solve, i < a->cp_samples, &evals[i]);
    if (!ierr) ierr = PrintSample(comm, &cols, &evals[i]);
  }
  if (!ierr) {
    PetscCall(FFSurrogateGetParams(s, &P));
    FFCompareInfo info = {a->model, a->data, a->split, config, history, P->size, 0, a->vtu, a->figure_formats};
    ierr = FFCompareSummarize(schema, n, evals, &sum);
    info.wall_time = FFTimeNow() - t0;
    if (!ierr) ierr = FFCompareWriteReport(a->out, &info, schema, n, evals, &sum, (int)a->cp_samples);
    if (!ierr) ierr = PrintSummary(comm, &sum, a->out, a->vtu);
  }
  for (long i = 0; i < n; i++) PetscCall(FFSampleEvalDestroy(&evals[i]));
  PetscCall(PetscFree(evals));
  free(indices);
  FFDatasetDestroy(&ds);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdCompare(MPI_Comm comm)
{
  Args a;
  PetscBool help;
  PetscMPIInt size;
  FFSurrogate s = NULL;
  FFKeyValues *config;
  FFNamedArrays *history;

  PetscFunctionBeginUser;
  char mode[16] = "";
  PetscCall(PetscOptionsGetString(NULL, NULL, "-mode", mode, sizeof mode, NULL));
  if (!strcmp(mode, "uq")) PetscFunctionReturn(FFCmdCompareUQ(comm)); /* a flow model vs Monte Carlo solves */
  memset(&a, 0, sizeof a);
  strcpy(a.split, "test");
  strcpy(a.out, "report");
  strcpy(a.figures, "png");
  a.cp_samples = 4;
  a.time_solves = 3;
  a.vtu = PETSC_TRUE;
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ReadArgs(comm, &a));
  if (help) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(size == 1, comm, PETSC_ERR_SUP,
             "fieldflow compare runs on one process (it times single-process inference against the solver)");
  PetscCallFF(FFKeyValuesCreate(&config));
  PetscCallFF(FFNamedArraysCreate(&history));
  PetscErrorCode ierr = FFSurrogateLoad(comm, a.model, &s, config, history);
  if (!ierr && !a.data[0]) {
    const char *d = FFKeyValuesGet(config, "data.dir");
    if (d) PetscCall(PetscStrncpy(a.data, d, sizeof a.data));
  }
  if (!ierr && !a.data[0])
    ierr = PetscError(comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_ARG_WRONG, PETSC_ERROR_INITIAL,
                      "option -data: give the dataset");
  if (!ierr) {
    char dir[PETSC_MAX_PATH_LEN + 16];
    snprintf(dir, sizeof dir, "%s%s", a.out, a.vtu ? "/samples" : "");
    if (FFMakeDirs(dir))
      ierr = PetscError(comm, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_OPEN, PETSC_ERROR_INITIAL,
                        "option -o: %s", FFErrorMessage());
  }
  if (!ierr) ierr = Compare(comm, &a, s, config, history);
  PetscCall(FFSurrogateDestroy(&s));
  FFKeyValuesDestroy(&config);
  FFNamedArraysDestroy(&history);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
