/* RANS on a coarse TMR flat plate (docs/validation.md has the grid family): the pseudo-time
 * continuation converges from the free stream, C_f at x = 0.97008 lies within 10% of TMR's
 * 0.00272909, the wall quantities are consistent, a start from its .vtu (-initial) on the same
 * and a finer mesh converges to it in fewer steps, and a continuation cut short fails loudly
 * (reason, residual history) and writes nothing. */
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_test.h"

#include <string.h>

#define SUITE "solver_rans_plate"

/* TMR, FUN3D incompressible SA (docs/references.md §9) */
#define CF_TMR 0.00272909

/* The case file on a coarse mesh: 16 cells along the plate, first cell at y+ 3 (51 layers
 * of ratio 1.2 up to y = 1), ~17k unknowns. */
static PetscErrorCode Setup(const char *extra, FFMesh *mesh, FFSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertFile(PETSC_COMM_WORLD, NULL, FF_SOURCE_DIR "/cases/rans/flatplate-tmr.opts", PETSC_TRUE));
  PetscCall(PetscOptionsInsertString(NULL, "-plate_nx 16 -plate_growth_x 1.2 -mesh_bl_yplus 3"));
  if (extra) PetscCall(PetscOptionsInsertString(NULL, extra));
  PetscCall(FFMeshCreate(PETSC_COMM_WORLD, mesh));
  PetscCall(FFMeshSetFromOptions(*mesh));
  PetscCall(FFMeshSetUp(*mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_WORLD, s));
  PetscCall(FFSolverSetMesh(*s, *mesh));
  PetscCall(FFSolverSetFromOptions(*s));
  PetscCall(FFSolverSetUp(*s));
  PetscFunctionReturn(0);
}

/* C_f(0.97008) of the coarse plate from the free stream, kept by TestCoarsePlate for
 * TestTurbulentStart (which solves it itself when run alone), its steps and its .vtu for
 * TestInitialFile */
static PetscReal cf_free_stream = -1, res0_free_stream = -1;
static PetscInt steps_free_stream = -1;
static char coarse_vtu[4096];

