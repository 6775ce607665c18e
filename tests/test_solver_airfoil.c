/* Airfoils on a coarse mirror-symmetric NACA 0012 mesh at Re 500: C_L = 0 at 0 degrees,
 * C_L(-a) = -C_L(a) and C_D(-a) = C_D(a); a mesh of clockwise cells (which makes PETSc's
 * integrals negative) gives the forces with the right sign. gmsh triangulates the clockwise
 * loop a little differently, so the forces agree to the discretization error, not exactly. (Mesh convergence and the
 * steady (Re, angle) range: bench/validate_airfoil.) */
#include "../bench/naca_symmetric.h"
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_test.h"

#include <string.h>

#define SUITE "solver_airfoil"

/* A coarse symmetric NACA 0012 .msh (cells four times the case's sizes). */
static void MakeMesh(const char *name, int clockwise, char *msh, size_t len)
{
  char geo[4096];
  snprintf(geo, sizeof geo, "%s/%s.geo", FFTestTempDir(SUITE), name);
  snprintf(msh, len, "%s/%s.msh", FFTestTempDir(SUITE), name);
  CU_ASSERT_EQUAL_FATAL(WriteSymmetricNacaGeo(geo, 0.12, 4.0, 0.04, 0.08, 0.3, 60, clockwise), 0);
  CU_ASSERT_EQUAL_FATAL(MeshSymmetricNaca(FF_GMSH_EXECUTABLE, geo, msh, 2), 0);
}

static PetscErrorCode Solve(const char *msh, PetscReal aoa, FFForces *f)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFGeometry geo;
  char a[32];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertFile(PETSC_COMM_SELF, NULL, FF_SOURCE_DIR "/cases/airfoil/naca.opts", PETSC_TRUE));
  PetscCall(PetscSNPrintf(a, sizeof a, "%g", (double)aoa));
  PetscCall(PetscOptionsSetValue(NULL, "-aoa", a));
  PetscCall(FFGeometrySetDefaults(&geo, FF_GEOMETRY_FILE));
  PetscCall(PetscStrncpy(geo.msh_file, msh, sizeof geo.msh_file));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetGeometry(mesh, &geo));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &s));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSolve(s, &st));
  PetscCheck(st.converged, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "NACA 0012 at %g degrees did not converge",
             (double)aoa);
  PetscCall(FFSolverComputeForces(s, "airfoil", f));
  PetscCall(FFSolverDestroy(&s));
  PetscCall(FFMeshDestroy(&mesh));
  PetscFunctionReturn(0);
}

static char symmetric[4096];

static void TestZeroLift(void)
{
  FFForces f;
  MakeMesh("naca0012", 0, symmetric, sizeof symmetric);
  FF_TEST_PETSC(Solve(symmetric, 0, &f));
  printf("\n  NACA 0012, Re 500, 0 degrees: C_D %.8f, C_L %.3e", (double)f.cd, (double)f.cl);
  CU_ASSERT(PetscAbsReal(f.cl) < 1e-6);
  CU_ASSERT(f.cd > 0);
}

static void TestAntisymmetricLift(void)
{
  FFForces p, m;
  FF_TEST_PETSC(Solve(symmetric, 4, &p));
  FF_TEST_PETSC(Solve(symmetric, -4, &m));
  printf("\n  +4 degrees: C_D %.10f C_L %.10f; -4 degrees: C_D %.10f C_L %.10f", (double)p.cd, (double)p.cl,
         (double)m.cd, (double)m.cl);
  CU_ASSERT(p.cl > 0.1);
  FF_TEST_CLOSE(m.cl, -p.cl, 1e-6, 0);
  FF_TEST_CLOSE(m.cd, p.cd, 1e-6, 0);
}

static void TestClockwiseCells(void)
{
  char cw[4096];
  FFForces a, b;
  MakeMesh("naca0012_cw", 1, cw, sizeof cw);
  FF_TEST_PETSC(Solve(symmetric, 4, &a));
  FF_TEST_PETSC(Solve(cw, 4, &b));
  printf("\n  counter-clockwise cells: C_D %.6f C_L %.6f; clockwise: C_D %.6f C_L %.6f", (double)a.cd, (double)a.cl,
         (double)b.cd, (double)b.cl);
  FF_TEST_CLOSE(b.cd, a.cd, 1e-2, 0);
  FF_TEST_CLOSE(b.cl, a.cl, 1e-2, 0);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"symmetric NACA 0012 at 0 degrees: |C_L| < 1e-6", TestZeroLift},
      {"C_L(-4) = -C_L(4), C_D(-4) = C_D(4)", TestAntisymmetricLift},
      {"clockwise cells: forces with the right sign", TestClockwiseCells},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
