/* On 2 ranks (mesh distributed with the METIS partition): C_D and C_L equal those of one
 * rank to 1e-8; J^T v matches central differences of F (Navier-Stokes and Darcy); the
 * node-field loss and its gradient equal the serial ones; a RANS state read from one rank's
 * .vtu (-initial) has the serial wall quantities (C_f at a probe, drag split, y+). */
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_test.h"

#include <petscdmplex.h>
#include <string.h>

#define SUITE "mpi_solver"

/* A mesh and a solver from the options under a prefix. */
static PetscErrorCode CaseSolver(MPI_Comm comm, const char *prefix, FFMesh *mesh, FFSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(comm, mesh));
  PetscCall(FFMeshSetOptionsPrefix(*mesh, prefix));
  PetscCall(FFMeshSetFromOptions(*mesh));
  PetscCall(FFMeshSetUp(*mesh));
  PetscCall(FFSolverCreate(comm, s));
  PetscCall(FFSolverSetOptionsPrefix(*s, prefix));
  PetscCall(FFSolverSetMesh(*s, *mesh));
  PetscCall(FFSolverSetFromOptions(*s));
  PetscCall(FFSolverSetUp(*s));
  PetscFunctionReturn(0);
}

/* The DFG case's options under a prefix, with the coarse sizes. */
static PetscErrorCode InsertCase(const char *file, const char *prefix, const char *extra)
{
  char line[512], all[16384] = "";
  FILE *f = fopen(file, "r");

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", file);
  while (fgets(line, sizeof line, f)) {
    if (line[0] != '-') continue;
    line[strcspn(line, "\n")] = '\0';
    PetscCall(PetscStrlcat(all, " -", sizeof all));
    PetscCall(PetscStrlcat(all, prefix, sizeof all));
    PetscCall(PetscStrlcat(all, line + 1, sizeof all));
  }
  fclose(f);
  PetscCall(PetscStrlcat(all, " ", sizeof all));
  PetscCall(PetscStrlcat(all, extra, sizeof all));
  PetscCall(PetscOptionsInsertString(NULL, all));
  PetscFunctionReturn(0);
}

static FFMesh wmesh, smesh;
static FFSolver wsolver, ssolver; /* on both ranks, and on rank 0 alone */
static PetscMPIInt rank;

static void TestForcesOneVsTwoRanks(void)
{
  FFSolveStats st;
  FFSolveSummary ws, ss;
  PetscReal serial[2] = {0, 0};
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  FF_TEST_PETSC(InsertCase(FF_SOURCE_DIR "/cases/cylinder/dfg-2d1.opts", "w_",
                           "-w_mesh_h 0.04 -w_mesh_h_body 0.01 -w_mesh_growth 0.2"));
  FF_TEST_PETSC(InsertCase(FF_SOURCE_DIR "/cases/cylinder/dfg-2d1.opts", "s_",
                           "-s_mesh_h 0.04 -s_mesh_h_body 0.01 -s_mesh_growth 0.2"));
  if (!rank) {
    FF_TEST_PETSC(CaseSolver(PETSC_COMM_SELF, "s_", &smesh, &ssolver));
    FF_TEST_PETSC(FFSolverSolve(ssolver, &st));
    CU_ASSERT(st.converged);
    FF_TEST_PETSC(FFSolverComputeSummary(ssolver, &ss));
    serial[0] = ss.forces.cd;
    serial[1] = ss.forces.cl;
  }
  FF_TEST_PETSC(MPI_Bcast(serial, 2, MPIU_REAL, 0, PETSC_COMM_WORLD));
  FF_TEST_PETSC(CaseSolver(PETSC_COMM_WORLD, "w_", &wmesh, &wsolver));
  FF_TEST_PETSC(FFSolverSolve(wsolver, &st));
  CU_ASSERT(st.converged);
  FF_TEST_PETSC(FFSolverComputeSummary(wsolver, &ws));
  if (!rank)
    printf("\n  C_D %.12f (1 rank) %.12f (2 ranks); C_L %.12f %.12f", (double)serial[0], (double)ws.forces.cd,
           (double)serial[1], (double)ws.forces.cl);
  FF_TEST_CLOSE(ws.forces.cd, serial[0], 1e-8, 0);
  FF_TEST_CLOSE(ws.forces.cl, serial[1], 1e-8, 0);
}

