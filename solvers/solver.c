/* The solver object: creation, mesh, options, destruction. */
#include "ff_petsc.h"
#include "solver_private.h"

#include <string.h>

PetscErrorCode FFSolverCreate(MPI_Comm comm, FFSolver *solver)
{
  FFSolver s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm = comm;
  s->problem = FF_PROBLEM_NAVIER_STOKES;
  s->velocity_degree = 2;
  s->pressure_degree = 1;
  s->darcy_degree = 1;
  s->re = 1.0;
  s->ref_velocity = 1.0;
  s->ref_length = 1.0;
  s->density = 1.0;
  s->u_inf = 1.0;
  s->re_start = 0.0; /* automatic: Re / 8 */
  s->first_max_it = 15;
  s->re_growth = 2.0;
  s->max_continuation = 40;
  PetscCall(PetscStrncpy(s->darcy_source, "corners", sizeof s->darcy_source));
  s->source_strength = 10.0;
  s->source_width = 0.125;
  s->source_smoothing = 0.01;
  PetscCall(PetscStrncpy(s->grf_kernel, "gaussian", sizeof s->grf_kernel));
  s->grf_length = 0.1;
  s->grf_variance = 1.0;
  s->grf_modes = 1000;
  *solver = s;
  PetscFunctionReturn(0);
}

