/* Cell orientation (FFPlexOrientCells, FFPlexCountClockwise): every FFMesh has
 * counter-clockwise cells. PETSc integrates with the signed Jacobian determinant of the cell
 * map, so a clockwise cell (a .msh may list a triangle's nodes either way; gmsh does so for a
 * surface whose normal points down) negates its share of every integral, and a mesh of mixed
 * orientation is a wrong discrete problem.
 *
 * A cell's orientation is the sign of its Jacobian determinant at the centroid, through the
 * coordinate field (curved cells included; FFMeshCheckCurvedCells then checks that it keeps its
 * sign in the whole cell). A clockwise cell is turned over with DMPlexOrientPoint and a
 * reflection of the triangle (orientation -2: the cone edges in reverse order, each reversed,
 * so the closure vertices v0 v1 v2 become v0 v2 v1). That only rearranges the cell's cone:
 * vertices, edges, labels and a coordinate field on vertices and edges (P1, or fieldflow's
 * continuous P2) are untouched. So it runs after the P2 coordinates are made continuous: PETSc's
 * discontinuous P2 coordinates hold the nodes in the cell's closure order, which it changes.
 * (Reversing the cells before interpolation is not open to us: DMPlexCreateGmsh reads and
 * interpolates in one call.) */
#include "mesh_private.h"

/* Determinant of the cell map's Jacobian at the reference centroid of the cell. */
static PetscErrorCode CentroidJacobian(DM dm, PetscInt c, PetscQuadrature centroid, PetscReal *detJ)
{
  PetscReal v0[2], J[4];
  PetscFunctionBegin;
  PetscCall(DMPlexComputeCellGeometryFEM(dm, c, centroid, v0, J, NULL, detJ));
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateCentroidQuadrature(PetscQuadrature *q)
{
  PetscReal *x, *w;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2, &x));
  PetscCall(PetscMalloc1(1, &w));
  x[0] = x[1] = -1.0 / 3.0, w[0] = 2; /* PETSc's reference triangle (-1,-1) (1,-1) (-1,1) */
  PetscCall(PetscQuadratureCreate(PETSC_COMM_SELF, q));
  PetscCall(PetscQuadratureSetData(*q, 2, 1, 1, x, w));
  PetscFunctionReturn(0);
}

/* Coordinates on vertices (and edges), not per cell: those stay valid when a cone is reordered. */
static PetscErrorCode CheckPointCoordinates(DM dm)
{
  DM cdm;
  PetscSection cs;
  Vec cell_coords;
  PetscInt cStart, cEnd, pStart, pEnd, dof = 0;
  PetscFunctionBegin;
  PetscCall(DMGetCellCoordinatesLocalNoncollective(dm, &cell_coords));
  PetscCall(DMGetCoordinateDM(dm, &cdm));
  PetscCall(DMGetLocalSection(cdm, &cs));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(PetscSectionGetChart(cs, &pStart, &pEnd));
  if (cEnd > cStart && cStart >= pStart && cStart < pEnd) PetscCall(PetscSectionGetDof(cs, cStart, &dof));
  PetscCheck(!cell_coords && dof == 0, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "reorienting cells needs coordinates on the vertices (and edges), not per cell (periodic or "
             "discontinuous high-order coordinates)");
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlexCountClockwise(DM dm, PetscInt *n_clockwise, PetscInt *first)
{
  PetscInt cStart, cEnd;
  PetscQuadrature q;
  PetscFunctionBegin;
  *n_clockwise = 0;
  if (first) *first = -1;
  PetscCall(CreateCentroidQuadrature(&q));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscReal detJ;
    PetscErrorCode ierr = CentroidJacobian(dm, c, q, &detJ);
    if (ierr) { /* the quadrature goes too (its leak found by bench/fuzz) */
      PetscCall(PetscQuadratureDestroy(&q));
      PetscCall(ierr);
    }
    if (detJ >= 0) continue;
    if (first && *first < 0) *first = c;
    (*n_clockwise)++;
  }
  PetscCall(PetscQuadratureDestroy(&q));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlexOrientCells(DM dm, PetscInt *n_flipped)
{
  PetscInt cStart, cEnd, n = 0, left;
  PetscQuadrature q;
  PetscFunctionBegin;
  PetscCall(CheckPointCoordinates(dm));
  PetscCall(CreateCentroidQuadrature(&q));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscReal detJ;
    PetscErrorCode ierr = CentroidJacobian(dm, c, q, &detJ);
    if (!ierr && detJ < 0) {
      ierr = DMPlexOrientPoint(dm, c, -2);
      n++;
    }
    if (ierr) { /* the quadrature goes too (its leak found by bench/fuzz) */
      PetscCall(PetscQuadratureDestroy(&q));
      PetscCall(ierr);
    }
  }
  PetscCall(PetscQuadratureDestroy(&q));
  /* the reflection must have turned every one of them over */
  PetscCall(FFPlexCountClockwise(dm, &left, NULL));
  PetscCheck(left == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "%d of %d clockwise cells are still clockwise after reorienting", (int)left, (int)n);
  if (n) PetscCall(PetscInfo(dm, "fieldflow: %d clockwise cells reoriented\n", (int)n));
  if (n_flipped) *n_flipped = n;
  PetscFunctionReturn(0);
}
