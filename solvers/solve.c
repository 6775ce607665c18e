/* Newton solves, with Reynolds continuation for Navier-Stokes when Newton from the
 * initial guess fails at the target Re: solve at a lower Re, step Re up geometrically from
 * each converged solution, and shrink the step when a step fails. */
#include "solver_private.h"

/* One SNES solve at the current constants from the current state. */
static PetscErrorCode SolveOnce(FFSolver s, PetscBool *converged)
{
  PetscInt its, lits;
  PetscReal norm;

  PetscFunctionBegin;
  PetscCall(SNESSolve(s->snes, NULL, s->u));
  PetscCall(SNESGetConvergedReason(s->snes, &s->stats.reason));
  PetscCall(SNESGetIterationNumber(s->snes, &its));
  PetscCall(SNESGetLinearSolveIterations(s->snes, &lits));
  PetscCall(SNESGetFunctionNorm(s->snes, &norm));
  s->stats.newton_iterations += its;
  s->stats.linear_iterations += lits;
  s->stats.residual_norm = norm;
  *converged = s->stats.reason > 0 && !PetscIsInfOrNanReal(norm) ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscErrorCode SolveAtReynolds(FFSolver s, PetscReal re, PetscBool *converged)
{
  PetscFunctionBegin;
  PetscCall(FFSolverUpdateConstants(s, s->ref_velocity * s->ref_length / re));
  PetscCall(SolveOnce(s, converged));
  PetscCall(PetscInfo(s->snes, "fieldflow: Re %.6g: %s after %d Newton iterations\n", (double)re,
                      SNESConvergedReasons[s->stats.reason], (int)s->stats.newton_iterations));
  PetscFunctionReturn(0);
}

/* Newton at the target Re from the initial state, with at most -continuation_first_max_it
 * iterations: when Newton is going to converge it does so in a few; when it crawls, the
 * continuation is the cheaper way. */
static PetscErrorCode SolveFirst(FFSolver s, PetscBool *converged)
{
  PetscReal atol, rtol, stol;
  PetscInt max_it, max_f;

  PetscFunctionBegin;
  PetscCall(SNESGetTolerances(s->snes, &atol, &rtol, &stol, &max_it, &max_f));
  PetscCall(SNESSetTolerances(s->snes, atol, rtol, stol, PetscMin(max_it, s->first_max_it), max_f));
  PetscErrorCode ierr = SolveAtReynolds(s, s->re, converged);
  PetscCall(SNESSetTolerances(s->snes, atol, rtol, stol, max_it, max_f));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Continuation from the initial state u0: returns the highest Re reached. */
static PetscErrorCode Continuation(FFSolver s, Vec u0, PetscBool *converged)
{
  Vec last;
  PetscReal done = 0, growth = s->re_growth;
  SNESConvergedReason failed = s->stats.reason; /* of the failed first attempt */
  PetscReal next = PetscMin(s->re_start > 0 ? s->re_start : s->re / 8, s->re / s->re_growth);

  PetscFunctionBegin;
  PetscCall(VecDuplicate(u0, &last));
  PetscCall(VecCopy(u0, last));
  *converged = PETSC_FALSE;
  while (s->stats.continuation_steps < s->max_continuation) {
    PetscBool ok;
    s->stats.continuation_steps++;
    PetscCall(VecCopy(last, s->u));
    PetscCall(SolveAtReynolds(s, next, &ok));
    if (ok) {
      done = next;
      PetscCall(VecCopy(s->u, last));
      if (done >= s->re) {
        *converged = PETSC_TRUE;
        break;
      }
      next = PetscMin(s->re, done * growth);
    } else if (done == 0) {
      failed = s->stats.reason;
      next /= 2; /* no solution yet: start lower */
    } else {
      failed = s->stats.reason;
      growth = PetscSqrtReal(growth);
      if (growth < 1.01) break;
      next = PetscMin(s->re, done * growth);
    }
  }
  s->stats.reynolds_reached = done;
  if (!*converged) { /* report why the last attempt failed, not the last success */
    s->stats.reason = failed;
    PetscCall(VecCopy(last, s->u));
  }
  PetscCall(VecDestroy(&last));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSolve(FFSolver s, FFSolveStats *stats)
{
  PetscLogDouble t0, t1;
  PetscBool converged;

  PetscFunctionBegin;
  PetscCall(FFSolverSetUp(s));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscMemzero(&s->stats, sizeof s->stats));
  s->solved = PETSC_FALSE;
  if (s->problem == FF_PROBLEM_DARCY) {
    PetscCall(FFSolverUpdateConstants(s, 1.0));
    PetscCall(FFDarcyResetPermeability(s, s->u));
    PetscCall(SolveOnce(s, &converged));
  } else if (s->problem == FF_PROBLEM_RANS) {
    PetscCall(FFRansSolve(s, &converged));
  } else {
    Vec u0;
    PetscCall(VecDuplicate(s->u, &u0));
    PetscCall(VecCopy(s->u, u0));
    PetscCall(SolveFirst(s, &converged));
    if (converged)
      s->stats.reynolds_reached = s->re;
    else
      PetscCall(Continuation(s, u0, &converged));
    PetscCall(VecDestroy(&u0));
    PetscCall(FFSolverUpdateConstants(s, s->nu));
  }
  if (s->has_nullspace) PetscCall(FFSolverRemoveMeanPressure(s, s->u));
  PetscCall(PetscTime(&t1));
  s->stats.converged = converged;
  s->stats.wall_time = t1 - t0;
  s->solved = converged;
  if (stats) *stats = s->stats;
  PetscFunctionReturn(0);
}
