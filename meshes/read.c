/* Reading a Gmsh .msh into a DMPlex: one label per physical group (named after it), for
 * second-order meshes a continuous P2 coordinate field holding gmsh's curved nodes, and
 * counter-clockwise cells (orient.c).
 *
 * PETSc 3.18 reads a 6-node triangle mesh into a *discontinuous* P2 coordinate field (all
 * coordinates are cell dofs, vertices carry none: "XXX FIXME" in plexgmsh.c), which code
 * that reads vertex coordinates cannot use, and which DMProjectCoordinates cannot turn into
 * a continuous field (its interpolation sums shared dofs). So we evaluate the cellwise map
 * at the reference vertices and edge midpoints and store those in a continuous P2 field. */
#include "mesh_private.h"

#include <errno.h>
#include <string.h>

PetscErrorCode FFMeshFileVersion(const char *path, double *version, int *binary)
{
  PetscFunctionBegin;
  FILE *f = fopen(path, "rb");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open mesh file '%s': %s", path, strerror(errno));
  char line[256] = "", fmt[256] = "";
  char *ok = fgets(line, sizeof line, f);
  char *ok2 = ok ? fgets(fmt, sizeof fmt, f) : NULL;
  fclose(f);
  line[strcspn(line, "\r\n")] = '\0';
  PetscCheck(ok && !strcmp(line, "$MeshFormat"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "'%s' is not a Gmsh mesh file: it should start with $MeshFormat", path);
  int type = -1, size = 0;
  PetscCheck(ok2 && sscanf(fmt, "%lf %d %d", version, &type, &size) == 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "'%s' is not a Gmsh mesh file: unreadable format line after $MeshFormat", path);
  PetscCheck(*version >= 2.2 && *version < 4.15 && (int)*version != 3, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "mesh file '%s' has Gmsh format %g; fieldflow reads 2.2, 4.0 and 4.1 (gmsh -format msh41)", path,
             *version);
  *binary = type == 1;
  PetscFunctionReturn(0);
}

/* The number of cell dofs of the coordinate field: 0 for vertex coordinates. */
static PetscErrorCode CoordinateCellDofs(DM dm, PetscInt *ndof)
{
  DM cdm;
  PetscSection cs;
  PetscInt cStart, cEnd, pStart, pEnd;
  PetscFunctionBegin;
  *ndof = 0;
  PetscCall(DMGetCoordinateDM(dm, &cdm));
  PetscCall(DMGetLocalSection(cdm, &cs));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(PetscSectionGetChart(cs, &pStart, &pEnd));
  if (cEnd > cStart && cStart >= pStart && cStart < pEnd) PetscCall(PetscSectionGetDof(cs, cStart, ndof));
  PetscFunctionReturn(0);
}

/* Stores x at point p of the new coordinates; a point seen before must get the same x,
 * which checks our reading of PETSc's vertex order. Returns the mismatch. */
static PetscReal StorePoint(PetscSection s, PetscScalar *a, PetscBool *seen, PetscInt pStart, PetscInt p,
                            const PetscReal x[2])
{
  PetscInt off;
  PetscSectionGetOffset(s, p, &off);
  if (!seen[p - pStart]) {
    a[off] = x[0];
    a[off + 1] = x[1];
    seen[p - pStart] = PETSC_TRUE;
    return 0;
  }
  return PetscMax(PetscAbsReal(PetscRealPart(a[off]) - x[0]), PetscAbsReal(PetscRealPart(a[off + 1]) - x[1]));
}

/* Evaluates the cellwise P2 map of each cell at its vertices and edge midpoints, by a
 * tabulation of the coordinate element at those six reference points (one per mesh, not
 * DMPlexReferenceToCoordinates, which sorts the cell list on every call). */
static PetscErrorCode FillContinuousP2(DM dm, PetscSection s, Vec coords, PetscReal *mismatch)
{
  /* PETSc's reference triangle: v0 (-1,-1), v1 (1,-1), v2 (-1,1); closure vertices in order. */
  const PetscReal ref[12] = {-1, -1, 1, -1, -1, 1, 0, -1, 0, 0, -1, 0};
  const PetscInt edge_verts[3][2] = {{0, 1}, {1, 2}, {2, 0}};
  PetscInt cStart, cEnd, pStart, pEnd, vStart, vEnd, pdim, nc;
  DM cdm_old;
  Vec old;
  PetscFE fe;
  PetscTabulation T;
  PetscScalar *a;
  PetscBool *seen;
  PetscFunctionBegin;
  *mismatch = 0;
  PetscCall(DMGetCoordinateDM(dm, &cdm_old));
  PetscCall(DMGetCoordinatesLocal(dm, &old));
  PetscCall(DMGetField(cdm_old, 0, NULL, (PetscObject *)&fe));
  PetscCall(PetscFEGetDimension(fe, &pdim));
  PetscCall(PetscFEGetNumComponents(fe, &nc));
  PetscCheck(nc == 2, PETSC_COMM_SELF, PETSC_ERR_SUP, "coordinates with %d components", (int)nc);
  PetscCall(PetscFECreateTabulation(fe, 1, 6, ref, 0, &T));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMPlexGetChart(dm, &pStart, &pEnd));
  PetscCall(PetscCalloc1(pEnd - pStart, &seen));
  PetscCall(VecGetArray(coords, &a));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscReal x[12] = {0};
    PetscScalar *cell = NULL;
    PetscInt *closure = NULL, ncl, verts[3], nv = 0, csize;
    PetscCall(DMPlexVecGetClosure(cdm_old, NULL, old, c, &csize, &cell));
    for (PetscInt q = 0; q < 6; q++)
      for (PetscInt j = 0; j < pdim && j < csize; j++)
        for (PetscInt k = 0; k < 2; k++) x[2 * q + k] += T->T[0][(q * pdim + j) * 2 + k] * PetscRealPart(cell[j]);
    PetscCall(DMPlexVecRestoreClosure(cdm_old, NULL, old, c, &csize, &cell));
    PetscCall(DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    for (PetscInt i = 0; i < ncl; i++)
      if (closure[2 * i] >= vStart && closure[2 * i] < vEnd && nv < 3) verts[nv++] = closure[2 * i];
    PetscCall(DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    if (nv != 3) {
      PetscCall(VecRestoreArray(coords, &a));
      PetscCall(PetscFree(seen));
      PetscCall(PetscTabulationDestroy(&T));
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "cell %d is not a triangle", (int)c);
    }
    for (PetscInt k = 0; k < 3; k++)
      *mismatch = PetscMax(*mismatch, StorePoint(s, a, seen, pStart, verts[k], &x[2 * k]));
    for (PetscInt k = 0; k < 3; k++) {
      const PetscInt pair[2] = {verts[edge_verts[k][0]], verts[edge_verts[k][1]]};
      const PetscInt *join;
      PetscInt njoin;
      PetscCall(DMPlexGetJoin(dm, 2, pair, &njoin, &join));
      const PetscInt edge = njoin == 1 ? join[0] : -1;
      /* restored before any check: a work array left out makes the DM's destruction fail, and
       * the mesh that holds it leaked (found by bench/fuzz) */
      PetscCall(DMPlexRestoreJoin(dm, 2, pair, &njoin, &join));
      if (edge < 0) {
        PetscCall(VecRestoreArray(coords, &a));
        PetscCall(PetscFree(seen));
        PetscCall(PetscTabulationDestroy(&T));
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "cell %d: no edge between its vertices %d and %d", (int)c,
                (int)pair[0], (int)pair[1]);
      }
      *mismatch = PetscMax(*mismatch, StorePoint(s, a, seen, pStart, edge, &x[6 + 2 * k]));
    }
  }
  PetscCall(VecRestoreArray(coords, &a));
  PetscCall(PetscFree(seen));
  PetscCall(PetscTabulationDestroy(&T));
  PetscFunctionReturn(0);
}

