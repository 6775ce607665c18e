/* Airfoils on a coarse mirror-symmetric NACA 0012 mesh at Re 500 (the mesh module's built-in
 * NACA geometry: a symmetric airfoil is meshed as a half and its mirror image): C_L = 0 at 0
 * degrees, C_L(-a) = -C_L(a) and C_D(-a) = C_D(a). The same mesh with its cells listed clockwise
 * (all, or every other one) in the .msh gives the same forces: the mesh module turns the cells
 * over on read. A clockwise cell that still reaches the solver is an error. (Mesh convergence
 * and the steady (Re, angle) range: bench/validate_airfoil.) */
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_test.h"
#include "msh_flip.h"

#include <string.h>

#define SUITE "solver_airfoil"

/* The case's options with NACA 0012 on a coarse mesh (cells four times the case's sizes). */
static PetscErrorCode SetOptions(PetscReal aoa)
{
  char a[32];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertFile(PETSC_COMM_SELF, NULL, FF_SOURCE_DIR "/cases/airfoil/naca.opts", PETSC_TRUE));
  PetscCall(
      PetscOptionsInsertString(NULL, "-naca 0012 -mesh_h 4 -mesh_h_body 0.04 -mesh_h_wake 0.08 -mesh_growth 0.3"));
  PetscCall(PetscSNPrintf(a, sizeof a, "%g", (double)aoa));
  PetscCall(PetscOptionsSetValue(NULL, "-aoa", a));
  PetscFunctionReturn(0);
}

/* The built-in mesh from the options, or the .msh file when given. */
static PetscErrorCode MakeMesh(const char *msh, FFMesh *mesh)
{
  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, mesh));
  if (msh) {
    FFGeometry geo;
    PetscCall(FFGeometrySetDefaults(&geo, FF_GEOMETRY_FILE));
    PetscCall(PetscStrncpy(geo.msh_file, msh, sizeof geo.msh_file));
    PetscCall(FFMeshSetGeometry(*mesh, &geo));
  } else
    PetscCall(FFMeshSetFromOptions(*mesh));
  PetscCall(FFMeshSetUp(*mesh));
  PetscFunctionReturn(0);
}

static PetscErrorCode Solve(FFMesh mesh, PetscReal aoa, FFForces *f)
{
  FFSolver s;
  FFSolveStats st;

  PetscFunctionBeginUser;
  PetscCall(SetOptions(aoa));
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &s));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSolve(s, &st));
  PetscCheck(st.converged, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "NACA 0012 at %g degrees did not converge",
             (double)aoa);
  PetscCall(FFSolverComputeForces(s, "airfoil", f));
  PetscCall(FFSolverDestroy(&s));
  PetscFunctionReturn(0);
}

static FFMesh symmetric;   /* the built-in mirror-symmetric mesh, shared by the tests */
static FFForces at4;       /* its forces at 4 degrees */
static char ccw_msh[4096]; /* its .msh */

static void TestZeroLift(void)
{
  FFForces f;
  FF_TEST_PETSC(SetOptions(0));
  FF_TEST_PETSC(MakeMesh(NULL, &symmetric));
  FF_TEST_PETSC(Solve(symmetric, 0, &f));
  printf("\n  NACA 0012, Re 500, 0 degrees: C_D %.8f, C_L %.3e", (double)f.cd, (double)f.cl);
  CU_ASSERT(PetscAbsReal(f.cl) < 1e-6);
  CU_ASSERT(f.cd > 0);
}

static void TestAntisymmetricLift(void)
{
  FFForces m;
  CU_ASSERT_PTR_NOT_NULL_FATAL(symmetric);
  FF_TEST_PETSC(Solve(symmetric, 4, &at4));
  FF_TEST_PETSC(Solve(symmetric, -4, &m));
  printf("\n  +4 degrees: C_D %.10f C_L %.10f; -4 degrees: C_D %.10f C_L %.10f", (double)at4.cd, (double)at4.cl,
         (double)m.cd, (double)m.cl);
  CU_ASSERT(at4.cl > 0.1);
  FF_TEST_CLOSE(m.cl, -at4.cl, 1e-6, 0);
  FF_TEST_CLOSE(m.cd, at4.cd, 1e-6, 0);
}

/* The same mesh, cells clockwise in the file: all of them (every = 1) or every other one. */
static void SolveFlipped(int every)
{
  char cw[4096];
  FFMesh mesh;
  FFForces f;
  snprintf(cw, sizeof cw, "%s/naca0012-cw%d.msh", FFTestTempDir(SUITE), every);
  CU_ASSERT_FATAL(FFTestFlipMsh(ccw_msh, cw, every) > 0);
  FF_TEST_PETSC(MakeMesh(cw, &mesh));
  FF_TEST_PETSC(Solve(mesh, 4, &f));
  printf("\n  cells counter-clockwise: C_D %.12f C_L %.12f; %s clockwise in the .msh: C_D %.12f C_L %.12f",
         (double)at4.cd, (double)at4.cl, every == 1 ? "all" : "every other cell", (double)f.cd, (double)f.cl);
  FF_TEST_CLOSE(f.cd, at4.cd, 1e-9, 0);
  FF_TEST_CLOSE(f.cl, at4.cl, 1e-9, 0);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void TestClockwiseCells(void)
{
  CU_ASSERT_PTR_NOT_NULL_FATAL(symmetric);
  snprintf(ccw_msh, sizeof ccw_msh, "%s/naca0012.msh", FFTestTempDir(SUITE));
  FF_TEST_PETSC(FFMeshWrite(symmetric, ccw_msh));
  SolveFlipped(1);
  SolveFlipped(2);
}

/* A mesh whose cell was turned clockwise after FFMeshSetUp: the solver refuses it. */
static void TestClockwiseRefused(void)
{
  DM dm;
  FFSolver s;
  PetscInt cStart, cEnd, n;
  CU_ASSERT_PTR_NOT_NULL_FATAL(symmetric);
  FF_TEST_PETSC(FFMeshGetDM(symmetric, &dm));
  FF_TEST_PETSC(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  FF_TEST_PETSC(DMPlexOrientPoint(dm, cStart + 7, -2));
  FF_TEST_PETSC(FFPlexCountClockwise(dm, &n, NULL));
  CU_ASSERT_EQUAL(n, 1);
  FF_TEST_PETSC(SetOptions(4));
  FF_TEST_PETSC(FFSolverCreate(PETSC_COMM_SELF, &s));
  FF_TEST_PETSC(FFSolverSetMesh(s, symmetric));
  FF_TEST_PETSC(FFSolverSetFromOptions(s));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = FFSolverSetUp(s);
  PetscPopErrorHandler();
  CU_ASSERT(ierr != 0);
  FF_TEST_PETSC(FFSolverDestroy(&s));
  /* FFPlexOrientCells puts it right */
  FF_TEST_PETSC(FFPlexOrientCells(dm, &n));
  CU_ASSERT_EQUAL(n, 1);
  FF_TEST_PETSC(FFMeshDestroy(&symmetric));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"symmetric NACA 0012 at 0 degrees: |C_L| < 1e-6", TestZeroLift},
      {"C_L(-4) = -C_L(4), C_D(-4) = C_D(4)", TestAntisymmetricLift},
      {"clockwise cells in the .msh (all, mixed): the same forces", TestClockwiseCells},
      {"a clockwise cell reaching the solver is an error", TestClockwiseRefused},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
