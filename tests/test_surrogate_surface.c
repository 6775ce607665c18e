/* Forces without a mesh (surrogates/models/surface.c, points.c): the NACA surface and its panels,
 * the force integral against closed forms, and the neural field's derivatives against finite
 * differences. Exact checks hold to rounding; discretization errors are checked by their order
 * (halving the panels quarters them). */
#include "ff_report.h"
#include "ff_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static FFGeometry Naca(double m, double p, double t)
{
  FFGeometry g;
  FFGeometrySetDefaults(&g, FF_GEOMETRY_NACA);
  g.naca_m = m, g.naca_p = p, g.naca_t = t;
  return g;
}

/* Shoelace area of the closed polygon (positive: counter-clockwise). */
static double PolygonArea(const FFBodySurface *b)
{
  double a = 0;
  for (int i = 0; i < b->n; i++)
    a += b->vertices[2 * i] * b->vertices[2 * i + 3] - b->vertices[2 * i + 2] * b->vertices[2 * i + 1];
  return 0.5 * a;
}

static int InsidePolygon(const FFBodySurface *b, double x, double y)
{
  int in = 0;
  for (int i = 0; i < b->n; i++) {
    const double *p = &b->vertices[2 * i], *q = &b->vertices[2 * i + 2];
    if ((p[1] > y) != (q[1] > y) && x < p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1])) in = !in;
  }
  return in;
}

/* The area of a NACA section: 2 int_0^1 y_t dx for the thickness, which camber does not change
 * (the surface points move along the camber line's normal by +-y_t: a shear of the thickness
 * distribution, area-preserving to first order, exactly so for m = 0). Simpson in s with x =
 * (1 + cos pi s) / 2, 2e5 intervals. */
static double SymmetricArea(double t)
{
  const int n = 200000;
  double a = 0;
  for (int i = 0; i <= n; i++) {
    const double s = (double)i / n, x = 0.5 * (1 + cos(M_PI * s)), dxds = 0.5 * M_PI * sin(M_PI * s);
    const double yt = 5 * t * (0.2969 * sqrt(x) + x * (-0.1260 + x * (-0.3516 + x * (0.2843 + x * -0.1036))));
    a += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * yt * dxds;
  }
  return 2 * a / (3.0 * n);
}

static void TestNacaSurface(void)
{
  const FFGeometry g = Naca(0.04, 0.4, 0.12), sym = Naca(0, 0.4, 0.15);
  PetscReal xy[2], xy2[2], d[2];
  FF_TEST_PETSC(FFNacaSurfacePoint(&g, 0, xy, NULL));
  FF_TEST_CLOSE(xy[0], 1, 0, 1e-12);
  FF_TEST_CLOSE(xy[1], 0, 0, 1e-6); /* closed: -0.1036 makes y_t(1) = 0 to the coefficients' rounding */
  FF_TEST_PETSC(FFNacaSurfacePoint(&g, 1, xy, NULL));
  FF_TEST_CLOSE(xy[0], 0, 0, 1e-14);
  FF_TEST_CLOSE(xy[1], 0, 0, 1e-14);
  for (double s = 0.05; s < 1; s += 0.1) { /* a symmetric section: s and 2 - s are mirror images */
    FF_TEST_PETSC(FFNacaSurfacePoint(&sym, s, xy, d));
    FF_TEST_PETSC(FFNacaSurfacePoint(&sym, 2 - s, xy2, NULL));
    FF_TEST_CLOSE(xy[0], xy2[0], 1e-12, 1e-14);
    FF_TEST_CLOSE(xy[1], -xy2[1], 1e-12, 1e-14);
    CU_ASSERT(xy[1] > 0 && d[0] < 0); /* upper side, run from the trailing edge forwards */
  }
  CU_ASSERT(FFNacaSurfacePoint(&g, 2.5, xy, NULL) != 0);
  FFGeometry dfg;
  FFGeometrySetDefaults(&dfg, FF_GEOMETRY_DFG);
  CU_ASSERT(FFNacaSurfacePoint(&dfg, 0.5, xy, NULL) != 0);
}

