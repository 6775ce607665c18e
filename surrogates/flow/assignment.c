/* The linear assignment problem, exactly: the Hungarian method with row and column potentials
 * (Kuhn-Munkres in its O(n^3) shortest-augmenting-path form). Minibatch optimal-transport
 * couplings (docs/references.md §8) pair the noise and the data of a batch of tens with it. */
#include "ff_flow.h"
#include "ff_petsc.h"

#include <math.h>

/* Rows are added one at a time; each addition grows a shortest augmenting path in the reduced
 * costs cost - u_i - v_j (kept >= 0 by the potentials) and flips it, so after row i the
 * assignment of rows 1..i is optimal. Arrays are 1-based with column 0 the virtual start. */
PetscErrorCode FFLinearAssignment(int n, const double cost[], int perm[])
{
  double *u, *v, *minv;
  int *p, *way;
  PetscBool *used;

  PetscFunctionBegin;
  PetscCheck(n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "assignment of %d rows", n);
  for (long k = 0; k < (long)n * n; k++)
    PetscCheck(isfinite(cost[k]), PETSC_COMM_SELF, PETSC_ERR_FP, "assignment: cost %ld is not finite", k);
  PetscCall(PetscCalloc6(n + 1, &u, n + 1, &v, n + 1, &minv, n + 1, &p, n + 1, &way, n + 1, &used));
  for (int i = 1; i <= n; i++) {
    int j0 = 0;
    p[0] = i;
    for (int j = 0; j <= n; j++) minv[j] = INFINITY, used[j] = PETSC_FALSE;
    do {
      const int i0 = p[j0];
      double delta = INFINITY;
      int j1 = 0;
      used[j0] = PETSC_TRUE;
      for (int j = 1; j <= n; j++) {
        if (used[j]) continue;
        const double cur = cost[(size_t)(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) minv[j] = cur, way[j] = j0;
        if (minv[j] < delta) delta = minv[j], j1 = j;
      }
      for (int j = 0; j <= n; j++) {
        if (used[j])
          u[p[j]] += delta, v[j] -= delta;
        else
          minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] != 0);
    do { /* flip the augmenting path */
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  for (int j = 1; j <= n; j++) perm[p[j] - 1] = j - 1;
  PetscCall(PetscFree6(u, v, minv, p, way, used));
  PetscFunctionReturn(0);
}
