/* meshes + io: a mesh written as .vtu (FFMeshWrite) reads back through VTK's reader with the
 * node graph's points, quadratic triangles, node types and SDF. */
#include "ff_io.h"
#include "ff_mesh.h"
#include "ff_test.h"

static void TestMeshVtu(void)
{
  FFMesh mesh;
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_DFG));
  g.h = 0.08, g.h_body = 0.025;
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  FF_TEST_PETSC(FFMeshSetGeometry(mesh, &g));
  FF_TEST_PETSC(FFMeshSetUp(mesh));
  char path[4096];
  snprintf(path, sizeof path, "%s/dfg.vtu", FFTestTempDir("vtk_mesh"));
  FF_TEST_PETSC(FFMeshWrite(mesh, path));
  FFNodeGraph ng;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &ng));
  FFVtkData d;
  FF_TEST_CALL(FFVtkRead(path, &d));
  CU_ASSERT_EQUAL_FATAL(d.n_points, ng.n_nodes);
  CU_ASSERT_EQUAL_FATAL(d.n_cells, ng.n_cells);
  PetscInt bad = 0;
  for (PetscInt i = 0; i < ng.n_nodes; i++)
    bad += d.points[3 * i] != ng.coords[2 * i] || d.points[3 * i + 1] != ng.coords[2 * i + 1] || d.points[3 * i + 2];
  for (PetscInt c = 0; c < ng.n_cells; c++) {
    bad += d.cell_types[c] != 22 || d.offsets[c + 1] - d.offsets[c] != 6;
    for (int k = 0; k < 6; k++) bad += d.connectivity[d.offsets[c] + k] != ng.cells[6 * c + k];
  }
  const FFVtkArray *type = FFVtkDataField(&d, "node_type", 0), *sdf = FFVtkDataField(&d, "sdf", 0);
  CU_ASSERT_FATAL(type && sdf && FFVtkDataField(&d, "quality", 1));
  for (PetscInt i = 0; i < ng.n_nodes; i++) bad += type->values[i] != ng.type[i] || sdf->values[i] != ng.sdf[i];
  CU_ASSERT_EQUAL(bad, 0);
  FFVtkDataFree(&d);
  FF_TEST_PETSC(FFNodeGraphDestroy(&ng));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"mesh .vtu: points, quadratic cells, node type and SDF round trip", TestMeshVtu},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "vtk_mesh", tests);
}
