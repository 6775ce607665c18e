/* fieldflow training: the loop every model shares (surrogates and flow matching), the
 * physics loss through the solver's residual API, ConFIG, and the task of a GNN or
 * neural-field surrogate (docs/surrogates.md). The train room of surrogates/.
 *
 *   FFConFIGCombine    conflict-free combination of two gradients (docs/references.md §1).
 *   FFPhysicsLoss      the PETSc residual of predicted node fields and its gradient J^T F.
 *   FFTrainer          batches, optimizer, schedules, ConFIG with a physics gradient, data
 *                      parallel MPI, progress, loss history, checkpoints, resume; a model
 *                      plugs in through FFTrainTask.
 *   FFSurrogateData    a dataset's train and validation graphs.
 *   FFSurrogateFit     the FFTrainTask of a GNN or neural field.
 *
 * Arrows: train -> models (ff_surrogate.h) and below. */
#ifndef FF_TRAIN_H
#define FF_TRAIN_H

#include "ff_surrogate.h"

/* ====================================================================== ConFIG */

typedef struct {
  double norm1, norm2; /* |g1|, |g2| */
  double cosine;       /* cos(g1, g2) */
  double dot1, dot2;   /* g . g1, g . g2 of the combined update */
  int used;            /* 2: combined; 1: only g1 (g2 not finite or zero); 0: g1 was zero (g = g2) */
} FFConFIGInfo;

/* ConFIG (Liu, Chu, Thuerey 2024; docs/references.md §1):
 *   O(a, b) = b - (a.b / |a|^2) a,  g_v = unit(unit(O(g1, g2)) + unit(O(g2, g1))),
 *   g = (g1.g_v + g2.g_v) g_v,
 * an update with a non-negative dot product with both gradients and no weight to tune. If g2
 * is not finite or zero, g = g1. Parallel gradients (O = 0): g_v = unit(unit(g1) + unit(g2)).
 * Sums in double, in a fixed order (deterministic). g may alias g1. */
PetscErrorCode FFConFIGCombine(size_t n, const float *g1, const float *g2, float *g, FFConFIGInfo *info);

/* ====================================================================== physics */

typedef struct _p_FFPhysicsLoss *FFPhysicsLoss;

/* The residual loss of predicted node fields for the samples of a dataset: each sample's own
 * solver rebuilt from its file (FFSweepSolverFromDataset) on first use and kept, one per
 * sample, on PETSC_COMM_SELF. */
PetscErrorCode FFPhysicsLossCreate(FFDataset ds, const FFSurrogateSchema *schema, FFPhysicsLoss *pl);
PetscErrorCode FFPhysicsLossDestroy(FFPhysicsLoss *pl);
/* For sample `index` and raw node fields x (n_nodes x columns): loss = (0.5 ||F||^2 + the
 * Dirichlet mismatch) / n_nodes, grad = d loss / d x (may be NULL), residual = ||F||. */
PetscErrorCode FFPhysicsLossEvaluate(FFPhysicsLoss pl, long index, const double *x, double *loss, double *residual,
                                     double *grad);

/* ====================================================================== training */

typedef struct {
  int epochs, batch;
  double lr, min_lr, weight_decay, clip_norm, ema;
  int ema_warmup; /* FFOptimizerConfig.ema_warmup (default on) */
  FFScheduleType schedule;
  long warmup;
  double plateau_factor;
  long plateau_patience;
  FFOptimizerType optimizer;
  uint64_t seed;
  long checkpoint_every; /* steps; 0: only at the end (and on a signal) */
  double max_time;       /* training budget in seconds, this run and the runs it resumes together; 0: none.
                            The run stops (saving) after the step that reaches it, and the cosine
                            schedule's progress is the larger of the fraction of the steps and the
                            fraction of this budget spent, so the decay ends at the budget. */
  int budget_cpu;        /* 1: max_time counts the CPU seconds of rank 0's process, not the wall clock */
  long stop_step;        /* stop (saving) once this many steps are done in all; 0: run to the end */
  int physics;           /* combine the physics gradient by ConFIG */
  int progress;          /* print a line per epoch */
} FFTrainOptions;

void FFTrainOptionsDefault(FFTrainOptions *o);
/* -epochs, -batch, -lr, -min_lr, -weight_decay, -clip, -ema, -ema_warmup, -schedule, -warmup, -optimizer,
 * -plateau_factor, -plateau_patience, -seed, -checkpoint_every, -max_time, -budget_clock, -stop_at_step
 * (inside the caller's PetscOptionsBegin/End). The budget max_time is recorded in the model file (a
 * resumed run continues it); stop_step belongs to one run and is not. */
PetscErrorCode FFTrainOptionsFromOptions(PetscOptionItems *PetscOptionsObject, FFTrainOptions *o);
PetscErrorCode FFTrainOptionsToKeyValues(const FFTrainOptions *o, FFKeyValues *kv);
PetscErrorCode FFTrainOptionsFromKeyValues(const FFKeyValues *kv, FFTrainOptions *o);

/* Losses of one step, summed over the step's local samples with their weights. */
typedef struct {
  double data;    /* the data loss (e.g. normalized MSE, flow-matching loss) */
  double physics; /* the physics loss (0 without) */
  double residual;
} FFTrainLosses;

