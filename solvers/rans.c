/* RANS with the SA-neg model (docs/references.md §10): the discretization (P2 velocity, P1
 * pressure, P2 nu tilde), the auxiliary fields its kernels read (wall distance, cell metric,
 * the previous pseudo-time state), the boundary conditions of nu tilde, and the solve:
 * pseudo-transient continuation from the free stream with a local, CFL-ramped implicit
 * pseudo time step (switched evolution relaxation: the CFL number grows as the steady
 * residual falls), then Newton on the steady equations. A continuation that stalls or
 * diverges stops with the reason and its residual history (FFSolverGetFailureReason,
 * FFSolverGetResidualHistory); nothing is written from it. */
#include "solver_private.h"

#include <petscdmplex.h>
#include <string.h>

struct _n_FFRans {
  PetscReal nt_farfield_ratio;       /* -rans_nu_tilde_farfield: nu tilde of the free stream / nu */
  PetscReal nt_initial_ratio;        /* -rans_nu_tilde_initial: nu tilde of the initial state / nu (< 0: farfield) */
  PetscReal grad_div;                /* -rans_grad_div: grad-div coefficient in units of U_ref L_ref */
  PetscReal grad_div_viscous;        /* -rans_grad_div_viscous: its floor, in units of nu + nu_t */
  FFRansGradDivScale grad_div_scale; /* -rans_grad_div_scale */
  PetscBool constant_start; /* -rans_constant_start: a per-cell scale starts from the constant one's solution */
  PetscReal cfl_initial, cfl_max, cfl_min, cfl_growth, reject_factor;
  PetscReal cfl_growth_rising; /* -rans_cfl_growth_rising: after a step that raised ||F|| (< 0: sqrt(cfl_growth)) */
  PetscReal first_cfl_growth_rising; /* -rans_first_cfl_growth_rising: the same in the constant stage (< 0: as above) */
  PetscReal first_reject_factor;     /* -rans_first_reject_factor: reject_factor of the constant-coefficient stage */
  PetscInt max_steps, newton_max_it;
  PetscReal rtol, switch_rtol;
  PetscBool monitor;
  PetscReal inv_cfl; /* of the pseudo-time term; 0: the steady residual */
  PetscReal nt_far;  /* nu tilde of the free stream (boundary value) */
  DM aux_dm; /* wall distance (P2), cell metric (P0, 3), previous u (P2) and nu tilde (P2), the forces' cut-off (P2) */
  Vec aux;   /* local */
  PetscInt n_hist, cap_hist;
  PetscReal *hist_res, *hist_cfl;
  char reason[1024];
  /* what a solve reports: C_f at points of the forces body */
  PetscInt n_cf_probes;
  PetscReal cf_probe[4][2];
  PetscReal ref_cf;
  PetscBool has_ref_cf;
};

/* nu tilde / nu of the initial state: -rans_nu_tilde_initial, else the free stream's */
static PetscReal StartRatio(FFRans r) { return r->nt_initial_ratio >= 0 ? r->nt_initial_ratio : r->nt_farfield_ratio; }

PetscErrorCode FFRansCreate(FFSolver s)
{
  FFRans r;

  PetscFunctionBegin;
  if (s->rans) PetscFunctionReturn(0);
  PetscCall(PetscNew(&r));
  r->nt_farfield_ratio = 3.0; /* TMR: nu tilde = 3 nu in the free stream (docs/references.md §9) */
  r->nt_initial_ratio = -1;
  r->grad_div = 1.0;
  r->grad_div_scale = FF_RANS_GRAD_DIV_HMIN; /* docs/validation.md */
  r->constant_start = PETSC_TRUE;
  /* level 0's gamma U h_min in the plate's first cells; the same on every mesh (docs/validation.md §9) */
  r->grad_div_viscous = 50;
  r->cfl_initial = 1.0;
  r->cfl_max = 1e5;
  r->cfl_min = 1e-3;
  r->cfl_growth = 2.0;
  r->cfl_growth_rising = -1;
  r->first_cfl_growth_rising = -1;
  r->reject_factor = 3.0;
  r->first_reject_factor = 3.0;
  r->max_steps = 300;
  r->newton_max_it = 15;
  r->rtol = 1e-9;
  r->switch_rtol = 0; /* off: an impulsive start's ||F|| is no scale to measure against */
  s->rans = r;
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansDestroy(FFSolver s)
{
  FFRans r = s->rans;

  PetscFunctionBegin;
  if (!r) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&r->aux));
  PetscCall(DMDestroy(&r->aux_dm));
  PetscCall(PetscFree2(r->hist_res, r->hist_cfl));
  PetscCall(PetscFree(s->rans));
  PetscFunctionReturn(0);
}

/* -rans_grad_div_scale, in the order of FFRansGradDivScale */
static const char *const GradDivScaleNames[] = {"none", "hmin", "flow", "lsic"};

