/* Positional words of a command line (`fieldflow info data/airfoil`), and the case options a
 * command lists in its -help. */
#include "cli_private.h"
#include "ff_solver.h"

#include <ctype.h>
#include <string.h>

PetscErrorCode FFCliGetPositional(PetscInt k, char *buf, size_t len, PetscBool *found)
{
  int argc;
  char **argv;
  PetscInt count = 0;
  PetscFunctionBeginUser;
  *found = PETSC_FALSE;
  PetscCall(PetscGetArgs(&argc, &argv));
  /* argv[0] is the command word; positional words come before the first option, so an
   * option's value is never taken for one. */
  for (int a = 1; a < argc; a++) {
    const char *w = argv[a];
    if (w[0] == '-' && w[1] && !isdigit((unsigned char)w[1]) && w[1] != '.') break;
    if (count++ == k) {
      PetscCheck(strlen(w) < len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "argument '%s' is too long", w);
      PetscCall(PetscStrcpy(buf, w));
      *found = PETSC_TRUE;
      break;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCliCaseHelp(MPI_Comm comm)
{
  FFMesh mesh;
  FFSolver solver;

  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscCall(FFSolverCreate(comm, &solver));
  PetscErrorCode ierr = FFMeshSetFromOptions(mesh);
  if (!ierr) ierr = FFSolverSetFromOptions(solver);
  PetscCall(FFSolverDestroy(&solver));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
