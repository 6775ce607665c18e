/* Steady incompressible RANS with the negative Spalart-Allmaras model (TMR "SA-neg"),
 * pointwise residual and exact Jacobian for PetscDS (docs/references.md §9, §10).
 *
 * Fields: 0 velocity u, 1 pressure p, 2 the SA working variable n (nu tilde).
 * Auxiliary fields: 0 wall distance d (P2), 1 the cell metric G = J^-T J^-1 at the cell's
 * centroid (P0; G11, G12, G22; J maps PETSc's reference triangle [-1, 1]^2 to the cell),
 * 2 the velocity and 3 the SA variable of the previous pseudo-time step (P2), 4 the forces'
 * cut-off function (P2).
 *
 * Weak form, for test functions v, q, w (docs/references.md §10):
 *   momentum    (u.grad u + s (u - u0), v) + (nu grad u + nu_t (grad u + grad u^T) - p I, grad v)
 *               + (tau_m Rm, u.grad v) + (tau_c div u, div v) = 0
 *   continuity  (div u, q) + (tau_m Rm, grad q) = 0
 *   SA          W [ (R, w) + ((nu + n f_n) / sigma grad n, grad w) + (tau R, u.grad w) ] = 0
 * with the strong residuals without their second derivatives (PETSc 3.18's kernels get no
 * Hessian; where the viscous terms matter, in the wall layers, tau ~ h^2 / nu is small)
 *   Rm = s (u - u0) + (u.grad) u + grad p,
 *   R  = u.grad n + s (n - n0) - P(n, Omega, d) + D(n, Omega, d) - cb2 / sigma |grad n|^2,
 * nu_t = n f_v1 (0 for n < 0), s = 1 / dt the local pseudo-time coefficient (0 for the steady
 * residual), W = 1 / nu scaling the SA rows to the size of the momentum rows. Stabilization:
 * SUPG and PSPG with tau_m = (u.Gt u + 9 (nu + nu_t)^2 Gt:Gt)^(-1/2) and SUPG of the SA
 * equation with tau = (u.Gt u + 9 ((nu + n+) / sigma)^2 Gt:Gt)^(-1/2), Gt = 4 G (quadratic
 * elements: the length h / 2); grad-div with tau_c = gamma + 1 / (tau_m tr Gt) (gamma =
 * -rans_grad_div U L, or per cell by -rans_grad_div_scale: U h_min with h_min = 2 / sqrt of G's
 * largest eigenvalue, |u| h_u, or 0; the LSIC part from tau_m), raised to the viscous floor
 * C (nu + nu_t) where it is below (C = -rans_grad_div_viscous). A constant gamma, 10^6 times
 * nu in the first layer of a wall-resolved mesh, locks the P2 velocity there into reversed
 * flow (docs/validation.md); gamma U h_min alone falls with each refinement in the wall cells
 * and lets a node-to-node wall pressure mode grow, which the floor, the same on every mesh,
 * holds. Without PSPG the pressure checkerboards along
 * the long cells of a boundary layer (Taylor-Hood's inf-sup constant falls with the aspect
 * ratio); without grad-div Taylor-Hood's weak mass conservation lets a spurious wall-normal
 * velocity carry the momentum of a turbulent boundary layer (docs/validation.md). The laminar
 * part keeps the `nu grad u` form (do-nothing outflow); the eddy viscosity needs the symmetric
 * gradient, as div(nu_t grad u^T) does not vanish. Every kernel's Jacobian is the exact
 * derivative, the taus' included (tests/test_solver_rans.c checks them against finite
 * differences). */
#include "solver_private.h"

#include <string.h>

/* SA constants (docs/references.md §10) */
#define SA_CB1   0.1355
#define SA_CB2   0.622
#define SA_SIGMA (2.0 / 3.0)
#define SA_KAPPA 0.41
#define SA_CW2   0.3
#define SA_CW3   2.0
#define SA_CV1   7.1
#define SA_CV2   0.7
#define SA_CV3   0.9
#define SA_CT3   1.2
#define SA_CT4   0.5
#define SA_CN1   16.0
#define SA_RLIM  10.0
#define SA_CW1   (SA_CB1 / (SA_KAPPA * SA_KAPPA) + (1.0 + SA_CB2) / SA_SIGMA)
/* SUPG: quadratic elements (h / p with p = 2) and the diffusive-limit constant of tau */
#define SUPG_DEGREE2 4.0
#define SUPG_CI      9.0

