/* meshes: the built-in geometries, meshed by gmsh and read into DMPlex (coarse sizes). */
#include "ff_mesh.h"
#include "ff_test.h"

#include <string.h>

static FFMesh MakeMesh(const FFGeometry *g)
{
  FFMesh mesh = NULL;
  if (FFMeshCreate(PETSC_COMM_SELF, &mesh) || FFMeshSetGeometry(mesh, g) || FFMeshSetUp(mesh)) {
    CU_FAIL("mesh set-up failed");
    FFMeshDestroy(&mesh);
    return NULL;
  }
  return mesh;
}

static void CheckGroups(FFMesh mesh, PetscInt n, const char *const names[])
{
  PetscInt ng;
  FF_TEST_PETSC(FFMeshGetNumGroups(mesh, &ng));
  CU_ASSERT_EQUAL_FATAL(ng, n);
  for (PetscInt g = 0; g < n; g++) {
    const char *name;
    DMLabel label;
    PetscInt value, size, faces;
    FF_TEST_PETSC(FFMeshGetGroupName(mesh, g, &name));
    CU_ASSERT_STRING_EQUAL(name, names[g]);
    FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, name, &label, &value));
    FF_TEST_PETSC(DMLabelGetStratumSize(label, value, &size));
    FF_TEST_PETSC(FFMeshGetGroupSize(mesh, g, &faces));
    CU_ASSERT(size > 0);
    CU_ASSERT_EQUAL(size, faces);
  }
}

/* Counts agree with DMPlex and with Euler's formula V - E + C = 1 - holes. */
static void CheckCounts(FFMesh mesh, PetscInt holes)
{
  DM dm;
  PetscInt nv, ne, nc, vS, vE, eS, eE, cS, cE;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  FF_TEST_PETSC(DMPlexGetDepthStratum(dm, 0, &vS, &vE));
  FF_TEST_PETSC(DMPlexGetDepthStratum(dm, 1, &eS, &eE));
  FF_TEST_PETSC(DMPlexGetHeightStratum(dm, 0, &cS, &cE));
  CU_ASSERT_EQUAL(nv, vE - vS);
  CU_ASSERT_EQUAL(ne, eE - eS);
  CU_ASSERT_EQUAL(nc, cE - cS);
  CU_ASSERT_EQUAL(nv - ne + nc, 1 - holes);
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  CU_ASSERT_EQUAL(g.n_nodes, nv + ne); /* P2 nodes = vertices + edges */
  CU_ASSERT_EQUAL(g.n_vertices, nv);
  CU_ASSERT_EQUAL(g.n_cells, nc);
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  PetscReal qmin, qmean;
  FF_TEST_PETSC(FFMeshGetQuality(mesh, &qmin, &qmean));
  CU_ASSERT(qmin > 0.3 && qmin <= qmean && qmean <= 1);
}

/* The coordinates of a point (vertex, or edge with P2 coordinates); returns its dof count. */
static PetscInt PointXY(DM dm, PetscInt p, PetscReal x[2])
{
  PetscSection cs;
  Vec c;
  const PetscScalar *a;
  PetscInt pS, pE, dof = 0, off;
  DMGetCoordinateSection(dm, &cs);
  DMGetCoordinatesLocal(dm, &c);
  PetscSectionGetChart(cs, &pS, &pE);
  if (p >= pS && p < pE) PetscSectionGetDof(cs, p, &dof);
  if (!dof) return 0;
  PetscSectionGetOffset(cs, p, &off);
  VecGetArrayRead(c, &a);
  x[0] = PetscRealPart(a[off]), x[1] = PetscRealPart(a[off + 1]);
  VecRestoreArrayRead(c, &a);
  return dof;
}

/* Curved cells: cylinder vertices and edge nodes lie on the circle; interior edges stay straight
 * (gmsh curves only boundary edges), which also checks that each edge got its own midpoint. */
