/* Small real datasets for the surrogate tests: Navier-Stokes around coarse NACA airfoils,
 * made by `fieldflow generate`. Header-only: included by tests/test_surrogate_*.c. */
#ifndef FF_TEST_SURROGATE_H
#define FF_TEST_SURROGATE_H

#include "ff_surrogate.h"
#include "ff_test.h"

#include <stdlib.h>
#include <string.h>

/* A dataset of n coarse airfoil solves (tests/data/sweep_airfoil_coarse.opts: thickness, angle
 * and Re swept) made by the sweep of `fieldflow generate` into dir (emptied first) on comm,
 * in an options database of its own; extra: more options (e.g. "-sweep_params ..."), may be
 * NULL. */
static inline PetscErrorCode FFTestAirfoilDataset(MPI_Comm comm, const char *dir, long n, int seed, const char *extra)
{
  PetscOptions options;
  FFSweep sweep;
  FFSweepSummary sum;
  PetscMPIInt rank;
  char path[4096], more[8400];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    snprintf(more, sizeof more, "rm -rf '%s'", dir);
    PetscCheck(system(more) == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s failed", more);
  }
  PetscCallMPI(MPI_Barrier(comm));
  snprintf(path, sizeof path, "%s/tests/data/sweep_airfoil_coarse.opts", FF_SOURCE_DIR);
  snprintf(more, sizeof more, "-o %s -progress 0 -n %ld -sweep_seed %d %s", dir, n, seed, extra ? extra : "");
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertFile(comm, options, path, PETSC_TRUE));
  PetscCall(PetscOptionsInsertString(options, more));
  PetscCall(PetscOptionsPush(options));
  PetscCall(FFSweepCreate(comm, &sweep));
  PetscErrorCode ierr = FFSweepSetFromOptions(sweep);
  if (!ierr) ierr = FFSweepRun(sweep, &sum);
  PetscCall(FFSweepDestroy(&sweep));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscCall(ierr);
  PetscCheck(sum.ok == n, comm, PETSC_ERR_LIB, "the test sweep solved %ld of %ld samples", sum.ok, n);
  PetscFunctionReturn(0);
}

#endif