/* What a model plugs into the trainer. The trainer owns the optimizer, the order of the
 * samples, the step loop, ConFIG, MPI and files; the task computes gradients and evaluates.
 *   loss:     for the local samples items[0..n) (positions in the training set) add
 *             weight * d(loss_i)/d(theta) into g_data and, when physics is on,
 *             weight * d(physics_i)/d(theta) into g_phys; add weight * loss_i to *losses.
 *             Randomness (random nodes, noise, times) must come from FFTrainItemRng(seed,
 *             step, item): the same on a resumed run and however the batch is split over
 *             the ranks.
 *   validate: a validation error (the same on every rank), or NAN when there is none.
 *   save:     write the model file with the optimizer state, `extra` configuration keys
 *             (the trainer's counters and options) and the loss history. */
typedef struct {
  void *ctx;
  long n_train;
  FFParams *params;
  PetscErrorCode (*loss)(void *ctx, uint64_t seed, long step, int n, const long *items, double weight, float *g_data,
                         float *g_phys, FFTrainLosses *losses);
  PetscErrorCode (*validate)(void *ctx, double *error);
  PetscErrorCode (*save)(void *ctx, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                         const FFNamedArrays *history);
} FFTrainTask;

/* The random stream of one training sample at one step. */
void FFTrainItemRng(uint64_t seed, long step, long item, FFRng *rng);

typedef struct {
  long step, epoch;  /* completed */
  double train_loss; /* mean over the last epoch */
  double val_error;  /* after the last epoch (NAN when none) */
  double seconds;    /* training time of this run (excluding a resumed run's past) */
  double total_seconds;
  double cpu_seconds; /* CPU seconds of rank 0's process in all runs (the compute it received) */
  int interrupted;    /* stopped by SIGINT/SIGTERM (saved) */
  int time_limited;   /* stopped by max_time or stop_step (saved) */
} FFTrainResult;

typedef struct _p_FFTrainer *FFTrainer;

PetscErrorCode FFTrainerCreate(MPI_Comm comm, const FFTrainOptions *options, const FFTrainTask *task,
                               FFTrainer *trainer);
PetscErrorCode FFTrainerDestroy(FFTrainer *trainer);
/* Files: the model (checkpoints go to the same path, atomically) and the loss curves (CSV,
 * rewritten each epoch; NULL: none). */
PetscErrorCode FFTrainerSetOutput(FFTrainer trainer, const char *model_path, const char *csv_path);
/* Continue from a model file written by this trainer: optimizer state, counters and history
 * (the task's parameters must already hold the file's). */
PetscErrorCode FFTrainerResume(FFTrainer trainer, const char *path);
PetscErrorCode FFTrainerGetOptimizer(FFTrainer trainer, FFOptimizer **opt);
/* Runs to the last epoch, or until a signal (SIGINT, SIGTERM) or the budget: then saves and
 * returns with result->interrupted / time_limited set. */
PetscErrorCode FFTrainerRun(FFTrainer trainer, FFTrainResult *result);

/* The loss curves as named arrays history_epoch, history_step, history_train_loss,
 * history_physics_loss, history_val_error, history_lr, history_seconds. */
PetscErrorCode FFTrainerGetHistory(FFTrainer trainer, const FFNamedArrays **history);

/* ---------- a dataset loaded for training ----------
 * Graphs of a training split and a validation split (none when val_split is NULL, "" or
 * "none"); the schema is derived from the training samples (fields, inputs: see
 * FFSurrogateSchemaFromDataset) unless `known` gives it (a model being resumed: the dataset
 * must then be the one it was trained on). Every rank loads everything. */
typedef struct {
  FFDataset ds;
  char dir[PETSC_MAX_PATH_LEN];
  long n_train, n_val;
  FFSurrogateGraph *train, *val;
  FFSurrogateSchema schema;
} FFSurrogateData;

PetscErrorCode FFSurrogateDataLoad(MPI_Comm comm, const char *dir, const char *train_split, const char *val_split,
                                   const FFSurrogateSchema *known, const char *fields, const char *inputs,
                                   FFSurrogateData *data);
PetscErrorCode FFSurrogateDataDestroy(FFSurrogateData *data);

/* ---------- the task of a GNN or neural-field surrogate ----------
 * Graphs prepared for the model (FFSurrogatePrepareGraph), training graphs with targets;
 * physics may be NULL (no physics loss). The graphs must outlive the fit. */
typedef struct _p_FFSurrogateFit *FFSurrogateFit;

PetscErrorCode FFSurrogateFitCreate(FFSurrogate s, long n_train, FFSurrogateGraph *train, long n_val,
                                    FFSurrogateGraph *val, FFPhysicsLoss physics, FFSurrogateFit *fit);
PetscErrorCode FFSurrogateFitDestroy(FFSurrogateFit *fit);
/* A configuration key saved with the model (e.g. the dataset it was trained on). */
PetscErrorCode FFSurrogateFitSetExtra(FFSurrogateFit fit, const char *key, const char *value);
PetscErrorCode FFSurrogateFitGetTask(FFSurrogateFit fit, FFTrainTask *task);

#endif
