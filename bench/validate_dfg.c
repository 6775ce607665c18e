/* DFG benchmark 2D-1 under mesh refinement: C_D, C_L, dp and their errors against the
 * reference values of Schäfer & Turek, for straight and curved cells, on three levels (cell
 * sizes and their growth away from the cylinder: the case's times 2, 1, 1/2). Prints a markdown table
 * (docs/validation.md).
 *
 *   build/bench/validate_dfg -case cases/cylinder/dfg-2d1.opts [-levels 3] [-orders 1,2]
 */
#include "ff_mesh.h"
#include "ff_solver.h"

#include <petscsys.h>

static PetscErrorCode SetReal(const char *name, PetscReal v)
{
  char s[64];
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(s, sizeof s, "%.10g", (double)v));
  PetscCall(PetscOptionsSetValue(NULL, name, s));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunLevel(MPI_Comm comm, PetscInt order, PetscReal scale, PetscReal h, PetscReal hb, PetscReal g)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFSolveSummary sum;
  Vec u;
  PetscInt n, nv, ne, nc;
  char o[8];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(o, sizeof o, "%d", (int)order));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_order", o));
  PetscCall(SetReal("-mesh_h", h * scale));
  PetscCall(SetReal("-mesh_h_body", hb * scale));
  PetscCall(SetReal("-mesh_growth", g * scale)); /* every size scales, also away from the cylinder */
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  PetscCall(FFSolverCreate(comm, &s));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSolve(s, &st));
  PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "DFG did not converge (order %d, scale %g)", (int)order,
             (double)scale);
  PetscCall(FFSolverComputeSummary(s, &sum));
  PetscCall(FFSolverGetSolution(s, &u));
  PetscCall(VecGetSize(u, &n));
  PetscCall(PetscPrintf(
      comm, "| %s | %.4g / %.4g / %.4g | %d | %d | %.8f | %+.2e | %.8f | %+.2e | %.8f | %+.2e | %d | %.1f |\n",
      order == 2 ? "curved" : "straight", (double)(h * scale), (double)(hb * scale), (double)(g * scale), (int)nc,
      (int)n, (double)sum.forces.cd, (double)((sum.forces.cd - sum.ref_cd) / sum.ref_cd), (double)sum.forces.cl,
      (double)((sum.forces.cl - sum.ref_cl) / sum.ref_cl), (double)sum.dp, (double)((sum.dp - sum.ref_dp) / sum.ref_dp),
      (int)st.newton_iterations, (double)st.wall_time));
  PetscCall(FFSolverDestroy(&s));
  PetscCall(FFMeshDestroy(&mesh));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt levels = 3, orders[2] = {1, 2}, norders = 2;
  PetscReal h = 0.02, hb = 0.005, g = 0.1;
  MPI_Comm comm;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "DFG 2D-1 refinement table"));
  comm = PETSC_COMM_WORLD;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-levels", &levels, NULL));
  PetscBool set;
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-orders", orders, &norders, &set));
  if (!set) norders = 2; /* not set: PETSc zeroes the count */
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_h", &h, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_h_body", &hb, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_growth", &g, NULL));
  PetscCall(PetscPrintf(
      comm, "| cells | h / h_body / growth | triangles | unknowns | C_D | rel. error | C_L | rel. error | dp | "
            "rel. error | Newton | solve s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt i = 0; i < norders; i++)
    for (PetscInt l = 0; l < levels; l++) PetscCall(RunLevel(comm, orders[i], PetscPowReal(2.0, 1.0 - l), h, hb, g));
  PetscCall(PetscFinalize());
  return 0;
}
