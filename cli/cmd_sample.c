/* fieldflow sample -model m.h5 [-case c.opts] [-re ...] -n 64 -o samples/: an ensemble of
 * fields from a flow-matching model (docs/pbfm.md): the ensemble's mean and std fields (VTU),
 * optionally every sample (VTU + .pvd), the PDE residual of every sample through the solver,
 * forces per sample and their distribution (CSV, JSON), timings. Under mpiexec the samples are
 * shared by the ranks; sample i depends only on the seed and i. */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"
#include "ff_io.h"

#include <math.h>
#include <string.h>

typedef struct {
  char model[PETSC_MAX_PATH_LEN], data[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN];
  PetscInt n, batch, seed;
  PetscBool per_sample, physics, has_case;
  FFFlowSamplerConfig sampler;
  double cond[FF_FLOW_MAX_COND];
} Args;

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a, PetscBool help)
{
  PetscInt steps;

  PetscFunctionBeginUser;
  strcpy(a->out, "samples");
  a->n = 64;
  a->batch = 8;
  a->seed = 0;
  a->physics = PETSC_TRUE;
  FFFlowSamplerConfigDefault(&a->sampler);
  steps = a->sampler.steps;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-case", &a->has_case));
  PetscOptionsBegin(comm, NULL, "fieldflow sample: an ensemble of fields from a flow-matching model", "fieldflow");
  PetscCall(PetscOptionsString("-model", "Flow model file (fieldflow train -model fm|pbfm)", "", a->model, a->model,
                               sizeof a->model, NULL));
  PetscCall(PetscOptionsString("-data", "Dataset of the model's mesh and solver (default: the one it records)", "",
                               a->data, a->data, sizeof a->data, NULL));
  PetscCall(PetscOptionsString("-o", "Output directory", "", a->out, a->out, sizeof a->out, NULL));
  PetscCall(PetscOptionsInt("-n", "Samples to draw", "", a->n, &a->n, NULL));
  PetscCall(PetscOptionsInt("-batch", "Samples per network forward", "", a->batch, &a->batch, NULL));
  PetscCall(PetscOptionsInt("-seed", "Seed: sample i depends only on (seed, i)", "", a->seed, &a->seed, NULL));
  PetscCall(PetscOptionsInt("-steps", "Euler steps of the sampler", "", steps, &steps, NULL));
  PetscCall(PetscOptionsReal("-t_star", "Stochastic sampler: jump and re-noise below this time (0: plain Euler)", "",
                             a->sampler.t_star, &a->sampler.t_star, NULL));
  PetscCall(PetscOptionsBool("-per_sample", "Write every sample as VTU and a .pvd collection", "", a->per_sample,
                             &a->per_sample, NULL));
  PetscCall(PetscOptionsBool("-physics", "Residuals and forces of every sample through the solver", "", a->physics,
                             &a->physics, NULL));
  PetscOptionsEnd();
  a->sampler.steps = (int)steps;
  if (help) PetscFunctionReturn(0);
  PetscCheck(a->model[0], comm, PETSC_ERR_ARG_WRONG, "option -model: give the model file");
  PetscCheck(a->n >= 1 && a->batch >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "options -n %d and -batch %d must be >= 1",
             (int)a->n, (int)a->batch);
  PetscFunctionReturn(0);
}

