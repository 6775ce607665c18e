/* Synthetic samples for the dataset tests: a structured P2 triangle mesh of the unit
 * square with every part of the schema filled (graph, fields on nodes and vertices,
 * forces, C_p, solver statistics). Header-only: included by tests/test_*dataset*.c. */
#ifndef FF_TEST_DATASET_H
#define FF_TEST_DATASET_H

#include "ff_io.h"
#include "ff_test.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  double *coords, *sdf, *u, *p, *s, *x, *y, *cp;
  int *cells, *type, *row_ptr, *col;
  char *groups[2];
  FFField fields[2];
  FFScalar forces[2], extra[1];
} FFTestSampleData;

/* Node of the midpoint of edge (a, b) of an nx x nx vertex grid, numbered after the vertices:
 * horizontal edges, then vertical, then diagonals (bottom-left to top-right). */
static inline int FFTestEdgeNode(int nx, int a, int b)
{
  int nv = (nx + 1) * (nx + 1);
  if (a > b) {
    int t = a;
    a = b;
    b = t;
  }
  int ia = a % (nx + 1), ja = a / (nx + 1);
  if (b == a + 1) return nv + ja * nx + ia;                            /* horizontal */
  if (b == a + nx + 1) return nv + nx * (nx + 1) + ja * (nx + 1) + ia; /* vertical */
  return nv + 2 * nx * (nx + 1) + ja * nx + ia;                        /* diagonal a -> a + nx + 2 */
}

