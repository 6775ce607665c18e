/* The training loop every surrogate shares (and flow matching after it): epochs over a
 * seeded permutation of the training samples, data-parallel batches (FFAllreduceMean of the
 * flat gradients), the physics gradient combined by ConFIG, the optimizer and its schedule,
 * validation, a progress line, the loss history (CSV and model file), checkpoints every N
 * steps and on SIGINT/SIGTERM, and resume.
 *
 * Determinism: all randomness of a step comes from (seed, step) and the order of an epoch
 * from (seed, epoch), so a run resumed from a checkpoint takes exactly the steps the
 * uninterrupted run would have taken. */
#define _POSIX_C_SOURCE 200809L
#include "ff_petsc.h"
#include "ff_train.h"

#include <math.h>
#include <signal.h>
#include <string.h>

/* A signal handler may only set a flag: this one, read by the step loop. It is the one piece
 * of process-wide state here, as a signal is process-wide. */
static volatile sig_atomic_t ff_train_signal = 0;

static void OnSignal(int signo) { ff_train_signal = signo; }

#define HISTORY_COLUMNS 7
static const char *const history_names[HISTORY_COLUMNS] = {
    "history_epoch",     "history_step", "history_train_loss", "history_physics_loss",
    "history_val_error", "history_lr",   "history_seconds"};

struct _p_FFTrainer {
  MPI_Comm comm;
  PetscMPIInt rank, size;
  FFTrainOptions o;
  FFTrainTask task;
  FFOptimizer *opt;
  float *g_data, *g_phys;
  char model_path[PETSC_MAX_PATH_LEN], csv_path[PETSC_MAX_PATH_LEN];
  long steps_per_epoch, total_steps;
  long step, epoch;              /* completed */
  double epoch_loss, epoch_phys; /* sums over the steps of the current epoch so far */
  long epoch_steps;
  double seconds_before; /* training seconds of the runs before a resume */
  double cpu_before;     /* CPU seconds (rank 0's process) of the runs before a resume */
  double cpu_start;      /* the process's CPU clock when this run started */
  long n_hist, cap_hist;
  double *hist[HISTORY_COLUMNS];
  FFNamedArrays *history;
  FFConFIGInfo last_config;
};

PetscErrorCode FFTrainerCreate(MPI_Comm comm, const FFTrainOptions *o, const FFTrainTask *task, FFTrainer *out)
{
  FFTrainer t;
  FFOptimizerConfig oc;

  PetscFunctionBegin;
  PetscCheck(task->n_train > 0, comm, PETSC_ERR_ARG_WRONG, "no training samples");
  PetscCheck(task->loss && task->save && task->params, comm, PETSC_ERR_ARG_NULL, "the training task is incomplete");
  PetscCall(PetscNew(&t));
  t->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &t->rank));
  PetscCallMPI(MPI_Comm_size(comm, &t->size));
  t->o = *o;
  t->task = *task;
  t->steps_per_epoch = (task->n_train + o->batch - 1) / o->batch;
  t->total_steps = t->steps_per_epoch * o->epochs;
  FFOptimizerConfigDefault(&oc);
  oc.type = o->optimizer;
  oc.lr = o->lr;
  oc.weight_decay = o->weight_decay;
  oc.clip_norm = o->clip_norm;
  oc.ema_decay = o->ema;
  oc.ema_warmup = o->ema_warmup;
  oc.schedule.type = o->schedule;
  oc.schedule.warmup_steps = o->warmup;
  oc.schedule.total_steps = t->total_steps;
  oc.schedule.min_lr = o->min_lr;
  oc.schedule.plateau_factor = o->plateau_factor;
  oc.schedule.plateau_patience = o->plateau_patience;
  oc.schedule.plateau_threshold = 1e-3;
  PetscCallFF(FFOptimizerCreate(task->params, &oc, &t->opt));
  PetscCallFF(FFParamsGradCreate(task->params, &t->g_data));
  if (o->physics) PetscCallFF(FFParamsGradCreate(task->params, &t->g_phys));
  PetscCallFF(FFNamedArraysCreate(&t->history));
  *out = t;
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerDestroy(FFTrainer *pt)
{
  FFTrainer t = *pt;

  PetscFunctionBegin;
  if (!t) PetscFunctionReturn(0);
  FFOptimizerDestroy(&t->opt);
  FFFree(&t->g_data);
  FFFree(&t->g_phys);
  for (int c = 0; c < HISTORY_COLUMNS; c++) PetscCall(PetscFree(t->hist[c]));
  FFNamedArraysDestroy(&t->history);
  PetscCall(PetscFree(*pt));
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerSetOutput(FFTrainer t, const char *model_path, const char *csv_path)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(t->model_path, model_path ? model_path : "", sizeof t->model_path));
  PetscCall(PetscStrncpy(t->csv_path, csv_path ? csv_path : "", sizeof t->csv_path));
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerGetOptimizer(FFTrainer t, FFOptimizer **opt)
{
  PetscFunctionBegin;
  *opt = t->opt;
  PetscFunctionReturn(0);
}

