/* PETSc for the fuzz harnesses whose reader is PETSc code (meshes, options, models). */
#ifndef FF_FUZZ_PETSC_H
#define FF_FUZZ_PETSC_H

#include "fuzz.h"

#include <petscsys.h>

/* PETSc on one rank without its signal handler (a crash must reach the sanitizer, not be
 * turned into a PETSc error), errors returned silently: an input's error is the reader's
 * answer, not the harness's. */
static inline int FuzzPetscInit(void)
{
  static char *args[] = {"fuzz", "-no_signal_handler", "-options_left", "false", NULL};
  static char **argv = args;
  int argc = 4;
  if (PetscInitialize(&argc, &argv, NULL, NULL)) return 1;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  return 0;
}

static inline void FuzzPetscFinalize(void)
{
  PetscPopErrorHandler();
  PetscFinalize();
}

#endif