/* Replaces the discontinuous P2 coordinates PETSc read by continuous P2 coordinates. */
static PetscErrorCode MakeCoordinatesContinuous(DM dm, const char *path)
{
  DM cdm_old, cdm;
  PetscFE fe;
  Vec coords;
  PetscSection s;
  PetscInt ndof;
  PetscReal mismatch, global;
  PetscFunctionBegin;
  PetscCall(CoordinateCellDofs(dm, &ndof));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ndof, 1, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)dm)));
  if (ndof == 0) PetscFunctionReturn(0); /* straight cells: vertex coordinates */
  PetscCheck(ndof == 12, PetscObjectComm((PetscObject)dm), PETSC_ERR_SUP,
             "cells of order > 2 (%d coordinate values per cell); fieldflow reads linear and quadratic triangles "
             "(gmsh -order 1 or 2)",
             (int)ndof);
  PetscCall(DMGetCoordinateDM(dm, &cdm_old));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, 2, 2, PETSC_TRUE, 2, PETSC_DETERMINE, &fe));
  PetscCall(DMClone(cdm_old, &cdm));
  PetscCall(DMSetField(cdm, 0, NULL, (PetscObject)fe));
  PetscCall(PetscFEDestroy(&fe));
  PetscCall(DMCreateDS(cdm));
  PetscCall(DMGetLocalSection(cdm, &s));
  PetscCall(DMCreateLocalVector(cdm, &coords));
  /* the new coordinates and their DM go also when the cells are refused (their leak found by
   * bench/fuzz) */
  PetscErrorCode ierr = FillContinuousP2(dm, s, coords, &mismatch);
  if (ierr) {
    PetscCall(VecDestroy(&coords));
    PetscCall(DMDestroy(&cdm));
    PetscCall(ierr);
  }
  PetscCallMPI(MPI_Allreduce(&mismatch, &global, 1, MPIU_REAL, MPI_MAX, PetscObjectComm((PetscObject)dm)));
  if (!(global < 1e-10)) { /* NaN too */
    PetscCall(VecDestroy(&coords));
    PetscCall(DMDestroy(&cdm));
    SETERRQ(PetscObjectComm((PetscObject)dm), PETSC_ERR_PLIB,
            "reading the curved cells of '%s': neighbouring cells disagree on a node position by %g", path,
            (double)global);
  }
  PetscCall(PetscObjectSetName((PetscObject)coords, "coordinates"));
  PetscCall(VecSetBlockSize(coords, 2));
  PetscCall(DMSetCoordinateField(dm, NULL));
  PetscCall(DMSetCoordinateDM(dm, cdm));
  PetscCall(DMSetCoordinatesLocal(dm, coords));
  PetscCall(VecDestroy(&coords));
  PetscCall(DMDestroy(&cdm));
  PetscFunctionReturn(0);
}