static void CheckDfgGeometry(FFMesh mesh, PetscInt order)
{
  DM dm;
  DMLabel label;
  PetscInt value, eS, eE;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, "cylinder", &label, &value));
  FF_TEST_PETSC(DMPlexGetDepthStratum(dm, 1, &eS, &eE));
  PetscReal worst_vertex = 0, worst_mid = 0, worst_interior = 0, straight_sag = 0;
  for (PetscInt e = eS; e < eE; e++) {
    const PetscInt *cone;
    PetscReal a[2], b[2], m[2], support;
    PetscBool on;
    PetscInt ns;
    DMPlexGetCone(dm, e, &cone);
    PointXY(dm, cone[0], a);
    PointXY(dm, cone[1], b);
    PetscInt has_mid = PointXY(dm, e, m);
    CU_ASSERT_EQUAL(has_mid ? 2 : 1, order);
    if (!has_mid) m[0] = 0.5 * (a[0] + b[0]), m[1] = 0.5 * (a[1] + b[1]);
    DMLabelStratumHasPoint(label, value, e, &on);
    DMPlexGetSupportSize(dm, e, &ns);
    support = ns;
    if (on) {
      worst_vertex = PetscMax(worst_vertex, PetscAbsReal(PetscHypotReal(a[0] - 0.2, a[1] - 0.2) - 0.05));
      worst_mid = PetscMax(worst_mid, PetscAbsReal(PetscHypotReal(m[0] - 0.2, m[1] - 0.2) - 0.05));
      straight_sag =
          PetscMax(straight_sag, 0.05 - PetscHypotReal(0.5 * (a[0] + b[0]) - 0.2, 0.5 * (a[1] + b[1]) - 0.2));
    } else if (support == 2) {
      worst_interior = PetscMax(worst_interior, PetscHypotReal(m[0] - 0.5 * (a[0] + b[0]), m[1] - 0.5 * (a[1] + b[1])));
    }
  }
  CU_ASSERT(worst_vertex < 1e-12);
  CU_ASSERT(worst_interior < 1e-12);
  CU_ASSERT(straight_sag > 1e-5);               /* the chords do cut the circle ... */
  if (order == 2) CU_ASSERT(worst_mid < 1e-12); /* ... but the P2 nodes sit on it */
}

static void TestDfg(void)
{
  const char *names[] = {"inlet", "outlet", "walls", "cylinder"};
  for (PetscInt order = 1; order <= 2; order++) {
    FFGeometry g;
    FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_DFG));
    g.h = 0.06, g.h_body = 0.02, g.order = order;
    FFMesh mesh = MakeMesh(&g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
    CheckGroups(mesh, 4, names);
    CheckCounts(mesh, 1);
    CheckDfgGeometry(mesh, order);
    FF_TEST_PETSC(FFMeshDestroy(&mesh));
  }
}

/* The default DFG mesh is the one of docs/references.md §5: ~31.5k P2-P1 unknowns. */
static void TestDfgDefaultSize(void)
{
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_DFG));
  FFMesh mesh = MakeMesh(&g);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  PetscInt nv, ne;
  FF_TEST_PETSC(FFMeshGetSizes(mesh, &nv, &ne, NULL));
  PetscInt unknowns = 2 * (nv + ne) + nv;
  printf("\n    default DFG: %d vertices, %d P2 nodes, %d P2-P1 unknowns\n", (int)nv, (int)(nv + ne), (int)unknowns);
  CU_ASSERT(unknowns > 0.95 * 31500 && unknowns < 1.05 * 31500);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void TestNaca(void)
{
  const char *names[] = {"airfoil", "farfield", "outlet"};
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_NACA));
  g.h = 2, g.h_body = 0.03, g.h_wake = 0.08, g.growth = 0.3;
  g.naca_m = 0.04, g.naca_p = 0.4, g.naca_t = 0.15;
  FFMesh mesh = MakeMesh(&g);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  CheckGroups(mesh, 3, names);
  CheckCounts(mesh, 1);
  /* the airfoil spans the chord [0, 1]; the box is 20 chords across around mid-chord */
  FFNodeGraph ng;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &ng));
  PetscReal lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9}, alo[2] = {1e9, 1e9}, ahi[2] = {-1e9, -1e9};
  for (PetscInt i = 0; i < ng.n_nodes; i++)
    for (int k = 0; k < 2; k++) {
      lo[k] = PetscMin(lo[k], ng.coords[2 * i + k]), hi[k] = PetscMax(hi[k], ng.coords[2 * i + k]);
      if (ng.type[i] == 1)
        alo[k] = PetscMin(alo[k], ng.coords[2 * i + k]), ahi[k] = PetscMax(ahi[k], ng.coords[2 * i + k]);
    }
  FF_TEST_CLOSE(lo[0], -9.5, 0, 1e-12);
  FF_TEST_CLOSE(hi[0], 10.5, 0, 1e-12);
  FF_TEST_CLOSE(lo[1], -10, 0, 1e-12);
  FF_TEST_CLOSE(hi[1], 10, 0, 1e-12);
  CU_ASSERT(alo[0] <= 0 && alo[0] > -0.01); /* a cambered leading edge reaches slightly ahead of x = 0 */
  FF_TEST_CLOSE(ahi[0], 1, 0, 1e-12);
  CU_ASSERT(ahi[1] - alo[1] > 0.15 && ahi[1] - alo[1] < 0.25); /* 15% thick, 4% camber */
  FF_TEST_PETSC(FFNodeGraphDestroy(&ng));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* The wall-resolved NACA mesh of a cambered section: the structured block all around (no
 * mirror) and gmsh's mesh around it, which gmsh 4.8 left with flat triangles on the straight
 * end of the wake block until naca_layers.c's RepairFlat flipped them away. */