/* J^T v vs central differences of F on the distributed problem at a random state. */
static PetscErrorCode CheckJacobian(FFSolver s, PetscReal lo, PetscReal *rel)
{
  Vec x, w, v, JTv, up, Fp, Fm;
  PetscRandom r;
  PetscReal eps = 1e-6, a, b;

  PetscFunctionBeginUser;
  PetscCall(FFSolverCreateState(s, &x));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &r));
  PetscCall(PetscRandomSetInterval(r, lo, 1));
  PetscCall(VecSetRandom(x, r));
  PetscCall(PetscRandomSetInterval(r, -1, 1));
  PetscCall(VecDuplicate(x, &w));
  PetscCall(VecDuplicate(x, &v));
  PetscCall(VecDuplicate(x, &JTv));
  PetscCall(VecDuplicate(x, &up));
  PetscCall(VecDuplicate(x, &Fp));
  PetscCall(VecDuplicate(x, &Fm));
  PetscCall(VecSetRandom(w, r));
  PetscCall(VecSetRandom(v, r));
  PetscCall(FFSolverComputeJacobian(s, x));
  PetscCall(FFSolverJacobianTransposeMult(s, v, JTv));
  PetscCall(VecWAXPY(up, eps, w, x));
  PetscCall(FFSolverComputeResidual(s, up, Fp));
  PetscCall(VecWAXPY(up, -eps, w, x));
  PetscCall(FFSolverComputeResidual(s, up, Fm));
  PetscCall(VecAXPY(Fp, -1, Fm));
  PetscCall(VecDot(v, Fp, &a));
  a /= 2 * eps;
  PetscCall(VecDot(JTv, w, &b));
  *rel = PetscAbsReal(a - b) / PetscAbsReal(b);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&JTv));
  PetscCall(VecDestroy(&up));
  PetscCall(VecDestroy(&Fp));
  PetscCall(VecDestroy(&Fm));
  PetscCall(PetscRandomDestroy(&r));
  PetscFunctionReturn(0);
}