static void TestCoarsePlate(void)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFSolveSummary sum;
  PetscReal cf, *wall;
  PetscInt n, nh;
  const PetscReal *hist, *cfl;
  const PetscReal probe[2] = {0.97008, 0};
  FF_TEST_PETSC(Setup(NULL, &mesh, &s));
  FF_TEST_PETSC(FFSolverSolve(s, &st));
  CU_ASSERT_FATAL(st.converged);
  FF_TEST_PETSC(FFSolverGetResidualHistory(s, &nh, &hist, &cfl));
  printf("\n  %d pseudo-time steps, %d Newton iterations, ||F|| %.2e (from %.2e), %.1f s", (int)st.pseudo_steps,
         (int)st.newton_iterations, (double)st.residual_norm, (double)hist[0], (double)st.wall_time);
  CU_ASSERT(nh == st.pseudo_steps + 1);
  CU_ASSERT(st.residual_norm <= 1e-9 * hist[0]);
  FF_TEST_PETSC(FFSolverComputeSkinFrictionAt(s, "wall", probe, &cf));
  printf("\n  C_f(0.97008) %.6f, TMR %.6f: %+.2f%%", (double)cf, CF_TMR, 100 * (double)(cf / CF_TMR - 1));
  /* the target of the issue for a coarse plate; docs/validation.md has the grid family */
  FF_TEST_CLOSE(cf, CF_TMR, 0.1, 0);
  cf_free_stream = cf, res0_free_stream = hist[0], steps_free_stream = st.pseudo_steps;
  snprintf(coarse_vtu, sizeof coarse_vtu, "%s/coarse.vtu", FFTestTempDir(SUITE));
  FF_TEST_PETSC(FFSolverWriteVTU(s, coarse_vtu));
  /* the summary: drag split (no pressure drag on a plate), y+, the C_f probe of the case */
  FF_TEST_PETSC(FFSolverComputeSummary(s, &sum));
  CU_ASSERT(sum.has_wall && sum.n_cf_probes == 1);
  FF_TEST_CLOSE(sum.cf[0], cf, 1e-12, 0);
  printf("\n  C_D %.6f (volume), friction %.6f, pressure %.1e; y+ max %.2f mean %.2f", (double)sum.forces.cd,
         (double)sum.wall.cd_friction, (double)sum.wall.cd_pressure, (double)sum.wall.yplus_max,
         (double)sum.wall.yplus_mean);
  CU_ASSERT(PetscAbsReal(sum.wall.cd_pressure) < 1e-12); /* a flat wall along the free stream */
  /* the surface integral of the wall shear and the reaction force (volume integral) converge to
   * the same drag with the mesh (docs/validation.md: 30% apart on this mesh, 3% on the finest) */
  CU_ASSERT(sum.wall.cd_friction > 0 && sum.forces.cd > 0);
  CU_ASSERT(sum.wall.yplus_max > 0 && sum.wall.yplus_max < 10);
  /* the wall distribution: C_f along the plate, positive behind the leading edge */
  FF_TEST_PETSC(FFSolverComputeWallDistribution(s, "wall", &n, &wall));
  PetscInt positive = 0;
  for (PetscInt i = 0; i < n; i++) positive += wall[i * FF_WALL_COLUMNS] > 0.05 && wall[i * FF_WALL_COLUMNS + 3] > 0;
  PetscInt behind = 0;
  for (PetscInt i = 0; i < n; i++) behind += wall[i * FF_WALL_COLUMNS] > 0.05;
  CU_ASSERT(n == 2 * 16 + 1 && positive == behind);
  for (PetscInt i = 1; i < n; i++) CU_ASSERT(wall[i * FF_WALL_COLUMNS] > wall[(i - 1) * FF_WALL_COLUMNS]);
  FF_TEST_PETSC(PetscFree(wall));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* -rans_nu_tilde_initial starts the continuation from a turbulent guess (nu tilde = 100 nu
 * inside): the path differs, the converged solution of the same equations does not. */
static void TestTurbulentStart(void)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  PetscReal cf;
  PetscInt nh;
  const PetscReal *hist, *cfl;
  const PetscReal probe[2] = {0.97008, 0};
  for (int k = cf_free_stream < 0 ? 0 : 1; k < 2; k++) {
    FF_TEST_PETSC(Setup(k ? "-rans_nu_tilde_initial 100" : NULL, &mesh, &s));
    FF_TEST_PETSC(FFSolverSolve(s, &st));
    CU_ASSERT_FATAL(st.converged);
    FF_TEST_PETSC(FFSolverGetResidualHistory(s, &nh, &hist, &cfl));
    FF_TEST_PETSC(FFSolverComputeSkinFrictionAt(s, "wall", probe, &cf));
    printf("\n  %s: %d pseudo-time steps, ||F|| %.2e from %.2e, C_f(0.97008) %.8f",
           k ? "nu tilde 100 nu inside" : "free stream", (int)st.pseudo_steps, (double)st.residual_norm,
           (double)hist[0], (double)cf);
    if (!k) cf_free_stream = cf, res0_free_stream = hist[0];
    if (k) {
      CU_ASSERT(hist[0] != res0_free_stream); /* another start */
      /* both at ||F|| <= 1e-9 ||F_free||: C_f agrees far below the discretization error (10%
       * on this mesh); 1e-6 relative leaves a condition number of 1e3 between residual and C_f */
      FF_TEST_CLOSE(cf, cf_free_stream, 1e-6, 0);
    }
    FF_TEST_PETSC(FFSolverDestroy(&s));
    FF_TEST_PETSC(FFMeshDestroy(&mesh));
  }
}

/* -initial: the coarse solution's .vtu starts a solve on the same mesh at its own solution (the
 * P2 fields interpolated at their own nodes: exact but for the file's rounding), and one on a
 * finer mesh (-mesh_refine 0.5) close to its solution: fewer steps than from the free stream. */
