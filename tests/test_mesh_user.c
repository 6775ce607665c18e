/* meshes: a user's own .msh (-geometry file): physical groups by name, MSH 2.2 and 4.1,
 * ASCII and binary, curved (second-order) cells, clockwise cells turned over on read. */
#include "ff_mesh.h"
#include "ff_test.h"
#include "msh_flip.h"

#include <string.h>

#define DATA FF_SOURCE_DIR "/tests/data/"

static FFMesh ReadMesh(const char *path)
{
  FFMesh mesh = NULL;
  FFGeometry g;
  FFGeometrySetDefaults(&g, FF_GEOMETRY_FILE);
  snprintf(g.msh_file, sizeof g.msh_file, "%s", path);
  if (FFMeshCreate(PETSC_COMM_SELF, &mesh) || FFMeshSetGeometry(mesh, &g) || FFMeshSetUp(mesh)) {
    CU_FAIL("mesh set-up failed");
    FFMeshDestroy(&mesh);
  }
  return mesh;
}

static PetscInt GroupFaces(FFMesh mesh, const char *name)
{
  PetscInt n;
  FFMeshGetNumGroups(mesh, &n);
  for (PetscInt g = 0; g < n; g++) {
    const char *gname;
    PetscInt faces;
    FFMeshGetGroupName(mesh, g, &gname);
    FFMeshGetGroupSize(mesh, g, &faces);
    if (!strcmp(gname, name)) return faces;
  }
  return -1;
}

/* A hand-written MSH 2.2 file whose elementary tags collide with physical tags (PETSc 3.18
 * alone would mislabel it; it goes through gmsh to 4.1 first). */
static void TestHandWritten(void)
{
  FFMesh mesh = ReadMesh(DATA "channel.msh");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  PetscInt nv, ne, nc;
  FF_TEST_PETSC(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  CU_ASSERT_EQUAL(nv, 5);
  CU_ASSERT_EQUAL(ne, 8);
  CU_ASSERT_EQUAL(nc, 4);
  CU_ASSERT_EQUAL(GroupFaces(mesh, "inlet"), 1);
  CU_ASSERT_EQUAL(GroupFaces(mesh, "outlet"), 1);
  CU_ASSERT_EQUAL(GroupFaces(mesh, "walls"), 2);
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  CU_ASSERT_EQUAL(g.n_nodes, 13);
  for (PetscInt i = 0; i < g.n_nodes; i++) {
    const PetscReal x = g.coords[2 * i], y = g.coords[2 * i + 1];
    const char *name = g.type[i] ? g.group_names[g.type[i] - 1] : "fluid";
    const char *expect = y == 0 || y == 1 ? "walls" /* corners included */
                         : x == 0         ? "inlet"
                         : x == 2         ? "outlet"
                                          : "fluid";
    CU_ASSERT_STRING_EQUAL(name, expect);
  }
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  /* the group labels are usable by name, and a missing one is reported with those present */
  DMLabel label;
  PetscInt value;
  FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, "walls", &label, &value));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = FFMeshGetGroupLabel(mesh, "cylinder", &label, &value);
  PetscPopErrorHandler();
  CU_ASSERT(ierr != 0);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void CheckBend(FFMesh mesh)
{
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  PetscReal worst_wall = 0, worst_sdf = 0;
  PetscInt bad = 0;
  for (PetscInt i = 0; i < g.n_nodes; i++) {
    const PetscReal r = PetscHypotReal(g.coords[2 * i], g.coords[2 * i + 1]);
    const char *name = g.type[i] ? g.group_names[g.type[i] - 1] : "fluid";
    if (!strcmp(name, "wall")) {
      worst_wall = PetscMax(worst_wall, PetscMin(PetscAbsReal(r - 1), PetscAbsReal(r - 2)));
      bad += g.sdf[i] != 0;
    } else {
      bad += !(g.sdf[i] > 0);
      worst_sdf = PetscMax(worst_sdf, PetscAbsReal(g.sdf[i] - PetscMin(r - 1, 2 - r)));
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(worst_wall < 1e-6); /* P2 nodes on the arcs (gmsh writes 16 digits) */
  CU_ASSERT(worst_sdf < 1e-3);  /* the polyline through the P2 nodes vs the arcs */
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
}

/* The docs' example: a curved bend meshed by gmsh, ASCII and binary MSH 4.1, order 2. */
static void TestBend(void)
{
  const char *dir = FFTestTempDir("mesh_user");
  char cmd[16384], ascii[4096], binary[4096];
  snprintf(ascii, sizeof ascii, "%s/bend.msh", dir);
  snprintf(binary, sizeof binary, "%s/bend-bin.msh", dir);
  snprintf(cmd, sizeof cmd,
           "%s " DATA "bend.geo -2 -order 2 -format msh41 -o %s -v 1 && %s " DATA
           "bend.geo -2 -order 2 -format msh41 -bin -o %s -v 1",
           FF_GMSH_EXECUTABLE, ascii, FF_GMSH_EXECUTABLE, binary);
  CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, NULL, 0), 0);
  FFMesh a = ReadMesh(ascii), b = ReadMesh(binary);
  CU_ASSERT_FATAL(a && b);
  PetscInt na[3], nb[3];
  FF_TEST_PETSC(FFMeshGetSizes(a, &na[0], &na[1], &na[2]));
  FF_TEST_PETSC(FFMeshGetSizes(b, &nb[0], &nb[1], &nb[2]));
  for (int k = 0; k < 3; k++) CU_ASSERT_EQUAL(na[k], nb[k]);
  CU_ASSERT(GroupFaces(a, "inflow") > 0 && GroupFaces(a, "outflow") > 0 && GroupFaces(a, "wall") > 0);
  CU_ASSERT_EQUAL(GroupFaces(a, "wall"), GroupFaces(b, "wall"));
  CheckBend(a);
  CheckBend(b);
  FF_TEST_PETSC(FFMeshDestroy(&a));
  FF_TEST_PETSC(FFMeshDestroy(&b));
}

