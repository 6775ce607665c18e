/* fieldflow io: VTK export. Unstructured meshes with named point and cell fields to .vtu
 * (XML, binary appended, zlib-compressed) through the VTK library, .pvd collections for
 * series, and a reader (for tests and tools). Plain C, no PETSc types; the implementation is
 * the one C++ file of fieldflow (ff_vtk.cxx). Every file is written to a temporary name
 * beside the target and renamed when complete. */
#ifndef FF_VTK_H
#define FF_VTK_H

#include "ff_util.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* VTK cell type numbers. A quadratic triangle lists v0 v1 v2 m01 m12 m20. */
typedef enum { FF_VTK_TRIANGLE = 5, FF_VTK_QUADRATIC_TRIANGLE = 22 } FFVtkCellType;

/* A named field: n_components values per point (or cell). 1 is a scalar; 2 and 3 are
 * vectors, and a 2-vector is stored with 3 components (z = 0) so that ParaView treats it as a
 * vector. Give either values (float64) or int_values (int32, e.g. node types). */
typedef struct {
  const char *name;
  int n_components;
  const double *values;
  const int32_t *int_values;
} FFVtkField;

typedef struct {
  int64_t n_points;
  int dim;              /* 2 (z = 0) or 3 values per point */
  const double *points; /* dim per point */
  int64_t n_cells;
  int cell_type;               /* FFVtkCellType; all cells the same */
  const int64_t *connectivity; /* 3 or 6 point indices per cell */
  int n_point_fields;
  const FFVtkField *point_fields;
  int n_cell_fields;
  const FFVtkField *cell_fields;
} FFVtkMesh;

FFErrorCode FFVtkWrite(const char *path, const FFVtkMesh *mesh);

/* A .pvd collection of n files (names as they should appear in it, usually relative to the
 * .pvd's directory) at the given times. */
FFErrorCode FFVtkWritePvd(const char *path, int n, const char *const files[], const double times[]);

/* What a .vtu holds, read back through VTK. */
typedef struct {
  char name[128];
  int n_components;
  int is_integer;
  double *values; /* n_components per point (or cell), converted to double */
} FFVtkArray;

typedef struct {
  int64_t n_points;
  double *points; /* 3 per point */
  int64_t n_cells;
  int *cell_types;
  int64_t *offsets; /* n_cells + 1: the points of cell c are connectivity[offsets[c] .. offsets[c+1]) */
  int64_t *connectivity;
  int n_point_fields;
  FFVtkArray *point_fields;
  int n_cell_fields;
  FFVtkArray *cell_fields;
} FFVtkData;

FFErrorCode FFVtkRead(const char *path, FFVtkData *data);
void FFVtkDataFree(FFVtkData *data);
/* The point (or cell) field of that name, or NULL. */
const FFVtkArray *FFVtkDataField(const FFVtkData *data, const char *name, int on_cells);

#ifdef __cplusplus
}
#endif

#endif
