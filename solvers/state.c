/* Small helpers on states shared by the solver files: local vectors with the Dirichlet
 * values, domain integrals, the pressure constant, point centroids. */
#include "solver_private.h"

PetscErrorCode FFSolverGetLocalState(FFSolver s, Vec u, Vec *local)
{
  PetscFunctionBegin;
  PetscCall(DMGetLocalVector(s->dm, local));
  PetscCall(VecZeroEntries(*local));
  /* Dirichlet dofs are not in the global vector: insert them first, G2L leaves them alone */
  PetscCall(DMPlexInsertBoundaryValues(s->dm, PETSC_TRUE, *local, 0.0, NULL, NULL, NULL));
  PetscCall(DMGlobalToLocal(s->dm, u, INSERT_VALUES, *local));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverIntegrate(FFSolver s, Vec u, PetscScalar integral[])
{
  PetscFunctionBegin;
  PetscCall(DMPlexComputeIntegralFEM(s->dm, u, integral, s));
  PetscFunctionReturn(0);
}

/* Adds a constant to the entries of a vector listed in an IS (VecISShift is newer than 3.18). */
PetscErrorCode FFVecISShift(Vec v, IS is, PetscScalar shift)
{
  Vec sub;

  PetscFunctionBegin;
  PetscCall(VecGetSubVector(v, is, &sub));
  PetscCall(VecShift(sub, shift));
  PetscCall(VecRestoreSubVector(v, is, &sub));
  PetscFunctionReturn(0);
}

/* Shifts the pressure to zero mean (used when only the gradient of p is determined). */
PetscErrorCode FFSolverRemoveMeanPressure(FFSolver s, Vec u)
{
  PetscDS ds;
  PetscScalar integral[3];
  IS is;

  PetscFunctionBegin;
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(FFSetMeanObjectives(ds));
  PetscCall(FFSolverIntegrate(s, u, integral));
  PetscCall(DMCreateSubDM(s->dm, 1, (PetscInt[]){1}, &is, NULL));
  PetscCall(FFVecISShift(u, is, -PetscRealPart(integral[1]) / PetscRealPart(integral[0])));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

/* The physical position of a vertex, whatever the coordinate layout: Gmsh's second-order
 * simplex meshes come with discontinuous (per-cell) P2 coordinates, so vertices carry no
 * coordinate dofs. The vertex is the k-th corner of the reference triangle of a cell that
 * contains it, k its position among the cell's closure vertices. */
PetscErrorCode FFVertexCoordinates(DM dm, PetscInt v, PetscReal x[2])
{
  const PetscReal corners[3][2] = {{-1, -1}, {1, -1}, {-1, 1}};
  PetscInt *star = NULL, nstar, cStart, cEnd, vStart, vEnd, cell = -1, k = 0;
  PetscInt *closure = NULL, ncl;

  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetTransitiveClosure(dm, v, PETSC_FALSE, &nstar, &star));
  for (PetscInt i = 0; i < nstar && cell < 0; i++)
    if (star[2 * i] >= cStart && star[2 * i] < cEnd) cell = star[2 * i];
  PetscCall(DMPlexRestoreTransitiveClosure(dm, v, PETSC_FALSE, &nstar, &star));
  PetscCheck(cell >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "vertex %d is in no cell", (int)v);
  PetscCall(DMPlexGetTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &closure));
  for (PetscInt i = 0, j = 0; i < ncl; i++) {
    const PetscInt p = closure[2 * i];
    if (p < vStart || p >= vEnd) continue;
    if (p == v) k = j;
    j++;
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &closure));
  PetscCall(DMPlexReferenceToCoordinates(dm, cell, 1, corners[k], x));
  PetscFunctionReturn(0);
}

/* The P2 nodes of a triangle at fixed reference points: the corners, then the midpoints of
 * the edges (0,1), (1,2), (2,0). */
const PetscReal FFCellNodeReference[12] = {-1, -1, 1, -1, -1, 1, 0, -1, 0, 0, -1, 0};

PetscErrorCode FFCellNodes(DM dm, PetscInt cell, PetscInt points[6])
{
  const PetscInt pair[3][2] = {{0, 1}, {1, 2}, {2, 0}};
  PetscInt *closure = NULL, ncl, vStart, vEnd, eStart, eEnd, nv = 0, ne = 0, edges[3];

  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 1, &eStart, &eEnd));
  PetscCall(DMPlexGetTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &closure));
  for (PetscInt i = 0; i < ncl; i++) {
    const PetscInt p = closure[2 * i];
    if (p >= vStart && p < vEnd && nv < 3)
      points[nv++] = p; /* the k-th closure vertex is corner k */
    else if (p >= eStart && p < eEnd && ne < 3)
      edges[ne++] = p;
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, cell, PETSC_TRUE, &ncl, &closure));
  PetscCheck(nv == 3 && ne == 3, PETSC_COMM_SELF, PETSC_ERR_SUP, "cell %d is not a triangle", (int)cell);
  for (PetscInt k = 0; k < 3; k++) {
    points[3 + k] = -1;
    for (PetscInt e = 0; e < 3; e++) {
      const PetscInt *cone;
      PetscCall(DMPlexGetCone(dm, edges[e], &cone));
      if ((cone[0] == points[pair[k][0]] && cone[1] == points[pair[k][1]]) ||
          (cone[1] == points[pair[k][0]] && cone[0] == points[pair[k][1]]))
        points[3 + k] = edges[e];
    }
    PetscCheck(points[3 + k] >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "cell %d: no edge between its corners", (int)cell);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCellNodeCoordinates(DM dm, PetscInt cell, PetscInt points[6], PetscReal xy[12])
{
  PetscFunctionBegin;
  PetscCall(FFCellNodes(dm, cell, points));
  PetscCall(DMPlexReferenceToCoordinates(dm, cell, 6, FFCellNodeReference, xy));
  PetscFunctionReturn(0);
}

/* A point inside a cell (the image of the reference centroid), or the mean of the vertices
 * of an edge or vertex. */
PetscErrorCode FFPointCentroid(DM dm, PetscInt point, PetscReal centroid[2])
{
  PetscInt cStart, cEnd, vStart, vEnd, *closure = NULL, ncl, nv = 0;

  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  if (point >= cStart && point < cEnd) {
    const PetscReal ref[2] = {-1.0 / 3.0, -1.0 / 3.0};
    PetscCall(DMPlexReferenceToCoordinates(dm, point, 1, ref, centroid));
    PetscFunctionReturn(0);
  }
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  centroid[0] = centroid[1] = 0;
  PetscCall(DMPlexGetTransitiveClosure(dm, point, PETSC_TRUE, &ncl, &closure));
  for (PetscInt k = 0; k < ncl; k++) {
    const PetscInt v = closure[2 * k];
    PetscReal xv[2];
    if (v < vStart || v >= vEnd) continue;
    PetscCall(FFVertexCoordinates(dm, v, xv));
    centroid[0] += xv[0];
    centroid[1] += xv[1];
    nv++;
  }
  PetscCall(DMPlexRestoreTransitiveClosure(dm, point, PETSC_TRUE, &ncl, &closure));
  if (nv) centroid[0] /= nv, centroid[1] /= nv;
  PetscFunctionReturn(0);
}
