/* The node graph of the surrogates: the P2 nodes of the mesh (vertices first, in plex order,
 * then edge midpoints, in plex order), so node i is plex point vStart + i or
 * eStart + (i - n_vertices), and a node field maps to the solver's dofs without loss. */
#include "mesh_private.h"

#include <stdlib.h>
#include <string.h>

static PetscErrorCode CheckSerial(FFMesh mesh, DM dm)
{
  PetscMPIInt size;
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)dm), &size));
  PetscCheck(size == 1, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "the node graph is built from an undistributed mesh; this one is on %d ranks (create the FFMesh on "
             "PETSC_COMM_SELF)",
             (int)size);
  PetscFunctionReturn(0);
}

/* Node positions: vertex dofs of the coordinates; an edge's own dofs when the coordinates
 * are P2 (curved cells), else the midpoint of its vertices. */
static PetscErrorCode NodeCoordinates(DM dm, FFNodeGraph *g)
{
  PetscSection cs;
  Vec coords;
  const PetscScalar *a;
  PetscInt vStart, vEnd, eStart, eEnd;
  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  PetscCall(DMGetCoordinateSection(dm, &cs));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(VecGetArrayRead(coords, &a));
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    PetscInt p = g->plex_point[i], off;
    if (FFSectionDof(cs, p) >= 2) {
      PetscCall(PetscSectionGetOffset(cs, p, &off));
      g->coords[2 * i] = PetscRealPart(a[off]);
      g->coords[2 * i + 1] = PetscRealPart(a[off + 1]);
    } else { /* straight edge: vertex coordinates are already filled (vertices come first) */
      const PetscInt *cone;
      PetscCall(DMPlexGetCone(dm, p, &cone));
      for (int k = 0; k < 2; k++)
        g->coords[2 * i + k] = 0.5 * (g->coords[2 * (cone[0] - vStart) + k] + g->coords[2 * (cone[1] - vStart) + k]);
    }
  }
  PetscCall(VecRestoreArrayRead(coords, &a));
  PetscFunctionReturn(0);
}