/* A CFL growth after a rising step: > 0 when given; its default (< 0) is derived at the solve. */
static PetscErrorCode RisingGrowthOption(FFSolver s, PetscOptionItems *PetscOptionsObject, const char *name,
                                         const char *help, PetscReal *value)
{
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal(name, help, "docs/cases.md", *value, value, &set));
  PetscCheck(!set || *value > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "option -%s%s must be > 0, got %g", s->prefix,
             name + 1, (double)*value);
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansOptions(FFSolver s, PetscOptionItems *PetscOptionsObject)
{
  FFRans r;
  PetscInt n = 8;
  PetscReal xy[8];
  PetscBool set;
  PetscInt scale;

  PetscFunctionBegin;
  PetscCall(FFRansCreate(s));
  r = s->rans;
  PetscCall(PetscOptionsReal("-rans_nu_tilde_farfield", "nu tilde of the free stream and the inflow, in units of nu",
                             "docs/cases.md", r->nt_farfield_ratio, &r->nt_farfield_ratio, NULL));
  PetscCheck(r->nt_farfield_ratio >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%srans_nu_tilde_farfield must be >= 0, got %g", s->prefix, (double)r->nt_farfield_ratio);
  PetscReal initial = StartRatio(r);
  PetscCall(PetscOptionsReal("-rans_nu_tilde_initial",
                             "nu tilde of the initial state inside the domain, in units of nu (default: the free "
                             "stream's); a larger value starts the boundary layers turbulent",
                             "docs/cases.md", initial, &initial, &set));
  PetscCheck(!set || initial >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%srans_nu_tilde_initial must be >= 0, got %g", s->prefix, (double)initial);
  if (set) r->nt_initial_ratio = initial;
  PetscCall(PetscOptionsReal("-rans_grad_div", "Grad-div stabilization gamma (div u, div v), in units of U_ref L_ref",
                             "docs/cases.md", r->grad_div, &r->grad_div, NULL));
  PetscCheck(r->grad_div >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "option -%srans_grad_div must be >= 0, got %g",
             s->prefix, (double)r->grad_div);
  /* a constant gamma locks the P2 velocity of cells 1000 times longer than high (docs/validation.md) */
  scale = r->grad_div_scale;
  PetscCall(
      PetscOptionsEList("-rans_grad_div_scale",
                        "Grad-div per cell: none (gamma U_ref L_ref), hmin (gamma U_ref h_min, the cell's "
                        "smallest length), flow (gamma |u| h_u, its length along u), lsic (0: the LSIC part only)",
                        "docs/cases.md", GradDivScaleNames, 4, GradDivScaleNames[scale], &scale, NULL));
  r->grad_div_scale = (FFRansGradDivScale)scale;
  PetscCall(PetscOptionsBool("-rans_constant_start",
                             "With a per-cell grad-div scale, first converge with the constant coefficient "
                             "(-rans_grad_div_scale none) and continue from that solution",
                             "docs/cases.md", r->constant_start, &r->constant_start, NULL));
  PetscCall(PetscOptionsReal("-rans_grad_div_viscous",
                             "Floor of the grad-div coefficient tau_c, in units of nu + nu_t (0: none); "
                             "mesh-independent in the wall layers",
                             "docs/cases.md", r->grad_div_viscous, &r->grad_div_viscous, NULL));
  PetscCheck(r->grad_div_viscous >= 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%srans_grad_div_viscous must be >= 0, got %g", s->prefix, (double)r->grad_div_viscous);
  PetscCall(PetscOptionsReal("-rans_cfl_initial", "CFL number of the first pseudo-time step", "docs/cases.md",
                             r->cfl_initial, &r->cfl_initial, NULL));
  PetscCall(PetscOptionsReal("-rans_cfl_max", "CFL number at which the continuation hands over to Newton",
                             "docs/cases.md", r->cfl_max, &r->cfl_max, NULL));
  PetscCall(PetscOptionsReal("-rans_cfl_min", "Smallest CFL number before the continuation gives up", "docs/cases.md",
                             r->cfl_min, &r->cfl_min, NULL));
  PetscCall(PetscOptionsReal("-rans_cfl_growth", "Largest growth of the CFL number per pseudo-time step",
                             "docs/cases.md", r->cfl_growth, &r->cfl_growth, NULL));
  PetscCall(RisingGrowthOption(s, PetscOptionsObject, "-rans_cfl_growth_rising",
                               "Growth of the CFL number after an accepted step that raised ||F|| (default: the "
                               "square root of -rans_cfl_growth; 1 holds it)",
                               &r->cfl_growth_rising));
  PetscCall(RisingGrowthOption(s, PetscOptionsObject, "-rans_first_cfl_growth_rising",
                               "-rans_cfl_growth_rising of the first stage, with the constant grad-div coefficient, "
                               "of a two-stage solve (default: -rans_cfl_growth_rising)",
                               &r->first_cfl_growth_rising));
  PetscCall(PetscOptionsReal("-rans_reject_factor",
                             "A pseudo-time step that raises ||F|| by more than this factor is rejected",
                             "docs/cases.md", r->reject_factor, &r->reject_factor, NULL));
  PetscCall(PetscOptionsReal("-rans_first_reject_factor",
                             "-rans_reject_factor of the first stage, with the constant grad-div coefficient, of "
                             "a two-stage solve (-rans_constant_start)",
                             "docs/cases.md", r->first_reject_factor, &r->first_reject_factor, NULL));
  PetscCall(
      PetscOptionsInt("-rans_max_steps", "Most pseudo-time steps", "docs/cases.md", r->max_steps, &r->max_steps, NULL));
  PetscCall(PetscOptionsInt("-rans_newton_max_it", "Newton iterations of each attempt at the steady equations",
                            "docs/cases.md", r->newton_max_it, &r->newton_max_it, NULL));
  PetscCall(PetscOptionsReal("-rans_rtol", "Converged when ||F|| <= rtol ||F(free stream)||", "docs/cases.md", r->rtol,
                             &r->rtol, NULL));
  PetscCall(
      PetscOptionsReal("-rans_switch_rtol",
                       "Newton takes over also when ||F|| <= switch_rtol ||F(free stream)|| (0: only at -rans_cfl_max)",
                       "docs/cases.md", r->switch_rtol, &r->switch_rtol, NULL));
  PetscCall(
      PetscOptionsBool("-rans_monitor", "Print each pseudo-time step", "docs/cases.md", r->monitor, &r->monitor, NULL));
  PetscCheck(r->cfl_initial > 0 && r->cfl_max >= r->cfl_initial && r->cfl_min > 0 && r->cfl_min <= r->cfl_initial,
             s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%srans_cfl_min %g, -%srans_cfl_initial %g, -%srans_cfl_max %g: need 0 < min <= initial <= max",
             s->prefix, (double)r->cfl_min, s->prefix, (double)r->cfl_initial, s->prefix, (double)r->cfl_max);
  PetscCheck(r->cfl_growth > 1 && r->reject_factor > 1 && r->first_reject_factor > 1, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%srans_cfl_growth, -%srans_reject_factor and -%srans_first_reject_factor must be > 1", s->prefix,
             s->prefix, s->prefix);
  PetscCheck(r->max_steps > 0 && r->newton_max_it > 0 && r->rtol > 0 && r->switch_rtol >= 0, s->comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "options -%srans_max_steps, -%srans_newton_max_it, -%srans_rtol must be > 0, -%srans_switch_rtol >= 0",
             s->prefix, s->prefix, s->prefix, s->prefix);
  PetscCall(PetscOptionsRealArray("-cf_probe", "Wall points x,y[,x,y...] (at most 4) whose C_f the summary reports",
                                  "docs/cases.md", xy, &n, &set));
  if (set) {
    PetscCheck(n % 2 == 0 && n >= 2, s->comm, PETSC_ERR_ARG_WRONG,
               "option -%scf_probe: give x,y pairs (at most 4), not %d numbers", s->prefix, (int)n);
    r->n_cf_probes = n / 2;
    for (PetscInt i = 0; i < n / 2; i++) r->cf_probe[i][0] = xy[2 * i], r->cf_probe[i][1] = xy[2 * i + 1];
  }
  PetscCall(PetscOptionsReal("-ref_cf", "Reference C_f at the first -cf_probe point", "docs/cases.md", r->ref_cf,
                             &r->ref_cf, &r->has_ref_cf));
  PetscFunctionReturn(0);
}

/* ---------- discretization ---------- */

/* Velocity (P2), pressure (P1) and nu tilde (P2) on the solver DM. */
PetscErrorCode FFRansSetUpFields(FFSolver s, PetscInt q)
{
  PetscFE fe_u, fe_p, fe_n;
  PetscDS ds;

  PetscFunctionBegin;
  PetscCall(FFRansCreate(s));
  PetscCall(FFSolverCreateElement(s, s->dim, s->velocity_degree, q, "velocity", &fe_u));
  PetscCall(FFSolverCreateElement(s, 1, s->pressure_degree, q, "pressure", &fe_p));
  PetscCall(FFSolverCreateElement(s, 1, s->velocity_degree, q, "nu_tilde", &fe_n));
  PetscCall(PetscFECopyQuadrature(fe_u, fe_p));
  PetscCall(PetscFECopyQuadrature(fe_u, fe_n));
  PetscCall(DMSetField(s->dm, 0, NULL, (PetscObject)fe_u));
  PetscCall(DMSetField(s->dm, 1, NULL, (PetscObject)fe_p));
  PetscCall(DMSetField(s->dm, 2, NULL, (PetscObject)fe_n));
  PetscCall(DMCreateDS(s->dm));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(FFRansSetPointwise(ds));
  PetscCall(FFSolverUpdateConstants(s, s->nu));
  PetscCall(PetscFEDestroy(&fe_u));
  PetscCall(PetscFEDestroy(&fe_p));
  PetscCall(PetscFEDestroy(&fe_n));
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansSetConstants(FFSolver s, PetscScalar c[])
{
  PetscFunctionBegin;
  c[FF_RANS_INV_CFL] = s->rans->inv_cfl;
  c[FF_RANS_NT_WEIGHT] = 1.0 / s->nu; /* the SA rows as large as the momentum rows */
  c[FF_RANS_GRAD_DIV] = s->rans->grad_div * s->ref_velocity * s->ref_length;
  c[FF_RANS_GRAD_DIV_SCALE] = s->rans->grad_div_scale;
  c[FF_RANS_REF_U] = s->ref_velocity;
  c[FF_RANS_REF_L] = s->ref_length;
  c[FF_RANS_GRAD_DIV_VISCOUS] = s->rans->grad_div_viscous;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetInverseCFL(FFSolver s, PetscReal inv_cfl)
{
  PetscFunctionBegin;
  s->rans->inv_cfl = inv_cfl;
  PetscCall(FFSolverUpdateConstants(s, s->nu));
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansUseSteadyResidual(FFSolver s)
{
  PetscFunctionBegin;
  PetscCall(SetInverseCFL(s, 0.0));
  PetscFunctionReturn(0);
}

/* ---------- boundary conditions of nu tilde ---------- */

static PetscErrorCode ConstantScalar(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                     void *ctx)
{
  (void)dim, (void)time, (void)x;
  for (PetscInt c = 0; c < Nc; c++) u[c] = *(const PetscReal *)ctx;
  return 0;
}

static PetscReal zero_value = 0.0;

/* Walls (no-slip, or a Dirichlet velocity on a group named as a wall) get nu tilde = 0;
 * other Dirichlet velocity groups (free stream, inflow) nu tilde of the free stream;
 * outflow and symmetry groups the natural condition (zero diffusive flux). */
PetscErrorCode FFRansAddBoundaries(FFSolver s)
{
  FFRans r = s->rans;

  PetscFunctionBegin;
  r->nt_far = r->nt_farfield_ratio * s->nu;
  for (PetscInt g = 0; g < s->n_groups; g++) {
    FFBoundary *bc = &s->bc[g];
    PetscReal *value;
    char name[2 * FF_NAME_LEN];
    switch (bc->type) {
    case FF_BC_NOSLIP:
      value = &zero_value;
      break;
    case FF_BC_VELOCITY:
    case FF_BC_FUNCTION:
    case FF_BC_PARABOLIC:
    case FF_BC_FREESTREAM:
      value = FFMeshIsWallName(bc->name) ? &zero_value : &r->nt_far;
      break;
    default:
      continue;
    }
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_nu_tilde", bc->name));
    PetscCall(DMAddBoundary(s->dm, DM_BC_ESSENTIAL, name, bc->label, 1, &bc->value, 2, 0, NULL,
                            (void (*)(void))ConstantScalar, NULL, value, NULL));
  }
  PetscFunctionReturn(0);
}

/* ---------- auxiliary fields ---------- */

/* The wall segments: the faces of the no-slip groups as two straight pieces through the
 * face's P2 node (its curved midpoint on a second-order mesh), from every rank. */
static PetscErrorCode WallSegments(FFSolver s, PetscInt *n_segments, PetscReal **segments)
{
  PetscInt nlocal = 0, cap = 0, eStart, eEnd;
  PetscReal *mine = NULL;
  PetscMPIInt size, *counts, *displs, nmine;

  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(s->dm, 1, &eStart, &eEnd));
  for (PetscInt g = 0; g < s->n_groups; g++) {
    FFBoundary *bc = &s->bc[g];
    IS faces;
    const PetscInt *fp;
    PetscInt nf = 0;
    if (bc->type != FF_BC_NOSLIP &&
        !((bc->type == FF_BC_VELOCITY || bc->type == FF_BC_FUNCTION) && FFMeshIsWallName(bc->name)))
      continue;
    PetscCall(DMLabelGetStratumIS(bc->label, bc->value, &faces));
    if (!faces) continue;
    PetscCall(ISGetLocalSize(faces, &nf));
    PetscCall(ISGetIndices(faces, &fp));
    for (PetscInt i = 0; i < nf; i++) {
      const PetscInt e = fp[i];
      const PetscInt *support, *cone;
      PetscInt pts[6];
      PetscReal xy[12];
      if (e < eStart || e >= eEnd) continue;
      PetscCall(DMPlexGetSupport(s->dm, e, &support));
      PetscCall(FFCellNodeCoordinates(s->dm, support[0], pts, xy));
      PetscCall(DMPlexGetCone(s->dm, e, &cone));
      PetscInt k0 = -1, k1 = -1, km = -1;
      for (PetscInt k = 0; k < 6; k++) {
        if (pts[k] == cone[0]) k0 = k;
        if (pts[k] == cone[1]) k1 = k;
        if (pts[k] == e) km = k;
      }
      PetscCheck(k0 >= 0 && k1 >= 0 && km >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "wall face %d not in its cell",
                 (int)e);
      if (nlocal + 2 > cap) {
        PetscReal *bigger;
        cap = 2 * cap + 64;
        PetscCall(PetscMalloc1(4 * cap, &bigger));
        if (nlocal) PetscCall(PetscArraycpy(bigger, mine, 4 * nlocal));
        PetscCall(PetscFree(mine));
        mine = bigger;
      }
      const PetscInt ends[2][2] = {{k0, km}, {km, k1}};
      for (int h = 0; h < 2; h++, nlocal++) {
        mine[4 * nlocal + 0] = xy[2 * ends[h][0]];
        mine[4 * nlocal + 1] = xy[2 * ends[h][0] + 1];
        mine[4 * nlocal + 2] = xy[2 * ends[h][1]];
        mine[4 * nlocal + 3] = xy[2 * ends[h][1] + 1];
      }
    }
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  nmine = (PetscMPIInt)(4 * nlocal);
  PetscCallMPI(MPI_Allgather(&nmine, 1, MPI_INT, counts, 1, MPI_INT, s->comm));
  PetscInt total = 0;
  for (PetscMPIInt k = 0; k < size; k++) displs[k] = (PetscMPIInt)total, total += counts[k];
  if (!total) { /* refused below: nothing of this call may outlive it (found by make sanitize-test) */
    PetscCall(PetscFree2(counts, displs));
    PetscCall(PetscFree(mine));
  }
  PetscCheck(total > 0, s->comm, PETSC_ERR_ARG_WRONG,
             "RANS needs a wall for the wall distance of the SA model: no group is a no-slip wall (give -%sbc_<group> "
             "noslip; groups named wall, walls, airfoil, cylinder or body are walls by default)",
             s->prefix);
  PetscCall(PetscMalloc1(total, segments));
  PetscCallMPI(MPI_Allgatherv(mine, nmine, MPIU_REAL, *segments, counts, displs, MPIU_REAL, s->comm));
  PetscCall(PetscFree2(counts, displs));
  PetscCall(PetscFree(mine));
  *n_segments = total / 4;
  PetscFunctionReturn(0);
}

/* The wall distance at the P2 nodes (aux field 0) and each cell's metric G = J^-T J^-1 at its
 * centroid (aux field 1). */
static PetscErrorCode FillGeometry(FFSolver s)
{
  FFRans r = s->rans;
  PetscSection sec;
  PetscScalar *a;
  PetscInt cStart, cEnd, pEnd, nseg = 0, npts = 0, *point;
  PetscReal *seg, *xy, *dist;
  PetscQuadrature quad;
  PetscReal *qp, *qw, J[4], invJ[4], detJ;

  PetscFunctionBegin;
  PetscCall(WallSegments(s, &nseg, &seg));
  PetscCall(DMGetLocalSection(r->aux_dm, &sec));
  PetscCall(DMPlexGetHeightStratum(s->dm, 0, &cStart, &cEnd));
  PetscCall(DMPlexGetChart(s->dm, NULL, &pEnd));
  PetscCall(PetscMalloc3(pEnd + 1, &point, 2 * pEnd + 2, &xy, pEnd + 1, &dist));
  { /* the P2 nodes: vertices and edges, from the coordinate field (per point, not through
     * DMPlexReferenceToCoordinates, which costs O(cells) a call) */
    DM cdm;
    Vec coords;
    PetscSection csec;
    const PetscScalar *ca;
    PetscInt vStart, vEnd, eStart, eEnd;
    PetscCall(DMGetCoordinateDM(s->dm, &cdm));
    PetscCall(DMGetCoordinatesLocal(s->dm, &coords));
    PetscCall(DMGetLocalSection(cdm, &csec));
    PetscCall(DMPlexGetDepthStratum(s->dm, 0, &vStart, &vEnd));
    PetscCall(DMPlexGetDepthStratum(s->dm, 1, &eStart, &eEnd));
    PetscCall(VecGetArrayRead(coords, &ca));
    for (PetscInt p = vStart; p < eEnd; p++) {
      PetscInt dof = 0, off, cStart_, cEnd_;
      if (p >= vEnd && p < eStart) continue;
      PetscCall(PetscSectionGetChart(csec, &cStart_, &cEnd_));
      if (p >= cStart_ && p < cEnd_) PetscCall(PetscSectionGetDof(csec, p, &dof));
      point[npts] = p;
      if (dof >= 2) {
        PetscCall(PetscSectionGetOffset(csec, p, &off));
        xy[2 * npts] = PetscRealPart(ca[off]), xy[2 * npts + 1] = PetscRealPart(ca[off + 1]);
      } else { /* straight edge: the mean of its vertices */
        const PetscInt *cone;
        PetscCheck(p >= eStart, PETSC_COMM_SELF, PETSC_ERR_PLIB, "vertex %d has no coordinates", (int)p);
        PetscCall(DMPlexGetCone(s->dm, p, &cone));
        xy[2 * npts] = xy[2 * npts + 1] = 0;
        for (int k = 0; k < 2; k++) {
          PetscCall(PetscSectionGetOffset(csec, cone[k], &off));
          xy[2 * npts] += 0.5 * PetscRealPart(ca[off]), xy[2 * npts + 1] += 0.5 * PetscRealPart(ca[off + 1]);
        }
      }
      npts++;
    }
    PetscCall(VecRestoreArrayRead(coords, &ca));
  }
  PetscCall(FFSegmentDistance(nseg, seg, npts, xy, dist));
  PetscCall(VecGetArray(r->aux, &a));
  for (PetscInt i = 0; i < npts; i++) {
    PetscInt off, dof;
    PetscCall(PetscSectionGetFieldDof(sec, point[i], 0, &dof));
    if (!dof) continue;
    PetscCall(PetscSectionGetFieldOffset(sec, point[i], 0, &off));
    a[off] = dist[i];
  }
  /* metric at the centroid */
  PetscCall(PetscQuadratureCreate(PETSC_COMM_SELF, &quad));
  PetscCall(PetscMalloc1(2, &qp));
  PetscCall(PetscMalloc1(1, &qw));
  qp[0] = qp[1] = -1.0 / 3.0, qw[0] = 2.0;
  PetscCall(PetscQuadratureSetData(quad, 2, 1, 1, qp, qw));
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscInt off;
    PetscCall(DMPlexComputeCellGeometryFEM(s->dm, c, quad, NULL, J, invJ, &detJ));
    PetscCall(PetscSectionGetFieldOffset(sec, c, 1, &off));
    /* invJ[d * 2 + j] = d xi_d / d x_j; G_jl = sum_d invJ[d][j] invJ[d][l] */
    a[off + 0] = invJ[0] * invJ[0] + invJ[2] * invJ[2];
    a[off + 1] = invJ[0] * invJ[1] + invJ[2] * invJ[3];
    a[off + 2] = invJ[1] * invJ[1] + invJ[3] * invJ[3];
  }
  PetscCall(PetscQuadratureDestroy(&quad));
  PetscCall(VecRestoreArray(r->aux, &a));
  PetscCall(PetscFree3(point, xy, dist));
  PetscCall(PetscFree(seg));
  PetscFunctionReturn(0);
}

/* Aux fields 2 and 3 <- the velocity and nu tilde of the state u (Dirichlet values included). */
static PetscErrorCode SetPrevious(FFSolver s, Vec u)
{
  FFRans r = s->rans;
  PetscSection sec, asec;
  PetscInt pStart, pEnd;
  Vec local;
  const PetscScalar *ua;
  PetscScalar *a;
  const PetscInt from[2] = {0, 2}, to[2] = {2, 3};

  PetscFunctionBegin;
  PetscCall(FFSolverGetLocalState(s, u, &local));
  PetscCall(DMGetLocalSection(s->dm, &sec));
  PetscCall(DMGetLocalSection(r->aux_dm, &asec));
  PetscCall(PetscSectionGetChart(sec, &pStart, &pEnd));
  PetscCall(VecGetArrayRead(local, &ua));
  PetscCall(VecGetArray(r->aux, &a));
  for (PetscInt p = pStart; p < pEnd; p++)
    for (int f = 0; f < 2; f++) {
      PetscInt dof, adof, off, aoff;
      PetscCall(PetscSectionGetFieldDof(sec, p, from[f], &dof));
      if (!dof) continue;
      PetscCall(PetscSectionGetFieldDof(asec, p, to[f], &adof));
      PetscCheck(adof == dof, PETSC_COMM_SELF, PETSC_ERR_PLIB, "aux layout differs at point %d", (int)p);
      PetscCall(PetscSectionGetFieldOffset(sec, p, from[f], &off));
      PetscCall(PetscSectionGetFieldOffset(asec, p, to[f], &aoff));
      for (PetscInt k = 0; k < dof; k++) a[aoff + k] = ua[off + k];
    }
  PetscCall(VecRestoreArray(r->aux, &a));
  PetscCall(VecRestoreArrayRead(local, &ua));
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscFunctionReturn(0);
}

/* The forces on a body group (FFSolverComputeForces): the cut-off function phi (aux field 4)
 * is 1 at the P2 nodes of the group's faces, 0 elsewhere; the objectives integrate the
 * momentum residual tested with e phi (rans_pointwise.c). */
PetscErrorCode FFRansIntegrateForces(FFSolver s, DMLabel label, PetscInt value, PetscScalar integral[])
{
  FFRans r = s->rans;
  PetscSection sec;
  PetscInt pStart, pEnd, nf = 0;
  const PetscInt *fp = NULL;
  PetscScalar *a;
  IS faces;
  PetscDS ds;

  PetscFunctionBegin;
  PetscCall(DMGetLocalSection(r->aux_dm, &sec));
  PetscCall(PetscSectionGetChart(sec, &pStart, &pEnd));
  PetscCall(VecGetArray(r->aux, &a));
  for (PetscInt p = pStart; p < pEnd; p++) {
    PetscInt dof, off;
    PetscCall(PetscSectionGetFieldDof(sec, p, 4, &dof));
    PetscCall(PetscSectionGetFieldOffset(sec, p, 4, &off));
    for (PetscInt k = 0; k < dof; k++) a[off + k] = 0;
  }
  PetscCall(DMLabelGetStratumIS(label, value, &faces));
  if (faces) {
    PetscCall(ISGetLocalSize(faces, &nf));
    PetscCall(ISGetIndices(faces, &fp));
  }
  for (PetscInt i = 0; i < nf; i++) {
    PetscInt *closure = NULL, ncl;
    PetscCall(DMPlexGetTransitiveClosure(r->aux_dm, fp[i], PETSC_TRUE, &ncl, &closure));
    for (PetscInt k = 0; k < ncl; k++) {
      PetscInt dof, off;
      PetscCall(PetscSectionGetFieldDof(sec, closure[2 * k], 4, &dof));
      PetscCall(PetscSectionGetFieldOffset(sec, closure[2 * k], 4, &off));
      for (PetscInt d = 0; d < dof; d++) a[off + d] = 1.0;
    }
    PetscCall(DMPlexRestoreTransitiveClosure(r->aux_dm, fp[i], PETSC_TRUE, &ncl, &closure));
  }
  if (faces) {
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCall(VecRestoreArray(r->aux, &a));
  PetscCall(SetInverseCFL(s, 0.0));
  PetscCall(FFRansRestoreAux(s));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(FFRansSetForceObjectives(ds));
  PetscCall(FFSolverIntegrate(s, s->u, integral));
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansRestoreAux(FFSolver s)
{
  PetscFunctionBegin;
  PetscCall(DMSetAuxiliaryVec(s->dm, NULL, 0, 0, s->rans->aux));
  PetscFunctionReturn(0);
}

PetscErrorCode FFRansSetUpAux(FFSolver s)
{
  FFRans r = s->rans;
  PetscFE fe_main, fe[5];
  PetscDS ds;
  const PetscInt nc[5] = {1, 3, s->dim, 1, 1};
  const PetscInt degree[5] = {s->velocity_degree, 0, s->velocity_degree, s->velocity_degree, s->velocity_degree};
  const char *names[5] = {"wall_distance", "metric", "velocity_previous", "nu_tilde_previous", "cutoff"};

  PetscFunctionBegin;
  PetscCall(DMClone(s->dm, &r->aux_dm));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetDiscretization(ds, 0, (PetscObject *)&fe_main));
  for (int f = 0; f < 5; f++) {
    PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, nc[f], PETSC_TRUE, degree[f], PETSC_DETERMINE, &fe[f]));
    PetscCall(PetscFECopyQuadrature(fe_main, fe[f]));
    PetscCall(PetscObjectSetName((PetscObject)fe[f], names[f]));
    PetscCall(DMSetField(r->aux_dm, f, NULL, (PetscObject)fe[f]));
  }
  PetscCall(DMCreateDS(r->aux_dm));
  for (int f = 0; f < 5; f++) PetscCall(PetscFEDestroy(&fe[f]));
  PetscCall(DMCreateLocalVector(r->aux_dm, &r->aux));
  PetscCall(VecZeroEntries(r->aux));
  PetscCall(FillGeometry(s));
  PetscCall(SetPrevious(s, s->u));
  PetscCall(FFRansRestoreAux(s));
  PetscFunctionReturn(0);
}

/* ---------- initial state ---------- */

static PetscErrorCode FreeStreamVelocity(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                         void *ctx)
{
  const PetscReal *v = (const PetscReal *)ctx;
  (void)dim, (void)time, (void)x;
  for (PetscInt c = 0; c < Nc; c++) u[c] = v[c];
  return 0;
}

/* The free stream everywhere (velocity of the first freestream group, zero without one), p = 0,
 * nu tilde = nt_ratio nu. */
static PetscErrorCode ProjectFreeStream(FFSolver s, PetscReal nt_ratio, Vec u)
{
  PetscReal v[2] = {0, 0}, zero = 0, nt = nt_ratio * s->nu;
  PetscErrorCode (*fns[3])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *,
                           void *) = {FreeStreamVelocity, ConstantScalar, ConstantScalar};
  void *ctxs[3] = {v, &zero, &nt};

  PetscFunctionBegin;
  for (PetscInt g = 0; g < s->n_groups; g++)
    if (s->bc[g].type == FF_BC_FREESTREAM) {
      v[0] = s->bc[g].velocity[0], v[1] = s->bc[g].velocity[1];
      break;
    }
  PetscCall(DMProjectFunction(s->dm, 0.0, fns, ctxs, INSERT_VALUES, u));
  PetscFunctionReturn(0);
}

/* The free stream, or with -rans_nu_tilde_initial another nu tilde inside. */
PetscErrorCode FFRansInitialState(FFSolver s)
{
  PetscFunctionBegin;
  PetscCall(ProjectFreeStream(s, StartRatio(s->rans), s->u));
  PetscFunctionReturn(0);
}

/* ---------- the solve ---------- */

static PetscErrorCode Record(FFRans r, PetscReal res, PetscReal cfl)
{
  PetscFunctionBegin;
  if (r->n_hist == r->cap_hist) {
    PetscReal *a, *b;
    const PetscInt cap = 2 * r->cap_hist + 64;
    PetscCall(PetscMalloc2(cap, &a, cap, &b));
    if (r->n_hist) {
      PetscCall(PetscArraycpy(a, r->hist_res, r->n_hist));
      PetscCall(PetscArraycpy(b, r->hist_cfl, r->n_hist));
    }
    PetscCall(PetscFree2(r->hist_res, r->hist_cfl));
    r->hist_res = a, r->hist_cfl = b, r->cap_hist = cap;
  }
  r->hist_res[r->n_hist] = res;
  r->hist_cfl[r->n_hist] = cfl;
  r->n_hist++;
  PetscFunctionReturn(0);
}

/* ||F(u)|| of the steady equations. */
static PetscErrorCode SteadyNorm(FFSolver s, Vec u, Vec F, PetscReal *norm)
{
  PetscFunctionBegin;
  PetscCall(SetInverseCFL(s, 0.0));
  PetscCall(SNESComputeFunction(s->snes, u, F));
  PetscCall(VecNorm(F, NORM_2, norm));
  PetscFunctionReturn(0);
}

/* F0: the steady residual of the current state, or NULL. It is also the first residual of a
 * pseudo-time step, whose previous state is the current one (the time term s (u - u0) is zero):
 * handed to SNES, it saves one of a step's three residual evaluations. */
static PetscErrorCode Snes(FFSolver s, PetscReal atol, PetscInt max_it, Vec F0, SNESConvergedReason *reason)
{
  PetscInt its, lits;

  PetscFunctionBegin;
  PetscCall(SNESSetTolerances(s->snes, atol, 0.0, 0.0, max_it, PETSC_DEFAULT));
  if (F0) PetscCall(SNESSetInitialFunction(s->snes, F0));
  PetscCall(SNESSolve(s->snes, NULL, s->u));
  PetscCall(SNESGetConvergedReason(s->snes, reason));
  PetscCall(SNESGetIterationNumber(s->snes, &its));
  PetscCall(SNESGetLinearSolveIterations(s->snes, &lits));
  s->stats.newton_iterations += its;
  s->stats.linear_iterations += lits;
  PetscFunctionReturn(0);
}

/* The norms of the residual's three fields (monitor). */
static PetscErrorCode FieldNorms(FFSolver s, Vec F, PetscReal norms[3])
{
  PetscFunctionBegin;
  for (PetscInt f = 0; f < 3; f++) {
    IS is;
    Vec sub;
    PetscCall(DMCreateSubDM(s->dm, 1, &f, &is, NULL));
    PetscCall(VecGetSubVector(F, is, &sub));
    PetscCall(VecNorm(sub, NORM_2, &norms[f]));
    PetscCall(VecRestoreSubVector(F, is, &sub));
    PetscCall(ISDestroy(&is));
  }
  PetscFunctionReturn(0);
}

/* A failed SNES step: a NaN, a linear solve or line search that failed (running out of
 * iterations is what a pseudo-time step does). */
static PetscBool StepFailed(SNESConvergedReason reason)
{
  return reason < 0 && reason != SNES_DIVERGED_MAX_IT ? PETSC_TRUE : PETSC_FALSE;
}

/* The history, thinned to at most ~24 entries, for a message. */
static void HistoryText(FFRans r, char *buf, size_t len)
{
  size_t used = 0;
  const PetscInt stride = r->n_hist > 24 ? (r->n_hist + 23) / 24 : 1;
  buf[0] = '\0';
  for (PetscInt k = 0; k < r->n_hist; k++) {
    if (k % stride && k != r->n_hist - 1) continue;
    int w = snprintf(buf + used, len - used, "%s%d: %.2e (CFL %.2g)", used ? ", " : "", (int)k, (double)r->hist_res[k],
                     (double)r->hist_cfl[k]);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
}

static void Fail(FFRans r, const char *why)
{
  char hist[640];
  HistoryText(r, hist, sizeof hist);
  snprintf(r->reason, sizeof r->reason, "%s; residual history (step: ||F||): %s", why, hist);
}

/* What a stage of the continuation accepts: a step raising ||F|| at most reject_factor-fold, after
 * which the CFL number grows by growth_rising. */
typedef struct {
  PetscReal reject_factor, growth_rising;
} StageControl;

/* R_free: ||F|| of the free stream the target is relative to (0: that of the state it starts from) */
static PetscErrorCode Continuation(FFSolver s, PetscReal R_free, const StageControl *ctl, PetscBool *converged)
{
  FFRans r = s->rans;
  Vec F, last;
  PetscReal atol, rtol, stol, R0, R, Rprev, target, cfl = r->cfl_initial;
  PetscInt max_it, max_f, steps0 = s->stats.pseudo_steps;
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  char why[384] = "";

  PetscFunctionBegin;
  *converged = PETSC_FALSE;
  PetscCall(SNESGetTolerances(s->snes, &atol, &rtol, &stol, &max_it, &max_f));
  PetscCall(VecDuplicate(s->u, &F));
  PetscCall(VecDuplicate(s->u, &last));
  PetscCall(VecCopy(s->u, last));
  PetscCall(SteadyNorm(s, s->u, F, &R0));
  if (!r->n_hist) PetscCall(Record(r, R0, 0)); /* a second stage goes on with the first's history */
  target = PetscMax(atol, r->rtol * (R_free > 0 ? R_free : R0));
  Rprev = R = R0;
  if (r->monitor)
    PetscCall(PetscPrintf(s->comm, "RANS pseudo-time: ||F|| %.3e, target %.3e\n", (double)R0, (double)target));
  PetscCheck(!PetscIsInfOrNanReal(R0), s->comm, PETSC_ERR_FP, "RANS: the residual of the initial state is not finite");
  if (R0 <= target) *converged = PETSC_TRUE;
  PetscBool F_current = PETSC_TRUE; /* F is the steady residual of s->u */
  PetscReal newton_below = r->switch_rtol * R0; /* Newton takes over below this ||F|| (or at cfl_max) */
  for (PetscInt step = 1; !*converged && step <= r->max_steps; step++) {
    const PetscBool newton = cfl >= r->cfl_max || R <= newton_below ? PETSC_TRUE : PETSC_FALSE;
    s->stats.pseudo_steps = steps0 + step;
    s->stats.cfl = cfl;
    if (newton) { /* Newton on the steady equations */
      PetscCall(SetInverseCFL(s, 0.0));
      PetscCall(Snes(s, target, r->newton_max_it, F_current ? F : NULL, &reason));
    } else { /* one implicit pseudo-time step */
      PetscCall(SetPrevious(s, s->u));
      PetscCall(SetInverseCFL(s, 1.0 / cfl));
      PetscCall(Snes(s, 0.0, 1, F_current ? F : NULL, &reason));
    }
    PetscCall(SteadyNorm(s, s->u, F, &R));
    F_current = PETSC_TRUE;
    PetscCall(Record(r, R, newton ? PETSC_INFINITY : cfl));
    const PetscBool bad = StepFailed(reason) || PetscIsInfOrNanReal(R) || R > ctl->reject_factor * Rprev;
    if (r->monitor) {
      PetscReal fn[3];
      PetscCall(FieldNorms(s, F, fn));
      PetscCall(PetscPrintf(s->comm, "  step %3d %s CFL %9.3e  ||F|| %.3e (u %.2e, p %.2e, nu_tilde %.2e)  %s%s\n",
                            (int)step, newton ? "Newton" : "pseudo", (double)cfl, (double)R, (double)fn[0],
                            (double)fn[1], (double)fn[2], SNESConvergedReasons[reason], bad ? " (rejected)" : ""));
    }
    if (R <= target && !bad) {
      *converged = PETSC_TRUE;
      break;
    }
    if (newton) {
      /* Newton did not get there: keep what it gained, go on pseudo-stepping at a tenth of
       * the CFL number, and try Newton again ten times lower */
      if (bad || R > Rprev) {
        PetscCall(VecCopy(last, s->u));
        F_current = PETSC_FALSE;
      } else {
        PetscCall(VecCopy(s->u, last));
        Rprev = R;
      }
      R = Rprev;
      cfl = PetscMin(cfl, r->cfl_max) / 10;
      newton_below = PetscMin(newton_below, R) / 10;
    } else if (bad) { /* back to the last accepted state with a smaller step */
      PetscCall(VecCopy(last, s->u));
      F_current = PETSC_FALSE;
      R = Rprev;
      cfl /= 4;
    } else {
      PetscCall(VecCopy(s->u, last));
      /* the CFL number grows by the full factor while ||F|| falls, by its square root while
       * it rises (a developing boundary layer raises ||F|| for a while; an unstable step
       * raising it by more than -rans_reject_factor is rejected above) */
      cfl = PetscMin(r->cfl_max, cfl * (R <= Rprev ? r->cfl_growth : ctl->growth_rising));
      Rprev = R;
    }
    if (cfl < r->cfl_min) {
      PetscCall(PetscSNPrintf(why, sizeof why,
                              "pseudo-time continuation diverged: the CFL number fell below -%srans_cfl_min %g after "
                              "rejected or rising steps (last: %s, ||F|| %.3e)",
                              s->prefix, (double)r->cfl_min, SNESConvergedReasons[reason], (double)R));
      break;
    }
  }
  if (!*converged && !why[0])
    PetscCall(PetscSNPrintf(why, sizeof why,
                            "pseudo-time continuation stalled: ||F|| %.3e after %d steps (-%srans_max_steps), target "
                            "%.3e (-%srans_rtol %g of the free stream's %.3e)",
                            (double)Rprev, (int)r->max_steps, s->prefix, (double)target, s->prefix, (double)r->rtol,
                            (double)R0));
  if (!*converged) {
    Fail(r, why);
    s->stats.reason = reason;
  } else
    s->stats.reason = reason > 0 ? reason : SNES_CONVERGED_FNORM_ABS;
  s->stats.residual_norm = *converged ? R : Rprev;
  s->stats.reynolds_reached = *converged ? s->re : 0;
  PetscCall(SNESSetTolerances(s->snes, atol, rtol, stol, max_it, max_f));
  PetscCall(SetInverseCFL(s, 0.0));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&last));
  PetscFunctionReturn(0);
}

/* A per-cell grad-div coefficient starts from the solution with the constant one: from the
 * free stream, the continuation with the small coefficients of the wall layers diverges. */
PetscErrorCode FFRansSolve(FFSolver s, PetscBool *converged)
{
  FFRans r = s->rans;
  const FFRansGradDivScale scale = r->grad_div_scale;
  /* the start is not the free stream (another nu tilde inside, or -initial's file) */
  const PetscBool from_file = s->initial[0] ? PETSC_TRUE : PETSC_FALSE;
  const PetscBool other_start = StartRatio(r) != r->nt_farfield_ratio || from_file ? PETSC_TRUE : PETSC_FALSE;
  /* the targets, -rans_rtol of the free stream's ||F|| with the per-cell and with the constant
   * coefficient (0: of the state the stage starts from, the free stream unless
   * -rans_nu_tilde_initial or -initial made it another) */
  PetscReal R_free = 0, R_free_none = 0;

  PetscFunctionBegin;
  s->stats.pseudo_steps = 0;
  r->n_hist = 0;
  r->reason[0] = '\0';
  if (scale != FF_RANS_GRAD_DIV_NONE || other_start) {
    Vec F, free_stream = s->u;
    PetscCall(VecDuplicate(s->u, &F));
    if (other_start) {
      PetscCall(VecDuplicate(s->u, &free_stream));
      PetscCall(ProjectFreeStream(s, r->nt_farfield_ratio, free_stream));
    }
    if (scale != FF_RANS_GRAD_DIV_NONE) PetscCall(SteadyNorm(s, free_stream, F, &R_free));
    if (other_start) {
      r->grad_div_scale = FF_RANS_GRAD_DIV_NONE;
      PetscCall(SteadyNorm(s, free_stream, F, &R_free_none));
      r->grad_div_scale = scale;
      PetscCall(VecDestroy(&free_stream));
    }
    PetscCall(VecDestroy(&F));
  }
  /* a solution from a file (another mesh's) would lose its wall layers to the constant stage */
  const PetscBool two_stages =
      scale != FF_RANS_GRAD_DIV_NONE && r->constant_start && !from_file ? PETSC_TRUE : PETSC_FALSE;
  const StageControl last = {r->reject_factor,
                             r->cfl_growth_rising > 0 ? r->cfl_growth_rising : PetscSqrtReal(r->cfl_growth)},
                     first = {r->first_reject_factor,
                              r->first_cfl_growth_rising > 0 ? r->first_cfl_growth_rising : last.growth_rising};
  if (two_stages) {
    r->grad_div_scale = FF_RANS_GRAD_DIV_NONE;
    PetscCall(Continuation(s, R_free_none, &first, converged));
    r->grad_div_scale = scale;
    PetscCall(FFSolverUpdateConstants(s, s->nu));
    if (!*converged) PetscFunctionReturn(0);
    if (r->monitor)
      PetscCall(PetscPrintf(s->comm, "RANS: from the constant grad-div coefficient to the per-cell one\n"));
  }
  PetscCall(Continuation(s, scale != FF_RANS_GRAD_DIV_NONE ? R_free : R_free_none, &last, converged));
  if (!*converged && two_stages) { /* say which stage: the constant one converged */
    char why[sizeof r->reason];
    PetscCall(PetscStrncpy(why, r->reason, sizeof why));
    PetscCall(PetscSNPrintf(r->reason, sizeof r->reason,
                            "from the converged solution with -%srans_grad_div_scale none (the constant coefficient) "
                            "to %s: %s",
                            s->prefix, GradDivScaleNames[scale], why));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetFailureReason(FFSolver s, const char **reason)
{
  PetscFunctionBegin;
  *reason = s->rans ? s->rans->reason : "";
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetResidualHistory(FFSolver s, PetscInt *n, const PetscReal **residual, const PetscReal **cfl)
{
  PetscFunctionBegin;
  *n = s->rans ? s->rans->n_hist : 0;
  if (residual) *residual = s->rans ? s->rans->hist_res : NULL;
  if (cfl) *cfl = s->rans ? s->rans->hist_cfl : NULL;
  PetscFunctionReturn(0);
}

/* ---------- what a solve reports ---------- */

PetscErrorCode FFRansSummaryProbes(FFSolver s, FFSolveSummary *sum)
{
  FFRans r = s->rans;

  PetscFunctionBegin;
  sum->n_cf_probes = r->n_cf_probes;
  for (PetscInt i = 0; i < r->n_cf_probes; i++) {
    sum->cf_probe[i][0] = r->cf_probe[i][0], sum->cf_probe[i][1] = r->cf_probe[i][1];
    PetscCall(FFSolverComputeSkinFrictionAt(s, sum->body, r->cf_probe[i], &sum->cf[i]));
  }
  sum->has_ref_cf = r->has_ref_cf && r->n_cf_probes > 0;
  sum->ref_cf = r->ref_cf;
  PetscFunctionReturn(0);
}

/* The RANS keys of the JSON summary. */
PetscErrorCode FFRansSummaryJSON(FFSolver s, const FFSolveSummary *sum, json_object *doc)
{
  FFRans r = s->rans;

  PetscFunctionBegin;
  json_object_object_add(doc, "turbulence_model", json_object_new_string("SA-neg"));
  json_object_object_add(doc, "nu_tilde_farfield", FFJsonNumber(r->nt_farfield_ratio * s->nu));
  if (r->nt_initial_ratio >= 0)
    json_object_object_add(doc, "nu_tilde_initial", FFJsonNumber(r->nt_initial_ratio * s->nu));
  if (sum->has_wall) {
    json_object_object_add(doc, "cd_pressure", FFJsonNumber(sum->wall.cd_pressure));
    json_object_object_add(doc, "cd_friction", FFJsonNumber(sum->wall.cd_friction));
    json_object_object_add(doc, "cl_pressure", FFJsonNumber(sum->wall.cl_pressure));
    json_object_object_add(doc, "cl_friction", FFJsonNumber(sum->wall.cl_friction));
    json_object_object_add(doc, "yplus_max", FFJsonNumber(sum->wall.yplus_max));
    json_object_object_add(doc, "yplus_mean", FFJsonNumber(sum->wall.yplus_mean));
  }
  if (sum->n_cf_probes) {
    json_object *list = json_object_new_array();
    for (PetscInt i = 0; i < sum->n_cf_probes; i++) {
      json_object *o = json_object_new_object();
      json_object_object_add(o, "x", FFJsonNumber(sum->cf_probe[i][0]));
      json_object_object_add(o, "y", FFJsonNumber(sum->cf_probe[i][1]));
      json_object_object_add(o, "value", FFJsonNumber(sum->cf[i]));
      if (i == 0 && sum->has_ref_cf) {
        json_object_object_add(o, "reference", FFJsonNumber(sum->ref_cf));
        json_object_object_add(o, "relative_error", FFJsonNumber((sum->cf[0] - sum->ref_cf) / sum->ref_cf));
      }
      json_object_array_add(list, o);
    }
    json_object_object_add(doc, "cf", list);
  }
  json_object_object_add(doc, "pseudo_steps", json_object_new_int64(s->stats.pseudo_steps));
  json_object_object_add(doc, "cfl_final", FFJsonNumber(s->stats.cfl));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeEddyViscosity(FFSolver s, PetscReal nu_t[])
{
  PetscMPIInt rank;
  PetscReal *field = NULL;

  PetscFunctionBegin;
  PetscCheck(s->problem == FF_PROBLEM_RANS, s->comm, PETSC_ERR_ARG_WRONG, "the eddy viscosity needs RANS");
  PetscCall(FFSolverGetNodeFieldLayout(s, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (!rank) PetscCall(PetscMalloc1((size_t)s->n_nodes * s->n_components, &field));
  PetscCall(FFSolverStateToNodeField(s, s->u, field));
  if (!rank)
    for (PetscInt i = 0; i < s->n_nodes; i++) {
      FFSpalartAllmarasTerms t;
      FFSpalartAllmarasPoint(s->nu, field[i * s->n_components + s->dim + 1], 0, 1, &t);
      nu_t[i] = t.nu_t;
    }
  PetscCall(PetscFree(field));
  PetscFunctionReturn(0);
}
