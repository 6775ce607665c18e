/* What a solve reports (forces, dp, references) and its JSON and CSV files. */
#include "ff_petsc.h"
#include "ff_solver_impl.h"

/* Smallest and largest dof of a field in the state (nodal values for Lagrange elements). */
static PetscErrorCode FieldRange(FFSolver s, PetscInt field, PetscReal *lo, PetscReal *hi)
{
  IS is;
  Vec sub;

  PetscFunctionBegin;
  PetscCall(DMCreateSubDM(s->dm, 1, &field, &is, NULL));
  PetscCall(VecGetSubVector(s->u, is, &sub));
  PetscCall(VecMin(sub, NULL, lo));
  PetscCall(VecMax(sub, NULL, hi));
  PetscCall(VecRestoreSubVector(s->u, is, &sub));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeSummary(FFSolver s, FFSolveSummary *sum)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverComputeSummary"));
  PetscCall(PetscMemzero(sum, sizeof *sum));
  if (!FFSolverIsFlow(s)) {
    PetscCall(FieldRange(s, 0, &sum->k_min, &sum->k_max));
    PetscCall(FieldRange(s, 1, &sum->p_min, &sum->p_max));
    PetscFunctionReturn(0);
  }
  if (s->forces_body[0]) {
    PetscCall(FFSolverComputeForces(s, s->forces_body, &sum->forces));
    PetscCall(PetscStrncpy(sum->body, s->forces_body, sizeof sum->body));
    sum->has_forces = PETSC_TRUE;
  }
  if (s->has_dp_probes) {
    PetscReal v[6];
    PetscCall(FFSolverEvaluate(s, 2, s->dp_probes, v));
    sum->dp = v[s->dim] - v[2 * (s->dim + 1) - 1];
    sum->has_dp = PETSC_TRUE;
  }
  sum->has_ref_cd = s->has_ref_cd, sum->ref_cd = s->ref_cd;
  sum->has_ref_cl = s->has_ref_cl, sum->ref_cl = s->ref_cl;
  sum->has_ref_dp = s->has_ref_dp, sum->ref_dp = s->ref_dp;
  if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansSummary(s, sum));
  PetscFunctionReturn(0);
}

/* A JSON number (null when not finite). */
static void Number(FILE *f, const char *key, PetscReal v, const char *sep)
{
  if (PetscIsInfOrNanReal(v))
    fprintf(f, "  \"%s\": null%s\n", key, sep);
  else
    fprintf(f, "  \"%s\": %.12g%s\n", key, (double)v, sep);
}

static void Compared(FILE *f, const char *key, PetscReal v, PetscBool has_ref, PetscReal ref)
{
  fprintf(f, "  \"%s\": {\"value\": %.12g", key, (double)v);
  if (has_ref) fprintf(f, ", \"reference\": %.12g, \"relative_error\": %.6e", (double)ref, (double)((v - ref) / ref));
  fprintf(f, "},\n");
}

static PetscErrorCode WriteJSON(FFSolver s, const FFSolveSummary *sum, FILE *f)
{
  PetscInt n;
  PetscMPIInt size;
  const FFSolveStats *st = &s->stats;

  PetscFunctionBegin;
  PetscCall(VecGetSize(s->u, &n));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  fprintf(f, "{\n  \"problem\": \"%s\",\n",
          s->problem == FF_PROBLEM_NAVIER_STOKES ? "navier-stokes" : (s->problem == FF_PROBLEM_RANS ? "rans" : "darcy"));
  if (FFSolverIsFlow(s)) {
    Number(f, "re", s->re, ",");
    Number(f, "nu", s->nu, ",");
    Number(f, "ref_velocity", s->ref_velocity, ",");
    Number(f, "ref_length", s->ref_length, ",");
    Number(f, "aoa", s->aoa_deg, ",");
    if (sum->has_forces) {
      fprintf(f, "  \"body\": \"%s\",\n", sum->body);
      Compared(f, "cd", sum->forces.cd, sum->has_ref_cd, sum->ref_cd);
      Compared(f, "cl", sum->forces.cl, sum->has_ref_cl, sum->ref_cl);
      Number(f, "drag", sum->forces.drag, ",");
      Number(f, "lift", sum->forces.lift, ",");
    }
    if (sum->has_dp) Compared(f, "dp", sum->dp, sum->has_ref_dp, sum->ref_dp);
    fprintf(f, "  \"continuation_steps\": %d,\n", (int)st->continuation_steps);
    Number(f, "reynolds_reached", st->reynolds_reached, ",");
    if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansWriteJSON(s, sum, f));
  } else {
    fprintf(f, "  \"seed\": %d,\n  \"grf_kernel\": \"%s\",\n", (int)s->seed, s->grf_kernel);
    Number(f, "grf_length", s->grf_length, ",");
    Number(f, "grf_variance", s->grf_variance, ",");
    fprintf(f, "  \"source\": \"%s\",\n", s->darcy_source);
    Number(f, "k_min", sum->k_min, ",");
    Number(f, "k_max", sum->k_max, ",");
    Number(f, "p_min", sum->p_min, ",");
    Number(f, "p_max", sum->p_max, ",");
  }
  fprintf(f, "  \"converged\": %s,\n  \"reason\": \"%s\",\n", st->converged ? "true" : "false",
          SNESConvergedReasons[st->reason]);
  fprintf(f, "  \"newton_iterations\": %d,\n  \"linear_iterations\": %d,\n", (int)st->newton_iterations,
          (int)st->linear_iterations);
  Number(f, "residual_norm", st->residual_norm, ",");
  Number(f, "wall_time", st->wall_time, ",");
  fprintf(f, "  \"unknowns\": %d,\n  \"ranks\": %d\n}\n", (int)n, (int)size);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverWriteSummary(FFSolver s, const FFSolveSummary *sum, const char path[])
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the solve did not converge; nothing written", path);
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (!rank) {
    char tmp[PETSC_MAX_PATH_LEN + 16];
    PetscCallFF(FFCheckWritable(path));
    PetscCallFF(FFTempPathFor(path, tmp, sizeof tmp));
    FILE *f = fopen(tmp, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot write", path);
    PetscCall(WriteJSON(s, sum, f));
    PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: write failed", path);
    PetscCallFF(FFCommitTemp(tmp, path));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverWritePressureCoefficient(FFSolver s, const char body[], const char path[])
{
  PetscInt n;
  PetscReal *xy_cp;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the solve did not converge; nothing written", path);
  PetscCall(FFSolverComputePressureCoefficient(s, body, &n, &xy_cp));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (!rank) {
    char tmp[PETSC_MAX_PATH_LEN + 16];
    PetscCallFF(FFCheckWritable(path));
    PetscCallFF(FFTempPathFor(path, tmp, sizeof tmp));
    FILE *f = fopen(tmp, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot write", path);
    fprintf(f, "x,y,cp\n");
    for (PetscInt i = 0; i < n; i++)
      fprintf(f, "%.10g,%.10g,%.10g\n", (double)xy_cp[3 * i], (double)xy_cp[3 * i + 1], (double)xy_cp[3 * i + 2]);
    PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: write failed", path);
    PetscCallFF(FFCommitTemp(tmp, path));
  }
  PetscCall(PetscFree(xy_cp));
  PetscFunctionReturn(0);
}