static PetscErrorCode HistoryAppend(FFTrainer t, const double row[HISTORY_COLUMNS])
{
  PetscFunctionBegin;
  if (t->n_hist == t->cap_hist) {
    t->cap_hist = t->cap_hist ? 2 * t->cap_hist : 64;
    for (int c = 0; c < HISTORY_COLUMNS; c++) PetscCall(PetscRealloc(sizeof(double) * t->cap_hist, &t->hist[c]));
  }
  for (int c = 0; c < HISTORY_COLUMNS; c++) t->hist[c][t->n_hist] = row[c];
  t->n_hist++;
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerGetHistory(FFTrainer t, const FFNamedArrays **history)
{
  float *buf;

  PetscFunctionBegin;
  FFNamedArraysClear(t->history);
  /* no epoch finished yet (stopped within the first): no curves, rather than empty arrays */
  if (!t->n_hist) {
    *history = t->history;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc1(t->n_hist + 1, &buf));
  for (int c = 0; c < HISTORY_COLUMNS; c++) {
    for (long k = 0; k < t->n_hist; k++) buf[k] = (float)t->hist[c][k];
    PetscCallFF(FFNamedArraysSet(t->history, history_names[c], (size_t)t->n_hist, buf));
  }
  PetscCall(PetscFree(buf));
  *history = t->history;
  PetscFunctionReturn(0);
}

/* The trainer's counters and options, stored in the model's configuration. */
/* CPU seconds of rank 0's process over this run and the runs it resumes (rank 0's on every rank
 * only through ShouldStop's reduction) */
static double CpuSeconds(FFTrainer t) { return t->cpu_before + FFCpuTimeNow() - t->cpu_start; }

static PetscErrorCode StateToKeyValues(FFTrainer t, double seconds, FFKeyValues *kv)
{
  PetscFunctionBegin;
  PetscCall(FFTrainOptionsToKeyValues(&t->o, kv));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.step", t->step));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.epoch", t->epoch));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.epoch_loss", t->epoch_loss));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.epoch_physics", t->epoch_phys));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.epoch_steps", t->epoch_steps));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.seconds", seconds));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.cpu_seconds", CpuSeconds(t)));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.ranks", t->size));
  PetscFunctionReturn(0);
}

