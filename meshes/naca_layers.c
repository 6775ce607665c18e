/* The wall-resolved NACA mesh (docs/meshes.md): a structured C-shaped block of layers around the
 * airfoil and along the first part of its wake, built here, and the rest of the domain meshed
 * by gmsh around it; the two merged and written as one MSH 4.1 file.
 *
 * The layers: wall nodes equally spaced in the angle theta of x = (1 - cos theta) / 2 (crowded
 * at both edges), columns along the exact wall normals (the NACA or TMR formula,
 * docs/references.md §9), the first cell at the height that gives the target y+ at the case's
 * Reynolds number (FFBoundaryLayerFirstHeight), each layer bl_growth (<= 1.2) times the one
 * below, quadrilaterals cut into two triangles. Behind the closed trailing edge the layers go on
 * over and under a wake cut (y = 0) for bl_wake_length chords, so the near wake is resolved
 * like the boundary layer (a C-grid; near the trailing edge the columns turn from the wall
 * normal to the wake's). Gmsh's BoundaryLayer field would do this, but Debian's gmsh 4.8.4 lacks the ANN
 * library it needs (boundary_layer.c).
 *
 * A symmetric airfoil (naca_mirror, m = 0) is built as its upper half and the exact mirror image
 * of it (y -> -y, node for node), so that C_L = 0 at 0 degrees to rounding; the halves share
 * their nodes on y = 0. Second-order meshes get their edge nodes here: on the exact airfoil for
 * wall edges, straight midpoints elsewhere (every other boundary is straight). */
#include "mesh_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  PetscInt n, cap;
  double *xy;
} Nodes;

typedef struct {
  PetscInt n, cap;
  PetscInt *v; /* 3 per triangle */
} Tris;

typedef struct {
  PetscInt n, cap;
  PetscInt *v;   /* 2 per edge */
  PetscInt *tag; /* physical group: 1 airfoil, 2 farfield, 3 outlet */
  double *mid;   /* 2 per edge: the edge node (exact on the airfoil) */
} Edges;

static PetscErrorCode Grow(void **a, size_t elem, PetscInt *cap, PetscInt need)
{
  PetscFunctionBegin;
  if (need <= *cap) PetscFunctionReturn(0);
  PetscInt cap2 = PetscMax(2 * *cap, need + 64);
  void *b;
  PetscCall(PetscMalloc(elem * (size_t)cap2, &b));
  if (*cap) PetscCall(PetscMemcpy(b, *a, elem * (size_t)*cap));
  PetscCall(PetscFree(*a));
  *a = b;
  *cap = cap2;
  PetscFunctionReturn(0);
}

static PetscErrorCode AddNode(Nodes *nd, double x, double y, PetscInt *id)
{
  PetscFunctionBegin;
  PetscCall(Grow((void **)&nd->xy, 2 * sizeof(double), &nd->cap, nd->n + 1));
  nd->xy[2 * nd->n] = x, nd->xy[2 * nd->n + 1] = y;
  *id = nd->n++;
  PetscFunctionReturn(0);
}

static double Area2(const Nodes *nd, PetscInt a, PetscInt b, PetscInt c)
{
  const double *A = &nd->xy[2 * a], *B = &nd->xy[2 * b], *C = &nd->xy[2 * c];
  return (B[0] - A[0]) * (C[1] - A[1]) - (B[1] - A[1]) * (C[0] - A[0]);
}

