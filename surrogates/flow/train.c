/* The trainer task of flow matching (FFTrainer, ff_train.h): the flow-matching gradient,
 * and for PBFM the gradient of the t-weighted residual of x1_hat, which the trainer combines
 * with it by ConFIG. */
#include "flow_private.h"

struct _p_FFFlowFit {
  FFFlowModel model;
  FFFlowPhysics phys;
  FFFlowFitOptions o;
  int rows, cols, n_cond;
  size_t per;
  long n_train, n_val;
  float *x_train, *x_val;  /* normalized samples */
  double *c_train, *c_val; /* raw conditions */
  FFTape *tape, *aux;
  FFFlowBatch batch; /* the rank's share of one optimizer step (coupled as a whole), grown on demand */
  int cap;           /* samples it holds */
  FFFlowVelocity vel;
  float *x1, *seeds;
  double *cond;
  FFRng *rngs;
  FFKeyValues *extra;
  const FFOptimizer *opt; /* its clock: the fraction of a time budget spent (NULL: steps only) */
};

void FFFlowFitOptionsDefault(FFFlowFitOptions *o)
{
  *o = (FFFlowFitOptions){
      .unroll_max = 4, .unroll_last_only = PETSC_FALSE, .chunk = 4, .total_steps = 0, .ot = PETSC_FALSE};
  FFFlowTimeConfigDefault(&o->time);
  FFFlowMeanFlowConfigDefault(&o->meanflow);
}

/* Room for n samples of a step (and at least a chunk). */
static PetscErrorCode Reserve(FFFlowFit f, int n)
{
  PetscFunctionBegin;
  n = PetscMax(n, f->o.chunk);
  if (n <= f->cap) PetscFunctionReturn(0);
  if (f->cap) {
    PetscCall(FFFlowBatchDestroy(&f->batch));
    PetscCall(PetscFree4(f->x1, f->seeds, f->cond, f->rngs));
  }
  PetscCall(FFFlowBatchCreate(n, f->rows, f->cols, &f->batch));
  PetscCall(PetscMalloc4((size_t)n * f->per, &f->x1, (size_t)n * f->per, &f->seeds, (size_t)n * f->n_cond + 1, &f->cond,
                         n, &f->rngs));
  f->cap = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode Normalize(FFFlowFit f, long n, const FFSample s[], float **x, double **c)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)n * f->per + 1, x));
  PetscCall(PetscMalloc1((size_t)n * f->n_cond + 1, c));
  for (long i = 0; i < n; i++) {
    PetscCall(FFFlowModelNormalizeSample(f->model, &s[i], *x + i * f->per));
    PetscCall(FFFlowModelSampleConditions(f->model, &s[i], *c + i * f->n_cond));
  }
  PetscFunctionReturn(0);
}

/* The chunk's training data, conditions and random streams. */
static void Gather(FFFlowFit f, const float *x, const double *c, int n, const long *items, float *x1, double *cond)
{
  for (int k = 0; k < n; k++) {
    PetscArraycpy(x1 + k * f->per, x + items[k] * f->per, f->per);
    PetscArraycpy(cond + k * f->n_cond, c + items[k] * f->n_cond, f->n_cond);
  }
}

/* The data loss of one chunk on the tape: flow matching, or MeanFlow for an average velocity. */
static PetscErrorCode ChunkLoss(FFFlowFit f, FFFlowBatch *view, double *data)
{
  PetscFunctionBegin;
  if (f->vel.average)
    PetscCall(FFFlowMeanFlowLoss(&f->vel, f->tape, f->aux, view, &f->o.meanflow, data));
  else {
    PetscCall(FFFlowMatchingLoss(&f->vel, f->tape, view));
    *data = FFTensorScalar(view->loss);
  }
  PetscFunctionReturn(0);
}

/* The rank's share of a step: every sample's times and noise from its own stream, optionally
 * coupled by minibatch OT over the share, then forwards of at most `chunk` samples. */
