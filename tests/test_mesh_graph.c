/* meshes: the node graph (CSR, node types, SDF, cells, dof map), point-segment distances,
 * METIS partitions of cells and nodes. */
#include "ff_mesh.h"
#include "ff_test.h"

#include <petscds.h>
#include <petscfe.h>
#include <string.h>

static FFMesh MakeMesh(FFGeometryType type, PetscReal h, PetscReal h_body, PetscInt order)
{
  FFMesh mesh = NULL;
  FFGeometry g;
  FFGeometrySetDefaults(&g, type);
  g.h = h, g.h_body = h_body, g.order = order;
  if (FFMeshCreate(PETSC_COMM_SELF, &mesh) || FFMeshSetGeometry(mesh, &g) || FFMeshSetUp(mesh)) {
    CU_FAIL("mesh set-up failed");
    FFMeshDestroy(&mesh);
  }
  return mesh;
}

/* Symmetric, rows sorted without duplicates or self-loops, 2 E + 3 C undirected edges. */
static void CheckCsr(const FFNodeGraph *g)
{
  PetscInt bad_order = 0, self = 0, asym = 0, empty = 0;
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    if (g->row_ptr[i + 1] == g->row_ptr[i]) empty++;
    for (PetscInt k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++) {
      PetscInt j = g->col[k], loc;
      if (j == i) self++;
      if (k > g->row_ptr[i] && g->col[k - 1] >= j) bad_order++;
      PetscFindInt(i, g->row_ptr[j + 1] - g->row_ptr[j], g->col + g->row_ptr[j], &loc);
      if (loc < 0) asym++;
    }
  }
  CU_ASSERT_EQUAL(bad_order, 0);
  CU_ASSERT_EQUAL(self, 0);
  CU_ASSERT_EQUAL(asym, 0);
  CU_ASSERT_EQUAL(empty, 0);
  PetscInt edges = g->n_nodes - g->n_vertices;
  CU_ASSERT_EQUAL(g->row_ptr[g->n_nodes], 2 * (2 * edges + 3 * g->n_cells));
}