/* The eddy viscosity nu_t = n f_v1(n / nu) (0 for n < 0) and its derivative. */
static void EddyViscosity(PetscReal nu, PetscReal n, PetscReal *nut, PetscReal *dnut)
{
  if (n <= 0) {
    *nut = *dnut = 0;
    return;
  }
  const PetscReal chi = n / nu, c3 = SA_CV1 * SA_CV1 * SA_CV1, x3 = chi * chi * chi;
  const PetscReal fv1 = x3 / (x3 + c3), dfv1 = 3 * chi * chi * c3 / ((x3 + c3) * (x3 + c3));
  *nut = n * fv1;
  *dnut = fv1 + chi * dfv1;
}

/* The SA-neg source S = P - D at a point, its derivatives with respect to n and Omega, and
 * the diffusivity k = (nu + n f_n) / sigma (f_n = 1 for n >= 0) with dk/dn. */
void FFSpalartAllmarasPoint(PetscReal nu, PetscReal n, PetscReal omega, PetscReal d, FFSpalartAllmarasTerms *t)
{
  const PetscReal chi = n / nu, kd2 = SA_KAPPA * SA_KAPPA * d * d;

  memset(t, 0, sizeof *t);
  EddyViscosity(nu, n, &t->nu_t, &t->dnu_t);
  if (n < 0) { /* the negative branch: P = cb1 (1 - ct3) Omega n, D = -cw1 (n / d)^2 */
    const PetscReal x3 = chi * chi * chi, fn = (SA_CN1 + x3) / (SA_CN1 - x3);
    const PetscReal dfn = 6 * SA_CN1 * chi * chi / ((SA_CN1 - x3) * (SA_CN1 - x3));
    t->production = SA_CB1 * (1 - SA_CT3) * omega * n;
    t->destruction = -SA_CW1 * n * n / (d * d);
    t->source = t->production - t->destruction;
    t->dsource_dn = SA_CB1 * (1 - SA_CT3) * omega + 2 * SA_CW1 * n / (d * d);
    t->dsource_domega = SA_CB1 * (1 - SA_CT3) * n;
    t->diffusivity = (nu + n * fn) / SA_SIGMA;
    t->ddiffusivity_dn = (fn + chi * dfn) / SA_SIGMA;
    t->s_tilde = omega;
    return;
  }
  /* f_v1, f_v2 and S-bar = n f_v2 / (kappa d)^2 */
  const PetscReal c3 = SA_CV1 * SA_CV1 * SA_CV1, x3 = chi * chi * chi;
  const PetscReal fv1 = x3 / (x3 + c3), dfv1 = 3 * chi * chi * c3 / ((x3 + c3) * (x3 + c3));
  const PetscReal q = 1 + chi * fv1, fv2 = 1 - chi / q, dfv2 = -(1 - chi * chi * dfv1) / (q * q);
  const PetscReal sbar = n * fv2 / kd2, dsbar_dn = (fv2 + chi * dfv2) / kd2;
  /* the modified vorticity, TMR Note 1(c) */
  PetscReal st, dst_domega, dst_dsbar;
  if (sbar >= -SA_CV2 * omega) {
    st = omega + sbar;
    dst_domega = 1;
    dst_dsbar = 1;
  } else {
    const PetscReal num = omega * (SA_CV2 * SA_CV2 * omega + SA_CV3 * sbar);
    const PetscReal den = (SA_CV3 - 2 * SA_CV2) * omega - sbar;
    st = omega + num / den;
    dst_domega = 1 + ((2 * SA_CV2 * SA_CV2 * omega + SA_CV3 * sbar) * den - num * (SA_CV3 - 2 * SA_CV2)) / (den * den);
    dst_dsbar = (SA_CV3 * omega * den + num) / (den * den);
  }
  const PetscReal dst_dn = dst_dsbar * dsbar_dn;
  /* r = min(n / (S~ kappa^2 d^2), 10); S~ = 0 (no vorticity, no n) gives the limit */
  PetscReal r = SA_RLIM, dr_dn = 0, dr_domega = 0;
  if (st * kd2 * SA_RLIM > n) {
    r = n / (st * kd2);
    dr_dn = (1 - n * dst_dn / st) / (st * kd2);
    dr_domega = -r / st * dst_domega;
  }
  const PetscReal r5 = r * r * r * r * r, g = r + SA_CW2 * (r5 * r - r), dg = 1 + SA_CW2 * (6 * r5 - 1);
  const PetscReal c6 = SA_CW3 * SA_CW3 * SA_CW3 * SA_CW3 * SA_CW3 * SA_CW3, g6 = g * g * g * g * g * g;
  const PetscReal root = PetscPowReal((1 + c6) / (g6 + c6), 1.0 / 6.0);
  const PetscReal fw = g * root, dfw = root * c6 / (g6 + c6);
  const PetscReal ft2 = SA_CT3 * PetscExpReal(-SA_CT4 * chi * chi), dft2_dn = -2 * SA_CT4 * chi / nu * ft2;
  /* P = cb1 (1 - ft2) S~ n, D = (cw1 fw - cb1 / kappa^2 ft2) (n / d)^2 */
  const PetscReal b = SA_CW1 * fw - SA_CB1 / (SA_KAPPA * SA_KAPPA) * ft2;
  const PetscReal db_dn = SA_CW1 * dfw * dg * dr_dn - SA_CB1 / (SA_KAPPA * SA_KAPPA) * dft2_dn;
  const PetscReal db_domega = SA_CW1 * dfw * dg * dr_domega;
  t->production = SA_CB1 * (1 - ft2) * st * n;
  t->destruction = b * n * n / (d * d);
  t->source = t->production - t->destruction;
  t->dsource_dn = SA_CB1 * ((1 - ft2) * (st + n * dst_dn) - dft2_dn * st * n) - (db_dn * n * n + 2 * b * n) / (d * d);
  t->dsource_domega = SA_CB1 * (1 - ft2) * n * dst_domega - db_domega * n * n / (d * d);
  t->diffusivity = (nu + n) / SA_SIGMA;
  t->ddiffusivity_dn = 1 / SA_SIGMA;
  t->s_tilde = st;
  t->r = r;
  t->fw = fw;
}

