/* A sweep through the library for the sweep tests: the options of a test case file plus extra
 * options, in an options database of its own, on comm. Header-only. */
#ifndef FF_TEST_SWEEP_H
#define FF_TEST_SWEEP_H

#include "ff_sweep.h"
#include "ff_test.h"

#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>

/* Rank 0 of comm removes dir first; case_file is a name under tests/data. */
static inline PetscErrorCode FFTestGenerate(MPI_Comm comm, const char *case_file, const char *extra, const char *dir,
                                            FFSweepSummary *sum)
{
  PetscOptions options;
  FFSweep sweep;
  PetscMPIInt rank;
  char path[4096], more[8400];
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    snprintf(more, sizeof more, "rm -rf '%s'", dir);
    PetscCheck(system(more) == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s failed", more);
  }
  PetscCallMPI(MPI_Barrier(comm));
  snprintf(path, sizeof path, "%s/tests/data/%s", FF_SOURCE_DIR, case_file);
  snprintf(more, sizeof more, "-o %s -progress 0 %s", dir, extra);
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertFile(comm, options, path, PETSC_TRUE));
  PetscCall(PetscOptionsInsertString(options, more));
  PetscCall(PetscOptionsPush(options));
  PetscCall(FFSweepCreate(comm, &sweep));
  PetscErrorCode ierr = FFSweepSetFromOptions(sweep);
  if (!ierr) ierr = FFSweepRun(sweep, sum);
  PetscCall(FFSweepDestroy(&sweep));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

#endif
