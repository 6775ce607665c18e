/* What the residual API costs on a case (what a physics loss pays per sample): F(u), the
 * Jacobian assembly, J^T v, and the whole node-field loss with its gradient (maps, F, J,
 * J^T F). Times are the mean of -repeat calls at a perturbed solution.
 *
 *   build/bench/residual_timing -options_file cases/cylinder/dfg-2d1.opts [-repeat 5]
 */
#include "ff_mesh.h"
#include "ff_solver.h"

#include <petscsys.h>
#include <petsctime.h>

int main(int argc, char **argv)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFNodeGraph g;
  Vec u, F, y;
  PetscInt repeat = 5, n, nn, nc;
  PetscLogDouble t[4] = {0, 0, 0, 0};
  PetscReal *x, *grad, loss;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "residual API timing"));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeat", &repeat, NULL));
  PetscCall(FFMeshCreate(PETSC_COMM_WORLD, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_WORLD, &s));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSolve(s, &st));
  PetscCall(FFSolverCreateNodeGraph(s, &g));
  PetscCall(FFSolverSetNodeGraph(s, &g));
  PetscCall(FFSolverGetNodeFieldLayout(s, &nn, &nc));
  PetscCall(PetscMalloc2(nn * nc, &x, nn * nc, &grad));
  PetscCall(FFSolverGetSolution(s, &u));
  PetscCall(VecGetSize(u, &n));
  PetscCall(FFSolverStateToNodeField(s, u, x));
  for (PetscInt i = 0; i < nn * nc; i++) x[i] *= 1 + 0.01 * PetscSinReal(1.3 * i);
  PetscCall(FFSolverCreateState(s, &F));
  PetscCall(VecDuplicate(F, &y));
  PetscCall(FFSolverNodeFieldToState(s, x, u));
  PetscLogDouble a, b;
  for (PetscInt r = 0; r < repeat; r++) {
    PetscCall(PetscTime(&a));
    PetscCall(FFSolverComputeResidual(s, u, F));
    PetscCall(PetscTime(&b));
    t[0] += b - a;
    PetscCall(PetscTime(&a));
    PetscCall(FFSolverComputeJacobian(s, u));
    PetscCall(PetscTime(&b));
    t[1] += b - a;
    PetscCall(PetscTime(&a));
    PetscCall(FFSolverJacobianTransposeMult(s, F, y));
    PetscCall(PetscTime(&b));
    t[2] += b - a;
    PetscCall(PetscTime(&a));
    PetscCall(FFSolverNodeFieldLoss(s, x, &loss, NULL, grad));
    PetscCall(PetscTime(&b));
    t[3] += b - a;
  }
  PetscCall(
      PetscPrintf(PETSC_COMM_WORLD,
                  "| unknowns | nodes | F(u) s | Jacobian s | J^T v s | node-field loss + gradient s | solve s |\n"
                  "|---|---|---|---|---|---|---|\n| %d | %d | %.4f | %.4f | %.5f | %.4f | %.2f |\n",
                  (int)n, (int)nn, t[0] / repeat, t[1] / repeat, t[2] / repeat, t[3] / repeat, (double)st.wall_time));
  PetscCall(PetscFree2(x, grad));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&y));
  PetscCall(FFNodeGraphDestroy(&g));
  PetscCall(FFSolverDestroy(&s));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(PetscFinalize());
  return 0;
}