static void TestPanels(void)
{
  const FFGeometry sym = Naca(0, 0.4, 0.15), cam = Naca(0.06, 0.3, 0.1);
  const double area = SymmetricArea(0.15);
  double err[3];
  for (int k = 0; k < 3; k++) {
    FFBodySurface b;
    FF_TEST_PETSC(FFBodySurfaceNaca(&sym, 50 << k, &b));
    CU_ASSERT_EQUAL(b.n, 100 << k);
    err[k] = fabs(PolygonArea(&b) - area);
    FF_TEST_PETSC(FFBodySurfaceDestroy(&b));
  }
  /* the inscribed polygon's area error is O(h^2) */
  printf("  polygon area error %.3g, %.3g, %.3g for 100, 200, 400 panels\n", err[0], err[1], err[2]);
  CU_ASSERT(err[1] < err[0] / 3.5 && err[2] < err[1] / 3.5);
  const FFGeometry *shapes[2] = {&sym, &cam};
  for (int k = 0; k < 2; k++) {
    FFBodySurface b;
    FF_TEST_PETSC(FFBodySurfaceNaca(shapes[k], 100, &b));
    CU_ASSERT(PolygonArea(&b) > 0);
    for (int i = 0; i < b.n; i++) {
      FF_TEST_CLOSE(hypot(b.normal[2 * i], b.normal[2 * i + 1]), 1, 1e-12, 0);
      /* into the fluid: to the right of the counter-clockwise polygon's segment, nearly along its
       * perpendicular (the exact tangent at the midpoint is parallel to the chord to O(h^2)) */
      const double *a = &b.vertices[2 * i], *z = &b.vertices[2 * i + 2];
      const double right = ((z[1] - a[1]) * b.normal[2 * i] - (z[0] - a[0]) * b.normal[2 * i + 1]) / b.ds[i];
      CU_ASSERT(right > 0.999);
      FF_TEST_CLOSE(b.ds[i], hypot(z[0] - a[0], z[1] - a[1]), 1e-14, 0);
    }
    FFBodySurface c;
    FF_TEST_PETSC(FFBodySurfaceOffset(&b, 0.05, &c));
    for (int i = 0; i < c.n; i++) CU_ASSERT(!InsidePolygon(&b, c.xy[2 * i], c.xy[2 * i + 1]));
    CU_ASSERT(PolygonArea(&c) > PolygonArea(&b));
    FF_TEST_PETSC(FFBodySurfaceDestroy(&c));
    CU_ASSERT(FFBodySurfaceOffset(&b, -0.01, &c) != 0);
    FF_TEST_PETSC(FFBodySurfaceDestroy(&b));
  }
}

/* The force integral against closed forms on the contour 0.05 around a cambered section (its
 * panels are the polygon's own segments, so the divergence theorem holds exactly for the
 * polygon where the integrand is linear along each segment). */
