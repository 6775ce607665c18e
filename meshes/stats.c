/* Counts and cell quality of a mesh, and the validity of curved cells.
 *
 * Quality is the normalized radius ratio q = 2 r_in / r_circ of the straight triangle through
 * the cell's vertices: 1 for an equilateral triangle, -> 0 for a degenerate one.
 * With sides a, b, c and area A: r_in = 2A / (a + b + c), r_circ = abc / (4A), so
 * q = 16 A^2 / (abc (a + b + c)). */
#include "mesh_private.h"

/* The (x, y) of a vertex, from the vertex dofs of the coordinate field (P1 or P2). */
static inline void VertexXY(PetscSection cs, const PetscScalar *a, PetscInt v, PetscReal x[2])
{
  PetscInt off;
  PetscSectionGetOffset(cs, v, &off);
  x[0] = PetscRealPart(a[off]);
  x[1] = PetscRealPart(a[off + 1]);
}

static PetscErrorCode CellVertices(DM dm, PetscInt c, PetscInt v[3])
{
  PetscInt *closure = NULL, ncl, vStart, vEnd, n = 0;
  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
  for (PetscInt i = 0; i < ncl && n < 3; i++)
    if (closure[2 * i] >= vStart && closure[2 * i] < vEnd) v[n++] = closure[2 * i];
  PetscCall(DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
  PetscFunctionReturn(0);
}

static PetscReal TriangleQuality(const PetscReal p[3][2], PetscReal *signed_area)
{
  PetscReal e[3];
  for (int k = 0; k < 3; k++) {
    const PetscReal *a = p[k], *b = p[(k + 1) % 3];
    e[k] = PetscSqrtReal(PetscSqr(b[0] - a[0]) + PetscSqr(b[1] - a[1]));
  }
  PetscReal A = 0.5 * ((p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) - (p[2][0] - p[0][0]) * (p[1][1] - p[0][1]));
  if (signed_area) *signed_area = A;
  PetscReal denom = e[0] * e[1] * e[2] * (e[0] + e[1] + e[2]);
  return denom > 0 ? 16 * A * A / denom : 0;
}

PetscErrorCode FFMeshPointCentroid(DM dm, PetscInt point, PetscReal x[2])
{
  PetscInt *closure = NULL, ncl, vStart, vEnd, n = 0;
  PetscSection cs;
  Vec coords;
  const PetscScalar *a;
  PetscFunctionBegin;
  x[0] = x[1] = 0;
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetArrayRead(coords, &a));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetTransitiveClosure(dm, point, PETSC_TRUE, &ncl, &closure));
  for (PetscInt i = 0; i < ncl; i++) {
    if (closure[2 * i] < vStart || closure[2 * i] >= vEnd) continue;
    PetscReal y[2];
    VertexXY(cs, a, closure[2 * i], y);
    x[0] += y[0], x[1] += y[1], n++;
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, point, PETSC_TRUE, &ncl, &closure));
  PetscCall(VecRestoreArrayRead(coords, &a));
  if (n) x[0] /= n, x[1] /= n;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshComputeStats(DM dm, FFMeshStats *stats)
{
  PetscInt cStart, cEnd, vStart, vEnd, eStart, eEnd;
  PetscSection cs;
  Vec coords;
  const PetscScalar *a;
  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  stats->n_cells = cEnd - cStart;
  stats->n_vertices = vEnd - vStart;
  stats->n_edges = eEnd - eStart;
  stats->quality_min = PETSC_MAX_REAL;
  stats->quality_mean = 0;
  stats->h_min = PETSC_MAX_REAL;
  stats->h_max = 0;
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetArrayRead(coords, &a));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscInt v[3];
    PetscReal p[3][2];
    PetscCall(CellVertices(dm, c, v));
    for (int k = 0; k < 3; k++) VertexXY(cs, a, v[k], p[k]);
    PetscReal q = TriangleQuality(p, NULL);
    stats->quality_min = PetscMin(stats->quality_min, q);
    stats->quality_mean += q;
  }
  for (PetscInt e = eStart; e < eEnd; e++) {
    const PetscInt *cone;
    PetscReal x0[2], x1[2];
    PetscCall(DMPlexGetCone(dm, e, &cone));
    VertexXY(cs, a, cone[0], x0);
    VertexXY(cs, a, cone[1], x1);
    PetscReal len = PetscSqrtReal(PetscSqr(x1[0] - x0[0]) + PetscSqr(x1[1] - x0[1]));
    stats->h_min = PetscMin(stats->h_min, len);
    stats->h_max = PetscMax(stats->h_max, len);
  }
  PetscCall(VecRestoreArrayRead(coords, &a));
  if (stats->n_cells)
    stats->quality_mean /= stats->n_cells;
  else
    stats->quality_min = 0;
  if (!stats->n_vertices) stats->h_min = 0;
  PetscFunctionReturn(0);
}

