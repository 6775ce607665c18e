/* An options block (PetscOptionsBegin/End) that ends also when an option is refused. */
#include "ff_petsc.h"

#include <petscoptions.h>

PetscErrorCode FFOptionsBlock(MPI_Comm comm, const char prefix[], const char title[], const char man[],
                              PetscErrorCode (*fn)(PetscOptionItems *, void *), void *ctx)
{
  PetscErrorCode ierr = 0;
  PetscFunctionBegin;
  PetscOptionsBegin(comm, prefix, title, man);
  /* PETSc's own pattern, PetscCall inside the block, returns from the middle of it and leaks
   * the strings PetscOptionsBegin copied (found by bench/fuzz: one leak per refused option) */
  if (!ierr) ierr = fn(PetscOptionsObject, ctx);
  PetscOptionsEnd();
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