/* ---------- the point state every kernel starts from ---------- */

typedef struct {
  PetscReal nu, weight, inv_cfl;
  const PetscScalar *u, *gu, *gn; /* gu[c * 2 + d] = d u_c / d x_d */
  PetscReal p, n;
  PetscReal d, G[3];
  const PetscScalar *u0;
  PetscReal n0;
  /* derived */
  PetscReal omega, domega[4]; /* |dv/dx - du/dy| and its derivative wrt gu */
  PetscReal s;                /* local pseudo-time coefficient (aux only) */
  FFSpalartAllmarasTerms sa;
  PetscReal R; /* strong SA residual */
  PetscReal tau, dtau_du[2], dtau_dn;
  /* momentum SUPG: the strong residual Rm (without viscous terms) and tau_m */
  PetscReal Rm[2], taum, dtaum_du[2], dtaum_dn;
  /* LSIC (grad-div): tau_c div u on the momentum's diagonal, tau_c = 1 / (tau_m tr Gt) */
  PetscReal div, tauc, dtauc_du[2], dtauc_dn;
} Point;

/* The wall distance floor: P2 interpolation can dip a little below zero next to a curved
 * wall, where the SA terms would divide by d^2 (it is aux data: no derivative). */
#define D_FLOOR 1e-12