static void TestInitialFile(void)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  PetscReal cf;
  PetscInt nh;
  const PetscReal *hist, *cfl;
  const PetscReal probe[2] = {0.97008, 0};
  char opts[4200];
  if (steps_free_stream < 0) TestCoarsePlate();
  CU_ASSERT_FATAL(steps_free_stream > 0);
  for (int k = 0; k < 2; k++) {
    snprintf(opts, sizeof opts, "-initial %s%s", coarse_vtu, k ? " -mesh_refine 0.5" : "");
    FF_TEST_PETSC(Setup(opts, &mesh, &s));
    FF_TEST_PETSC(FFSolverSolve(s, &st));
    CU_ASSERT_FATAL(st.converged);
    FF_TEST_PETSC(FFSolverGetResidualHistory(s, &nh, &hist, &cfl));
    FF_TEST_PETSC(FFSolverComputeSkinFrictionAt(s, "wall", probe, &cf));
    printf("\n  %s: %d pseudo-time steps (%d from the free stream), ||F|| %.2e from %.2e, C_f(0.97008) %.8f",
           k ? "finer mesh" : "same mesh", (int)st.pseudo_steps, (int)steps_free_stream, (double)st.residual_norm,
           (double)hist[0], (double)cf);
    if (!k) {
      /* the file's doubles hold the converged state: the start is below the free stream's
       * residual by about the solve's own reduction (1e-9) */
      CU_ASSERT(hist[0] < 1e-6 * res0_free_stream);
      CU_ASSERT(st.pseudo_steps <= 2);
      FF_TEST_CLOSE(cf, cf_free_stream, 1e-6, 0); /* as TestTurbulentStart's */
    } else {
      /* 16 against 76 steps on 7 December; half is the margin of a start this close */
      CU_ASSERT(st.pseudo_steps < steps_free_stream / 2);
      FF_TEST_CLOSE(cf, CF_TMR, 0.1, 0);
    }
    FF_TEST_PETSC(FFSolverDestroy(&s));
    FF_TEST_PETSC(FFMeshDestroy(&mesh));
  }
}

/* Three pseudo-time steps are not enough: the solve says why, gives its history and refuses
 * to write. */
static void TestLoudFailure(void)
{
  FFMesh mesh;
  FFSolver s;
  FFSolveStats st;
  FFSolveSummary sum;
  const char *why;
  PetscInt nh;
  const PetscReal *hist, *cfl;
  char path[4096];
  FF_TEST_PETSC(Setup("-rans_max_steps 3", &mesh, &s));
  FF_TEST_PETSC(FFSolverSolve(s, &st));
  CU_ASSERT(!st.converged);
  FF_TEST_PETSC(FFSolverGetFailureReason(s, &why));
  FF_TEST_PETSC(FFSolverGetResidualHistory(s, &nh, &hist, &cfl));
  printf("\n  %s", why);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "stalled"));
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "-rans_max_steps"));
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "residual history"));
  CU_ASSERT(nh == 4 && hist[3] > 0 && cfl[3] > cfl[1]);
  FF_TEST_PETSC(FFSolverComputeSummary(s, &sum));
  snprintf(path, sizeof path, "%s/failed.json", FFTestTempDir(SUITE));
  remove(path);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = FFSolverWriteSummary(s, &sum, path);
  PetscErrorCode ierr2 = FFSolverWriteVTU(s, path);
  PetscPopErrorHandler();
  CU_ASSERT(ierr != 0 && ierr2 != 0);
  CU_ASSERT(!FFFileExists(path));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"coarse flat plate: converges, C_f(0.97008) within 10% of TMR, wall quantities", TestCoarsePlate},
      {"a turbulent start (-rans_nu_tilde_initial 100) converges to the same C_f", TestTurbulentStart},
      {"-initial: from the coarse solution's .vtu on the same and on a finer mesh", TestInitialFile},
      {"a continuation cut short: reason, residual history, nothing written", TestLoudFailure},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