static void TestNacaLayersCambered(void)
{
  const char *names[] = {"airfoil", "farfield", "outlet"};
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_NACA));
  /* the mesh of cases/airfoil-rans/sweep.opts for a NACA 2412 at Re 3e6 */
  g.naca_m = 0.02, g.naca_p = 0.4, g.naca_t = 0.12, g.farfield = 400;
  g.h = 20, g.h_body = 0.04, g.h_wake = 0.08, g.growth = 0.25;
  g.bl_yplus = 2, g.bl_re = 3e6, g.bl_surface_points = 32;
  FFMesh mesh = MakeMesh(&g);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  CheckGroups(mesh, 3, names);
  DM dm;
  PetscInt nv, ne, nc;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  CU_ASSERT_EQUAL(nv - ne + nc, 0); /* one hole: every edge of gmsh's mesh and the block's matched */
  PetscReal qmin, qmean;
  FF_TEST_PETSC(FFMeshGetQuality(mesh, &qmin, &qmean));
  CU_ASSERT(qmin > 0); /* no flat cell (the layers' cells are long and thin: no quality bound) */
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* The largest distance from a P2 node's mirror image (y -> -y) to the nearest node, and the
 * number of nodes whose nearest mirror node has another node type. */
static PetscReal MirrorDistance(const FFNodeGraph *g, PetscInt *type_mismatch)
{
  PetscReal worst = 0;
  *type_mismatch = 0;
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    PetscReal best = PETSC_MAX_REAL;
    PetscInt at = -1;
    for (PetscInt j = 0; j < g->n_nodes; j++) {
      const PetscReal d =
          PetscHypotReal(g->coords[2 * j] - g->coords[2 * i], g->coords[2 * j + 1] + g->coords[2 * i + 1]);
      if (d < best) best = d, at = j;
    }
    worst = PetscMax(worst, best);
    *type_mismatch += g->type[at] != g->type[i];
  }
  return worst;
}

static PetscBool GeoHas(FFMesh mesh, const char *name, const char *text)
{
  char path[4096], buf[1 << 16];
  snprintf(path, sizeof path, "%s/%s", FFTestTempDir("mesh_builtin"), name);
  if (FFMeshWrite(mesh, path)) return PETSC_FALSE;
  FILE *f = fopen(path, "r");
  if (!f) return PETSC_FALSE;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strstr(buf, text) ? PETSC_TRUE : PETSC_FALSE;
}

/* A symmetric airfoil is meshed as a half and its mirror image (-naca_mirror, on by default):
 * every P2 node has a mirror node of the same type (to gmsh's projection onto the lower spline,
 * ~3e-7), the cells are counter-clockwise. Off, or for a cambered airfoil: one surface. */