static PetscErrorCode AddGroup(FFSolver solver, const char *name, DMLabel label, PetscInt value)
{
  PetscFunctionBegin;
  PetscCheck(solver->n_groups < FF_MAX_GROUPS, solver->comm, PETSC_ERR_SUP, "more than %d boundary groups",
             FF_MAX_GROUPS);
  PetscCheck(strlen(name) < FF_NAME_LEN, solver->comm, PETSC_ERR_SUP, "group name '%s' is too long", name);
  FFBoundary *bc = &solver->bc[solver->n_groups++];
  PetscCall(PetscMemzero(bc, sizeof *bc));
  PetscCall(PetscStrncpy(bc->name, name, sizeof bc->name));
  bc->label = label;
  bc->value = value;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetMesh(FFSolver solver, FFMesh mesh)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCheck(!solver->setup, solver->comm, PETSC_ERR_ORDER, "FFSolverSetMesh after FFSolverSetUp");
  solver->mesh = mesh;
  solver->n_groups = 0;
  PetscCall(FFMeshGetDM(mesh, &solver->mesh_dm));
  PetscCall(FFMeshGetNumGroups(mesh, &n));
  for (PetscInt g = 0; g < n; g++) {
    const char *name;
    DMLabel label;
    PetscInt value;
    PetscCall(FFMeshGetGroupName(mesh, g, &name));
    PetscCall(FFMeshGetGroupLabel(mesh, name, &label, &value));
    PetscCall(AddGroup(solver, name, label, value));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetDM(FFSolver solver, DM dm, PetscInt n_groups, const char *const group_names[])
{
  PetscFunctionBegin;
  PetscCheck(!solver->setup, solver->comm, PETSC_ERR_ORDER, "FFSolverSetDM after FFSolverSetUp");
  solver->mesh = NULL;
  solver->mesh_dm = dm;
  solver->n_groups = 0;
  for (PetscInt g = 0; g < n_groups; g++) {
    DMLabel label;
    IS values;
    PetscInt n = 0, value = 1;
    PetscCall(DMGetLabel(dm, group_names[g], &label));
    PetscCheck(label, solver->comm, PETSC_ERR_ARG_WRONG, "the mesh has no label for group '%s'", group_names[g]);
    PetscCall(DMLabelGetValueIS(label, &values));
    PetscCall(ISGetLocalSize(values, &n));
    if (n) {
      const PetscInt *v;
      PetscCall(ISGetIndices(values, &v));
      value = v[0];
      PetscCall(ISRestoreIndices(values, &v));
    }
    PetscCall(ISDestroy(&values));
    /* the value must agree across ranks, some of which may hold none of the group */
    PetscInt gvalue;
    value = n ? value : PETSC_MAX_INT;
    PetscCall(MPIU_Allreduce(&value, &gvalue, 1, MPIU_INT, MPI_MIN, solver->comm));
    PetscCall(AddGroup(solver, group_names[g], label, gvalue));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetOptionsPrefix(FFSolver solver, const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(solver->prefix, prefix ? prefix : "", sizeof solver->prefix));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetProblem(FFSolver solver, FFProblemType problem)
{
  PetscFunctionBegin;
  solver->problem = problem;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetProblem(FFSolver solver, FFProblemType *problem)
{
  PetscFunctionBegin;
  *problem = solver->problem;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetReynolds(FFSolver solver, PetscReal re)
{
  PetscFunctionBegin;
  PetscCheck(re > 0, solver->comm, PETSC_ERR_ARG_OUTOFRANGE, "the Reynolds number (-re) must be > 0, got %.6g",
             (double)re);
  solver->re = re;
  solver->nu = solver->ref_velocity * solver->ref_length / re;
  if (solver->setup) PetscCall(FFSolverUpdateConstants(solver, solver->nu));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetReynolds(FFSolver solver, PetscReal *re)
{
  PetscFunctionBegin;
  *re = solver->re;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFunctionGroup(FFSolver solver, const char group[], FFPointFunction fn, void *ctx)
{
  FFBoundary *bc = FFSolverFindGroup(solver, group);

  PetscFunctionBegin;
  PetscCheck(!solver->setup, solver->comm, PETSC_ERR_ORDER, "boundary function for '%s' after FFSolverSetUp", group);
  PetscCheck(bc, solver->comm, PETSC_ERR_ARG_WRONG, "the mesh has no boundary group '%s'", group);
  bc->type = FF_BC_FUNCTION;
  bc->fn = fn;
  bc->fn_ctx = ctx;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetBoundaryFunction(FFSolver solver, const char group[], FFPointFunction fn, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(SetFunctionGroup(solver, group, fn, ctx));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetDarcySource(FFSolver solver, FFPointFunction fn, void *ctx)
{
  PetscFunctionBegin;
  PetscCheck(!solver->setup, solver->comm, PETSC_ERR_ORDER, "FFSolverSetDarcySource after FFSolverSetUp");
  solver->source_fn = fn;
  solver->source_ctx = ctx;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetPermeability(FFSolver solver, FFPointFunction fn, void *ctx)
{
  PetscFunctionBegin;
  PetscCheck(!solver->setup, solver->comm, PETSC_ERR_ORDER, "FFSolverSetPermeability after FFSolverSetUp");
  solver->permeability_fn = fn;
  solver->permeability_ctx = ctx;
  PetscFunctionReturn(0);
}

/* What a solve reports: the body of the forces (default: a group named cylinder, airfoil or
 * body), the dp probes and the case's reference values. */
static PetscErrorCode ReportOptions(FFSolver s, PetscOptionItems *PetscOptionsObject)
{
  PetscInt n = 4;
  PetscBool set;

  PetscFunctionBegin;
  if (!s->forces_body[0])
    for (PetscInt g = 0; g < s->n_groups; g++)
      if (!strcmp(s->bc[g].name, "cylinder") || !strcmp(s->bc[g].name, "airfoil") || !strcmp(s->bc[g].name, "body"))
        PetscCall(PetscStrncpy(s->forces_body, s->bc[g].name, sizeof s->forces_body));
  PetscCall(PetscOptionsString("-forces_body", "Boundary group whose drag and lift are reported", "docs/cases.md",
                               s->forces_body, s->forces_body, sizeof s->forces_body, &set));
  if (set) {
    PetscCheck(s->forces_body[0], s->comm, PETSC_ERR_ARG_WRONG, "option -%sforces_body: give a group name", s->prefix);
    /* without a mesh (a command's -help) there are no groups to check against */
    PetscCheck(s->n_groups == 0 || FFSolverFindGroup(s, s->forces_body), s->comm, PETSC_ERR_ARG_WRONG,
               "option -%sforces_body: the mesh has no boundary group '%s'", s->prefix, s->forces_body);
  }
  PetscCall(PetscOptionsRealArray("-dp_probes", "Points a and b (xa,ya,xb,yb) of the pressure difference p(a) - p(b)",
                                  "docs/cases.md", s->dp_probes, &n, &set));
  if (set) {
    PetscCheck(n == 4, s->comm, PETSC_ERR_ARG_WRONG, "option -%sdp_probes: give xa,ya,xb,yb (4 numbers), not %d",
               s->prefix, (int)n);
    s->has_dp_probes = PETSC_TRUE;
  }
  PetscCall(PetscOptionsReal("-ref_cd", "Reference C_D printed beside the result", "docs/cases.md", s->ref_cd,
                             &s->ref_cd, &s->has_ref_cd));
  PetscCall(PetscOptionsReal("-ref_cl", "Reference C_L printed beside the result", "docs/cases.md", s->ref_cl,
                             &s->ref_cl, &s->has_ref_cl));
  PetscCall(PetscOptionsReal("-ref_dp", "Reference dp printed beside the result", "docs/cases.md", s->ref_dp,
                             &s->ref_dp, &s->has_ref_dp));
  PetscFunctionReturn(0);
}

static PetscErrorCode NavierStokesOptions(FFSolver s, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-re", "Reynolds number U_ref L_ref / nu", "docs/cases.md", s->re, &s->re, NULL));
  PetscCheck(s->re > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "option -%sre: the Reynolds number must be > 0, got %.6g",
             s->prefix, (double)s->re);
  PetscCall(PetscOptionsReal("-ref_velocity", "Reference velocity U_ref (Re, C_D, C_L, C_p)", "docs/cases.md",
                             s->ref_velocity, &s->ref_velocity, NULL));
  PetscCall(PetscOptionsReal("-ref_length", "Reference length L_ref (Re, C_D, C_L)", "docs/cases.md", s->ref_length,
                             &s->ref_length, NULL));
  PetscCheck(s->ref_velocity > 0 && s->ref_length > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%sref_velocity and -%sref_length must be > 0", s->prefix, s->prefix);
  PetscCall(PetscOptionsReal("-density", "Density rho (forces)", "docs/cases.md", s->density, &s->density, NULL));
  PetscCall(PetscOptionsReal("-u_inf", "Free-stream speed (freestream boundaries)", "docs/cases.md", s->u_inf,
                             &s->u_inf, NULL));
  PetscCall(PetscOptionsReal("-aoa", "Angle of attack in degrees: free-stream direction and drag direction",
                             "docs/cases.md", s->aoa_deg, &s->aoa_deg, NULL));
  PetscCall(PetscOptionsString("-initial",
                               "Initial state from this .vtu of a solve on the same geometry (any mesh: its fields "
                               "interpolated here); RANS then goes straight to the per-cell grad-div stage",
                               "docs/cases.md", s->initial, s->initial, sizeof s->initial, NULL));
  PetscCall(PetscOptionsReal("-p_ref", "Reference pressure of C_p", "docs/cases.md", s->p_ref, &s->p_ref, NULL));
  PetscCall(PetscOptionsReal("-continuation_re_start",
                             "First Re of the continuation when Newton fails at -re (0: Re / 8)", "docs/cases.md",
                             s->re_start, &s->re_start, NULL));
  PetscCall(PetscOptionsInt("-continuation_first_max_it",
                            "Newton iterations allowed at the target Re before the continuation takes over",
                            "docs/cases.md", s->first_max_it, &s->first_max_it, NULL));
  PetscCall(PetscOptionsReal("-continuation_growth", "Factor between continuation steps (reduced on failure)",
                             "docs/cases.md", s->re_growth, &s->re_growth, NULL));
  PetscCall(PetscOptionsInt("-continuation_max_steps", "Most continuation solves", "docs/cases.md", s->max_continuation,
                            &s->max_continuation, NULL));
  PetscCheck(s->re_start >= 0 && s->re_growth > 1 && s->first_max_it > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%scontinuation_re_start must be >= 0, -%scontinuation_growth > 1 and "
             "-%scontinuation_first_max_it > 0",
             s->prefix, s->prefix, s->prefix);
  PetscCall(ReportOptions(s, PetscOptionsObject));
  s->nu = s->ref_velocity * s->ref_length / s->re;
  PetscFunctionReturn(0);
}

static PetscErrorCode DarcyOptions(FFSolver s, PetscOptionItems *PetscOptionsObject)
{
  const char *sources[] = {"corners", "smooth"};
  const char *kernels[] = {"gaussian", "exponential"};
  PetscInt isrc = 0, iker = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsInt("-darcy_degree", "Lagrange degree of K and p", "docs/cases.md", s->darcy_degree,
                            &s->darcy_degree, NULL));
  PetscCheck(s->darcy_degree == 1 || s->darcy_degree == 2, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%sdarcy_degree must be 1 or 2", s->prefix);
  isrc = strcmp(s->darcy_source, "corners") ? 1 : 0;
  PetscCall(PetscOptionsEList("-darcy_source", "Source f: corners (+S/-S squares in opposite corners) or smooth",
                              "docs/cases.md", sources, 2, sources[isrc], &isrc, NULL));
  PetscCall(PetscStrncpy(s->darcy_source, sources[isrc], sizeof s->darcy_source));
  PetscCall(PetscOptionsReal("-darcy_source_strength", "Source strength S", "docs/cases.md", s->source_strength,
                             &s->source_strength, NULL));
  PetscCall(PetscOptionsReal("-darcy_source_width", "Side of the corner squares (fraction of the domain)",
                             "docs/cases.md", s->source_width, &s->source_width, NULL));
  PetscCall(PetscOptionsReal("-darcy_source_smoothing", "Width of the tanh smoothing of the corner squares",
                             "docs/cases.md", s->source_smoothing, &s->source_smoothing, NULL));
  PetscCheck(s->source_width > 0 && s->source_smoothing > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%sdarcy_source_width and -%sdarcy_source_smoothing must be > 0", s->prefix, s->prefix);
  iker = strcmp(s->grf_kernel, "gaussian") ? 1 : 0;
  PetscCall(
      PetscOptionsEList("-grf_kernel", "Covariance of log K", "docs/cases.md", kernels, 2, kernels[iker], &iker, NULL));
  PetscCall(PetscStrncpy(s->grf_kernel, kernels[iker], sizeof s->grf_kernel));
  PetscCall(PetscOptionsReal("-grf_length", "Correlation length of log K", "docs/cases.md", s->grf_length,
                             &s->grf_length, NULL));
  PetscCall(
      PetscOptionsReal("-grf_variance", "Variance of log K", "docs/cases.md", s->grf_variance, &s->grf_variance, NULL));
  PetscCall(PetscOptionsReal("-grf_mean", "Mean of log K", "docs/cases.md", s->grf_mean, &s->grf_mean, NULL));
  PetscCall(PetscOptionsInt("-grf_modes", "Random Fourier modes of the field", "docs/cases.md", s->grf_modes,
                            &s->grf_modes, NULL));
  PetscCall(PetscOptionsInt("-seed", "Seed of the permeability field", "docs/cases.md", s->seed, &s->seed, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolverOptions(PetscOptionItems *PetscOptionsObject, void *ctx)
{
  FFSolver s = ctx;
  const char *problems[] = {"navier-stokes", "darcy", "rans"};
  PetscInt iprob = s->problem;
  PetscFunctionBegin;
  PetscCall(
      PetscOptionsEList("-problem", "Equations to solve", "docs/cases.md", problems, 3, problems[iprob], &iprob, NULL));
  s->problem = (FFProblemType)iprob;
  if (FFSolverIsFlow(s))
    PetscCall(NavierStokesOptions(s, PetscOptionsObject));
  else
    PetscCall(DarcyOptions(s, PetscOptionsObject));
  if (s->problem == FF_PROBLEM_RANS) PetscCall(FFRansOptions(s, PetscOptionsObject));
  PetscCall(PetscOptionsInt("-quadrature_degree", "Degree of exactness of the quadrature (0: by the problem)",
                            "docs/cases.md", s->quadrature_degree, &s->quadrature_degree, NULL));
  PetscCall(FFBoundaryOptions(s, PetscOptionsObject));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverSetFromOptions(FFSolver s)
{
  PetscBool help;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  PetscCheck(s->mesh_dm || help, s->comm, PETSC_ERR_ORDER, "FFSolverSetFromOptions before FFSolverSetMesh");
  PetscCall(FFOptionsBlock(s->comm, s->prefix, "Reference solver options", "FFSolver", SolverOptions, s));
  if (s->mesh_dm) PetscCall(FFBoundaryCheckUnknownGroups(s));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverDestroy(FFSolver *solver)
{
  FFSolver s = *solver;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(0);
  PetscCall(PetscFree2(s->point_node, s->point_owned));
  PetscCall(FFRansDestroy(s));
  PetscCall(MatNullSpaceDestroy(&s->nullspace));
  PetscCall(MatDestroy(&s->J));
  PetscCall(VecDestroy(&s->u));
  PetscCall(VecDestroy(&s->aux));
  PetscCall(SNESDestroy(&s->snes));
  PetscCall(DMDestroy(&s->aux_dm));
  PetscCall(DMDestroy(&s->dm));
  PetscCall(PetscFree(s));
  *solver = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverCheckSetUp(FFSolver solver, const char *caller)
{
  PetscFunctionBegin;
  PetscCheck(solver->setup, solver->comm, PETSC_ERR_ORDER, "%s before FFSolverSetUp", caller);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetDM(FFSolver solver, DM *dm)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(solver, "FFSolverGetDM"));
  *dm = solver->dm;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetSNES(FFSolver solver, SNES *snes)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(solver, "FFSolverGetSNES"));
  *snes = solver->snes;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetSolution(FFSolver solver, Vec *u)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(solver, "FFSolverGetSolution"));
  *u = solver->u;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverGetSolveStats(FFSolver solver, FFSolveStats *stats)
{
  PetscFunctionBegin;
  *stats = solver->stats;
  PetscFunctionReturn(0);
}
