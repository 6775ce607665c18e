/* io: the VTK bridge. A mesh with fields written to .vtu comes back through VTK's reader
 * with the same points, cells and fields; .pvd collections; atomic writes; errors. */
#include "ff_io.h"
#include "ff_test.h"

#include <dirent.h>
#include <string.h>

/* Two quadratic triangles on the square [0,1]^2 sharing the diagonal, with curved-looking
 * (moved) edge nodes; point fields of 1, 2 and 3 components and an integer field. */
static const double points[9 * 2] = {0, 0, 1, 0, 1, 1, 0, 1, 0.5, -0.05, 1.05, 0.5, 0.5, 0.5, 0.5, 1.05, -0.05, 0.5};
static const int64_t quad_cells[2 * 6] = {0, 1, 2, 4, 5, 6, 0, 2, 3, 6, 7, 8};
static const int64_t lin_cells[2 * 3] = {0, 1, 2, 0, 2, 3};

static void TestQuadraticRoundTrip(void)
{
  double scalar[9], vec2[18], vec3[27], cellv[2] = {0.25, -3.5};
  int32_t type[9];
  for (int i = 0; i < 9; i++) {
    scalar[i] = 1.0 / (i + 1);
    vec2[2 * i] = i, vec2[2 * i + 1] = -i * 0.5;
    for (int k = 0; k < 3; k++) vec3[3 * i + k] = i * 10 + k + 0.125;
    type[i] = i % 3;
  }
  FFVtkField pf[4] = {{"pressure", 1, scalar, NULL},
                      {"velocity", 2, vec2, NULL},
                      {"vorticity3", 3, vec3, NULL},
                      {"node_type", 1, NULL, type}};
  FFVtkField cf[1] = {{"quality", 1, cellv, NULL}};
  FFVtkMesh m = {9, 2, points, 2, FF_VTK_QUADRATIC_TRIANGLE, quad_cells, 4, pf, 1, cf};
  char path[4096];
  snprintf(path, sizeof path, "%s/quad.vtu", FFTestTempDir("vtk"));
  FF_TEST_CALL(FFVtkWrite(path, &m));
  /* binary appended, compressed */
  FILE *f = fopen(path, "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  char head[1024] = "";
  CU_ASSERT(fread(head, 1, sizeof head - 1, f) > 0);
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(head, "vtkZLibDataCompressor"));
  CU_ASSERT_PTR_NOT_NULL(strstr(head, "UnstructuredGrid"));

  FFVtkData d;
  FF_TEST_CALL(FFVtkRead(path, &d));
  CU_ASSERT_EQUAL_FATAL(d.n_points, 9);
  CU_ASSERT_EQUAL_FATAL(d.n_cells, 2);
  for (int i = 0; i < 9; i++) {
    CU_ASSERT_EQUAL(d.points[3 * i], points[2 * i]);
    CU_ASSERT_EQUAL(d.points[3 * i + 1], points[2 * i + 1]);
    CU_ASSERT_EQUAL(d.points[3 * i + 2], 0);
  }
  for (int c = 0; c < 2; c++) {
    CU_ASSERT_EQUAL(d.cell_types[c], 22);
    CU_ASSERT_EQUAL(d.offsets[c + 1] - d.offsets[c], 6);
    for (int k = 0; k < 6; k++) CU_ASSERT_EQUAL(d.connectivity[d.offsets[c] + k], quad_cells[6 * c + k]);
  }
  const FFVtkArray *p = FFVtkDataField(&d, "pressure", 0), *v = FFVtkDataField(&d, "velocity", 0);
  const FFVtkArray *w = FFVtkDataField(&d, "vorticity3", 0), *t = FFVtkDataField(&d, "node_type", 0);
  const FFVtkArray *q = FFVtkDataField(&d, "quality", 1);
  CU_ASSERT_FATAL(p && v && w && t && q);
  CU_ASSERT_EQUAL(p->n_components, 1);
  CU_ASSERT_EQUAL(v->n_components, 3); /* 2-vectors are stored with z = 0 */
  CU_ASSERT_EQUAL(w->n_components, 3);
  CU_ASSERT(t->is_integer && !p->is_integer);
  for (int i = 0; i < 9; i++) {
    CU_ASSERT_EQUAL(p->values[i], scalar[i]);
    CU_ASSERT_EQUAL(v->values[3 * i], vec2[2 * i]);
    CU_ASSERT_EQUAL(v->values[3 * i + 1], vec2[2 * i + 1]);
    CU_ASSERT_EQUAL(v->values[3 * i + 2], 0);
    for (int k = 0; k < 3; k++) CU_ASSERT_EQUAL(w->values[3 * i + k], vec3[3 * i + k]);
    CU_ASSERT_EQUAL(t->values[i], type[i]);
  }
  CU_ASSERT_EQUAL(q->values[0], cellv[0]);
  CU_ASSERT_EQUAL(q->values[1], cellv[1]);
  FFVtkDataFree(&d);
}

