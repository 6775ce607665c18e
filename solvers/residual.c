/* The residual API on states: F(u), the exact Jacobian J(u) assembled by PETSc from the
 * pointwise Jacobians, and products with J and J^T (see ff_solver.h). */
#include "solver_private.h"

/* Darcy's residual API leaves out the rows that pin K (weight 0); a solve puts them back. */
static PetscErrorCode UsePhysicsResidual(FFSolver s)
{
  PetscFunctionBegin;
  if (s->problem == FF_PROBLEM_DARCY) PetscCall(FFSolverUpdateConstants(s, 0.0));
  if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansUseSteadyResidual(s));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverCreateState(FFSolver s, Vec *u)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverCreateState"));
  PetscCall(VecDuplicate(s->u, u));
  PetscCall(VecZeroEntries(*u));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeResidual(FFSolver s, Vec u, Vec F)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverComputeResidual"));
  PetscCall(UsePhysicsResidual(s));
  PetscCall(SNESComputeFunction(s->snes, u, F));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeJacobian(FFSolver s, Vec u)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverComputeJacobian"));
  PetscCall(UsePhysicsResidual(s));
  PetscCall(SNESComputeJacobian(s->snes, u, s->J, s->J));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverJacobianMult(FFSolver s, Vec v, Vec y)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverJacobianMult"));
  PetscCall(MatMult(s->J, v, y));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverJacobianTransposeMult(FFSolver s, Vec v, Vec y)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverJacobianTransposeMult"));
  PetscCall(MatMultTranspose(s->J, v, y));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetState(FFSolver s, Vec u)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverSetState"));
  PetscCall(VecCopy(u, s->u));
  s->solved = PETSC_FALSE;
  PetscFunctionReturn(0);
}
