/* Rank 0's view of a mesh through the .msh it was read from: the text of that file (stored
 * with every dataset sample), and the whole mesh again as an undistributed FFMesh, for what
 * needs every cell on one rank (the node graph, the .vtu). Reading the file again needs no
 * gmsh run and no copy of it. */
#include "mesh_private.h"

#include <errno.h>
#include <string.h>

PetscErrorCode FFMeshCreateSerial(FFMesh mesh, FFMesh *serial)
{
  PetscMPIInt rank;
  FFGeometry geo;
  PetscFunctionBegin;
  *serial = NULL;
  FF_MESH_CHECK_SETUP(mesh);
  PetscCallMPI(MPI_Comm_rank(mesh->comm, &rank));
  PetscCheck(rank == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "the serial copy of a mesh is made on rank 0, where its .msh is; this is rank %d", (int)rank);
  geo = mesh->geo;
  geo.type = FF_GEOMETRY_FILE;
  PetscCall(PetscStrncpy(geo.msh_file, mesh->msh_path, sizeof geo.msh_file));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, serial));
  PetscErrorCode ierr = FFMeshSetGeometry(*serial, &geo);
  if (!ierr) ierr = FFMeshSetUp(*serial);
  if (ierr) PetscCall(FFMeshDestroy(serial));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

typedef struct {
  const char *path;
  char **text;
} ReadCtx;

static PetscErrorCode ReadWholeFile(void *ctx)
{
  const char *path = ((ReadCtx *)ctx)->path;
  char **text = ((ReadCtx *)ctx)->text;
  long bytes = -1;
  PetscFunctionBegin;
  FILE *f = fopen(path, "rb");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open the mesh file '%s': %s", path, strerror(errno));
  if (!fseek(f, 0, SEEK_END)) bytes = ftell(f);
  PetscErrorCode ierr =
      bytes >= 0 && !fseek(f, 0, SEEK_SET) ? PetscMalloc1((size_t)bytes + 1, text) : PETSC_ERR_FILE_READ;
  if (!ierr && fread(*text, 1, (size_t)bytes, f) != (size_t)bytes) ierr = PETSC_ERR_FILE_READ;
  fclose(f);
  if (ierr) PetscCall(PetscFree(*text));
  PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read the mesh file '%s'", path);
  (*text)[bytes] = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetFileText(FFMesh mesh, char **text)
{
  ReadCtx ctx = {mesh->msh_path, text};
  PetscFunctionBegin;
  *text = NULL;
  FF_MESH_CHECK_SETUP(mesh);
  PetscCall(FFRunOnRank0(mesh->comm, ReadWholeFile, &ctx));
  PetscFunctionReturn(0);
}
