/* The solver of a stored sample (FFSweepSolverFromSample): small sweeps through the library
 * (coarse DFG channel, coarse Darcy square), then every sample's solver rebuilt from its file
 * alone: the stored converged fields have the residual of a converged solve, a perturbed field
 * does not, the forces come out as stored; and samples that cannot be rebuilt are refused
 * with a message naming why. */
#include "ff_test_sweep.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

/* The stored solution of sample i through its rebuilt solver: ||F||, forces, a perturbation. */
static void CheckSample(FFDataset ds, long i)
{
  FFSample s;
  FFSweepSolver ss;
  PetscReal loss, rnorm, rnorm_perturbed, *x;
  FF_TEST_CALL(FFDatasetReadSample(ds, i, FF_READ_ALL, &s));
  FF_TEST_PETSC(FFSweepSolverFromSample(PETSC_COMM_SELF, &s, &ss));
  CU_ASSERT_EQUAL(ss.n_nodes, s.mesh.n_nodes);
  FF_TEST_PETSC(PetscMalloc1(ss.n_nodes * ss.n_components, &x));
  FF_TEST_PETSC(FFSweepSampleNodeField(&ss, &s, x));
  FF_TEST_PETSC(FFSolverNodeFieldLoss(ss.solver, x, &loss, &rnorm, NULL));
  /* the residual of the state SNES converged to, rebuilt from the file: at solver tolerance */
  if (!(rnorm <= 10 * s.solver.final_residual + 1e-12))
    fprintf(stderr, "sample %ld: ||F|| %g rebuilt, %g stored\n", i, (double)rnorm, s.solver.final_residual);
  CU_ASSERT(rnorm <= 10 * s.solver.final_residual + 1e-12);
  CU_ASSERT(loss <= 1e-20 + rnorm * rnorm); /* Dirichlet values hold exactly */
  /* forces of the rebuilt state as stored */
  if (ss.problem == FF_PROBLEM_NAVIER_STOKES) {
    Vec u;
    FFForces f;
    FF_TEST_PETSC(FFSolverCreateState(ss.solver, &u));
    FF_TEST_PETSC(FFSolverNodeFieldToState(ss.solver, x, u));
    FF_TEST_PETSC(FFSolverSetState(ss.solver, u));
    FF_TEST_PETSC(FFSolverComputeForces(ss.solver, ss.body, &f));
    FF_TEST_CLOSE(f.cd, FFScalarFind(s.forces, s.n_forces, "C_D")->value, 1e-12, 0);
    FF_TEST_CLOSE(f.cl, FFScalarFind(s.forces, s.n_forces, "C_L")->value, 1e-9, 1e-12);
    FF_TEST_PETSC(VecDestroy(&u));
  }
  /* the residual sees a 1% change of the field */
  PetscReal *y;
  FF_TEST_PETSC(PetscMalloc1(ss.n_nodes * ss.n_components, &y));
  for (PetscInt k = 0; k < ss.n_nodes * ss.n_components; k++) y[k] = 1.01 * x[k];
  FF_TEST_PETSC(FFSolverNodeFieldLoss(ss.solver, y, &loss, &rnorm_perturbed, NULL));
  CU_ASSERT(rnorm_perturbed > 1e4 * rnorm + 1e-8);
  /* a solve warm-started from the perturbed field finds the stored solution again */
  Vec w;
  FFSolveStats st;
  FF_TEST_PETSC(FFSolverCreateState(ss.solver, &w));
  FF_TEST_PETSC(FFSolverNodeFieldToState(ss.solver, y, w));
  FF_TEST_PETSC(FFSolverSetState(ss.solver, w));
  FF_TEST_PETSC(VecDestroy(&w));
  FF_TEST_PETSC(FFSweepSolverSolve(&ss, &st));
  CU_ASSERT(st.converged && st.continuation_steps == 0 && st.newton_iterations <= 6);
  FF_TEST_PETSC(FFSolverGetSolution(ss.solver, &w));
  FF_TEST_PETSC(FFSolverStateToNodeField(ss.solver, w, y));
  double diff = 0, scale = 0;
  for (PetscInt k = 0; k < ss.n_nodes * ss.n_components; k++)
    diff = fmax(diff, fabs(y[k] - x[k])), scale = fmax(scale, fabs(x[k]));
  CU_ASSERT(diff <= 1e-8 * scale);
  FF_TEST_PETSC(PetscFree(y));
  FF_TEST_PETSC(PetscFree(x));
  FF_TEST_PETSC(FFSweepSolverDestroy(&ss));
  CU_ASSERT(!FFFileExists(ss.msh_path)); /* the temporary .msh is gone */
  FFSampleDestroy(&s);
}