static void TestNacaMirror(void)
{
  const char *names[] = {"airfoil", "farfield", "outlet"};
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_NACA));
  CU_ASSERT(g.naca_mirror);
  g.h = 4, g.h_body = 0.04, g.h_wake = 0.08, g.growth = 0.3;
  g.naca_m = 0, g.naca_t = 0.12;
  for (int mirror = 1; mirror >= 0; mirror--) {
    g.naca_mirror = (PetscBool)mirror;
    FFMesh mesh = MakeMesh(&g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
    CheckGroups(mesh, 3, names);
    CheckCounts(mesh, 1);
    DM dm;
    PetscInt n_cw, mismatch;
    FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
    FF_TEST_PETSC(FFPlexCountClockwise(dm, &n_cw, NULL));
    CU_ASSERT_EQUAL(n_cw, 0);
    FFNodeGraph ng;
    FF_TEST_PETSC(FFNodeGraphCreate(mesh, &ng));
    const PetscReal d = MirrorDistance(&ng, &mismatch);
    printf("\n  NACA 0012, %s: %d P2 nodes, largest distance of a node's mirror image to a node %.2e",
           mirror ? "mirrored" : "one surface", (int)ng.n_nodes, (double)d);
    if (mirror) {
      CU_ASSERT(d < 1e-6);
      CU_ASSERT_EQUAL(mismatch, 0);
    } else
      CU_ASSERT(d > 1e-3);
    CU_ASSERT_EQUAL(GeoHas(mesh, "naca0012.geo", "Periodic Surface"), mirror ? PETSC_TRUE : PETSC_FALSE);
    FF_TEST_PETSC(FFNodeGraphDestroy(&ng));
    FF_TEST_PETSC(FFMeshDestroy(&mesh));
  }
  /* a cambered airfoil is never mirrored */
  g.naca_mirror = PETSC_TRUE, g.naca_m = 0.02, g.naca_p = 0.4;
  FFMesh mesh = MakeMesh(&g);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  CU_ASSERT_EQUAL(GeoHas(mesh, "naca2412.geo", "Periodic"), PETSC_FALSE);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void TestSquare(void)
{
  const char *names[] = {"left", "right", "bottom", "top"};
  FFGeometry g;
  FF_TEST_PETSC(FFGeometrySetDefaults(&g, FF_GEOMETRY_SQUARE));
  g.h = 0.1;
  FFMesh mesh = MakeMesh(&g);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  CheckGroups(mesh, 4, names);
  CheckCounts(mesh, 0);
  for (PetscInt k = 0; k < 4; k++) {
    PetscInt faces;
    FF_TEST_PETSC(FFMeshGetGroupSize(mesh, k, &faces));
    CU_ASSERT_EQUAL(faces, 10); /* h = 0.1 on a unit side */
  }
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* -geometry, -naca and the size options reach the geometry; FFMeshWrite writes .msh/.geo. */
static void TestOptionsAndWrite(void)
{
  FFMesh mesh;
  const FFGeometry *g;
  FF_TEST_PETSC(PetscOptionsSetValue(NULL, "-t_geometry", "naca"));
  FF_TEST_PETSC(PetscOptionsSetValue(NULL, "-t_naca", "4415"));
  FF_TEST_PETSC(PetscOptionsSetValue(NULL, "-t_mesh_h_body", "0.02"));
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  FF_TEST_PETSC(FFMeshSetOptionsPrefix(mesh, "t_"));
  FF_TEST_PETSC(FFMeshSetFromOptions(mesh));
  FF_TEST_PETSC(FFMeshGetGeometry(mesh, &g));
  CU_ASSERT_EQUAL(g->type, FF_GEOMETRY_NACA);
  FF_TEST_CLOSE(g->naca_m, 0.04, 0, 1e-15);
  FF_TEST_CLOSE(g->naca_p, 0.4, 0, 1e-15);
  FF_TEST_CLOSE(g->naca_t, 0.15, 0, 1e-15);
  FF_TEST_CLOSE(g->h_body, 0.02, 0, 1e-15);
  FF_TEST_CLOSE(g->farfield, 20, 0, 0);
  CU_ASSERT(g->naca_mirror);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
  FF_TEST_PETSC(PetscOptionsSetValue(NULL, "-t_naca_mirror", "false"));
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  FF_TEST_PETSC(FFMeshSetOptionsPrefix(mesh, "t_"));
  FF_TEST_PETSC(FFMeshSetFromOptions(mesh));
  FF_TEST_PETSC(FFMeshGetGeometry(mesh, &g));
  CU_ASSERT(!g->naca_mirror);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
  FF_TEST_PETSC(PetscOptionsClearValue(NULL, "-t_geometry"));
  FF_TEST_PETSC(PetscOptionsClearValue(NULL, "-t_naca"));
  FF_TEST_PETSC(PetscOptionsClearValue(NULL, "-t_mesh_h_body"));
  FF_TEST_PETSC(PetscOptionsClearValue(NULL, "-t_naca_mirror"));

  FFGeometry sq;
  FF_TEST_PETSC(FFGeometrySetDefaults(&sq, FF_GEOMETRY_SQUARE));
  sq.h = 0.25;
  mesh = MakeMesh(&sq);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  const char *dir = FFTestTempDir("mesh_builtin");
  char msh[4096], geo[4096];
  snprintf(msh, sizeof msh, "%s/square.msh", dir);
  snprintf(geo, sizeof geo, "%s/square.geo", dir);
  FF_TEST_PETSC(FFMeshWrite(mesh, msh));
  FF_TEST_PETSC(FFMeshWrite(mesh, geo));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
  /* the written .msh reads back as a user mesh with the same groups */
  FFGeometry user;
  FF_TEST_PETSC(FFGeometrySetDefaults(&user, FF_GEOMETRY_FILE));
  snprintf(user.msh_file, sizeof user.msh_file, "%s", msh);
  mesh = MakeMesh(&user);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  const char *names[] = {"left", "right", "bottom", "top"};
  CheckGroups(mesh, 4, names);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
  CU_ASSERT(FFFileExists(geo));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"DFG channel: groups, counts, curved P2 nodes on the cylinder", TestDfg},
      {"DFG default size: ~31.5k P2-P1 unknowns", TestDfgDefaultSize},
      {"NACA airfoil: groups, counts, extents", TestNaca},
      {"symmetric NACA: mirror-symmetric mesh (-naca_mirror)", TestNacaMirror},
      {"cambered NACA with boundary layers: no flat cell, conforming", TestNacaLayersCambered},
      {"unit square: groups, counts", TestSquare},
      {"options and .msh/.geo output", TestOptionsAndWrite},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mesh_builtin", tests);
}
