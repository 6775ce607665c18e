/* Index maps (gather rows, with the inverse grouping for deterministic scatter-add) and graphs. */
#include "nn_private.h"

#include <stdlib.h>

FFErrorCode FFIndexMapCreate(FFIndexMap **map)
{
  FF_CHECK(FFCalloc(1, sizeof(FFIndexMap), map));
  return FF_SUCCESS;
}

void FFIndexMapDestroy(FFIndexMap **map)
{
  if (!map || !*map) return;
  free((*map)->idx);
  free((*map)->offsets);
  free((*map)->perm);
  FFFree(map);
}

static FFErrorCode Grow(int **a, int need)
{
  int *na = realloc(*a, (size_t)need * sizeof(int));
  if (!na) FF_ERROR(FF_ERR_MEM, "out of memory for an index map of %d entries", need);
  *a = na;
  return FF_SUCCESS;
}

FFErrorCode FFIndexMapSet(FFIndexMap *map, int n_src, int n, const int *idx)
{
  FF_ASSERT(n_src >= 0 && n >= 0, FF_ERR_ARG, "index map sizes %d, %d", n_src, n);
  for (int r = 0; r < n; r++)
    FF_ASSERT(idx[r] >= 0 && idx[r] < n_src, FF_ERR_ARG, "index %d of row %d is outside [0, %d)", idx[r], r, n_src);
  if (n > map->cap_n) {
    FF_CHECK(Grow(&map->idx, n));
    FF_CHECK(Grow(&map->perm, n));
    map->cap_n = n;
  }
  if (n_src + 1 > map->cap_src) {
    FF_CHECK(Grow(&map->offsets, n_src + 1));
    map->cap_src = n_src + 1;
  }
  map->n = n;
  map->n_src = n_src;
  if (n) memcpy(map->idx, idx, (size_t)n * sizeof(int));
  /* counting sort: stable, so each source lists its rows in increasing order */
  int *off = map->offsets;
  for (int i = 0; i <= n_src; i++) off[i] = 0;
  for (int r = 0; r < n; r++) off[idx[r] + 1]++;
  for (int i = 0; i < n_src; i++) off[i + 1] += off[i];
  for (int r = 0; r < n; r++) map->perm[off[idx[r]]++] = r;
  for (int i = n_src; i > 0; i--) off[i] = off[i - 1];
  off[0] = 0;
  return FF_SUCCESS;
}

FFErrorCode FFGraphCreate(FFGraph **graph)
{
  FF_CHECK(FFCalloc(1, sizeof(FFGraph), graph));
  FF_CHECK(FFIndexMapCreate(&(*graph)->senders));
  FF_CHECK(FFIndexMapCreate(&(*graph)->receivers));
  return FF_SUCCESS;
}

void FFGraphDestroy(FFGraph **graph)
{
  if (!graph || !*graph) return;
  FFIndexMapDestroy(&(*graph)->senders);
  FFIndexMapDestroy(&(*graph)->receivers);
  FFFree(graph);
}

FFErrorCode FFGraphSetEdges(FFGraph *graph, int n_nodes, int n_edges, const int *senders, const int *receivers)
{
  FF_CHECK(FFIndexMapSet(graph->senders, n_nodes, n_edges, senders));
  FF_CHECK(FFIndexMapSet(graph->receivers, n_nodes, n_edges, receivers));
  graph->n_nodes = n_nodes;
  graph->n_edges = n_edges;
  return FF_SUCCESS;
}