static PetscErrorCode Loss(void *ctx, uint64_t seed, long step, int n, const long *items, double weight, float *g_data,
                           float *g_phys, FFTrainLosses *losses)
{
  FFFlowFit f = (FFFlowFit)ctx;
  const double sigma = f->model->config.sigma_min;

  PetscFunctionBegin;
  if (n < 1) PetscFunctionReturn(0);
  PetscCall(Reserve(f, n));
  Gather(f, f->x_train, f->c_train, n, items, f->x1, f->cond);
  for (int k = 0; k < n; k++) FFTrainItemRng(seed, step, items[k], &f->rngs[k]);
  PetscCall(FFFlowBatchDraw(&f->batch, &f->o.time, sigma, n, f->x1, f->rngs, PETSC_FALSE));
  if (f->o.ot) PetscCall(FFFlowBatchCouple(&f->batch, sigma, f->x1));
  for (int i0 = 0; i0 < n; i0 += f->o.chunk) {
    const int c = PetscMin(f->o.chunk, n - i0);
    const double *cond = f->cond + (size_t)i0 * f->n_cond;
    FFFlowBatch view;
    double data;
    FFFlowBatchView(&f->batch, i0, c, &view);
    PetscCall(FFFlowModelSetConditions(f->model, c, cond));
    FFTapeReset(f->tape);
    PetscCall(ChunkLoss(f, &view, &data));
    /* the loss tensor is the chunk's mean: seed weight x c gives the weighted sum */
    const float sd = (float)(weight * c), *sds[1] = {&sd};
    PetscCallFF(FFTapeBackwardFrom(f->tape, 1, &view.loss, sds, g_data));
    losses->data += weight * c * data;
    if (g_phys && f->phys) {
      double progress = f->o.total_steps > 0 ? (double)step / (double)f->o.total_steps : 0.0;
      if (f->opt && FFOptimizerGetClock(f->opt) > progress) progress = FFOptimizerGetClock(f->opt);
      const int steps = FFFlowUnrollSteps(progress, f->o.unroll_max);
      FFTensor *hat;
      double lr, rmean;
      PetscCall(FFFlowPredictClean(&f->vel, f->tape, f->aux, &view, steps, f->o.unroll_last_only, &hat));
      PetscCall(FFFlowPhysicsSetBatchConditions(f->phys, c, cond));
      PetscCall(FFFlowResidualLoss(FFFlowPhysicsResidualFn, f->phys, &view, hat, weight, f->seeds, &lr, &rmean));
      const float *seeds[1] = {f->seeds};
      PetscCallFF(FFTapeBackwardFrom(f->tape, 1, &hat, seeds, g_phys));
      losses->physics += lr;
      losses->residual += weight * c * rmean;
    }
  }
  PetscCall(FFFlowModelSetConditions(f->model, 0, NULL));
  PetscFunctionReturn(0);
}

/* The flow-matching loss of the validation samples at fixed times and noise. */
static PetscErrorCode Validate(void *ctx, double *error)
{
  FFFlowFit f = (FFFlowFit)ctx;
  double sum = 0;
  long *items;

  PetscFunctionBegin;
  if (!f->n_val) {
    *error = NAN;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(f->o.chunk, &items));
  PetscCall(Reserve(f, f->o.chunk));
  FFTapeSetGradEnabled(f->tape, 0);
  for (long i0 = 0; i0 < f->n_val; i0 += f->o.chunk) {
    const int c = (int)PetscMin(f->o.chunk, f->n_val - i0);
    for (int k = 0; k < c; k++) items[k] = i0 + k, FFRngSeed(&f->rngs[k], 20240601, (uint64_t)(i0 + k));
    Gather(f, f->x_val, f->c_val, c, items, f->x1, f->cond);
    PetscCall(FFFlowModelSetConditions(f->model, c, f->cond));
    FFTapeReset(f->tape);
    PetscCall(
        FFFlowMatchingForward(&f->vel, f->tape, f->model->config.sigma_min, c, f->x1, f->rngs, PETSC_FALSE, &f->batch));
    sum += c * FFTensorScalar(f->batch.loss);
  }
  FFTapeReset(f->tape);
  FFTapeSetGradEnabled(f->tape, 1);
  PetscCall(FFFlowModelSetConditions(f->model, 0, NULL));
  PetscCall(PetscFree(items));
  *error = sum / f->n_val;
  PetscFunctionReturn(0);
}

