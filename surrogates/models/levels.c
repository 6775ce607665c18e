/* The hierarchy of graphs of a multi-level model (FFSurrogateLevels): P2 nodes, the mesh vertices,
 * then METIS clusters of clusters. Built from the graph's own cells and edges, once per mesh. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <stdlib.h>
#include <string.h>

static int CompareKeys(const void *a, const void *b)
{
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Level 0 -> 1: vertices are their own clusters; each edge midpoint joins the end vertex of its
 * edge with fewer members so far (the lower number on a tie), which keeps the clusters at about
 * 1 + 3 nodes. */
static PetscErrorCode VertexClusters(const FFSurrogateGraph *g, int *cluster)
{
  int *count, *ends;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(g->n_vertices, &count, 2 * (size_t)g->n_nodes, &ends));
  for (int i = 0; i < 2 * g->n_nodes; i++) ends[i] = -1;
  /* VTK quadratic triangle: v0 v1 v2, then the midpoints of (v0 v1), (v1 v2), (v2 v0) */
  static const int pair[3][2] = {{0, 1}, {1, 2}, {2, 0}};
  for (int c = 0; c < g->n_cells; c++)
    for (int k = 0; k < 3; k++) {
      const int m = g->cells[6 * c + 3 + k], a = g->cells[6 * c + pair[k][0]], b = g->cells[6 * c + pair[k][1]];
      PetscCheck(m >= g->n_vertices && a < g->n_vertices && b < g->n_vertices, PETSC_COMM_SELF, PETSC_ERR_ARG_CORRUPT,
                 "cell %d: node %d is not an edge midpoint between vertices %d and %d (vertices come first)", c, m, a,
                 b);
      ends[2 * m] = PetscMin(a, b);
      ends[2 * m + 1] = PetscMax(a, b);
    }
  for (int v = 0; v < g->n_vertices; v++) count[v] = 1, cluster[v] = v;
  for (int m = g->n_vertices; m < g->n_nodes; m++) {
    PetscCheck(ends[2 * m] >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_CORRUPT, "node %d is in no cell", m);
    const int a = ends[2 * m], b = ends[2 * m + 1], v = count[b] < count[a] ? b : a;
    cluster[m] = v;
    count[v]++;
  }
  PetscCall(PetscFree2(count, ends));
  PetscFunctionReturn(0);
}

/* Level l + 1 from level l and its clusters: members, mean positions, and the edges joining two
 * clusters (sorted by sender, then receiver; both directions since level l has both). */
static PetscErrorCode CoarseLevel(FFSurrogateLevels *L, int l, int n_coarse)
{
  const int n = L->n_nodes[l], *cl = L->cluster[l];
  uint64_t *keys;
  long nk = 0, nu = 0;

  PetscFunctionBegin;
  L->n_nodes[l + 1] = n_coarse;
  PetscCall(PetscCalloc1(n_coarse, &L->members[l + 1]));
  PetscCall(PetscCalloc1(2 * (size_t)n_coarse, &L->coords[l + 1]));
  for (int i = 0; i < n; i++) {
    const int c = cl[i], w = L->members[l][i];
    L->members[l + 1][c] += w;
    L->coords[l + 1][2 * c] += w * L->coords[l][2 * i];
    L->coords[l + 1][2 * c + 1] += w * L->coords[l][2 * i + 1];
  }
  for (int c = 0; c < n_coarse; c++) {
    PetscCheck(L->members[l + 1][c] > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "level %d: cluster %d is empty", l + 1, c);
    L->coords[l + 1][2 * c] /= L->members[l + 1][c];
    L->coords[l + 1][2 * c + 1] /= L->members[l + 1][c];
  }
  PetscCall(PetscMalloc1((size_t)L->n_edges[l] + 1, &keys));
  for (int e = 0; e < L->n_edges[l]; e++) {
    const uint64_t a = (uint64_t)cl[L->senders[l][e]], b = (uint64_t)cl[L->receivers[l][e]];
    if (a != b) keys[nk++] = a << 32 | b;
  }
  qsort(keys, (size_t)nk, sizeof *keys, CompareKeys);
  for (long k = 0; k < nk; k++)
    if (!nu || keys[k] != keys[nu - 1]) keys[nu++] = keys[k];
  L->n_edges[l + 1] = (int)nu;
  PetscCall(PetscMalloc2(nu + 1, &L->senders[l + 1], nu + 1, &L->receivers[l + 1]));
  for (long k = 0; k < nu; k++) {
    L->senders[l + 1][k] = (int)(keys[k] >> 32);
    L->receivers[l + 1][k] = (int)(keys[k] & 0xffffffffu);
  }
  PetscCall(PetscFree(keys));
  PetscFunctionReturn(0);
}

