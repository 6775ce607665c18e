/* Wall-resolved meshes for RANS (docs/meshes.md): the options they share, the first cell
 * height from a target y+, and the TMR zero-pressure-gradient flat plate as a structured
 * Gmsh geometry (docs/references.md §9, §10).
 *
 * Gmsh's BoundaryLayer field is not used: in Debian's gmsh 4.8.4 it needs the ANN library,
 * which that build lacks ("Gmsh must be compiled with ANN support for finding closest
 * nodes"), and it then meshes without the layer. The plate is a transfinite (structured)
 * geometry instead, the airfoil layers are built here (naca_layers.c). */
#include "mesh_private.h"

#include <math.h>

PetscReal FFBoundaryLayerFirstHeight(PetscReal yplus, PetscReal re)
{
  const PetscReal cf = 0.026 * PetscPowReal(re, -1.0 / 7.0); /* White's turbulent flat plate at x = 1 */
  return yplus / (re * PetscSqrtReal(0.5 * cf));
}

PetscBool FFGeometryHasBoundaryLayer(const FFGeometry *g)
{
  return g->type == FF_GEOMETRY_FLATPLATE || (g->type == FF_GEOMETRY_NACA && g->bl_yplus > 0) ? PETSC_TRUE
                                                                                              : PETSC_FALSE;
}

void FFBoundaryLayerSetDefaults(FFGeometry *g)
{
  g->bl_yplus = g->type == FF_GEOMETRY_FLATPLATE ? 1.0 : 0.0;
  g->bl_growth = 1.2;
  g->bl_re = 0; /* from -re / -ref_length */
  g->bl_layers = 0;
  g->bl_surface_points = 96;
  g->bl_wake_length = 1.0;
  g->refine = 0;
  g->plate_length = 2.0;
  g->plate_upstream = 0.33333; /* TMR: the symmetry plane starts at x = -0.33333 */
  g->plate_height = 1.0;
  g->plate_growth_x = 1.1;
  g->plate_nx = 48;
}

