/* The surface pressure coefficient C_p = (p - p_ref) / (0.5 U_ref^2) at the vertices of a
 * body (pressure is P1, so the vertices carry all of it), gathered on every rank and ordered
 * by angle around the body's centroid: for an airfoil, from the trailing edge over the upper
 * side to the leading edge and back along the lower side. */
#include "solver_private.h"

#include <petscsf.h>
#include <stdlib.h>

typedef struct {
  PetscReal angle, x, y, cp;
} SurfacePoint;

static int CompareAngle(const void *a, const void *b)
{
  const SurfacePoint *p = (const SurfacePoint *)a, *q = (const SurfacePoint *)b;
  return (p->angle > q->angle) - (p->angle < q->angle);
}

/* Marks the vertices this rank owns on the group's faces; returns their count. */
static PetscErrorCode MarkOwnedVertices(DM dm, FFBoundary *bc, PetscBool *mark, PetscInt *count)
{
  PetscSF sf;
  PetscInt vStart, vEnd, nleaves, nf = 0;
  const PetscInt *leaves, *fp = NULL;
  IS faces;

  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMLabelGetStratumIS(bc->label, bc->value, &faces));
  if (faces) {
    PetscCall(ISGetLocalSize(faces, &nf));
    PetscCall(ISGetIndices(faces, &fp));
  }
  for (PetscInt i = 0; i < nf; i++) {
    PetscInt *closure = NULL, ncl;
    PetscCall(DMPlexGetTransitiveClosure(dm, fp[i], PETSC_TRUE, &ncl, &closure));
    for (PetscInt k = 0; k < ncl; k++)
      if (closure[2 * k] >= vStart && closure[2 * k] < vEnd) mark[closure[2 * k] - vStart] = PETSC_TRUE;
    PetscCall(DMPlexRestoreTransitiveClosure(dm, fp[i], PETSC_TRUE, &ncl, &closure));
  }
  if (faces) {
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCall(DMGetPointSF(dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  for (PetscInt i = 0; i < nleaves && nleaves > 0; i++) {
    const PetscInt p = leaves ? leaves[i] : i;
    if (p >= vStart && p < vEnd) mark[p - vStart] = PETSC_FALSE; /* a ghost: another rank owns it */
  }
  *count = 0;
  for (PetscInt v = 0; v < vEnd - vStart; v++) *count += mark[v];
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputePressureCoefficient(FFSolver s, const char body[], PetscInt *n, PetscReal **xy_cp)
{
  FFBoundary *bc = FFSolverFindGroup(s, body);
  PetscBool *mark;
  PetscInt vStart, vEnd, nlocal, k = 0;
  PetscReal *mine, *all;
  PetscMPIInt size, *counts, *displs, nmine;
  Vec local;
  PetscSection section;
  const PetscScalar *ua;

  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverComputePressureCoefficient"));
  PetscCheck(FFSolverIsFlow(s), s->comm, PETSC_ERR_ARG_WRONG, "C_p needs Navier-Stokes or RANS");
  PetscCheck(bc, s->comm, PETSC_ERR_ARG_WRONG, "body '%s': the mesh has no such boundary group", body);
  PetscCall(DMPlexGetDepthStratum(s->dm, 0, &vStart, &vEnd));
  PetscCall(PetscCalloc1(vEnd - vStart, &mark));
  PetscCall(MarkOwnedVertices(s->dm, bc, mark, &nlocal));
  PetscCall(PetscMalloc1(3 * nlocal + 1, &mine));
  PetscCall(FFSolverGetLocalState(s, s->u, &local));
  PetscCall(DMGetLocalSection(s->dm, &section));
  PetscCall(VecGetArrayRead(local, &ua));
  const PetscReal q = 0.5 * s->ref_velocity * s->ref_velocity;
  for (PetscInt v = vStart; v < vEnd; v++) {
    PetscInt off;
    PetscReal xv[2];
    if (!mark[v - vStart]) continue;
    PetscCall(PetscSectionGetFieldOffset(section, v, 1, &off));
    PetscCall(FFVertexCoordinates(s->dm, v, xv));
    mine[k++] = xv[0];
    mine[k++] = xv[1];
    mine[k++] = (PetscRealPart(ua[off]) - s->p_ref) / q;
  }
  PetscCall(VecRestoreArrayRead(local, &ua));
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(PetscFree(mark));

  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  nmine = (PetscMPIInt)(3 * nlocal);
  PetscCallMPI(MPI_Allgather(&nmine, 1, MPI_INT, counts, 1, MPI_INT, s->comm));
  PetscInt total = 0;
  for (PetscMPIInt r = 0; r < size; r++) {
    displs[r] = (PetscMPIInt)total;
    total += counts[r];
  }
  PetscCall(PetscMalloc1(total + 1, &all));
  PetscCallMPI(MPI_Allgatherv(mine, nmine, MPIU_REAL, all, counts, displs, MPIU_REAL, s->comm));
  PetscCall(PetscFree2(counts, displs));
  PetscCall(PetscFree(mine));

  const PetscInt np = total / 3;
  SurfacePoint *pts;
  PetscReal cx = 0, cy = 0;
  PetscCall(PetscMalloc1(np + 1, &pts));
  for (PetscInt i = 0; i < np; i++) cx += all[3 * i] / np, cy += all[3 * i + 1] / np;
  for (PetscInt i = 0; i < np; i++) {
    pts[i].x = all[3 * i];
    pts[i].y = all[3 * i + 1];
    pts[i].cp = all[3 * i + 2];
    pts[i].angle = PetscAtan2Real(pts[i].y - cy, pts[i].x - cx);
  }
  qsort(pts, (size_t)np, sizeof *pts, CompareAngle);
  for (PetscInt i = 0; i < np; i++) {
    all[3 * i] = pts[i].x;
    all[3 * i + 1] = pts[i].y;
    all[3 * i + 2] = pts[i].cp;
  }
  PetscCall(PetscFree(pts));
  *n = np;
  *xy_cp = all;
  PetscFunctionReturn(0);
}
