/* The discretization: Taylor-Hood P2-P1 (Navier-Stokes) or Lagrange (K, p) (Darcy) on a
 * clone of the mesh's DM, boundary conditions, the Darcy auxiliary fields, SNES and the
 * Jacobian matrix. Curved (second-order) meshes need nothing extra: PetscFE maps the
 * quadrature through the DM's coordinate field. */
#include "solver_private.h"

#include <petscdmplex.h>

/* PetscFECreateLagrange's default quadrature would be a Stroud conical rule with (qorder + 1)^2
 * points; its 6th argument is not a degree of exactness (nor is PetscFECreateDefault's the
 * element degree, a known trap): hence the Xiao-Gimbutas rules set here. */
PetscErrorCode FFSolverCreateElement(FFSolver s, PetscInt nc, PetscInt degree, PetscInt exact, const char *name,
                                     PetscFE *fe)
{
  PetscQuadrature q, fq;

  PetscFunctionBegin;
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, nc, PETSC_TRUE, degree, PETSC_DETERMINE, fe));
  PetscCall(PetscDTSimplexQuadrature(s->dim, exact, PETSCDTSIMPLEXQUAD_DEFAULT, &q));
  PetscCall(PetscDTSimplexQuadrature(s->dim - 1, exact, PETSCDTSIMPLEXQUAD_DEFAULT, &fq));
  PetscCall(PetscFESetQuadrature(*fe, q));
  PetscCall(PetscFESetFaceQuadrature(*fe, fq));
  PetscCall(PetscQuadratureDestroy(&q));
  PetscCall(PetscQuadratureDestroy(&fq));
  PetscCall(PetscObjectSetName((PetscObject)*fe, name));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverUpdateConstants(FFSolver s, PetscReal value)
{
  PetscDS ds;
  PetscScalar c[FF_RANS_NUM_CONSTANTS];

  PetscFunctionBegin;
  PetscCall(DMGetDS(s->dm, &ds));
  if (FFSolverIsFlow(s)) {
    c[FF_NS_NU] = value;
    c[FF_NS_DRAG_X] = PetscCosReal(s->aoa_deg * PETSC_PI / 180.0);
    c[FF_NS_DRAG_Y] = PetscSinReal(s->aoa_deg * PETSC_PI / 180.0);
    if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansSetConstants(s, c));
    PetscCall(PetscDSSetConstants(ds, s->problem == FF_PROBLEM_RANS ? FF_RANS_NUM_CONSTANTS : FF_NS_NUM_CONSTANTS, c));
  } else {
    c[FF_DARCY_K_WEIGHT] = value;
    PetscCall(PetscDSSetConstants(ds, FF_DARCY_NUM_CONSTANTS, c));
  }
  PetscFunctionReturn(0);
}