static void TestIntegral(void)
{
  const FFGeometry g = Naca(0.06, 0.3, 0.1);
  FFBodySurface b, c;
  FF_TEST_PETSC(FFBodySurfaceNaca(&g, 100, &b));
  FF_TEST_PETSC(FFBodySurfaceOffset(&b, 0.05, &c));
  const int n = c.n;
  double *p = calloc(n, sizeof *p), *u = calloc(2 * n, sizeof *u), *dudn = calloc(2 * n, sizeof *dudn);
  FFBodyFlow flow = {.re = 100, .aoa_deg = 0, .ref_velocity = 2, .ref_length = 0.5, .p_ref = 0};
  const double q = 2.0 / (flow.ref_velocity * flow.ref_velocity * flow.ref_length), nu = 2 * 0.5 / 100.0;
  const double A = PolygonArea(&c);
  double perimeter = 0;
  for (int i = 0; i < n; i++) perimeter += c.ds[i];
  FFBodyForces f;
  /* p = 3: no force */
  for (int i = 0; i < n; i++) p[i] = 3;
  FFBodyForcesIntegrate(&c, &flow, p, u, dudn, &f);
  FF_TEST_CLOSE(f.cd, 0, 0, 1e-13);
  FF_TEST_CLOSE(f.cl, 0, 0, 1e-13);
  /* p = 2 x - y: F = -A grad p */
  for (int i = 0; i < n; i++) p[i] = 2 * c.xy[2 * i] - c.xy[2 * i + 1];
  FFBodyForcesIntegrate(&c, &flow, p, NULL, dudn, &f);
  FF_TEST_CLOSE(f.cd, -2 * A * q, 1e-12, 1e-14);
  FF_TEST_CLOSE(f.cl, A * q, 1e-12, 1e-14);
  FF_TEST_CLOSE(f.cd_pressure, f.cd, 0, 0);
  /* the same seen at 90 degrees: the drag is along y, the lift along -x */
  flow.aoa_deg = 90;
  FFBodyForcesIntegrate(&c, &flow, p, NULL, dudn, &f);
  FF_TEST_CLOSE(f.cd, A * q, 1e-12, 1e-14);
  FF_TEST_CLOSE(f.cl, 2 * A * q, 1e-12, 1e-14);
  flow.aoa_deg = 0;
  /* du/dn = (1, 0) everywhere: nu times the perimeter along x */
  for (int i = 0; i < n; i++) p[i] = 0, dudn[2 * i] = 1;
  FFBodyForcesIntegrate(&c, &flow, p, NULL, dudn, &f);
  FF_TEST_CLOSE(f.cd, q * nu * perimeter, 1e-12, 0);
  FF_TEST_CLOSE(f.cl, 0, 0, 1e-14);
  FF_TEST_CLOSE(f.cd_pressure, 0, 0, 0);
  /* momentum flux of u = (x, -y) (divergence-free): int (u.grad) u = int (x, y) dA; the midpoint
   * rule on quadratics along the segments errs by O(h^2): by the centroid of the polygon to 1e-4 */
  double cx = 0, cy = 0;
  for (int i = 0; i < n; i++) {
    const double *a = &c.vertices[2 * i], *z = &c.vertices[2 * i + 2], w = a[0] * z[1] - z[0] * a[1];
    cx += (a[0] + z[0]) * w / 6, cy += (a[1] + z[1]) * w / 6;
  }
  for (int i = 0; i < n; i++) {
    dudn[2 * i] = 0, u[2 * i] = c.xy[2 * i], u[2 * i + 1] = -c.xy[2 * i + 1];
  }
  FFBodyForcesIntegrate(&c, &flow, p, u, dudn, &f);
  FF_TEST_CLOSE(f.cd, -q * cx, 1e-3, 0);
  FF_TEST_CLOSE(f.cl, -q * cy, 1e-3, 1e-6);
  free(p);
  free(u);
  free(dudn);
  FF_TEST_PETSC(FFBodySurfaceDestroy(&c));
  FF_TEST_PETSC(FFBodySurfaceDestroy(&b));
}

