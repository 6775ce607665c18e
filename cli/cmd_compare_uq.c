/* fieldflow compare -mode uq -model m.h5 -data <reference dataset> -o report/: a generated
 * ensemble of a flow-matching model against Monte Carlo reference solves (docs/pbfm.md): the
 * errors of the mean and std fields, the Wasserstein distance of the per-node marginals and of
 * C_D/C_L, residuals (and the Reynolds numbers that explain the samples), the time of N samples
 * against N solves. `fieldflow compare` dispatches here under -mode uq. */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"
#include "ff_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char model[PETSC_MAX_PATH_LEN], data[PETSC_MAX_PATH_LEN], split[FF_NAME_LEN + 16], out[PETSC_MAX_PATH_LEN];
  char mode[16];
  PetscInt n, batch, seed, time_solves, max_ref;
  FFFlowSamplerConfig sampler;
} Args;

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a, PetscBool help)
{
  PetscInt steps;

  PetscFunctionBeginUser;
  strcpy(a->split, "all");
  strcpy(a->out, "report_uq");
  a->batch = 8;
  a->time_solves = 3;
  FFFlowSamplerConfigDefault(&a->sampler);
  steps = a->sampler.steps;
  PetscOptionsBegin(comm, NULL, "fieldflow compare -mode uq: a flow model's ensemble against reference solves",
                    "fieldflow");
  PetscCall(PetscOptionsString("-mode", "uq: a generative model against Monte Carlo reference solves", "", a->mode,
                               a->mode, sizeof a->mode, NULL));
  PetscCall(PetscOptionsString("-model", "Flow model file", "", a->model, a->model, sizeof a->model, NULL));
  PetscCall(PetscOptionsString("-data", "Reference dataset (solves on the model's mesh)", "", a->data, a->data,
                               sizeof a->data, NULL));
  PetscCall(PetscOptionsString("-split", "Reference split", "", a->split, a->split, sizeof a->split, NULL));
  PetscCall(PetscOptionsInt("-max_ref", "Use at most this many reference samples (0: all)", "", a->max_ref, &a->max_ref,
                            NULL));
  PetscCall(PetscOptionsString("-o", "Report directory", "", a->out, a->out, sizeof a->out, NULL));
  PetscCall(PetscOptionsInt("-n", "Generated samples (0: as many as reference samples)", "", a->n, &a->n, NULL));
  PetscCall(PetscOptionsInt("-batch", "Samples per network forward", "", a->batch, &a->batch, NULL));
  PetscCall(PetscOptionsInt("-seed", "Seed of the generated ensemble", "", a->seed, &a->seed, NULL));
  PetscCall(PetscOptionsInt("-steps", "Euler steps of the sampler", "", steps, &steps, NULL));
  PetscCall(PetscOptionsReal("-t_star", "Stochastic sampler below this time (0: plain Euler)", "", a->sampler.t_star,
                             &a->sampler.t_star, NULL));
  PetscCall(PetscOptionsInt("-time_solves", "Reference samples solved again in this run to time the solver", "",
                            a->time_solves, &a->time_solves, NULL));
  PetscOptionsEnd();
  a->sampler.steps = (int)steps;
  if (help) PetscFunctionReturn(0);
  PetscCheck(a->model[0] && a->data[0], comm, PETSC_ERR_ARG_WRONG,
             "options -model and -data: give the flow model and the reference dataset");
  PetscFunctionReturn(0);
}

typedef struct {
  long n;
  FFSample *s;
  double *fields, *residuals, *re;
} Reference;

