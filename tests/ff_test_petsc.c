/* The test scaffolding of the suites that run PETSc. */
#include "ff_test.h"

#include <petscsys.h>

int FFTestRunPetsc(int argc, char **argv, const char *suite, const FFTest *tests)
{
  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  int local = FFTestRun(suite, tests), global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  if (PetscFinalize()) return 1;
  return global;
}
