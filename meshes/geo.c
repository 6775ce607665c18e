/* Built-in geometries as Gmsh .geo text: the DFG 2D-1 channel and the unit square (the
 * NACA airfoil is in naca.c). Each names its physical groups; the cell size comes from a
 * background field so that -mesh_h / -mesh_h_body / -mesh_growth control it alone. */
#include "mesh_private.h"

#include <string.h>

const char *FFGeometryTypeName(FFGeometryType type)
{
  switch (type) {
  case FF_GEOMETRY_DFG:
    return "dfg";
  case FF_GEOMETRY_NACA:
    return "naca";
  case FF_GEOMETRY_SQUARE:
    return "square";
  case FF_GEOMETRY_FILE:
    return "file";
  case FF_GEOMETRY_FLATPLATE:
    return "flatplate";
  }
  return "unknown";
}

PetscErrorCode FFGeometryCheck(const FFGeometry *geo, const char *prefix)
{
  const char *p = prefix ? prefix : "";
  PetscFunctionBegin;
  PetscCheck(geo->order == 1 || geo->order == 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_order: %d is not supported (1: straight cells, 2: curved cells)", p, (int)geo->order);
  if (geo->type == FF_GEOMETRY_FILE) {
    PetscCheck(geo->msh_file[0], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "-%sgeometry file needs the mesh: -%smesh_file path/to/mesh.msh", p, p);
    PetscFunctionReturn(0);
  }
  PetscCall(FFBoundaryLayerCheck(geo, prefix));
  if (geo->type == FF_GEOMETRY_FLATPLATE) PetscFunctionReturn(0);
  PetscCheck(geo->h > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -%smesh_h: cell size must be > 0, got %g",
             p, (double)geo->h);
  PetscCheck(geo->growth > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_growth: size growth rate must be > 0, got %g", p, (double)geo->growth);
  if (geo->type == FF_GEOMETRY_SQUARE) PetscFunctionReturn(0);
  PetscCheck(geo->h_body > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_h_body: cell size must be > 0, got %g", p, (double)geo->h_body);
  PetscCheck(geo->h_body <= geo->h, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "options -%smesh_h_body %g and -%smesh_h %g: the body size must not exceed the far-field size", p,
             (double)geo->h_body, p, (double)geo->h);
  if (geo->type == FF_GEOMETRY_DFG) {
    PetscCheck(geo->h_body < 0.05, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "option -%smesh_h_body: %g is too coarse for a cylinder of radius 0.05", p, (double)geo->h_body);
    PetscFunctionReturn(0);
  }
  PetscCheck(geo->naca_m >= 0 && geo->naca_m < 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%snaca_m: maximum camber must be in [0, 1) chords, got %g", p, (double)geo->naca_m);
  PetscCheck(geo->naca_m == 0 || (geo->naca_p > 0 && geo->naca_p < 1), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%snaca_p: camber position must be in (0, 1) chords for a cambered airfoil (m = %g), got %g", p,
             (double)geo->naca_m, (double)geo->naca_p);
  PetscCheck(!geo->naca_tmr || (geo->naca_m == 0 && geo->naca_t == 0.12), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "option -%snaca_tmr: the TMR section is the NACA 0012 (give -naca 0012), not m %g t %g", p,
             (double)geo->naca_m, (double)geo->naca_t);
  PetscCheck(geo->naca_t > 0 && geo->naca_t < 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%snaca_t: thickness must be in (0, 1) chords, got %g", p, (double)geo->naca_t);
  PetscCheck(geo->farfield > 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%snaca_farfield: the domain must be more than 2 chords across, got %g", p, (double)geo->farfield);
  PetscCheck(geo->h_wake > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_h_wake: cell size must be > 0, got %g", p, (double)geo->h_wake);
  /* a wall-resolved mesh takes its wall spacing from -mesh_bl_surface_points, h_body only where
   * the layers end */
  PetscCheck(geo->bl_yplus > 0 || geo->h_body < 0.5 * geo->naca_t, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -%smesh_h_body: %g is too coarse for an airfoil of thickness %g", p, (double)geo->h_body,
             (double)geo->naca_t);
  PetscFunctionReturn(0);
}

/* Sizes from a background field only (not from points or curvature), so the options mean
 * exactly what they say. */
void FFGeoWriteSizeSettings(FILE *f)
{
  fprintf(f, "Background Field = 100;\n"
             "Mesh.MeshSizeExtendFromBoundary = 0;\nMesh.MeshSizeFromPoints = 0;\n"
             "Mesh.MeshSizeFromCurvature = 0;\nMesh.Algorithm = 6; // Frontal-Delaunay\n");
}

/* Schaefer & Turek 1996, 2D-1: channel [0, 2.2] x [0, 0.41], cylinder of diameter 0.1 at
 * (0.2, 0.2). The size grows linearly with the distance from the cylinder up to h. */
static void WriteDfg(const FFGeometry *g, FILE *f)
{
  fprintf(f,
          "// fieldflow: DFG 2D-1 channel with cylinder (Schaefer & Turek 1996)\n"
          "h = %.17g; // far-field cell size\nh_body = %.17g; // cell size on the cylinder\n"
          "growth = %.17g; // size growth per unit distance from the cylinder\n"
          "Point(1) = {0, 0, 0};\nPoint(2) = {2.2, 0, 0};\nPoint(3) = {2.2, 0.41, 0};\nPoint(4) = {0, 0.41, 0};\n"
          "Point(5) = {0.2, 0.2, 0};\nPoint(6) = {0.25, 0.2, 0};\nPoint(7) = {0.2, 0.25, 0};\n"
          "Point(8) = {0.15, 0.2, 0};\nPoint(9) = {0.2, 0.15, 0};\n"
          "Line(1) = {1, 2};\nLine(2) = {2, 3};\nLine(3) = {3, 4};\nLine(4) = {4, 1};\n"
          "Circle(5) = {6, 5, 7};\nCircle(6) = {7, 5, 8};\nCircle(7) = {8, 5, 9};\nCircle(8) = {9, 5, 6};\n"
          "Curve Loop(1) = {1, 2, 3, 4};\nCurve Loop(2) = {5, 6, 7, 8};\nPlane Surface(1) = {1, 2};\n"
          "Physical Curve(\"inlet\", 1) = {4};\nPhysical Curve(\"outlet\", 2) = {2};\n"
          "Physical Curve(\"walls\", 3) = {1, 3};\nPhysical Curve(\"cylinder\", 4) = {5, 6, 7, 8};\n"
          "Physical Surface(\"fluid\", 5) = {1};\n"
          "Field[1] = Distance;\nField[1].CurvesList = {5, 6, 7, 8};\nField[1].NumPointsPerCurve = 400;\n"
          "Field[100] = MathEval;\nField[100].F = Sprintf(\"Min(%%g, %%g + %%g * F1)\", h, h_body, growth);\n",
          (double)g->h, (double)g->h_body, (double)g->growth);
  FFGeoWriteSizeSettings(f);
}

/* The unit square of the Darcy problem with a uniform size h. */
static void WriteSquare(const FFGeometry *g, FILE *f)
{
  fprintf(f,
          "// fieldflow: unit square\nh = %.17g; // cell size\n"
          "Point(1) = {0, 0, 0};\nPoint(2) = {1, 0, 0};\nPoint(3) = {1, 1, 0};\nPoint(4) = {0, 1, 0};\n"
          "Line(1) = {1, 2};\nLine(2) = {2, 3};\nLine(3) = {3, 4};\nLine(4) = {4, 1};\n"
          "Curve Loop(1) = {1, 2, 3, 4};\nPlane Surface(1) = {1};\n"
          "Physical Curve(\"left\", 1) = {4};\nPhysical Curve(\"right\", 2) = {2};\n"
          "Physical Curve(\"bottom\", 3) = {1};\nPhysical Curve(\"top\", 4) = {3};\n"
          "Physical Surface(\"fluid\", 5) = {1};\n"
          "Field[100] = MathEval;\nField[100].F = Sprintf(\"%%g\", h);\n",
          (double)g->h);
  FFGeoWriteSizeSettings(f);
}

PetscErrorCode FFGeoWrite(const FFGeometry *geo, FILE *f)
{
  PetscFunctionBegin;
  switch (geo->type) {
  case FF_GEOMETRY_DFG:
    WriteDfg(geo, f);
    break;
  case FF_GEOMETRY_SQUARE:
    WriteSquare(geo, f);
    break;
  case FF_GEOMETRY_NACA:
    PetscCall(FFNacaWriteGeo(geo, f));
    break;
  case FF_GEOMETRY_FLATPLATE:
    PetscCall(FFFlatPlateWriteGeo(geo, f));
    break;
  case FF_GEOMETRY_FILE:
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "a user mesh file has no .geo to write");
  }
  PetscCheck(!ferror(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing the .geo failed");
  PetscFunctionReturn(0);
}