/* The solver DM's own label for each group (DMClone copies labels). */
static PetscErrorCode ResolveLabels(FFSolver s)
{
  PetscFunctionBegin;
  for (PetscInt g = 0; g < s->n_groups; g++) {
    const char *name;
    DMLabel label;
    PetscCall(PetscObjectGetName((PetscObject)s->bc[g].label, &name));
    PetscCall(DMGetLabel(s->dm, name, &label));
    if (label) s->bc[g].label = label;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpNavierStokes(FFSolver s)
{
  PetscFE fe_u, fe_p;
  PetscDS ds;
  /* the convection term (u.grad u, v) has degree 3k - 1 on straight cells */
  const PetscInt q = s->quadrature_degree > 0 ? s->quadrature_degree : 3 * s->velocity_degree - 1;

  PetscFunctionBegin;
  PetscCall(FFSolverCreateElement(s, s->dim, s->velocity_degree, q, "velocity", &fe_u));
  PetscCall(FFSolverCreateElement(s, 1, s->pressure_degree, q, "pressure", &fe_p));
  PetscCall(PetscFECopyQuadrature(fe_u, fe_p));
  PetscCall(DMSetField(s->dm, 0, NULL, (PetscObject)fe_u));
  PetscCall(DMSetField(s->dm, 1, NULL, (PetscObject)fe_p));
  PetscCall(DMCreateDS(s->dm));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(FFNavierStokesSetPointwise(ds));
  PetscCall(FFSolverUpdateConstants(s, s->nu));
  PetscCall(PetscFEDestroy(&fe_u));
  PetscCall(PetscFEDestroy(&fe_p));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpDarcy(FFSolver s)
{
  PetscFE fe_k, fe_p;
  PetscDS ds;
  /* (f, q) with the P2 source: degree k + 2 */
  const PetscInt q = s->quadrature_degree > 0 ? s->quadrature_degree : s->darcy_degree + 2;

  PetscFunctionBegin;
  PetscCall(FFSolverCreateElement(s, 1, s->darcy_degree, q, "permeability", &fe_k));
  PetscCall(FFSolverCreateElement(s, 1, s->darcy_degree, q, "pressure", &fe_p));
  PetscCall(PetscFECopyQuadrature(fe_k, fe_p));
  PetscCall(DMSetField(s->dm, 0, NULL, (PetscObject)fe_k));
  PetscCall(DMSetField(s->dm, 1, NULL, (PetscObject)fe_p));
  PetscCall(DMCreateDS(s->dm));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(FFDarcySetPointwise(ds));
  PetscCall(FFSolverUpdateConstants(s, 1.0));
  PetscCall(PetscFEDestroy(&fe_k));
  PetscCall(PetscFEDestroy(&fe_p));
  PetscFunctionReturn(0);
}

/* The null space of the Jacobian when the pressure is fixed only up to a constant: the
 * constant on the pressure dofs, zero on the others. */
static PetscErrorCode CreatePressureNullSpace(FFSolver s)
{
  Vec v;
  IS is;
  PetscInt n;
  DM sub;

  PetscFunctionBegin;
  PetscCall(DMCreateGlobalVector(s->dm, &v));
  PetscCall(VecSet(v, 0.0));
  PetscCall(DMCreateSubDM(s->dm, 1, (PetscInt[]){1}, &is, &sub));
  PetscCall(ISGetSize(is, &n));
  PetscCall(VecISSet(v, is, 1.0 / PetscSqrtReal((PetscReal)n)));
  PetscCall(MatNullSpaceCreate(s->comm, PETSC_FALSE, 1, &v, &s->nullspace));
  PetscCall(ISDestroy(&is));
  PetscCall(DMDestroy(&sub));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* Newton with a backtracking line search and MUMPS LU by default; every -snes_/-ksp_/-pc_
 * option overrides it (docs/cases.md lists a fieldsplit alternative). */
static PetscErrorCode SetUpSNES(FFSolver s)
{
  KSP ksp;
  PC pc;

  PetscFunctionBegin;
  PetscCall(SNESCreate(s->comm, &s->snes));
  PetscCall(SNESSetOptionsPrefix(s->snes, s->prefix));
  PetscCall(SNESSetDM(s->snes, s->dm));
  PetscCall(DMPlexSetSNESLocalFEM(s->dm, s, s, s));
  PetscCall(SNESSetType(s->snes, SNESNEWTONLS));
  PetscCall(SNESSetTolerances(s->snes, 1e-12, 1e-10, 1e-12, 50, 10000));
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCLU));
  PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  PetscCall(DMCreateMatrix(s->dm, &s->J));
  if (s->nullspace) PetscCall(MatSetNullSpace(s->J, s->nullspace));
  PetscCall(SNESSetJacobian(s->snes, s->J, s->J, NULL, NULL));
  if (s->problem == FF_PROBLEM_RANS) { /* full pseudo-time steps: the continuation judges them (rans.c) */
    SNESLineSearch ls;
    PetscCall(SNESGetLineSearch(s->snes, &ls));
    PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
  }
  PetscCall(SNESSetFromOptions(s->snes));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeStream(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                 void *ctx)
{
  const PetscReal *v = (const PetscReal *)ctx;
  (void)dim, (void)time, (void)x;
  for (PetscInt c = 0; c < Nc; c++) u[c] = v[c];
  return 0;
}

static PetscErrorCode ZeroField(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                void *ctx)
{
  (void)dim, (void)time, (void)x, (void)ctx;
  for (PetscInt c = 0; c < Nc; c++) u[c] = 0;
  return 0;
}

/* The initial state: -initial's file, else the free stream where a group has one (an external
 * flow starts much closer to its solution than from rest), else zero. */
static PetscErrorCode InitialState(FFSolver s)
{
  PetscFunctionBegin;
  PetscCall(VecSet(s->u, 0.0));
  if (s->initial[0]) {
    PetscCall(FFSolverProjectInitialFile(s));
    PetscFunctionReturn(0);
  }
  if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansInitialState(s));
  if (s->problem != FF_PROBLEM_NAVIER_STOKES) PetscFunctionReturn(0);
  for (PetscInt g = 0; g < s->n_groups; g++) {
    if (s->bc[g].type != FF_BC_FREESTREAM) continue;
    PetscErrorCode (*fns[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {FreeStream,
                                                                                                         ZeroField};
    void *ctxs[2] = {s->bc[g].velocity, NULL};
    PetscCall(DMProjectFunction(s->dm, 0.0, fns, ctxs, INSERT_VALUES, s->u));
    break;
  }
  PetscFunctionReturn(0);
}

/* PETSc integrates with the signed Jacobian determinant, so a clockwise cell negates its share
 * of every integral. FFMesh turns clockwise cells over on read; a DM from FFSolverSetDM (or one
 * changed after FFMeshSetUp) must be oriented too: anything else is an error here. */
static PetscErrorCode CheckOrientation(FFSolver s)
{
  PetscInt n, first, total;
  PetscReal where[2] = {0, 0}, vol;
  PetscMPIInt rank, size, from;

  PetscFunctionBegin;
  PetscCall(FFPlexCountClockwise(s->dm, &n, &first));
  PetscCall(MPIU_Allreduce(&n, &total, 1, MPIU_INT, MPI_SUM, s->comm));
  if (!total) PetscFunctionReturn(0);
  /* where the first one is, from the lowest rank that has one */
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  if (first >= 0) PetscCall(DMPlexComputeCellGeometryFVM(s->dm, first, &vol, where, NULL));
  from = first >= 0 ? rank : size;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &from, 1, MPI_INT, MPI_MIN, s->comm));
  PetscCallMPI(MPI_Bcast(where, 2, MPIU_REAL, from, s->comm));
  SETERRQ(s->comm, PETSC_ERR_ARG_WRONG,
          "the mesh has %d clockwise cells (negative Jacobian determinant, e.g. near (%g, %g)): PETSc's integrals "
          "would change sign there. FFMesh orients cells on read; for a DM of your own call FFPlexOrientCells first",
          (int)total, (double)where[0], (double)where[1]);
}

PetscErrorCode FFSolverSetUp(FFSolver s)
{
  PetscFunctionBegin;
  if (s->setup) PetscFunctionReturn(0);
  PetscCheck(s->mesh_dm, s->comm, PETSC_ERR_ORDER, "FFSolverSetUp without a mesh (FFSolverSetMesh)");
  PetscCall(DMGetDimension(s->mesh_dm, &s->dim));
  PetscCheck(s->dim == 2, s->comm, PETSC_ERR_SUP, "the solvers are two-dimensional; the mesh has dimension %d",
             (int)s->dim);
  if (FFSolverIsFlow(s)) {
    PetscCheck(s->re > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "option -%sre: the Reynolds number must be > 0, got %.6g",
               s->prefix, (double)s->re);
    s->nu = s->ref_velocity * s->ref_length / s->re;
  }
  PetscCall(DMClone(s->mesh_dm, &s->dm));
  PetscCall(PetscObjectSetName((PetscObject)s->dm, "fieldflow"));
  PetscCall(ResolveLabels(s));
  PetscCall(CheckOrientation(s));
  if (s->problem == FF_PROBLEM_NAVIER_STOKES)
    PetscCall(SetUpNavierStokes(s));
  else if (s->problem == FF_PROBLEM_RANS)
    PetscCall(FFRansSetUpFields(s, s->quadrature_degree > 0 ? s->quadrature_degree : 3 * s->velocity_degree - 1));
  else
    PetscCall(SetUpDarcy(s));
  PetscCall(FFBoundaryAddToDM(s));
  if (s->has_nullspace) PetscCall(CreatePressureNullSpace(s));
  PetscCall(DMCreateGlobalVector(s->dm, &s->u));
  PetscCall(PetscObjectSetName((PetscObject)s->u, "state"));
  PetscCall(InitialState(s));
  if (s->problem == FF_PROBLEM_DARCY) {
    PetscCall(FFDarcySetUpAux(s));
    PetscCall(FFDarcyResetPermeability(s, s->u));
  }
  if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansSetUpAux(s));
  PetscCall(SetUpSNES(s));
  s->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}
