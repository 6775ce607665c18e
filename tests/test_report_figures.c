/* The figures of the report, read back with cairo: plots as PNG (size, not blank), SVG and
 * PDF documents; field maps of hand-made fields on small structured P2 meshes, whose pixels
 * match the colour map at known points, whose window follows the body and whose body is
 * drawn; the figure formats of the command line. */
#include "ff_report.h"
#include "ff_test.h"

#include <cairo.h>
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <string.h>

static const char *Dir(void) { return FFTestTempDir("report_figures"); }

/* A structured P2 mesh of [0, nx h] x [0, ny h], squares of side h cut into two triangles,
 * nodes on the (2 nx + 1) x (2 ny + 1) lattice of half steps; square (hx, hy) is left out
 * when hole is set, and the nodes around it are walls. */
typedef struct {
  FFMapMesh m;
  double coords[2 * 13 * 13];
  int cells[6 * 2 * 36];
  unsigned char category[13 * 13];
} Grid;

static void MakeGrid(Grid *g, int nx, int ny, double h, int hole, int hx, int hy)
{
  const int w = 2 * nx + 1;
#define NODE(i, j) ((j)*w + (i))
  memset(g, 0, sizeof *g);
  for (int j = 0; j <= 2 * ny; j++)
    for (int i = 0; i < w; i++) {
      g->coords[2 * NODE(i, j)] = 0.5 * h * i;
      g->coords[2 * NODE(i, j) + 1] = 0.5 * h * j;
      /* the lattice points on the hole's boundary */
      const int on = i >= 2 * hx && i <= 2 * hx + 2 && j >= 2 * hy && j <= 2 * hy + 2 &&
                     (i == 2 * hx || i == 2 * hx + 2 || j == 2 * hy || j == 2 * hy + 2);
      g->category[NODE(i, j)] = hole && on ? FF_NODE_WALL : FF_NODE_INTERIOR;
    }
  int nc = 0;
  for (int b = 0; b < ny; b++)
    for (int a = 0; a < nx; a++) {
      if (hole && a == hx && b == hy) continue;
      const int i = 2 * a, j = 2 * b;
      /* (i,j) (i+2,j) (i+2,j+2) and (i,j) (i+2,j+2) (i,j+2), counter-clockwise; then the midpoints */
      const int t[2][6] = {
          {NODE(i, j), NODE(i + 2, j), NODE(i + 2, j + 2), NODE(i + 1, j), NODE(i + 2, j + 1), NODE(i + 1, j + 1)},
          {NODE(i, j), NODE(i + 2, j + 2), NODE(i, j + 2), NODE(i + 1, j + 1), NODE(i + 1, j + 2), NODE(i, j + 1)}};
      memcpy(&g->cells[6 * nc], t, sizeof t);
      nc += 2;
    }
#undef NODE
  g->m = (FFMapMesh){w * (2 * ny + 1), nc, g->coords, g->cells, g->category};
}

/* The PNG read back; NULL (and a failed assertion) if it is not one. */
static cairo_surface_t *ReadPNG(const char *path, int *w, int *h)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "%s: %s\n", path, cairo_status_to_string(cairo_surface_status(s)));
    CU_FAIL("not a PNG");
    cairo_surface_destroy(s);
    return NULL;
  }
  *w = cairo_image_surface_get_width(s);
  *h = cairo_image_surface_get_height(s);
  return s;
}

static void Pixel(cairo_surface_t *s, int x, int y, double rgb[3])
{
  const unsigned char *d = cairo_image_surface_get_data(s);
  const uint32_t p = *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x);
  rgb[0] = ((p >> 16) & 255) / 255.0, rgb[1] = ((p >> 8) & 255) / 255.0, rgb[2] = (p & 255) / 255.0;
}

/* Distinct colours in a rectangle (up to 4096 counted). */
static int Colours(cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
  static uint32_t seen[4096];
  int n = 0;
  const unsigned char *d = cairo_image_surface_get_data(s);
  cairo_surface_flush(s);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1 && n < 4096; x++) {
      const uint32_t p =
          *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x) & 0xffffff;
      int k = 0;
      while (k < n && seen[k] != p) k++;
      if (k == n) seen[n++] = p;
    }
  return n;
}