static void TestLinearAndPvd(void)
{
  const char *dir = FFTestTempDir("vtk");
  char path[3][4096], pvd[4096];
  const char *names[3] = {"step0.vtu", "step1.vtu", "step2.vtu"};
  double times[3] = {0, 0.5, 1.0};
  for (int s = 0; s < 3; s++) {
    double u[4] = {s, s + 1, s + 2, s + 3};
    FFVtkField pf[1] = {{"u", 1, u, NULL}};
    FFVtkMesh m = {4, 2, points, 2, FF_VTK_TRIANGLE, lin_cells, 1, pf, 0, NULL};
    snprintf(path[s], sizeof path[s], "%s/%s", dir, names[s]);
    FF_TEST_CALL(FFVtkWrite(path[s], &m));
  }
  snprintf(pvd, sizeof pvd, "%s/series.pvd", dir);
  FF_TEST_CALL(FFVtkWritePvd(pvd, 3, names, times));
  FFVtkData d;
  FF_TEST_CALL(FFVtkRead(path[2], &d));
  CU_ASSERT_EQUAL(d.n_cells, 2);
  CU_ASSERT_EQUAL(d.cell_types[0], 5);
  CU_ASSERT_EQUAL(FFVtkDataField(&d, "u", 0)->values[3], 5);
  FFVtkDataFree(&d);
  FILE *f = fopen(pvd, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  char text[4096] = "";
  CU_ASSERT(fread(text, 1, sizeof text - 1, f) > 0);
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "type=\"Collection\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "timestep=\"0.5\" group=\"\" part=\"0\" file=\"step1.vtu\""));
}

static int CountTempFiles(const char *dir)
{
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, ".tmp.")) n++;
  if (d) closedir(d);
  return n;
}

static void TestErrors(void)
{
  const char *dir = FFTestTempDir("vtk");
  double u[4] = {0};
  FFVtkField pf[1] = {{"u", 1, u, NULL}};
  FFVtkMesh m = {4, 2, points, 2, FF_VTK_TRIANGLE, lin_cells, 1, pf, 0, NULL};
  CU_ASSERT_EQUAL(FFVtkWrite("/nonexistent-dir/a.vtu", &m), FF_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "/nonexistent-dir/a.vtu"));
  /* a bad mesh is refused before anything is written */
  char path[4096];
  snprintf(path, sizeof path, "%s/bad.vtu", dir);
  int64_t bad_cells[6] = {0, 1, 7, 0, 2, 3};
  FFVtkMesh bad = {4, 2, points, 2, FF_VTK_TRIANGLE, bad_cells, 1, pf, 0, NULL};
  CU_ASSERT_EQUAL(FFVtkWrite(path, &bad), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "point 7"));
  CU_ASSERT(!FFFileExists(path));
  CU_ASSERT_EQUAL(CountTempFiles(dir), 0);
  /* reading what is not a .vtu */
  FFVtkData d;
  CU_ASSERT_EQUAL(FFVtkRead("/nonexistent-dir/a.vtu", &d), FF_ERR_IO);
  snprintf(path, sizeof path, "%s/junk.vtu", dir);
  FILE *f = fopen(path, "w");
  fputs("this is not XML", f);
  fclose(f);
  CU_ASSERT_EQUAL(FFVtkRead(path, &d), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "junk.vtu"));
}

int main(void)
{
  const FFTest tests[] = {
      {"quadratic triangles and fields round trip through VTK", TestQuadraticRoundTrip},
      {"linear triangles and a .pvd series", TestLinearAndPvd},
      {"errors: unwritable path, bad cells, unreadable files", TestErrors},
      {NULL, NULL},
  };
  return FFTestRun("vtk", tests);
}
