/* Recording instead of printing the next PETSc error: a sweep keeps a failed sample's reason,
 * and rank-0-only work (meshing) turns its error into the same error on every rank. */
#include "ff_petsc.h"

#include <stdio.h>

static PetscErrorCode CaptureHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                     PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file;
  FFErrorCapture *cap = (FFErrorCapture *)ctx;
  if (p == PETSC_ERROR_INITIAL) {
    const char *generic = NULL;
    PetscErrorMessage(n, &generic, NULL);
    snprintf(cap->message, sizeof cap->message, "%s", mess && *mess ? mess : (generic ? generic : "error"));
  }
  return n;
}

PetscErrorCode FFErrorCapturePush(FFErrorCapture *cap)
{
  PetscFunctionBegin;
  cap->message[0] = '\0';
  PetscCall(PetscPushErrorHandler(CaptureHandler, cap));
  PetscFunctionReturn(0);
}

PetscErrorCode FFErrorCapturePop(void)
{
  PetscFunctionBegin;
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}