PetscErrorCode FFBoundaryLayerOptions(FFMesh mesh, PetscOptionItems *PetscOptionsObject)
{
  FFGeometry *g = &mesh->geo;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-mesh_bl_yplus", "Boundary-layer mesh: y+ of the first cell (NACA: 0 for none)",
                             "docs/meshes.md", g->bl_yplus, &g->bl_yplus, NULL));
  PetscCall(PetscOptionsReal("-mesh_bl_growth", "Boundary-layer mesh: growth ratio of the layers (<= 1.2)",
                             "docs/meshes.md", g->bl_growth, &g->bl_growth, NULL));
  PetscCall(PetscOptionsReal("-mesh_bl_re",
                             "Boundary-layer mesh: Reynolds number per unit length (default -re / -ref_length)",
                             "docs/meshes.md", g->bl_re, &g->bl_re, &set));
  if (!set) { /* the solver's options say it */
    PetscReal re = 0, ref_length = 1;
    PetscBool has_re;
    PetscCall(PetscOptionsGetReal(NULL, mesh->prefix, "-re", &re, &has_re));
    PetscCall(PetscOptionsGetReal(NULL, mesh->prefix, "-ref_length", &ref_length, NULL));
    if (has_re) g->bl_re = ref_length > 0 ? re / ref_length : re;
  }
  PetscCall(PetscOptionsInt("-mesh_bl_layers", "NACA boundary layer: layers of the structured block (0: up to h_body)",
                            "docs/meshes.md", g->bl_layers, &g->bl_layers, NULL));
  PetscCall(PetscOptionsInt("-mesh_bl_surface_points", "NACA boundary layer: wall nodes per side of the airfoil",
                            "docs/meshes.md", g->bl_surface_points, &g->bl_surface_points, NULL));
  PetscCall(PetscOptionsReal("-mesh_bl_wake_length", "NACA boundary layer: length of the structured wake block",
                             "docs/meshes.md", g->bl_wake_length, &g->bl_wake_length, NULL));
  PetscCall(PetscOptionsReal("-mesh_refine",
                             "Boundary-layer meshes: level k, 2^k times the cells along each direction (k = 1: halve "
                             "every spacing; 0.5: a factor sqrt 2)",
                             "docs/meshes.md", g->refine, &g->refine, NULL));
  PetscCall(PetscOptionsBool("-naca_tmr", "NACA: the TMR NACA 0012 section (closed trailing edge)", "docs/meshes.md",
                             g->naca_tmr, &g->naca_tmr, NULL));
  PetscCall(PetscOptionsReal("-plate_length", "Flat plate: length of the plate", "docs/meshes.md", g->plate_length,
                             &g->plate_length, NULL));
  PetscCall(PetscOptionsReal("-plate_upstream", "Flat plate: length of the symmetry plane ahead of it",
                             "docs/meshes.md", g->plate_upstream, &g->plate_upstream, NULL));
  PetscCall(PetscOptionsReal("-plate_height", "Flat plate: height of the domain", "docs/meshes.md", g->plate_height,
                             &g->plate_height, NULL));
  PetscCall(PetscOptionsInt("-plate_nx", "Flat plate: cells along the plate", "docs/meshes.md", g->plate_nx,
                            &g->plate_nx, NULL));
  PetscCall(PetscOptionsReal("-plate_growth_x", "Flat plate: growth of the cells along the plate from its leading edge",
                             "docs/meshes.md", g->plate_growth_x, &g->plate_growth_x, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode FFBoundaryLayerCheck(const FFGeometry *g, const char *prefix)
{
  const char *p = prefix ? prefix : "";

  PetscFunctionBegin;
  if (!FFGeometryHasBoundaryLayer(g)) {
    PetscCheck(g->bl_yplus >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -%smesh_bl_yplus: y+ of the first cell must be > 0 (or 0: no boundary-layer mesh), got %g", p,
               (double)g->bl_yplus);
    PetscFunctionReturn(0);
  }
  PetscCheck(g->bl_yplus > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_bl_yplus: y+ of the first cell must be > 0, got %g", p, (double)g->bl_yplus);
  PetscCheck(g->bl_growth > 1 && g->bl_growth <= 1.2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_bl_growth: the layers' growth ratio must be in (1, 1.2], got %g", p, (double)g->bl_growth);
  PetscCheck(g->bl_re > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%sre (or -%smesh_bl_re): the boundary-layer mesh sizes its first cell from the Reynolds number, "
             "which must be > 0, got %g",
             p, p, (double)g->bl_re);
  PetscCheck(g->refine >= 0 && g->refine <= 6, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_refine: 0 to 6, got %g", p, (double)g->refine);
  if (g->type == FF_GEOMETRY_FLATPLATE) {
    PetscCheck(g->plate_length > 0 && g->plate_upstream > 0 && g->plate_height > 0, PETSC_COMM_SELF,
               PETSC_ERR_ARG_OUTOFRANGE, "options -%splate_length, -%splate_upstream and -%splate_height must be > 0",
               p, p, p);
    PetscCheck(g->plate_nx >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -%splate_nx: at least 2 cells along the plate, got %d", p, (int)g->plate_nx);
    PetscCheck(g->plate_growth_x >= 1 && g->plate_growth_x <= 1.2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -%splate_growth_x: must be in [1, 1.2], got %g", p, (double)g->plate_growth_x);
  } else {
    PetscCheck(g->bl_surface_points >= 8, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -%smesh_bl_surface_points: at least 8 wall nodes per side, got %d", p,
               (int)g->bl_surface_points);
    PetscCheck(g->bl_layers >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -%smesh_bl_layers must be >= 0",
               p);
    /* without -mesh_bl_layers the layers grow until one is as high as h_body: the first must be lower */
    const PetscReal y1 = FFBoundaryLayerFirstHeight(g->bl_yplus, g->bl_re);
    PetscCheck(g->bl_layers > 0 || y1 < g->h_body, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "options -%smesh_bl_yplus %g and -%sre %g give a first cell %g high, not below -%smesh_h_body %g: "
               "a lower y+, a higher Reynolds number (or -%smesh_bl_re), a larger h_body, or -%smesh_bl_layers",
               p, (double)g->bl_yplus, p, (double)g->bl_re, (double)y1, p, (double)g->h_body, p, p);
    PetscCheck(g->bl_wake_length > 0 && g->bl_wake_length < 0.5 * g->farfield - 1, PETSC_COMM_SELF,
               PETSC_ERR_ARG_OUTOFRANGE, "option -%smesh_bl_wake_length: must be in (0, farfield / 2 - 1), got %g", p,
               (double)g->bl_wake_length);
  }
  PetscFunctionReturn(0);
}

/* Intervals and ratio of a geometric progression of refinement level k from level 0's: 2^k
 * times the intervals over the same length, the ratio to the power 2^-k (nested: every level-0
 * node is a node of level k when 2^k is whole). */
static void Refined(PetscInt n0, PetscReal r0, PetscReal k, PetscInt *n, PetscReal *r)
{
  *n = (PetscInt)round(n0 * PetscPowReal(2, k));
  *r = PetscPowReal(r0, (PetscReal)n0 / (PetscReal)*n);
}

/* The flat plate: two transfinite blocks (upstream of the plate over the symmetry plane, and
 * over the plate), quadrilaterals cut into triangles. Wall-normal lines grow from y = 0 by the
 * layer ratio, with as many cells as y+ needs at level 0; along the plate the cells grow by
 * plate_growth_x from the leading edge, ahead of it they shrink towards it. */
PetscErrorCode FFFlatPlateWriteGeo(const FFGeometry *g, FILE *f)
{
  const PetscReal y1 = FFBoundaryLayerFirstHeight(g->bl_yplus, g->bl_re), H = g->plate_height;
  const PetscReal L = g->plate_length, X0 = -g->plate_upstream, r = g->bl_growth;
  /* level 0: the first cell at most y1 (a whole number of cells of ratio r up to H) */
  const PetscInt ny0 = (PetscInt)PetscCeilReal(PetscLogReal(1 + (r - 1) * H / y1) / PetscLogReal(r));
  PetscInt ny, nx, nu;
  PetscReal ry, rx, ru;

  PetscFunctionBegin;
  Refined(ny0, r, g->refine, &ny, &ry);
  Refined(g->plate_nx, g->plate_growth_x, g->refine, &nx, &rx);
  /* upstream: cells growing by the layer ratio from the first plate cell at the leading edge */
  const PetscReal dx0 = L * (g->plate_growth_x - 1) / (PetscPowReal(g->plate_growth_x, (PetscReal)g->plate_nx) - 1);
  const PetscInt nu0 = (PetscInt)PetscCeilReal(PetscLogReal(1 + (r - 1) * (-X0) / dx0) / PetscLogReal(r));
  Refined(nu0, r, g->refine, &nu, &ru);
  fprintf(f,
          "// fieldflow: TMR zero-pressure-gradient flat plate (docs/meshes.md), structured\n"
          "// y+ %g at Re %g per unit length: first cell %.6g at level 0 (%d cells up to y = %g, ratio %g); level %g\n",
          (double)g->bl_yplus, (double)g->bl_re, (double)y1, (int)ny0, (double)H, (double)r, (double)g->refine);
  fprintf(f,
          "Point(1) = {%.17g, 0, 0};\nPoint(2) = {0, 0, 0};\nPoint(3) = {%.17g, 0, 0};\n"
          "Point(4) = {%.17g, %.17g, 0};\nPoint(5) = {0, %.17g, 0};\nPoint(6) = {%.17g, %.17g, 0};\n",
          (double)X0, (double)L, (double)L, (double)H, (double)H, (double)X0, (double)H);
  fprintf(f, "Line(1) = {1, 2}; // symmetry\nLine(2) = {2, 3}; // wall\nLine(3) = {3, 4}; // outlet\n"
             "Line(4) = {5, 4}; // top over the plate\nLine(5) = {6, 5}; // top upstream\n"
             "Line(6) = {1, 6}; // inlet\nLine(7) = {2, 5}; // above the leading edge\n");
  fprintf(f, "Transfinite Curve{3, 6, 7} = %d Using Progression %.17g;\n", (int)(ny + 1), (double)ry);
  fprintf(f, "Transfinite Curve{2, 4} = %d Using Progression %.17g;\n", (int)(nx + 1), (double)rx);
  fprintf(f, "Transfinite Curve{1, 5} = %d Using Progression %.17g;\n", (int)(nu + 1), (double)(1 / ru));
  fprintf(f, "Curve Loop(1) = {1, 7, -5, -6};\nPlane Surface(1) = {1};\nTransfinite Surface{1};\n"
             "Curve Loop(2) = {2, 3, -4, -7};\nPlane Surface(2) = {2};\nTransfinite Surface{2};\n"
             "Physical Curve(\"inlet\", 1) = {6};\nPhysical Curve(\"symmetry\", 2) = {1};\n"
             "Physical Curve(\"wall\", 3) = {2};\nPhysical Curve(\"outlet\", 4) = {3};\n"
             "Physical Curve(\"top\", 5) = {4, 5};\nPhysical Surface(\"fluid\", 6) = {1, 2};\n"
             "Mesh.Algorithm = 6;\n");
  PetscFunctionReturn(0);
}
