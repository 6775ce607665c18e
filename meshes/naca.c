/* NACA 4-digit airfoil (chord 1, leading edge at the origin, closed trailing edge) in a
 * square far-field box, as Gmsh .geo text. The angle of attack belongs to the free stream,
 * so the airfoil is never rotated; the wake refinement is a thin wedge around y = 0. */
#include "mesh_private.h"

#include <math.h>

/* Half thickness with the closed-trailing-edge coefficient (-0.1036 instead of -0.1015), or
 * the TMR NACA 0012 section (docs/references.md §9; -naca_tmr, thickness 12% only). */
static double NacaThickness(const FFGeometry *g, double x)
{
  if (g->naca_tmr)
    return 0.594689181 *
           (0.298222773 * sqrt(x) + x * (-0.127125232 + x * (-0.357907906 + x * (0.291984971 + x * -0.105174606))));
  return 5.0 * g->naca_t * (0.2969 * sqrt(x) + x * (-0.1260 + x * (-0.3516 + x * (0.2843 + x * -0.1036))));
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
void FFNacaChordPoint(const FFGeometry *g, double x, int side, double *X, double *Y)
{
  double yc, slope, yt = NacaThickness(g, x);
  NacaCamber(g->naca_m, g->naca_p, x, &yc, &slope);
  double theta = atan(slope);
  *X = x - side * yt * sin(theta);
  *Y = yc + side * yt * cos(theta);
}

PetscErrorCode FFNacaSurfacePoint(const FFGeometry *g, PetscReal s, PetscReal xy[2], PetscReal dxy[2])
{
  PetscFunctionBegin;
  PetscCheck(g->type == FF_GEOMETRY_NACA, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "not a NACA geometry");
  PetscCheck(s >= 0 && s <= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "surface parameter %g outside [0, 2]",
             (double)s);
  const int side = s <= 1 ? +1 : -1;
  double X, Y;
  FFNacaChordPoint(g, 0.5 * (1 + cos(M_PI * s)), side, &X, &Y);
  xy[0] = X, xy[1] = Y;
  if (dxy) { /* central differences inside each side: the sides meet at a corner (trailing edge) */
    const double h = 1e-6, a = s - h < (side > 0 ? 0.0 : 1.0) ? s : s - h,
                 b = s + h > (side > 0 ? 1.0 : 2.0) ? s : s + h;
    double Xa, Ya, Xb, Yb;
    FFNacaChordPoint(g, 0.5 * (1 + cos(M_PI * a)), side, &Xa, &Ya);
    FFNacaChordPoint(g, 0.5 * (1 + cos(M_PI * b)), side, &Xb, &Yb);
    dxy[0] = (Xb - Xa) / (b - a), dxy[1] = (Yb - Ya) / (b - a);
  }
  PetscFunctionReturn(0);
}

/* Points per surface: cosine spacing crowds them at both edges, where curvature is high. */
#define NACA_POINTS 120

PetscBool FFNacaIsMirrored(const FFGeometry *g) { return g->naca_mirror && g->naca_m == 0 ? PETSC_TRUE : PETSC_FALSE; }

/* The airfoil's points: 1 is the trailing edge, *le = 1 + NACA_POINTS the leading edge (upper
 * surface from the trailing to the leading edge), then the lower surface from the leading edge
 * back, up to *last. Symmetric airfoils get exact mirror images (y -> -y). */
static void WriteAirfoilPoints(const FFGeometry *g, FILE *f, int *le, int *last)
{
  int id = 1;
  for (int i = NACA_POINTS; i >= 0; i--, id++) {
    double x = 0.5 * (1 - cos(M_PI * i / NACA_POINTS)), X, Y;
    FFNacaChordPoint(g, x, +1, &X, &Y);
    if (i == NACA_POINTS) X = 1, Y = 0; /* exactly closed */
    if (i == 0) X = 0, Y = 0;
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", id, X, Y);
  }
  for (int i = 1; i < NACA_POINTS; i++, id++) {
    double x = 0.5 * (1 - cos(M_PI * i / NACA_POINTS)), X, Y;
    FFNacaChordPoint(g, x, -1, &X, &Y);
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", id, X, Y);
  }
  *le = NACA_POINTS + 1, *last = id - 1;
}

/* One surface: the box minus the airfoil (splines 1 upper, 2 lower). */
static void WriteOneSurface(const FFGeometry *g, FILE *f, int le, int last)
{
  const double half = 0.5 * g->farfield, xmin = 0.5 - half, xmax = 0.5 + half;
  const int b = last + 1; /* box corners: b (xmin, -half), b + 1, b + 2, b + 3 counter-clockwise */
  fprintf(f, "Spline(1) = {1:%d};\nSpline(2) = {%d:%d, 1};\n", le, le, last);
  fprintf(f,
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n"
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n",
          b, xmin, -half, b + 1, xmax, -half, b + 2, xmax, half, b + 3, xmin, half);
  fprintf(f,
          "Line(3) = {%d, %d}; // bottom\nLine(4) = {%d, %d}; // outlet\nLine(5) = {%d, %d}; // top\n"
          "Line(6) = {%d, %d}; // inflow\n",
          b, b + 1, b + 1, b + 2, b + 2, b + 3, b + 3, b);
  fprintf(f, "Curve Loop(1) = {3, 4, 5, 6};\nCurve Loop(2) = {1, 2};\nPlane Surface(1) = {1, 2};\n"
             "Physical Curve(\"airfoil\", 1) = {1, 2};\nPhysical Curve(\"farfield\", 2) = {3, 5, 6};\n"
             "Physical Curve(\"outlet\", 3) = {4};\nPhysical Surface(\"fluid\", 4) = {1};\n");
}

/* A symmetric airfoil: the upper half (surface 1) is meshed and the lower half (surface 2) is
 * its mirror image, through gmsh periodic surfaces with the reflection y -> -y. The halves
 * meet on y = 0 ahead of and behind the airfoil (curves 9 and 10, in both surfaces). Each lower
 * curve runs as the mirror of its upper master. With the curves running this way (loop 1 all
 * reversed, loop 2 all forward) gmsh 4.8 orients the copied cells counter-clockwise too; with
 * some other directions it leaves them clockwise (the reader reorients cells anyway). The .msh
 * gets a $Periodic section, which the reader ignores (it would glue the halves together). */
static void WriteMirroredHalves(const FFGeometry *g, FILE *f, int le, int last)
{
  const double half = 0.5 * g->farfield, xmin = 0.5 - half, xmax = 0.5 + half;
  const int b = last + 1; /* box: b (xmin, -half), b + 1 (xmax, -half), b + 2 (xmax, half), b + 3
                            (xmin, half), b + 4 (xmin, 0), b + 5 (xmax, 0) */
  fprintf(f, "Spline(1) = {1:%d};\nSpline(2) = {1, %d:%d:-1, %d};\n", le, last, le + 1, le);
  fprintf(f,
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n"
          "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, 0, 0};\nPoint(%d) = {%.17g, 0, 0};\n",
          b, xmin, -half, b + 1, xmax, -half, b + 2, xmax, half, b + 3, xmin, half, b + 4, xmin, b + 5, xmax);
  fprintf(f,
          "Line(6) = {%d, %d}; // inflow, upper half\nLine(5) = {%d, %d}; // top\n"
          "Line(7) = {%d, %d}; // outlet, upper half\n"
          "Line(8) = {%d, %d}; // inflow, lower half\nLine(3) = {%d, %d}; // bottom\n"
          "Line(4) = {%d, %d}; // outlet, lower half\n"
          "Line(9) = {%d, %d}; // y = 0 ahead of the leading edge\nLine(10) = {%d, 1}; // y = 0 behind\n",
          b + 4, b + 3, b + 3, b + 2, b + 2, b + 5, b + 4, b, b, b + 1, b + 1, b + 5, le, b + 4, b + 5);
  fprintf(f, "Curve Loop(1) = {-10, -7, -5, -6, -9, -1};\nPlane Surface(1) = {1};\n"
             "Curve Loop(2) = {9, 8, 3, 4, 10, 2};\nPlane Surface(2) = {2};\n"
             "Mirror[] = {1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}; // y -> -y\n"
             "Periodic Curve {2} = {1} Affine {Mirror[]};\nPeriodic Curve {4} = {7} Affine {Mirror[]};\n"
             "Periodic Curve {3} = {5} Affine {Mirror[]};\nPeriodic Curve {8} = {6} Affine {Mirror[]};\n"
             "Periodic Surface {2} = {1} Affine {Mirror[]};\n"
             "Physical Curve(\"airfoil\", 1) = {1, 2};\nPhysical Curve(\"farfield\", 2) = {3, 5, 6, 8};\n"
             "Physical Curve(\"outlet\", 3) = {4, 7};\nPhysical Surface(\"fluid\", 4) = {1, 2};\n");
}

PetscErrorCode FFNacaWriteGeo(const FFGeometry *g, FILE *f)
{
  int le, last;
  PetscFunctionBegin;
  fprintf(f,
          "// fieldflow: NACA 4-digit airfoil m = %.6g, p = %.6g, t = %.6g (chord 1, closed trailing edge)%s\n"
          "h = %.17g; // far-field cell size\nh_body = %.17g; // cell size on the airfoil\n"
          "h_wake = %.17g; // cell size in the wake behind the trailing edge\n"
          "growth = %.17g; // size growth per unit distance from the airfoil and the wake\n",
          (double)g->naca_m, (double)g->naca_p, (double)g->naca_t, FFNacaIsMirrored(g) ? ", mirror-symmetric mesh" : "",
          (double)g->h, (double)g->h_body, (double)g->h_wake, (double)g->growth);
  WriteAirfoilPoints(g, f, &le, &last);
  if (FFNacaIsMirrored(g))
    WriteMirroredHalves(g, f, le, last);
  else
    WriteOneSurface(g, f, le, last);
  /* Size: the smallest of (a) h_body growing with the distance from the airfoil, finer at the
   * leading and trailing edges, (b) h_wake growing slowly downstream inside a 5-degree wedge
   * behind the trailing edge and with `growth` away from it, (c) h. All symmetric in y, so
   * both halves of a mirrored mesh see the same sizes. */
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
