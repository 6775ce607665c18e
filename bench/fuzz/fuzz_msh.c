/* Fuzz harness: a user's Gmsh mesh file (.msh, the -mesh_file of a case), through everything
 * FFMeshSetUp does with it: our checks of the format line, PETSc's DMPlexCreateGmsh (the
 * path into DMPlex), the physical groups as labels, the continuous P2 coordinates of curved
 * cells, the orientation of the cells, then the surrogates' node graph (FFNodeGraphCreate).
 * One rank, like a serial read. */
#include "ff_mesh.h"
#include "fuzz_petsc.h"

static char path[4096];

int FuzzSetUp(void)
{
  if (FuzzPetscInit()) return 1;
  FuzzScratch("fuzz-msh", ".msh", path, sizeof path);
  return 0;
}

void FuzzTearDown(void)
{
  remove(path);
  FuzzPetscFinalize();
}

static PetscErrorCode ReadMesh(void)
{
  FFMesh mesh = NULL;
  FFGeometry g;
  FFNodeGraph graph;
  PetscFunctionBegin;
  PetscCall(FFGeometrySetDefaults(&g, FF_GEOMETRY_FILE));
  PetscCall(PetscStrncpy(g.msh_file, path, sizeof g.msh_file));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetGeometry(mesh, &g));
  PetscErrorCode ierr = FFMeshSetUp(mesh);
  if (!ierr) ierr = FFNodeGraphCreate(mesh, &graph);
  if (!ierr) ierr = FFNodeGraphDestroy(&graph);
  PetscCall(FFMeshDestroy(&mesh));
  PetscFunctionReturn(ierr);
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  ReadMesh();
  return 0;
}