/* METIS clusters of level l, about `coarsen` nodes each, from its adjacency in CSR form. */
static PetscErrorCode MetisClusters(FFSurrogateLevels *L, int l, int *n_coarse)
{
  const int n = L->n_nodes[l], ne = L->n_edges[l];
  PetscInt *row_ptr, *col, *part, *fill, parts = PetscMax(1, (n + L->coarsen / 2) / L->coarsen), nc;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(n + 1, &row_ptr, ne + 1, &col, n, &part, n, &fill));
  for (int i = 0; i <= n; i++) row_ptr[i] = 0;
  for (int e = 0; e < ne; e++) row_ptr[L->senders[l][e] + 1]++;
  for (int i = 0; i < n; i++) row_ptr[i + 1] += row_ptr[i], fill[i] = row_ptr[i];
  for (int e = 0; e < ne; e++) col[fill[L->senders[l][e]]++] = L->receivers[l][e];
  PetscCall(FFGraphClusters(n, row_ptr, col, PetscMin(parts, n), part, &nc));
  for (int i = 0; i < n; i++) L->cluster[l][i] = (int)part[i];
  *n_coarse = (int)nc;
  PetscCall(PetscFree4(row_ptr, col, part, fill));
  PetscFunctionReturn(0);
}

/* Level 0 is the graph as it is (its edges in its own order, which its edge inputs follow). */
static PetscErrorCode FineLevel(const FFSurrogateGraph *g, FFSurrogateLevels *L)
{
  PetscFunctionBegin;
  L->n_nodes[0] = g->n_nodes;
  L->n_edges[0] = g->n_edges;
  PetscCall(PetscMalloc2(g->n_edges + 1, &L->senders[0], g->n_edges + 1, &L->receivers[0]));
  PetscCall(PetscArraycpy(L->senders[0], g->senders, g->n_edges));
  PetscCall(PetscArraycpy(L->receivers[0], g->receivers, g->n_edges));
  PetscCall(PetscMalloc1(g->n_nodes, &L->members[0]));
  PetscCall(PetscMalloc1(2 * (size_t)g->n_nodes, &L->coords[0]));
  for (int i = 0; i < g->n_nodes; i++) L->members[0][i] = 1;
  PetscCall(PetscArraycpy(L->coords[0], g->coords, 2 * (size_t)g->n_nodes));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateLevelsBuild(const FFSurrogateGraph *g, int n_levels, int coarsen, FFSurrogateLevels *L)
{
  PetscFunctionBegin;
  PetscCheck(n_levels >= 1 && n_levels <= FF_SURR_MAX_LEVELS && coarsen >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%d graph levels (1..%d), clusters of %d nodes (>= 2)", n_levels, FF_SURR_MAX_LEVELS, coarsen);
  PetscCheck(g->senders && g->n_edges > 0, PETSC_COMM_SELF, PETSC_ERR_ORDER, "the graph has no edges yet");
  memset(L, 0, sizeof *L);
  L->n_levels = n_levels;
  L->coarsen = coarsen;
  PetscCall(FineLevel(g, L));
  for (int l = 0; l + 1 < n_levels; l++) {
    int n_coarse;
    PetscCall(PetscMalloc1(L->n_nodes[l], &L->cluster[l]));
    if (l == 0 && g->n_vertices < g->n_nodes && g->n_cells > 0) {
      PetscCall(VertexClusters(g, L->cluster[0]));
      n_coarse = g->n_vertices;
    } else {
      PetscCheck(L->n_nodes[l] >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
                 "graph level %d has %d node: too few for %d levels", l, L->n_nodes[l], n_levels);
      PetscCall(MetisClusters(L, l, &n_coarse));
    }
    PetscCall(CoarseLevel(L, l, n_coarse));
  }
  for (int l = 0; l < n_levels; l++) {
    PetscCallFF(FFGraphCreate(&L->graph[l]));
    PetscCallFF(FFGraphSetEdges(L->graph[l], L->n_nodes[l], L->n_edges[l], L->senders[l], L->receivers[l]));
    if (l + 1 < n_levels) {
      PetscCallFF(FFIndexMapCreate(&L->pool[l]));
      PetscCallFF(FFIndexMapSet(L->pool[l], L->n_nodes[l + 1], L->n_nodes[l], L->cluster[l]));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateLevelsDestroy(FFSurrogateLevels *L)
{
  PetscFunctionBegin;
  for (int l = 0; l < FF_SURR_MAX_LEVELS; l++) {
    PetscCall(PetscFree2(L->senders[l], L->receivers[l]));
    PetscCall(PetscFree(L->cluster[l]));
    PetscCall(PetscFree(L->members[l]));
    PetscCall(PetscFree(L->coords[l]));
    PetscCall(PetscFree(L->edge_x[l]));
    FFGraphDestroy(&L->graph[l]);
    FFIndexMapDestroy(&L->pool[l]);
  }
  memset(L, 0, sizeof *L);
  PetscFunctionReturn(0);
}
