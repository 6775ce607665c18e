/* The exact maps between node fields (FFNodeGraph order, n_nodes x n_components) and states,
 * and the physics loss of a node field with its gradient (ff_solver.h documents the rules).
 *
 * Each node is a DMPlex point (vertex or edge) of the mesh as the node graph saw it, before
 * distribution; on several ranks the migration SF names each local point's original point.
 * A (point, field) pair has either all the field's components as dofs (direct), or none (a
 * P1 field at an edge: derived from the edge's vertices). Direct dofs are free or Dirichlet
 * (constrained in the local section). */
#include "solver_private.h"

#include <petscsf.h>
#include <stdlib.h>

typedef enum { ENTRY_FREE, ENTRY_DIRICHLET, ENTRY_DERIVED } EntryKind;

static PetscInt FieldComponents(FFSolver s, PetscInt f) { return FFSolverIsFlow(s) && f == 0 ? s->dim : 1; }

/* Where component c of field f at local point q lives in the local vector, and its kind. */
static PetscErrorCode EntryInfo(FFSolver s, PetscSection sec, PetscInt q, PetscInt f, PetscInt c, PetscInt *off,
                                EntryKind *kind)
{
  PetscInt dof, ncd;
  const PetscInt *cind;

  PetscFunctionBegin;
  PetscCall(PetscSectionGetFieldDof(sec, q, f, &dof));
  if (!dof) {
    *kind = ENTRY_DERIVED;
    *off = -1;
    PetscFunctionReturn(0);
  }
  PetscCheck(dof == FieldComponents(s, f), PETSC_COMM_SELF, PETSC_ERR_SUP,
             "node maps need one node per point; field %d has %d dofs at point %d", (int)f, (int)dof, (int)q);
  PetscCall(PetscSectionGetFieldOffset(sec, q, f, off));
  *off += c;
  *kind = ENTRY_FREE;
  PetscCall(PetscSectionGetFieldConstraintDof(sec, q, f, &ncd));
  if (ncd) {
    PetscCall(PetscSectionGetFieldConstraintIndices(sec, q, f, &cind));
    for (PetscInt k = 0; k < ncd; k++)
      if (cind[k] == c) *kind = ENTRY_DIRICHLET;
  }
  PetscFunctionReturn(0);
}

/* Node of every local point from the points the graph names: on one rank they are the
 * solver's points; on several, the migration SF of the distribution gives each local point
 * its original one. */
static PetscErrorCode MatchByPoints(FFSolver s, PetscInt n_nodes, const PetscInt plex_point[], PetscInt pEnd,
                                    PetscSF migration)
{
  PetscInt *origin, *node_of_origin, max_origin = 0;

  PetscFunctionBegin;
  for (PetscInt n = 0; n < n_nodes; n++) max_origin = PetscMax(max_origin, plex_point[n] + 1);
  PetscCall(PetscMalloc2(pEnd + 1, &origin, max_origin + 1, &node_of_origin));
  for (PetscInt q = 0; q < pEnd; q++) origin[q] = migration ? -1 : q;
  if (migration) {
    PetscInt nleaves;
    const PetscInt *ilocal;
    const PetscSFNode *iremote;
    PetscCall(PetscSFGetGraph(migration, NULL, &nleaves, &ilocal, &iremote));
    PetscCheck(nleaves == pEnd, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "the migration SF has %d leaves but the mesh %d points", (int)nleaves, (int)pEnd);
    for (PetscInt i = 0; i < nleaves; i++) origin[ilocal ? ilocal[i] : i] = iremote[i].index;
  }
  for (PetscInt p = 0; p < max_origin; p++) node_of_origin[p] = -1;
  for (PetscInt n = 0; n < n_nodes; n++) node_of_origin[plex_point[n]] = n;
  for (PetscInt q = 0; q < pEnd; q++)
    s->point_node[q] = origin[q] >= 0 && origin[q] < max_origin ? node_of_origin[origin[q]] : -1;
  PetscCall(PetscFree2(origin, node_of_origin));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscReal x, y;
  PetscInt node;
} SortedNode;

static int CompareX(const void *a, const void *b)
{
  const SortedNode *p = (const SortedNode *)a, *q = (const SortedNode *)b;
  return (p->x > q->x) - (p->x < q->x);
}