static inline int FFTestCompareInt(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* Fills s (and d, which owns the arrays) with sample `index` on an nx x nx grid; the
 * values depend on index so that samples differ. s->params etc. are left as they are. */
static inline void FFTestMakeSample(int nx, long index, FFTestSampleData *d, FFSample *s)
{
  int nv = (nx + 1) * (nx + 1), nn = nv + 2 * nx * (nx + 1) + nx * nx, nc = 2 * nx * nx;
  memset(d, 0, sizeof *d);
  d->coords = calloc(2 * nn, sizeof(double));
  d->sdf = calloc(nn, sizeof(double));
  d->u = calloc(2 * nn, sizeof(double));
  d->p = calloc(nv, sizeof(double));
  d->cells = calloc(6 * nc, sizeof(int));
  d->type = calloc(nn, sizeof(int));
  for (int v = 0; v < nv; v++) {
    d->coords[2 * v] = (double)(v % (nx + 1)) / nx;
    d->coords[2 * v + 1] = (double)(v / (nx + 1)) / nx;
  }
  int c = 0;
  for (int j = 0; j < nx; j++)
    for (int i = 0; i < nx; i++) {
      int v00 = j * (nx + 1) + i, v10 = v00 + 1, v01 = v00 + nx + 1, v11 = v01 + 1;
      int tri[2][3] = {{v00, v10, v11}, {v00, v11, v01}};
      for (int t = 0; t < 2; t++, c++) {
        int *cell = &d->cells[6 * c];
        for (int k = 0; k < 3; k++) cell[k] = tri[t][k];
        for (int k = 0; k < 3; k++) {
          int a = tri[t][k], b = tri[t][(k + 1) % 3], m = FFTestEdgeNode(nx, a, b);
          cell[3 + k] = m;
          d->coords[2 * m] = 0.5 * (d->coords[2 * a] + d->coords[2 * b]);
          d->coords[2 * m + 1] = 0.5 * (d->coords[2 * a + 1] + d->coords[2 * b + 1]);
        }
      }
    }
  for (int k = 0; k < nn; k++) {
    double x = d->coords[2 * k], y = d->coords[2 * k + 1];
    d->type[k] = y == 0 ? 1 : x == 0 ? 2 : 0;
    d->sdf[k] = y;
    d->u[2 * k] = sin(3 * x + 0.1 * index) * y;
    d->u[2 * k + 1] = cos(2 * y - 0.05 * index) * x;
    if (k < nv) d->p[k] = x * x - y + 0.01 * index;
  }
  /* Graph: all pairs of nodes within a cell, deduplicated per row. */
  int *deg = calloc(nn + 1, sizeof(int)), cap = 30;
  int *nbr = malloc(sizeof(int) * nn * cap);
  for (int e = 0; e < nc; e++)
    for (int a = 0; a < 6; a++)
      for (int b = 0; b < 6; b++) {
        int u = d->cells[6 * e + a], v = d->cells[6 * e + b];
        if (u == v) continue;
        int seen = 0;
        for (int k = 0; k < deg[u]; k++) seen |= nbr[u * cap + k] == v;
        if (!seen) nbr[u * cap + deg[u]++] = v;
      }
  d->row_ptr = calloc(nn + 1, sizeof(int));
  for (int k = 0; k < nn; k++) d->row_ptr[k + 1] = d->row_ptr[k] + deg[k];
  d->col = malloc(sizeof(int) * d->row_ptr[nn]);
  for (int k = 0; k < nn; k++) {
    qsort(&nbr[k * cap], deg[k], sizeof(int), FFTestCompareInt);
    memcpy(&d->col[d->row_ptr[k]], &nbr[k * cap], sizeof(int) * deg[k]);
  }
  free(deg);
  free(nbr);
  int ns = 4 * nx + 1;
  d->s = calloc(ns, sizeof(double));
  d->x = calloc(ns, sizeof(double));
  d->y = calloc(ns, sizeof(double));
  d->cp = calloc(ns, sizeof(double));
  for (int k = 0; k < ns; k++) {
    d->s[k] = (double)k / (ns - 1);
    d->x[k] = d->s[k];
    d->cp[k] = 1 - 4 * d->s[k] * (1 - d->s[k]) + 0.001 * index;
  }
  d->groups[0] = "wall";
  d->groups[1] = "inlet";
  d->fields[0] = (FFField){"u", "1", "u_x,u_y", FF_FIELD_NODES, 2, d->u};
  d->fields[1] = (FFField){"p", "1", "", FF_FIELD_VERTICES, 1, d->p};
  d->forces[0] = (FFScalar){"C_D", "1", 5.5 + 0.01 * index};
  d->forces[1] = (FFScalar){"C_L", "1", 0.01 - 0.002 * index};
  d->extra[0] = (FFScalar){"continuation_steps", "1", (double)(index % 3)};
  s->mesh = (FFSampleMesh){nn, nv, nc, 2, d->coords, d->cells, d->type, d->groups, d->sdf, d->row_ptr, d->col, NULL};
  s->n_fields = 2;
  s->fields = d->fields;
  s->n_forces = 2;
  s->forces = d->forces;
  s->surface = (FFSurfacePressure){"wall", ns, d->s, d->x, d->y, d->cp};
  s->solver = (FFSolverStats){4 + index % 2, 1e-11, 0.25 + 0.01 * index, 1, d->extra};
}

static inline void FFTestFreeSample(FFTestSampleData *d)
{
  double *dp[] = {d->coords, d->sdf, d->u, d->p, d->s, d->x, d->y, d->cp};
  int *ip[] = {d->cells, d->type, d->row_ptr, d->col};
  for (size_t k = 0; k < sizeof dp / sizeof dp[0]; k++) free(dp[k]);
  for (size_t k = 0; k < sizeof ip / sizeof ip[0]; k++) free(ip[k]);
  memset(d, 0, sizeof *d);
}

/* A small dataset definition: aoa in [0, 10] deg, re in [100, 1000] (log), a seed. */
static inline void FFTestSpec(FFDatasetSpec *spec, FFParamRange params[3], long n, uint64_t seed)
{
  memset(spec, 0, sizeof *spec);
  strcpy(spec->case_name, "synthetic");
  spec->options = "-geometry square\n-mesh_h 0.25\n";
  spec->method = FF_SAMPLING_LHS;
  spec->n = n;
  spec->seed = seed;
  params[0] = (FFParamRange){"aoa", "deg", 0, 10, FF_PARAM_LINEAR};
  params[1] = (FFParamRange){"re", "1", 100, 1000, FF_PARAM_LOG};
  params[2] = (FFParamRange){"seed", "", 0, 0, FF_PARAM_SEED};
  spec->n_params = 3;
  spec->params = params;
}

/* Writes sample i of ds (ok) on an nx grid. */
static inline FFErrorCode FFTestWriteSample(FFDataset ds, long i, int nx)
{
  FFSample s;
  FFTestSampleData d;
  FF_CHECK(FFDatasetSampleInit(ds, i, &s));
  FFTestMakeSample(nx, i, &d, &s);
  FFErrorCode rc = FFDatasetWriteSample(ds, &s);
  FFTestFreeSample(&d);
  return rc;
}

/* Copies a file byte for byte (to keep a pristine copy before damaging one). */
static inline int FFTestCopyFile(const char *from, const char *to)
{
  FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
  if (!a || !b) return -1;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
  fclose(a);
  fclose(b);
  return 0;
}

#endif
