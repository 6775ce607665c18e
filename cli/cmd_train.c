/* fieldflow train -model gnn|mlgnn|field -data <dataset> -o model.h5: trains a surrogate on the
 * reference solves of a dataset (its "train" split, validated on "val"). Prints a progress
 * line per epoch, writes the loss curves as CSV, checkpoints every N steps and on
 * SIGINT/SIGTERM; -resume model.h5 continues exactly where a run stopped. Under
 * `mpiexec -n K` the batches are shared by the ranks (data parallel). */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"

#include <string.h>

typedef struct {
  FFTrainFiles f;
  char fields[256], inputs[256], physics[32];
  FFSurrogateConfig config;
  FFTrainOptions train;
} Args;

/* Defaults: a fresh model of -model's type, or the file's settings under -resume. */
static PetscErrorCode Defaults(MPI_Comm comm, Args *a, FFKeyValues *resumed)
{
  PetscBool set;
  FFSurrogateType type = FF_SURROGATE_FIELD;
  uint64_t seed;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-resume", a->f.resume, sizeof a->f.resume, &set));
  if (set && a->f.resume[0]) {
    if (FFCheckpointReadConfig(a->f.resume, resumed))
      SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -resume: %s", FFErrorMessage());
    PetscCall(FFSurrogateConfigFromKeyValues(resumed, &a->config, &seed));
    PetscCall(FFTrainOptionsFromKeyValues(resumed, &a->train));
    PetscCall(PetscStrncpy(a->f.model, FFSurrogateTypeName(a->config.type), sizeof a->f.model));
    PetscCall(PetscStrncpy(a->f.out, a->f.resume, sizeof a->f.out));
    const char *v = FFKeyValuesGet(resumed, "data.dir");
    if (v) PetscCall(PetscStrncpy(a->f.data, v, sizeof a->f.data));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", a->f.model, sizeof a->f.model, &set));
  PetscCheck(!strcmp(a->f.model, "gnn") || !strcmp(a->f.model, "mlgnn") || !strcmp(a->f.model, "field"),
             PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "option -model: '%s' (gnn, mlgnn, field; generative: fm, pbfm, mf, pbmf)", a->f.model);
  PetscCall(FFSurrogateTypeFromName(a->f.model, &type));
  FFSurrogateConfigDefault(type, &a->config);
  FFTrainOptionsDefault(&a->train);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a, FFKeyValues *resumed)
{
  const FFSurrogateConfig before = a->config;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow train: train a surrogate on a dataset", "fieldflow");
  PetscCall(FFTrainFilesOptions(PetscOptionsObject,
                                "gnn (MeshGraphNets), mlgnn (multi-level GNN with physics attention) or field "
                                "(neural field)",
                                &a->f));
  PetscCall(PetscOptionsString("-fields", "Fields to predict (default: all that are not inputs)", "", a->fields,
                               a->fields, sizeof a->fields, NULL));
  PetscCall(PetscOptionsString("-input_fields", "Fields given to the model as node inputs (e.g. K)", "", a->inputs,
                               a->inputs, sizeof a->inputs, NULL));
  PetscCall(PetscOptionsString("-physics", "Physics loss: none or residual (solver residual, combined by ConFIG)", "",
                               a->physics, a->physics, sizeof a->physics, NULL));
  PetscCall(FFSurrogateConfigOptions(PetscOptionsObject, &a->config));
  PetscCall(FFTrainOptionsFromOptions(PetscOptionsObject, &a->train));
  PetscOptionsEnd();
  PetscBool help;
  PetscCall(FFCliHelpRequested(&help));
  if (help) PetscFunctionReturn(0); /* the options are listed; nothing to check */
  PetscCheck(!strcmp(a->physics, "none") || !strcmp(a->physics, "residual"), comm, PETSC_ERR_ARG_WRONG,
             "option -physics: '%s' (none or residual)", a->physics);
  if (a->f.resume[0]) {
    const char *phys = FFKeyValuesGet(resumed, "train.physics");
    PetscCheck(!strcmp(a->f.model, FFSurrogateTypeName(before.type)), comm, PETSC_ERR_ARG_INCOMP,
               "option -model %s: '%s' holds a %s model", a->f.model, a->f.resume, FFSurrogateTypeName(before.type));
    PetscCheck(
        a->config.width == before.width && a->config.depth == before.depth && a->config.blocks == before.blocks &&
            a->config.act == before.act && a->config.fourier_freq == before.fourier_freq &&
            a->config.hyper_width == before.hyper_width && a->config.hyper_layers == before.hyper_layers &&
            a->config.n_scales == before.n_scales && a->config.levels == before.levels &&
            a->config.coarsen == before.coarsen && a->config.mix_blocks == before.mix_blocks &&
            a->config.slices == before.slices && a->config.heads == before.heads &&
            !memcmp(a->config.level_blocks, before.level_blocks, sizeof before.level_blocks),
        comm, PETSC_ERR_ARG_INCOMP, "the architecture options differ from the model being resumed ('%s')", a->f.resume);
    if (phys && !strcmp(phys, "1") && !strcmp(a->physics, "none")) PetscCall(PetscStrcpy(a->physics, "residual"));
  }
  a->train.physics = !strcmp(a->physics, "residual");
  a->config.ema = a->train.ema;
  PetscCall(FFTrainFilesCheck(comm, &a->f));
  PetscFunctionReturn(0);
}

static PetscErrorCode Train(MPI_Comm comm, const Args *a, FFSurrogate s, FFSurrogateData *d)
{
  FFPhysicsLoss physics = NULL;
  FFSurrogateFit fit;
  FFTrainTask task;
  FFTrainer trainer;
  FFTrainResult r;
  char buf[64];
  PetscMPIInt size;
  FFParams *P;

  PetscFunctionBeginUser;
  for (long i = 0; i < d->n_train; i++) PetscCall(FFSurrogatePrepareGraph(s, &d->train[i]));
  for (long i = 0; i < d->n_val; i++) PetscCall(FFSurrogatePrepareGraph(s, &d->val[i]));
  if (a->train.physics) PetscCall(FFPhysicsLossCreate(d->ds, &d->schema, &physics));
  PetscCall(FFSurrogateFitCreate(s, d->n_train, d->train, d->n_val, d->val, physics, &fit));
  PetscCall(FFSurrogateFitSetExtra(fit, "data.dir", a->f.data));
  PetscCall(FFSurrogateFitSetExtra(fit, "data.split", a->f.split));
  snprintf(buf, sizeof buf, "%ld", d->n_train);
  PetscCall(FFSurrogateFitSetExtra(fit, "data.n_train", buf));
  PetscCall(FFSurrogateFitGetTask(fit, &task));
  PetscCall(FFTrainerCreate(comm, &a->train, &task, &trainer));
  PetscCall(FFTrainerSetOutput(trainer, a->f.out, a->f.csv));
  if (a->f.resume[0]) PetscCall(FFTrainerResume(trainer, a->f.resume));
  PetscCall(FFSurrogateGetParams(s, &P));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm,
                        "training a %s model (%zu parameters) on %ld samples of '%s' (%ld for validation), %d epochs "
                        "of batch %d, %d rank%s, %d thread%s per rank%s\n",
                        FFSurrogateTypeName(a->config.type), P->size, d->n_train, a->f.data, d->n_val, a->train.epochs,
                        a->train.batch, (int)size, size > 1 ? "s" : "", FFNNThreads(), FFNNThreads() > 1 ? "s" : "",
                        a->train.physics ? ", physics loss by ConFIG" : ""));
  if (a->config.type == FF_SURROGATE_MLGNN && d->train[0].levels) {
    const FFSurrogateLevels *L = d->train[0].levels;
    PetscCall(PetscPrintf(comm, "graph levels of the first training sample (nodes / directed edges):"));
    for (int l = 0; l < L->n_levels; l++) PetscCall(PetscPrintf(comm, " %d / %d", L->n_nodes[l], L->n_edges[l]));
    PetscCall(PetscPrintf(comm, "\n"));
  }
  PetscErrorCode ierr = FFTrainerRun(trainer, &r);
  PetscCall(FFTrainerDestroy(&trainer));
  PetscCall(FFSurrogateFitDestroy(&fit));
  PetscCall(FFPhysicsLossDestroy(&physics));
  PetscCall(ierr);
  PetscCall(FFTrainFilesReport(comm, &a->f, &r));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdTrain(MPI_Comm comm)
{
  Args a;
  PetscBool help;
  FFKeyValues *resumed;
  FFSurrogate s = NULL;
  FFSurrogateData d;

  PetscFunctionBeginUser;
  PetscBool flow;
  PetscCall(FFCmdTrainIsFlow(&flow)); /* -model fm|pbfm|mf|pbmf: generative flow matching */
  if (flow) PetscFunctionReturn(FFCmdTrainFlow(comm));
  memset(&a, 0, sizeof a);
  memset(&d, 0, sizeof d);
  strcpy(a.f.model, "field");
  strcpy(a.f.out, "model.h5");
  strcpy(a.f.split, "train");
  strcpy(a.f.val_split, "val");
  strcpy(a.physics, "none");
  PetscCall(FFCliHelpRequested(&help));
  PetscCallFF(FFKeyValuesCreate(&resumed));
  PetscErrorCode ierr = Defaults(comm, &a, resumed);
  if (!ierr) ierr = ReadArgs(comm, &a, resumed);
  FFKeyValuesDestroy(&resumed);
  PetscCall(ierr);
  if (help) PetscFunctionReturn(0);
  if (a.f.resume[0]) {
    const FFSurrogateSchema *schema;
    PetscCall(FFSurrogateLoad(comm, a.f.resume, &s, NULL, NULL));
    PetscCall(FFSurrogateGetSchema(s, &schema));
    ierr = FFSurrogateDataLoad(comm, a.f.data, a.f.split, a.f.val_split, schema, NULL, NULL, &d);
  } else {
    ierr = FFSurrogateDataLoad(comm, a.f.data, a.f.split, a.f.val_split, NULL, a.fields, a.inputs, &d);
    if (!ierr) ierr = FFSurrogateCreate(comm, &a.config, &d.schema, a.train.seed, &s);
    if (!ierr) ierr = FFSurrogateFitNormalizers(s, d.n_train, d.train);
  }
  if (!ierr) ierr = Train(comm, &a, s, &d);
  PetscCall(FFSurrogateDataDestroy(&d));
  PetscCall(FFSurrogateDestroy(&s));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