static PetscErrorCode Save(FFTrainer t, double seconds)
{
  FFKeyValues *kv;
  const FFNamedArrays *history;

  PetscFunctionBegin;
  if (!t->model_path[0]) PetscFunctionReturn(0);
  PetscCallFF(FFKeyValuesCreate(&kv));
  PetscCall(StateToKeyValues(t, seconds, kv));
  PetscCall(FFTrainerGetHistory(t, &history));
  PetscErrorCode ierr = t->task.save(t->task.ctx, t->model_path, t->opt, kv, history);
  FFKeyValuesDestroy(&kv);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerResume(FFTrainer t, const char *path)
{
  FFKeyValues *kv;
  FFNamedArrays *na;
  long v;

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesCreate(&kv));
  PetscCallFF(FFNamedArraysCreate(&na));
  PetscCallFF(FFCheckpointLoad(path, t->task.params, t->opt, kv, na));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.step", &t->step));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.epoch", &t->epoch));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.epoch_loss", &t->epoch_loss));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.epoch_physics", &t->epoch_phys));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.epoch_steps", &t->epoch_steps));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.seconds", &t->seconds_before));
  t->cpu_before = 0; /* files written before the CPU time was recorded have none */
  if (FFKeyValuesGet(kv, "train.cpu_seconds")) PetscCallFF(FFKeyValuesGetReal(kv, "train.cpu_seconds", &t->cpu_before));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.batch", &v));
  PetscCheck(v == t->o.batch, t->comm, PETSC_ERR_ARG_INCOMP,
             "'%s' was trained with -batch %ld; resume with the same batch (got %d)", path, v, t->o.batch);
  size_t n = 0;
  const float *col[HISTORY_COLUMNS];
  for (int c = 0; c < HISTORY_COLUMNS; c++) {
    size_t nc;
    if (FFNamedArraysGet(na, history_names[c], &nc, &col[c])) {
      FFErrorClear();
      col[c] = NULL;
      nc = 0;
    }
    n = c ? PetscMin(n, nc) : nc;
  }
  t->n_hist = 0;
  for (size_t k = 0; k < n; k++) {
    double row[HISTORY_COLUMNS];
    for (int c = 0; c < HISTORY_COLUMNS; c++) row[c] = col[c][k];
    PetscCall(HistoryAppend(t, row));
  }
  FFKeyValuesDestroy(&kv);
  FFNamedArraysDestroy(&na);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCSV(FFTrainer t)
{
  FFAtomicFile af;

  PetscFunctionBegin;
  if (t->rank || !t->csv_path[0]) PetscFunctionReturn(0);
  PetscCallFF(FFAtomicOpen(t->csv_path, "w", &af));
  FILE *f = af.f;
  fprintf(f, "epoch,step,train_loss,physics_loss,val_error,lr,seconds\n");
  for (long k = 0; k < t->n_hist; k++)
    fprintf(f, "%.0f,%.0f,%.8g,%.8g,%.8g,%.6g,%.3f\n", t->hist[0][k], t->hist[1][k], t->hist[2][k], t->hist[3][k],
            t->hist[4][k], t->hist[5][k], t->hist[6][k]);
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

void FFTrainItemRng(uint64_t seed, long step, long item, FFRng *rng)
{
  /* one stream per (step, item) of the run's seed */
  FFRngSeed(rng, seed * 0x9e3779b97f4a7c15ULL + (uint64_t)item + 1, (uint64_t)step);
}

/* The epoch's order of the training samples: a seeded permutation. */
static PetscErrorCode EpochOrder(FFTrainer t, long epoch, long *order)
{
  FFRng rng;
  int *perm;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(t->task.n_train, &perm));
  for (long k = 0; k < t->task.n_train; k++) perm[k] = (int)k;
  FFRngSeed(&rng, t->o.seed ^ 0x5eed0fe9ULL, (uint64_t)epoch);
  FFRngShuffle(&rng, perm, (size_t)t->task.n_train);
  for (long k = 0; k < t->task.n_train; k++) order[k] = perm[k];
  PetscCall(PetscFree(perm));
  PetscFunctionReturn(0);
}

/* One optimizer step on the batch order[b0 .. b1): this rank's share, gradients averaged
 * over the ranks, ConFIG with the physics gradient. */
