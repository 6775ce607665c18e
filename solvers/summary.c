/* What a solve reports (forces, dp, references) and its JSON and CSV files. */
#include "ff_petsc.h"
#include "solver_private.h"

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
  if (s->problem != FF_PROBLEM_NAVIER_STOKES) {
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
  PetscFunctionReturn(0);
}

/* {"value": v} and, with a reference, its value and the relative error. */
static json_object *Compared(PetscReal v, PetscBool has_ref, PetscReal ref)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "value", FFJsonNumber(v));
  if (has_ref) {
    json_object_object_add(o, "reference", FFJsonNumber(ref));
    json_object_object_add(o, "relative_error", FFJsonNumber((v - ref) / ref));
  }
  return o;
}

static PetscErrorCode SummaryJSON(FFSolver s, const FFSolveSummary *sum, json_object *doc)
{
  PetscInt n;
  PetscMPIInt size;
  const FFSolveStats *st = &s->stats;

  PetscFunctionBegin;
  PetscCall(VecGetSize(s->u, &n));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  json_object_object_add(doc, "problem",
                         json_object_new_string(s->problem == FF_PROBLEM_NAVIER_STOKES ? "navier-stokes" : "darcy"));
  if (s->problem == FF_PROBLEM_NAVIER_STOKES) {
    json_object_object_add(doc, "re", FFJsonNumber(s->re));
    json_object_object_add(doc, "nu", FFJsonNumber(s->nu));
    json_object_object_add(doc, "ref_velocity", FFJsonNumber(s->ref_velocity));
    json_object_object_add(doc, "ref_length", FFJsonNumber(s->ref_length));
    json_object_object_add(doc, "aoa", FFJsonNumber(s->aoa_deg));
    if (sum->has_forces) {
      json_object_object_add(doc, "body", json_object_new_string(sum->body));
      json_object_object_add(doc, "cd", Compared(sum->forces.cd, sum->has_ref_cd, sum->ref_cd));
      json_object_object_add(doc, "cl", Compared(sum->forces.cl, sum->has_ref_cl, sum->ref_cl));
      json_object_object_add(doc, "drag", FFJsonNumber(sum->forces.drag));
      json_object_object_add(doc, "lift", FFJsonNumber(sum->forces.lift));
    }
    if (sum->has_dp) json_object_object_add(doc, "dp", Compared(sum->dp, sum->has_ref_dp, sum->ref_dp));
    json_object_object_add(doc, "continuation_steps", json_object_new_int64(st->continuation_steps));
    json_object_object_add(doc, "reynolds_reached", FFJsonNumber(st->reynolds_reached));
  } else {
    json_object_object_add(doc, "seed", json_object_new_int64(s->seed));
    json_object_object_add(doc, "grf_kernel", json_object_new_string(s->grf_kernel));
    json_object_object_add(doc, "grf_length", FFJsonNumber(s->grf_length));
    json_object_object_add(doc, "grf_variance", FFJsonNumber(s->grf_variance));
    json_object_object_add(doc, "source", json_object_new_string(s->darcy_source));
    json_object_object_add(doc, "k_min", FFJsonNumber(sum->k_min));
    json_object_object_add(doc, "k_max", FFJsonNumber(sum->k_max));
    json_object_object_add(doc, "p_min", FFJsonNumber(sum->p_min));
    json_object_object_add(doc, "p_max", FFJsonNumber(sum->p_max));
  }
  json_object_object_add(doc, "converged", json_object_new_boolean(st->converged));
  json_object_object_add(doc, "reason", json_object_new_string(SNESConvergedReasons[st->reason]));
  json_object_object_add(doc, "newton_iterations", json_object_new_int64(st->newton_iterations));
  json_object_object_add(doc, "linear_iterations", json_object_new_int64(st->linear_iterations));
  json_object_object_add(doc, "residual_norm", FFJsonNumber(st->residual_norm));
  json_object_object_add(doc, "wall_time", FFJsonNumber(st->wall_time));
  json_object_object_add(doc, "unknowns", json_object_new_int64(n));
  json_object_object_add(doc, "ranks", json_object_new_int64(size));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverWriteSummary(FFSolver s, const FFSolveSummary *sum, const char path[])
{
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the solve did not converge; nothing written", path);
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (!rank) {
    PetscCallFF(FFCheckWritable(path));
    json_object *doc = json_object_new_object();
    FFErrorCode rc = FF_SUCCESS;
    PetscErrorCode ierr = SummaryJSON(s, sum, doc);
    if (!ierr) rc = FFJsonWriteFile(doc, path);
    json_object_put(doc);
    PetscCall(ierr);
    PetscCallFF(rc);
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
    FFAtomicFile af;
    PetscCallFF(FFCheckWritable(path));
    PetscCallFF(FFAtomicOpen(path, "w", &af));
    fprintf(af.f, "x,y,cp\n");
    for (PetscInt i = 0; i < n; i++)
      fprintf(af.f, "%.10g,%.10g,%.10g\n", (double)xy_cp[3 * i], (double)xy_cp[3 * i + 1], (double)xy_cp[3 * i + 2]);
    PetscCallFF(FFAtomicCommit(&af));
  }
  PetscCall(PetscFree(xy_cp));
  PetscFunctionReturn(0);
}