/* A conditional model's condition values: -<name> (a -case file sets them too). */
static PetscErrorCode ReadConditions(MPI_Comm comm, FFFlowModel m, double cond[])
{
  const FFFlowModelConfig *c;

  PetscFunctionBeginUser;
  PetscCall(FFFlowModelGetConfig(m, &c));
  for (int j = 0; j < c->n_cond; j++) {
    char opt[FF_NAME_LEN + 2];
    PetscReal v;
    PetscBool set;
    snprintf(opt, sizeof opt, "-%s", c->cond[j]);
    PetscCall(PetscOptionsGetReal(NULL, NULL, opt, &v, &set));
    PetscCheck(set, comm, PETSC_ERR_ARG_WRONG, "the model is conditioned on '%s': give %s value", c->cond[j], opt);
    cond[j] = v;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteEnsemble(FFFlowModel m, const Args *a, const FFFlowEnsemble *e)
{
  const size_t per = (size_t)e->n_nodes * e->cols;
  double *mean, *std;
  char path[2 * PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(per, &mean));
  PetscCall(PetscMalloc1(per, &std));
  PetscCall(FFEnsembleMeanStd(e->n, e->n_nodes, e->cols, e->fields, mean, std));
  const char *suffix[2] = {"mean", "std"};
  const double *sets[2] = {mean, std};
  snprintf(path, sizeof path, "%s/ensemble.vtu", a->out);
  PetscCall(FFFlowWriteFieldsVtu(m, 2, suffix, sets, path));
  if (a->per_sample) {
    char dir[PETSC_MAX_PATH_LEN + 64], **names;
    double *times;
    const char *none[1] = {""};
    snprintf(dir, sizeof dir, "%s/samples", a->out);
    PetscCallFF(FFMakeDirs(dir));
    PetscCall(PetscMalloc2(e->n, &names, e->n, &times));
    for (long k = 0; k < e->n; k++) {
      const double *one[1] = {e->fields + k * per};
      snprintf(path, sizeof path, "%s/sample_%06ld.vtu", dir, k);
      PetscCall(FFFlowWriteFieldsVtu(m, 1, none, one, path));
      PetscCall(PetscMalloc1(64, &names[k]));
      snprintf(names[k], 64, "samples/sample_%06ld.vtu", k);
      times[k] = (double)k;
    }
    snprintf(path, sizeof path, "%s/samples.pvd", a->out);
    PetscCallFF(FFVtkWritePvd(path, (int)e->n, (const char *const *)names, times));
    for (long k = 0; k < e->n; k++) PetscCall(PetscFree(names[k]));
    PetscCall(PetscFree2(names, times));
  }
  PetscCall(PetscFree(std));
  PetscCall(PetscFree(mean));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCSV(const Args *a, const FFFlowEnsemble *e)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  FFAtomicFile af;

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s/samples.csv", a->out);
  PetscCallFF(FFAtomicOpen(path, "w", &af));
  FILE *f = af.f;
  fprintf(f, "sample,residual_ms,residual_norm,bc_mismatch,re,cd,cl\n");
  for (long k = 0; k < e->n; k++) {
    const FFFlowResidual *r = e->res ? &e->res[k] : NULL;
    fprintf(f, "%ld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", k, r ? r->r : NAN, r ? r->f_norm : NAN, r ? r->mismatch : NAN,
            r ? r->re : NAN, e->cd ? e->cd[k] : NAN, e->cl ? e->cl[k] : NAN);
  }
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteJSON(const Args *a, FFFlowModel m, const FFFlowEnsemble *e, int ranks)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  const FFFlowModelConfig *c;
  FFFlowStatistics st;
  double *v;

  PetscFunctionBeginUser;
  PetscCall(FFFlowModelGetConfig(m, &c));
  PetscCall(PetscMalloc1(e->n, &v));
  snprintf(path, sizeof path, "%s/summary.json", a->out);
  json_object *doc = json_object_new_object(), *sampler = json_object_new_object(), *conds = json_object_new_object(),
              *time = json_object_new_object(), *files = json_object_new_array();
  json_object_object_add(doc, "model", json_object_new_string(a->model));
  json_object_object_add(doc, "kind", json_object_new_string(FFFlowKindName(c->kind)));
  json_object_object_add(doc, "samples", json_object_new_int64(e->n));
  json_object_object_add(doc, "seed", json_object_new_int64(a->seed));
  json_object_object_add(sampler, "steps", json_object_new_int64(a->sampler.steps));
  json_object_object_add(sampler, "t_star", FFJsonNumber(a->sampler.t_star));
  json_object_object_add(sampler, "sigma_min", FFJsonNumber(a->sampler.sigma_min));
  json_object_object_add(sampler, "batch", json_object_new_int64(a->batch));
  json_object_object_add(doc, "sampler", sampler);
  for (int j = 0; j < c->n_cond; j++) json_object_object_add(conds, c->cond[j], FFJsonNumber(a->cond[j]));
  json_object_object_add(doc, "conditions", conds);
  json_object_object_add(doc, "ranks", json_object_new_int64(ranks));
  json_object_object_add(time, "sampling_s", FFJsonNumber(e->t_generate));
  json_object_object_add(time, "per_sample_s", FFJsonNumber(e->t_generate / e->n));
  json_object_object_add(time, "residuals_s", FFJsonNumber(e->t_residual));
  json_object_object_add(time, "forces_s", FFJsonNumber(e->t_forces));
  json_object_object_add(doc, "time", time);
  const char *keys[4] = {"residual_ms", "residual_norm", "bc_mismatch", "re"};
  for (int q = 0; e->res && q < 4; q++) {
    for (long k = 0; k < e->n; k++)
      v[k] = q == 0 ? e->res[k].r : q == 1 ? e->res[k].f_norm : q == 2 ? e->res[k].mismatch : e->res[k].re;
    if (q == 3 && !(v[0] > 0)) continue; /* Darcy: no Reynolds number */
    FFFlowStatisticsCompute(e->n, v, &st);
    json_object_object_add(doc, keys[q], FFFlowStatisticsJSON(&st));
  }
  if (e->res) json_object_object_add(doc, "residual_unknowns", json_object_new_int64(e->res[0].n_unknowns));
  for (int q = 0; e->cd && q < 2; q++) {
    FFFlowStatisticsCompute(e->n, q ? e->cl : e->cd, &st);
    json_object_object_add(doc, q ? "C_L" : "C_D", FFFlowStatisticsJSON(&st));
  }
  json_object_array_add(files, json_object_new_string("ensemble.vtu"));
  json_object_array_add(files, json_object_new_string("samples.csv"));
  if (a->per_sample) json_object_array_add(files, json_object_new_string("samples.pvd"));
  json_object_object_add(doc, "files", files);
  const FFErrorCode rc = FFJsonWriteFile(doc, path);
  json_object_put(doc);
  PetscCall(PetscFree(v));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSummary(MPI_Comm comm, const Args *a, const FFFlowEnsemble *e)
{
  FFFlowStatistics st;
  double *v;

  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "sampled %ld fields in %.3f s (%.4f s per sample; %d Euler steps, t* = %g)\n", e->n,
                        e->t_generate, e->t_generate / e->n, a->sampler.steps, a->sampler.t_star));
  if (e->res) {
    PetscCall(PetscMalloc1(e->n, &v));
    for (long k = 0; k < e->n; k++) v[k] = e->res[k].r;
    FFFlowStatisticsCompute(e->n, v, &st);
    PetscCall(PetscPrintf(comm,
                          "residual (mean squared over %ld unknowns): mean %.4e, median %.4e, 95%% %.4e "
                          "(%.3f s to evaluate)\n",
                          e->res[0].n_unknowns, st.mean, st.median, st.q95, e->t_residual));
    if (e->res[0].re > 0) {
      for (long k = 0; k < e->n; k++) v[k] = e->res[k].re;
      FFFlowStatisticsCompute(e->n, v, &st);
      PetscCall(PetscPrintf(comm, "Reynolds number that fits each sample: mean %.3f, std %.3f, [%.3f, %.3f]\n", st.mean,
                            st.std, st.min, st.max));
    }
    PetscCall(PetscFree(v));
  }
  for (int q = 0; e->cd && q < 2; q++) {
    FFFlowStatisticsCompute(e->n, q ? e->cl : e->cd, &st);
    PetscCall(PetscPrintf(comm, "%s: mean %.5f, std %.5f, 5%% %.5f, median %.5f, 95%% %.5f\n", q ? "C_L" : "C_D",
                          st.mean, st.std, st.q05, st.median, st.q95));
  }
  PetscCall(PetscPrintf(comm, "wrote %s/ensemble.vtu, %s/samples.csv, %s/summary.json%s\n", a->out, a->out, a->out,
                        a->per_sample ? " and samples.pvd" : ""));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdSample(MPI_Comm comm)
{
  Args a;
  PetscBool help;
  FFFlowModel m = NULL;
  FFFlowSolver fs;
  FFFlowEnsemble e;
  PetscMPIInt rank, size;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof a));
  PetscCall(PetscMemzero(&fs, sizeof fs));
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ReadArgs(comm, &a, help));
  if (help) PetscFunctionReturn(FFCliCaseHelp(comm)); /* the case's options (conditions, mesh) */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FFFlowModelLoad(comm, a.model, a.data, PETSC_TRUE, &m, NULL));
  PetscErrorCode ierr = ReadConditions(comm, m, a.cond);
  if (!ierr && a.physics) ierr = a.has_case ? FFFlowSolverFromOptions(m, &fs) : FFFlowSolverFromDataset(m, a.data, &fs);
  if (!ierr)
    ierr = FFFlowEnsembleGenerate(comm, m, a.physics ? fs.phys : NULL, a.physics ? fs.body : NULL, &a.sampler,
                                  (uint64_t)a.seed, a.n, (int)a.batch, a.cond, &e);
  if (!ierr && !rank) {
    ierr = FFMakeDirs(a.out) ? PETSC_ERR_FILE_OPEN : 0;
    if (ierr) PetscCall(PetscPrintf(PETSC_COMM_SELF, "fieldflow sample: cannot create '%s'\n", a.out));
    if (!ierr) ierr = WriteEnsemble(m, &a, &e);
    if (!ierr) ierr = WriteCSV(&a, &e);
    if (!ierr) ierr = WriteJSON(&a, m, &e, size);
  }
  if (!ierr) ierr = PrintSummary(comm, &a, &e);
  if (!ierr) PetscCall(FFFlowEnsembleDestroy(&e));
  if (a.physics) PetscCall(FFFlowSolverDestroy(&fs));
  PetscCall(FFFlowModelDestroy(&m));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