/* Rank 0: the graph node at (x, y) within tol, or -1; nodes sorted by x. */
static PetscInt FindNode(const SortedNode *sorted, PetscInt n, PetscReal x, PetscReal y, PetscReal tol)
{
  PetscInt lo = 0, hi = n, best = -1;
  PetscReal dbest = tol;
  while (lo < hi) {
    const PetscInt mid = (lo + hi) / 2;
    if (sorted[mid].x < x - tol)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (PetscInt i = lo; i < n && sorted[i].x <= x + tol; i++) {
    const PetscReal d = PetscMax(PetscAbsReal(sorted[i].x - x), PetscAbsReal(sorted[i].y - y));
    if (d <= dbest) dbest = d, best = sorted[i].node;
  }
  return best;
}

/* Without a migration SF (a mesh distributed elsewhere): match each owned vertex and edge to
 * the graph node at the same position, on rank 0. Positions agree to rounding: both are the
 * mesh file's node coordinates. */
static PetscErrorCode MatchByCoordinates(FFSolver s, const FFNodeGraph *graph, PetscInt n_nodes, PetscInt pEnd)
{
  PetscInt cStart, cEnd, eEnd, nmine = 0, *mine_points, *mine_nodes = NULL;
  PetscReal *mine_xy, *all_xy = NULL, lo[2], hi[2];
  PetscBool *done;
  PetscMPIInt rank, size, *counts = NULL, *displs = NULL, n2;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(DMPlexGetHeightStratum(s->dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(s->dm, 1, NULL, &eEnd));
  PetscCall(PetscCalloc1(pEnd + 1, &done));
  PetscCall(PetscMalloc2(eEnd + 1, &mine_points, 2 * eEnd + 2, &mine_xy));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscInt pts[6];
    PetscReal xy[12];
    PetscCall(FFCellNodeCoordinates(s->dm, c, pts, xy));
    for (PetscInt k = 0; k < 6; k++) {
      if (done[pts[k]] || !s->point_owned[pts[k]]) continue;
      done[pts[k]] = PETSC_TRUE;
      mine_points[nmine] = pts[k];
      mine_xy[2 * nmine] = xy[2 * k];
      mine_xy[2 * nmine + 1] = xy[2 * k + 1];
      nmine++;
    }
  }
  PetscCall(PetscFree(done));
  PetscCall(DMGetBoundingBox(s->dm, lo, hi));
  const PetscReal tol = 1e-9 * PetscMax(hi[0] - lo[0], hi[1] - lo[1]);
  n2 = (PetscMPIInt)(2 * nmine);
  if (!rank) PetscCall(PetscMalloc2(size, &counts, size, &displs));
  PetscCallMPI(MPI_Gather(&n2, 1, MPI_INT, counts, 1, MPI_INT, 0, s->comm));
  PetscInt total = 0;
  if (!rank)
    for (PetscMPIInt r = 0; r < size; r++) displs[r] = (PetscMPIInt)total, total += counts[r];
  PetscCall(PetscMalloc1(total + 1, &all_xy));
  PetscCallMPI(MPI_Gatherv(mine_xy, n2, MPIU_REAL, all_xy, counts, displs, MPIU_REAL, 0, s->comm));
  PetscInt *all_nodes = NULL, unmatched = 0;
  PetscCall(PetscMalloc1(total / 2 + 1, &all_nodes));
  if (!rank) {
    SortedNode *sorted;
    PetscCall(PetscMalloc1(n_nodes + 1, &sorted));
    for (PetscInt n = 0; n < n_nodes; n++) {
      sorted[n].x = graph->coords[2 * n];
      sorted[n].y = graph->coords[2 * n + 1];
      sorted[n].node = n;
    }
    qsort(sorted, (size_t)n_nodes, sizeof *sorted, CompareX);
    for (PetscInt i = 0; i < total / 2; i++) {
      all_nodes[i] = FindNode(sorted, n_nodes, all_xy[2 * i], all_xy[2 * i + 1], tol);
      if (all_nodes[i] < 0) unmatched++;
    }
    PetscCall(PetscFree(sorted));
    for (PetscMPIInt r = 0; r < size; r++) counts[r] /= 2, displs[r] /= 2;
  }
  PetscCallMPI(MPI_Bcast(&unmatched, 1, MPIU_INT, 0, s->comm));
  PetscCall(PetscMalloc1(nmine + 1, &mine_nodes));
  PetscCallMPI(MPI_Scatterv(all_nodes, counts, displs, MPIU_INT, mine_nodes, (PetscMPIInt)nmine, MPIU_INT, 0, s->comm));
  for (PetscInt q = 0; q < pEnd; q++) s->point_node[q] = -1;
  for (PetscInt i = 0; i < nmine; i++) s->point_node[mine_points[i]] = mine_nodes[i];
  PetscCall(PetscFree(mine_nodes));
  PetscCall(PetscFree(all_nodes));
  PetscCall(PetscFree(all_xy));
  if (!rank) PetscCall(PetscFree2(counts, displs));
  PetscCall(PetscFree2(mine_points, mine_xy));
  PetscCheck(!unmatched, s->comm, PETSC_ERR_ARG_WRONG,
             "%d mesh nodes have no node of the graph at their position (a graph of another mesh?)", (int)unmatched);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetNodeGraph(FFSolver s, const FFNodeGraph *graph)
{
  PetscMPIInt rank, size;
  PetscInt n_nodes = 0, pStart, pEnd, nleaves, found = 0, gfound;
  const PetscInt *leaves;
  PetscSF sf, migration = NULL;

  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverSetNodeGraph"));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  if (!rank) {
    PetscCheck(graph, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "FFSolverSetNodeGraph: no graph on rank 0");
    n_nodes = graph->n_nodes;
  }
  PetscCallMPI(MPI_Bcast(&n_nodes, 1, MPIU_INT, 0, s->comm));
  PetscCall(DMPlexGetChart(s->dm, &pStart, &pEnd));
  PetscCheck(pStart == 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "charts starting at %d", (int)pStart);
  PetscCall(PetscFree2(s->point_node, s->point_owned));
  PetscCall(PetscMalloc2(pEnd + 1, &s->point_node, pEnd + 1, &s->point_owned));
  PetscCall(DMGetPointSF(s->dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  for (PetscInt q = 0; q < pEnd; q++) s->point_owned[q] = PETSC_TRUE;
  for (PetscInt i = 0; i < nleaves && nleaves > 0; i++) s->point_owned[leaves ? leaves[i] : i] = PETSC_FALSE;

  if (size > 1) PetscCall(FFMeshGetMigrationSF(s->mesh_dm, &migration));
  PetscCall(PetscInfo(s->dm, "fieldflow: node map %s\n",
                      size == 1 ? "by point" : (migration ? "by the migration SF" : "by node positions")));
  if (size == 1 || migration) {
    PetscInt *plex_point;
    PetscCall(PetscMalloc1(n_nodes + 1, &plex_point));
    if (!rank) PetscCall(PetscArraycpy(plex_point, graph->plex_point, n_nodes));
    PetscCallMPI(MPI_Bcast(plex_point, (PetscMPIInt)n_nodes, MPIU_INT, 0, s->comm));
    PetscCall(MatchByPoints(s, n_nodes, plex_point, pEnd, migration));
    PetscCall(PetscFree(plex_point));
  } else
    PetscCall(MatchByCoordinates(s, graph, n_nodes, pEnd));

  for (PetscInt q = 0; q < pEnd; q++)
    if (s->point_node[q] >= 0 && s->point_owned[q]) found++;
  PetscCall(MPIU_Allreduce(&found, &gfound, 1, MPIU_INT, MPI_SUM, s->comm));
  PetscCheck(gfound == n_nodes, s->comm, PETSC_ERR_ARG_WRONG,
             "the node graph has %d nodes but %d match points of the solver's mesh (a graph of another mesh?)",
             (int)n_nodes, (int)gfound);
  s->n_nodes = n_nodes;
  s->n_components = FFSolverNumComponents(s);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetNodeFieldLayout(FFSolver s, PetscInt *n_nodes, PetscInt *n_components)
{
  PetscFunctionBegin;
  PetscCheck(s->point_node, s->comm, PETSC_ERR_ORDER, "node fields need FFSolverSetNodeGraph first");
  if (n_nodes) *n_nodes = s->n_nodes;
  if (n_components) *n_components = s->n_components;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverNodeFieldToState(FFSolver s, const PetscReal field[], Vec u)
{
  PetscMPIInt rank;
  PetscReal *all;
  Vec local;
  PetscScalar *a;
  PetscSection sec;
  PetscInt pEnd;
  const size_t n = (size_t)s->n_nodes * (size_t)s->n_components;

  PetscFunctionBegin;
  PetscCall(FFSolverGetNodeFieldLayout(s, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(PetscMalloc1(n + 1, &all));
  if (!rank) PetscCall(PetscArraycpy(all, field, n));
  PetscCallMPI(MPI_Bcast(all, (PetscMPIInt)n, MPIU_REAL, 0, s->comm));
  PetscCall(DMGetLocalSection(s->dm, &sec));
  PetscCall(DMPlexGetChart(s->dm, NULL, &pEnd));
  PetscCall(DMGetLocalVector(s->dm, &local));
  PetscCall(VecZeroEntries(local));
  PetscCall(VecGetArray(local, &a));
  for (PetscInt q = 0; q < pEnd; q++) {
    const PetscInt node = s->point_node[q];
    if (node < 0) continue;
    for (PetscInt f = 0, col = 0; f < FFSolverNumFields(s); f++)
      for (PetscInt c = 0; c < FieldComponents(s, f); c++, col++) {
        PetscInt off;
        EntryKind kind = ENTRY_FREE;
        PetscCall(EntryInfo(s, sec, q, f, c, &off, &kind));
        if (kind != ENTRY_DERIVED) a[off] = all[node * s->n_components + col];
      }
  }
  PetscCall(VecRestoreArray(local, &a));
  PetscCall(DMLocalToGlobal(s->dm, local, INSERT_VALUES, u));
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

/* Gathers what each rank wrote for its owned points into the full array on rank 0. */
static PetscErrorCode GatherOnRankZero(FFSolver s, PetscReal *mine, PetscReal field[], size_t n)
{
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  if (size == 1)
    PetscCall(PetscArraycpy(field, mine, n));
  else
    PetscCallMPI(MPI_Reduce(mine, rank ? NULL : field, (PetscMPIInt)n, MPIU_REAL, MPI_SUM, 0, s->comm));
  PetscFunctionReturn(0);
}

/* Component c of field f at an edge from the mean of the edge's two vertices. */
static PetscErrorCode DerivedValue(FFSolver s, PetscSection sec, const PetscScalar *a, PetscInt edge, PetscInt f,
                                   PetscInt c, PetscReal *value)
{
  const PetscInt *cone;
  PetscInt ncone;

  PetscFunctionBegin;
  PetscCall(DMPlexGetConeSize(s->dm, edge, &ncone));
  PetscCall(DMPlexGetCone(s->dm, edge, &cone));
  *value = 0;
  for (PetscInt k = 0; k < ncone; k++) {
    PetscInt off;
    EntryKind kind = ENTRY_FREE;
    PetscCall(EntryInfo(s, sec, cone[k], f, c, &off, &kind));
    PetscCheck(kind != ENTRY_DERIVED, PETSC_COMM_SELF, PETSC_ERR_PLIB, "no vertex value for a derived entry");
    *value += PetscRealPart(a[off]) / ncone;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverLocalScalarToNodes(FFSolver s, DM sdm, Vec local, PetscReal nodes[])
{
  PetscReal *mine;
  PetscSection sec;
  const PetscScalar *a;
  PetscInt pEnd;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1((size_t)s->n_nodes + 1, &mine));
  PetscCall(DMGetLocalSection(sdm, &sec));
  PetscCall(DMPlexGetChart(sdm, NULL, &pEnd));
  PetscCall(VecGetArrayRead(local, &a));
  for (PetscInt q = 0; q < pEnd; q++) {
    PetscInt off, dof;
    if (s->point_node[q] < 0 || !s->point_owned[q]) continue;
    PetscCall(PetscSectionGetDof(sec, q, &dof));
    PetscCall(PetscSectionGetOffset(sec, q, &off));
    PetscCheck(dof == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "not a P2 scalar field");
    mine[s->point_node[q]] = PetscRealPart(a[off]);
  }
  PetscCall(VecRestoreArrayRead(local, &a));
  PetscCall(GatherOnRankZero(s, mine, nodes, (size_t)s->n_nodes));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverStateToNodeField(FFSolver s, Vec u, PetscReal field[])
{
  PetscReal *mine;
  Vec local;
  const PetscScalar *a;
  PetscSection sec;
  PetscInt pEnd;
  const size_t n = (size_t)s->n_nodes * (size_t)s->n_components;

  PetscFunctionBegin;
  PetscCall(FFSolverGetNodeFieldLayout(s, NULL, NULL));
  PetscCall(PetscCalloc1(n + 1, &mine));
  PetscCall(DMGetLocalSection(s->dm, &sec));
  PetscCall(DMPlexGetChart(s->dm, NULL, &pEnd));
  PetscCall(FFSolverGetLocalState(s, u, &local));
  PetscCall(VecGetArrayRead(local, &a));
  for (PetscInt q = 0; q < pEnd; q++) {
    const PetscInt node = s->point_node[q];
    if (node < 0 || !s->point_owned[q]) continue;
    for (PetscInt f = 0, col = 0; f < FFSolverNumFields(s); f++)
      for (PetscInt c = 0; c < FieldComponents(s, f); c++, col++) {
        PetscInt off;
        EntryKind kind = ENTRY_FREE;
        PetscReal *dst = &mine[node * s->n_components + col];
        PetscCall(EntryInfo(s, sec, q, f, c, &off, &kind));
        if (kind == ENTRY_DERIVED)
          PetscCall(DerivedValue(s, sec, a, q, f, c, dst));
        else
          *dst = PetscRealPart(a[off]);
      }
  }
  PetscCall(VecRestoreArrayRead(local, &a));
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(GatherOnRankZero(s, mine, field, n));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverNodeFieldLoss(FFSolver s, const PetscReal field[], PetscReal *loss, PetscReal *residual_norm,
                                     PetscReal grad[])
{
  Vec u, F, g, zero, bc_local, g_local;
  PetscReal *values, *mine, fnorm, mismatch = 0, gmismatch;
  const PetscScalar *bca, *ga;
  PetscSection sec;
  PetscInt pEnd;
  PetscMPIInt rank;
  const size_t n = (size_t)s->n_nodes * (size_t)s->n_components;

  PetscFunctionBegin;
  PetscCall(FFSolverGetNodeFieldLayout(s, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(FFSolverCreateState(s, &u));
  PetscCall(VecDuplicate(u, &F));
  PetscCall(VecDuplicate(u, &g));
  PetscCall(VecDuplicate(u, &zero));
  PetscCall(FFSolverNodeFieldToState(s, field, u));
  PetscCall(FFSolverComputeResidual(s, u, F));
  PetscCall(VecNorm(F, NORM_2, &fnorm));
  if (grad) {
    PetscCall(FFSolverComputeJacobian(s, u));
    PetscCall(FFSolverJacobianTransposeMult(s, F, g));
  }
  /* the node values every rank needs for the Dirichlet mismatch */
  PetscCall(PetscMalloc1(n + 1, &values));
  if (!rank) PetscCall(PetscArraycpy(values, field, n));
  PetscCallMPI(MPI_Bcast(values, (PetscMPIInt)n, MPIU_REAL, 0, s->comm));
  PetscCall(PetscCalloc1(n + 1, &mine));
  PetscCall(FFSolverGetLocalState(s, zero, &bc_local)); /* the boundary values g at the Dirichlet dofs */
  PetscCall(DMGetLocalVector(s->dm, &g_local));
  PetscCall(VecZeroEntries(g_local));
  if (grad) PetscCall(DMGlobalToLocal(s->dm, g, INSERT_VALUES, g_local));
  PetscCall(VecGetArrayRead(bc_local, &bca));
  PetscCall(VecGetArrayRead(g_local, &ga));
  PetscCall(DMGetLocalSection(s->dm, &sec));
  PetscCall(DMPlexGetChart(s->dm, NULL, &pEnd));
  for (PetscInt q = 0; q < pEnd; q++) {
    const PetscInt node = s->point_node[q];
    if (node < 0 || !s->point_owned[q]) continue;
    for (PetscInt f = 0, col = 0; f < FFSolverNumFields(s); f++)
      for (PetscInt c = 0; c < FieldComponents(s, f); c++, col++) {
        const PetscInt i = node * s->n_components + col;
        PetscInt off;
        EntryKind kind = ENTRY_FREE;
        PetscCall(EntryInfo(s, sec, q, f, c, &off, &kind));
        if (kind == ENTRY_DIRICHLET) {
          const PetscReal d = values[i] - PetscRealPart(bca[off]);
          mismatch += d * d;
          mine[i] = d;
        } else if (kind == ENTRY_FREE)
          mine[i] = PetscRealPart(ga[off]);
      }
  }
  PetscCall(VecRestoreArrayRead(g_local, &ga));
  PetscCall(VecRestoreArrayRead(bc_local, &bca));
  PetscCall(DMRestoreLocalVector(s->dm, &g_local));
  PetscCall(DMRestoreLocalVector(s->dm, &bc_local));
  PetscCall(MPIU_Allreduce(&mismatch, &gmismatch, 1, MPIU_REAL, MPIU_SUM, s->comm));
  if (grad) PetscCall(GatherOnRankZero(s, mine, grad, n));
  if (loss) *loss = 0.5 * fnorm * fnorm + 0.5 * gmismatch;
  if (residual_norm) *residual_norm = fnorm;
  PetscCall(PetscFree(mine));
  PetscCall(PetscFree(values));
  PetscCall(VecDestroy(&zero));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&u));
  PetscFunctionReturn(0);
}
