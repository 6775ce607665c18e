/* Steady incompressible Navier-Stokes, pointwise residual and exact Jacobian for PetscDS.
 *
 * Fields: 0 velocity u (dim components), 1 pressure p. Weak form, for test functions v, q:
 *   (u.grad u, v) + (nu grad u - p I, grad v) = 0,     (div u, q) = 0.
 * The `nu grad u - p I` form (not the symmetric gradient) makes the natural boundary
 * condition the do-nothing outflow of the DFG benchmark. constants[FF_NS_NU] = nu. */
#include "solver_private.h"

/* momentum: f0 = (u.grad) u */
static void f0_u(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants, (void)constants;
  for (PetscInt c = 0; c < dim; ++c) {
    f0[c] = 0.0;
    for (PetscInt d = 0; d < dim; ++d) f0[c] += u[d] * u_x[c * dim + d];
  }
}

/* momentum: f1 = nu grad u - p I */
static void f1_u(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f1[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscReal nu = PetscRealPart(constants[FF_NS_NU]);
  for (PetscInt c = 0; c < dim; ++c) {
    for (PetscInt d = 0; d < dim; ++d) f1[c * dim + d] = nu * u_x[c * dim + d];
    f1[c * dim + c] -= u[uOff[1]];
  }
}

/* continuity: f0 = div u */
static void f0_p(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants, (void)constants;
  f0[0] = 0.0;
  for (PetscInt d = 0; d < dim; ++d) f0[0] += u_x[d * dim + d];
}

/* d f0_u / d u = grad u (the convected velocity's part) */
static void g0_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g0[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt d = 0; d < dim; ++d) g0[c * dim + d] = u_x[c * dim + d];
}

/* d f0_u / d grad u: g1[(c dim + d) dim + e] = delta_cd u_e */
static void g1_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt e = 0; e < dim; ++e) g1[(c * dim + c) * dim + e] = u[e];
}

/* d f1_u / d grad u = nu delta_cd delta_ef */
static void g3_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  const PetscReal nu = PetscRealPart(constants[FF_NS_NU]);
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt d = 0; d < dim; ++d) g3[((c * dim + c) * dim + d) * dim + d] = nu;
}

/* d f1_u / d p = -I */
static void g2_up(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g2[d * dim + d] = -1.0;
}

/* d f0_p / d grad u = I */
static void g1_pu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g1[d * dim + d] = 1.0;
}

PetscErrorCode FFNavierStokesSetPointwise(PetscDS ds)
{
  PetscFunctionBegin;
  PetscCall(PetscDSSetResidual(ds, 0, f0_u, f1_u));
  PetscCall(PetscDSSetResidual(ds, 1, f0_p, NULL));
  PetscCall(PetscDSSetJacobian(ds, 0, 0, g0_uu, g1_uu, NULL, g3_uu));
  PetscCall(PetscDSSetJacobian(ds, 0, 1, NULL, NULL, g2_up, NULL));
  PetscCall(PetscDSSetJacobian(ds, 1, 0, NULL, g1_pu, NULL, NULL));
  PetscFunctionReturn(0);
}

/* Force on a body along the unit vector e = (constants[FF_NS_DRAG_X], [FF_NS_DRAG_Y]) and
 * across it (e rotated by +90 degrees), with the cut-off function phi as auxiliary field 0:
 *   F.e = -[ ((u.grad)u).e phi + nu sum_c e_c grad u_c . grad phi - p e . grad phi ].
 * Field 0's objective gives the drag, field 1's the lift. */
static void ForceAlong(PetscInt dim, const PetscScalar u[], const PetscScalar u_x[], PetscScalar p, PetscScalar phi,
                       const PetscScalar phi_x[], PetscReal nu, const PetscReal e[], PetscScalar *F)
{
  PetscScalar r = 0.0;
  for (PetscInt c = 0; c < dim; ++c) {
    PetscScalar conv = 0.0, visc = 0.0;
    for (PetscInt d = 0; d < dim; ++d) {
      conv += u[d] * u_x[c * dim + d];
      visc += u_x[c * dim + d] * phi_x[d];
    }
    r += e[c] * (conv * phi + nu * visc - p * phi_x[c]);
  }
  *F = -r;
}

static void obj_drag(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                     PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscReal e[2] = {PetscRealPart(constants[FF_NS_DRAG_X]), PetscRealPart(constants[FF_NS_DRAG_Y])};
  ForceAlong(dim, u, u_x, u[uOff[1]], a[aOff[0]], &a_x[aOff_x[0]], PetscRealPart(constants[FF_NS_NU]), e, obj);
}

static void obj_lift(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                     PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscReal e[2] = {-PetscRealPart(constants[FF_NS_DRAG_Y]), PetscRealPart(constants[FF_NS_DRAG_X])};
  ForceAlong(dim, u, u_x, u[uOff[1]], a[aOff[0]], &a_x[aOff_x[0]], PetscRealPart(constants[FF_NS_NU]), e, obj);
}

PetscErrorCode FFNavierStokesSetForceObjectives(PetscDS ds)
{
  PetscFunctionBegin;
  PetscCall(PetscDSSetObjective(ds, 0, obj_drag));
  PetscCall(PetscDSSetObjective(ds, 1, obj_lift));
  PetscFunctionReturn(0);
}

/* Objectives for the area (field 0) and the integral of the pressure, field 1 (and no other
 * field's): their ratio is the mean pressure. */
static void obj_one(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                    PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)dim, (void)x, (void)numConstants, (void)constants;
  obj[0] = 1.0;
}

static void obj_pressure(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                         PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)dim, (void)x, (void)numConstants, (void)constants;
  obj[0] = u[uOff[1]];
}

PetscErrorCode FFSetMeanObjectives(PetscDS ds)
{
  PetscInt nf;

  PetscFunctionBegin;
  PetscCall(PetscDSGetNumFields(ds, &nf));
  PetscCall(PetscDSSetObjective(ds, 0, obj_one));
  PetscCall(PetscDSSetObjective(ds, 1, obj_pressure));
  for (PetscInt f = 2; f < nf; f++) PetscCall(PetscDSSetObjective(ds, f, NULL));
  PetscFunctionReturn(0);
}
