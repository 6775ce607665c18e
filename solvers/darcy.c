/* Darcy's auxiliary fields: the given permeability K* = exp(g), g a Gaussian random field
 * (or a user function), and the source f, both interpolated at the Lagrange nodes.
 *
 * Sources (-darcy_source):
 *   corners: +S on the square of side w at the lower-left corner of the domain's bounding
 *            box, -S on the one at the upper-right corner, each edge smoothed by
 *            0.5 (1 + tanh(d / delta)) (PBFM's Darcy benchmark: S = 10, w = 0.125);
 *   smooth:  S cos(pi xi) cos(pi eta) in the box's normalized coordinates.
 * Both have zero mean; with only Neumann boundaries the discrete mean is removed exactly,
 * so the singular problem is consistent. */
#include "solver_private.h"

#include <string.h>

typedef struct {
  PetscReal lo[2], hi[2], strength, width, smoothing;
  PetscBool smooth;
} SourceCtx;

static PetscReal Step(PetscReal d, PetscReal delta) { return 0.5 * (1.0 + PetscTanhReal(d / delta)); }

static PetscErrorCode BuiltinSource(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *f,
                                    void *ctx)
{
  const SourceCtx *s = (const SourceCtx *)ctx;
  PetscReal xi[2], w, d;
  (void)dim, (void)time, (void)Nc;
  for (PetscInt i = 0; i < 2; i++) xi[i] = (x[i] - s->lo[i]) / (s->hi[i] - s->lo[i]);
  if (s->smooth) {
    f[0] = s->strength * PetscCosReal(PETSC_PI * xi[0]) * PetscCosReal(PETSC_PI * xi[1]);
    return 0;
  }
  w = s->width;
  d = s->smoothing;
  f[0] = s->strength * (Step(w - xi[0], d) * Step(w - xi[1], d) - Step(xi[0] - (1 - w), d) * Step(xi[1] - (1 - w), d));
  return 0;
}

static PetscErrorCode GrfPermeability(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *k,
                                      void *ctx)
{
  (void)dim, (void)time, (void)Nc;
  k[0] = PetscExpReal(FFGrfEvaluate((const FFGrf *)ctx, x));
  return 0;
}

/* Subtracts the mean of the source (aux field 1) over the domain. */
static PetscErrorCode RemoveSourceMean(FFSolver s, Vec global)
{
  PetscDS ds;
  PetscScalar integral[2];
  IS is;

  PetscFunctionBegin;
  PetscCall(DMGetDS(s->aux_dm, &ds));
  PetscCall(FFSetMeanObjectives(ds));
  PetscCall(DMPlexComputeIntegralFEM(s->aux_dm, global, integral, NULL));
  PetscCall(DMCreateSubDM(s->aux_dm, 1, (PetscInt[]){1}, &is, NULL));
  PetscCall(FFVecISShift(global, is, -PetscRealPart(integral[1]) / PetscRealPart(integral[0])));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

/* Copies the given permeability K* (aux field 0) into the state's K: a Darcy solve starts
 * there (at K = 0 the Jacobian of the pressure rows would vanish). */
PetscErrorCode FFDarcyResetPermeability(FFSolver s, Vec u)
{
  IS is_u, is_aux;
  Vec global, sub_u, sub_aux;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(s->aux_dm, &global));
  PetscCall(DMLocalToGlobal(s->aux_dm, s->aux, INSERT_VALUES, global));
  PetscCall(DMCreateSubDM(s->dm, 1, (PetscInt[]){0}, &is_u, NULL));
  PetscCall(DMCreateSubDM(s->aux_dm, 1, (PetscInt[]){0}, &is_aux, NULL));
  PetscCall(VecGetSubVector(u, is_u, &sub_u));
  PetscCall(VecGetSubVector(global, is_aux, &sub_aux));
  PetscCall(VecCopy(sub_aux, sub_u));
  PetscCall(VecRestoreSubVector(global, is_aux, &sub_aux));
  PetscCall(VecRestoreSubVector(u, is_u, &sub_u));
  PetscCall(ISDestroy(&is_aux));
  PetscCall(ISDestroy(&is_u));
  PetscCall(DMRestoreGlobalVector(s->aux_dm, &global));
  PetscFunctionReturn(0);
}

PetscErrorCode FFDarcySetUpAux(FFSolver s)
{
  PetscFE fe_main, fe_k, fe_f;
  PetscDS ds;
  Vec global;
  FFGrf grf = {0};
  SourceCtx src;
  PetscErrorCode (*fns[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *);
  void *ctxs[2];

  PetscFunctionBegin;
  PetscCall(DMClone(s->dm, &s->aux_dm));
  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetDiscretization(ds, 0, (PetscObject *)&fe_main));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, 1, PETSC_TRUE, s->darcy_degree, PETSC_DETERMINE, &fe_k));
  PetscCall(PetscFECreateLagrange(PETSC_COMM_SELF, s->dim, 1, PETSC_TRUE, 2, PETSC_DETERMINE, &fe_f));
  PetscCall(PetscFECopyQuadrature(fe_main, fe_k));
  PetscCall(PetscFECopyQuadrature(fe_main, fe_f));
  PetscCall(DMSetField(s->aux_dm, 0, NULL, (PetscObject)fe_k));
  PetscCall(DMSetField(s->aux_dm, 1, NULL, (PetscObject)fe_f));
  PetscCall(DMCreateDS(s->aux_dm));
  PetscCall(PetscFEDestroy(&fe_k));
  PetscCall(PetscFEDestroy(&fe_f));

  grf.kernel = strcmp(s->grf_kernel, "exponential") ? FF_GRF_GAUSSIAN : FF_GRF_EXPONENTIAL;
  grf.length = s->grf_length;
  grf.variance = s->grf_variance;
  grf.mean = s->grf_mean;
  grf.modes = s->grf_modes;
  grf.seed = s->seed;
  if (!s->permeability_fn) PetscCall(FFGrfSetUp(&grf));
  PetscCall(DMGetBoundingBox(s->dm, src.lo, src.hi));
  src.strength = s->source_strength;
  src.width = s->source_width;
  src.smoothing = s->source_smoothing;
  src.smooth = strcmp(s->darcy_source, "smooth") ? PETSC_FALSE : PETSC_TRUE;
  fns[0] = s->permeability_fn ? s->permeability_fn : GrfPermeability;
  ctxs[0] = s->permeability_fn ? s->permeability_ctx : &grf;
  fns[1] = s->source_fn ? s->source_fn : BuiltinSource;
  ctxs[1] = s->source_fn ? s->source_ctx : &src;

  PetscCall(DMCreateGlobalVector(s->aux_dm, &global));
  PetscCall(DMProjectFunction(s->aux_dm, 0.0, fns, ctxs, INSERT_ALL_VALUES, global));
  if (s->has_nullspace) PetscCall(RemoveSourceMean(s, global));
  PetscCall(DMCreateLocalVector(s->aux_dm, &s->aux));
  PetscCall(DMGlobalToLocal(s->aux_dm, global, INSERT_VALUES, s->aux));
  PetscCall(DMSetAuxiliaryVec(s->dm, NULL, 0, 0, s->aux));
  PetscCall(VecDestroy(&global));
  PetscCall(FFGrfDestroy(&grf));
  PetscFunctionReturn(0);
}