static PetscErrorCode ReferenceLoad(MPI_Comm comm, const Args *a, FFFlowModel m, FFFlowSolver *fs, Reference *r)
{
  FFDataset ds;
  const FFSampleMesh *mesh;
  FFFlowResidual res;

  PetscFunctionBeginUser;
  if (FFDatasetOpen(a->data, &ds)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -data: %s", FFErrorMessage());
  FFErrorCode rc = FFDatasetLoadSplit(ds, a->split, FF_READ_MESH | FF_READ_FIELDS, &r->s, &r->n);
  FFDatasetDestroy(&ds);
  if (rc) SETERRQ(comm, PETSC_ERR_FILE_READ, "option -split: %s", FFErrorMessage());
  PetscCheck(r->n > 0, comm, PETSC_ERR_ARG_WRONG, "'%s' has no samples in split '%s'", a->data, a->split);
  if (a->max_ref > 0 && r->n > a->max_ref) {
    for (long k = a->max_ref; k < r->n; k++) FFSampleDestroy(&r->s[k]);
    r->n = a->max_ref;
  }
  PetscCall(FFFlowModelGetMesh(m, &mesh));
  PetscCheck(FFFlowMeshSame(&r->s[0].mesh, mesh, 1e-9), comm, PETSC_ERR_ARG_INCOMP,
             "the reference samples of '%s' are not on the mesh the flow model generates on", a->data);
  int rows, cols;
  PetscCall(FFFlowModelGetSize(m, &rows, &cols));
  const size_t N = (size_t)mesh->n_nodes * cols;
  PetscCall(PetscMalloc3(r->n * N, &r->fields, r->n, &r->residuals, r->n, &r->re));
  for (long k = 0; k < r->n; k++) {
    const FFScalar *re = FFScalarFind(r->s[k].params, r->s[k].n_params, "re");
    double cond[FF_FLOW_MAX_COND];
    PetscCall(FFFlowModelSampleField(m, &r->s[k], r->fields + k * N));
    PetscCall(FFFlowModelSampleConditions(m, &r->s[k], cond));
    PetscCall(FFFlowPhysicsEvaluate(fs->phys, r->fields + k * N, cond, &res, NULL));
    r->residuals[k] = res.r;
    r->re[k] = re ? re->value : NAN;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ReferenceDestroy(Reference *r)
{
  PetscFunctionBeginUser;
  for (long k = 0; k < r->n; k++) FFSampleDestroy(&r->s[k]);
  free(r->s);
  if (r->fields) PetscCall(PetscFree3(r->fields, r->residuals, r->re));
  PetscFunctionReturn(0);
}

/* Solves a few reference samples again from rest (their own rebuilt solvers) to time the
 * solver in this run, beside the stored times. */
static PetscErrorCode TimeSolves(const Args *a, long n, FFFlowUQ *uq)
{
  FFDataset ds;
  long *idx, n_idx;
  double sum = 0;

  PetscFunctionBeginUser;
  if (a->time_solves <= 0) PetscFunctionReturn(0);
  PetscCallFF(FFDatasetOpen(a->data, &ds));
  PetscCallFF(FFDatasetSplit(ds, a->split, &idx, &n_idx));
  const long k_max = PetscMin(PetscMin(a->time_solves, n_idx), n);
  for (long k = 0; k < k_max; k++) {
    FFSweepSolver ss;
    FFSolveStats st;
    PetscCall(FFSweepSolverFromDataset(PETSC_COMM_SELF, ds, idx[k], &ss));
    PetscErrorCode ierr = FFSolverSolve(ss.solver, &st);
    PetscCall(FFSweepSolverDestroy(&ss)); /* also on a failure: its scratch .msh goes */
    PetscCall(ierr);
    PetscCheck(st.converged, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "reference sample %ld did not converge again",
               idx[k]);
    sum += st.wall_time;
  }
  free(idx);
  FFDatasetDestroy(&ds);
  uq->n_timed = k_max;
  uq->t_solve_now = k_max ? sum / k_max : NAN;
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSummary(MPI_Comm comm, const FFFlowUQ *uq)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "%ld generated vs %ld reference samples\n", uq->n_gen, uq->n_ref));
  for (int k = 0; k < uq->n_fields; k++)
    PetscCall(PetscPrintf(comm, "  %-4s mean field rel. L2 %.4f   std field rel. L2 %.4f\n", uq->field_names[k],
                          uq->mean_error[k], uq->std_error[k]));
  PetscCall(PetscPrintf(comm, "  WD (per-node W1 / reference std, mean over nodes and columns) %.4f\n", uq->wd_mean));
  PetscCall(PetscPrintf(comm, "  residual (mean squared): generated mean %.4e median %.4e; reference mean %.4e\n",
                        uq->res_gen.mean, uq->res_gen.median, uq->res_ref.mean));
  if (uq->has_re)
    PetscCall(PetscPrintf(comm, "  Re: fitted to the samples %.3f +- %.3f, reference %.3f +- %.3f, W1 %.4f\n",
                          uq->re_gen.mean, uq->re_gen.std, uq->re_ref.mean, uq->re_ref.std, uq->re_w1));
  if (uq->has_forces)
    PetscCall(PetscPrintf(comm,
                          "  C_D %.5f +- %.5f (reference %.5f +- %.5f), W1 %.5f; C_L %.5f +- %.5f (reference %.5f "
                          "+- %.5f), W1 %.5f\n",
                          uq->cd_gen.mean, uq->cd_gen.std, uq->cd_ref.mean, uq->cd_ref.std, uq->cd_w1, uq->cl_gen.mean,
                          uq->cl_gen.std, uq->cl_ref.mean, uq->cl_ref.std, uq->cl_w1));
  const double ts = isfinite(uq->t_solve_now) ? uq->t_solve_now : uq->t_solve_stored;
  PetscCall(PetscPrintf(comm,
                        "  time: %ld samples %.2f s (%.4f s each); %ld solves %.2f s (%.3f s each, %s): %.1fx "
                        "faster per sample\n",
                        uq->n_gen, uq->t_generate, uq->t_generate / uq->n_gen, uq->n_gen, ts * uq->n_gen, ts,
                        isfinite(uq->t_solve_now) ? "timed now" : "as recorded", ts * uq->n_gen / uq->t_generate));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdCompareUQ(MPI_Comm comm)
{
  Args a;
  PetscBool help;
  FFFlowModel m = NULL;
  FFFlowSolver fs;
  FFFlowEnsemble e;
  Reference r;
  FFFlowUQ uq;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof a));
  PetscCall(PetscMemzero(&fs, sizeof fs));
  PetscCall(PetscMemzero(&r, sizeof r));
  PetscCall(PetscMemzero(&e, sizeof e));
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ReadArgs(comm, &a, help));
  if (help) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FFFlowModelLoad(comm, a.model, NULL, PETSC_TRUE, &m, NULL));
  PetscErrorCode ierr = FFFlowSolverFromDataset(m, NULL, &fs);
  if (!ierr) ierr = ReferenceLoad(comm, &a, m, &fs, &r);
  const FFFlowModelConfig *c;
  PetscCall(FFFlowModelGetConfig(m, &c));
  PetscCheck(ierr || c->n_cond == 0, comm, PETSC_ERR_SUP,
             "compare -mode uq compares an unconditional model's ensemble with the reference's distribution");
  if (!ierr)
    ierr = FFFlowEnsembleGenerate(comm, m, fs.phys, fs.body, &a.sampler, (uint64_t)a.seed, a.n > 0 ? a.n : r.n,
                                  (int)a.batch, NULL, &e);
  if (!ierr) ierr = FFFlowUQCompare(m, &e, r.n, r.s, r.fields, r.residuals, r.re, &uq);
  if (!ierr && !rank) ierr = TimeSolves(&a, r.n, &uq);
  if (!ierr && !rank) ierr = FFFlowUQWriteReport(m, &uq, &e, r.fields, a.model, a.data, a.out);
  if (!ierr) ierr = PrintSummary(comm, &uq);
  if (!ierr) ierr = PetscPrintf(comm, "wrote %s/uq.md, uq.json, ensemble.vtu\n", a.out);
  PetscCall(FFFlowEnsembleDestroy(&e));
  PetscCall(ReferenceDestroy(&r));
  PetscCall(FFFlowSolverDestroy(&fs));
  PetscCall(FFFlowModelDestroy(&m));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