static PetscErrorCode Step(FFTrainer t, const long *order, long b0, long b1, FFTrainLosses *losses)
{
  const long len = b1 - b0;
  long local[4096];
  int n = 0;
  FFStepInfo info;
  const size_t np = t->task.params->size;

  PetscFunctionBegin;
  PetscCheck(len / t->size + 1 <= 4096, t->comm, PETSC_ERR_SUP, "batch too large");
  for (long j = b0; j < b1; j++)
    if ((j - b0) % t->size == t->rank) local[n++] = order[j];
  FFParamsGradZero(t->task.params, t->g_data);
  if (t->g_phys) FFParamsGradZero(t->task.params, t->g_phys);
  FFTrainLosses mine = {0, 0, 0};
  /* each rank adds size/len times its samples' gradients; the mean over ranks is then the
   * batch mean, whatever the ranks' shares */
  PetscCall(t->task.loss(t->task.ctx, t->o.seed, t->step, n, local, (double)t->size / (double)len, t->g_data, t->g_phys,
                         &mine));
  PetscCallFF(FFAllreduceMean(t->comm, t->g_data, np));
  if (t->g_phys) {
    PetscCallFF(FFAllreduceMean(t->comm, t->g_phys, np));
    PetscCall(FFConFIGCombine(np, t->g_data, t->g_phys, t->g_data, &t->last_config));
  }
  double sums[3] = {mine.data, mine.physics, mine.residual}, all[3];
  PetscCallMPI(MPI_Allreduce(sums, all, 3, MPI_DOUBLE, MPI_SUM, t->comm));
  losses->data = all[0] / t->size;
  losses->physics = all[1] / t->size;
  losses->residual = all[2] / t->size;
  PetscCallFF(FFOptimizerStep(t->opt, t->task.params, t->g_data, losses->data + losses->physics, &info));
  PetscFunctionReturn(0);
}

typedef struct {
  struct sigaction old_int, old_term;
} Signals;

static void SignalsInstall(Signals *s)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  ff_train_signal = 0;
  sigaction(SIGINT, &sa, &s->old_int);
  sigaction(SIGTERM, &sa, &s->old_term);
}

static void SignalsRestore(Signals *s)
{
  sigaction(SIGINT, &s->old_int, NULL);
  sigaction(SIGTERM, &s->old_term, NULL);
}

static PetscErrorCode PrintProgress(FFTrainer t, double val, double lr, double epoch_time, long epoch_samples,
                                    double run_time, long run_epochs)
{
  char eta[32], val_text[32] = "   -  ";

  PetscFunctionBegin;
  if (!t->o.progress) PetscFunctionReturn(0);
  const double per_epoch = run_epochs > 0 ? run_time / run_epochs : epoch_time;
  double left = per_epoch * (t->o.epochs - t->epoch);
  if (t->o.max_time > 0 && !t->o.budget_cpu)
    left = PetscMin(left, PetscMax(0.0, t->o.max_time - t->seconds_before - run_time));
  FFFormatDuration(left, eta, sizeof eta);
  if (isfinite(val)) snprintf(val_text, sizeof val_text, "%6.2f%%", 100 * val);
  const long e = t->n_hist ? (long)t->hist[0][t->n_hist - 1] : t->epoch;
  PetscCall(PetscPrintf(t->comm, "epoch %4ld/%d  step %7ld  loss %.4e", e, t->o.epochs, t->step,
                        t->n_hist ? t->hist[2][t->n_hist - 1] : 0.0));
  if (t->g_phys)
    PetscCall(PetscPrintf(t->comm, "  physics %.3e (cos %+.2f)", t->hist[3][t->n_hist - 1], t->last_config.cosine));
  PetscCall(PetscPrintf(t->comm, "  val error %s  lr %.2e  %6.1f samples/s  ETA %s\n", val_text, lr,
                        epoch_time > 0 ? epoch_samples / epoch_time : 0.0, eta));
  PetscFunctionReturn(0);
}

/* End of an epoch: validation, schedule, history, progress, CSV. */
static PetscErrorCode EndEpoch(FFTrainer t, double start, double epoch_start, long epoch_samples, long run_epochs,
                               double *val_out)
{
  double val = NAN;

  PetscFunctionBegin;
  if (t->task.validate) PetscCall(t->task.validate(t->task.ctx, &val));
  if (t->o.schedule == FF_SCHEDULE_PLATEAU)
    FFOptimizerObserve(t->opt, isfinite(val) ? val : t->epoch_loss / PetscMax(t->epoch_steps, 1));
  const double now = FFTimeNow(), lr = FFOptimizerLearningRate(t->opt);
  t->epoch++;
  const double row[HISTORY_COLUMNS] = {(double)t->epoch,
                                       (double)t->step,
                                       t->epoch_loss / PetscMax(t->epoch_steps, 1),
                                       t->epoch_phys / PetscMax(t->epoch_steps, 1),
                                       val,
                                       lr,
                                       t->seconds_before + now - start};
  PetscCall(HistoryAppend(t, row));
  t->epoch_loss = t->epoch_phys = 0;
  t->epoch_steps = 0;
  PetscCall(PrintProgress(t, val, lr, now - epoch_start, epoch_samples, now - start, run_epochs));
  PetscCall(WriteCSV(t));
  *val_out = val;
  PetscFunctionReturn(0);
}