static void PointSetUp(const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_x[],
                       const PetscInt aOff[], const PetscScalar a[], const PetscScalar constants[], Point *pt)
{
  pt->nu = PetscRealPart(constants[FF_NS_NU]);
  pt->weight = PetscRealPart(constants[FF_RANS_NT_WEIGHT]);
  pt->inv_cfl = PetscRealPart(constants[FF_RANS_INV_CFL]);
  pt->u = &u[uOff[0]];
  pt->gu = &u_x[uOff_x[0]];
  pt->p = PetscRealPart(u[uOff[1]]);
  pt->n = PetscRealPart(u[uOff[2]]);
  pt->gn = &u_x[uOff_x[2]];
  pt->d = PetscMax(PetscRealPart(a[aOff[0]]), D_FLOOR);
  for (int k = 0; k < 3; k++) pt->G[k] = PetscRealPart(a[aOff[1] + k]);
  pt->u0 = &a[aOff[2]];
  pt->n0 = PetscRealPart(a[aOff[3]]);

  const PetscReal w = PetscRealPart(pt->gu[2] - pt->gu[1]), sgn = w >= 0 ? 1.0 : -1.0;
  pt->omega = PetscAbsReal(w);
  pt->domega[0] = 0, pt->domega[1] = -sgn, pt->domega[2] = sgn, pt->domega[3] = 0;
  FFSpalartAllmarasPoint(pt->nu, pt->n, pt->omega, pt->d, &pt->sa);

  /* pseudo time: s = (|u0| / h + nu_eff0 / h^2) / CFL from the previous step's state */
  if (pt->inv_cfl > 0) {
    const PetscReal u0x = PetscRealPart(pt->u0[0]), u0y = PetscRealPart(pt->u0[1]);
    const PetscReal ugu = u0x * (pt->G[0] * u0x + pt->G[1] * u0y) + u0y * (pt->G[1] * u0x + pt->G[2] * u0y);
    PetscReal nut0, dummy;
    EddyViscosity(pt->nu, pt->n0, &nut0, &dummy);
    pt->s = pt->inv_cfl * (0.5 * PetscSqrtReal(PetscMax(ugu, 0)) + 0.25 * (pt->nu + nut0) * (pt->G[0] + pt->G[2]));
  } else
    pt->s = 0;

  /* strong residual without second derivatives */
  const PetscReal gn0 = PetscRealPart(pt->gn[0]), gn1 = PetscRealPart(pt->gn[1]);
  pt->R = PetscRealPart(pt->u[0]) * gn0 + PetscRealPart(pt->u[1]) * gn1 + pt->s * (pt->n - pt->n0) - pt->sa.source -
          SA_CB2 / SA_SIGMA * (gn0 * gn0 + gn1 * gn1);

  /* SUPG parameter */
  const PetscReal g11 = SUPG_DEGREE2 * pt->G[0], g12 = SUPG_DEGREE2 * pt->G[1], g22 = SUPG_DEGREE2 * pt->G[2];
  const PetscReal ux = PetscRealPart(pt->u[0]), uy = PetscRealPart(pt->u[1]);
  const PetscReal gu0 = g11 * ux + g12 * uy, gu1 = g12 * ux + g22 * uy;
  const PetscReal gg = g11 * g11 + 2 * g12 * g12 + g22 * g22;
  const PetscReal ne = (pt->nu + PetscMax(pt->n, 0)) / SA_SIGMA, dne = pt->n > 0 ? 1 / SA_SIGMA : 0;
  const PetscReal A = ux * gu0 + uy * gu1 + SUPG_CI * ne * ne * gg;
  pt->tau = 1 / PetscSqrtReal(A);
  const PetscReal half_tau3 = -0.5 * pt->tau * pt->tau * pt->tau;
  pt->dtau_du[0] = half_tau3 * 2 * gu0;
  pt->dtau_du[1] = half_tau3 * 2 * gu1;
  pt->dtau_dn = half_tau3 * 2 * SUPG_CI * ne * dne * gg;

  /* momentum: Rm = s (u - u0) + (u.grad) u + grad p, tau_m with nu + nu_t */
  const PetscScalar *gp = &u_x[uOff_x[1]];
  for (PetscInt c = 0; c < 2; c++)
    pt->Rm[c] = pt->s * PetscRealPart(pt->u[c] - pt->u0[c]) + ux * PetscRealPart(pt->gu[2 * c]) +
                uy * PetscRealPart(pt->gu[2 * c + 1]) + PetscRealPart(gp[c]);
  const PetscReal nm = pt->nu + pt->sa.nu_t;
  const PetscReal Am = ux * gu0 + uy * gu1 + SUPG_CI * nm * nm * gg;
  pt->taum = 1 / PetscSqrtReal(Am);
  const PetscReal half_taum3 = -0.5 * pt->taum * pt->taum * pt->taum;
  pt->dtaum_du[0] = half_taum3 * 2 * gu0;
  pt->dtaum_du[1] = half_taum3 * 2 * gu1;
  pt->dtaum_dn = half_taum3 * 2 * SUPG_CI * nm * pt->sa.dnu_t * gg;
  pt->div = PetscRealPart(pt->gu[0] + pt->gu[3]);
  const PetscReal lsic = 1 / (pt->taum * (g11 + g22));
  PetscReal gd = PetscRealPart(constants[FF_RANS_GRAD_DIV]), dgd_du[2] = {0, 0};
  switch ((FFRansGradDivScale)PetscRealPart(constants[FF_RANS_GRAD_DIV_SCALE])) {
  case FF_RANS_GRAD_DIV_NONE:
    break;
  case FF_RANS_GRAD_DIV_HMIN: { /* h_min = 2 / sqrt(lambda_max(G)); aux data: no derivative */
    const PetscReal m = 0.5 * (pt->G[0] + pt->G[2]),
                    r = PetscSqrtReal(0.25 * PetscSqr(pt->G[0] - pt->G[2]) + PetscSqr(pt->G[1]));
    gd *= 2 / PetscSqrtReal(m + r) / PetscRealPart(constants[FF_RANS_REF_L]); /* gamma U_ref h_min */
  } break;
  case FF_RANS_GRAD_DIV_FLOW: { /* |u| h_u = 2 |u|^2 / sqrt(u.G u), h_u = 2 |u| / sqrt(u.G u) */
    const PetscReal Gu0 = pt->G[0] * ux + pt->G[1] * uy, Gu1 = pt->G[1] * ux + pt->G[2] * uy;
    const PetscReal q = ux * Gu0 + uy * Gu1, a2 = ux * ux + uy * uy;
    gd /= PetscRealPart(constants[FF_RANS_REF_U] * constants[FF_RANS_REF_L]); /* gamma */
    if (q > 0) {
      const PetscReal sq = PetscSqrtReal(q);
      dgd_du[0] = gd * (4 * ux / sq - 2 * a2 * Gu0 / (q * sq));
      dgd_du[1] = gd * (4 * uy / sq - 2 * a2 * Gu1 / (q * sq));
      gd *= 2 * a2 / sq;
    } else
      gd = 0;
  } break;
  case FF_RANS_GRAD_DIV_LSIC:
    gd = 0;
    break;
  }
  pt->tauc = gd + lsic;
  for (PetscInt e = 0; e < 2; e++) pt->dtauc_du[e] = dgd_du[e] - lsic / pt->taum * pt->dtaum_du[e];
  pt->dtauc_dn = -lsic / pt->taum * pt->dtaum_dn;
  /* the viscous floor: mesh-independent where the cells are viscous-limited (the wall layers) */
  const PetscReal cv = PetscRealPart(constants[FF_RANS_GRAD_DIV_VISCOUS]);
  if (cv * nm > pt->tauc) {
    pt->tauc = cv * nm;
    pt->dtauc_du[0] = pt->dtauc_du[1] = 0;
    pt->dtauc_dn = cv * pt->sa.dnu_t;
  }
}

