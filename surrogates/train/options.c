/* Training hyperparameters: defaults, command-line options, and their record in the model
 * file (so that -resume continues with exactly the same ones). */
#include "ff_petsc.h"
#include "ff_train.h"

#include <string.h>

static const char *const schedule_names[] = {"constant", "cosine", "plateau"};
static const char *const optimizer_names[] = {"adam", "adamw"};

void FFTrainOptionsDefault(FFTrainOptions *o)
{
  memset(o, 0, sizeof *o);
  o->epochs = 100;
  o->batch = 4;
  o->lr = 1e-3;
  o->min_lr = 1e-5;
  o->weight_decay = 0.0;
  o->clip_norm = 0.0;
  o->ema = 0.0;
  o->ema_warmup = 1;
  o->schedule = FF_SCHEDULE_COSINE;
  o->warmup = 0;
  o->plateau_factor = 0.5;
  o->plateau_patience = 10;
  o->optimizer = FF_OPT_ADAM;
  o->seed = 0;
  o->checkpoint_every = 0;
  o->max_time = 0;
  o->physics = 0;
  o->progress = 1;
}

static PetscErrorCode NameIndex(const char *option, const char *value, int n, const char *const names[], int *index)
{
  PetscFunctionBegin;
  for (int k = 0; k < n; k++)
    if (!strcmp(value, names[k])) {
      *index = k;
      PetscFunctionReturn(0);
    }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: unknown value '%s'", option, value);
}

