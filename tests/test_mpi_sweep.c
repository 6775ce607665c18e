/* A sweep whose samples are each solved by both ranks together (-ranks_per_sample 2) equals
 * the same sweep on one rank, and the solver of a stored sample rebuilt on two ranks (mesh
 * distributed) gives the stored solution the residual of a converged solve and its forces. */
#include "ff_test_sweep.h"

#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

static void TestRanksPerSample(void)
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  PetscMPIInt rank;
  char one[4096], two[4096];
  FFSweepSummary sum;
  MPI_Comm_rank(comm, &rank);
  snprintf(one, sizeof one, "%s/one", FFTestTempDir("mpi_sweep"));
  snprintf(two, sizeof two, "%s/together", FFTestTempDir("mpi_sweep"));
  if (!rank) FF_TEST_PETSC(FFTestGenerate(PETSC_COMM_SELF, "sweep_cylinder_coarse.opts", "-n 2", one, &sum));
  MPI_Barrier(comm);
  FF_TEST_PETSC(FFTestGenerate(comm, "sweep_cylinder_coarse.opts", "-n 2 -ranks_per_sample 2", two, &sum));
  CU_ASSERT_EQUAL(sum.ok, 2);
  CU_ASSERT_EQUAL(sum.ranks, 2);
  CU_ASSERT_EQUAL(sum.groups, 1);
  if (rank) return;
  FFDataset a, b;
  FF_TEST_CALL(FFDatasetOpen(one, &a));
  FF_TEST_CALL(FFDatasetOpen(two, &b));
  for (long i = 0; i < 2; i++) {
    FFSample x, y;
    FF_TEST_CALL(FFDatasetReadSample(a, i, FF_READ_ALL, &x));
    FF_TEST_CALL(FFDatasetReadSample(b, i, FF_READ_ALL, &y));
    CU_ASSERT_EQUAL(x.params[0].value, y.params[0].value);
    CU_ASSERT_EQUAL_FATAL(x.mesh.n_nodes, y.mesh.n_nodes);
    CU_ASSERT(!memcmp(x.mesh.coords, y.mesh.coords, sizeof(double) * 2 * x.mesh.n_nodes));
    CU_ASSERT_EQUAL(FFScalarFind(y.solver.extra, y.solver.n_extra, "ranks")->value, 2);
    const FFField *ux = FFSampleField(&x, "u"), *uy = FFSampleField(&y, "u");
    double diff = 0;
    for (long k = 0; k < 2L * x.mesh.n_nodes; k++) diff = fmax(diff, fabs(ux->data[k] - uy->data[k]));
    CU_ASSERT(diff < 1e-10);
    FF_TEST_CLOSE(FFScalarFind(x.forces, x.n_forces, "C_D")->value, FFScalarFind(y.forces, y.n_forces, "C_D")->value,
                  1e-10, 0);
    FFSampleDestroy(&x);
    FFSampleDestroy(&y);
  }
  FFDatasetDestroy(&a);
  FFDatasetDestroy(&b);
}

static void TestRebuildDistributed(void)
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  PetscMPIInt rank;
  char dir[4096];
  FFDataset ds;
  FFSample s;
  FFSweepSolver ss;
  PetscReal loss, rnorm, *x = NULL;
  MPI_Comm_rank(comm, &rank);
  snprintf(dir, sizeof dir, "%s/one", FFTestTempDir("mpi_sweep")); /* written by the test above */
  FF_TEST_CALL(FFDatasetOpen(dir, &ds));
  FF_TEST_CALL(FFDatasetReadSample(ds, 1, FF_READ_ALL, &s));
  FF_TEST_PETSC(FFSweepSolverFromSample(comm, &s, &ss));
  if (!rank) FF_TEST_PETSC(PetscMalloc1(ss.n_nodes * ss.n_components, &x));
  FF_TEST_PETSC(FFSweepSampleNodeField(&ss, &s, x));
  FF_TEST_PETSC(FFSolverNodeFieldLoss(ss.solver, x, &loss, &rnorm, NULL));
  CU_ASSERT(rnorm <= 1e-11); /* the distributed residual of the stored converged state */
  Vec u;
  FFForces f;
  FF_TEST_PETSC(FFSolverCreateState(ss.solver, &u));
  FF_TEST_PETSC(FFSolverNodeFieldToState(ss.solver, x, u));
  FF_TEST_PETSC(FFSolverSetState(ss.solver, u));
  FF_TEST_PETSC(FFSolverComputeForces(ss.solver, ss.body, &f));
  FF_TEST_CLOSE(f.cd, FFScalarFind(s.forces, s.n_forces, "C_D")->value, 1e-10, 0);
  FF_TEST_PETSC(VecDestroy(&u));
  FF_TEST_PETSC(PetscFree(x));
  FF_TEST_PETSC(FFSweepSolverDestroy(&ss));
  FFSampleDestroy(&s);
  FFDatasetDestroy(&ds);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"-ranks_per_sample 2 equals one rank", TestRanksPerSample},
      {"a sample's solver rebuilt on 2 ranks", TestRebuildDistributed},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mpi_sweep", tests);
}
