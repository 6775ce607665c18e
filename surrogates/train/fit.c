/* Training a GNN or neural-field surrogate: the FFTrainTask the shared trainer runs.
 *   data loss:    MSE of the normalized outputs (GNN: all nodes of each sample; field: the
 *                 same number of random nodes of every sample in the batch)
 *   physics loss: the solver residual of the de-normalized prediction on all nodes
 *                 (FFPhysicsLoss), its gradient J^T F fed back through the network
 *                 (FFTapeBackwardFrom) into a second gradient for ConFIG
 *   validation:   mean relative L2 error of the fields on the validation samples */
#include "ff_petsc.h"
#include "ff_train.h"

#include <math.h>
#include <string.h>

struct _p_FFSurrogateFit {
  FFSurrogate s;
  MPI_Comm comm;
  const FFSurrogateConfig *config;
  const FFNormalizer *out_norm;
  FFParams *params;
  int n_out;
  long n_train, n_val;
  FFSurrogateGraph *train, *val;
  FFPhysicsLoss physics;
  FFKeyValues *extra;
  FFTape *tape;
  int *points, *scratch;
  double *field, *grad;
  float *seed;
  long cap_points, cap_nodes;
};

PetscErrorCode FFSurrogateFitCreate(FFSurrogate s, long n_train, FFSurrogateGraph *train, long n_val,
                                    FFSurrogateGraph *val, FFPhysicsLoss physics, FFSurrogateFit *out)
{
  FFSurrogateFit f;
  long max_nodes = 0;

  PetscFunctionBegin;
  PetscCall(PetscNew(&f));
  f->s = s;
  PetscCall(FFSurrogateGetComm(s, &f->comm));
  PetscCall(FFSurrogateGetConfig(s, &f->config));
  PetscCall(FFSurrogateGetOutputNormalizer(s, &f->out_norm));
  PetscCall(FFSurrogateGetParams(s, &f->params));
  const FFSurrogateSchema *schema;
  PetscCall(FFSurrogateGetSchema(s, &schema));
  f->n_out = FFSurrogateSchemaOutputColumns(schema);
  f->n_train = n_train;
  f->train = train;
  f->n_val = n_val;
  f->val = val;
  f->physics = physics;
  PetscCallFF(FFKeyValuesCreate(&f->extra));
  PetscCallFF(FFTapeCreate(f->params, &f->tape));
  for (long i = 0; i < n_train; i++) {
    PetscCheck(train[i].target_x, f->comm, PETSC_ERR_ORDER, "training graph %ld is not prepared", i);
    max_nodes = PetscMax(max_nodes, train[i].n_nodes);
  }
  f->cap_nodes = max_nodes;
  PetscCall(PetscMalloc4(max_nodes + 1, &f->scratch, max_nodes * f->n_out + 1, &f->field, max_nodes * f->n_out + 1,
                         &f->grad, max_nodes * f->n_out + 1, &f->seed));
  *out = f;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFitDestroy(FFSurrogateFit *pf)
{
  FFSurrogateFit f = *pf;

  PetscFunctionBegin;
  if (!f) PetscFunctionReturn(0);
  FFTapeDestroy(&f->tape);
  FFKeyValuesDestroy(&f->extra);
  PetscCall(PetscFree(f->points));
  PetscCall(PetscFree4(f->scratch, f->field, f->grad, f->seed));
  PetscCall(PetscFree(*pf));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFitSetExtra(FFSurrogateFit f, const char *key, const char *value)
{
  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSet(f->extra, key, value));
  PetscFunctionReturn(0);
}

/* Backward of a scalar loss scaled by w. */
static PetscErrorCode BackwardScaled(FFTape *tape, FFTensor *loss, double w, float *grad)
{
  FFTensor *scaled;

  PetscFunctionBegin;
  PetscCallFF(FFOpScale(tape, loss, (float)w, &scaled));
  PetscCallFF(FFTapeBackward(tape, scaled, grad));
  PetscFunctionReturn(0);
}

/* The physics gradient of a full-graph output y (normalized) into g_phys, scaled by w. */
static PetscErrorCode PhysicsBackward(FFSurrogateFit f, FFSurrogateGraph *g, FFTensor *y, double w, float *g_phys,
                                      FFTrainLosses *losses)
{
  const int n_out = f->n_out;
  const size_t n = (size_t)g->n_nodes * n_out;
  double loss, res;

  PetscFunctionBegin;
  for (size_t k = 0; k < n; k++) f->field[k] = FFDenormalize(f->out_norm, (int)(k % n_out), y->data[k]);
  PetscCall(FFPhysicsLossEvaluate(f->physics, g->index, f->field, &loss, &res, f->grad));
  /* d loss / d y_normalized = d loss / d x * std */
  for (size_t k = 0; k < n; k++) f->seed[k] = (float)(w * f->grad[k] * f->out_norm->std[k % n_out]);
  const float *seeds[1] = {f->seed};
  PetscCallFF(FFTapeBackwardFrom(f->tape, 1, &y, seeds, g_phys));
  losses->physics += w * loss;
  losses->residual += w * res;
  PetscFunctionReturn(0);
}

static PetscErrorCode LossGNN(FFSurrogateFit f, int n, const long *items, double w, float *g_data, float *g_phys,
                              FFTrainLosses *losses)
{
  PetscFunctionBegin;
  for (int k = 0; k < n; k++) {
    FFSurrogateGraph *g = &f->train[items[k]];
    FFTensor *y, *t, *loss;
    FFTapeReset(f->tape);
    PetscCall(FFSurrogateForward(f->s, f->tape, g, 0, NULL, &y));
    PetscCallFF(FFTapeLeaf(f->tape, g->n_nodes, f->n_out, g->target_x, 0, &t));
    PetscCallFF(FFOpMSE(f->tape, y, t, &loss));
    losses->data += w * FFTensorScalar(loss);
    PetscCall(BackwardScaled(f->tape, loss, w, g_data));
    if (g_phys) PetscCall(PhysicsBackward(f, g, y, w, g_phys, losses));
  }
  FFTapeReset(f->tape);
  PetscFunctionReturn(0);
}

/* R distinct random nodes of a graph (partial Fisher-Yates). */
static void RandomNodes(FFRng *rng, int n_nodes, int r, int *scratch, int *out)
{
  for (int i = 0; i < n_nodes; i++) scratch[i] = i;
  for (int i = 0; i < r; i++) {
    const int j = i + (int)FFRngBelow(rng, (uint64_t)(n_nodes - i));
    const int tmp = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = tmp;
    out[i] = scratch[i];
  }
}

static PetscErrorCode LossField(FFSurrogateFit f, uint64_t seed, long step, int n, const long *items, double w,
                                float *g_data, float *g_phys, FFTrainLosses *losses)
{
  FFSurrogate s = f->s;
  const int n_out = f->n_out;
  FFSurrogateGraph *gs[4096];
  int r = f->config->points;

  PetscFunctionBegin;
  if (n > 0) {
    PetscCheck(n <= 4096, f->comm, PETSC_ERR_SUP, "batch too large");
    for (int k = 0; k < n; k++) {
      gs[k] = &f->train[items[k]];
      r = PetscMin(r, gs[k]->n_nodes);
    }
    if ((long)n * r > f->cap_points) {
      f->cap_points = (long)n * r;
      PetscCall(PetscFree(f->points));
      PetscCall(PetscMalloc1(f->cap_points, &f->points));
    }
    FFTensor *x, *t, *loss;
    FFTapeReset(f->tape);
    PetscCallFF(FFTapeNew(f->tape, n * r, n_out, 0, &t));
    for (int k = 0; k < n; k++) {
      FFRng rng;
      FFTrainItemRng(seed, step, items[k], &rng);
      RandomNodes(&rng, gs[k]->n_nodes, r, f->scratch, &f->points[(size_t)k * r]);
      for (int i = 0; i < r; i++)
        PetscCall(PetscArraycpy(&t->data[((size_t)k * r + i) * n_out],
                                &gs[k]->target_x[(size_t)f->points[(size_t)k * r + i] * n_out], n_out));
    }
    PetscCall(FFSurrogateFieldForwardBatch(s, f->tape, n, gs, r, f->points, &x));
    PetscCallFF(FFOpMSE(f->tape, x, t, &loss));
    /* equal points per sample: the MSE is the mean of the samples' MSEs */
    losses->data += w * n * FFTensorScalar(loss);
    PetscCall(BackwardScaled(f->tape, loss, w * n, g_data));
  }
  for (int k = 0; g_phys && k < n; k++) {
    FFTensor *y;
    FFTapeReset(f->tape);
    PetscCall(FFSurrogateForward(s, f->tape, gs[k], 0, NULL, &y));
    PetscCall(PhysicsBackward(f, gs[k], y, w, g_phys, losses));
  }
  FFTapeReset(f->tape);
  PetscFunctionReturn(0);
}

static PetscErrorCode TaskLoss(void *ctx, uint64_t seed, long step, int n, const long *items, double w, float *g_data,
                               float *g_phys, FFTrainLosses *losses)
{
  FFSurrogateFit f = (FFSurrogateFit)ctx;

  PetscFunctionBegin;
  PetscCheck(!g_phys || f->physics, f->comm, PETSC_ERR_ORDER, "physics loss requested without solvers");
  if (f->config->type != FF_SURROGATE_FIELD) /* mesh models: all nodes of each sample */
    PetscCall(LossGNN(f, n, items, w, g_data, g_phys, losses));
  else
    PetscCall(LossField(f, seed, step, n, items, w, g_data, g_phys, losses));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaskValidate(void *ctx, double *error)
{
  FFSurrogateFit f = (FFSurrogateFit)ctx;

  PetscFunctionBegin;
  PetscCall(FFSurrogateValidationError(f->s, f->n_val, f->val, error));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaskSave(void *ctx, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                               const FFNamedArrays *history)
{
  FFSurrogateFit f = (FFSurrogateFit)ctx;
  FFKeyValues *kv;

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesCreate(&kv));
  for (int k = 0; k < f->extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, f->extra->keys[k], f->extra->values[k]));
  for (int k = 0; extra && k < extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, extra->keys[k], extra->values[k]));
  PetscErrorCode ierr = FFSurrogateSave(f->s, path, opt, kv, history);
  FFKeyValuesDestroy(&kv);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateFitGetTask(FFSurrogateFit f, FFTrainTask *task)
{
  PetscFunctionBegin;
  memset(task, 0, sizeof *task);
  task->ctx = f;
  task->n_train = f->n_train;
  task->params = f->params;
  task->loss = TaskLoss;
  task->validate = f->n_val > 0 ? TaskValidate : NULL;
  task->save = TaskSave;
  PetscFunctionReturn(0);
}