/* Cells: 3 vertices then the 3 edge nodes between them, counter-clockwise. */
static void CheckCells(FFMesh mesh, const FFNodeGraph *g)
{
  DM dm;
  PetscInt vS, vE, eS, eE, bad = 0;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  DMPlexGetDepthStratum(dm, 0, &vS, &vE);
  DMPlexGetDepthStratum(dm, 1, &eS, &eE);
  for (PetscInt c = 0; c < g->n_cells; c++) {
    const PetscInt *n = &g->cells[6 * c];
    const PetscReal *x0 = &g->coords[2 * n[0]], *x1 = &g->coords[2 * n[1]], *x2 = &g->coords[2 * n[2]];
    if ((x1[0] - x0[0]) * (x2[1] - x0[1]) - (x2[0] - x0[0]) * (x1[1] - x0[1]) <= 0) bad++;
    for (int k = 0; k < 3; k++) {
      if (n[k] >= g->n_vertices || n[3 + k] < g->n_vertices) {
        bad++;
        continue;
      }
      const PetscInt *cone;
      DMPlexGetCone(dm, g->plex_point[n[3 + k]], &cone);
      PetscInt a = cone[0] - vS, b = cone[1] - vS, u = n[k], v = n[(k + 1) % 3];
      if (!((a == u && b == v) || (a == v && b == u))) bad++;
      if (g->plex_point[n[k]] != vS + n[k]) bad++;
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* The type of each node: the priority group among those whose faces hold it, else 0. */
static void CheckTypes(FFMesh mesh, const FFNodeGraph *g)
{
  DM dm;
  PetscInt vS, vE, eS, eE, *expect, bad = 0;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  DMPlexGetDepthStratum(dm, 0, &vS, &vE);
  DMPlexGetDepthStratum(dm, 1, &eS, &eE);
  PetscMalloc1(g->n_nodes, &expect);
  for (PetscInt i = 0; i < g->n_nodes; i++) expect[i] = 0;
  for (int pass = 0; pass < 3; pass++) /* walls, inflow groups, the rest; earlier passes win */
    for (PetscInt grp = 0; grp < g->n_groups; grp++) {
      const char *name = g->group_names[grp];
      int cls = FFMeshIsWallName(name) ? 0 : FFMeshIsInflowName(name) ? 1 : 2;
      if (cls != pass) continue;
      DMLabel label;
      PetscInt value, nf;
      IS is;
      const PetscInt *f;
      FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, name, &label, &value));
      DMLabelGetStratumIS(label, value, &is);
      ISGetLocalSize(is, &nf);
      ISGetIndices(is, &f);
      for (PetscInt k = 0; k < nf; k++) {
        const PetscInt *cone;
        DMPlexGetCone(dm, f[k], &cone);
        PetscInt nodes[3] = {cone[0] - vS, cone[1] - vS, g->n_vertices + f[k] - eS};
        for (int j = 0; j < 3; j++)
          if (!expect[nodes[j]]) expect[nodes[j]] = grp + 1;
      }
      ISRestoreIndices(is, &f);
      ISDestroy(&is);
    }
  for (PetscInt i = 0; i < g->n_nodes; i++) bad += g->type[i] != expect[i];
  CU_ASSERT_EQUAL(bad, 0);
  PetscFree(expect);
}

static PetscInt NodeAt(const FFNodeGraph *g, PetscReal x, PetscReal y)
{
  for (PetscInt i = 0; i < g->n_nodes; i++)
    if (PetscAbsReal(g->coords[2 * i] - x) < 1e-12 && PetscAbsReal(g->coords[2 * i + 1] - y) < 1e-12) return i;
  return -1;
}

static PetscInt GroupIndex(const FFNodeGraph *g, const char *name)
{
  for (PetscInt i = 0; i < g->n_groups; i++)
    if (!strcmp(g->group_names[i], name)) return i;
  return -1;
}

static void TestDfgGraph(void)
{
  FFMesh mesh = MakeMesh(FF_GEOMETRY_DFG, 0.05, 0.015, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  CheckCsr(&g);
  CheckCells(mesh, &g);
  CheckTypes(mesh, &g);
  /* corners: walls beat the inlet and the outlet */
  PetscInt walls = GroupIndex(&g, "walls"), c0 = NodeAt(&g, 0, 0), c1 = NodeAt(&g, 2.2, 0.41);
  CU_ASSERT_FATAL(walls >= 0 && c0 >= 0 && c1 >= 0);
  CU_ASSERT_EQUAL(g.type[c0], walls + 1);
  CU_ASSERT_EQUAL(g.type[c1], walls + 1);
  /* SDF: 0 on walls and cylinder, > 0 inside, close to the exact distance to the walls (the
   * P2 polyline differs from the circle by its sagitta) */
  PetscReal worst = 0;
  PetscInt zero_bad = 0, pos_bad = 0;
  for (PetscInt i = 0; i < g.n_nodes; i++) {
    const PetscReal x = g.coords[2 * i], y = g.coords[2 * i + 1];
    const char *name = g.type[i] ? g.group_names[g.type[i] - 1] : "";
    PetscBool wall = g.type[i] && FFMeshIsWallName(name);
    if (wall)
      zero_bad += g.sdf[i] != 0;
    else
      pos_bad += !(g.sdf[i] > 0);
    PetscReal exact = PetscMin(PetscMin(y, 0.41 - y), PetscHypotReal(x - 0.2, y - 0.2) - 0.05);
    worst = PetscMax(worst, PetscAbsReal(g.sdf[i] - exact));
  }
  CU_ASSERT_EQUAL(zero_bad, 0);
  CU_ASSERT_EQUAL(pos_bad, 0);
  CU_ASSERT(worst < 2e-4);
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* No wall group: the SDF is the distance to the whole boundary; corners go to the lower group. */
static void TestSquareGraph(void)
{
  FFMesh mesh = MakeMesh(FF_GEOMETRY_SQUARE, 0.1, 0.1, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  CheckCsr(&g);
  CheckCells(mesh, &g);
  CheckTypes(mesh, &g);
  PetscReal worst = 0;
  for (PetscInt i = 0; i < g.n_nodes; i++) {
    const PetscReal x = g.coords[2 * i], y = g.coords[2 * i + 1];
    worst = PetscMax(worst, PetscAbsReal(g.sdf[i] - PetscMin(PetscMin(x, 1 - x), PetscMin(y, 1 - y))));
  }
  CU_ASSERT(worst < 1e-12);
  CU_ASSERT_EQUAL(g.type[NodeAt(&g, 0, 0)], GroupIndex(&g, "left") + 1);
  CU_ASSERT_EQUAL(g.type[NodeAt(&g, 1, 1)], GroupIndex(&g, "right") + 1);
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* The BVH gives the brute-force distances. */
static void TestSegmentDistance(void)
{
  const PetscInt ns = 500, np = 2000;
  PetscReal *seg, *pts, *d;
  FFRng rng;
  FFRngSeed(&rng, 3, 0);
  PetscMalloc3(4 * ns, &seg, 2 * np, &pts, np, &d);
  for (PetscInt i = 0; i < ns; i++) { /* short segments clustered like a body, a few long ones */
    PetscReal x = FFRngUniform(&rng), y = 0.2 * FFRngUniform(&rng), len = i % 50 ? 0.02 : 1.0;
    PetscReal a = 2 * PETSC_PI * FFRngUniform(&rng);
    seg[4 * i] = x, seg[4 * i + 1] = y, seg[4 * i + 2] = x + len * PetscCosReal(a),
            seg[4 * i + 3] = y + len * PetscSinReal(a);
  }
  for (PetscInt i = 0; i < 2 * np; i++) pts[i] = 40 * FFRngUniform(&rng) - 20;
  FF_TEST_PETSC(FFSegmentDistance(ns, seg, np, pts, d));
  PetscReal worst = 0;
  for (PetscInt i = 0; i < np; i++) {
    PetscReal best = PETSC_MAX_REAL;
    for (PetscInt s = 0; s < ns; s++) {
      const PetscReal *q = &seg[4 * s], *p = &pts[2 * i];
      PetscReal dx = q[2] - q[0], dy = q[3] - q[1];
      PetscReal t = PetscMax(0, PetscMin(1, ((p[0] - q[0]) * dx + (p[1] - q[1]) * dy) / (dx * dx + dy * dy)));
      best = PetscMin(best, PetscHypotReal(q[0] + t * dx - p[0], q[1] + t * dy - p[1]));
    }
    worst = PetscMax(worst, PetscAbsReal(best - d[i]));
  }
  CU_ASSERT(worst < 1e-12);
  PetscFree3(seg, pts, d);
}

static PetscErrorCode XY(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim, (void)time, (void)ctx;
  for (PetscInt c = 0; c < Nc; c++) u[c] = x[c % 2];
  return 0;
}

/* Taylor-Hood on the mesh: velocity dofs at every node, pressure at vertices; interpolating
 * u = (x, y) puts exactly each node's coordinates at its offsets (curved cells included). */
static void TestDofMap(void)
{
  FFMesh mesh = MakeMesh(FF_GEOMETRY_DFG, 0.08, 0.02, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  DM dm, sdm;
  PetscFE fe[2];
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(DMClone(dm, &sdm));
  FF_TEST_PETSC(PetscFECreateLagrange(PETSC_COMM_SELF, 2, 2, PETSC_TRUE, 2, PETSC_DETERMINE, &fe[0]));
  FF_TEST_PETSC(PetscFECreateLagrange(PETSC_COMM_SELF, 2, 1, PETSC_TRUE, 1, PETSC_DETERMINE, &fe[1]));
  FF_TEST_PETSC(PetscFECopyQuadrature(fe[0], fe[1]));
  FF_TEST_PETSC(DMSetField(sdm, 0, NULL, (PetscObject)fe[0]));
  FF_TEST_PETSC(DMSetField(sdm, 1, NULL, (PetscObject)fe[1]));
  FF_TEST_PETSC(DMCreateDS(sdm));
  FFNodeGraph g;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  PetscInt *uoff, *un, *poff, *pn, n;
  Vec u;
  PetscMalloc4(g.n_nodes, &uoff, g.n_nodes, &un, g.n_nodes, &poff, g.n_nodes, &pn);
  FF_TEST_PETSC(FFNodeGraphGetLocalDofs(&g, sdm, 0, uoff, un));
  FF_TEST_PETSC(FFNodeGraphGetLocalDofs(&g, sdm, 1, poff, pn));
  FF_TEST_PETSC(DMCreateLocalVector(sdm, &u));
  FF_TEST_PETSC(VecGetSize(u, &n));
  PetscInt *hits, bad = 0;
  PetscCalloc1(n, &hits);
  for (PetscInt i = 0; i < g.n_nodes; i++) {
    bad += un[i] != 2 || pn[i] != (i < g.n_vertices ? 1 : 0) || (i >= g.n_vertices && poff[i] != -1);
    for (PetscInt k = 0; k < un[i]; k++) hits[uoff[i] + k]++;
    for (PetscInt k = 0; k < pn[i]; k++) hits[poff[i] + k]++;
  }
  for (PetscInt j = 0; j < n; j++) bad += hits[j] != 1; /* every dof belongs to exactly one node */
  CU_ASSERT_EQUAL(bad, 0);
  PetscErrorCode (*funcs[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {XY, XY};
  FF_TEST_PETSC(DMProjectFunctionLocal(sdm, 0, funcs, NULL, INSERT_ALL_VALUES, u));
  const PetscScalar *a;
  PetscReal worst = 0;
  VecGetArrayRead(u, &a);
  for (PetscInt i = 0; i < g.n_nodes; i++)
    for (int k = 0; k < 2; k++)
      worst = PetscMax(worst, PetscAbsReal(PetscRealPart(a[uoff[i] + k]) - g.coords[2 * i + k]));
  VecRestoreArrayRead(u, &a);
  CU_ASSERT(worst < 1e-12);
  PetscFree(hits);
  PetscFree4(uoff, un, poff, pn);
  VecDestroy(&u);
  PetscFEDestroy(&fe[0]);
  PetscFEDestroy(&fe[1]);
  DMDestroy(&sdm);
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* METIS cell parts cover all cells, imbalance <= 1.05, edge cut = faces between parts. */
static void TestCellPartition(void)
{
  FFMesh mesh = MakeMesh(FF_GEOMETRY_DFG, 0.05, 0.015, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  DM dm;
  PetscInt nc, cut, fS, fE, cS, cE, counted = 0, *part, sizes[4] = {0};
  PetscReal imbalance;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetSizes(mesh, NULL, NULL, &nc));
  PetscMalloc1(nc, &part);
  FF_TEST_PETSC(FFMeshPartitionCells(mesh, 4, part, &cut, &imbalance));
  for (PetscInt c = 0; c < nc; c++) {
    CU_ASSERT_FATAL(part[c] >= 0 && part[c] < 4);
    sizes[part[c]]++;
  }
  for (int p = 0; p < 4; p++) CU_ASSERT(sizes[p] > 0);
  CU_ASSERT(imbalance <= 1.05);
  DMPlexGetHeightStratum(dm, 1, &fS, &fE);
  DMPlexGetHeightStratum(dm, 0, &cS, &cE);
  for (PetscInt f = fS; f < fE; f++) {
    const PetscInt *s;
    PetscInt ns;
    DMPlexGetSupportSize(dm, f, &ns);
    DMPlexGetSupport(dm, f, &s);
    if (ns == 2 && part[s[0] - cS] != part[s[1] - cS]) counted++;
  }
  CU_ASSERT_EQUAL(cut, counted);
  CU_ASSERT(cut > 0);
  PetscFree(part);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* Node parts cover all nodes once; the halo is exactly the nodes within `hops` of a part. */
static void TestNodePartition(void)
{
  FFMesh mesh = MakeMesh(FF_GEOMETRY_SQUARE, 0.05, 0.05, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  FFNodeGraph g;
  FFNodePartition P;
  const PetscInt k = 5, hops = 2;
  FF_TEST_PETSC(FFNodeGraphCreate(mesh, &g));
  FF_TEST_PETSC(FFNodeGraphPartition(&g, k, hops, &P));
  CU_ASSERT(P.imbalance <= 1.05);
  PetscInt *owner, *dist, *queue, bad = 0, cut = 0;
  PetscMalloc3(g.n_nodes, &owner, g.n_nodes, &dist, g.n_nodes, &queue);
  for (PetscInt i = 0; i < g.n_nodes; i++) owner[i] = -1;
  for (PetscInt p = 0; p < k; p++)
    for (PetscInt j = P.offsets[p]; j < P.offsets[p] + P.n_owned[p]; j++) {
      bad += owner[P.nodes[j]] != -1 || P.part[P.nodes[j]] != p;
      owner[P.nodes[j]] = p;
    }
  for (PetscInt i = 0; i < g.n_nodes; i++) bad += owner[i] < 0;
  for (PetscInt i = 0; i < g.n_nodes; i++)
    for (PetscInt j = g.row_ptr[i]; j < g.row_ptr[i + 1]; j++) cut += P.part[i] != P.part[g.col[j]];
  CU_ASSERT_EQUAL(cut / 2, P.edge_cut);
  for (PetscInt p = 0; p < k; p++) { /* breadth-first distances from part p */
    PetscInt head = 0, tail = 0, expected = 0;
    for (PetscInt i = 0; i < g.n_nodes; i++) {
      dist[i] = P.part[i] == p ? 0 : -1;
      if (!dist[i]) queue[tail++] = i;
    }
    while (head < tail) {
      PetscInt i = queue[head++];
      for (PetscInt j = g.row_ptr[i]; j < g.row_ptr[i + 1]; j++)
        if (dist[g.col[j]] < 0) dist[g.col[j]] = dist[i] + 1, queue[tail++] = g.col[j];
    }
    for (PetscInt i = 0; i < g.n_nodes; i++) expected += dist[i] > 0 && dist[i] <= hops;
    PetscInt nhalo = P.offsets[p + 1] - P.offsets[p] - P.n_owned[p];
    bad += nhalo != expected;
    for (PetscInt j = P.offsets[p] + P.n_owned[p]; j < P.offsets[p + 1]; j++)
      bad += !(dist[P.nodes[j]] > 0 && dist[P.nodes[j]] <= hops);
  }
  CU_ASSERT_EQUAL(bad, 0);
  PetscFree3(owner, dist, queue);
  FF_TEST_PETSC(FFNodePartitionDestroy(&P));
  FF_TEST_PETSC(FFNodeGraphDestroy(&g));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void ExpectEdges(int n_nodes, int per, const int *cells, int n, const int (*pairs)[2])
{
  int n_edges, *s, *r;
  FF_TEST_PETSC(FFMeshEdges(n_nodes, 2, per, 6, cells, &n_edges, &s, &r));
  CU_ASSERT_EQUAL_FATAL(n_edges, 2 * n);
  for (int k = 0; k < n; k++) {
    CU_ASSERT(s[2 * k] == pairs[k][0] && r[2 * k] == pairs[k][1]);
    CU_ASSERT(s[2 * k + 1] == pairs[k][1] && r[2 * k + 1] == pairs[k][0]);
  }
  PetscFree(s);
  PetscFree(r);
}

/* Two P2 triangles sharing the side 1-2 (midpoint 5): every edge once, in the order trained
 * models were made with: ascending (a, b), a -> b then b -> a. */
static void TestMeshEdges(void)
{
  const int cells[2][6] = {{0, 1, 2, 4, 5, 6}, {1, 3, 2, 7, 8, 5}};
  const int p2[16][2] = {{0, 4}, {0, 6}, {1, 4}, {1, 5}, {1, 7}, {2, 5}, {2, 6}, {2, 8},
                         {3, 7}, {3, 8}, {4, 5}, {4, 6}, {5, 6}, {5, 7}, {5, 8}, {7, 8}};
  const int p1[5][2] = {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}};
  ExpectEdges(9, 6, cells[0], 16, p2);
  ExpectEdges(4, 3, cells[0], 5, p1); /* the vertices of the same cells, read in place */
  int n_edges, *s, *r;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  CU_ASSERT_NOT_EQUAL(FFMeshEdges(8, 2, 6, 6, cells[0], &n_edges, &s, &r), 0); /* node 8 of 8 */
  const int loop[6] = {0, 1, 1, 3, 4, 5};
  CU_ASSERT_NOT_EQUAL(FFMeshEdges(6, 1, 3, 6, loop, &n_edges, &s, &r), 0); /* an edge 1 -> 1 */
  PetscPopErrorHandler();
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"DFG graph: CSR, cells, node types, corner priority, SDF", TestDfgGraph},
      {"square graph: SDF to the boundary without walls", TestSquareGraph},
      {"segment distances match brute force", TestSegmentDistance},
      {"node -> dof map through a Taylor-Hood section", TestDofMap},
      {"METIS cell partition: coverage, imbalance, edge cut", TestCellPartition},
      {"node graph partition with halos", TestNodePartition},
      {"edges of P2 and P1 triangles: each once, in their fixed order", TestMeshEdges},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mesh_graph", tests);
}
