/* Boundary conditions per physical group, read from options `-bc_<group> type[:values]`
 * (docs/cases.md), validated against the mesh's groups and added to the DM. */
#include "solver_private.h"

#include <string.h>

const char *const FFBoundaryTypeNames[] = {"unset",   "noslip",    "velocity", "parabolic", "freestream",
                                           "outflow", "dirichlet", "neumann",  "function",  "symmetry"};

static const char *const NavierStokesTypes = "noslip, velocity:ux,uy, parabolic:peak, freestream, outflow, symmetry";
static const char *const DarcyTypes = "dirichlet[:p], neumann";

FFBoundary *FFSolverFindGroup(FFSolver solver, const char name[])
{
  for (PetscInt g = 0; g < solver->n_groups; g++)
    if (!strcmp(solver->bc[g].name, name)) return &solver->bc[g];
  return NULL;
}

/* Parses "a,b,..." into at most n reals; *count gets how many there were. */
static PetscErrorCode ParseReals(const char *option, const char *text, PetscInt n, PetscReal v[], PetscInt *count)
{
  PetscFunctionBegin;
  *count = 0;
  const char *s = text;
  while (s && *s) {
    char *end;
    double x = strtod(s, &end);
    PetscCheck(end != s, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: cannot read a number in '%s'", option, text);
    PetscCheck(*count < n, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: more than %d numbers in '%s'", option,
               (int)n, text);
    v[(*count)++] = (PetscReal)x;
    s = end;
    if (*s == ',')
      s++;
    else
      PetscCheck(*s == '\0', PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: unexpected '%s'", option, s);
  }
  PetscFunctionReturn(0);
}

/* Reads one "type[:values]" specification into bc. */
static PetscErrorCode ParseSpec(FFSolver solver, FFBoundary *bc, const char *option, const char *spec)
{
  char type[FF_NAME_LEN];
  const char *colon = strchr(spec, ':');
  const char *values = colon ? colon + 1 : "";
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  PetscReal v[2];
  PetscInt n;
  const PetscBool ns = FFSolverIsFlow(solver);

  PetscFunctionBegin;
  PetscCheck(len < sizeof type, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: unknown boundary type '%s'", option,
             spec);
  memcpy(type, spec, len);
  type[len] = '\0';
  PetscCall(ParseReals(option, values, 2, v, &n));
  if (ns && !strcmp(type, "noslip")) {
    bc->type = FF_BC_NOSLIP;
    PetscCheck(n == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: noslip takes no values", option);
  } else if (ns && !strcmp(type, "velocity")) {
    bc->type = FF_BC_VELOCITY;
    PetscCheck(n == 2, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: give velocity:ux,uy, not '%s'", option, spec);
    bc->velocity[0] = v[0];
    bc->velocity[1] = v[1];
  } else if (ns && !strcmp(type, "parabolic")) {
    bc->type = FF_BC_PARABOLIC;
    PetscCheck(n == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: give parabolic:peak, not '%s'", option, spec);
    bc->peak = v[0];
  } else if (ns && !strcmp(type, "freestream")) {
    bc->type = FF_BC_FREESTREAM;
    PetscCheck(n == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "option %s: freestream takes no values (speed -u_inf, angle -aoa)", option);
  } else if (ns && !strcmp(type, "outflow")) {
    bc->type = FF_BC_OUTFLOW;
    PetscCheck(n == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: outflow takes no values", option);
  } else if (ns && !strcmp(type, "symmetry")) {
    bc->type = FF_BC_SYMMETRY;
    PetscCheck(n == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: symmetry takes no values", option);
  } else if (!ns && !strcmp(type, "dirichlet")) {
    bc->type = FF_BC_DIRICHLET;
    bc->pressure = n ? v[0] : 0.0;
    PetscCheck(n <= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: give dirichlet[:p], not '%s'", option, spec);
  } else if (!ns && !strcmp(type, "neumann")) {
    bc->type = FF_BC_NEUMANN;
    PetscCheck(n == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: neumann takes no values (zero flux)", option);
  } else {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: unknown boundary type '%s' for %s (known: %s)", option,
            type, ns ? "Navier-Stokes" : "Darcy", ns ? NavierStokesTypes : DarcyTypes);
  }
  PetscFunctionReturn(0);
}

/* The condition a group gets when no option names it. */
static PetscErrorCode DefaultCondition(FFSolver solver, FFBoundary *bc)
{
  PetscFunctionBegin;
  if (bc->type != FF_BC_UNSET) PetscFunctionReturn(0);
  if (solver->problem == FF_PROBLEM_DARCY)
    bc->type = FF_BC_NEUMANN;
  else if (FFMeshIsWallName(bc->name))
    bc->type = FF_BC_NOSLIP;
  else if (!strcmp(bc->name, "outlet"))
    bc->type = FF_BC_OUTFLOW;
  else if (!strcmp(bc->name, "farfield"))
    bc->type = FF_BC_FREESTREAM;
  else
    SETERRQ(solver->comm, PETSC_ERR_ARG_WRONG,
            "no boundary condition for group '%s': give -%sbc_%s with one of %s (see docs/cases.md)", bc->name,
            solver->prefix, bc->name, NavierStokesTypes);
  PetscFunctionReturn(0);
}

PetscErrorCode FFBoundaryOptions(FFSolver solver, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBegin;
  if (solver->n_groups == 0 && PetscOptionsObject->printhelp) {
    /* no mesh yet (a command's -help): the family of options, one per boundary group */
    char spec[8] = "", help[256];
    PetscCall(PetscSNPrintf(help, sizeof help, "Boundary condition on a boundary group: %s (Darcy: %s)",
                            NavierStokesTypes, DarcyTypes));
    PetscCall(PetscOptionsString("-bc_<group>", help, "docs/cases.md", spec, spec, sizeof spec, NULL));
  }
  for (PetscInt g = 0; g < solver->n_groups; g++) {
    FFBoundary *bc = &solver->bc[g];
    char option[2 * FF_NAME_LEN], spec[256] = "", help[256];
    PetscBool set;

    if (bc->type == FF_BC_FUNCTION) continue; /* set in code */
    PetscCall(PetscSNPrintf(option, sizeof option, "-bc_%s", bc->name));
    PetscCall(PetscSNPrintf(help, sizeof help, "Boundary condition on group %s: %s", bc->name,
                            solver->problem == FF_PROBLEM_DARCY ? DarcyTypes : NavierStokesTypes));
    PetscCall(PetscOptionsString(option, help, "docs/cases.md", spec, spec, sizeof spec, &set));
    if (set) {
      char full[2 * FF_NAME_LEN + FF_NAME_LEN];
      PetscCall(PetscSNPrintf(full, sizeof full, "-%s%s", solver->prefix, option + 1));
      bc->type = FF_BC_UNSET;
      PetscCall(ParseSpec(solver, bc, full, spec));
    }
  }
  PetscFunctionReturn(0);
}

/* A -bc_<name> option for a group the mesh does not have is an error, not a silent no-op. */
PetscErrorCode FFBoundaryCheckUnknownGroups(FFSolver solver)
{
  char *all;
  char key[2 * FF_NAME_LEN];

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscSNPrintf(key, sizeof key, "-%sbc_", solver->prefix));
  const size_t keylen = strlen(key);
  for (char *s = strstr(all, key); s; s = strstr(s + 1, key)) {
    if (s != all && s[-1] != ' ') continue;
    char name[FF_NAME_LEN];
    size_t n = strcspn(s + keylen, " ");
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, s + keylen, n);
    name[n] = '\0';
    if (!FFSolverFindGroup(solver, name)) {
      char groups[FF_MAX_GROUPS * (FF_NAME_LEN + 2)] = "";
      for (PetscInt g = 0; g < solver->n_groups; g++) {
        if (g) PetscCall(PetscStrlcat(groups, ", ", sizeof groups));
        PetscCall(PetscStrlcat(groups, solver->bc[g].name, sizeof groups));
      }
      PetscCall(PetscFree(all));
      SETERRQ(solver->comm, PETSC_ERR_ARG_WRONG, "option %s%s: the mesh has no boundary group '%s' (groups: %s)", key,
              name, name, groups);
    }
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

/* ---------- Dirichlet values ---------- */

static PetscErrorCode ZeroVelocity(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                   void *ctx)
{
  (void)dim, (void)time, (void)x, (void)ctx;
  for (PetscInt c = 0; c < Nc; c++) u[c] = 0.0;
  return 0;
}

static PetscErrorCode ConstantVelocity(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                       void *ctx)
{
  const FFBoundary *bc = (const FFBoundary *)ctx;
  (void)dim, (void)time, (void)x;
  for (PetscInt c = 0; c < Nc; c++) u[c] = bc->velocity[c];
  return 0;
}

static PetscErrorCode ParabolicVelocity(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                        void *ctx)
{
  const FFBoundary *bc = (const FFBoundary *)ctx;
  (void)dim, (void)time;
  PetscReal s = ((x[0] - bc->origin[0]) * bc->tangent[0] + (x[1] - bc->origin[1]) * bc->tangent[1]) / bc->length;
  s = PetscMax(0.0, PetscMin(1.0, s));
  for (PetscInt c = 0; c < Nc; c++) u[c] = 4.0 * bc->peak * s * (1.0 - s) * bc->normal[c];
  return 0;
}

static PetscErrorCode ConstantPressure(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                                       void *ctx)
{
  const FFBoundary *bc = (const FFBoundary *)ctx;
  (void)dim, (void)time, (void)x;
  for (PetscInt c = 0; c < Nc; c++) u[c] = bc->pressure;
  return 0;
}

/* The straight segment of a parabolic inflow: its end points along the longer side of the
 * group's bounding box, and the normal that points into the fluid (found from the cells
 * next to the group's faces). */
static PetscErrorCode ParabolicSegment(FFSolver solver, FFBoundary *bc)
{
  DM dm = solver->dm;
  PetscReal box[4] = {PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_MAX_REAL}, gbox[4], side = 0, gside;
  IS faces;
  const PetscInt *fp;
  PetscInt nf = 0, vStart, vEnd;

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
    for (PetscInt k = 0; k < ncl; k++) {
      const PetscInt v = closure[2 * k];
      PetscReal xv[2];
      if (v < vStart || v >= vEnd) continue;
      PetscCall(FFVertexCoordinates(dm, v, xv));
      box[0] = PetscMin(box[0], xv[0]);
      box[1] = PetscMin(box[1], -xv[0]);
      box[2] = PetscMin(box[2], xv[1]);
      box[3] = PetscMin(box[3], -xv[1]);
    }
    PetscCall(DMPlexRestoreTransitiveClosure(dm, fp[i], PETSC_TRUE, &ncl, &closure));
  }
  PetscCall(MPIU_Allreduce(box, gbox, 4, MPIU_REAL, MPIU_MIN, solver->comm));
  PetscCheck(gbox[0] < PETSC_MAX_REAL, solver->comm, PETSC_ERR_ARG_WRONG,
             "-bc_%s parabolic: the group '%s' has no boundary faces", bc->name, bc->name);
  const PetscReal wx = -gbox[1] - gbox[0], wy = -gbox[3] - gbox[2];
  const PetscBool along_x = wx >= wy;
  bc->origin[0] = gbox[0];
  bc->origin[1] = gbox[2];
  bc->tangent[0] = along_x ? 1.0 : 0.0;
  bc->tangent[1] = along_x ? 0.0 : 1.0;
  bc->length = along_x ? wx : wy;
  PetscCheck(bc->length > 0, solver->comm, PETSC_ERR_ARG_WRONG, "-bc_%s parabolic: the group has zero length",
             bc->name);
  /* inward normal: the side of the segment the adjacent cells lie on */
  for (PetscInt i = 0; i < nf; i++) {
    const PetscInt *support;
    PetscInt ns;
    PetscReal c[2], f[2];
    PetscCall(DMPlexGetSupportSize(dm, fp[i], &ns));
    if (ns != 1) continue;
    PetscCall(DMPlexGetSupport(dm, fp[i], &support));
    PetscCall(FFPointCentroid(dm, support[0], c));
    PetscCall(FFPointCentroid(dm, fp[i], f));
    side += along_x ? c[1] - f[1] : c[0] - f[0];
  }
  if (faces) {
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCall(MPIU_Allreduce(&side, &gside, 1, MPIU_REAL, MPIU_SUM, solver->comm));
  bc->normal[0] = along_x ? 0.0 : (gside > 0 ? 1.0 : -1.0);
  bc->normal[1] = along_x ? (gside > 0 ? 1.0 : -1.0) : 0.0;
  PetscFunctionReturn(0);
}

/* Adds the Dirichlet conditions to the DM; a flow without any natural (outflow) boundary
 * has its pressure fixed only up to a constant: has_nullspace. */
/* A symmetry group must be a straight segment along x or y: its normal velocity component. */
static PetscErrorCode SymmetryComponent(FFSolver solver, FFBoundary *bc)
{
  DM dm = solver->dm;
  PetscReal box[4] = {PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_MAX_REAL, PETSC_MAX_REAL}, gbox[4];
  IS faces;
  const PetscInt *fp;
  PetscInt nf = 0, vStart, vEnd;

  PetscFunctionBegin;
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vStart, &vEnd));
  PetscCall(DMLabelGetStratumIS(bc->label, bc->value, &faces));
  if (faces) {
    PetscCall(ISGetLocalSize(faces, &nf));
    PetscCall(ISGetIndices(faces, &fp));
  }
  for (PetscInt i = 0; i < nf; i++) {
    PetscInt pts[6];
    PetscReal xy[12];
    const PetscInt *support;
    PetscCall(DMPlexGetSupport(dm, fp[i], &support));
    PetscCall(FFCellNodeCoordinates(dm, support[0], pts, xy));
    for (PetscInt k = 0; k < 6; k++) {
      const PetscInt *cone;
      PetscBool on = pts[k] == fp[i];
      PetscCall(DMPlexGetCone(dm, fp[i], &cone));
      on = on || pts[k] == cone[0] || pts[k] == cone[1];
      if (!on) continue;
      box[0] = PetscMin(box[0], xy[2 * k]);
      box[1] = PetscMin(box[1], -xy[2 * k]);
      box[2] = PetscMin(box[2], xy[2 * k + 1]);
      box[3] = PetscMin(box[3], -xy[2 * k + 1]);
    }
  }
  if (faces) {
    PetscCall(ISRestoreIndices(faces, &fp));
    PetscCall(ISDestroy(&faces));
  }
  PetscCall(MPIU_Allreduce(box, gbox, 4, MPIU_REAL, MPIU_MIN, solver->comm));
  PetscCheck(gbox[0] < PETSC_MAX_REAL, solver->comm, PETSC_ERR_ARG_WRONG,
             "-%sbc_%s symmetry: the group '%s' has no boundary faces", solver->prefix, bc->name, bc->name);
  const PetscReal wx = -gbox[1] - gbox[0], wy = -gbox[3] - gbox[2], tol = 1e-10 * PetscMax(1, PetscMax(wx, wy));
  PetscCheck(wx <= tol || wy <= tol, solver->comm, PETSC_ERR_SUP,
             "-%sbc_%s symmetry: the group must be a straight segment along x or y (its box is %g x %g)",
             solver->prefix, bc->name, (double)wx, (double)wy);
  bc->normal_component = wy <= tol ? 1 : 0;
  PetscFunctionReturn(0);
}

PetscErrorCode FFBoundaryAddToDM(FFSolver solver)
{
  const PetscBool ns = FFSolverIsFlow(solver);
  PetscBool natural = PETSC_FALSE;

  PetscFunctionBegin;
  for (PetscInt g = 0; g < solver->n_groups; g++) {
    FFBoundary *bc = &solver->bc[g];
    PetscErrorCode (*fn)(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = NULL;
    void *ctx = bc;

    PetscCall(DefaultCondition(solver, bc));
    PetscCheck(ns || bc->type != FF_BC_SYMMETRY, solver->comm, PETSC_ERR_ARG_WRONG,
               "-%sbc_%s: symmetry is a flow condition", solver->prefix, bc->name);
    switch (bc->type) {
    case FF_BC_NOSLIP:
      fn = ZeroVelocity;
      break;
    case FF_BC_VELOCITY:
      fn = ConstantVelocity;
      break;
    case FF_BC_FREESTREAM:
      bc->velocity[0] = solver->u_inf * PetscCosReal(solver->aoa_deg * PETSC_PI / 180.0);
      bc->velocity[1] = solver->u_inf * PetscSinReal(solver->aoa_deg * PETSC_PI / 180.0);
      fn = ConstantVelocity;
      break;
    case FF_BC_PARABOLIC:
      PetscCall(ParabolicSegment(solver, bc));
      fn = ParabolicVelocity;
      break;
    case FF_BC_DIRICHLET:
      fn = ConstantPressure;
      break;
    case FF_BC_FUNCTION:
      fn = bc->fn;
      ctx = bc->fn_ctx;
      break;
    case FF_BC_OUTFLOW:
    case FF_BC_NEUMANN:
      natural = PETSC_TRUE;
      break;
    case FF_BC_SYMMETRY:
      PetscCall(SymmetryComponent(solver, bc));
      PetscCall(DMAddBoundary(solver->dm, DM_BC_ESSENTIAL, bc->name, bc->label, 1, &bc->value, 0, 1,
                              &bc->normal_component, (void (*)(void))ZeroVelocity, NULL, NULL, NULL));
      break;
    default:
      SETERRQ(solver->comm, PETSC_ERR_PLIB, "group %s: boundary condition not resolved", bc->name);
    }
    if (fn) {
      const PetscInt field = ns ? 0 : 1;
      PetscCall(DMAddBoundary(solver->dm, DM_BC_ESSENTIAL, bc->name, bc->label, 1, &bc->value, field, 0, NULL,
                              (void (*)(void))fn, NULL, ctx, NULL));
    }
  }
  /* Darcy: a Dirichlet pressure boundary fixes the constant; Navier-Stokes: an outflow does */
  solver->has_nullspace = ns ? !natural : natural;
  if (!ns) {
    PetscBool dirichlet = PETSC_FALSE;
    for (PetscInt g = 0; g < solver->n_groups; g++)
      if (solver->bc[g].type == FF_BC_DIRICHLET || solver->bc[g].type == FF_BC_FUNCTION) dirichlet = PETSC_TRUE;
    solver->has_nullspace = !dirichlet;
  }
  if (solver->problem == FF_PROBLEM_RANS) PetscCall(FFRansAddBoundaries(solver));
  PetscFunctionReturn(0);
}
