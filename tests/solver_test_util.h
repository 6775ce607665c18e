/* Shared by the solver test programs: small structured meshes made with gmsh, and the node
 * graph of a serial mesh in FFNodeGraph order (vertices, then edges). Header-only: every
 * tests/test_*.c is its own program. */
#ifndef SOLVER_TEST_UTIL_H
#define SOLVER_TEST_UTIL_H

#include "ff_solver.h"
#include "ff_test.h"

#include <petscdmplex.h>
#include <stdio.h>

/* The unit square split into n x n squares, each cut into two triangles (gmsh transfinite),
 * with boundary groups left, right, bottom, top; on comm (distributed if several ranks). */
static inline PetscErrorCode TestSquareMesh(MPI_Comm comm, const char *suite, int n, DM *dm)
{
  char geo[4096], msh[4096], cmd[12000];
  DM dist = NULL;

  PetscFunctionBeginUser;
  snprintf(geo, sizeof geo, "%s/square%d.geo", FFTestTempDir(suite), n);
  snprintf(msh, sizeof msh, "%s/square%d.msh", FFTestTempDir(suite), n);
  PetscMPIInt rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    FILE *f = fopen(geo, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", geo);
    fprintf(f,
            "Point(1) = {0,0,0}; Point(2) = {1,0,0}; Point(3) = {1,1,0}; Point(4) = {0,1,0};\n"
            "Line(1) = {1,2}; Line(2) = {2,3}; Line(3) = {3,4}; Line(4) = {4,1};\n"
            "Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};\n"
            "Transfinite Curve{1,2,3,4} = %d; Transfinite Surface{1};\n"
            "Physical Curve(\"bottom\") = {1}; Physical Curve(\"right\") = {2};\n"
            "Physical Curve(\"top\") = {3}; Physical Curve(\"left\") = {4};\n"
            "Physical Surface(\"fluid\") = {1};\n",
            n + 1);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s -2 -format msh41 %s -o %s > /dev/null 2>&1", FF_GMSH_EXECUTABLE, geo, msh);
    PetscCheck(system(cmd) == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "gmsh failed: %s", cmd);
  }
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true"));
  PetscCall(DMPlexCreateGmshFromFile(comm, msh, PETSC_TRUE, dm));
  PetscCall(DMPlexDistribute(*dm, 0, NULL, &dist));
  if (dist) {
    PetscCall(DMDestroy(dm));
    *dm = dist;
  }
  PetscFunctionReturn(0);
}

/* The solver's Jacobian against central differences of its residual at u, along w (and v for
 * the transpose): rel_mult = |J w - (F(u + e w) - F(u - e w)) / 2e| / |J w|, rel_transpose =
 * |v.(FD of F along w) - (J^T v).w| / |(J^T v).w|. */
static inline PetscErrorCode TestJacobianAgainstFD(FFSolver s, Vec u, Vec w, Vec v, PetscReal e, PetscReal *rel_mult,
                                                   PetscReal *rel_transpose)
{
  Vec Jw, JTv, up, Fp, Fm;
  PetscReal a, b, n1, n2;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(u, &Jw));
  PetscCall(VecDuplicate(u, &JTv));
  PetscCall(VecDuplicate(u, &up));
  PetscCall(VecDuplicate(u, &Fp));
  PetscCall(VecDuplicate(u, &Fm));
  PetscCall(FFSolverComputeJacobian(s, u));
  PetscCall(FFSolverJacobianMult(s, w, Jw));
  PetscCall(FFSolverJacobianTransposeMult(s, v, JTv));
  PetscCall(VecWAXPY(up, e, w, u));
  PetscCall(FFSolverComputeResidual(s, up, Fp));
  PetscCall(VecWAXPY(up, -e, w, u));
  PetscCall(FFSolverComputeResidual(s, up, Fm));
  PetscCall(VecAXPY(Fp, -1, Fm));
  PetscCall(VecScale(Fp, 0.5 / e));
  PetscCall(VecDot(v, Fp, &a));
  PetscCall(VecDot(JTv, w, &b));
  *rel_transpose = PetscAbsReal(a - b) / PetscAbsReal(b);
  PetscCall(VecNorm(Jw, NORM_2, &n1));
  PetscCall(VecAXPY(Fp, -1, Jw));
  PetscCall(VecNorm(Fp, NORM_2, &n2));
  *rel_mult = n2 / n1;
  PetscCall(VecDestroy(&Jw));
  PetscCall(VecDestroy(&JTv));
  PetscCall(VecDestroy(&up));
  PetscCall(VecDestroy(&Fp));
  PetscCall(VecDestroy(&Fm));
  PetscFunctionReturn(0);
}

static const char *const TestSquareGroups[] = {"left", "right", "bottom", "top"};

#endif
