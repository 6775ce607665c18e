/* Partitioning the node graph into k parts with METIS, and the halo of each part: the nodes
 * within halo_hops graph hops of the part that it does not own (a GNN with L message-passing
 * steps needs L hops to compute its own nodes exactly). */
#include "mesh_private.h"

#include <metis.h>

static PetscErrorCode MetisNodeParts(const FFNodeGraph *g, PetscInt n_parts, PetscInt *part, PetscInt *edge_cut)
{
  PetscFunctionBegin;
  *edge_cut = 0;
  if (n_parts == 1) {
    for (PetscInt i = 0; i < g->n_nodes; i++) part[i] = 0;
    PetscFunctionReturn(0);
  }
  idx_t n = (idx_t)g->n_nodes, ncon = 1, np = (idx_t)n_parts, objval = 0, options[METIS_NOPTIONS];
  idx_t *xadj, *adj, *p;
  PetscCall(PetscMalloc3(g->n_nodes + 1, &xadj, g->row_ptr[g->n_nodes], &adj, g->n_nodes, &p));
  for (PetscInt i = 0; i <= g->n_nodes; i++) xadj[i] = (idx_t)g->row_ptr[i];
  for (PetscInt i = 0; i < g->row_ptr[g->n_nodes]; i++) adj[i] = (idx_t)g->col[i];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = 42;
  int rc = METIS_PartGraphKway(&n, &ncon, xadj, adj, NULL, NULL, NULL, &np, NULL, NULL, options, &objval, p);
  PetscCheck(rc == METIS_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "METIS_PartGraphKway failed (code %d) on %d nodes", rc,
             (int)g->n_nodes);
  for (PetscInt i = 0; i < g->n_nodes; i++) part[i] = p[i];
  *edge_cut = objval;
  PetscCall(PetscFree3(xadj, adj, p));
  PetscFunctionReturn(0);
}

/* Owned nodes of part p (in node order), then its halo by breadth-first hops; mark[] holds
 * the last part that listed a node, so it needs no clearing between parts. */
static PetscErrorCode CollectPart(const FFNodeGraph *g, const FFNodePartition *P, PetscInt p, PetscInt hops,
                                  PetscInt *mark, PetscInt *list, PetscInt *n_owned, PetscInt *n_total)
{
  PetscInt n = 0;
  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->n_nodes; i++)
    if (P->part[i] == p) list[n++] = i, mark[i] = p;
  *n_owned = n;
  PetscInt begin = 0;
  for (PetscInt h = 0; h < hops; h++) {
    PetscInt end = n;
    for (PetscInt k = begin; k < end; k++)
      for (PetscInt j = g->row_ptr[list[k]]; j < g->row_ptr[list[k] + 1]; j++) {
        PetscInt q = g->col[j];
        if (mark[q] != p) mark[q] = p, list[n++] = q;
      }
    begin = end;
  }
  *n_total = n;
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodeGraphPartition(const FFNodeGraph *g, PetscInt n_parts, PetscInt halo_hops, FFNodePartition *P)
{
  PetscInt *mark, *list, *sizes, cap;
  PetscFunctionBegin;
  PetscCall(PetscMemzero(P, sizeof *P));
  PetscCheck(n_parts >= 1 && n_parts <= g->n_nodes, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "cannot split %d nodes into %d parts", (int)g->n_nodes, (int)n_parts);
  PetscCheck(halo_hops >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "halo hops must be >= 0, got %d",
             (int)halo_hops);
  P->n_parts = n_parts, P->n_nodes = g->n_nodes;
  PetscCall(PetscMalloc1(g->n_nodes, &P->part));
  PetscCall(MetisNodeParts(g, n_parts, P->part, &P->edge_cut));
  PetscCall(PetscCalloc1(n_parts, &sizes));
  for (PetscInt i = 0; i < g->n_nodes; i++) sizes[P->part[i]]++;
  PetscInt largest = 0;
  for (PetscInt p = 0; p < n_parts; p++) largest = PetscMax(largest, sizes[p]);
  P->imbalance = (PetscReal)largest * n_parts / g->n_nodes;
  PetscCall(PetscFree(sizes));
  PetscCall(PetscMalloc3(g->n_nodes, &mark, g->n_nodes, &list, n_parts + 1, &P->offsets));
  PetscCall(PetscMalloc1(n_parts, &P->n_owned));
  for (PetscInt i = 0; i < g->n_nodes; i++) mark[i] = -1;
  cap = 2 * g->n_nodes;
  PetscCall(PetscMalloc1(cap, &P->nodes));
  P->offsets[0] = 0;
  for (PetscInt p = 0; p < n_parts; p++) {
    PetscInt n;
    PetscCall(CollectPart(g, P, p, halo_hops, mark, list, &P->n_owned[p], &n));
    if (P->offsets[p] + n > cap) { /* halos larger than expected: grow */
      PetscInt *more;
      cap = 2 * (P->offsets[p] + n);
      PetscCall(PetscMalloc1(cap, &more));
      PetscCall(PetscArraycpy(more, P->nodes, P->offsets[p]));
      PetscCall(PetscFree(P->nodes));
      P->nodes = more;
    }
    PetscCall(PetscArraycpy(P->nodes + P->offsets[p], list, n));
    P->offsets[p + 1] = P->offsets[p] + n;
  }
  PetscInt *offsets = P->offsets;
  PetscCall(PetscMalloc1(n_parts + 1, &P->offsets));
  PetscCall(PetscArraycpy(P->offsets, offsets, n_parts + 1));
  PetscCall(PetscFree3(mark, list, offsets));
  PetscFunctionReturn(0);
}

PetscErrorCode FFNodePartitionDestroy(FFNodePartition *P)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(P->part));
  PetscCall(PetscFree(P->offsets));
  PetscCall(PetscFree(P->n_owned));
  PetscCall(PetscFree(P->nodes));
  PetscCall(PetscMemzero(P, sizeof *P));
  PetscFunctionReturn(0);
}