/* Cell c's closure vertices and its Jacobian determinant at the centroid. */
static void CellInfo(DM dm, PetscInt c, PetscInt v[3], PetscReal *detJ)
{
  PetscInt *closure = NULL, ncl, vS, vE, n = 0;
  PetscReal x[2] = {-1.0 / 3, -1.0 / 3}, w = 2, v0[2], J[4];
  PetscQuadrature q;
  DMPlexGetDepthStratum(dm, 0, &vS, &vE);
  DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure);
  for (PetscInt i = 0; i < ncl; i++)
    if (closure[2 * i] >= vS && closure[2 * i] < vE && n < 3) v[n++] = closure[2 * i];
  DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure);
  PetscQuadratureCreate(PETSC_COMM_SELF, &q);
  PetscReal *px, *pw;
  PetscMalloc1(2, &px);
  PetscMalloc1(1, &pw);
  px[0] = x[0], px[1] = x[1], pw[0] = w;
  PetscQuadratureSetData(q, 2, 1, 1, px, pw);
  DMPlexComputeCellGeometryFEM(dm, c, q, v0, J, NULL, detJ);
  PetscQuadratureDestroy(&q);
}

/* The bend with all its cells, or every other one, listed clockwise in the .msh: on read every
 * cell is counter-clockwise again, with the same vertices in the same order and the same
 * (curved) Jacobian as the counter-clockwise file's. */
static void CheckReoriented(const char *ccw, int order, int every)
{
  char cw[4096], cmd[8192], out[8192];
  snprintf(cw, sizeof cw, "%s/bend-o%d-cw%d.msh", FFTestTempDir("mesh_user"), order, every);
  long flipped = FFTestFlipMsh(ccw, cw, every);
  CU_ASSERT_FATAL(flipped > 0);
  FFMesh a = ReadMesh(ccw), b = ReadMesh(cw);
  CU_ASSERT_FATAL(a && b);
  DM da, db;
  PetscInt cS, cE, cS2, cE2, n_cw = -1, bad = 0;
  PetscReal worst = 0;
  FF_TEST_PETSC(FFMeshGetDM(a, &da));
  FF_TEST_PETSC(FFMeshGetDM(b, &db));
  FF_TEST_PETSC(FFPlexCountClockwise(db, &n_cw, NULL));
  CU_ASSERT_EQUAL(n_cw, 0);
  DMPlexGetHeightStratum(da, 0, &cS, &cE);
  DMPlexGetHeightStratum(db, 0, &cS2, &cE2);
  CU_ASSERT_FATAL(cS == cS2 && cE == cE2);
  for (PetscInt c = cS; c < cE; c++) {
    PetscInt va[3], vb[3];
    PetscReal ja, jb;
    CellInfo(da, c, va, &ja);
    CellInfo(db, c, vb, &jb);
    bad += va[0] != vb[0] || va[1] != vb[1] || va[2] != vb[2] || !(ja > 0);
    worst = PetscMax(worst, PetscAbsReal(ja - jb) / ja);
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(worst < 1e-12);
  printf("\n  order %d, %ld of %d cells clockwise in the file: reoriented, Jacobians agree to %.1e", order, flipped,
         (int)(cE - cS), (double)worst);
  /* fieldflow mesh says so */
  snprintf(cmd, sizeof cmd, "%s mesh -geometry file -mesh_file %s", FF_CLI, cw);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  snprintf(cmd, sizeof cmd, "%ld cells were clockwise in the file: reoriented counter-clockwise", flipped);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, cmd));
  FF_TEST_PETSC(FFMeshDestroy(&a));
  FF_TEST_PETSC(FFMeshDestroy(&b));
}

static void TestClockwiseCells(void)
{
  for (int order = 1; order <= 2; order++) {
    char msh[4096], cmd[8192];
    snprintf(msh, sizeof msh, "%s/bend-o%d.msh", FFTestTempDir("mesh_user"), order);
    snprintf(cmd, sizeof cmd, "%s " DATA "bend.geo -2 -order %d -format msh41 -o %s -v 1", FF_GMSH_EXECUTABLE, order,
             msh);
    CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, NULL, 0), 0);
    CheckReoriented(msh, order, 1); /* all clockwise */
    CheckReoriented(msh, order, 2); /* mixed */
  }
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"hand-written MSH 2.2: groups, counts, node types", TestHandWritten},
      {"gmsh-made bend, ASCII and binary, curved: groups, SDF", TestBend},
      {"clockwise cells (all, mixed; straight, curved) are turned over on read", TestClockwiseCells},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mesh_user", tests);
}