/* The Jacobian determinant of the P2 map of a triangle (nodes v0 v1 v2 m01 m12 m20) at the
 * barycentric point (l1, l2) of the reference triangle (0,0), (1,0), (0,1). */
static PetscReal P2Jacobian(const PetscReal x[6][2], PetscReal l1, PetscReal l2)
{
  const PetscReal l0 = 1 - l1 - l2;
  const PetscReal dxi[6] = {-(4 * l0 - 1), 4 * l1 - 1, 0, 4 * (l0 - l1), 4 * l2, -4 * l2};
  const PetscReal deta[6] = {-(4 * l0 - 1), 0, 4 * l2 - 1, -4 * l1, 4 * l1, 4 * (l0 - l2)};
  PetscReal J[2][2] = {{0, 0}, {0, 0}};
  for (int i = 0; i < 6; i++)
    for (int k = 0; k < 2; k++) J[k][0] += x[i][k] * dxi[i], J[k][1] += x[i][k] * deta[i];
  return J[0][0] * J[1][1] - J[0][1] * J[1][0];
}

/* A curved (P2) cell is valid when its Jacobian keeps one sign at its six nodes; a coarse
 * mesh on a strongly curved boundary can fold a cell inside out. */
PetscErrorCode FFMeshCheckCurvedCells(DM dm, const char *source)
{
  const PetscReal at[6][2] = {{0, 0}, {1, 0}, {0, 1}, {0.5, 0}, {0.5, 0.5}, {0, 0.5}};
  PetscInt cStart, cEnd, vStart, vEnd, eStart, eEnd, bad = -1;
  PetscSection cs;
  Vec coords;
  const PetscScalar *a;
  PetscFunctionBegin;
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  if (eEnd == eStart || FFSectionDof(cs, eStart) == 0) PetscFunctionReturn(0); /* straight cells */
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetArrayRead(coords, &a));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  for (PetscInt c = cStart; c < cEnd && bad < 0; c++) {
    PetscInt v[3];
    PetscReal x[6][2];
    PetscCall(CellVertices(dm, c, v));
    for (int k = 0; k < 3; k++) {
      const PetscInt pair[2] = {v[k], v[(k + 1) % 3]}, *join;
      PetscInt njoin;
      VertexXY(cs, a, v[k], x[k]);
      PetscCall(DMPlexGetJoin(dm, 2, pair, &njoin, &join));
      const PetscInt edge = njoin == 1 ? join[0] : -1;
      PetscCall(DMPlexRestoreJoin(dm, 2, pair, &njoin, &join));
      if (edge < 0) PetscCall(VecRestoreArrayRead(coords, &a));
      PetscCheck(edge >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cell %d: no edge between two of its vertices", (int)c);
      VertexXY(cs, a, edge, x[3 + k]); /* the edge's own coordinate dofs */
    }
    PetscReal d0 = P2Jacobian(x, at[0][0], at[0][1]);
    for (int k = 1; k < 6; k++)
      if (P2Jacobian(x, at[k][0], at[k][1]) * d0 <= 0) bad = c;
  }
  PetscCall(VecRestoreArrayRead(coords, &a));
  if (bad >= 0) {
    PetscReal centroid[2];
    PetscCall(FFMeshPointCentroid(dm, bad, centroid));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
            "mesh '%s': the curved cell at (%g, %g) is folded (its Jacobian changes sign); refine near the curved "
            "boundary (-mesh_h_body) or use straight cells (-mesh_order 1)",
            source, (double)centroid[0], (double)centroid[1]);
  }
  PetscFunctionReturn(0);
}
