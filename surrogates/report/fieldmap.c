/* Colour maps of node fields on a P2 triangle mesh, drawn with cairo: panels side by side
 * (reference, prediction, error in the report), each with a title and a colour bar with
 * ticks, zoomed on the body. Each quadratic cell is drawn as its four sub-triangles (the
 * graph of the surrogates) as Gouraud-shaded patches of one cairo mesh pattern; a patch
 * over which the field spans much of the colour range is split further, so the colours
 * follow the colour map instead of cutting straight across it in RGB. */
#include "report_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PANELS 4
#define MAP_SIZE   520.0      /* the longer side of a map, pixels */
#define MAX_SPAN   (1.0 / 24) /* of the colour range over one Gouraud triangle */
#define MAX_SPLIT  4          /* levels of splitting a sub-triangle in four */
#define CUT_GAIN   0.15       /* FFFieldMapRange cuts an end only if it gains this much of the range */

#define TITLE_SIZE    17.0
#define SUBTITLE_SIZE 13.0
#define PANEL_SIZE    14.0
#define TICK_SIZE     12.0

typedef struct {
  char title[160], bar[64];
  double *values;
  FFColormap cmap;
  double lo, hi;
} Panel;

/* A wall edge of a P2 cell: from vertex a through midpoint m to vertex b. */
typedef struct {
  int a, m, b;
} Edge;

struct _p_FFFieldMap {
  FFMapMesh mesh;
  int n_panels;
  char title[256];
  double win[4]; /* x0, x1, y0, y1 */
  Panel panel[MAX_PANELS];
  /* the walls as chains of edges, in order: chain c is edges[start[c] .. start[c + 1]) */
  int n_chains, *start, *closed;
  Edge *edges;
  /* layout, pixels */
  double w, h, left, top, mw, mh, gap, scale;
};

/* ---------- the walls ---------- */

static int CompareInt2(const void *a, const void *b)
{
  const int *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The wall edges chained: a closed chain is a body, an open one a wall such as a channel's. */
static PetscErrorCode Walls(FFFieldMap map)
{
  static const int side[3][3] = {{0, 3, 1}, {1, 4, 2}, {2, 5, 0}};
  const FFMapMesh *m = &map->mesh;
  Edge *all, *out;
  int n = 0, *inc, *used;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(3 * (size_t)m->n_cells + 1, &all));
  for (int c = 0; m->category && c < m->n_cells; c++)
    for (int s = 0; s < 3; s++) {
      const int a = m->cells[6 * c + side[s][0]], mid = m->cells[6 * c + side[s][1]], b = m->cells[6 * c + side[s][2]];
      /* an edge through the fluid between two wall vertices has an interior midpoint */
      if (m->category[a] == FF_NODE_WALL && m->category[b] == FF_NODE_WALL && m->category[mid] == FF_NODE_WALL)
        all[n++] = (Edge){a, mid, b};
    }
  /* incidence: (vertex, edge) pairs sorted by vertex */
  PetscCall(PetscMalloc2(4 * (size_t)n + 2, &inc, (size_t)n + 1, &used));
  PetscCall(PetscMalloc1((size_t)n + 1, &out));
  for (int e = 0; e < n; e++) {
    inc[4 * e] = all[e].a, inc[4 * e + 1] = e;
    inc[4 * e + 2] = all[e].b, inc[4 * e + 3] = e;
    used[e] = 0;
  }
  qsort(inc, 2 * (size_t)n, 2 * sizeof(int), CompareInt2);
  PetscCall(PetscMalloc2((size_t)n + 2, &map->start, (size_t)n + 1, &map->closed));
  map->n_chains = 0;
  int k = 0;
  for (int e0 = 0; e0 < n; e0++) {
    if (used[e0]) continue;
    map->start[map->n_chains] = k;
    used[e0] = 1;
    out[k++] = all[e0];
    int v = all[e0].b;
    for (;;) {
      int next = -1;
      /* the first of the pairs of vertex v */
      int lo = 0, hi = 2 * n;
      while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (inc[2 * mid] < v)
          lo = mid + 1;
        else
          hi = mid;
      }
      for (int j = lo; j < 2 * n && inc[2 * j] == v; j++)
        if (!used[inc[2 * j + 1]]) {
          next = inc[2 * j + 1];
          break;
        }
      if (next < 0) break;
      used[next] = 1;
      out[k++] = all[next].a == v ? all[next] : (Edge){all[next].b, all[next].m, all[next].a};
      v = out[k - 1].b;
    }
    map->closed[map->n_chains] = v == all[e0].a && k - map->start[map->n_chains] > 1;
    map->n_chains++;
  }
  map->start[map->n_chains] = k;
  map->edges = out;
  PetscCall(PetscFree(all));
  PetscCall(PetscFree2(inc, used));
  PetscFunctionReturn(0);
}

