/* NACA 4-digit airfoil (chord 1, leading edge at the origin, closed trailing edge) in a
 * square far-field box, as Gmsh .geo text. The angle of attack belongs to the free stream,
 * so the airfoil is never rotated; the wake refinement is a thin wedge around y = 0. */
#include "ff_mesh_impl.h"

#include <math.h>

/* Half thickness with the closed-trailing-edge coefficient (-0.1036 instead of -0.1015). */
static double NacaThickness(double t, double x)
{
  return 5.0 * t * (0.2969 * sqrt(x) + x * (-0.1260 + x * (-0.3516 + x * (0.2843 + x * -0.1036))));
}

static void NacaCamber(double m, double p, double x, double *yc, double *slope)
{
  if (m == 0) {
    *yc = *slope = 0;
  } else if (x < p) {
    *yc = m / (p * p) * (2 * p * x - x * x);
    *slope = 2 * m / (p * p) * (p - x);
  } else {
    *yc = m / ((1 - p) * (1 - p)) * (1 - 2 * p + 2 * p * x - x * x);
    *slope = 2 * m / ((1 - p) * (1 - p)) * (p - x);
  }
}

/* A point of the surface at chord station x; upper surface when side = +1, lower when -1. */
static void NacaSurfacePoint(const FFGeometry *g, double x, int side, double *X, double *Y)
{
  double yc, slope, yt = NacaThickness(g->naca_t, x);
  NacaCamber(g->naca_m, g->naca_p, x, &yc, &slope);
  double theta = atan(slope);
  *X = x - side * yt * sin(theta);
  *Y = yc + side * yt * cos(theta);
}

/* Points per surface: cosine spacing crowds them at both edges, where curvature is high. */
#define NACA_POINTS 120

PetscErrorCode FFNacaWriteGeo(const FFGeometry *g, FILE *f)
{
  PetscFunctionBegin;
  const double half = 0.5 * g->farfield, xmin = 0.5 - half, xmax = 0.5 + half;
  fprintf(f,
          "// fieldflow: NACA 4-digit airfoil m = %.6g, p = %.6g, t = %.6g (chord 1, closed trailing edge)\n"
          "h = %.17g; // far-field cell size\nh_body = %.17g; // cell size on the airfoil\n"
          "h_wake = %.17g; // cell size in the wake behind the trailing edge\n"
          "growth = %.17g; // size growth per unit distance from the airfoil and the wake\n",
          (double)g->naca_m, (double)g->naca_p, (double)g->naca_t, (double)g->h, (double)g->h_body, (double)g->h_wake,
          (double)g->growth);
  /* Point 1 is the trailing edge, 1 + NACA_POINTS the leading edge: upper surface from the
   * trailing to the leading edge, then the lower surface back. */
  int id = 1;
  for (int i = NACA_POINTS; i >= 0; i--, id++) {
    double x = 0.5 * (1 - cos(M_PI * i / NACA_POINTS)), X, Y;
    NacaSurfacePoint(g, x, +1, &X, &Y);
    if (i == NACA_POINTS) X = 1, Y = 0; /* exactly closed */
    if (i == 0) X = 0, Y = 0;
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", id, X, Y);
  }
  for (int i = 1; i < NACA_POINTS; i++, id++) {
    double x = 0.5 * (1 - cos(M_PI * i / NACA_POINTS)), X, Y;
    NacaSurfacePoint(g, x, -1, &X, &Y);
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", id, X, Y);
  }
  const int le = NACA_POINTS + 1, last = id - 1;
  fprintf(f, "Spline(1) = {1:%d};\nSpline(2) = {%d:%d, 1};\n", le, le, last);
  fprintf(f,
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n"
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n",
          id, xmin, -half, id + 1, xmax, -half, id + 2, xmax, half, id + 3, xmin, half);
  fprintf(f,
          "Line(3) = {%d, %d}; // bottom\nLine(4) = {%d, %d}; // outlet\nLine(5) = {%d, %d}; // top\n"
          "Line(6) = {%d, %d}; // inflow\n",
          id, id + 1, id + 1, id + 2, id + 2, id + 3, id + 3, id);
  fprintf(f, "Curve Loop(1) = {3, 4, 5, 6};\nCurve Loop(2) = {1, 2};\nPlane Surface(1) = {1, 2};\n"
             "Physical Curve(\"airfoil\", 1) = {1, 2};\nPhysical Curve(\"farfield\", 2) = {3, 5, 6};\n"
             "Physical Curve(\"outlet\", 3) = {4};\nPhysical Surface(\"fluid\", 4) = {1};\n");
  /* Size: the smallest of (a) h_body growing with the distance from the airfoil, finer at the
   * leading and trailing edges, (b) h_wake growing slowly downstream inside a 5-degree wedge
   * behind the trailing edge and with `growth` away from it, (c) h. */
  fprintf(f,
          "Field[1] = Distance;\nField[1].CurvesList = {1, 2};\nField[1].NumPointsPerCurve = 2000;\n"
          "Field[2] = MathEval; // airfoil, with the leading and trailing edges at 0.4 h_body\n"
          "Field[2].F = Sprintf(\"Min(%%g + %%g * F1, %%g + %%g * Min(Sqrt(x*x + y*y), Sqrt((x-1)*(x-1) + y*y)))\","
          " h_body, growth, 0.4 * h_body, growth);\n"
          "Field[3] = MathEval; // wake wedge\n"
          "Field[3].F = Sprintf(\"%%g + 0.02 * Max(x - 1, 0) + %%g * Max(Sqrt(Min(x - 1, 0) * Min(x - 1, 0) + y*y) - "
          "0.0875 * Max(x - 1, 0), 0)\", h_wake, growth);\n"
          /* a MathEval that reads another MathEval deadlocks gmsh 4.8: combine with Min */
          "Field[4] = MathEval;\nField[4].F = Sprintf(\"%%g\", h);\n"
          "Field[100] = Min;\nField[100].FieldsList = {2, 3, 4};\n");
  FFGeoWriteSizeSettings(f);
  PetscFunctionReturn(0);
}
