/* Forces on a body by the volume integral with a cut-off function, the fields at points,
 * and the surface pressure coefficient.
 *
 * Forces: for the body's test function v = e phi, phi = 1 at every P2 node on the body and
 * 0 at all other nodes, the discrete momentum residual is the reaction force:
 *   F.e = -[ (u.grad u, e phi) + (nu grad u, grad(e phi)) - (p, div(e phi)) ]
 * (docs/references.md §5; John 2004). It converges faster than the surface integral of the stress
 * and avoids DMPlexComputeBdIntegral, which is broken for multi-field problems in 3.18.5.
 *
 * Points: located on every rank by reference coordinates (tolerant, so points on the
 * boundary such as the DFG pressure probes on the cylinder are found), the owner chosen by
 * MPI_MINLOC. DMInterpolation of 3.18.5 is not used: it mis-assigns cells to points found
 * on several ranks and rejects points on the domain boundary. */
#include "solver_private.h"

#include <petscsf.h>
#include <string.h>

static PetscErrorCode FindBody(FFSolver s, const char body[], FFBoundary **bc)
{
  PetscFunctionBegin;
  PetscCheck(body && body[0], s->comm, PETSC_ERR_ARG_WRONG, "no body given for the forces (option -forces_body)");
  *bc = FFSolverFindGroup(s, body);
  if (!*bc) {
    char groups[FF_MAX_GROUPS * (FF_NAME_LEN + 2)] = "";
    for (PetscInt g = 0; g < s->n_groups; g++) {
      if (g) PetscCall(PetscStrlcat(groups, ", ", sizeof groups));
      PetscCall(PetscStrlcat(groups, s->bc[g].name, sizeof groups));
    }
    SETERRQ(s->comm, PETSC_ERR_ARG_WRONG, "body '%s': the mesh has no such boundary group (groups: %s)", body, groups);
  }
  PetscFunctionReturn(0);
}

