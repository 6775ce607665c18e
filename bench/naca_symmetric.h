/* A mirror-symmetric mesh of a symmetric NACA 00tt airfoil, for the symmetry checks of the
 * solver (C_L = 0 at 0 degrees, C_L(-a) = -C_L(a)). The built-in NACA geometry of the mesh
 * module is meshed as one surface, so its mesh is not symmetric and C_L at 0 degrees is only
 * as small as the discretization error (2e-5 on the default mesh). Here the upper half is
 * meshed and the lower half is its mirror image (gmsh periodic surfaces with the reflection
 * y -> -y); sizes, fields and domain follow the mesh module's NACA geometry, so the two meshes
 * are alike but for the symmetry. Header-only, shared by bench/validate_airfoil.c and
 * tests/test_solver_airfoil.c. */
#ifndef NACA_SYMMETRIC_H
#define NACA_SYMMETRIC_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* NACA 4-digit thickness with the closed trailing edge (-0.1036 x^4). */
static inline double NacaThickness(double t, double x)
{
  return 5 * t * (0.2969 * sqrt(x) - 0.1260 * x - 0.3516 * x * x + 0.2843 * x * x * x - 0.1036 * x * x * x * x);
}

/* Writes the .geo (cells counter-clockwise unless `clockwise`): upper surface from the trailing edge to the leading
 * edge with n_side cosine-spaced points, a 20-chord box [-9.5, 10.5] x [-10, 10], groups airfoil, farfield, outlet,
 * fluid; returns 0 on success. */
static inline int WriteSymmetricNacaGeo(const char *path, double t, double h, double h_body, double h_wake,
                                        double growth, int n_side, int clockwise)
{
  FILE *f = fopen(path, "w");
  if (!f) return 1;
  fprintf(f, "// symmetric NACA 00%02d: upper half meshed, lower half its mirror image\n", (int)lround(100 * t));
  fprintf(f, "h = %.17g; h_body = %.17g; h_wake = %.17g; growth = %.17g;\n", h, h_body, h_wake, growth);
  for (int i = 0; i <= n_side; i++) { /* i = 0: trailing edge (1, 0); i = n_side: leading edge (0, 0) */
    const double x = 0.5 * (1 + cos(M_PI * i / n_side));
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", i + 1, x, i == 0 || i == n_side ? 0.0 : NacaThickness(t, x));
  }
  const int le = n_side + 1;
  for (int i = 1; i < n_side; i++) { /* the lower surface: the same points mirrored */
    const double x = 0.5 * (1 + cos(M_PI * i / n_side));
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", 2001 + i, x, -NacaThickness(t, x));
  }
  fprintf(f, "Spline(1) = {1:%d};\nSpline(7) = {1, 2002:%d, %d};\n", le, 2000 + n_side, le);
  fprintf(f, "Point(1001) = {-9.5, 0, 0}; Point(1002) = {-9.5, 10, 0}; Point(1003) = {10.5, 10, 0};\n"
             "Point(1004) = {10.5, 0, 0}; Point(1005) = {-9.5, -10, 0}; Point(1006) = {10.5, -10, 0};\n");
  /* upper half: airfoil (trailing to leading edge), symmetry line ahead, inflow, top,
   * outlet, symmetry line behind; lower half: their mirror images and the same symmetry lines */
  fprintf(f,
          "Line(2) = {%d, 1001}; Line(3) = {1001, 1002}; Line(4) = {1002, 1003};\n"
          "Line(5) = {1003, 1004}; Line(6) = {1004, 1};\n"
          "Line(8) = {1001, 1005}; Line(9) = {1005, 1006}; Line(10) = {1006, 1004};\n",
          le);
  /* the mirror copies the upper half's cells, orientation included (clockwise: a test) */
  fprintf(f, clockwise ? "Curve Loop(1) = {1, 2, 3, 4, 5, 6}; Plane Surface(1) = {1};\n"
                       : "Curve Loop(1) = {-6, -5, -4, -3, -2, -1}; Plane Surface(1) = {1};\n");
  fprintf(f, "Curve Loop(2) = {7, 2, 8, 9, 10, 6}; Plane Surface(2) = {2};\n");
  fprintf(f, "M[] = {1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};\n"
             "Periodic Curve {7} = {1} Affine {M[]};\nPeriodic Curve {8} = {3} Affine {M[]};\n"
             "Periodic Curve {9} = {4} Affine {M[]};\nPeriodic Curve {10} = {5} Affine {M[]};\n"
             "Periodic Surface {2} = {1} Affine {M[]};\n");
  fprintf(f, "Physical Curve(\"airfoil\", 1) = {1, 7};\nPhysical Curve(\"farfield\", 2) = {3, 4, 8, 9};\n"
             "Physical Curve(\"outlet\", 3) = {5, 10};\nPhysical Surface(\"fluid\", 4) = {1, 2};\n");
  /* the mesh module's size fields: near the airfoil, the edges, the wake, the far field */
  fprintf(f, "Field[1] = Distance; Field[1].CurvesList = {1, 7}; Field[1].NumPointsPerCurve = 2000;\n"
             "Field[2] = MathEval;\n"
             "Field[2].F = Sprintf(\"Min(%%g + %%g * F1, %%g + %%g * Min(Sqrt(x*x + y*y), Sqrt((x-1)*(x-1) + "
             "y*y)))\", h_body, growth, 0.4 * h_body, growth);\n"
             "Field[3] = MathEval;\n"
             "Field[3].F = Sprintf(\"%%g + 0.02 * Max(x - 1, 0) + %%g * Max(Sqrt(Min(x - 1, 0) * Min(x - 1, 0) + "
             "y*y) - 0.0875 * Max(x - 1, 0), 0)\", h_wake, growth);\n"
             "Field[4] = MathEval; Field[4].F = Sprintf(\"%%g\", h);\n"
             "Field[100] = Min; Field[100].FieldsList = {2, 3, 4}; Background Field = 100;\n"
             "Mesh.MeshSizeExtendFromBoundary = 0; Mesh.MeshSizeFromPoints = 0; Mesh.MeshSizeFromCurvature = 0;\n"
             "Mesh.Algorithm = 6;\n");
  return fclose(f) != 0;
}

/* Meshes it with gmsh (order 1 or 2) into msh and drops the $Periodic section (which would
 * make PETSc glue the two halves together); returns non-zero on failure. */
static inline int MeshSymmetricNaca(const char *gmsh, const char *geo, const char *msh, int order)
{
  char cmd[16384];
  snprintf(cmd, sizeof cmd,
           "%s -2 -order %d -format msh41 %s -o %s > /dev/null 2>&1 && sed -i '/^\\$Periodic/,/^\\$EndPeriodic/d' %s",
           gmsh, order, geo, msh, msh);
  return system(cmd);
}

#endif
