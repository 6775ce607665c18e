/* The physics loss of a prediction: the reference solver's discrete residual F of the
 * predicted node fields (FFSolverNodeFieldLoss: 0.5 ||F||^2 plus the Dirichlet mismatch, and
 * its gradient J^T F), on the exact mesh of each training sample. One solver per sample,
 * built on first use and kept (each holds its Jacobian: about 30 MB at 37k unknowns). */
#include "ff_petsc.h"
#include "ff_train.h"

#include <math.h>

typedef struct {
  long index;
  FFSweepSolver ss;
} Entry;

struct _p_FFPhysicsLoss {
  FFDataset ds;
  FFSurrogateSchema schema;
  int n_out;
  long n, cap;
  Entry *entries;
};

PetscErrorCode FFPhysicsLossCreate(FFDataset ds, const FFSurrogateSchema *schema, FFPhysicsLoss *out)
{
  FFPhysicsLoss pl;

  PetscFunctionBegin;
  PetscCall(PetscNew(&pl));
  pl->ds = ds;
  pl->schema = *schema;
  pl->n_out = FFSurrogateSchemaOutputColumns(schema);
  *out = pl;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPhysicsLossDestroy(FFPhysicsLoss *ppl)
{
  FFPhysicsLoss pl = *ppl;

  PetscFunctionBegin;
  if (!pl) PetscFunctionReturn(0);
  for (long k = 0; k < pl->n; k++) PetscCall(FFSweepSolverDestroy(&pl->entries[k].ss));
  PetscCall(PetscFree(pl->entries));
  PetscCall(PetscFree(*ppl));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetEntry(FFPhysicsLoss pl, long index, Entry **e)
{
  PetscFunctionBegin;
  for (long k = 0; k < pl->n; k++)
    if (pl->entries[k].index == index) {
      *e = &pl->entries[k];
      PetscFunctionReturn(0);
    }
  if (pl->n == pl->cap) {
    pl->cap = pl->cap ? 2 * pl->cap : 16;
    PetscCall(PetscRealloc(sizeof(Entry) * pl->cap, &pl->entries));
  }
  Entry *ne = &pl->entries[pl->n];
  ne->index = index;
  PetscCall(FFSweepSolverFromDataset(PETSC_COMM_SELF, pl->ds, index, &ne->ss));
  if (ne->ss.n_components != pl->n_out) {
    PetscInt nc = ne->ss.n_components;
    PetscCall(FFSweepSolverDestroy(&ne->ss));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
            "the physics loss needs the solver's unknowns: sample %ld's solver has %d node-field components, the "
            "model predicts %d",
            index, (int)nc, pl->n_out);
  }
  pl->n++;
  *e = ne;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPhysicsLossEvaluate(FFPhysicsLoss pl, long index, const double *x, double *loss, double *residual,
                                     double *grad)
{
  Entry *e = NULL;
  PetscReal l, r;

  PetscFunctionBegin;
  PetscCall(GetEntry(pl, index, &e));
  PetscCall(FFSolverNodeFieldLoss(e->ss.solver, x, &l, &r, grad));
  const double scale = 1.0 / (double)e->ss.n_nodes;
  if (loss) *loss = l * scale;
  if (residual) *residual = r;
  if (grad)
    for (size_t k = 0; k < (size_t)e->ss.n_nodes * pl->n_out; k++) grad[k] *= scale;
  PetscFunctionReturn(0);
}