/* ---------- momentum ---------- */

static void f0_u(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscScalar *u0 = &a[aOff[2]];
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c) {
    f0[c] = pt.s * (u[c] - u0[c]);
    for (PetscInt d = 0; d < dim; ++d) f0[c] += u[d] * u_x[c * dim + d];
  }
}

/* f1 = nu grad u + nu_t (grad u + grad u^T) - p I + tau_m Rm (x) u (SUPG: the test function's
 * streamline derivative (u.grad) v = grad v : (v-direction) u) */
static void f1_u(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f1[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  const PetscReal nu = pt.nu, nut = pt.sa.nu_t;
  for (PetscInt c = 0; c < dim; ++c) {
    for (PetscInt d = 0; d < dim; ++d)
      f1[c * dim + d] = nu * u_x[c * dim + d] + nut * (u_x[c * dim + d] + u_x[d * dim + c]) + pt.taum * pt.Rm[c] * u[d];
    f1[c * dim + c] += pt.tauc * pt.div - u[uOff[1]];
  }
}

/* d f1[c][d] / d u_e = dtau_m/du_e u_d Rm_c + tau_m d_de Rm_c + tau_m u_d (s d_ce + d u_c / d x_e) */
static void g2_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt e = 0; e < dim; ++e)
      for (PetscInt d = 0; d < dim; ++d)
        g2[(c * dim + e) * dim + d] = pt.dtaum_du[e] * u[d] * pt.Rm[c] + (d == e ? pt.taum * pt.Rm[c] : 0) +
                                      pt.taum * u[d] * ((c == e ? pt.s : 0) + u_x[c * dim + e]) +
                                      (c == d ? pt.dtauc_du[e] * pt.div : 0);
}

