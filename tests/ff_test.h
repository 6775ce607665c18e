/* Shared scaffolding of the CUnit test programs (one program per tests/test_*.c). */
#ifndef FF_TEST_H
#define FF_TEST_H

#include "ff_util.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stddef.h>

typedef struct {
  const char *name;
  void (*fn)(void);
} FFTest;

/* Runs the tests (array ends with {NULL, NULL}) as one CUnit suite; returns the number
 * of failures, so `return FFTestRun(...)` from main is the exit status. */
int FFTestRun(const char *suite, const FFTest *tests);
/* The same between MPI_Init and MPI_Finalize; failures on any rank fail every rank. */
int FFTestRunMPI(int argc, char **argv, const char *suite, const FFTest *tests);
/* The same between PetscInitialize and PetscFinalize (ff_test_petsc.c). */
int FFTestRunPetsc(int argc, char **argv, const char *suite, const FFTest *tests);

/* A fresh directory for the suite's files under the build tree; returns its path. */
const char *FFTestTempDir(const char *suite);
/* Runs a shell command line, captures stdout+stderr into out (may be NULL);
 * returns the exit status (or -1 if it could not run). */
int FFTestShell(const char *cmdline, char *out, size_t len);

/* Takes an exclusive flock() on path, as a program holding the file open for writing does
 * (HDF5 with its default file locking: h5py in mode "a", HDFView), and clears
 * HDF5_USE_FILE_LOCKING, which would override fieldflow's policy. Returns the descriptor to
 * close (which releases the lock), or -1. */
int FFTestLockFile(const char *path);

/* The JSON document in path (FFJsonReadFile: strict); NULL, with the message printed, when it
 * cannot be read or is not valid JSON. json_object_put it. */
json_object *FFTestJsonRead(const char *path);
/* The number at a JSON pointer ("/aggregate/rel_l2/u_x", RFC 6901) of a document read with
 * FFJsonReadFile; NaN when it is missing, null or not a number. */
double FFTestJsonNumber(json_object *doc, const char *pointer);

/* Check an FFErrorCode call; on failure print the message and stop this test. */
#define FF_TEST_CALL(expr)                                                                                             \
  do {                                                                                                                 \
    FFErrorCode ff_trc_ = (expr);                                                                                      \
    if (ff_trc_) fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, FFErrorMessage());               \
    CU_ASSERT_EQUAL_FATAL(ff_trc_, 0);                                                                                 \
  } while (0)
/* Check a PetscErrorCode call (PETSc has printed its message). */
#define FF_TEST_PETSC(expr)                                                                                            \
  do {                                                                                                                 \
    int ff_tpc_ = (int)(expr);                                                                                         \
    CU_ASSERT_EQUAL_FATAL(ff_tpc_, 0);                                                                                 \
  } while (0)
/* |a - b| <= rtol * max(|a|, |b|) + atol, with the values printed when it fails. */
#define FF_TEST_CLOSE(a, b, rtol, atol)                                                                                \
  do {                                                                                                                 \
    double ff_a_ = (a), ff_b_ = (b);                                                                                   \
    double ff_s_ = fabs(ff_a_) > fabs(ff_b_) ? fabs(ff_a_) : fabs(ff_b_);                                              \
    int ff_ok_ = fabs(ff_a_ - ff_b_) <= (rtol)*ff_s_ + (atol);                                                         \
    if (!ff_ok_) fprintf(stderr, "%s:%d: %s = %.10g vs %s = %.10g\n", __FILE__, __LINE__, #a, ff_a_, #b, ff_b_);       \
    CU_ASSERT(ff_ok_);                                                                                                 \
  } while (0)

#endif
