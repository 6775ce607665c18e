/* Forces on a body from a neural field without a volume mesh: panels on the body's exact surface
 * (the NACA formula the mesher uses), and the field integrated either over them (pressure and
 * wall shear) or over a closed contour around the body (momentum balance).
 *
 * Steady incompressible flow between the body and a closed contour C around it conserves
 * momentum: with the stress of the solver's weak form, nu grad u - p I per unit density
 * (solvers/ns_pointwise.c), and n the unit normal pointing away from the body,
 *   F = sum over C of ds (-p n + nu du/dn - u (u . n)),
 * the force of the fluid on the body, exactly, for any C. On the wall itself u = 0 and it is the
 * traction -p n + nu du/dn (the symmetric stress would add n (du/dn . n) = -n du_t/dt = 0 there),
 * so both are the force the solver's volume integral computes (docs/references.md §5) in the
 * limit. C = 2 F / (U_ref^2 L_ref), drag along the free stream (cos aoa, sin aoa), lift across
 * it: the directions of solvers/setup.c. On the wall the field's derivative is needed where the
 * training nodes are sparsest; on a contour a little away from it the field is smoother and
 * its values carry the force (docs/performance.md measures both). */
#include "models_private.h"

#include <math.h>
#include <string.h>

PetscErrorCode FFBodySurfaceNaca(const FFGeometry *g, int n_per_side, FFBodySurface *b)
{
  const int n = 2 * n_per_side;

  PetscFunctionBegin;
  PetscCheck(n_per_side >= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d panels per side: give at least 4",
             n_per_side);
  memset(b, 0, sizeof *b);
  b->n = n;
  PetscCall(PetscMalloc4(2 * n, &b->xy, 2 * n, &b->normal, n, &b->ds, 2 * (n + 1), &b->vertices));
  for (int i = 0; i <= n; i++) PetscCall(FFNacaSurfacePoint(g, 2.0 * i / n, &b->vertices[2 * i], NULL));
  b->vertices[2 * n] = b->vertices[0], b->vertices[2 * n + 1] = b->vertices[1]; /* closed at the trailing edge */
  for (int i = 0; i < n; i++) {
    PetscReal t[2];
    PetscCall(FFNacaSurfacePoint(g, (2.0 * i + 1.0) / n, &b->xy[2 * i], t));
    const double len = hypot(t[0], t[1]);
    /* counter-clockwise contour: the body lies to the left of the tangent, the fluid to the right */
    b->normal[2 * i] = t[1] / len;
    b->normal[2 * i + 1] = -t[0] / len;
    b->ds[i] = hypot(b->vertices[2 * i + 2] - b->vertices[2 * i], b->vertices[2 * i + 3] - b->vertices[2 * i + 1]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFBodySurfaceDestroy(FFBodySurface *b)
{
  PetscFunctionBegin;
  PetscCall(PetscFree4(b->xy, b->normal, b->ds, b->vertices));
  memset(b, 0, sizeof *b);
  PetscFunctionReturn(0);
}

PetscErrorCode FFBodySurfaceOffset(const FFBodySurface *b, double delta, FFBodySurface *c)
{
  const int n = b->n;

  PetscFunctionBegin;
  PetscCheck(delta > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "contour distance %g must be positive", delta);
  memset(c, 0, sizeof *c);
  c->n = n;
  PetscCall(PetscMalloc4(2 * n, &c->xy, 2 * n, &c->normal, n, &c->ds, 2 * (n + 1), &c->vertices));
  for (int i = 0; i <= n;
       i++) { /* each vertex along the mean normal of its two panels (the bisector at the trailing edge) */
    const int a = (i + n - 1) % n, z = i % n;
    double m[2] = {b->normal[2 * a] + b->normal[2 * z], b->normal[2 * a + 1] + b->normal[2 * z + 1]};
    const double len = hypot(m[0], m[1]);
    for (int d = 0; d < 2; d++) c->vertices[2 * i + d] = b->vertices[2 * i + d] + delta * m[d] / len;
  }
  for (int i = 0; i < n; i++) {
    const double t[2] = {c->vertices[2 * i + 2] - c->vertices[2 * i], c->vertices[2 * i + 3] - c->vertices[2 * i + 1]};
    c->ds[i] = hypot(t[0], t[1]);
    PetscCheck(c->ds[i] > 0 && t[0] * (b->vertices[2 * i + 2] - b->vertices[2 * i]) +
                                       t[1] * (b->vertices[2 * i + 3] - b->vertices[2 * i + 1]) >
                                   0,
               PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "the contour %g away from the body folds over at panel %d: give a smaller distance", delta, i);
    c->normal[2 * i] = t[1] / c->ds[i], c->normal[2 * i + 1] = -t[0] / c->ds[i];
    for (int d = 0; d < 2; d++) c->xy[2 * i + d] = 0.5 * (c->vertices[2 * i + d] + c->vertices[2 * i + 2 + d]);
  }
  PetscFunctionReturn(0);
}

void FFBodyForcesIntegrate(const FFBodySurface *c, const FFBodyFlow *flow, const double *p, const double *u,
                           const double *dudn, FFBodyForces *f)
{
  const double nu = flow->ref_velocity * flow->ref_length / flow->re, a = flow->aoa_deg * M_PI / 180.0;
  const double drag[2] = {cos(a), sin(a)}, lift[2] = {-sin(a), cos(a)};
  const double scale = 2.0 / (flow->ref_velocity * flow->ref_velocity * flow->ref_length);
  double fp[2] = {0, 0}, fr[2] = {0, 0};
  for (int i = 0; i < c->n; i++) {
    const double *n = &c->normal[2 * i], un = u ? u[2 * i] * n[0] + u[2 * i + 1] * n[1] : 0.0;
    for (int d = 0; d < 2; d++) {
      fp[d] -= c->ds[i] * p[i] * n[d];
      fr[d] += c->ds[i] * (nu * dudn[2 * i + d] - (u ? u[2 * i + d] * un : 0.0));
    }
  }
  f->cd_pressure = scale * (fp[0] * drag[0] + fp[1] * drag[1]);
  f->cl_pressure = scale * (fp[0] * lift[0] + fp[1] * lift[1]);
  f->cd = f->cd_pressure + scale * (fr[0] * drag[0] + fr[1] * drag[1]);
  f->cl = f->cl_pressure + scale * (fr[0] * lift[0] + fr[1] * lift[1]);
}

/* Evaluation points of one case: per panel the wall point (C_p, and the wall methods), then
 *   wall stencil: the points h and 2 h along the normal;
 *   contour:      the contour segment's midpoint and the points eta on either side of it;
 * and their distances to the body's polygon (0 on the wall). */
#define FF_CONTOUR_ETA 0.125 /* eta / contour distance: a central difference well inside the band */

static int PointsPerPanel(FFBodyForceMethod how)
{
  return how == FF_FORCES_WALL_AUTODIFF ? 1 : how == FF_FORCES_CONTOUR ? 4 : 3;
}

static PetscErrorCode CasePoints(const FFBodySurface *b, const FFBodySurface *c, FFBodyForceMethod how, double h,
                                 double *xy, double *sdf)
{
  const int per = PointsPerPanel(how);
  PetscReal *seg;

  PetscFunctionBegin;
  for (int i = 0; i < b->n; i++) {
    double *q = &xy[2 * per * i];
    q[0] = b->xy[2 * i], q[1] = b->xy[2 * i + 1];
    for (int m = 1; m < per; m++)
      for (int d = 0; d < 2; d++) {
        if (how == FF_FORCES_WALL_STENCIL)
          q[2 * m + d] = b->xy[2 * i + d] + m * h * b->normal[2 * i + d];
        else /* contour: midpoint, + eta, - eta along its normal */
          q[2 * m + d] = c->xy[2 * i + d] + (m == 1   ? 0.0
                                             : m == 2 ? 1.0
                                                      : -1.0) *
                                                FF_CONTOUR_ETA * h * c->normal[2 * i + d];
      }
  }
  PetscCall(PetscMalloc1(4 * b->n, &seg));
  for (int i = 0; i < b->n; i++)
    for (int j = 0; j < 4; j++) seg[4 * i + j] = b->vertices[2 * i + j];
  PetscCall(FFSegmentDistance(b->n, seg, per * b->n, xy, sdf));
  for (int i = 0; i < b->n; i++) sdf[per * i] = 0.0; /* on the wall */
  PetscCall(PetscFree(seg));
  PetscFunctionReturn(0);
}

/* The columns of the velocity u (2 components) and the pressure p among the model's outputs. */
static PetscErrorCode VelocityPressureColumns(FFSurrogate s, int *cu, int *cp)
{
  int c0 = 0;

  PetscFunctionBegin;
  *cu = *cp = -1;
  for (int k = 0; k < s->schema.n_fields; k++) {
    const FFSurrogateField *f = &s->schema.fields[k];
    if (!strcmp(f->name, "u") && f->n_comp == 2) *cu = c0;
    if (!strcmp(f->name, "p") && f->n_comp == 1) *cp = c0;
    c0 += f->n_comp;
  }
  PetscCheck(*cu >= 0 && *cp >= 0, s->comm, PETSC_ERR_ARG_WRONG,
             "forces on a body need a model of the velocity u (2 components) and the pressure p (case '%s')",
             s->schema.case_name);
  PetscFunctionReturn(0);
}

/* One case's forces from its evaluated points (values, and grad for autodiff). */
static PetscErrorCode CaseForces(const FFBodySurface *b, const FFBodySurface *c, const FFBodyFlow *flow,
                                 FFBodyForceMethod how, double h, int nout, int cu, int cpr, const double *values,
                                 const double *grad, FFBodyForces *f, double *cp)
{
  const int per = PointsPerPanel(how);
  double *p, *u = NULL, *dudn;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(b->n, &p, 2 * b->n, &u, 2 * b->n, &dudn));
  for (int i = 0; i < b->n; i++) {
    const double *v = &values[(size_t)per * i * nout], *n = &b->normal[2 * i];
    if (cp) cp[i] = (v[cpr] - flow->p_ref) / (0.5 * flow->ref_velocity * flow->ref_velocity);
    p[i] = how == FF_FORCES_CONTOUR ? v[nout + cpr] : v[cpr];
    for (int d = 0; d < 2; d++) {
      if (how == FF_FORCES_CONTOUR) { /* the value at the midpoint, a central difference across the contour */
        u[2 * i + d] = v[nout + cu + d];
        dudn[2 * i + d] = (v[2 * nout + cu + d] - v[3 * nout + cu + d]) / (2.0 * FF_CONTOUR_ETA * h);
      } else if (how == FF_FORCES_WALL_STENCIL) { /* second-order one-sided: exact for a quadratic profile */
        dudn[2 * i + d] = (-3.0 * v[cu + d] + 4.0 * v[nout + cu + d] - v[2 * nout + cu + d]) / (2.0 * h);
      } else { /* d/dn of u(x, y, sdf(x, y)), grad sdf = n on the wall */
        const double *gr = &grad[((size_t)i * nout + cu + d) * 3];
        dudn[2 * i + d] = gr[0] * n[0] + gr[1] * n[1] + gr[2];
      }
    }
  }
  FFBodyForcesIntegrate(how == FF_FORCES_CONTOUR ? c : b, flow, p, how == FF_FORCES_CONTOUR ? u : NULL, dudn, f);
  PetscCall(PetscFree3(p, u, dudn));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateBodyForces(FFSurrogate s, int n_cases, const double cond[], FFBodySurface *const bodies[],
                                     const FFBodyFlow flows[], FFBodyForceMethod how, double h, FFBodyForces forces[],
                                     double *cp[])
{
  int cu, cpr, *offsets;
  double *xy, *sdf, *values = NULL, *grad = NULL;
  FFBodySurface *contours;
  const int per = PointsPerPanel(how);

  PetscFunctionBegin;
  PetscCall(VelocityPressureColumns(s, &cu, &cpr));
  PetscCheck(how == FF_FORCES_WALL_AUTODIFF || h > 0, s->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "the %s's distance %g must be positive", how == FF_FORCES_CONTOUR ? "contour" : "wall stencil", h);
  PetscCall(PetscCalloc1(n_cases, &contours));
  PetscCall(PetscMalloc1(n_cases + 1, &offsets));
  offsets[0] = 0;
  for (int k = 0; k < n_cases; k++) offsets[k + 1] = offsets[k] + per * bodies[k]->n;
  const int rows = offsets[n_cases], nout = s->n_out;
  PetscCall(PetscMalloc2(2 * rows, &xy, rows, &sdf));
  PetscErrorCode ierr = 0;
  for (int k = 0; !ierr && k < n_cases; k++) {
    if (how == FF_FORCES_CONTOUR) ierr = FFBodySurfaceOffset(bodies[k], h, &contours[k]);
    if (!ierr) ierr = CasePoints(bodies[k], &contours[k], how, h, &xy[2 * offsets[k]], &sdf[offsets[k]]);
  }
  if (!ierr) ierr = PetscMalloc1((size_t)rows * nout + 1, &values);
  if (!ierr && how == FF_FORCES_WALL_AUTODIFF) ierr = PetscMalloc1((size_t)rows * nout * 3 + 1, &grad);
  if (!ierr) ierr = FFSurrogateFieldEvaluateCases(s, n_cases, cond, offsets, xy, sdf, NULL, values, grad);
  for (int k = 0; !ierr && k < n_cases; k++)
    ierr = CaseForces(bodies[k], &contours[k], &flows[k], how, h, nout, cu, cpr, &values[(size_t)offsets[k] * nout],
                      grad ? &grad[(size_t)offsets[k] * nout * 3] : NULL, &forces[k], cp ? cp[k] : NULL);
  for (int k = 0; k < n_cases; k++)
    if (contours[k].n) PetscCall(FFBodySurfaceDestroy(&contours[k]));
  PetscCall(PetscFree(contours));
  PetscCall(PetscFree(values));
  PetscCall(PetscFree(grad));
  PetscCall(PetscFree2(xy, sdf));
  PetscCall(PetscFree(offsets));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