PetscErrorCode FFTrainOptionsFromOptions(PetscOptionItems *PetscOptionsObject, FFTrainOptions *o)
{
  PetscInt epochs = o->epochs, batch = o->batch, warmup = o->warmup, every = o->checkpoint_every;
  PetscInt patience = o->plateau_patience, seed = (PetscInt)o->seed, stop = (PetscInt)o->stop_step;
  char schedule[32], optimizer[32];
  PetscBool set, warm = o->ema_warmup ? PETSC_TRUE : PETSC_FALSE;
  int k = 0;

  PetscFunctionBegin;
  PetscCall(PetscOptionsInt("-epochs", "Passes over the training samples", "", epochs, &epochs, NULL));
  PetscCall(PetscOptionsInt("-batch", "Samples per optimizer step (over all ranks)", "", batch, &batch, NULL));
  PetscCall(PetscOptionsReal("-lr", "Learning rate", "", o->lr, &o->lr, NULL));
  PetscCall(PetscOptionsReal("-min_lr", "Final learning rate of the cosine schedule", "", o->min_lr, &o->min_lr, NULL));
  PetscCall(PetscStrncpy(schedule, schedule_names[o->schedule], sizeof schedule));
  PetscCall(PetscOptionsString("-schedule", "Learning-rate schedule: constant, cosine, plateau", "", schedule, schedule,
                               sizeof schedule, &set));
  PetscCall(NameIndex("-schedule", schedule, 3, schedule_names, &k));
  o->schedule = (FFScheduleType)k;
  PetscCall(PetscOptionsInt("-warmup", "Steps of linear learning-rate warm-up", "", warmup, &warmup, NULL));
  PetscCall(PetscOptionsReal("-plateau_factor", "Plateau schedule: factor on the learning rate", "", o->plateau_factor,
                             &o->plateau_factor, NULL));
  PetscCall(PetscOptionsInt("-plateau_patience", "Plateau schedule: epochs without improvement", "", patience,
                            &patience, NULL));
  PetscCall(PetscStrncpy(optimizer, optimizer_names[o->optimizer], sizeof optimizer));
  PetscCall(PetscOptionsString("-optimizer", "adam or adamw", "", optimizer, optimizer, sizeof optimizer, &set));
  PetscCall(NameIndex("-optimizer", optimizer, 2, optimizer_names, &k));
  o->optimizer = (FFOptimizerType)k;
  PetscCall(PetscOptionsReal("-weight_decay", "Weight decay (AdamW: decoupled)", "", o->weight_decay, &o->weight_decay,
                             NULL));
  PetscCall(PetscOptionsReal("-clip", "Global gradient-norm clipping (0: off)", "", o->clip_norm, &o->clip_norm, NULL));
  PetscCall(PetscOptionsReal("-ema", "Decay of the exponential moving average of the weights (0: off)", "", o->ema,
                             &o->ema, NULL));
  PetscCall(PetscOptionsBool("-ema_warmup",
                             "EMA decay min(ema, (1 + step)/(10 + step)): the average forgets the initial weights "
                             "(0: a plain EMA from the first step)",
                             "", warm, &warm, NULL));
  o->ema_warmup = warm ? 1 : 0;
  PetscCall(PetscOptionsInt("-seed", "Seed of initialization, sample order and random subsets", "", seed, &seed, NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "Save the model every N steps (0: at the end only)", "", every, &every,
                            NULL));
  PetscCall(PetscOptionsReal("-max_time",
                             "Training budget in seconds, over this run and the runs it resumes: stop (and save) "
                             "there, the cosine schedule ending its decay there (0: no budget)",
                             "", o->max_time, &o->max_time, NULL));
  char clock[16];
  PetscCall(PetscStrncpy(clock, o->budget_cpu ? "cpu" : "wall", sizeof clock));
  PetscCall(PetscOptionsString("-budget_clock",
                               "What -max_time counts: wall (seconds on the clock) or cpu (CPU seconds of rank 0's "
                               "process: equal compute for every model on a machine shared with other jobs)",
                               "", clock, clock, sizeof clock, NULL));
  PetscCheck(!strcmp(clock, "wall") || !strcmp(clock, "cpu"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "option -budget_clock: '%s' (wall or cpu)", clock);
  o->budget_cpu = !strcmp(clock, "cpu");
  PetscCall(PetscOptionsInt("-stop_at_step",
                            "Stop (and save) once this many steps are done in all, e.g. to train in "
                            "chunks with -resume (0: run to the end)",
                            "", stop, &stop, NULL));
  PetscCheck(stop >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -stop_at_step: must be >= 0");
  o->stop_step = stop;
  PetscCheck(epochs >= 1 && batch >= 1 && o->lr > 0 && o->min_lr >= 0 && warmup >= 0 && every >= 0 && seed >= 0 &&
                 o->ema >= 0 && o->ema < 1 && o->clip_norm >= 0 && o->max_time >= 0,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "training options: -epochs, -batch, -lr must be positive; -min_lr, -warmup, -checkpoint_every, -seed, "
             "-clip, -max_time non-negative; -ema in [0, 1)");
  o->epochs = (int)epochs;
  o->batch = (int)batch;
  o->warmup = warmup;
  o->plateau_patience = patience;
  o->checkpoint_every = every;
  o->seed = (uint64_t)seed;
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainOptionsToKeyValues(const FFTrainOptions *o, FFKeyValues *kv)
{
  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSetInt(kv, "train.epochs", o->epochs));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.batch", o->batch));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.lr", o->lr));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.min_lr", o->min_lr));
  PetscCallFF(FFKeyValuesSet(kv, "train.schedule", schedule_names[o->schedule]));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.warmup", o->warmup));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.plateau_factor", o->plateau_factor));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.plateau_patience", o->plateau_patience));
  PetscCallFF(FFKeyValuesSet(kv, "train.optimizer", optimizer_names[o->optimizer]));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.weight_decay", o->weight_decay));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.clip", o->clip_norm));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.ema", o->ema));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.ema_warmup", o->ema_warmup));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.seed", (long)o->seed));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.checkpoint_every", o->checkpoint_every));
  PetscCallFF(FFKeyValuesSetInt(kv, "train.physics", o->physics));
  PetscCallFF(FFKeyValuesSetReal(kv, "train.max_time", o->max_time));
  PetscCallFF(FFKeyValuesSet(kv, "train.budget_clock", o->budget_cpu ? "cpu" : "wall"));
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainOptionsFromKeyValues(const FFKeyValues *kv, FFTrainOptions *o)
{
  long v;
  int k = 0;
  const char *s;

  PetscFunctionBegin;
  FFTrainOptionsDefault(o);
  PetscCallFF(FFKeyValuesGetInt32(kv, "train.epochs", &o->epochs));
  PetscCallFF(FFKeyValuesGetInt32(kv, "train.batch", &o->batch));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.lr", &o->lr));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.min_lr", &o->min_lr));
  s = FFKeyValuesGet(kv, "train.schedule");
  PetscCheck(s, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "the model file has no train.schedule");
  PetscCall(NameIndex("train.schedule", s, 3, schedule_names, &k));
  o->schedule = (FFScheduleType)k;
  PetscCallFF(FFKeyValuesGetInt(kv, "train.warmup", &o->warmup));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.plateau_factor", &o->plateau_factor));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.plateau_patience", &o->plateau_patience));
  s = FFKeyValuesGet(kv, "train.optimizer");
  PetscCheck(s, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "the model file has no train.optimizer");
  PetscCall(NameIndex("train.optimizer", s, 2, optimizer_names, &k));
  o->optimizer = (FFOptimizerType)k;
  PetscCallFF(FFKeyValuesGetReal(kv, "train.weight_decay", &o->weight_decay));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.clip", &o->clip_norm));
  PetscCallFF(FFKeyValuesGetReal(kv, "train.ema", &o->ema));
  /* files written before the warm-up existed trained a plain EMA */
  o->ema_warmup = 0;
  if (FFKeyValuesGet(kv, "train.ema_warmup")) PetscCallFF(FFKeyValuesGetInt32(kv, "train.ema_warmup", &o->ema_warmup));
  PetscCallFF(FFKeyValuesGetInt(kv, "train.seed", &v));
  o->seed = (uint64_t)v;
  PetscCallFF(FFKeyValuesGetInt(kv, "train.checkpoint_every", &o->checkpoint_every));
  PetscCallFF(FFKeyValuesGetInt32(kv, "train.physics", &o->physics));
  /* files written before budgets were recorded have none */
  if (FFKeyValuesGet(kv, "train.max_time")) PetscCallFF(FFKeyValuesGetReal(kv, "train.max_time", &o->max_time));
  s = FFKeyValuesGet(kv, "train.budget_clock");
  o->budget_cpu = s && !strcmp(s, "cpu");
  PetscFunctionReturn(0);
}