/* An untrained neural field with normalizers fitted on synthetic nodes around the origin. */
static FFSurrogate SmallField(void)
{
  FFSurrogateSchema schema;
  memset(&schema, 0, sizeof schema);
  snprintf(schema.case_name, sizeof schema.case_name, "synthetic");
  schema.n_cond = 2;
  snprintf(schema.cond[0].name, FF_NAME_LEN, "aoa");
  snprintf(schema.cond[1].name, FF_NAME_LEN, "re");
  schema.cond[1].log_scale = 1;
  schema.cond[0].lo = -5, schema.cond[0].hi = 15, schema.cond[1].lo = 100, schema.cond[1].hi = 1000;
  schema.n_fields = 2;
  snprintf(schema.fields[0].name, FF_NAME_LEN, "u");
  schema.fields[0].n_comp = 2;
  snprintf(schema.fields[1].name, FF_NAME_LEN, "p");
  schema.fields[1].n_comp = 1;
  FFSurrogateConfig c;
  FFSurrogateConfigDefault(FF_SURROGATE_FIELD, &c);
  c.width = 24, c.depth = 3, c.fourier_freq = 8, c.hyper_width = 16;
  FFSurrogate s;
  FF_TEST_PETSC(FFSurrogateCreate(PETSC_COMM_SELF, &c, &schema, 11, &s));
  FFSurrogateGraph g[2];
  FFRng rng;
  FFRngSeed(&rng, 3, 0);
  memset(g, 0, sizeof g);
  for (int k = 0; k < 2; k++) {
    g[k].n_nodes = 200;
    g[k].coords = malloc(400 * sizeof(double));
    g[k].sdf = malloc(200 * sizeof(double));
    g[k].target = malloc(600 * sizeof(double));
    g[k].cond[0] = k ? 10 : -2, g[k].cond[1] = k ? 800 : 150;
    for (int v = 0; v < 200; v++) {
      g[k].coords[2 * v] = 4 * FFRngUniform(&rng) - 1.5, g[k].coords[2 * v + 1] = 2 * FFRngUniform(&rng) - 1;
      g[k].sdf[v] = fabs(g[k].coords[2 * v + 1]);
      for (int j = 0; j < 3; j++) g[k].target[3 * v + j] = FFRngNormal(&rng);
    }
  }
  FF_TEST_PETSC(FFSurrogateFitNormalizers(s, 2, g));
  for (int k = 0; k < 2; k++) free(g[k].coords), free(g[k].sdf), free(g[k].target);
  return s;
}

/* d values / d(x, y, sdf) by the tape against central differences of the values; the values
 * with derivatives (tape) against those without (fused inference). */
static void TestFieldDerivatives(void)
{
  FFSurrogate s = SmallField();
  const int n = 37, offsets[3] = {0, 20, 37};
  const double cond[4] = {3, 400, -1, 120};
  double xy[2 * 37], sdf[37], v[37 * 3], v2[37 * 3], grad[37 * 9], vp[37 * 3], vm[37 * 3];
  FFRng rng;
  FFRngSeed(&rng, 4, 0);
  for (int i = 0; i < n; i++) {
    xy[2 * i] = 2 * FFRngUniform(&rng) - 0.5, xy[2 * i + 1] = FFRngUniform(&rng) - 0.5;
    sdf[i] = 0.05 + 0.5 * FFRngUniform(&rng);
  }
  FF_TEST_PETSC(FFSurrogateFieldEvaluateCases(s, 2, cond, offsets, xy, sdf, NULL, v, NULL));
  FF_TEST_PETSC(FFSurrogateFieldEvaluateCases(s, 2, cond, offsets, xy, sdf, NULL, v2, grad));
  double scale = 0, worst = 0;
  for (int k = 0; k < n * 3; k++) scale = fmax(scale, fabs(v[k]));
  for (int k = 0; k < n * 3; k++) worst = fmax(worst, fabs(v[k] - v2[k]));
  CU_ASSERT(worst <= 1e-5 * scale); /* float rounding of the same network */
  /* central differences in double of a float network. The asinh stretch of the inputs (length
   * 0.05 std, ~0.015 for the wall distance here) curves the field strongly near the wall, so the
   * truncation h^2 |f'''| / 6 needs a small step: with h = 3e-5 it is ~1e-5 of the derivatives'
   * scale (~4 here), and the float rounding of the two values (~1e-7 of values of size ~1) adds
   * up to ~1e-7 / 2h ~ 2e-3 absolute, 5e-4 of that scale: 2e-3 of the scale bounds both */
  const double h = 3e-5;
  double gscale = 0, gworst = 0;
  for (int k = 0; k < n * 9; k++) gscale = fmax(gscale, fabs(grad[k]));
  for (int j = 0; j < 3; j++) {
    double xp[2 * 37], sp[37], xm[2 * 37], sm[37];
    memcpy(xp, xy, sizeof xp), memcpy(xm, xy, sizeof xm), memcpy(sp, sdf, sizeof sp), memcpy(sm, sdf, sizeof sm);
    for (int i = 0; i < n; i++) {
      if (j < 2)
        xp[2 * i + j] += h, xm[2 * i + j] -= h;
      else
        sp[i] += h, sm[i] -= h;
    }
    FF_TEST_PETSC(FFSurrogateFieldEvaluateCases(s, 2, cond, offsets, xp, sp, NULL, vp, NULL));
    FF_TEST_PETSC(FFSurrogateFieldEvaluateCases(s, 2, cond, offsets, xm, sm, NULL, vm, NULL));
    for (int i = 0; i < n; i++)
      for (int c = 0; c < 3; c++) {
        const double fd = (vp[3 * i + c] - vm[3 * i + c]) / (2 * h);
        gworst = fmax(gworst, fabs(fd - grad[(3 * i + c) * 3 + j]));
      }
  }
  printf("  field derivatives: largest |AD - FD| %.3g of %.3g\n", gworst, gscale);
  CU_ASSERT(gscale > 0);
  CU_ASSERT(gworst <= 2e-3 * gscale);
  /* a GNN has no values at arbitrary points */
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
}

