/* The directed edge graph of a triangle mesh: the one builder behind the node graph's
 * adjacency (node_graph.c), the surrogates' graphs and the flow model's rows. */
#include "mesh_private.h"

PetscErrorCode FFMeshEdges(int n_nodes, int n_cells, int nodes_per_cell, int stride, const int cells[], int *n_edges,
                           int **senders, int **receivers)
{
  /* The sides of a triangle (v0 v1 v2), and the edges of the four sub-triangles of a P2
   * triangle (v0 v1 v2 m01 m12 m20): each side in two halves, then the inner triangle. */
  static const int p1[3][2] = {{0, 1}, {1, 2}, {2, 0}};
  static const int p2[9][2] = {{0, 3}, {3, 1}, {1, 4}, {4, 2}, {2, 5}, {5, 0}, {3, 4}, {4, 5}, {5, 3}};
  const int(*pairs)[2] = nodes_per_cell == 6 ? p2 : p1;
  const int per = nodes_per_cell == 6 ? 9 : 3;
  PetscInt64 *keys;
  PetscInt nk = 0, nu = 0;

  PetscFunctionBegin;
  *n_edges = 0;
  *senders = *receivers = NULL;
  PetscCheck(nodes_per_cell == 3 || nodes_per_cell == 6, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "cells of %d nodes: 3 (triangles) or 6 (P2 triangles)", nodes_per_cell);
  PetscCheck(stride >= nodes_per_cell && n_nodes >= 0 && n_cells >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%d cells of %d nodes with a stride of %d on %d nodes", n_cells, nodes_per_cell, stride, n_nodes);
  /* One key a * 2^32 + b per undirected edge (a < b): sorting the keys sorts the edges by
   * (a, b), and the two cells that share a side give the same keys. */
  PetscCall(PetscMalloc1((size_t)per * n_cells + 1, &keys));
  for (int c = 0; c < n_cells; c++) {
    const int *cell = cells + (size_t)stride * c;
    for (int k = 0; k < per; k++) {
      const int a = cell[pairs[k][0]], b = cell[pairs[k][1]];
      if (!(a >= 0 && a < n_nodes && b >= 0 && b < n_nodes && a != b)) { /* the keys go too (make sanitize-test) */
        PetscCall(PetscFree(keys));
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_CORRUPT,
                "cell %d has invalid node numbers: an edge from node %d to node %d (%d nodes)", c, a, b, n_nodes);
      }
      keys[nk++] = a < b ? ((PetscInt64)a << 32 | b) : ((PetscInt64)b << 32 | a);
    }
  }
  PetscCall(PetscSortInt64(nk, keys));
  for (PetscInt k = 0; k < nk; k++)
    if (!nu || keys[k] != keys[nu - 1]) keys[nu++] = keys[k];
  PetscCall(PetscMalloc1(2 * nu + 1, senders));
  PetscCall(PetscMalloc1(2 * nu + 1, receivers));
  for (PetscInt k = 0; k < nu; k++) {
    const int a = (int)(keys[k] >> 32), b = (int)(keys[k] & 0xffffffff);
    (*senders)[2 * k] = a, (*receivers)[2 * k] = b;
    (*senders)[2 * k + 1] = b, (*receivers)[2 * k + 1] = a;
  }
  *n_edges = (int)(2 * nu);
  PetscCall(PetscFree(keys));
  PetscFunctionReturn(0);
}