static PetscErrorCode Save(void *ctx, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                           const FFNamedArrays *history)
{
  FFFlowFit f = (FFFlowFit)ctx;
  FFKeyValues *kv;

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesCreate(&kv));
  for (int k = 0; k < f->extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, f->extra->keys[k], f->extra->values[k]));
  for (int k = 0; extra && k < extra->n; k++) PetscCallFF(FFKeyValuesSet(kv, extra->keys[k], extra->values[k]));
  PetscErrorCode ierr = FFFlowModelSave(f->model, path, opt, kv, history);
  FFKeyValuesDestroy(&kv);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowFitCreate(FFFlowModel model, long n_train, const FFSample train[], long n_val,
                               const FFSample val[], FFFlowPhysics physics, const FFFlowFitOptions *o, FFFlowFit *out)
{
  FFFlowFit f;

  PetscFunctionBegin;
  PetscCheck(n_train > 0, model->comm, PETSC_ERR_ARG_OUTOFRANGE, "flow training: no training samples");
  PetscCheck(o->chunk >= 1 && o->unroll_max >= 1, model->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "flow training: chunk %d and unroll_max %d must be positive", o->chunk, o->unroll_max);
  PetscCheck(!FFFlowKindPhysics(model->config.kind) || physics, model->comm, PETSC_ERR_ARG_NULL,
             "flow training: a %s model needs the physics (the solver's residual)", FFFlowKindName(model->config.kind));
  PetscCall(PetscNew(&f));
  f->model = model;
  f->phys = FFFlowKindPhysics(model->config.kind) ? physics : NULL;
  f->o = *o;
  f->rows = model->rows;
  f->cols = model->cols;
  f->n_cond = model->config.n_cond;
  f->per = (size_t)f->rows * f->cols;
  f->n_train = n_train;
  f->n_val = n_val;
  PetscCall(Normalize(f, n_train, train, &f->x_train, &f->c_train));
  PetscCall(Normalize(f, n_val, val, &f->x_val, &f->c_val));
  PetscCallFF(FFTapeCreate(model->params, &f->tape));
  PetscCallFF(FFTapeCreate(model->params, &f->aux));
  PetscCall(FFFlowModelVelocity(model, o->chunk, &f->vel));
  PetscCall(Reserve(f, o->chunk));
  PetscCallFF(FFKeyValuesCreate(&f->extra));
  PetscCallFF(FFKeyValuesSetInt(f->extra, "flow.unroll_max", o->unroll_max));
  PetscCallFF(FFKeyValuesSetInt(f->extra, "flow.unroll_last_only", o->unroll_last_only));
  PetscCallFF(FFKeyValuesSetInt(f->extra, "flow.chunk", o->chunk));
  PetscCallFF(FFKeyValuesSet(f->extra, "flow.time_sampling", FFFlowTimeKindName(o->time.kind)));
  PetscCallFF(FFKeyValuesSetReal(f->extra, "flow.time_mean", o->time.mean));
  PetscCallFF(FFKeyValuesSetReal(f->extra, "flow.time_std", o->time.std));
  PetscCallFF(FFKeyValuesSetReal(f->extra, "flow.interval_share", o->time.interval_share));
  PetscCallFF(FFKeyValuesSetReal(f->extra, "flow.mf_fd_step", o->meanflow.fd_step));
  PetscCallFF(FFKeyValuesSetReal(f->extra, "flow.mf_adaptive_p", o->meanflow.adaptive_p));
  PetscCallFF(FFKeyValuesSetInt(f->extra, "flow.ot", o->ot));
  *out = f;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowFitDestroy(FFFlowFit *fit)
{
  FFFlowFit f = *fit;

  PetscFunctionBegin;
  if (!f) PetscFunctionReturn(0);
  PetscCall(PetscFree(f->x_train));
  PetscCall(PetscFree(f->c_train));
  PetscCall(PetscFree(f->x_val));
  PetscCall(PetscFree(f->c_val));
  FFTapeDestroy(&f->tape);
  FFTapeDestroy(&f->aux);
  if (f->cap) {
    PetscCall(FFFlowBatchDestroy(&f->batch));
    PetscCall(PetscFree4(f->x1, f->seeds, f->cond, f->rngs));
  }
  FFKeyValuesDestroy(&f->extra);
  PetscCall(PetscFree(*fit));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowFitSetExtra(FFFlowFit f, const char *key, const char *value)
{
  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSet(f->extra, key, value));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowFitFollowOptimizer(FFFlowFit f, const FFOptimizer *opt)
{
  PetscFunctionBegin;
  f->opt = opt;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowFitGetTask(FFFlowFit f, FFTrainTask *task)
{
  PetscFunctionBegin;
  *task = (FFTrainTask){
      .ctx = f, .n_train = f->n_train, .params = f->model->params, .loss = Loss, .validate = Validate, .save = Save};
  PetscFunctionReturn(0);
}