/* Stop requests agreed by all ranks: a signal on any, or the time budget on rank 0's clock.
 * The same clock, the training seconds of this run and of the runs it resumes, drives the
 * schedule's progress (FFOptimizerSetClock), so every rank steps with the same learning rate. */
static PetscErrorCode ShouldStop(FFTrainer t, double start, int *stop)
{
  /* one reduction: rank 0's clock, a signal on any rank, the step limit */
  double mine[3] = {0, ff_train_signal ? 1 : 0, t->o.stop_step > 0 && t->step >= t->o.stop_step}, all[3];

  PetscFunctionBegin;
  if (!t->rank) mine[0] = t->o.budget_cpu ? CpuSeconds(t) : t->seconds_before + FFTimeNow() - start;
  PetscCallMPI(MPI_Allreduce(mine, all, 3, MPI_DOUBLE, MPI_MAX, t->comm));
  *stop = (all[1] > 0 ? 1 : 0) | (all[2] > 0 ? 2 : 0);
  if (t->o.max_time > 0) {
    FFOptimizerSetClock(t->opt, all[0] / t->o.max_time);
    if (all[0] >= t->o.max_time) *stop |= 2;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode RunEpochs(FFTrainer t, long *order, double start, FFTrainResult *r)
{
  long run_epochs = 0;

  PetscFunctionBegin;
  while (t->epoch < t->o.epochs) {
    const double epoch_start = FFTimeNow();
    long epoch_samples = 0;
    PetscCall(EpochOrder(t, t->epoch, order));
    for (long b = t->step - t->epoch * t->steps_per_epoch; b < t->steps_per_epoch; b++) {
      const long b0 = b * t->o.batch, b1 = PetscMin(b0 + t->o.batch, t->task.n_train);
      FFTrainLosses l;
      int stop = 0;
      PetscCall(Step(t, order, b0, b1, &l));
      t->step++;
      t->epoch_steps++;
      t->epoch_loss += l.data;
      t->epoch_phys += l.physics;
      epoch_samples += b1 - b0;
      PetscCall(ShouldStop(t, start, &stop));
      if (stop) {
        r->interrupted = stop & 1;
        r->time_limited = !(stop & 1);
        PetscFunctionReturn(0);
      }
      if (t->o.checkpoint_every > 0 && t->step % t->o.checkpoint_every == 0)
        PetscCall(Save(t, t->seconds_before + FFTimeNow() - start));
    }
    run_epochs++;
    PetscCall(EndEpoch(t, start, epoch_start, epoch_samples, run_epochs, &r->val_error));
    r->train_loss = t->hist[2][t->n_hist - 1];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainerRun(FFTrainer t, FFTrainResult *r)
{
  long *order;
  Signals sig;
  const double start = FFTimeNow();

  PetscFunctionBegin;
  memset(r, 0, sizeof *r);
  r->val_error = NAN;
  r->train_loss = NAN;
  PetscCall(PetscMalloc1(t->task.n_train, &order));
  t->cpu_start = FFCpuTimeNow();
  if (t->o.max_time > 0)
    FFOptimizerSetClock(t->opt, (t->o.budget_cpu ? t->cpu_before : t->seconds_before) / t->o.max_time);
  SignalsInstall(&sig);
  PetscErrorCode ierr = RunEpochs(t, order, start, r);
  SignalsRestore(&sig);
  PetscCall(PetscFree(order));
  PetscCall(ierr);
  r->step = t->step;
  r->epoch = t->epoch;
  r->seconds = FFTimeNow() - start;
  r->total_seconds = t->seconds_before + r->seconds;
  r->cpu_seconds = CpuSeconds(t);
  PetscCall(Save(t, r->total_seconds));
  PetscFunctionReturn(0);
}
