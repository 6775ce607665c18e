/* fieldflow mesh: mesh a case's geometry (or read a user .msh), print what it is, and write
 * it as .msh, .vtu (P2 nodes, quadratic triangles, node type, SDF) or .geo. */
#include "cli_private.h"
#include "ff_io.h"
#include "ff_mesh.h"
#include "ff_petsc.h"

#include <string.h>

#define MAX_OUTPUTS 8

/* Fail on a bad output path before meshing, not after. */
static PetscErrorCode CheckOutput(MPI_Comm comm, const char *out)
{
  const char *ext = FFPathExtension(out);
  PetscFunctionBeginUser;
  PetscCheck(!strcmp(ext, ".msh") || !strcmp(ext, ".vtu") || !strcmp(ext, ".geo"), comm, PETSC_ERR_ARG_WRONG,
             "option -o: cannot write '%s': unknown extension (use .msh, .vtu or .geo)", out);
  PetscCallFF(FFCheckWritable(out));
  PetscFunctionReturn(0);
}

/* Reads a .vtu back through VTK and says what VTK sees. */
static PetscErrorCode VerifyVtu(MPI_Comm comm, const char *path)
{
  PetscMPIInt rank;
  FFVtkData d;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank) PetscFunctionReturn(0);
  PetscCallFF(FFVtkRead(path, &d));
  int64_t quadratic = 0;
  for (int64_t c = 0; c < d.n_cells; c++) quadratic += d.cell_types[c] == FF_VTK_QUADRATIC_TRIANGLE;
  char fields[512] = "";
  for (int i = 0; i < d.n_point_fields; i++) {
    PetscCall(PetscStrlcat(fields, i ? ", " : "", sizeof fields));
    PetscCall(PetscStrlcat(fields, d.point_fields[i].name, sizeof fields));
  }
  int ok = quadratic == d.n_cells && d.n_cells > 0;
  PetscCall(
      PetscPrintf(PETSC_COMM_SELF,
                  "  VTK reads %s back: %lld points, %lld cells of which %lld quadratic triangles; point fields: %s\n",
                  path, (long long)d.n_points, (long long)d.n_cells, (long long)quadratic, fields));
  FFVtkDataFree(&d);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' does not hold quadratic triangles only", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode MeshAndWrite(MPI_Comm comm, FFMesh mesh, char *out[], PetscInt nout, PetscBool verify)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nout; i++) PetscCall(CheckOutput(comm, out[i]));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFMeshView(mesh, PETSC_VIEWER_STDOUT_(comm)));
  for (PetscInt i = 0; i < nout; i++) {
    PetscCall(FFMeshWrite(mesh, out[i]));
    PetscCall(PetscPrintf(comm, "wrote %s\n", out[i]));
    if (verify && !strcmp(FFPathExtension(out[i]), ".vtu")) PetscCall(VerifyVtu(comm, out[i]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdMesh(MPI_Comm comm)
{
  char *out[MAX_OUTPUTS];
  PetscInt nout = MAX_OUTPUTS;
  PetscBool help, verify = PETSC_FALSE, set;
  FFMesh mesh;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow mesh: mesh a geometry and write it", "fieldflow");
  PetscCall(PetscOptionsStringArray("-o",
                                    "Outputs, comma-separated: .msh (Gmsh 4.1), .vtu (ParaView: P2 nodes, quadratic "
                                    "triangles, node_type, sdf) or .geo (the built-in geometry)",
                                    "fieldflow mesh", out, &nout, &set));
  PetscCall(PetscOptionsBool("-verify", "Read each .vtu back through VTK and report what it holds", "fieldflow mesh",
                             verify, &verify, NULL));
  PetscOptionsEnd();
  if (!set) nout = 0;
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscErrorCode ierr = FFMeshSetFromOptions(mesh);
  PetscCall(FFCliHelpRequested(&help));
  if (!ierr && !help) ierr = MeshAndWrite(comm, mesh, out, nout, verify);
  PetscCall(FFMeshDestroy(&mesh)); /* also on failure: removes the temporary files */
  for (PetscInt i = 0; i < nout; i++) PetscCall(PetscFree(out[i]));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