/* The batched forces of several cases equal those of each case alone; the three methods give
 * finite forces; a distance that is not positive is refused. */
static void TestBodyForcesBatch(void)
{
  FFSurrogate s = SmallField();
  const FFGeometry g1 = Naca(0.02, 0.4, 0.12), g2 = Naca(0, 0.4, 0.09);
  FFBodySurface b[2];
  FF_TEST_PETSC(FFBodySurfaceNaca(&g1, 40, &b[0]));
  FF_TEST_PETSC(FFBodySurfaceNaca(&g2, 50, &b[1]));
  FFBodySurface *pb[2] = {&b[0], &b[1]};
  const FFBodyFlow flows[2] = {{.re = 400, .aoa_deg = 3, .ref_velocity = 1, .ref_length = 1},
                               {.re = 150, .aoa_deg = -1, .ref_velocity = 1, .ref_length = 1}};
  const double cond[4] = {3, 400, -1, 150};
  for (int how = FF_FORCES_CONTOUR; how <= FF_FORCES_WALL_AUTODIFF; how++) {
    FFBodyForces both[2], one;
    double cp0[80], cp1[100], cpa[100], *cps[2] = {cp0, cp1}, *cpo[1] = {cpa};
    FF_TEST_PETSC(FFSurrogateBodyForces(s, 2, cond, pb, flows, (FFBodyForceMethod)how, 0.05, both, cps));
    FF_TEST_PETSC(FFSurrogateBodyForces(s, 1, &cond[2], &pb[1], &flows[1], (FFBodyForceMethod)how, 0.05, &one, cpo));
    CU_ASSERT(isfinite(both[0].cd) && isfinite(both[0].cl));
    FF_TEST_CLOSE(both[1].cd, one.cd, 1e-5, 1e-7);
    FF_TEST_CLOSE(both[1].cl, one.cl, 1e-5, 1e-7);
    for (int i = 0; i < 100; i++) FF_TEST_CLOSE(cp1[i], cpa[i], 1e-5, 1e-7);
  }
  FFBodyForces f[2];
  CU_ASSERT(FFSurrogateBodyForces(s, 2, cond, pb, flows, FF_FORCES_CONTOUR, -0.05, f, NULL) != 0);
  CU_ASSERT(FFSurrogateBodyForces(s, 2, cond, pb, flows, FF_FORCES_WALL_STENCIL, 0, f, NULL) != 0);
  FF_TEST_PETSC(FFBodySurfaceDestroy(&b[0]));
  FF_TEST_PETSC(FFBodySurfaceDestroy(&b[1]));
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {{"NACA surface: the mesher's formula, closed, mirror-symmetric", TestNacaSurface},
                          {"panels: second-order area, outward normals, offset contour", TestPanels},
                          {"force integral against closed forms", TestIntegral},
                          {"field derivatives against finite differences", TestFieldDerivatives},
                          {"batched body forces equal one case at a time", TestBodyForcesBatch},
                          {NULL, NULL}};
  return FFTestRunPetsc(argc, argv, "surrogate_surface", tests);
}