/* Quadrilaterals (or mixed meshes) are not what the solvers discretize. A triangle must have
 * three distinct vertices: an element that repeats a node gives a cell of two, on which PETSc
 * 3.18's DMPlexComputeCellGeometryFEM fails ("The number of coordinates for this triangle is 4")
 * with a work array of the coordinate DM still checked out, so that the DM could not be
 * destroyed and the mesh that held it leaked (found by bench/fuzz). */
static PetscErrorCode CheckTriangles(DM dm)
{
  PetscInt cStart, cEnd, vStart, vEnd, bad = -1, nbad = 3, any;
  PetscFunctionBegin;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  for (PetscInt c = cStart; c < cEnd && bad < 0; c++) {
    DMPolytopeType ct;
    PetscCall(DMPlexGetCellType(dm, c, &ct));
    if (ct != DM_POLYTOPE_TRIANGLE) bad = c;
  }
  any = bad >= 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)dm)));
  PetscCheck(!any, PetscObjectComm((PetscObject)dm), PETSC_ERR_SUP,
             "the mesh has cells that are not triangles; fieldflow reads triangle meshes");
  for (PetscInt c = cStart; c < cEnd && bad < 0; c++) {
    PetscInt *closure = NULL, ncl, nv = 0;
    PetscCall(DMPlexGetTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    for (PetscInt i = 0; i < ncl; i++) nv += closure[2 * i] >= vStart && closure[2 * i] < vEnd;
    PetscCall(DMPlexRestoreTransitiveClosure(dm, c, PETSC_TRUE, &ncl, &closure));
    if (nv != 3) bad = c, nbad = nv;
  }
  any = bad >= 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)dm)));
  PetscCheck(!any, PetscObjectComm((PetscObject)dm), PETSC_ERR_FILE_UNEXPECTED,
             "triangle %d of the mesh has %d distinct vertices, not 3 (an element that repeats a node)", (int)bad,
             (int)nbad);
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshReadGmsh(MPI_Comm comm, const char *path, DM *dm, PetscInt *n_reoriented)
{
  PetscMPIInt rank;
  int binary = 0;
  PetscViewer viewer;
  PetscOptions options;
  PetscInt dim;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    double version;
    PetscCall(FFMeshFileVersion(path, &version, &binary));
    if (!binary && version >= 4.1) PetscCall(FFMeshCheckMsh41(path));
  }
  PetscCallMPI(MPI_Bcast(&binary, 1, MPI_INT, 0, comm));
  /* Region labels come from an option; a private options database keeps it from leaking into
   * (or being overridden by) the user's options. Gmsh's $Periodic section is not read: PETSc
   * would identify the nodes it pairs, which glues the two halves of a mirrored NACA mesh
   * together (fieldflow has no periodic boundaries). */
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsSetValue(options, "-dm_plex_gmsh_use_regions", "true"));
  PetscCall(PetscOptionsSetValue(options, "-dm_plex_gmsh_periodic", "false"));
  PetscCall(PetscViewerCreate(comm, &viewer));
  PetscCall(PetscObjectSetOptions((PetscObject)viewer, options));
  PetscCall(PetscViewerSetType(viewer, binary ? PETSCVIEWERBINARY : PETSCVIEWERASCII));
  PetscCall(PetscViewerFileSetMode(viewer, FILE_MODE_READ));
  if (binary) PetscCall(PetscViewerBinarySetSkipInfo(viewer, PETSC_TRUE));
  PetscCall(PetscViewerFileSetName(viewer, path));
  FFErrorCapture cap;
  PetscCall(FFErrorCapturePush(&cap));
  PetscErrorCode ierr = DMPlexCreateGmsh(comm, viewer, PETSC_TRUE, dm);
  PetscCall(FFErrorCapturePop());
  /* the viewer and its options go also when the file is refused (found by bench/fuzz) */
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(PetscOptionsDestroy(&options));
  /* A DM that PETSc 3.18's reader failed to build may still have a work array checked out
   * ("Could not determine Plex facet": plexgmsh.c returns without restoring it), and then its
   * destruction fails too, which would leave the FFMesh that holds it undestroyable and
   * replace this error by "Work array still checked out" (found by bench/fuzz). It is dropped:
   * what it holds is PETSc's leak (tests/sanitizer/lsan.supp, DMPlexCreateGmsh). */
  if (ierr) *dm = NULL;
  PetscCheck(!ierr, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' is not a readable Gmsh file (malformed or truncated?): %s",
             path, cap.message);
  PetscCall(DMGetDimension(*dm, &dim));
  if (dim != 2) PetscCall(DMDestroy(dm));
  PetscCheck(dim >= 2, comm, PETSC_ERR_ARG_WRONG,
             "no fluid cells: fieldflow needs triangles in a named physical surface (gmsh saves only the elements "
             "of physical groups, so define a Physical Surface for the fluid)");
  PetscCheck(dim == 2, comm, PETSC_ERR_ARG_WRONG, "the mesh is %dD; fieldflow reads 2D triangle meshes", (int)dim);
  PetscCall(CheckTriangles(*dm));
  PetscCall(MakeCoordinatesContinuous(*dm, path));
  PetscCall(FFPlexOrientCells(*dm, n_reoriented)); /* after: it reorders cell closures */
  PetscCall(PetscObjectSetName((PetscObject)*dm, "mesh"));
  PetscFunctionReturn(0);
}
