/* Darcy flow -div(K grad p) = f with the permeability K as an unknown too, so that the
 * residual and its Jacobian exist for (K, p) jointly (the generative surrogate predicts both).
 *
 * Fields: 0 permeability K, 1 pressure p. Auxiliary fields: 0 the given permeability K*,
 * 1 the source f. Weak form, for test functions k, q:
 *   w (K - K*, k) = 0,      (K grad p, grad q) - (f, q) = 0,
 * with w = constants[FF_DARCY_K_WEIGHT]. A solve uses w = 1, which pins K to K*; the
 * residual API uses w = 0, leaving only the physics equation, whose Jacobian
 * [dR/dK, dR/dp] then gives the gradient with respect to both fields. */
#include "solver_private.h"

static void f0_K(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)dim, (void)x, (void)numConstants;
  f0[0] = constants[FF_DARCY_K_WEIGHT] * (u[uOff[0]] - a[aOff[0]]);
}

static void f0_p(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)dim, (void)x, (void)numConstants, (void)constants;
  f0[0] = -a[aOff[1]];
}

static void f1_p(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f1[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) f1[d] = u[uOff[0]] * u_x[uOff_x[1] + d];
}

static void g0_KK(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g0[])
{
  FF_UNUSED_JACOBIAN, (void)dim, (void)numConstants;
  g0[0] = constants[FF_DARCY_K_WEIGHT];
}

/* d f1_p / d K = grad p */
static void g2_pK(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g2[d] = u_x[uOff_x[1] + d];
}

/* d f1_p / d grad p = K I */
static void g3_pp(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g3[d * dim + d] = u[uOff[0]];
}

PetscErrorCode FFDarcySetPointwise(PetscDS ds)
{
  PetscFunctionBegin;
  PetscCall(PetscDSSetResidual(ds, 0, f0_K, NULL));
  PetscCall(PetscDSSetResidual(ds, 1, f0_p, f1_p));
  PetscCall(PetscDSSetJacobian(ds, 0, 0, g0_KK, NULL, NULL, NULL));
  PetscCall(PetscDSSetJacobian(ds, 1, 0, NULL, NULL, g2_pK, NULL));
  PetscCall(PetscDSSetJacobian(ds, 1, 1, NULL, NULL, NULL, g3_pp));
  PetscFunctionReturn(0);
}