static void TestJacobianTwoRanks(void)
{
  PetscReal rel;
  FFMesh mesh;
  FFSolver darcy;
  CU_ASSERT_PTR_NOT_NULL_FATAL(wsolver);
  FF_TEST_PETSC(CheckJacobian(wsolver, -1, &rel));
  if (!rank) printf("\n  Navier-Stokes, 2 ranks: J^T v vs FD %.2e", (double)rel);
  CU_ASSERT(rel < 1e-6);
  FF_TEST_PETSC(InsertCase(FF_SOURCE_DIR "/cases/darcy/grf.opts", "d_", "-d_mesh_h 0.1 -d_seed 4"));
  FF_TEST_PETSC(CaseSolver(PETSC_COMM_WORLD, "d_", &mesh, &darcy));
  FF_TEST_PETSC(CheckJacobian(darcy, 0.5, &rel));
  if (!rank) printf("\n  Darcy (K, p), 2 ranks: J^T v vs FD %.2e", (double)rel);
  CU_ASSERT(rel < 1e-6);
  FF_TEST_PETSC(FFSolverDestroy(&darcy));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* The same node field has the same loss and gradient on 1 and on 2 ranks. */
static void TestNodeFieldLossTwoRanks(void)
{
  FFNodeGraph wg, sg;
  PetscInt n = 0, nc = 3;
  PetscReal *x = NULL, *gw = NULL, *gs = NULL, lw, ls = 0, dmax = 0, gmax = 0;
  Vec u;
  CU_ASSERT_PTR_NOT_NULL_FATAL(wsolver);
  FF_TEST_PETSC(FFSolverCreateNodeGraph(wsolver, &wg));
  FF_TEST_PETSC(FFSolverSetNodeGraph(wsolver, &wg));
  FF_TEST_PETSC(FFSolverGetNodeFieldLayout(wsolver, &n, &nc));
  FF_TEST_PETSC(PetscCalloc3(n * nc, &x, n * nc, &gw, n * nc, &gs));
  FF_TEST_PETSC(FFSolverGetSolution(wsolver, &u));
  FF_TEST_PETSC(FFSolverStateToNodeField(wsolver, u, x));
  if (!rank)
    for (PetscInt i = 0; i < n * nc; i++) x[i] += 0.01 * PetscSinReal(1.3 * i);
  FF_TEST_PETSC(FFSolverNodeFieldLoss(wsolver, x, &lw, NULL, gw));
  if (!rank) {
    FF_TEST_PETSC(FFSolverCreateNodeGraph(ssolver, &sg));
    FF_TEST_PETSC(FFSolverSetNodeGraph(ssolver, &sg));
    FF_TEST_PETSC(FFSolverNodeFieldLoss(ssolver, x, &ls, NULL, gs));
    for (PetscInt i = 0; i < n * nc; i++) dmax = PetscMax(dmax, PetscAbsReal(gw[i] - gs[i]));
    for (PetscInt i = 0; i < n * nc; i++) gmax = PetscMax(gmax, PetscAbsReal(gs[i]));
    printf("\n  node-field loss: %.12e (2 ranks) %.12e (1 rank); gradients differ by %.2e of %.2e", (double)lw,
           (double)ls, (double)dmax, (double)gmax);
    FF_TEST_CLOSE(lw, ls, 1e-10, 0);
    CU_ASSERT(dmax <= 1e-10 * gmax);
    FF_TEST_PETSC(FFNodeGraphDestroy(&sg));
    FF_TEST_PETSC(FFSolverDestroy(&ssolver));
    FF_TEST_PETSC(FFMeshDestroy(&smesh));
  }
  FF_TEST_PETSC(PetscFree3(x, gw, gs));
  FF_TEST_PETSC(FFNodeGraphDestroy(&wg));
  FF_TEST_PETSC(FFSolverDestroy(&wsolver));
  FF_TEST_PETSC(FFMeshDestroy(&wmesh));
}

/* The coarse TMR plate (tests/test_solver_rans_plate.c's mesh) solved on rank 0, its .vtu the
 * initial state of the same case on 2 ranks: already converged there (the state is the file's,
 * interpolated at its own nodes), and C_f at the probe, the drag and its wall split equal the
 * serial ones. The C_f probe, evaluated on the rank nearest to it, once hung on 2 ranks. */
static void TestRansFromFileTwoRanks(void)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFSolveSummary sum;
  PetscReal serial[4] = {0, 0, 0, 0};
  char path[4096] = "", extra[4400];
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (!rank) {
    snprintf(extra, sizeof extra, "-p1_plate_nx 16 -p1_plate_growth_x 1.2 -p1_mesh_bl_yplus 3");
    FF_TEST_PETSC(InsertCase(FF_SOURCE_DIR "/cases/rans/flatplate-tmr.opts", "p1_", extra));
    FF_TEST_PETSC(CaseSolver(PETSC_COMM_SELF, "p1_", &mesh, &s));
    FF_TEST_PETSC(FFSolverSolve(s, &st));
    CU_ASSERT(st.converged);
    FF_TEST_PETSC(FFSolverComputeSummary(s, &sum));
    serial[0] = sum.cf[0], serial[1] = sum.forces.cd, serial[2] = sum.wall.cd_friction, serial[3] = sum.wall.yplus_max;
    snprintf(path, sizeof path, "%s/plate.vtu", FFTestTempDir(SUITE));
    FF_TEST_PETSC(FFSolverWriteVTU(s, path));
    FF_TEST_PETSC(FFSolverDestroy(&s));
    FF_TEST_PETSC(FFMeshDestroy(&mesh));
  }
  FF_TEST_PETSC(MPI_Bcast(serial, 4, MPIU_REAL, 0, PETSC_COMM_WORLD));
  FF_TEST_PETSC(MPI_Bcast(path, sizeof path, MPI_CHAR, 0, PETSC_COMM_WORLD));
  snprintf(extra, sizeof extra, "-p2_plate_nx 16 -p2_plate_growth_x 1.2 -p2_mesh_bl_yplus 3 -p2_initial %s", path);
  FF_TEST_PETSC(InsertCase(FF_SOURCE_DIR "/cases/rans/flatplate-tmr.opts", "p2_", extra));
  FF_TEST_PETSC(CaseSolver(PETSC_COMM_WORLD, "p2_", &mesh, &s));
  FF_TEST_PETSC(FFSolverSolve(s, &st));
  CU_ASSERT(st.converged);
  FF_TEST_PETSC(FFSolverComputeSummary(s, &sum));
  if (!rank)
    printf("\n  %d pseudo-time steps on 2 ranks; C_f %.10f (1 rank) %.10f (2 ranks); C_D %.10f %.10f; friction "
           "%.10f %.10f; y+ max %.6f %.6f",
           (int)st.pseudo_steps, (double)serial[0], (double)sum.cf[0], (double)serial[1], (double)sum.forces.cd,
           (double)serial[2], (double)sum.wall.cd_friction, (double)serial[3], (double)sum.wall.yplus_max);
  CU_ASSERT(st.pseudo_steps == 0);
  /* the same state up to the file's and the partition's rounding: as the DFG forces above */
  FF_TEST_CLOSE(sum.cf[0], serial[0], 1e-8, 0);
  FF_TEST_CLOSE(sum.forces.cd, serial[1], 1e-8, 0);
  FF_TEST_CLOSE(sum.wall.cd_friction, serial[2], 1e-8, 0);
  FF_TEST_CLOSE(sum.wall.yplus_max, serial[3], 1e-8, 0);
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"DFG coarse: C_D, C_L on 2 ranks = 1 rank to 1e-8", TestForcesOneVsTwoRanks},
      {"J^T v vs central differences on 2 ranks (NS, Darcy)", TestJacobianTwoRanks},
      {"node-field loss and gradient on 2 ranks = 1 rank", TestNodeFieldLossTwoRanks},
      {"RANS plate from a .vtu (-initial) on 2 ranks: the serial C_f, drag, y+", TestRansFromFileTwoRanks},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