/* Adds the triangle counter-clockwise; a flat one only with allow_flat (RepairFlat's to fix). */
static PetscErrorCode AddTriMaybeFlat(Tris *t, const Nodes *nd, PetscInt a, PetscInt b, PetscInt c, PetscBool allow_flat)
{
  PetscFunctionBegin;
  PetscInt cap = t->cap;
  PetscCall(Grow((void **)&t->v, 3 * sizeof(PetscInt), &cap, t->n + 1));
  t->cap = cap;
  const double area2 = Area2(nd, a, b, c), *A = &nd->xy[2 * a], *B = &nd->xy[2 * b], *C = &nd->xy[2 * c];
  PetscCheck(area2 != 0 || allow_flat, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "a degenerate cell of the wall-resolved mesh: (%.9g, %.9g), (%.9g, %.9g), (%.9g, %.9g)", A[0], A[1], B[0],
             B[1], C[0], C[1]);
  t->v[3 * t->n] = a, t->v[3 * t->n + 1] = area2 >= 0 ? b : c, t->v[3 * t->n + 2] = area2 >= 0 ? c : b;
  t->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode AddTri(Tris *t, const Nodes *nd, PetscInt a, PetscInt b, PetscInt c)
{
  PetscFunctionBegin;
  PetscCall(AddTriMaybeFlat(t, nd, a, b, c, PETSC_FALSE));
  PetscFunctionReturn(0);
}

/* gmsh 4.8's frontal Delaunay sometimes leaves flat triangles on a long straight run of the
 * block's outline (consecutive collinear nodes at the wake block's end; seen for every full,
 * unmirrored block). A flat triangle (a, m, c), m inside a-c, shares its long edge a-c with one
 * triangle (a, c, d); when that one is proper, flipping the edge gives (a, m, d) and (m, c, d),
 * both proper since d is off the line. Flat triangles can fan out from one node, each the
 * neighbour of the next: those wait until the flip of the outer one has given them a proper
 * neighbour, so the passes go on while they flip something. Triangles from `first` on are
 * gmsh's. */
static PetscErrorCode RepairFlat(Tris *tr, const Nodes *nd, PetscInt first)
{
  PetscFunctionBegin;
  for (;;) {
    PetscInt left = 0, flipped = 0, where = -1;
    for (PetscInt t = first; t < tr->n; t++) {
      PetscInt *v = &tr->v[3 * t];
      if (Area2(nd, v[0], v[1], v[2]) != 0) continue;
      /* the middle node m: the one inside the segment of the other two */
      PetscInt k = 0;
      for (; k < 3; k++) {
        const double *M = &nd->xy[2 * v[k]], *A = &nd->xy[2 * v[(k + 1) % 3]], *C = &nd->xy[2 * v[(k + 2) % 3]];
        if ((M[0] - A[0]) * (M[0] - C[0]) + (M[1] - A[1]) * (M[1] - C[1]) < 0) break;
      }
      PetscCheck(k < 3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "a flat triangle of gmsh's mesh with two equal nodes");
      const PetscInt m = v[k], a = v[(k + 1) % 3], c = v[(k + 2) % 3];
      PetscInt u = -1, d = -1;
      for (PetscInt s = first; s < tr->n && u < 0; s++) {
        const PetscInt *w = &tr->v[3 * s];
        if (s == t) continue;
        for (int j = 0; j < 3; j++)
          if ((w[j] == a && w[(j + 1) % 3] == c) || (w[j] == c && w[(j + 1) % 3] == a)) u = s, d = w[(j + 2) % 3];
      }
      if (u < 0 || Area2(nd, a, m, d) == 0 || Area2(nd, m, c, d) == 0) { /* its neighbour is flat too: later */
        left++, where = m;
        continue;
      }
      const PetscInt fixed[2][3] = {{a, m, d}, {m, c, d}};
      const PetscInt slot[2] = {t, u};
      for (int r = 0; r < 2; r++) {
        const double ar = Area2(nd, fixed[r][0], fixed[r][1], fixed[r][2]);
        PetscInt *w = &tr->v[3 * slot[r]];
        w[0] = fixed[r][0], w[1] = ar > 0 ? fixed[r][1] : fixed[r][2], w[2] = ar > 0 ? fixed[r][2] : fixed[r][1];
      }
      flipped++;
    }
    if (!left) break;
    PetscCheck(flipped, PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "%d flat triangles of gmsh's mesh near (%g, %g) that edge flips cannot remove", (int)left,
               nd->xy[2 * where], nd->xy[2 * where + 1]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode AddEdge(Edges *e, PetscInt a, PetscInt b, PetscInt tag, const double *mid)
{
  PetscFunctionBegin;
  PetscInt c1 = e->cap, c2 = e->cap, c3 = e->cap;
  PetscCall(Grow((void **)&e->v, 2 * sizeof(PetscInt), &c1, e->n + 1));
  PetscCall(Grow((void **)&e->tag, sizeof(PetscInt), &c2, e->n + 1));
  PetscCall(Grow((void **)&e->mid, 2 * sizeof(double), &c3, e->n + 1));
  e->cap = c1;
  e->v[2 * e->n] = a, e->v[2 * e->n + 1] = b, e->tag[e->n] = tag;
  e->mid[2 * e->n] = mid ? mid[0] : NAN, e->mid[2 * e->n + 1] = mid ? mid[1] : NAN;
  e->n++;
  PetscFunctionReturn(0);
}

/* The wall as a curve of s in [-pi, pi]: lower trailing edge, leading edge (s = 0), upper
 * trailing edge; x = (1 - cos s) / 2. */
static void Wall(const FFGeometry *g, double s, double *X, double *Y)
{
  FFNacaChordPoint(g, 0.5 * (1 - cos(s)), s >= 0 ? 1 : -1, X, Y);
}

/* The unit normal out of the airfoil at s (the wall runs clockwise: the fluid on its left). */
static void WallNormal(const FFGeometry *g, double s, double n[2])
{
  const double h = 1e-7;
  double a[2], b[2];
  const double s0 = PetscMax(-M_PI, s - h), s1 = PetscMin(M_PI, s + h);
  Wall(g, s0, &a[0], &a[1]);
  Wall(g, s1, &b[0], &b[1]);
  const double tx = b[0] - a[0], ty = b[1] - a[1], len = sqrt(tx * tx + ty * ty);
  n[0] = -ty / len, n[1] = tx / len;
}

/* A column's direction at s: the wall normal, turned towards the wake's normal (quadratically
 * over the last `blend` of the chord, from the layers' thickness T) so that near the trailing
 * edge the columns neither cross the wake's columns nor each other where the wall normals
 * converge on the edge. */
static void ColumnDirection(const FFGeometry *g, double s, double T, double n[2])
{
  const double w[2] = {0, s < 0 ? -1.0 : 1.0}, x = 0.5 * (1 - cos(s)), blend = PetscMin(0.3, PetscMax(0.05, 3 * T));
  const double t = PetscMax(0, (x - (1 - blend)) / blend), wt = t * t;
  WallNormal(g, s, n);
  const double bx = (1 - wt) * n[0] + wt * w[0], by = (1 - wt) * n[1] + wt * w[1], len = sqrt(bx * bx + by * by);
  n[0] = bx / len, n[1] = by / len;
}

/* The wall parameter between s0 and s1 whose point is as far from the points of s0 and s1: the
 * edge node of a curved wall edge (the parametric middle lies up to 3/4 along the edge next to
 * the trailing edge, where x = (1 - cos s) / 2 is quadratic in s; the cell's map then folds). */
static double EdgeMiddle(const FFGeometry *g, double s0, double s1)
{
  double A[2], B[2], P[2], lo = s0, hi = s1;
  Wall(g, s0, &A[0], &A[1]);
  Wall(g, s1, &B[0], &B[1]);
  for (int it = 0; it < 60; it++) {
    const double m = 0.5 * (lo + hi);
    Wall(g, m, &P[0], &P[1]);
    const double f = (P[0] - A[0]) * (P[0] - A[0]) + (P[1] - A[1]) * (P[1] - A[1]) - (P[0] - B[0]) * (P[0] - B[0]) -
                     (P[1] - B[1]) * (P[1] - B[1]);
    if (f < 0)
      lo = m;
    else
      hi = m;
  }
  return 0.5 * (lo + hi);
}

/* The sizes of the block at refinement level k: 2^k times level 0's wall intervals and layers
 * (the layers nested in level 0's when 2^k is whole), the wake's spacing divided by 2^k. */
typedef struct {
  PetscInt ns;    /* wall intervals per side */
  PetscInt nl;    /* layers */
  double *height; /* nl + 1 cumulative heights, height[0] = 0 */
  PetscInt nw;    /* wake intervals */
  double *wake;   /* nw + 1 stations x - 1, wake[0] = 0 */
} Block;

static PetscErrorCode BlockSizes(const FFGeometry *g, Block *b)
{
  const double r0 = g->bl_growth, y1 = FFBoundaryLayerFirstHeight(g->bl_yplus, g->bl_re), f = pow(2, g->refine);
  PetscInt nl0 = g->bl_layers;

  PetscFunctionBegin;
  if (!nl0) nl0 = (PetscInt)ceil(log(g->h_body / y1) / log(r0)) + 1; /* until a layer is as high as h_body */
  b->ns = (PetscInt)round(g->bl_surface_points * f);
  b->nl = (PetscInt)round(nl0 * f);
  /* layers: y1_k / (r_k - 1) = y1 / (r0 - 1) with r_k = r0^(nl0 / nl) keeps level 0's heights */
  const double rk = pow(r0, (double)nl0 / b->nl), c = y1 / (r0 - 1);
  PetscCall(PetscMalloc1(b->nl + 1, &b->height));
  for (PetscInt j = 0; j <= b->nl; j++) b->height[j] = c * (pow(rk, (double)j) - 1);
  /* wake: from the last wall spacing at the trailing edge, growing by the layers' ratio up to
   * h_wake / 2^k, then even, to bl_wake_length */
  double te[2], prev[2];
  Wall(g, M_PI, &te[0], &te[1]);
  Wall(g, M_PI - M_PI / b->ns, &prev[0], &prev[1]);
  double dx = sqrt((te[0] - prev[0]) * (te[0] - prev[0]) + (te[1] - prev[1]) * (te[1] - prev[1])), x = 0;
  PetscInt n = 0, cap = 0;
  b->wake = NULL;
  PetscCall(Grow((void **)&b->wake, sizeof(double), &cap, 1));
  b->wake[0] = 0;
  while (x < g->bl_wake_length) {
    x += dx;
    PetscCall(Grow((void **)&b->wake, sizeof(double), &cap, n + 2));
    b->wake[++n] = x;
    dx = PetscMin(dx * rk, g->h_wake / f);
  }
  for (PetscInt i = 1; i <= n; i++) b->wake[i] *= g->bl_wake_length / x; /* end exactly at the length */
  b->nw = n;
  PetscFunctionReturn(0);
}

/* ---------- the structured block ---------- */

typedef struct {
  PetscInt base;     /* node on the wall or the wake cut */
  double dir[2];     /* the column's direction */
  PetscBool wall;    /* on the airfoil (its base edge to the next column is a wall edge if both are) */
  double s;          /* wall parameter */
  PetscBool on_axis; /* mirrored: the leading-edge column, on y = 0 */
} Column;

/* Builds the columns and their nodes; grid[c * (nl + 1) + j] is the node of column c, layer j. */
static PetscErrorCode BuildBlock(const FFGeometry *g, const Block *b, PetscBool half, Nodes *nd, Tris *tr, Edges *ed,
                                 PetscInt *ncol_out, PetscInt **grid_out)
{
  const PetscInt ns = b->ns, nl = b->nl, nw = b->nw;
  const PetscInt ncol = half ? ns + 1 + nw : 2 * ns + 1 + 2 * nw; /* mirrored: LE to the upper wake's end */
  Column *col;
  PetscInt *grid, *wall_id, *wake_id;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(ncol, &col));
  PetscCall(PetscMalloc1(ncol * (nl + 1), &grid));
  PetscCall(PetscMalloc2(2 * ns + 1, &wall_id, nw + 1, &wake_id));
  /* wall nodes: s_i = -pi + i pi / ns, i = 0 .. 2 ns (0 and 2 ns are the trailing edge) */
  for (PetscInt i = 0; i <= 2 * ns; i++) {
    double X, Y;
    if (half && i < ns) {
      wall_id[i] = -1;
      continue;
    }
    if (i == 2 * ns) {
      wall_id[i] = wall_id[0] >= 0 ? wall_id[0] : -1;
      if (wall_id[i] >= 0) continue;
    }
    Wall(g, -M_PI + i * M_PI / ns, &X, &Y);
    if (i == 0 || i == 2 * ns) X = 1, Y = 0; /* exactly closed at (1, 0) */
    if (half && i == ns) Y = 0;
    PetscCall(AddNode(nd, X, Y, &wall_id[i]));
  }
  wake_id[0] = half ? wall_id[2 * ns] : wall_id[0];
  for (PetscInt j = 1; j <= nw; j++) PetscCall(AddNode(nd, 1 + b->wake[j], 0, &wake_id[j]));
  /* the columns */
  PetscInt c = 0;
  const double up[2] = {0, 1}, down[2] = {0, -1}, T = b->height[nl];
  if (!half)
    for (PetscInt j = nw; j >= 1; j--, c++)
      col[c] = (Column){wake_id[j], {down[0], down[1]}, PETSC_FALSE, 0, PETSC_FALSE};
  for (PetscInt i = half ? ns : 0; i <= 2 * ns; i++, c++) {
    const double s = -M_PI + i * M_PI / ns;
    double n[2];
    ColumnDirection(g, s, T, n);
    if (half && i == ns) n[0] = -1, n[1] = 0;
    col[c] = (Column){wall_id[i], {n[0], n[1]}, PETSC_TRUE, s, half && i == ns};
  }
  for (PetscInt j = 1; j <= nw; j++, c++) col[c] = (Column){wake_id[j], {up[0], up[1]}, PETSC_FALSE, 0, PETSC_FALSE};
  PetscCheck(c == ncol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%d columns, expected %d", (int)c, (int)ncol);
  /* nodes up the columns; along the wake the layers relax linearly from the wall's geometric
   * heights to even ones (the same thickness): the wake widens, and gmsh then meets cells of a
   * moderate aspect ratio at the block's end (with the wall's 1e-6 cells there its Delaunay
   * mesher leaves flat triangles) */
  for (c = 0; c < ncol; c++) {
    const double *B = &nd->xy[2 * col[c].base];
    const double bx = B[0], by = B[1], w = col[c].wall ? 0 : (bx - 1) / b->wake[nw];
    grid[c * (nl + 1)] = col[c].base;
    for (PetscInt j = 1; j <= nl; j++) {
      const double hj = (1 - w) * b->height[j] + w * T * j / nl;
      double y = by + hj * col[c].dir[1];
      if (col[c].on_axis) y = 0;
      PetscCall(AddNode(nd, bx + hj * col[c].dir[0], y, &grid[c * (nl + 1) + j]));
    }
  }
  /* cells, checked to keep the block's orientation (no column crossing its neighbour) */
  for (c = 0; c + 1 < ncol; c++)
    for (PetscInt j = 0; j < nl; j++) {
      const PetscInt a = grid[c * (nl + 1) + j], bb = grid[(c + 1) * (nl + 1) + j];
      const PetscInt cc = grid[(c + 1) * (nl + 1) + j + 1], d = grid[c * (nl + 1) + j + 1];
      /* the quadrilateral a bb cc d runs counter-clockwise: the columns go clockwise around the
       * airfoil and the layers away from it, to the left of the wall's direction */
      const double *A = &nd->xy[2 * a], *Bq = &nd->xy[2 * bb], *C = &nd->xy[2 * cc], *D = &nd->xy[2 * d];
      const double s1 = (Bq[0] - A[0]) * (C[1] - A[1]) - (Bq[1] - A[1]) * (C[0] - A[0]);
      const double s2 = (C[0] - A[0]) * (D[1] - A[1]) - (C[1] - A[1]) * (D[0] - A[0]);
      PetscCheck(s1 > 0 && s2 > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
                 "boundary-layer cells fold over near (%g, %g): the layers (-mesh_bl_layers, or h_body with "
                 "-mesh_bl_growth) are too thick for the wall's curvature there",
                 A[0], A[1]);
      PetscCall(AddTri(tr, nd, a, bb, cc));
      PetscCall(AddTri(tr, nd, a, cc, d));
    }
  /* wall edges with their exact midpoints, and the edge nodes of every layer above them on the
   * offsets of the wall's midpoints along the column direction there (tag 0: interior); a
   * straight first layer under a curved wall edge would fold where the wall bulges by more than
   * the first cell's height (at the leading edge by ~1e-4 against 4e-6) */
  for (c = 0; c + 1 < ncol; c++)
    if (col[c].wall && col[c + 1].wall) {
      const double sm = EdgeMiddle(g, col[c].s, col[c + 1].s);
      double W[2], n[2], M[2], Mprev[2];
      Wall(g, sm, &W[0], &W[1]);
      ColumnDirection(g, sm, T, n);
      PetscCall(AddEdge(ed, col[c].base, col[c + 1].base, 1, W));
      Mprev[0] = W[0], Mprev[1] = W[1];
      for (PetscInt j = 1; j <= nl; j++) {
        M[0] = W[0] + b->height[j] * n[0], M[1] = W[1] + b->height[j] * n[1];
        if (col[c].on_axis && col[c + 1].on_axis) M[1] = 0;
        const double D[2] = {0.5 * (M[0] + Mprev[0]), 0.5 * (M[1] + Mprev[1])};
        PetscCall(AddEdge(ed, grid[c * (nl + 1) + j], grid[(c + 1) * (nl + 1) + j], 0, M));
        PetscCall(AddEdge(ed, grid[c * (nl + 1) + j - 1], grid[(c + 1) * (nl + 1) + j], 0, D)); /* the diagonal */
        Mprev[0] = M[0], Mprev[1] = M[1];
      }
    }
  PetscCall(PetscFree(col));
  PetscCall(PetscFree2(wall_id, wake_id));
  *ncol_out = ncol;
  *grid_out = grid;
  PetscFunctionReturn(0);
}

/* ---------- the rest of the domain, by gmsh ---------- */

/* The .geo of the region between the block and the far-field box (its upper half for a
 * mirrored mesh); poly[0..np) are the block's outer nodes in order (closed for a full mesh). */
static PetscErrorCode WriteOuterGeo(const FFGeometry *g, const Nodes *nd, PetscBool half, PetscInt np,
                                    const PetscInt poly[], FILE *f)
{
  const double H = 0.5 * g->farfield, xmin = 0.5 - H, xmax = 0.5 + H;

  PetscFunctionBegin;
  fprintf(f,
          "// fieldflow: the region around the boundary-layer block of a NACA airfoil (naca_layers.c)%s\n"
          "h = %.17g; h_body = %.17g; h_wake = %.17g; growth = %.17g;\n",
          half ? ", upper half" : "", (double)g->h, (double)g->h_body, (double)g->h_wake, (double)g->growth);
  /* the block's outer nodes: points 1..np, lines 1..np-1 (and np closing a full loop) */
  for (PetscInt i = 0; i < np; i++)
    fprintf(f, "Point(%d) = {%.17g, %.17g, 0};\n", (int)(i + 1), nd->xy[2 * poly[i]], nd->xy[2 * poly[i] + 1]);
  const PetscInt nlines = half ? np - 1 : np;
  for (PetscInt i = 0; i < nlines; i++)
    fprintf(f, "Line(%d) = {%d, %d};\n", (int)(i + 1), (int)(i + 1), (int)((i + 1) % np + 1));
  fprintf(f, "Transfinite Curve{1:%d} = 2;\n", (int)nlines);
  const int P = (int)np, L = (int)nlines;
  if (half) {
    /* box corners P+1 (xmin, 0), P+2 (xmax, 0), P+3 (xmax, H), P+4 (xmin, H) */
    fprintf(f,
            "Point(%d) = {%.17g, 0, 0};\nPoint(%d) = {%.17g, 0, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n"
            "Point(%d) = {%.17g, %.17g, 0};\n",
            P + 1, xmin, P + 2, xmax, P + 3, xmax, H, P + 4, xmin, H);
    fprintf(f,
            "Line(%d) = {%d, 1}; // y = 0 ahead\nLine(%d) = {%d, %d}; // y = 0 behind\n"
            "Line(%d) = {%d, %d}; // outlet\nLine(%d) = {%d, %d}; // top\nLine(%d) = {%d, %d}; // inflow\n",
            L + 1, P + 1, L + 2, P, P + 2, L + 3, P + 2, P + 3, L + 4, P + 3, P + 4, L + 5, P + 4, P + 1);
    fprintf(f, "Curve Loop(1) = {%d, 1:%d, %d, %d, %d, %d};\nPlane Surface(1) = {1};\n", L + 1, L, L + 2, L + 3, L + 4,
            L + 5);
    fprintf(f, "Physical Curve(\"farfield\", 2) = {%d, %d};\nPhysical Curve(\"outlet\", 3) = {%d};\n", L + 4, L + 5,
            L + 3);
  } else {
    fprintf(f,
            "Point(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\nPoint(%d) = {%.17g, %.17g, 0};\n"
            "Point(%d) = {%.17g, %.17g, 0};\n",
            P + 1, xmin, -H, P + 2, xmax, -H, P + 3, xmax, H, P + 4, xmin, H);
    fprintf(f,
            "Line(%d) = {%d, %d}; // bottom\nLine(%d) = {%d, %d}; // outlet\nLine(%d) = {%d, %d}; // top\n"
            "Line(%d) = {%d, %d}; // inflow\n",
            L + 1, P + 1, P + 2, L + 2, P + 2, P + 3, L + 3, P + 3, P + 4, L + 4, P + 4, P + 1);
    fprintf(f, "Curve Loop(1) = {%d, %d, %d, %d};\nCurve Loop(2) = {1:%d};\nPlane Surface(1) = {1, 2};\n", L + 1, L + 2,
            L + 3, L + 4, L);
    fprintf(f, "Physical Curve(\"farfield\", 2) = {%d, %d, %d};\nPhysical Curve(\"outlet\", 3) = {%d};\n", L + 1, L + 3,
            L + 4, L + 2);
  }
  fprintf(f, "Physical Surface(\"fluid\", 4) = {1};\n");
  /* sizes: h_body growing away from the block, the wake wedge of naca.c, h; and never coarser
   * than the block's own spacing where they meet (sizes extended from the boundary) */
  fprintf(f,
          "Field[1] = Distance;\nField[1].CurvesList = {1:%d};\nField[1].NumPointsPerCurve = 3;\n"
          "Field[2] = MathEval;\nField[2].F = Sprintf(\"%%g + %%g * F1\", h_body, growth);\n"
          "Field[3] = MathEval; // wake wedge, coarsening by 0.05 per chord behind the block\n"
          "Field[3].F = Sprintf(\"%%g + 0.05 * Max(x - %%g, 0) + %%g * Max(Sqrt(Min(x - 1, 0) * Min(x - 1, 0) + y*y) - "
          "0.0875 * Max(x - 1, 0), 0)\", h_wake, %.17g, growth);\n"
          "Field[4] = MathEval;\nField[4].F = Sprintf(\"%%g\", h);\n"
          "Field[100] = Min;\nField[100].FieldsList = {2, 3, 4};\nBackground Field = 100;\n"
          "Mesh.MeshSizeExtendFromBoundary = 1;\nMesh.MeshSizeFromPoints = 0;\nMesh.MeshSizeFromCurvature = 0;\n"
          "Mesh.Algorithm = 6; // Frontal-Delaunay\n",
          L, 1 + (double)g->bl_wake_length);
  PetscCheck(!ferror(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing the .geo failed");
  PetscFunctionReturn(0);
}

typedef struct {
  double x, y;
  PetscInt id;
} Keyed;

static int CompareXY(const void *a, const void *b)
{
  const Keyed *p = (const Keyed *)a, *q = (const Keyed *)b;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return (p->y > q->y) - (p->y < q->y);
}

/* The block's outline node at (x, y) to gmsh's printing precision (16 digits), or -1; the
 * outline's spacing is many orders of magnitude above it. */
static PetscInt FindOutline(const Keyed *outline, PetscInt np, double x, double y)
{
  const double tol = 1e-13 * (1 + fabs(x) + fabs(y));
  PetscInt lo = 0, hi = np;
  while (lo < hi) {
    const PetscInt mid = (lo + hi) / 2;
    if (outline[mid].x < x - tol)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (PetscInt i = lo; i < np && outline[i].x <= x + tol; i++)
    if (fabs(outline[i].y - y) <= tol) return outline[i].id;
  return -1;
}

/* Reads gmsh's mesh of the outer region (MSH 4.1 ASCII, linear): its nodes (those of the
 * block's outline matched to the block's by their exact coordinates, which gmsh copies from the
 * .geo), triangles and far-field and outlet edges. */
static PetscErrorCode ReadOuter(const char *path, Nodes *nd, PetscInt np, const PetscInt poly[], Tris *tr, Edges *ed,
                                PetscBool half)
{
  FILE *f = fopen(path, "r");
  char line[512];
  Keyed *outline;
  PetscInt *map = NULL, min_tag = 0, max_tag = -1;
  const PetscInt L = half ? np - 1 : np; /* the box's curves: L+1 .. (see WriteOuterGeo) */
  const PetscInt first = tr->n;

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read gmsh's mesh '%s'", path);
  PetscCall(PetscMalloc1(np, &outline));
  for (PetscInt i = 0; i < np; i++) outline[i] = (Keyed){nd->xy[2 * poly[i]], nd->xy[2 * poly[i] + 1], poly[i]};
  qsort(outline, (size_t)np, sizeof *outline, CompareXY);
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "$Nodes", 6)) {
      long nb, nn, lo, hi;
      PetscCheck(fscanf(f, "%ld %ld %ld %ld", &nb, &nn, &lo, &hi) == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "'%s': bad $Nodes", path);
      min_tag = lo, max_tag = hi;
      PetscCall(PetscMalloc1(hi - lo + 1, &map));
      for (long b = 0; b < nb; b++) {
        int dim, tag, param;
        long n;
        PetscCheck(fscanf(f, "%d %d %d %ld", &dim, &tag, &param, &n) == 4 && !param, PETSC_COMM_SELF,
                   PETSC_ERR_FILE_UNEXPECTED, "'%s': bad node block", path);
        long *tags;
        PetscCall(PetscMalloc1(n + 1, &tags));
        for (long i = 0; i < n; i++)
          PetscCheck(fscanf(f, "%ld", &tags[i]) == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': bad node tag",
                     path);
        for (long i = 0; i < n; i++) {
          double x, y, z;
          PetscCheck(fscanf(f, "%lf %lf %lf", &x, &y, &z) == 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                     "'%s': bad node", path);
          const PetscInt hit = FindOutline(outline, np, x, y);
          if (hit >= 0)
            map[tags[i] - lo] = hit;
          else
            PetscCall(AddNode(nd, x, y, &map[tags[i] - lo]));
        }
        PetscCall(PetscFree(tags));
      }
    } else if (!strncmp(line, "$Elements", 9)) {
      long nb, ne, lo, hi;
      PetscCheck(map && fscanf(f, "%ld %ld %ld %ld", &nb, &ne, &lo, &hi) == 4, PETSC_COMM_SELF,
                 PETSC_ERR_FILE_UNEXPECTED, "'%s': bad $Elements", path);
      for (long b = 0; b < nb; b++) {
        int dim, tag, type;
        long n, t, v[3];
        PetscCheck(fscanf(f, "%d %d %d %ld", &dim, &tag, &type, &n) == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                   "'%s': bad element block", path);
        const int nv = type == 2 ? 3 : (type == 1 ? 2 : (type == 15 ? 1 : -1));
        PetscCheck(nv > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': element type %d", path, type);
        for (long i = 0; i < n; i++) {
          PetscCheck(fscanf(f, "%ld", &t) == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s': bad element", path);
          for (int k = 0; k < nv; k++) {
            PetscCheck(fscanf(f, "%ld", &v[k]) == 1 && v[k] >= min_tag && v[k] <= max_tag, PETSC_COMM_SELF,
                       PETSC_ERR_FILE_UNEXPECTED, "'%s': bad element node", path);
            v[k] = map[v[k] - min_tag];
          }
          if (type == 2)
            PetscCall(AddTriMaybeFlat(tr, nd, v[0], v[1], v[2], PETSC_TRUE));
          else if (type == 1) {
            /* half: outlet is L+3, farfield L+4 and L+5; full: outlet L+2, farfield L+1, L+3, L+4 */
            const PetscInt outlet = half ? L + 3 : L + 2;
            PetscCall(AddEdge(ed, v[0], v[1], tag == outlet ? 3 : 2, NULL));
          }
        }
      }
    }
  }
  fclose(f);
  PetscCheck(map, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no $Nodes", path);
  PetscCall(RepairFlat(tr, nd, first));
  PetscCall(PetscFree(map));
  PetscCall(PetscFree(outline));
  PetscFunctionReturn(0);
}

/* ---------- mirror, edge nodes, the .msh ---------- */

/* A symmetric airfoil: the lower half as the mirror image of the upper, sharing the nodes on
 * y = 0. */
static PetscErrorCode Mirror(Nodes *nd, Tris *tr, Edges *ed)
{
  const PetscInt n = nd->n, nt = tr->n, ne = ed->n;
  PetscInt *m;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &m));
  for (PetscInt i = 0; i < n; i++) {
    if (nd->xy[2 * i + 1] == 0)
      m[i] = i;
    else
      PetscCall(AddNode(nd, nd->xy[2 * i], -nd->xy[2 * i + 1], &m[i]));
  }
  for (PetscInt t = 0; t < nt; t++)
    PetscCall(AddTri(tr, nd, m[tr->v[3 * t]], m[tr->v[3 * t + 2]], m[tr->v[3 * t + 1]]));
  for (PetscInt e = 0; e < ne; e++) {
    const double mid[2] = {ed->mid[2 * e], -ed->mid[2 * e + 1]};
    PetscCall(AddEdge(ed, m[ed->v[2 * e + 1]], m[ed->v[2 * e]], ed->tag[e], isnan(mid[0]) ? NULL : mid));
  }
  PetscCall(PetscFree(m));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscInt a, b, where; /* where: 3 t + k for triangle edges, -1 - e for boundary edge e */
} EdgeKey;

static int CompareEdge(const void *x, const void *y)
{
  const EdgeKey *p = (const EdgeKey *)x, *q = (const EdgeKey *)y;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return (p->b > q->b) - (p->b < q->b);
}

/* Edge nodes of a second-order mesh: mid[3 t + k] for edge k (01, 12, 20) of triangle t and
 * bmid[e] for boundary edge e; exact on the airfoil (the boundary edge's own midpoint). */
static PetscErrorCode EdgeNodes(Nodes *nd, const Tris *tr, const Edges *ed, PetscInt **mid, PetscInt **bmid)
{
  const PetscInt nk = 3 * tr->n + ed->n;
  EdgeKey *k;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nk, &k));
  PetscCall(PetscMalloc2(3 * tr->n, mid, ed->n + 1, bmid));
  for (PetscInt t = 0; t < tr->n; t++)
    for (PetscInt j = 0; j < 3; j++) {
      const PetscInt a = tr->v[3 * t + j], b = tr->v[3 * t + (j + 1) % 3];
      k[3 * t + j] = (EdgeKey){PetscMin(a, b), PetscMax(a, b), 3 * t + j};
    }
  for (PetscInt e = 0; e < ed->n; e++) {
    const PetscInt a = ed->v[2 * e], b = ed->v[2 * e + 1];
    k[3 * tr->n + e] = (EdgeKey){PetscMin(a, b), PetscMax(a, b), -1 - e};
  }
  qsort(k, (size_t)nk, sizeof *k, CompareEdge);
  for (PetscInt i = 0; i < nk;) {
    PetscInt j = i;
    double x = 0.5 * (nd->xy[2 * k[i].a] + nd->xy[2 * k[i].b]),
           y = 0.5 * (nd->xy[2 * k[i].a + 1] + nd->xy[2 * k[i].b + 1]);
    for (; j < nk && k[j].a == k[i].a && k[j].b == k[i].b; j++)
      if (k[j].where < 0 && !isnan(ed->mid[2 * (-1 - k[j].where)]))
        x = ed->mid[2 * (-1 - k[j].where)], y = ed->mid[2 * (-1 - k[j].where) + 1];
    PetscInt id = -1;
    PetscCall(AddNode(nd, x, y, &id));
    for (PetscInt l = i; l < j; l++) {
      if (k[l].where >= 0)
        (*mid)[k[l].where] = id;
      else
        (*bmid)[-1 - k[l].where] = id;
    }
    i = j;
  }
  PetscCall(PetscFree(k));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteMsh(const char *path, const Nodes *nd, const Tris *tr, const Edges *ed, PetscInt order,
                               const PetscInt *mid, const PetscInt *bmid)
{
  FILE *f = fopen(path, "w");
  double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  PetscInt count[4] = {0, 0, 0, 0};

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", path);
  for (PetscInt i = 0; i < nd->n; i++)
    for (int d = 0; d < 2; d++) lo[d] = PetscMin(lo[d], nd->xy[2 * i + d]), hi[d] = PetscMax(hi[d], nd->xy[2 * i + d]);
  for (PetscInt e = 0; e < ed->n; e++) count[ed->tag[e]]++;
  fprintf(f, "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$PhysicalNames\n4\n1 1 \"airfoil\"\n1 2 \"farfield\"\n"
             "1 3 \"outlet\"\n2 4 \"fluid\"\n$EndPhysicalNames\n$Entities\n0 3 1 0\n");
  for (int c = 1; c <= 3; c++) fprintf(f, "%d %.17g %.17g 0 %.17g %.17g 0 1 %d 0\n", c, lo[0], lo[1], hi[0], hi[1], c);
  fprintf(f, "1 %.17g %.17g 0 %.17g %.17g 0 1 4 0\n$EndEntities\n", lo[0], lo[1], hi[0], hi[1]);
  fprintf(f, "$Nodes\n1 %d 1 %d\n2 1 0 %d\n", (int)nd->n, (int)nd->n, (int)nd->n);
  for (PetscInt i = 0; i < nd->n; i++) fprintf(f, "%d\n", (int)(i + 1));
  for (PetscInt i = 0; i < nd->n; i++) fprintf(f, "%.17g %.17g 0\n", nd->xy[2 * i], nd->xy[2 * i + 1]);
  const PetscInt total = count[1] + count[2] + count[3] + tr->n;
  fprintf(f, "$EndNodes\n$Elements\n4 %d 1 %d\n", (int)total, (int)total);
  PetscInt tag = 1;
  for (int c = 1; c <= 3; c++) {
    fprintf(f, "1 %d %d %d\n", c, order == 2 ? 8 : 1, (int)count[c]);
    for (PetscInt e = 0; e < ed->n; e++) {
      if (ed->tag[e] != c) continue;
      fprintf(f, "%d %d %d", (int)tag++, (int)(ed->v[2 * e] + 1), (int)(ed->v[2 * e + 1] + 1));
      if (order == 2) fprintf(f, " %d", (int)(bmid[e] + 1));
      fprintf(f, "\n");
    }
  }
  fprintf(f, "2 1 %d %d\n", order == 2 ? 9 : 2, (int)tr->n);
  for (PetscInt t = 0; t < tr->n; t++) {
    fprintf(f, "%d %d %d %d", (int)tag++, (int)(tr->v[3 * t] + 1), (int)(tr->v[3 * t + 1] + 1),
            (int)(tr->v[3 * t + 2] + 1));
    if (order == 2)
      fprintf(f, " %d %d %d", (int)(mid[3 * t] + 1), (int)(mid[3 * t + 1] + 1), (int)(mid[3 * t + 2] + 1));
    fprintf(f, "\n");
  }
  fprintf(f, "$EndElements\n");
  PetscCheck(!ferror(f) && fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing '%s' failed", path);
  PetscFunctionReturn(0);
}

PetscErrorCode FFNacaLayersMesh(const FFGeometry *g, const char *gmsh, const char *geo_path, const char *msh_path)
{
  const PetscBool half = FFNacaIsMirrored(g);
  Block b = {0};
  Nodes nd = {0};
  Tris tr = {0};
  Edges ed = {0};
  PetscInt ncol, *grid, np = 0, *poly, *mid = NULL, *bmid = NULL;
  char outer[PETSC_MAX_PATH_LEN + 16], log[PETSC_MAX_PATH_LEN + 32];

  PetscFunctionBegin;
  PetscCall(BlockSizes(g, &b));
  PetscCall(BuildBlock(g, &b, half, &nd, &tr, &ed, &ncol, &grid));
  /* the block's outline away from the wall */
  const PetscInt nl = b.nl;
  PetscCall(PetscMalloc1(ncol + 2 * nl + 2, &poly));
  for (PetscInt c = 0; c < ncol; c++) poly[np++] = grid[c * (nl + 1) + nl];
  for (PetscInt j = nl - 1; j >= 0; j--) poly[np++] = grid[(ncol - 1) * (nl + 1) + j];
  if (!half)
    for (PetscInt j = 1; j < nl; j++) poly[np++] = grid[j]; /* up the first column (the lower wake's end) */
  FILE *f = fopen(geo_path, "w");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", geo_path);
  PetscErrorCode ierr = WriteOuterGeo(g, &nd, half, np, poly, f);
  PetscCheck(fclose(f) == 0 && !ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write '%s'", geo_path);
  PetscCall(PetscSNPrintf(outer, sizeof outer, "%s.outer.msh", msh_path));
  PetscCall(FFGmshRun(gmsh, geo_path, outer, 1));
  PetscCall(ReadOuter(outer, &nd, np, poly, &tr, &ed, half));
  remove(outer);
  PetscCall(PetscSNPrintf(log, sizeof log, "%s.log", outer));
  remove(log);
  if (half) PetscCall(Mirror(&nd, &tr, &ed));
  if (g->order == 2) PetscCall(EdgeNodes(&nd, &tr, &ed, &mid, &bmid));
  PetscCall(WriteMsh(msh_path, &nd, &tr, &ed, g->order, mid, bmid));
  PetscCall(PetscInfo(NULL,
                      "fieldflow: NACA boundary layer: %d wall intervals per side, %d layers (%.3g thick), %d wake "
                      "intervals; %d triangles\n",
                      (int)b.ns, (int)b.nl, b.height[b.nl], (int)b.nw, (int)tr.n));
  PetscCall(PetscFree2(mid, bmid));
  PetscCall(PetscFree(poly));
  PetscCall(PetscFree(grid));
  PetscCall(PetscFree(b.height));
  PetscCall(PetscFree(b.wake));
  PetscCall(PetscFree(nd.xy));
  PetscCall(PetscFree(tr.v));
  PetscCall(PetscFree(ed.v));
  PetscCall(PetscFree(ed.tag));
  PetscCall(PetscFree(ed.mid));
  PetscFunctionReturn(0);
}