/* Cells as 6 nodes in VTK quadratic-triangle order (v0 v1 v2 m01 m12 m20), counter-clockwise. */
static PetscErrorCode NodeCells(DM dm, FFNodeGraph *g)
{
  PetscInt cStart, cEnd, vStart, vEnd, eStart, eEnd;
  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscInt *closure = NULL, ncl, v[3], nv = 0, *cell = &g->cells[6 * (c - cStart)];
    PetscCall(DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    for (PetscInt i = 0; i < ncl; i++)
      if (closure[2 * i] >= vStart && closure[2 * i] < vEnd && nv < 3) v[nv++] = closure[2 * i] - vStart;
    PetscCall(DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    const PetscReal *x0 = &g->coords[2 * v[0]], *x1 = &g->coords[2 * v[1]], *x2 = &g->coords[2 * v[2]];
    if ((x1[0] - x0[0]) * (x2[1] - x0[1]) - (x2[0] - x0[0]) * (x1[1] - x0[1]) < 0) {
      PetscInt t = v[1];
      v[1] = v[2], v[2] = t;
    }
    for (int k = 0; k < 3; k++) {
      const PetscInt pair[2] = {v[k] + vStart, v[(k + 1) % 3] + vStart}, *join;
      PetscInt njoin;
      PetscCall(DMPlexGetJoin(dm, 2, pair, &njoin, &join));
      PetscCheck(njoin == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cell %d: no edge between two of its vertices", (int)c);
      cell[k] = v[k];
      cell[3 + k] = g->n_vertices + join[0] - eStart;
      PetscCall(DMPlexRestoreJoin(dm, 2, pair, &njoin, &join));
    }
  }
  PetscFunctionReturn(0);
}

static PetscInt GroupClass(const char *name) { return FFMeshIsWallName(name) ? 0 : (FFMeshIsInflowName(name) ? 1 : 2); }

/* The nodes of every face of group g, three per face: the edge's midpoint, then its vertices. */
static PetscErrorCode GroupFaceNodes(FFMesh mesh, PetscInt g, PetscInt vStart, PetscInt eStart, PetscInt nv,
                                     PetscInt **nodes, PetscInt *n)
{
  DMLabel label;
  IS is;
  const PetscInt *faces;
  PetscFunctionBegin;
  PetscCall(DMGetLabel(mesh->dm, mesh->group_names[g], &label));
  PetscCall(DMLabelGetStratumIS(label, mesh->group_tags[g], &is));
  *n = 0;
  if (!is) {
    *nodes = NULL;
    PetscFunctionReturn(0);
  }
  PetscInt nf;
  PetscCall(ISGetLocalSize(is, &nf));
  PetscCall(ISGetIndices(is, &faces));
  PetscCall(PetscMalloc1(3 * nf, nodes));
  for (PetscInt i = 0; i < nf; i++) {
    const PetscInt *cone;
    PetscCall(DMPlexGetCone(mesh->dm, faces[i], &cone));
    (*nodes)[(*n)++] = nv + faces[i] - eStart;
    (*nodes)[(*n)++] = cone[0] - vStart;
    (*nodes)[(*n)++] = cone[1] - vStart;
  }
  PetscCall(ISRestoreIndices(is, &faces));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

/* Node type with the corner priority: walls, then inflow groups, then the rest. */
static PetscErrorCode NodeTypes(FFMesh mesh, FFNodeGraph *g, PetscInt vStart, PetscInt eStart)
{
  PetscInt *key;
  const PetscInt ng = mesh->n_groups;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(g->n_nodes, &key));
  for (PetscInt i = 0; i < g->n_nodes; i++) key[i] = PETSC_MAX_INT;
  for (PetscInt grp = 0; grp < ng; grp++) {
    PetscInt *nodes, n, k = GroupClass(mesh->group_names[grp]) * ng + grp;
    PetscCall(GroupFaceNodes(mesh, grp, vStart, eStart, g->n_vertices, &nodes, &n));
    for (PetscInt i = 0; i < n; i++) key[nodes[i]] = PetscMin(key[nodes[i]], k);
    PetscCall(PetscFree(nodes));
  }
  for (PetscInt i = 0; i < g->n_nodes; i++) g->type[i] = key[i] == PETSC_MAX_INT ? 0 : 1 + key[i] % ng;
  PetscCall(PetscFree(key));
  PetscFunctionReturn(0);
}

/* Wall segments through the P2 nodes: (v0, m), (m, v1) per wall face. With no wall group,
 * the whole boundary. */
static PetscErrorCode WallSegments(FFMesh mesh, const FFNodeGraph *g, PetscInt vStart, PetscInt eStart, PetscInt *nseg,
                                   PetscReal **seg)
{
  PetscBool any_wall = PETSC_FALSE;
  PetscInt total = 0;
  PetscFunctionBegin;
  for (PetscInt grp = 0; grp < mesh->n_groups; grp++) any_wall |= FFMeshIsWallName(mesh->group_names[grp]);
  for (PetscInt grp = 0; grp < mesh->n_groups; grp++)
    if (!any_wall || FFMeshIsWallName(mesh->group_names[grp])) total += mesh->group_faces[grp];
  PetscCall(PetscMalloc1(8 * total, seg));
  *nseg = 0;
  for (PetscInt grp = 0; grp < mesh->n_groups; grp++) {
    if (any_wall && !FFMeshIsWallName(mesh->group_names[grp])) continue;
    PetscInt *nodes, n;
    PetscCall(GroupFaceNodes(mesh, grp, vStart, eStart, g->n_vertices, &nodes, &n));
    for (PetscInt i = 0; i + 2 < n && *nseg + 2 <= 2 * total; i += 3) {
      const PetscReal *m = &g->coords[2 * nodes[i]], *a = &g->coords[2 * nodes[i + 1]],
                      *b = &g->coords[2 * nodes[i + 2]];
      PetscReal *s = &(*seg)[4 * *nseg];
      s[0] = a[0], s[1] = a[1], s[2] = m[0], s[3] = m[1];
      s[4] = m[0], s[5] = m[1], s[6] = b[0], s[7] = b[1];
      *nseg += 2;
    }
    PetscCall(PetscFree(nodes));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NodeSdf(FFMesh mesh, FFNodeGraph *g, PetscInt vStart, PetscInt eStart)
{
  PetscInt nseg;
  PetscReal *seg;
  PetscBool any_wall = PETSC_FALSE;
  PetscFunctionBegin;
  PetscCall(WallSegments(mesh, g, vStart, eStart, &nseg, &seg));
  PetscCall(FFSegmentDistance(nseg, seg, g->n_nodes, g->coords, g->sdf));
  PetscCall(PetscFree(seg));
  /* exactly 0 on the walls (the distance is already ~1e-17 there) */
  for (PetscInt grp = 0; grp < mesh->n_groups; grp++) any_wall |= FFMeshIsWallName(mesh->group_names[grp]);
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    if (g->type[i] == 0) continue;
    const char *name = mesh->group_names[g->type[i] - 1];
    if (!any_wall || FFMeshIsWallName(name)) g->sdf[i] = 0;
  }
  PetscFunctionReturn(0);
}

/* Symmetric CSR of FFMeshEdges: the edges into each node, whose senders come ascending, so a
 * stable bucketing by receiver leaves every row sorted. */
static PetscErrorCode NodeEdges(FFNodeGraph *g)
{
  int *cells, *senders, *receivers, n_edges;
  PetscInt *fill;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(6 * g->n_cells + 1, &cells));
  for (PetscInt k = 0; k < 6 * g->n_cells; k++) cells[k] = (int)g->cells[k];
  PetscCall(FFMeshEdges((int)g->n_nodes, (int)g->n_cells, 6, 6, cells, &n_edges, &senders, &receivers));
  PetscCall(PetscFree(cells));
  PetscCall(PetscCalloc1(g->n_nodes + 1, &g->row_ptr));
  for (int e = 0; e < n_edges; e++) g->row_ptr[receivers[e] + 1]++;
  for (PetscInt i = 0; i < g->n_nodes; i++) g->row_ptr[i + 1] += g->row_ptr[i];
  PetscCall(PetscMalloc1(n_edges + 1, &g->col));
  PetscCall(PetscMalloc1(g->n_nodes + 1, &fill));
  PetscCall(PetscArraycpy(fill, g->row_ptr, g->n_nodes));
  for (int e = 0; e < n_edges; e++) g->col[fill[receivers[e]]++] = senders[e];
  PetscCall(PetscFree(fill));
  PetscCall(PetscFree(senders));
  PetscCall(PetscFree(receivers));
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodeGraphCreate(FFMesh mesh, FFNodeGraph *g)
{
  DM dm;
  PetscInt vStart, vEnd, eStart, eEnd, cStart, cEnd;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(g, sizeof *g));
  PetscCall(FFMeshGetDM(mesh, &dm));
  PetscCall(CheckSerial(mesh, dm));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  g->n_vertices = vEnd - vStart;
  g->n_nodes = g->n_vertices + eEnd - eStart;
  g->n_cells = cEnd - cStart;
  g->n_groups = mesh->n_groups;
  PetscCall(PetscMalloc5(2 * g->n_nodes, &g->coords, g->n_nodes, &g->plex_point, g->n_nodes, &g->type, g->n_nodes,
                         &g->sdf, 6 * g->n_cells, &g->cells));
  PetscCall(PetscMalloc1(g->n_groups, &g->group_names));
  for (PetscInt i = 0; i < g->n_groups; i++) PetscCall(PetscStrallocpy(mesh->group_names[i], &g->group_names[i]));
  for (PetscInt i = 0; i < g->n_nodes; i++)
    g->plex_point[i] = i < g->n_vertices ? vStart + i : eStart + i - g->n_vertices;
  PetscCall(NodeCoordinates(dm, g));
  PetscCall(NodeCells(dm, g));
  PetscCall(NodeTypes(mesh, g, vStart, eStart));
  PetscCall(NodeSdf(mesh, g, vStart, eStart));
  PetscCall(NodeEdges(g));
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodeGraphDestroy(FFNodeGraph *g)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->n_groups && g->group_names; i++) PetscCall(PetscFree(g->group_names[i]));
  PetscCall(PetscFree(g->group_names));
  PetscCall(PetscFree5(g->coords, g->plex_point, g->type, g->sdf, g->cells));
  PetscCall(PetscFree(g->row_ptr));
  PetscCall(PetscFree(g->col));
  PetscCall(PetscMemzero(g, sizeof *g));
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodeGraphGetLocalDofs(const FFNodeGraph *g, DM dm, PetscInt field, PetscInt offsets[],
                                       PetscInt ndofs[])
{
  PetscSection s;
  PetscInt nf;
  PetscFunctionBegin;
  PetscCall(DMGetLocalSection(dm, &s));
  PetscCall(PetscSectionGetNumFields(s, &nf));
  PetscCheck(field >= 0 && field < nf, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "field %d out of range: the DM has %d fields", (int)field, (int)nf);
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    PetscInt dof, off;
    PetscCall(PetscSectionGetFieldDof(s, g->plex_point[i], field, &dof));
    PetscCall(PetscSectionGetFieldOffset(s, g->plex_point[i], field, &off));
    offsets[i] = dof ? off : -1;
    if (ndofs) ndofs[i] = dof;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodeGraphGetWallSegments(FFMesh mesh, PetscInt *n_segments, PetscReal **segments)
{
  FFNodeGraph g;
  DM dm;
  PetscInt vStart, vEnd, eStart, eEnd;
  PetscFunctionBegin;
  PetscCall(FFNodeGraphCreate(mesh, &g));
  PetscCall(FFMeshGetDM(mesh, &dm));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  PetscCall(WallSegments(mesh, &g, vStart, eStart, n_segments, segments));
  PetscCall(FFNodeGraphDestroy(&g));
  PetscFunctionReturn(0);
}