/* The body's box widened, or the whole mesh; never beyond the mesh. */
static void DefaultWindow(FFFieldMap map, double win[4])
{
  const FFMapMesh *m = &map->mesh;
  double mesh[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY}, body[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
  for (int i = 0; i < m->n_nodes; i++) {
    mesh[0] = PetscMin(mesh[0], m->coords[2 * i]), mesh[1] = PetscMax(mesh[1], m->coords[2 * i]);
    mesh[2] = PetscMin(mesh[2], m->coords[2 * i + 1]), mesh[3] = PetscMax(mesh[3], m->coords[2 * i + 1]);
  }
  for (int c = 0; c < map->n_chains; c++)
    for (int e = map->start[c]; map->closed[c] && e < map->start[c + 1]; e++)
      for (int j = 0; j < 2; j++) {
        const int v = j ? map->edges[e].m : map->edges[e].a;
        body[0] = PetscMin(body[0], m->coords[2 * v]), body[1] = PetscMax(body[1], m->coords[2 * v]);
        body[2] = PetscMin(body[2], m->coords[2 * v + 1]), body[3] = PetscMax(body[3], m->coords[2 * v + 1]);
      }
  if (!isfinite(body[0])) {
    memcpy(win, mesh, sizeof mesh);
    return;
  }
  /* about 1.5 body lengths around the body: its near field, with more room for the wake */
  const double L = PetscMax(body[1] - body[0], body[3] - body[2]), cy = 0.5 * (body[2] + body[3]);
  win[0] = PetscMax(mesh[0], body[0] - 0.6 * L);
  win[1] = PetscMin(mesh[1], body[1] + 0.9 * L);
  win[2] = PetscMax(mesh[2], cy - 0.6 * L);
  win[3] = PetscMin(mesh[3], cy + 0.6 * L);
}

/* ---------- layout ---------- */

static void Layout(FFFieldMap map)
{
  const double wx = map->win[1] - map->win[0], wy = map->win[3] - map->win[2];
  map->scale = MAP_SIZE / PetscMax(wx, wy);
  /* a very flat window would leave a ribbon: at least 0.3 of the size */
  map->scale = PetscMax(map->scale, 0.3 * MAP_SIZE / wy);
  map->scale = PetscMin(map->scale, 1.6 * MAP_SIZE / wx);
  map->mw = wx * map->scale;
  map->mh = wy * map->scale;
  map->gap = 40;
  map->left = 64; /* the y tick labels of the first panel */
  const int subtitle = strchr(map->title, '\n') != NULL;
  map->top = 14 + (map->title[0] ? 1.5 * TITLE_SIZE : 0) + (subtitle ? 1.5 * SUBTITLE_SIZE : 0) + 2.2 * PANEL_SIZE;
  map->w = map->left + map->n_panels * map->mw + (map->n_panels - 1) * map->gap + 28;
  /* x tick labels, then the colour bar and its labels */
  map->h = map->top + map->mh + 2 * TICK_SIZE + 14 + 12 + 2.4 * TICK_SIZE + 10;
}

static double PX(const FFFieldMap map, int k, double x)
{
  return map->left + k * (map->mw + map->gap) + (x - map->win[0]) * map->scale;
}
static double PY(const FFFieldMap map, double y) { return map->top + (map->win[3] - y) * map->scale; }

/* ---------- the public interface ---------- */

PetscErrorCode FFFieldMapCreate(const FFMapMesh *mesh, int n_panels, const char *title, FFFieldMap *out)
{
  FFFieldMap map;

  PetscFunctionBegin;
  PetscCheck(n_panels >= 1 && n_panels <= MAX_PANELS, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "a field map of %d panels (1 to %d)", n_panels, MAX_PANELS);
  PetscCheck(mesh->n_nodes > 0 && mesh->n_cells > 0 && mesh->coords && mesh->cells, PETSC_COMM_SELF,
             PETSC_ERR_ARG_WRONG, "a field map needs a mesh with nodes and cells");
  for (long k = 0; k < 6L * mesh->n_cells; k++)
    PetscCheck(mesh->cells[k] >= 0 && mesh->cells[k] < mesh->n_nodes, PETSC_COMM_SELF, PETSC_ERR_ARG_CORRUPT,
               "cell %ld has node %d of %d", k / 6, mesh->cells[k], mesh->n_nodes);
  PetscCall(PetscNew(&map));
  map->mesh = *mesh;
  map->n_panels = n_panels;
  PetscCall(PetscStrncpy(map->title, title ? title : "", sizeof map->title));
  PetscCall(Walls(map));
  DefaultWindow(map, map->win);
  Layout(map);
  *out = map;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapDestroy(FFFieldMap *pm)
{
  FFFieldMap map = *pm;

  PetscFunctionBegin;
  if (!map) PetscFunctionReturn(0);
  for (int k = 0; k < map->n_panels; k++) PetscCall(PetscFree(map->panel[k].values));
  PetscCall(PetscFree2(map->start, map->closed));
  PetscCall(PetscFree(map->edges));
  PetscCall(PetscFree(*pm));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapSetWindow(FFFieldMap map, const double win[4])
{
  PetscFunctionBegin;
  PetscCheck(win[1] > win[0] && win[3] > win[2], PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "window [%g, %g] x [%g, %g] is empty", win[0], win[1], win[2], win[3]);
  PetscCall(PetscArraycpy(map->win, win, 4));
  Layout(map);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapGetWindow(FFFieldMap map, double win[4])
{
  PetscFunctionBegin;
  PetscCall(PetscArraycpy(win, map->win, 4));
  PetscFunctionReturn(0);
}

typedef struct {
  double v, w;
} Weighted;

static int CompareWeighted(const void *a, const void *b)
{
  const double x = ((const Weighted *)a)->v, y = ((const Weighted *)b)->v;
  return (x > y) - (x < y);
}

/* The area each node stands for in the window: a third of each sub-triangle around it whose
 * centroid lies inside. */
static PetscErrorCode NodeAreas(const FFFieldMap map, double *area)
{
  static const int sub[4][3] = {{0, 3, 5}, {3, 1, 4}, {5, 4, 2}, {3, 4, 5}};
  const FFMapMesh *m = &map->mesh;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(area, m->n_nodes));
  for (int c = 0; c < m->n_cells; c++)
    for (int s = 0; s < 4; s++) {
      const int *cell = &m->cells[6 * c];
      const double *a = &m->coords[2 * cell[sub[s][0]]], *b = &m->coords[2 * cell[sub[s][1]]],
                   *d = &m->coords[2 * cell[sub[s][2]]];
      const double cx = (a[0] + b[0] + d[0]) / 3, cy = (a[1] + b[1] + d[1]) / 3;
      if (cx < map->win[0] || cx > map->win[1] || cy < map->win[2] || cy > map->win[3]) continue;
      const double A = 0.5 * fabs((b[0] - a[0]) * (d[1] - a[1]) - (d[0] - a[0]) * (b[1] - a[1]));
      for (int j = 0; j < 3; j++) area[cell[sub[s][j]]] += A / 3;
    }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapRange(FFFieldMap map, int n, const double *const values[], double tail, double *lo, double *hi)
{
  const int nn = map->mesh.n_nodes;
  double *area, total = 0;
  Weighted *all;
  long m = 0;

  PetscFunctionBegin;
  PetscCheck(tail >= 0 && tail < 0.5, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "tail %g is not in [0, 0.5)", tail);
  PetscCall(PetscMalloc2(nn, &area, (size_t)n * nn + 1, &all));
  PetscCall(NodeAreas(map, area));
  for (int f = 0; f < n; f++)
    for (int i = 0; i < nn; i++)
      if (area[i] > 0 && isfinite(values[f][i])) all[m++] = (Weighted){values[f][i], area[i]}, total += area[i];
  *lo = NAN, *hi = NAN;
  if (m) {
    qsort(all, (size_t)m, sizeof *all, CompareWeighted);
    /* the lowest value with more than tail of the area at or below it, and the mirror */
    double below = 0;
    long k = 0;
    while (k < m - 1 && below + all[k].w <= tail * total) below += all[k++].w;
    *lo = all[k].v;
    below = 0, k = m - 1;
    while (k > 0 && below + all[k].w <= tail * total) below += all[k--].w;
    *hi = all[k].v;
    /* an end is cut only where that gives the rest of the scale much more room: the minimum of
     * a velocity magnitude (0 at a wall) stays, a pressure peak at a stagnation point goes */
    const double full = all[m - 1].v - all[0].v;
    if (*lo - all[0].v < CUT_GAIN * full) *lo = all[0].v;
    if (all[m - 1].v - *hi < CUT_GAIN * full) *hi = all[m - 1].v;
  }
  PetscCall(PetscFree2(area, all));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapSetPanel(FFFieldMap map, int k, const char *title, const char *bar, const double *values,
                                  FFColormap cmap, double lo, double hi)
{
  Panel *p;

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < map->n_panels, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "panel %d of %d", k,
             map->n_panels);
  PetscCheck(lo < hi, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "panel '%s': colour range [%g, %g] is empty",
             title ? title : "", lo, hi);
  p = &map->panel[k];
  PetscCall(PetscStrncpy(p->title, title ? title : "", sizeof p->title));
  PetscCall(PetscStrncpy(p->bar, bar ? bar : "", sizeof p->bar));
  if (!p->values) PetscCall(PetscMalloc1(map->mesh.n_nodes, &p->values));
  PetscCall(PetscArraycpy(p->values, values, map->mesh.n_nodes));
  p->cmap = cmap;
  p->lo = lo;
  p->hi = hi;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFieldMapToPixel(FFFieldMap map, int k, double x, double y, double *px, double *py)
{
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < map->n_panels, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "panel %d of %d", k,
             map->n_panels);
  *px = PX(map, k, x);
  *py = PY(map, y);
  PetscFunctionReturn(0);
}

/* ---------- drawing ---------- */

typedef struct {
  double x, y, t; /* page position, place in the colour range */
} Corner;

static void Patch(cairo_pattern_t *pat, FFColormap cmap, const Corner c[3], int level)
{
  const double tmin = PetscMin(c[0].t, PetscMin(c[1].t, c[2].t)), tmax = PetscMax(c[0].t, PetscMax(c[1].t, c[2].t));
  /* beyond the ends the colour is constant: only the part inside the range needs splitting */
  if (level < MAX_SPLIT && PetscMin(tmax, 1) - PetscMax(tmin, 0) > MAX_SPAN) {
    Corner m[3], sub[4][3];
    for (int j = 0; j < 3; j++) {
      const Corner *a = &c[j], *b = &c[(j + 1) % 3];
      m[j] = (Corner){0.5 * (a->x + b->x), 0.5 * (a->y + b->y), 0.5 * (a->t + b->t)};
    }
    /* m[j] is the midpoint of side j -> j+1 */
    const Corner s[4][3] = {{c[0], m[0], m[2]}, {m[0], c[1], m[1]}, {m[2], m[1], c[2]}, {m[0], m[1], m[2]}};
    memcpy(sub, s, sizeof sub);
    for (int q = 0; q < 4; q++) Patch(pat, cmap, sub[q], level + 1);
    return;
  }
  cairo_mesh_pattern_begin_patch(pat);
  cairo_mesh_pattern_move_to(pat, c[0].x, c[0].y);
  cairo_mesh_pattern_line_to(pat, c[1].x, c[1].y);
  cairo_mesh_pattern_line_to(pat, c[2].x, c[2].y);
  for (int j = 0; j < 3; j++) {
    double rgb[3];
    FFColormapColor(cmap, c[j].t, rgb);
    cairo_mesh_pattern_set_corner_color_rgb(pat, (unsigned)j, rgb[0], rgb[1], rgb[2]);
  }
  cairo_mesh_pattern_end_patch(pat);
}

static void Field(const FFFieldMap map, cairo_t *cr, int k)
{
  /* the four sub-triangles of a P2 cell (v0 v1 v2 m01 m12 m20) */
  static const int sub[4][3] = {{0, 3, 5}, {3, 1, 4}, {5, 4, 2}, {3, 4, 5}};
  const FFMapMesh *m = &map->mesh;
  const Panel *p = &map->panel[k];
  const double dx = 0.02 * (map->win[1] - map->win[0]), dy = 0.02 * (map->win[3] - map->win[2]);
  cairo_pattern_t *pat = cairo_pattern_create_mesh();

  for (int c = 0; c < m->n_cells; c++) {
    const int *cell = &m->cells[6 * c];
    double b[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (int j = 0; j < 6; j++) {
      const double x = m->coords[2 * cell[j]], y = m->coords[2 * cell[j] + 1];
      b[0] = PetscMin(b[0], x), b[1] = PetscMax(b[1], x), b[2] = PetscMin(b[2], y), b[3] = PetscMax(b[3], y);
    }
    if (b[1] < map->win[0] - dx || b[0] > map->win[1] + dx || b[3] < map->win[2] - dy || b[2] > map->win[3] + dy)
      continue;
    for (int s = 0; s < 4; s++) {
      Corner t[3];
      for (int j = 0; j < 3; j++) {
        const int v = cell[sub[s][j]];
        t[j] = (Corner){PX(map, k, m->coords[2 * v]), PY(map, m->coords[2 * v + 1]),
                        (p->values[v] - p->lo) / (p->hi - p->lo)};
      }
      Patch(pat, p->cmap, t, 0);
    }
  }
  cairo_set_source(cr, pat);
  cairo_paint(cr);
  cairo_pattern_destroy(pat);
}

/* The colours of panel k: straight onto a PNG; onto SVG and PDF as an image at twice the
 * resolution, because a mesh pattern of tens of thousands of patches makes a PDF of tens of
 * megabytes and SVG has no mesh gradients (cairo would rasterize a region of the page at
 * its fallback resolution anyway). Axes, walls and text stay vector. */
static PetscErrorCode FieldLayer(const FFFieldMap map, cairo_t *cr, int k, FFFigureFormat format)
{
  const double x0 = PX(map, k, map->win[0]), y0 = map->top, r = 2;

  PetscFunctionBegin;
  if (format == FF_FIGURE_PNG) {
    Field(map, cr, k);
    PetscFunctionReturn(0);
  }
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(r * map->mw), (int)ceil(r * map->mh));
  cairo_t *ic = cairo_create(img);
  cairo_scale(ic, r, r);
  cairo_translate(ic, -x0, -y0);
  cairo_set_source_rgb(ic, 1, 1, 1);
  cairo_paint(ic);
  Field(map, ic, k);
  const cairo_status_t st = cairo_status(ic);
  cairo_destroy(ic);
  if (st == CAIRO_STATUS_SUCCESS) {
    cairo_save(cr);
    cairo_translate(cr, x0, y0);
    cairo_scale(cr, 1 / r, 1 / r);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
  }
  cairo_surface_destroy(img);
  PetscCheck(st == CAIRO_STATUS_SUCCESS, PETSC_COMM_SELF, PETSC_ERR_LIB, "cairo: %s", cairo_status_to_string(st));
  PetscFunctionReturn(0);
}

/* The walls: each P2 edge is the parabola through its three nodes (a cubic Bezier). */
static void DrawWalls(const FFFieldMap map, cairo_t *cr, int k)
{
  const double *X = map->mesh.coords;
  for (int c = 0; c < map->n_chains; c++) {
    for (int e = map->start[c]; e < map->start[c + 1]; e++) {
      const Edge *g = &map->edges[e];
      const double ax = PX(map, k, X[2 * g->a]), ay = PY(map, X[2 * g->a + 1]);
      const double mx = PX(map, k, X[2 * g->m]), my = PY(map, X[2 * g->m + 1]);
      const double bx = PX(map, k, X[2 * g->b]), by = PY(map, X[2 * g->b + 1]);
      const double qx = 2 * mx - 0.5 * (ax + bx), qy = 2 * my - 0.5 * (ay + by); /* the quadratic's control point */
      if (e == map->start[c]) cairo_move_to(cr, ax, ay);
      cairo_curve_to(cr, ax + 2.0 / 3 * (qx - ax), ay + 2.0 / 3 * (qy - ay), bx + 2.0 / 3 * (qx - bx),
                     by + 2.0 / 3 * (qy - by), bx, by);
    }
    if (map->closed[c]) {
      cairo_close_path(cr);
      cairo_set_source_rgb(cr, 0.80, 0.80, 0.80);
      cairo_fill_preserve(cr);
    }
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1.3);
    cairo_stroke(cr);
  }
}

static void Axes(const FFFieldMap map, cairo_t *cr, int k)
{
  double t[FF_MAX_TICKS], step;
  char label[48];
  const double x0 = PX(map, k, map->win[0]), y0 = map->top, x1 = x0 + map->mw, y1 = y0 + map->mh;

  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_rectangle(cr, floor(x0) + 0.5, floor(y0) + 0.5, floor(x1) - floor(x0), floor(y1) - floor(y0));
  cairo_stroke(cr);
  const int target = (int)PetscMax(2, PetscMin(6, map->mw / 90));
  int n = FFNiceTicks(map->win[0], map->win[1], target, t, &step);
  for (int j = 0; j < n; j++) {
    const double x = floor(PX(map, k, t[j])) + 0.5;
    cairo_move_to(cr, x, floor(y1) + 0.5);
    cairo_line_to(cr, x, floor(y1) + 4.5);
    cairo_stroke(cr);
    FFTickLabel(t[j], step, label, sizeof label);
    FFTextDraw(cr, label, TICK_SIZE, 0, x, y1 + 8, 0.5, 0, 0);
  }
  n = FFNiceTicks(map->win[2], map->win[3], (int)PetscMax(2, PetscMin(6, map->mh / 70)), t, &step);
  for (int j = 0; j < n; j++) {
    const double y = floor(PY(map, t[j])) + 0.5;
    cairo_move_to(cr, floor(x0) + 0.5 - 4, y);
    cairo_line_to(cr, floor(x0) + 0.5, y);
    cairo_stroke(cr);
    if (k) continue; /* the panels share the window: labels on the first */
    FFTickLabel(t[j], step, label, sizeof label);
    FFTextDraw(cr, label, TICK_SIZE, 0, x0 - 7, y, 1, 0.5, 0);
  }
}

static void ColourBar(const FFFieldMap map, cairo_t *cr, int k)
{
  const Panel *p = &map->panel[k];
  const double bw = 0.7 * map->mw, bh = 12, x0 = PX(map, k, map->win[0]) + 0.5 * (map->mw - bw);
  const double y0 = map->top + map->mh + 2 * TICK_SIZE + 14;
  double t[FF_MAX_TICKS], step, rgb[3];
  char label[48];

  /* arrows at the ends the values inside the window go beyond */
  int beyond[2] = {0, 0};
  const double eps = 1e-9 * (p->hi - p->lo);
  for (int i = 0; i < map->mesh.n_nodes; i++) {
    const double x = map->mesh.coords[2 * i], y = map->mesh.coords[2 * i + 1];
    if (x < map->win[0] || x > map->win[1] || y < map->win[2] || y > map->win[3]) continue;
    beyond[0] |= p->values[i] < p->lo - eps;
    beyond[1] |= p->values[i] > p->hi + eps;
  }
  for (int end = 0; end < 2; end++) {
    if (!beyond[end]) continue;
    const double xe = end ? x0 + bw : x0, dir = end ? 1 : -1;
    FFColormapColor(p->cmap, end, rgb);
    cairo_move_to(cr, xe, y0);
    cairo_line_to(cr, xe + dir * 0.9 * bh, y0 + 0.5 * bh);
    cairo_line_to(cr, xe, y0 + bh);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
  }
  cairo_pattern_t *g = cairo_pattern_create_linear(x0, 0, x0 + bw, 0);
  for (int j = 0; j <= 40; j++) {
    FFColormapColor(p->cmap, j / 40.0, rgb);
    cairo_pattern_add_color_stop_rgb(g, j / 40.0, rgb[0], rgb[1], rgb[2]);
  }
  cairo_rectangle(cr, x0, y0, bw, bh);
  cairo_set_source(cr, g);
  cairo_fill(cr);
  cairo_pattern_destroy(g);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, floor(x0) + 0.5, floor(y0) + 0.5, floor(bw), floor(bh));
  cairo_stroke(cr);
  const int n = FFNiceTicks(p->lo, p->hi, (int)PetscMax(3, PetscMin(6, bw / 70)), t, &step);
  for (int j = 0; j < n; j++) {
    const double x = floor(x0 + (t[j] - p->lo) / (p->hi - p->lo) * bw) + 0.5;
    cairo_move_to(cr, x, floor(y0 + bh) + 0.5);
    cairo_line_to(cr, x, floor(y0 + bh) + 4.5);
    cairo_stroke(cr);
    FFTickLabel(t[j], step, label, sizeof label);
    FFTextDraw(cr, label, TICK_SIZE, 0, x, y0 + bh + 8, 0.5, 0, 0);
  }
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  if (p->bar[0]) FFTextDraw(cr, p->bar, PANEL_SIZE, 0, x0 + bw + 10 + 0.9 * bh, y0 + 0.5 * bh, 0, 0.5, 0);
}

static void Titles(const FFFieldMap map, cairo_t *cr)
{
  char head[256];
  const char *nl = strchr(map->title, '\n');
  double y = 14;
  snprintf(head, sizeof head, "%.*s", nl ? (int)(nl - map->title) : (int)strlen(map->title), map->title);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  if (head[0]) {
    FFTextDraw(cr, head, TITLE_SIZE, FF_TEXT_BOLD | FF_TEXT_PLAIN, 0.5 * map->w, y, 0.5, 0, 0);
    y += 1.5 * TITLE_SIZE;
  }
  if (nl) {
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    FFTextDraw(cr, nl + 1, SUBTITLE_SIZE, FF_TEXT_PLAIN, 0.5 * map->w, y, 0.5, 0, 0);
  }
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  for (int k = 0; k < map->n_panels; k++)
    FFTextDraw(cr, map->panel[k].title, PANEL_SIZE, 0, PX(map, k, map->win[0]) + 0.5 * map->mw, map->top - 8, 0.5, 1,
               0);
}

PetscErrorCode FFFieldMapWrite(FFFieldMap map, const char *path)
{
  FFCanvas c;

  PetscFunctionBegin;
  for (int k = 0; k < map->n_panels; k++)
    PetscCheck(map->panel[k].values, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "'%s': panel %d has no field", path, k);
  PetscCall(FFCanvasBegin(path, ceil(map->w), ceil(map->h), &c));
  PetscErrorCode ierr = 0;
  for (int k = 0; !ierr && k < map->n_panels; k++) {
    cairo_save(c.cr);
    cairo_rectangle(c.cr, PX(map, k, map->win[0]), map->top, map->mw, map->mh);
    cairo_clip(c.cr);
    ierr = FieldLayer(map, c.cr, k, c.format);
    DrawWalls(map, c.cr, k);
    cairo_restore(c.cr);
    Axes(map, c.cr, k);
    ColourBar(map, c.cr, k);
  }
  Titles(map, c.cr);
  PetscCall(FFCanvasEnd(&c, ierr ? PETSC_FALSE : PETSC_TRUE));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