/* d f1[c][d] / d grad p_f = tau_m u_d d_cf */
static void g3_up(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt d = 0; d < dim; ++d) g3[(c * dim + d) * dim + c] = pt.taum * u[d];
}

static void g0_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g0[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c) {
    for (PetscInt d = 0; d < dim; ++d) g0[c * dim + d] = u_x[c * dim + d];
    g0[c * dim + c] += pt.s;
  }
}

static void g1_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt e = 0; e < dim; ++e) g1[(c * dim + c) * dim + e] = u[e];
}

/* d f1[c][d] / d grad u[e][f] = nu d_ce d_df + nu_t (d_ce d_df + d_de d_cf) + tau_m u_d d_ce u_f */
static void g3_uu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  const PetscReal nu = pt.nu, nut = pt.sa.nu_t;
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt d = 0; d < dim; ++d) {
      g3[((c * dim + c) * dim + d) * dim + d] += nu + nut;
      g3[((c * dim + d) * dim + d) * dim + c] += nut;
      for (PetscInt f = 0; f < dim; ++f) g3[((c * dim + c) * dim + d) * dim + f] += pt.taum * u[d] * u[f];
      g3[((c * dim + d) * dim + c) * dim + d] += pt.tauc; /* grad-div: d_cd' d_ef with d' = c, f = e */
    }
}

static void g2_up(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g2[d * dim + d] = -1.0;
}

/* d f1[c][d] / d n = nu_t'(n) (grad u + grad u^T)[c][d] + dtau_m/dn Rm_c u_d */
static void g2_un(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c)
    for (PetscInt d = 0; d < dim; ++d)
      g2[c * dim + d] = pt.sa.dnu_t * (u_x[c * dim + d] + u_x[d * dim + c]) + pt.dtaum_dn * pt.Rm[c] * u[d] +
                        (c == d ? pt.dtauc_dn * pt.div : 0);
}

/* ---------- continuity ---------- */

static void f0_p(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants, (void)constants;
  f0[0] = 0.0;
  for (PetscInt d = 0; d < dim; ++d) f0[0] += u_x[d * dim + d];
}

static void g1_pu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)constants;
  for (PetscInt d = 0; d < dim; ++d) g1[d * dim + d] = 1.0;
}

/* PSPG: f1 = tau_m Rm (the test function's gradient against the momentum's strong residual) */
static void f1_p(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f1[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d) f1[d] = pt.taum * pt.Rm[d];
}

/* d f1[d] / d u_e = dtau_m/du_e Rm_d + tau_m (s d_de + d u_d / d x_e) */
static void g2_pu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt e = 0; e < dim; ++e)
    for (PetscInt d = 0; d < dim; ++d)
      g2[e * dim + d] = pt.dtaum_du[e] * pt.Rm[d] + pt.taum * ((d == e ? pt.s : 0) + u_x[d * dim + e]);
}

