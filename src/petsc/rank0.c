/* Work that only rank 0 does (meshing, reading and writing files) with errors every rank sees. */
#include "ff_petsc.h"

PetscErrorCode FFRunOnRank0(MPI_Comm comm, PetscErrorCode (*fn)(void *), void *ctx)
{
  PetscMPIInt size, rank;
  FFErrorCapture cap = {""};
  int ierr = 0;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (size == 1) {
    PetscCall(fn(ctx));
    PetscFunctionReturn(0);
  }
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    PetscCall(FFErrorCapturePush(&cap));
    ierr = (int)fn(ctx);
    PetscCall(FFErrorCapturePop());
  }
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(cap.message, sizeof cap.message, MPI_CHAR, 0, comm));
  PetscCheck(!ierr, comm, (PetscErrorCode)ierr, "%s", cap.message);
  PetscFunctionReturn(0);
}
