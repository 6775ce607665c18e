/* The bridge between fieldflow's plain-C error codes and PETSc's. */
#ifndef FF_PETSC_H
#define FF_PETSC_H

#include "ff_util.h"

#include <petscsys.h>

/* In PETSc code, call a function returning FFErrorCode; a failure becomes a PETSc error
 * carrying fieldflow's message. */
#define PetscCallFF(expr)                                                                                              \
  do {                                                                                                                 \
    FFErrorCode ff_rc_ = (expr);                                                                                       \
    if (PetscUnlikely(ff_rc_)) {                                                                                       \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", FFErrorMessage());                                                 \
    }                                                                                                                  \
  } while (0)

/* Between Push and Pop a PETSc error is recorded instead of printed: its first message (or
 * PETSc's generic text for the code) is kept in message (ff_error_capture.c). */
typedef struct {
  char message[2048];
} FFErrorCapture;
PetscErrorCode FFErrorCapturePush(FFErrorCapture *cap);
PetscErrorCode FFErrorCapturePop(void);

/* Runs fn(ctx) on rank 0 of comm; a failure there becomes the same error, with its message,
 * on every rank (no rank is left waiting in a collective). On one rank fn runs plainly, so
 * -ff_traceback shows where it failed. Collective. */
PetscErrorCode FFRunOnRank0(MPI_Comm comm, PetscErrorCode (*fn)(void *), void *ctx);

#endif