/* d f1[d] / d grad u[e][f] = tau_m d_de u_f */
static void g3_pu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d)
    for (PetscInt f = 0; f < dim; ++f) g3[(d * dim + d) * dim + f] = pt.taum * u[f];
}

/* d f1[d] / d grad p_f = tau_m d_df */
static void g3_pp(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d) g3[d * dim + d] = pt.taum;
}

/* d f1[d] / d n = dtau_m/dn Rm_d */
static void g2_pn(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d) g2[d] = pt.dtaum_dn * pt.Rm[d];
}

/* ---------- Spalart-Allmaras ---------- */

/* f0 = W R */
static void f0_n(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f0[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants, (void)dim;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  f0[0] = pt.weight * pt.R;
}

/* f1 = W (k grad n + tau u R) */
static void f1_n(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                 PetscScalar f1[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d) f1[d] = pt.weight * (pt.sa.diffusivity * pt.gn[d] + pt.tau * pt.u[d] * pt.R);
}

/* dR/du_c = dn/dx_c; dR/d grad u = -dS/dOmega dOmega/d grad u; dR/dn = s - dS/dn;
 * dR/d grad n_e = u_e - 2 cb2 / sigma dn/dx_e */
static void g0_nu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g0[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  const PetscReal w = PetscRealPart(constants[FF_RANS_NT_WEIGHT]);
  for (PetscInt c = 0; c < dim; ++c) g0[c] = w * u_x[uOff_x[2] + c];
}

static void g1_nu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt k = 0; k < dim * dim; ++k) g1[k] = -pt.weight * pt.sa.dsource_domega * pt.domega[k];
}

/* d f1[d] / d u_c = W (tau d_dc R + u_d (dtau/du_c R + tau dn/dx_c)) */
static void g2_nu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d)
    for (PetscInt c = 0; c < dim; ++c)
      g2[c * dim + d] =
          pt.weight * ((d == c ? pt.tau * pt.R : 0) + pt.u[d] * (pt.dtau_du[c] * pt.R + pt.tau * pt.gn[c]));
}

/* d f1[d] / d grad u[c][e] = -W tau u_d dS/dOmega dOmega/d grad u[c][e] */
static void g3_nu(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d)
    for (PetscInt c = 0; c < dim; ++c)
      for (PetscInt e = 0; e < dim; ++e)
        g3[(c * dim + d) * dim + e] = -pt.weight * pt.tau * pt.u[d] * pt.sa.dsource_domega * pt.domega[c * dim + e];
}

