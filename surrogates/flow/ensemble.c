/* Ensembles of generated fields: sampled in blocks over the ranks, with residuals and forces. */
#include "flow_private.h"

#include <math.h>

/* Sizes and displacements of the ranks' contiguous blocks of n items of `per` doubles. */
static PetscErrorCode Blocks(MPI_Comm comm, long n, size_t per, long *first, long *count, int **counts, int **displs)
{
  PetscMPIInt size, rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc2(size, counts, size, displs));
  for (int r = 0; r < size; r++) {
    const long a = n * r / size, b = n * (r + 1) / size;
    PetscCheck((b - a) * per < 2147483647L && a * per < 2147483647L, comm, PETSC_ERR_SUP, "ensemble too large");
    (*counts)[r] = (int)((b - a) * per);
    (*displs)[r] = (int)(a * per);
    if (r == rank) *first = a, *count = b - a;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowEnsembleGenerate(MPI_Comm comm, FFFlowModel m, FFFlowPhysics phys, const char *body,
                                      const FFFlowSamplerConfig *config, uint64_t seed, long n, int batch, long n_sets,
                                      const double cond[], FFFlowEnsemble *e)
{
  const int nc = m->config.n_cond, C = m->cols;
  const size_t per = (size_t)m->mesh.n_nodes * C;
  long first = 0, count = 0;
  int *counts, *displs;
  double *conds = NULL, t0;
  const int n_stats = 7; /* r, f_norm, mismatch, re, n_unknowns, cd, cl */

  PetscFunctionBegin;
  PetscCall(PetscMemzero(e, sizeof *e));
  PetscCheck(n > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "an ensemble of %ld samples", n);
  e->n = n;
  e->n_nodes = m->mesh.n_nodes;
  e->cols = C;
  PetscCall(PetscMalloc1(n * per, &e->fields));
  PetscCall(Blocks(comm, n, per, &first, &count, &counts, &displs));
  PetscCheck(!nc || (cond && n_sets >= 1), comm, PETSC_ERR_ARG_NULL,
             "the model is conditioned on %d parameters: give their values", nc);
  if (nc) {
    PetscCall(PetscMalloc1((size_t)PetscMax(count, 1) * nc, &conds));
    for (long k = 0; k < count; k++)
      for (int j = 0; j < nc; j++) conds[k * nc + j] = cond[((first + k) % n_sets) * nc + j];
  }
  t0 = MPI_Wtime();
  if (count > 0)
    PetscCall(FFFlowModelGenerate(m, config, seed, first, (int)count, batch, conds, e->fields + first * per));
  double times[3] = {MPI_Wtime() - t0, 0, 0}, tmax[3];
  double *stats;
  PetscCall(PetscCalloc1((size_t)n * n_stats, &stats));
  if (phys) {
    t0 = MPI_Wtime();
    for (long k = first; k < first + count; k++) {
      FFFlowResidual r;
      PetscCall(FFFlowPhysicsEvaluate(phys, e->fields + k * per, nc ? cond + (k % n_sets) * nc : NULL, &r, NULL));
      double *st = stats + k * n_stats;
      st[0] = r.r, st[1] = r.f_norm, st[2] = r.mismatch, st[3] = r.re, st[4] = (double)r.n_unknowns;
      st[5] = st[6] = NAN;
      if (body && body[0]) {
        const double t1 = MPI_Wtime();
        PetscCall(FFFlowPhysicsForces(phys, body, e->fields + k * per, &st[5], &st[6]));
        times[2] += MPI_Wtime() - t1;
      }
    }
    times[1] = MPI_Wtime() - t0 - times[2];
  }
  PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, e->fields, counts, displs, MPI_DOUBLE, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, stats, (int)(n * n_stats), MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(times, tmax, 3, MPI_DOUBLE, MPI_MAX, comm));
  e->t_generate = tmax[0], e->t_residual = tmax[1], e->t_forces = tmax[2];
  if (phys) {
    PetscCall(PetscMalloc1(n, &e->res));
    for (long k = 0; k < n; k++) {
      const double *st = stats + k * n_stats;
      e->res[k] = (FFFlowResidual){st[0], st[1], st[2], st[3], (long)st[4]};
    }
    if (body && body[0]) {
      PetscCall(PetscMalloc2(n, &e->cd, n, &e->cl));
      for (long k = 0; k < n; k++) e->cd[k] = stats[k * n_stats + 5], e->cl[k] = stats[k * n_stats + 6];
    }
  }
  PetscCall(PetscFree(stats));
  PetscCall(PetscFree(conds));
  PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowEnsembleDestroy(FFFlowEnsemble *e)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(e->fields));
  PetscCall(PetscFree(e->res));
  if (e->cd) PetscCall(PetscFree2(e->cd, e->cl));
  PetscCall(PetscMemzero(e, sizeof *e));
  PetscFunctionReturn(0);
}
