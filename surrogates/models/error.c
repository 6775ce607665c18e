/* A model's errors against the targets of graphs: per field of one prediction, and the
 * validation error the trainer reports (the mean over graphs and fields). */
#include "models_private.h"

#include <math.h>

PetscErrorCode FFSurrogateGraphError(FFSurrogate s, const FFSurrogateGraph *g, const double *pred, double *err)
{
  int c0 = 0;

  PetscFunctionBegin;
  for (int k = 0; k < s->schema.n_fields; k++) {
    const FFSurrogateField *fd = &s->schema.fields[k];
    const long rows = fd->location == FF_FIELD_NODES ? g->n_nodes : g->n_vertices;
    err[k] = FFRelativeL2(rows, s->n_out, c0, fd->n_comp, pred, g->target);
    c0 += fd->n_comp;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateValidationError(FFSurrogate s, long n, FFSurrogateGraph *graphs, double *error)
{
  PetscMPIInt rank, size;
  double sum = 0, all, *pred;
  long max_nodes = 0;

  PetscFunctionBegin;
  *error = NAN;
  if (n <= 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  for (long i = 0; i < n; i++) max_nodes = PetscMax(max_nodes, graphs[i].n_nodes);
  PetscCall(PetscMalloc1(max_nodes * s->n_out, &pred));
  for (long i = rank; i < n; i += size) {
    double err[FF_SURR_MAX_FIELDS];
    PetscCall(FFSurrogatePredict(s, &graphs[i], pred, NULL));
    PetscCall(FFSurrogateGraphError(s, &graphs[i], pred, err));
    for (int k = 0; k < s->schema.n_fields; k++) sum += err[k] / s->schema.n_fields;
  }
  PetscCall(PetscFree(pred));
  PetscCallMPI(MPI_Allreduce(&sum, &all, 1, MPI_DOUBLE, MPI_SUM, s->comm));
  *error = all / n;
  PetscFunctionReturn(0);
}