static void g0_nn(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g0[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants, (void)dim;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  g0[0] = pt.weight * (pt.s - pt.sa.dsource_dn);
}

static void g1_nn(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g1[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  const PetscReal w = PetscRealPart(constants[FF_RANS_NT_WEIGHT]);
  for (PetscInt e = 0; e < dim; ++e) g1[e] = w * (u[e] - 2 * SA_CB2 / SA_SIGMA * u_x[uOff_x[2] + e]);
}

/* d f1[d] / d n = W (k' dn/dx_d + u_d (dtau/dn R + tau dR/dn)) */
static void g2_nn(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g2[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  const PetscReal dR = pt.s - pt.sa.dsource_dn;
  for (PetscInt d = 0; d < dim; ++d)
    g2[d] = pt.weight * (pt.sa.ddiffusivity_dn * pt.gn[d] + pt.u[d] * (pt.dtau_dn * pt.R + pt.tau * dR));
}

/* d f1[d] / d grad n_e = W (k d_de + tau u_d dR/d grad n_e) */
static void g3_nn(FF_JACOBIAN_ARGS, PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  FF_UNUSED_JACOBIAN, (void)numConstants;
  Point pt;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt d = 0; d < dim; ++d)
    for (PetscInt e = 0; e < dim; ++e)
      g3[d * dim + e] = pt.weight * ((d == e ? pt.sa.diffusivity : 0) +
                                     pt.tau * pt.u[d] * (pt.u[e] - 2 * SA_CB2 / SA_SIGMA * pt.gn[e]));
}

PetscErrorCode FFRansSetPointwise(PetscDS ds)
{
  PetscFunctionBegin;
  PetscCall(PetscDSSetResidual(ds, 0, f0_u, f1_u));
  PetscCall(PetscDSSetResidual(ds, 1, f0_p, f1_p));
  PetscCall(PetscDSSetResidual(ds, 2, f0_n, f1_n));
  PetscCall(PetscDSSetJacobian(ds, 0, 0, g0_uu, g1_uu, g2_uu, g3_uu));
  PetscCall(PetscDSSetJacobian(ds, 0, 1, NULL, NULL, g2_up, g3_up));
  PetscCall(PetscDSSetJacobian(ds, 0, 2, NULL, NULL, g2_un, NULL));
  PetscCall(PetscDSSetJacobian(ds, 1, 0, NULL, g1_pu, g2_pu, g3_pu));
  PetscCall(PetscDSSetJacobian(ds, 1, 1, NULL, NULL, NULL, g3_pp));
  PetscCall(PetscDSSetJacobian(ds, 1, 2, NULL, NULL, g2_pn, NULL));
  PetscCall(PetscDSSetJacobian(ds, 2, 0, g0_nu, g1_nu, g2_nu, g3_nu));
  PetscCall(PetscDSSetJacobian(ds, 2, 2, g0_nn, g1_nn, g2_nn, g3_nn));
  PetscFunctionReturn(0);
}

/* ---------- forces (docs/references.md §5, with every term of the momentum flux) ---------- */

/* The reaction force along e: minus the momentum residual tested with e phi, phi the
 * cut-off function (aux field 4: 1 at the body's P2 nodes, 0 elsewhere), with the same
 * terms as the momentum equation (eddy viscosity, SUPG, grad-div), so that it is the force
 * the discrete solution exerts (the pseudo-time term is 0 at a steady state). */
static PetscScalar ForceAlong(PetscInt dim, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[],
                              const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[],
                              const PetscScalar a[], const PetscScalar a_x[], const PetscScalar constants[],
                              const PetscReal e[])
{
  Point pt;
  const PetscScalar phi = a[aOff[4]], *phi_x = &a_x[aOff_x[4]], *v = &u[uOff[0]], *gv = &u_x[uOff_x[0]];
  PetscScalar r = 0.0;
  PointSetUp(uOff, uOff_x, u, u_x, aOff, a, constants, &pt);
  for (PetscInt c = 0; c < dim; ++c) {
    PetscScalar f0 = pt.s * (v[c] - pt.u0[c]), flux = 0.0;
    for (PetscInt d = 0; d < dim; ++d) {
      f0 += v[d] * gv[c * dim + d];
      flux += (pt.nu * gv[c * dim + d] + pt.sa.nu_t * (gv[c * dim + d] + gv[d * dim + c]) + pt.taum * pt.Rm[c] * v[d]) *
              phi_x[d];
    }
    flux += (pt.tauc * pt.div - pt.p) * phi_x[c];
    r += e[c] * (f0 * phi + flux);
  }
  return -r;
}

static void obj_drag(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                     PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscReal e[2] = {PetscRealPart(constants[FF_NS_DRAG_X]), PetscRealPart(constants[FF_NS_DRAG_Y])};
  obj[0] = ForceAlong(dim, uOff, uOff_x, u, u_x, aOff, aOff_x, a, a_x, constants, e);
}

static void obj_lift(FF_POINTWISE_ARGS, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[],
                     PetscScalar obj[])
{
  FF_UNUSED_POINTWISE, (void)x, (void)numConstants;
  const PetscReal e[2] = {-PetscRealPart(constants[FF_NS_DRAG_Y]), PetscRealPart(constants[FF_NS_DRAG_X])};
  obj[0] = ForceAlong(dim, uOff, uOff_x, u, u_x, aOff, aOff_x, a, a_x, constants, e);
}

PetscErrorCode FFRansSetForceObjectives(PetscDS ds)
{
  PetscFunctionBegin;
  PetscCall(PetscDSSetObjective(ds, 0, obj_drag));
  PetscCall(PetscDSSetObjective(ds, 1, obj_lift));
  PetscCall(PetscDSSetObjective(ds, 2, NULL));
  PetscFunctionReturn(0);
}