static long Head(const char *path, char *buf, long cap)
{
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  const long n = (long)fread(buf, 1, (size_t)cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return n;
}

static void TestFormats(void)
{
  unsigned f;
  FF_TEST_PETSC(FFFigureFormatsFromString("png,svg", &f));
  CU_ASSERT_EQUAL(f, FF_FIGURE_PNG | FF_FIGURE_SVG);
  FF_TEST_PETSC(FFFigureFormatsFromString("PDF", &f));
  CU_ASSERT_EQUAL(f, FF_FIGURE_PDF);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  CU_ASSERT_NOT_EQUAL(FFFigureFormatsFromString("png,jpg", &f), 0);
  CU_ASSERT_NOT_EQUAL(FFFigureFormatsFromString("", &f), 0);
  PetscPopErrorHandler();
  CU_ASSERT_STRING_EQUAL(FFFigureFormatExtension(FF_FIGURE_SVG), "svg");
}

/* A plot as PNG (its size, colours in the plot area), SVG and PDF; a path with no known
 * extension is an error and leaves no file. */
static void TestPlot(void)
{
  double x[50], a[50], b[50];
  char path[4200], head[4096];
  FFPlot p;
  for (int i = 0; i < 50; i++) x[i] = i, a[i] = exp(-0.1 * i), b[i] = 0.5 * exp(-0.08 * i);
  FF_TEST_PETSC(FFPlotCreate(700, 500, "Training history", "epoch", "loss / error", &p));
  FF_TEST_PETSC(FFPlotAddSeries(p, "train", FF_PLOT_LINE, 50, x, a));
  FF_TEST_PETSC(FFPlotAddSeries(p, "validation", FF_PLOT_SCATTER, 50, x, b));
  FF_TEST_PETSC(FFPlotSetLogY(p, 1));
  FF_TEST_PETSC(FFPlotSetNote(p, "C_L 0.42\nC_D 0.13"));
  const char *ext[3] = {"png", "svg", "pdf"};
  for (int k = 0; k < 3; k++) {
    snprintf(path, sizeof path, "%s/plot.%s", Dir(), ext[k]);
    FF_TEST_PETSC(FFPlotWrite(p, path));
  }
  snprintf(path, sizeof path, "%s/plot.png", Dir());
  int w, h;
  cairo_surface_t *s = ReadPNG(path, &w, &h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(w, 700);
  CU_ASSERT_EQUAL(h, 500);
  /* two series, grid, anti-aliased edges: many colours in the middle of the plot */
  CU_ASSERT(Colours(s, w / 4, h / 4, 3 * w / 4, 3 * h / 4) >= 8);
  cairo_surface_destroy(s);
  snprintf(path, sizeof path, "%s/plot.svg", Dir());
  CU_ASSERT(Head(path, head, sizeof head) > 100 && !strncmp(head, "<?xml", 5) && strstr(head, "<svg"));
  snprintf(path, sizeof path, "%s/plot.pdf", Dir());
  CU_ASSERT(Head(path, head, sizeof head) > 100 && !strncmp(head, "%PDF", 4));
  snprintf(path, sizeof path, "%s/plot.jpg", Dir());
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  CU_ASSERT_NOT_EQUAL(FFPlotWrite(p, path), 0);
  PetscPopErrorHandler();
  CU_ASSERT(!FFFileExists(path));
  FF_TEST_PETSC(FFPlotDestroy(&p));
}

/* max |slope| (per unit t) and max change of slope at a stop of a colour map, in 0..1 units */
static void Slopes(FFColormap cmap, double *slope, double *kink)
{
  double prev[3] = {0, 0, 0};
  *slope = *kink = 0;
  for (int k = 0; k < 10; k++) {
    double c0[3], c1[3];
    FFColormapColor(cmap, k / 10.0, c0);
    FFColormapColor(cmap, (k + 1) / 10.0, c1);
    for (int c = 0; c < 3; c++) {
      const double s = (c1[c] - c0[c]) / 0.1;
      *slope = PetscMax(*slope, fabs(s));
      if (k) *kink = PetscMax(*kink, fabs(s - prev[c]));
      prev[c] = s;
    }
  }
}

static void TestColormap(void)
{
  double c[3];
  FFColormapColor(FF_COLORMAP_SEQUENTIAL, 0, c); /* viridis: dark purple to yellow */
  FF_TEST_CLOSE(c[0], 68 / 255.0, 0, 1e-12);
  FF_TEST_CLOSE(c[2], 84 / 255.0, 0, 1e-12);
  FFColormapColor(FF_COLORMAP_SEQUENTIAL, 7, c); /* clamped */
  FF_TEST_CLOSE(c[0], 253 / 255.0, 0, 1e-12);
  FF_TEST_CLOSE(c[1], 231 / 255.0, 0, 1e-12);
  FFColormapColor(FF_COLORMAP_DIVERGING, 0.5, c); /* 0 of a signed error: near white */
  CU_ASSERT(c[0] > 0.95 && c[1] > 0.95 && c[2] > 0.95);
  FFColormapColor(FF_COLORMAP_DIVERGING, 0.1, c); /* negative: blue */
  CU_ASSERT(c[2] > c[0] + 0.3);
  FFColormapColor(FF_COLORMAP_DIVERGING, 0.9, c); /* positive: red */
  CU_ASSERT(c[0] > c[2] + 0.3);
}

/* v = x on the unit square (no walls: the window is the whole mesh), panel 0 sequential on
 * [0, 1], panel 1 the diverging map of x - 1/2 on [-1/2, 1/2]: both show the colour map at
 * t = x. The pixel at a known point matches the map at the x of that pixel's centre within
 *   the colour map's largest change of slope at a stop x (the span of a Gouraud triangle,
 *   1/24 at most) / 4 (the largest gap between a chord and a broken line with one kink)
 *   + half a pixel of its largest slope (where the rasterizer samples) + 1.5/255 (rounding
 *   to 8 bits, here and in cairo's interpolation). */
static void TestFieldMapLinear(void)
{
  Grid g;
  double v[2][13 * 13], win[4], rgb[3], want[3], ax, ay, bx, by;
  char path[4200];
  FFFieldMap map;
  MakeGrid(&g, 4, 4, 0.25, 0, 0, 0);
  for (int i = 0; i < g.m.n_nodes; i++) v[0][i] = g.coords[2 * i], v[1][i] = g.coords[2 * i] - 0.5;
  FF_TEST_PETSC(FFFieldMapCreate(&g.m, 2, "a linear field\nv = x", &map));
  FF_TEST_PETSC(FFFieldMapGetWindow(map, win));
  FF_TEST_CLOSE(win[0], 0, 0, 1e-12);
  FF_TEST_CLOSE(win[1], 1, 0, 1e-12);
  FF_TEST_CLOSE(win[2], 0, 0, 1e-12);
  FF_TEST_CLOSE(win[3], 1, 0, 1e-12);
  double lo, hi;
  const double *fields[2] = {v[0], v[1]};
  FF_TEST_PETSC(FFFieldMapRange(map, 2, fields, 0, &lo, &hi)); /* the extremes of both */
  FF_TEST_CLOSE(lo, -0.5, 0, 1e-12);
  FF_TEST_CLOSE(hi, 1, 0, 1e-12);
  /* leaving out a quarter of the area at each end: the nodes nearest x = 1/4 and 3/4 (the
   * node columns are 1/8 apart) */
  FF_TEST_PETSC(FFFieldMapRange(map, 1, fields, 0.25, &lo, &hi));
  CU_ASSERT(lo >= 0.1875 && lo <= 0.25 && hi >= 0.75 && hi <= 0.8125);
  /* 5%: a cut that frees less than 15% of the range is not made */
  FF_TEST_PETSC(FFFieldMapRange(map, 1, fields, 0.05, &lo, &hi));
  FF_TEST_CLOSE(lo, 0, 0, 1e-12);
  FF_TEST_CLOSE(hi, 1, 0, 1e-12);
  FF_TEST_PETSC(FFFieldMapSetPanel(map, 0, "v", "v", v[0], FF_COLORMAP_SEQUENTIAL, 0, 1));
  FF_TEST_PETSC(FFFieldMapSetPanel(map, 1, "v − 1/2", "v", v[1], FF_COLORMAP_DIVERGING, -0.5, 0.5));
  snprintf(path, sizeof path, "%s/linear.png", Dir());
  FF_TEST_PETSC(FFFieldMapWrite(map, path));
  int w, h;
  cairo_surface_t *s = ReadPNG(path, &w, &h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  const double points[2][2] = {{0.31, 0.47}, {0.77, 0.62}};
  for (int k = 0; k < 2; k++) {
    const FFColormap cmap = k ? FF_COLORMAP_DIVERGING : FF_COLORMAP_SEQUENTIAL;
    double slope, kink;
    Slopes(cmap, &slope, &kink);
    /* the panel's mapping, from two points: pixels per unit */
    FF_TEST_PETSC(FFFieldMapToPixel(map, k, 0, 0, &ax, &ay));
    FF_TEST_PETSC(FFFieldMapToPixel(map, k, 1, 1, &bx, &by));
    const double scale = bx - ax;
    CU_ASSERT(scale > 100);
    FF_TEST_CLOSE(ay - by, scale, 1e-12, 1e-9); /* equal scales in x and y */
    const double tol = kink * (1.0 / 24) / 4 + slope * 0.5 / scale + 1.5 / 255;
    for (int q = 0; q < 2; q++) {
      double px, py;
      FF_TEST_PETSC(FFFieldMapToPixel(map, k, points[q][0], points[q][1], &px, &py));
      const int ix = (int)floor(px), iy = (int)floor(py);
      CU_ASSERT_FATAL(ix >= 0 && ix < w && iy >= 0 && iy < h);
      Pixel(s, ix, iy, rgb);
      FFColormapColor(cmap, (ix + 0.5 - ax) / scale, want); /* x of the pixel's centre = t */
      for (int c = 0; c < 3; c++) {
        if (fabs(rgb[c] - want[c]) > tol)
          fprintf(stderr, "panel %d point %d channel %d: %.4f, the map %.4f, tolerance %.4f\n", k, q, c, rgb[c],
                  want[c], tol);
        CU_ASSERT(fabs(rgb[c] - want[c]) <= tol);
      }
    }
  }
  /* the maps, their colour bars and titles: many colours */
  CU_ASSERT(Colours(s, 0, 0, w, h) > 100);
  cairo_surface_destroy(s);
  FF_TEST_PETSC(FFFieldMapDestroy(&map));
}

/* A 5 x 5 square with the middle square left out as a body (walls around it): the default
 * window is the body's box widened (0.6 of its length upstream, above and below, 0.9
 * downstream), the body is drawn grey, the field around it in colour; the same figure as SVG
 * and PDF. */
static void TestFieldMapBody(void)
{
  Grid g;
  double v[13 * 13], win[4], rgb[3], px, py;
  char path[4200], head[4096];
  FFFieldMap map;
  MakeGrid(&g, 5, 5, 1.0, 1, 2, 2);
  CU_ASSERT_EQUAL(g.m.n_cells, 48);
  for (int i = 0; i < g.m.n_nodes; i++) v[i] = g.coords[2 * i + 1];
  FF_TEST_PETSC(FFFieldMapCreate(&g.m, 1, "around a square body", &map));
  FF_TEST_PETSC(FFFieldMapGetWindow(map, win));
  FF_TEST_CLOSE(win[0], 2 - 0.6, 0, 1e-12);
  FF_TEST_CLOSE(win[1], 3 + 0.9, 0, 1e-12);
  FF_TEST_CLOSE(win[2], 2.5 - 0.6, 0, 1e-12);
  FF_TEST_CLOSE(win[3], 2.5 + 0.6, 0, 1e-12);
  FF_TEST_PETSC(FFFieldMapSetPanel(map, 0, "y", "y", v, FF_COLORMAP_SEQUENTIAL, 1.9, 3.1));
  const char *ext[3] = {"png", "svg", "pdf"};
  for (int k = 0; k < 3; k++) {
    snprintf(path, sizeof path, "%s/body.%s", Dir(), ext[k]);
    FF_TEST_PETSC(FFFieldMapWrite(map, path));
  }
  snprintf(path, sizeof path, "%s/body.png", Dir());
  int w, h;
  cairo_surface_t *s = ReadPNG(path, &w, &h);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  FF_TEST_PETSC(FFFieldMapToPixel(map, 0, 2.5, 2.5, &px, &py)); /* inside the body: grey */
  Pixel(s, (int)px, (int)py, rgb);
  CU_ASSERT(fabs(rgb[0] - rgb[1]) < 0.02 && fabs(rgb[1] - rgb[2]) < 0.02 && rgb[0] > 0.6 && rgb[0] < 0.95);
  FF_TEST_PETSC(FFFieldMapToPixel(map, 0, 3.5, 2.5, &px, &py)); /* in the flow: the colour map at y = 2.5 */
  Pixel(s, (int)px, (int)py, rgb);
  double want[3];
  FFColormapColor(FF_COLORMAP_SEQUENTIAL, (2.5 - 1.9) / 1.2, want);
  for (int c = 0; c < 3; c++) CU_ASSERT(fabs(rgb[c] - want[c]) < 0.05);
  cairo_surface_destroy(s);
  snprintf(path, sizeof path, "%s/body.svg", Dir());
  CU_ASSERT(Head(path, head, sizeof head) > 100 && !strncmp(head, "<?xml", 5) && strstr(head, "<svg"));
  snprintf(path, sizeof path, "%s/body.pdf", Dir());
  CU_ASSERT(Head(path, head, sizeof head) > 100 && !strncmp(head, "%PDF", 4));
  FF_TEST_PETSC(FFFieldMapDestroy(&map));
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {
      {"figure formats by name", TestFormats},
      {"a plot as PNG, SVG and PDF", TestPlot},
      {"the colour maps", TestColormap},
      {"a linear field: pixels match the colour map", TestFieldMapLinear},
      {"a body: window, fill, SVG and PDF", TestFieldMapBody},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "report_figures", tests);
}
