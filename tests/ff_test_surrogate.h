/* Small real datasets for the surrogate tests: Navier-Stokes around coarse NACA airfoils,
 * made by `fieldflow generate`. Header-only: included by tests/test_surrogate_*.c. */
#ifndef FF_TEST_SURROGATE_H
#define FF_TEST_SURROGATE_H

#include "ff_report.h"
#include "ff_test_sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A dataset of n coarse airfoil solves (tests/data/sweep_airfoil_coarse.opts: thickness, angle
 * and Re swept) made by the sweep of `fieldflow generate` into dir (emptied first) on comm,
 * in an options database of its own; extra: more options (e.g. "-sweep_params ..."), may be
 * NULL. */
static inline PetscErrorCode FFTestAirfoilDataset(MPI_Comm comm, const char *dir, long n, int seed, const char *extra)
{
  FFSweepSummary sum;
  char more[4096];
  PetscFunctionBeginUser;
  snprintf(more, sizeof more, "-n %ld -sweep_seed %d %s", n, seed, extra ? extra : "");
  PetscCall(FFTestGenerate(comm, "sweep_airfoil_coarse.opts", more, dir, &sum));
  PetscCheck(sum.ok == n, comm, PETSC_ERR_LIB, "the test sweep solved %ld of %ld samples", sum.ok, n);
  PetscFunctionReturn(0);
}

/* Runs the fieldflow CLI of this build with args (a shell command line); its output in out
 * (may be NULL); returns the exit status. */
static inline int FFTestCLI(const char *args, char *out, size_t len)
{
  char cmd[24576];
  snprintf(cmd, sizeof cmd, "%s %s", FF_CLI, args);
  return FFTestShell(cmd, out, len);
}

#endif
