/* fieldflow mesh: mesh a case's geometry (or read a user .msh), print what it is, and write
 * it as .msh, .vtu (P2 nodes, quadratic triangles, node type, SDF) or .geo. */
#include "ff_cli.h"
#include "ff_mesh.h"

static PetscErrorCode MeshAndWrite(MPI_Comm comm, FFMesh mesh, const char *out)
{
  PetscFunctionBeginUser;
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFMeshView(mesh, PETSC_VIEWER_STDOUT_(comm)));
  if (out[0]) {
    PetscCall(FFMeshWrite(mesh, out));
    PetscCall(PetscPrintf(comm, "wrote %s\n", out));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdMesh(MPI_Comm comm)
{
  char out[PETSC_MAX_PATH_LEN] = "";
  PetscBool help;
  FFMesh mesh;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow mesh: mesh a geometry and write it", "fieldflow");
  PetscCall(PetscOptionsString("-o", "Output: .msh (Gmsh 4.1), .vtu (ParaView) or .geo (the built-in geometry)",
                               "fieldflow mesh", out, out, sizeof out, NULL));
  PetscOptionsEnd();
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscErrorCode ierr = FFMeshSetFromOptions(mesh);
  PetscCall(FFCliHelpRequested(&help));
  if (!ierr && !help) ierr = MeshAndWrite(comm, mesh, out);
  PetscCall(FFMeshDestroy(&mesh)); /* also on failure: removes the temporary files */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
