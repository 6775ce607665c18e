/* Clusters of a graph for the levels of a multi-level surrogate (surrogates/models): METIS k-way
 * parts, contiguous where the graph is connected, renumbered so that none is empty. */
#include "mesh_private.h"

#include <metis.h>

PetscErrorCode FFGraphClusters(PetscInt n, const PetscInt row_ptr[], const PetscInt col[], PetscInt n_parts,
                               PetscInt part[], PetscInt *n_clusters)
{
  PetscFunctionBegin;
  PetscCheck(n >= 1 && n_parts >= 1 && n_parts <= n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "cannot cluster %d nodes into %d parts", (int)n, (int)n_parts);
  if (n_parts == 1) {
    for (PetscInt i = 0; i < n; i++) part[i] = 0;
    *n_clusters = 1;
    PetscFunctionReturn(0);
  }
  idx_t nv = (idx_t)n, ncon = 1, np = (idx_t)n_parts, objval = 0, options[METIS_NOPTIONS];
  idx_t *xadj, *adj, *p;
  PetscInt *renumber;
  PetscCall(PetscMalloc4(n + 1, &xadj, row_ptr[n] + 1, &adj, n, &p, n_parts, &renumber));
  for (PetscInt i = 0; i <= n; i++) xadj[i] = (idx_t)row_ptr[i];
  for (PetscInt i = 0; i < row_ptr[n]; i++) adj[i] = (idx_t)col[i];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = 42; /* the same clusters on every run and rank */
  options[METIS_OPTION_CONTIG] = 1;
  int rc = METIS_PartGraphKway(&nv, &ncon, xadj, adj, NULL, NULL, NULL, &np, NULL, NULL, options, &objval, p);
  if (rc != METIS_OK) { /* a graph of several components: parts need not be contiguous */
    options[METIS_OPTION_CONTIG] = 0;
    rc = METIS_PartGraphKway(&nv, &ncon, xadj, adj, NULL, NULL, NULL, &np, NULL, NULL, options, &objval, p);
  }
  PetscCheck(rc == METIS_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "METIS_PartGraphKway failed (code %d) on %d nodes", rc,
             (int)n);
  /* clusters numbered by their first node, empty parts dropped */
  for (PetscInt k = 0; k < n_parts; k++) renumber[k] = -1;
  *n_clusters = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (renumber[p[i]] < 0) renumber[p[i]] = (*n_clusters)++;
    part[i] = renumber[p[i]];
  }
  PetscCall(PetscFree4(xadj, adj, p, renumber));
  PetscFunctionReturn(0);
}