static void TestNavierStokes(void)
{
  char dir[4096];
  FFSweepSummary sum;
  FFDataset ds;
  snprintf(dir, sizeof dir, "%s/cylinder", FFTestTempDir("sweep_rebuild"));
  FF_TEST_PETSC(FFTestGenerate(PETSC_COMM_SELF, "sweep_cylinder_coarse.opts", "-n 3", dir, &sum));
  CU_ASSERT_EQUAL(sum.ok, 3);
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  for (long i = 0; i < 3; i++) CheckSample(ds, i);
  FFDatasetDestroy(&ds);
}

static void TestDarcy(void)
{
  char dir[4096];
  FFSweepSummary sum;
  FFDataset ds;
  FFSample s;
  snprintf(dir, sizeof dir, "%s/darcy", FFTestTempDir("sweep_rebuild"));
  FF_TEST_PETSC(FFTestGenerate(PETSC_COMM_SELF, "sweep_darcy_coarse.opts", "-n 2 -sweep_seed 5", dir, &sum));
  CU_ASSERT_EQUAL(sum.ok, 2);
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  for (long i = 0; i < 2; i++) CheckSample(ds, i);
  /* the two permeability fields differ (the seed is the sample's parameter) */
  FFSample t;
  FF_TEST_CALL(FFDatasetReadSample(ds, 0, FF_READ_FIELDS, &s));
  FF_TEST_CALL(FFDatasetReadSample(ds, 1, FF_READ_FIELDS, &t));
  CU_ASSERT_EQUAL(FFSampleField(&s, "K")->location, FF_FIELD_VERTICES);
  CU_ASSERT(FFSampleField(&s, "K")->data[0] != FFSampleField(&t, "K")->data[0]);
  FFSampleDestroy(&s);
  FFSampleDestroy(&t);
  FFDatasetDestroy(&ds);
}

static PetscErrorCode KeepMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                  PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file;
  if (p == PETSC_ERROR_INITIAL) snprintf((char *)ctx, 1024, "%s", mess ? mess : "");
  return n;
}

static void ExpectRefused(const FFSample *s, const char *why)
{
  FFSweepSolver ss;
  char message[1024] = "";
  FF_TEST_PETSC(PetscPushErrorHandler(KeepMessage, message));
  PetscErrorCode ierr = FFSweepSolverFromSample(PETSC_COMM_SELF, s, &ss);
  FF_TEST_PETSC(PetscPopErrorHandler());
  CU_ASSERT(ierr != 0);
  if (!strstr(message, why)) fprintf(stderr, "expected '%s' in: %s\n", why, message);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, why));
}

/* Samples that cannot give their solver: refused, and the message says why. */
static void TestRefused(void)
{
  char dir[4096];
  FFSweepSummary sum;
  FFDataset ds;
  FFSample s;
  snprintf(dir, sizeof dir, "%s/failed", FFTestTempDir("sweep_rebuild"));
  FF_TEST_PETSC(FFTestGenerate(PETSC_COMM_SELF, "sweep_cylinder_coarse.opts",
                               "-n 2 -snes_max_it 1 -continuation_max_steps 0", dir, &sum));
  CU_ASSERT_EQUAL(sum.failed, 2);
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FF_TEST_CALL(FFDatasetReadSample(ds, 0, FF_READ_ALL, &s));
  ExpectRefused(&s, "was not solved");
  FFSampleDestroy(&s);
  FFDatasetDestroy(&ds);
  snprintf(dir, sizeof dir, "%s/cylinder", FFTestTempDir("sweep_rebuild"));
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FF_TEST_CALL(FFDatasetReadSample(ds, 1, FF_READ_ALL & ~FF_READ_MESH_FILE, &s));
  ExpectRefused(&s, "has no mesh file");
  FFSampleDestroy(&s);
  FF_TEST_CALL(FFDatasetReadSample(ds, 1, FF_READ_ALL, &s));
  s.mesh.coords[2 * 7] += 1e-6;
  ExpectRefused(&s, "differs from its stored node graph");
  FFSampleDestroy(&s);
  FFDatasetDestroy(&ds);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"Navier-Stokes samples: residual, forces, perturbation through the rebuilt solver", TestNavierStokes},
      {"Darcy samples (seed parameter): residual through the rebuilt solver", TestDarcy},
      {"failed, incomplete or inconsistent samples refused", TestRefused},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "sweep_rebuild", tests);
}
