/* Vorticity dv/dx - du/dy of the P2 velocity at the P2 nodes. The gradient of a P2 field is
 * discontinuous across cells, so each node gets the mean over the cells around it (each
 * cell evaluates its gradient exactly at the node, through the cell's own, possibly curved,
 * geometry). */
#include "solver_private.h"

/* Per-node sums of the cells' vorticity and the number of cells, on a P2 scalar DM. */
static PetscErrorCode Accumulate(FFSolver s, DM sdm, Vec sum, Vec count)
{
  PetscDS ds;
  PetscFE fe;
  PetscTabulation T;
  PetscQuadrature quad;
  PetscSection ssec;
  PetscReal *weights, *points, J[6 * 4], invJ[6 * 4], detJ[6];
  PetscScalar *sa, *ca;
  PetscInt cStart, cEnd, Nb;
  Vec local;

  PetscFunctionBegin;
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetDiscretization(ds, 0, (PetscObject *)&fe));
  PetscCall(PetscFEGetDimension(fe, &Nb));
  PetscCall(PetscFECreateTabulation(fe, 1, 6, FFCellNodeReference, 1, &T));
  PetscCall(PetscQuadratureCreate(PETSC_COMM_SELF, &quad));
  PetscCall(PetscMalloc1(12, &points)); /* owned by the quadrature */
  PetscCall(PetscMalloc1(6, &weights));
  PetscCall(PetscArraycpy(points, FFCellNodeReference, 12));
  for (PetscInt p = 0; p < 6; p++) weights[p] = 1.0;
  PetscCall(PetscQuadratureSetData(quad, 2, 1, 6, points, weights));
  PetscCall(DMGetLocalSection(sdm, &ssec));
  PetscCall(VecGetArray(sum, &sa));
  PetscCall(VecGetArray(count, &ca));
  PetscCall(FFSolverGetLocalState(s, s->u, &local));
  PetscCall(DMPlexGetHeightStratum(s->dm, 0, &cStart, &cEnd));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscInt pts[6], n;
    PetscScalar *x = NULL;
    PetscCall(FFCellNodes(s->dm, c, pts));
    PetscCall(DMPlexComputeCellGeometryFEM(s->dm, c, quad, NULL, J, invJ, detJ));
    PetscCall(DMPlexVecGetClosure(s->dm, NULL, local, c, &n, &x));
    for (PetscInt p = 0; p < 6; p++) {
      PetscReal gref[2][2] = {{0, 0}, {0, 0}}, g[2][2] = {{0, 0}, {0, 0}};
      PetscInt off;
      for (PetscInt b = 0; b < Nb; b++)
        for (PetscInt comp = 0; comp < 2; comp++)
          for (PetscInt d = 0; d < 2; d++)
            gref[comp][d] += PetscRealPart(x[b]) * T->T[1][((p * Nb + b) * 2 + comp) * 2 + d];
      for (PetscInt comp = 0; comp < 2; comp++)
        for (PetscInt j = 0; j < 2; j++)
          for (PetscInt d = 0; d < 2; d++) g[comp][j] += gref[comp][d] * invJ[p * 4 + d * 2 + j];
      PetscCall(PetscSectionGetOffset(ssec, pts[p], &off));
      sa[off] += g[1][0] - g[0][1];
      ca[off] += 1.0;
    }
    PetscCall(DMPlexVecRestoreClosure(s->dm, NULL, local, c, &n, &x));
  }
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(VecRestoreArray(count, &ca));
  PetscCall(VecRestoreArray(sum, &sa));
  PetscCall(PetscQuadratureDestroy(&quad));
  PetscCall(PetscTabulationDestroy(&T));
  PetscFunctionReturn(0);
}

/* A scalar P2 clone of the solver DM (one dof per vertex and per edge). */
PetscErrorCode FFSolverCreateNodeScalarDM(FFSolver s, DM *sdm)
{
  PetscFE fe;

  PetscFunctionBegin;
  PetscCall(DMClone(s->dm, sdm));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, 1, PETSC_TRUE, 2, PETSC_DETERMINE, &fe));
  PetscCall(DMSetField(*sdm, 0, NULL, (PetscObject)fe));
  PetscCall(DMCreateDS(*sdm));
  PetscCall(PetscFEDestroy(&fe));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeVorticity(FFSolver s, PetscReal vorticity[])
{
  DM sdm;
  Vec sum, count, gsum, gcount;

  PetscFunctionBegin;
  PetscCall(FFSolverGetNodeFieldLayout(s, NULL, NULL));
  PetscCheck(FFSolverIsFlow(s), s->comm, PETSC_ERR_ARG_WRONG, "vorticity needs Navier-Stokes or RANS");
  PetscCall(FFSolverCreateNodeScalarDM(s, &sdm));
  PetscCall(DMCreateLocalVector(sdm, &sum));
  PetscCall(VecDuplicate(sum, &count));
  PetscCall(VecZeroEntries(sum));
  PetscCall(VecZeroEntries(count));
  PetscCall(Accumulate(s, sdm, sum, count));
  PetscCall(DMCreateGlobalVector(sdm, &gsum));
  PetscCall(VecDuplicate(gsum, &gcount));
  PetscCall(VecZeroEntries(gsum));
  PetscCall(VecZeroEntries(gcount));
  PetscCall(DMLocalToGlobal(sdm, sum, ADD_VALUES, gsum));
  PetscCall(DMLocalToGlobal(sdm, count, ADD_VALUES, gcount));
  PetscCall(VecPointwiseDivide(gsum, gsum, gcount));
  PetscCall(DMGlobalToLocal(sdm, gsum, INSERT_VALUES, sum));
  PetscCall(FFSolverLocalScalarToNodes(s, sdm, sum, vorticity));
  PetscCall(VecDestroy(&gcount));
  PetscCall(VecDestroy(&gsum));
  PetscCall(VecDestroy(&count));
  PetscCall(VecDestroy(&sum));
  PetscCall(DMDestroy(&sdm));
  PetscFunctionReturn(0);
}