/* phi as a local vector on a P2 scalar clone of the solver DM: 1 on the body's closure. */
static PetscErrorCode CreateCutoff(FFSolver s, FFBoundary *bc, DM *dm_phi, Vec *phi)
{
  PetscFE fe, fe_u;
  PetscDS ds;
  PetscSection section;
  IS faces;
  PetscInt nf = 0;
  const PetscInt *fp = NULL;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMClone(s->dm, dm_phi));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetDiscretization(ds, 0, (PetscObject *)&fe_u));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, 1, PETSC_TRUE, s->velocity_degree, PETSC_DETERMINE, &fe));
  PetscCall(PetscFECopyQuadrature(fe_u, fe));
  PetscCall(DMSetField(*dm_phi, 0, NULL, (PetscObject)fe));
  PetscCall(DMCreateDS(*dm_phi));
  PetscCall(PetscFEDestroy(&fe));
  PetscCall(DMCreateLocalVector(*dm_phi, phi));
  PetscCall(VecSet(*phi, 0.0));
  PetscCall(DMGetLocalSection(*dm_phi, &section));
  PetscCall(VecGetArray(*phi, &a));
  PetscCall(DMLabelGetStratumIS(bc->label, bc->value, &faces));
  if (faces) {
    PetscCall(ISGetLocalSize(faces, &nf));
    PetscCall(ISGetIndices(faces, &fp));
  }
  for (PetscInt i = 0; i < nf; i++) {
    PetscInt *closure = NULL, ncl;
    PetscCall(DMPlexGetTransitiveClosure(*dm_phi, fp[i], PETSC_TRUE, &ncl, &closure));
    for (PetscInt k = 0; k < ncl; k++) {
      PetscInt dof, off;
      PetscCall(PetscSectionGetDof(section, closure[2 * k], &dof));
      PetscCall(PetscSectionGetOffset(section, closure[2 * k], &off));
      for (PetscInt d = 0; d < dof; d++) a[off + d] = 1.0;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(*dm_phi, fp[i], PETSC_TRUE, &ncl, &closure));
  }
  if (faces) {
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCall(VecRestoreArray(*phi, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeForces(FFSolver s, const char body[], FFForces *forces)
{
  FFBoundary *bc;
  DM dm_phi;
  Vec phi;
  PetscDS ds;
  PetscScalar integral[3];

  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverComputeForces"));
  PetscCheck(FFSolverIsFlow(s), s->comm, PETSC_ERR_ARG_WRONG, "forces need the Navier-Stokes or RANS problem");
  PetscCall(FindBody(s, body, &bc));
  if (s->problem == FF_PROBLEM_RANS)
    PetscCall(FFRansIntegrateForces(s, bc->label, bc->value, integral));
  else {
    PetscCall(CreateCutoff(s, bc, &dm_phi, &phi));
    PetscCall(DMGetDS(s->dm, &ds));
    PetscCall(FFNavierStokesSetForceObjectives(ds));
    PetscCall(DMSetAuxiliaryVec(s->dm, NULL, 0, 0, phi));
    PetscCall(FFSolverIntegrate(s, s->u, integral));
    PetscCall(DMSetAuxiliaryVec(s->dm, NULL, 0, 0, NULL));
    PetscCall(VecDestroy(&phi));
    PetscCall(DMDestroy(&dm_phi));
  }
  const PetscReal scale = 2.0 / (s->density * s->ref_velocity * s->ref_velocity * s->ref_length);
  forces->drag = s->density * PetscRealPart(integral[0]);
  forces->lift = s->density * PetscRealPart(integral[1]);
  forces->cd = scale * forces->drag;
  forces->cl = scale * forces->lift;
  PetscFunctionReturn(0);
}

/* How far the reference point xi lies outside the reference triangle (-1,-1),(1,-1),(-1,1). */
static PetscReal OutsideReference(const PetscReal xi[2])
{
  return PetscMax(PetscMax(-1.0 - xi[0], -1.0 - xi[1]), PetscMax(xi[0] + xi[1], 0.0));
}

/* The local cell containing x (or nearest to containing it) and its reference point. */
static PetscErrorCode LocatePoint(FFSolver s, const PetscReal x[2], PetscInt *cell, PetscReal xi[2], PetscReal *out)
{
  PetscInt cStart, cEnd;
  DM cdm;
  Vec coords;
  const PetscScalar *xa;

  PetscFunctionBegin;
  *cell = -1;
  *out = PETSC_MAX_REAL;
  PetscCall(DMPlexGetHeightStratum(s->dm, 0, &cStart, &cEnd));
  PetscCall(DMGetCoordinateDM(s->dm, &cdm));
  PetscCall(DMGetCoordinatesLocal(s->dm, &coords));
  PetscCall(VecGetArrayRead(coords, &xa));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscScalar *cc = NULL;
    PetscInt n;
    PetscReal lo[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, hi[2] = {PETSC_MIN_REAL, PETSC_MIN_REAL}, ref[2], o;
    PetscCall(DMPlexVecGetClosure(cdm, NULL, coords, c, &n, &cc));
    for (PetscInt k = 0; k < n / 2; k++)
      for (PetscInt d = 0; d < 2; d++) {
        lo[d] = PetscMin(lo[d], PetscRealPart(cc[2 * k + d]));
        hi[d] = PetscMax(hi[d], PetscRealPart(cc[2 * k + d]));
      }
    PetscCall(DMPlexVecRestoreClosure(cdm, NULL, coords, c, &n, &cc));
    const PetscReal m = 0.05 * PetscMax(hi[0] - lo[0], hi[1] - lo[1]); /* curved edges bulge a little */
    if (x[0] < lo[0] - m || x[0] > hi[0] + m || x[1] < lo[1] - m || x[1] > hi[1] + m) continue;
    PetscCall(DMPlexCoordinatesToReference(s->dm, c, 1, x, ref));
    o = OutsideReference(ref);
    if (o < *out) {
      *out = o;
      *cell = c;
      xi[0] = ref[0];
      xi[1] = ref[1];
    }
  }
  PetscCall(VecRestoreArrayRead(coords, &xa));
  PetscFunctionReturn(0);
}

/* The fields of the local state at reference point xi of a cell. */
static PetscErrorCode EvaluateInCell(FFSolver s, Vec local, PetscInt cell, const PetscReal xi[2], PetscReal values[])
{
  PetscDS ds;
  PetscInt nf, off = 0, comp = 0, n;
  PetscScalar *x = NULL;

  PetscFunctionBegin;
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetNumFields(ds, &nf));
  PetscCall(DMPlexVecGetClosure(s->dm, NULL, local, cell, &n, &x));
  for (PetscInt f = 0; f < nf; f++) {
    PetscFE fe;
    PetscTabulation T;
    PetscCall(PetscDSGetDiscretization(ds, f, (PetscObject *)&fe));
    PetscCall(PetscFECreateTabulation(fe, 1, 1, xi, 0, &T));
    for (PetscInt c = 0; c < T->Nc; c++) {
      PetscReal v = 0;
      for (PetscInt b = 0; b < T->Nb; b++) v += PetscRealPart(x[off + b]) * T->T[0][b * T->Nc + c];
      values[comp + c] = v;
    }
    off += T->Nb;
    comp += T->Nc;
    PetscCall(PetscTabulationDestroy(&T));
  }
  PetscCall(DMPlexVecRestoreClosure(s->dm, NULL, local, cell, &n, &x));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverEvaluate(FFSolver s, PetscInt n, const PetscReal xy[], PetscReal values[])
{
  Vec local;
  PetscMPIInt rank;
  const PetscInt nc = FFSolverNumComponents(s);

  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "FFSolverEvaluate"));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(FFSolverGetLocalState(s, s->u, &local));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt cell;
    PetscReal xi[2];
    struct {
      double out;
      int rank;
    } mine, best;
    PetscCall(LocatePoint(s, &xy[2 * i], &cell, xi, &mine.out));
    mine.rank = rank;
    PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE_INT, MPI_MINLOC, s->comm));
    PetscCheck(best.out < 1e-6, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "point (%.6g, %.6g) is outside the mesh",
               (double)xy[2 * i], (double)xy[2 * i + 1]);
    if (best.rank == rank) PetscCall(EvaluateInCell(s, local, cell, xi, &values[nc * i]));
    PetscCallMPI(MPI_Bcast(&values[nc * i], (PetscMPIInt)nc, MPIU_REAL, best.rank, s->comm));
  }
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscFunctionReturn(0);
}
