/* fieldflow train -model fm|pbfm|mf|pbmf -data <dataset> -o model.h5: a generative model of
 * whole node fields on the dataset's mesh (docs/pbfm.md): flow matching, or MeanFlow (the
 * average velocity: one- or two-step sampling). pbfm and pbmf add the solver's residual of the
 * predicted clean sample, combined with the data gradient by ConFIG. The loop (progress, loss
 * CSV, checkpoints, SIGINT, -resume, MPI data parallel) is the surrogates' trainer; `fieldflow
 * train` dispatches here for these models. */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"
#include "ff_sweep.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  FFTrainFiles f;
  char fields[256], conditions[256], normalization[16], act[16], time[32];
  PetscBool time_scale_set;
  PetscReal re_range[2];
  FFFlowModelConfig config;
  FFFlowFitOptions fit;
  FFTrainOptions train;
} Args;

static PetscErrorCode SplitList(const char *text, int max, char names[][FF_NAME_LEN], int *n, const char *option)
{
  char buf[256], *save = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(buf, text, sizeof buf));
  *n = 0;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscCheck(*n < max, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option %s: at most %d names", option, max);
    PetscCall(PetscStrncpy(names[(*n)++], tok, FF_NAME_LEN));
  }
  PetscFunctionReturn(0);
}

/* Flow models train with AdamW, clipping and an EMA of the weights (docs/references.md §1). */
static void Defaults(Args *a)
{
  strcpy(a->f.out, "model.h5");
  strcpy(a->f.split, "train");
  strcpy(a->f.val_split, "val");
  strcpy(a->normalization, "node");
  strcpy(a->act, "silu");
  strcpy(a->time, "uniform");
  FFFlowModelConfigDefault(&a->config);
  FFFlowFitOptionsDefault(&a->fit);
  a->fit.time.interval_share = -1; /* the model's: 0.5 for MeanFlow, 0 for flow matching */
  FFTrainOptionsDefault(&a->train);
  a->train.optimizer = FF_OPT_ADAMW;
  a->train.weight_decay = 1e-4;
  a->train.clip_norm = 1.0;
  a->train.ema = 0.999;
  a->train.batch = 8;
  a->train.epochs = 50;
  a->train.lr = 1e-3;
  a->re_range[0] = a->re_range[1] = 0;
}

/* Under -resume the model's settings come from its file. */
static PetscErrorCode ResumeDefaults(MPI_Comm comm, Args *a)
{
  FFKeyValues *kv;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-resume", a->f.resume, sizeof a->f.resume, &set));
  if (!set || !a->f.resume[0]) PetscFunctionReturn(0);
  PetscCallFF(FFKeyValuesCreate(&kv));
  if (FFCheckpointReadConfig(a->f.resume, kv)) {
    FFKeyValuesDestroy(&kv);
    SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -resume: %s", FFErrorMessage());
  }
  PetscErrorCode ierr = FFTrainOptionsFromKeyValues(kv, &a->train);
  const char *v = FFKeyValuesGet(kv, "data.dir");
  if (v) PetscCall(PetscStrncpy(a->f.data, v, sizeof a->f.data));
  if ((v = FFKeyValuesGet(kv, "data.split"))) PetscCall(PetscStrncpy(a->f.split, v, sizeof a->f.split));
  if ((v = FFKeyValuesGet(kv, "data.val_split"))) PetscCall(PetscStrncpy(a->f.val_split, v, sizeof a->f.val_split));
  if ((v = FFKeyValuesGet(kv, "flow.unroll_max"))) a->fit.unroll_max = atoi(v);
  if ((v = FFKeyValuesGet(kv, "flow.unroll_last_only"))) a->fit.unroll_last_only = atoi(v) ? PETSC_TRUE : PETSC_FALSE;
  if ((v = FFKeyValuesGet(kv, "flow.chunk"))) a->fit.chunk = atoi(v);
  if ((v = FFKeyValuesGet(kv, "flow.time_sampling"))) PetscCall(PetscStrncpy(a->time, v, sizeof a->time));
  if ((v = FFKeyValuesGet(kv, "flow.time_mean"))) a->fit.time.mean = atof(v);
  if ((v = FFKeyValuesGet(kv, "flow.time_std"))) a->fit.time.std = atof(v);
  if ((v = FFKeyValuesGet(kv, "flow.interval_share"))) a->fit.time.interval_share = atof(v);
  if ((v = FFKeyValuesGet(kv, "flow.mf_fd_step"))) a->fit.meanflow.fd_step = atof(v);
  if ((v = FFKeyValuesGet(kv, "flow.mf_adaptive_p"))) a->fit.meanflow.adaptive_p = atof(v);
  if ((v = FFKeyValuesGet(kv, "flow.ot"))) a->fit.ot = atoi(v) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscStrncpy(a->f.out, a->f.resume, sizeof a->f.out));
  FFKeyValuesDestroy(&kv);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a)
{
  FFFlowNetConfig *n = &a->config.net;
  PetscInt v;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow train -model fm|pbfm|mf|pbmf: a generative model of fields on a dataset",
                    "fieldflow");
  PetscCall(
      FFTrainFilesOptions(PetscOptionsObject,
                          "fm (flow matching), pbfm (+ the solver's residual, ConFIG), mf (MeanFlow), pbmf (MeanFlow "
                          "+ the residual)",
                          &a->f));
  if (!a->f.resume[0]) {
    PetscCall(PetscOptionsString("-fields", "Fields to generate, in the solver's order (default: all, as stored)", "",
                                 a->fields, a->fields, sizeof a->fields, NULL));
    PetscCall(PetscOptionsString("-conditions", "Dataset parameters the model is conditioned on (default: none)", "",
                                 a->conditions, a->conditions, sizeof a->conditions, NULL));
    PetscCall(PetscOptionsString("-normalization", "node (per-node mean/std) or global (per field component)", "",
                                 a->normalization, a->normalization, sizeof a->normalization, NULL));
    PetscCall(PetscOptionsReal("-sigma_min", "sigma_min of the flow path", "", a->config.sigma_min,
                               &a->config.sigma_min, NULL));
    v = n->width;
    PetscCall(PetscOptionsInt("-width", "Latent width of the GNN", "", v, &v, NULL));
    n->width = (int)v;
    v = n->blocks;
    PetscCall(PetscOptionsInt("-blocks", "Message-passing blocks", "", v, &v, NULL));
    n->blocks = (int)v;
    v = n->hidden_layers;
    PetscCall(PetscOptionsInt("-depth", "Hidden layers of every MLP", "", v, &v, NULL));
    n->hidden_layers = (int)v;
    v = n->time_dim;
    PetscCall(PetscOptionsInt("-time_dim", "Width of the time embedding", "", v, &v, NULL));
    n->time_dim = (int)v;
    PetscCall(PetscOptionsReal("-time_scale", "Time embedding of time_scale t (default 1000; MeanFlow 10)", "",
                               n->time_scale, &n->time_scale, &a->time_scale_set));
    PetscCall(PetscOptionsString("-act", "Activation: relu, silu, gelu", "", a->act, a->act, sizeof a->act, NULL));
  }
  v = a->fit.unroll_max;
  PetscCall(
      PetscOptionsInt("-unroll_max", "PBFM: Euler steps of x1_hat in the last quarter of training", "", v, &v, NULL));
  a->fit.unroll_max = (int)v;
  PetscCall(PetscOptionsBool("-unroll_last_only", "PBFM: back-propagate through the last unrolled step only", "",
                             a->fit.unroll_last_only, &a->fit.unroll_last_only, NULL));
  v = a->fit.chunk;
  PetscCall(PetscOptionsInt("-chunk", "Samples per network forward (one graph union)", "", v, &v, NULL));
  a->fit.chunk = (int)v;
  PetscCall(PetscOptionsString("-time_sampling", "Training times: uniform or logit_normal", "", a->time, a->time,
                               sizeof a->time, NULL));
  PetscCall(PetscOptionsReal("-time_mean", "Logit-normal times: mean of logit(t)", "", a->fit.time.mean,
                             &a->fit.time.mean, NULL));
  PetscCall(PetscOptionsReal("-time_std", "Logit-normal times: std of logit(t)", "", a->fit.time.std, &a->fit.time.std,
                             NULL));
  PetscCall(PetscOptionsReal("-interval_share",
                             "MeanFlow: share of samples trained on an interval, h > 0 (default 0.5)", "",
                             a->fit.time.interval_share, &a->fit.time.interval_share, NULL));
  PetscCall(PetscOptionsReal("-mf_fd_step", "MeanFlow: step of the central difference of du/dt", "",
                             a->fit.meanflow.fd_step, &a->fit.meanflow.fd_step, NULL));
  PetscCall(PetscOptionsReal("-mf_adaptive_p", "MeanFlow: power of the adaptive loss weight (0: plain MSE)", "",
                             a->fit.meanflow.adaptive_p, &a->fit.meanflow.adaptive_p, NULL));
  PetscCall(PetscOptionsBool("-ot", "Minibatch optimal-transport couplings of noise and data", "", a->fit.ot,
                             &a->fit.ot, NULL));
  PetscInt nre = 2;
  PetscCall(PetscOptionsRealArray("-re_range",
                                  "PBFM, Navier-Stokes without Re: range of the fitted Re (default: "
                                  "the dataset's, widened 2x)",
                                  "", a->re_range, &nre, NULL));
  PetscCall(FFTrainOptionsFromOptions(PetscOptionsObject, &a->train));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode Check(MPI_Comm comm, Args *a)
{
  PetscFunctionBeginUser;
  PetscCheck(!strcmp(a->f.model, "fm") || !strcmp(a->f.model, "pbfm") || !strcmp(a->f.model, "mf") ||
                 !strcmp(a->f.model, "pbmf"),
             comm, PETSC_ERR_ARG_WRONG, "option -model: '%s' (fm, pbfm, mf or pbmf)", a->f.model);
  PetscCheck(!strcmp(a->time, "uniform") || !strcmp(a->time, "logit_normal"), comm, PETSC_ERR_ARG_WRONG,
             "option -time_sampling: '%s' (uniform or logit_normal)", a->time);
  PetscCall(FFFlowTimeKindFromName(a->time, &a->fit.time.kind));
  FFFlowKind kind;
  PetscCall(FFFlowKindFromName(a->f.model, &kind));
  /* MeanFlow trains on intervals; flow matching cannot (its network has no interval input) */
  if (!FFFlowKindAverage(kind))
    a->fit.time.interval_share = 0;
  else if (a->fit.time.interval_share < 0)
    a->fit.time.interval_share = 0.5;
  PetscCheck(a->fit.time.std > 0 && a->fit.time.interval_share >= 0 && a->fit.time.interval_share <= 1, comm,
             PETSC_ERR_ARG_OUTOFRANGE, "options -time_std %g (> 0), -interval_share %g (in [0, 1])", a->fit.time.std,
             a->fit.time.interval_share);
  PetscCheck(a->fit.meanflow.fd_step > 0 && a->fit.meanflow.adaptive_p >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -mf_fd_step %g (> 0), -mf_adaptive_p %g (>= 0)", a->fit.meanflow.fd_step,
             a->fit.meanflow.adaptive_p);
  PetscCall(FFTrainFilesCheck(comm, &a->f));
  PetscCheck(!strcmp(a->normalization, "node") || !strcmp(a->normalization, "global"), comm, PETSC_ERR_ARG_WRONG,
             "option -normalization: '%s' (node or global)", a->normalization);
  if (!a->f.resume[0]) { /* a resumed model keeps its file's definition */
    PetscCall(FFFlowKindFromName(a->f.model, &a->config.kind));
    /* MeanFlow's central differences in t need the embedding's fastest wave resolved */
    if (FFFlowKindAverage(a->config.kind) && !a->time_scale_set) a->config.net.time_scale = 10.0;
    a->config.normalization = !strcmp(a->normalization, "node") ? FF_FLOW_NORM_NODE : FF_FLOW_NORM_GLOBAL;
    PetscCallFF(FFActivationFromName(a->act, &a->config.net.act));
    PetscCall(SplitList(a->fields, FF_FLOW_MAX_FIELDS, a->config.fields, &a->config.n_fields, "-fields"));
    PetscCall(SplitList(a->conditions, FF_FLOW_MAX_COND, a->config.cond, &a->config.n_cond, "-conditions"));
    a->config.seed = a->train.seed;
  }
  a->train.physics = FFFlowKindPhysics(a->config.kind);
  PetscFunctionReturn(0);
}

typedef struct {
  FFDataset ds;
  long n_train, n_val;
  FFSample *train, *val;
} Data;

static PetscErrorCode DataLoad(MPI_Comm comm, const Args *a, Data *d)
{
  const unsigned what = FF_READ_MESH | FF_READ_FIELDS;

  PetscFunctionBeginUser;
  if (FFDatasetOpen(a->f.data, &d->ds)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -data: %s", FFErrorMessage());
  if (FFDatasetLoadSplit(d->ds, a->f.split, what, &d->train, &d->n_train))
    SETERRQ(comm, PETSC_ERR_FILE_READ, "option -split: %s", FFErrorMessage());
  PetscCheck(d->n_train > 0, comm, PETSC_ERR_ARG_WRONG, "dataset '%s' has no samples in split '%s'", a->f.data,
             a->f.split);
  if (a->f.val_split[0] && strcmp(a->f.val_split, "none"))
    if (FFDatasetLoadSplit(d->ds, a->f.val_split, what, &d->val, &d->n_val))
      SETERRQ(comm, PETSC_ERR_FILE_READ, "option -val_split: %s", FFErrorMessage());
  PetscFunctionReturn(0);
}

static PetscErrorCode DataDestroy(Data *d)
{
  PetscFunctionBeginUser;
  for (long i = 0; i < d->n_train; i++) FFSampleDestroy(&d->train[i]);
  for (long i = 0; i < d->n_val; i++) FFSampleDestroy(&d->val[i]);
  free(d->train);
  free(d->val);
  if (d->ds) FFDatasetDestroy(&d->ds);
  PetscFunctionReturn(0);
}

/* The solver of the model's mesh (each rank its own: residuals of its share of the batch). */
static PetscErrorCode CreatePhysics(const Args *a, Data *d, FFFlowModel m, FFSweepSolver *ss, FFFlowPhysics *phys)
{
  const FFDatasetSpec *spec = FFDatasetGetSpec(d->ds);
  double lo = a->re_range[0], hi = a->re_range[1];

  PetscFunctionBeginUser;
  PetscCall(FFSweepSolverFromDataset(PETSC_COMM_SELF, d->ds, d->train[0].index, ss));
  /* a failure takes the rebuilt solver down with it: its scratch .msh must not remain */
  PetscErrorCode ierr = FFFlowPhysicsCreate(m, ss->solver, phys);
  if (!(hi > 0))
    for (int j = 0; j < spec->n_params; j++)
      if (!strcmp(spec->params[j].name, "re")) lo = spec->params[j].lo / 2, hi = spec->params[j].hi * 2;
  if (!ierr && hi > 0) ierr = FFFlowPhysicsSetReynoldsRange(*phys, lo, hi);
  if (ierr) {
    PetscCall(FFFlowPhysicsDestroy(phys));
    PetscCall(FFSweepSolverDestroy(ss));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The fit itself, between the physics' creation and destruction. */
static PetscErrorCode Fit(MPI_Comm comm, Args *a, Data *d, FFFlowModel m, FFFlowPhysics phys, FFTrainResult *r)
{
  FFFlowFit fit;
  FFTrainTask task;
  FFTrainer trainer;
  FFParams *P;
  PetscMPIInt size;
  char buf[64];
  int rows, cols;

  PetscFunctionBeginUser;
  a->fit.total_steps = (long)a->train.epochs * ((d->n_train + a->train.batch - 1) / a->train.batch);
  PetscCall(FFFlowFitCreate(m, d->n_train, d->train, d->n_val, d->val, phys, &a->fit, &fit));
  PetscCall(FFFlowFitSetExtra(fit, "data.split", a->f.split));
  PetscCall(FFFlowFitSetExtra(fit, "data.val_split", a->f.val_split[0] ? a->f.val_split : "none"));
  snprintf(buf, sizeof buf, "%ld", d->n_train);
  PetscCall(FFFlowFitSetExtra(fit, "data.n_train", buf));
  PetscCall(FFFlowFitGetTask(fit, &task));
  PetscCall(FFTrainerCreate(comm, &a->train, &task, &trainer));
  FFOptimizer *opt;
  PetscCall(FFTrainerGetOptimizer(trainer, &opt));
  PetscCall(FFFlowFitFollowOptimizer(fit, opt));
  PetscCall(FFTrainerSetOutput(trainer, a->f.out, a->f.csv));
  if (a->f.resume[0]) PetscCall(FFTrainerResume(trainer, a->f.resume));
  PetscCall(FFFlowModelGetParams(m, &P));
  PetscCall(FFFlowModelGetSize(m, &rows, &cols));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm,
                        "training a %s flow model (%zu parameters; %d nodes x %d values) on %ld samples of '%s' (%ld "
                        "for validation), %d epochs of batch %d, %d rank%s, %d thread%s per rank%s\n",
                        a->f.model, P->size, rows, cols, d->n_train, a->f.data, d->n_val, a->train.epochs,
                        a->train.batch, (int)size, size > 1 ? "s" : "", FFNNThreads(), FFNNThreads() > 1 ? "s" : "",
                        phys ? ", residual loss by ConFIG" : ""));
  PetscErrorCode ierr = FFTrainerRun(trainer, r);
  PetscCall(FFTrainerDestroy(&trainer));
  PetscCall(FFFlowFitDestroy(&fit));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode Train(MPI_Comm comm, Args *a, Data *d, FFFlowModel m)
{
  FFSweepSolver ss;
  FFFlowPhysics phys = NULL;
  FFTrainResult r;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&ss, sizeof ss));
  if (FFFlowKindPhysics(a->config.kind)) PetscCall(CreatePhysics(a, d, m, &ss, &phys));
  PetscErrorCode ierr = Fit(comm, a, d, m, phys, &r);
  PetscCall(FFFlowPhysicsDestroy(&phys));
  if (ss.solver) PetscCall(FFSweepSolverDestroy(&ss));
  PetscCall(ierr);
  PetscCall(FFTrainFilesReport(comm, &a->f, &r));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdTrainIsFlow(PetscBool *flow)
{
  char model[16] = "", resume[PETSC_MAX_PATH_LEN] = "";
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", model, sizeof model, &set));
  *flow = !strcmp(model, "fm") || !strcmp(model, "pbfm") || !strcmp(model, "mf") || !strcmp(model, "pbmf");
  PetscCall(PetscOptionsGetString(NULL, NULL, "-resume", resume, sizeof resume, &set));
  if (!*flow && set && resume[0]) {
    FFKeyValues *kv;
    PetscCallFF(FFKeyValuesCreate(&kv));
    if (!FFCheckpointReadConfig(resume, kv)) {
      const char *format = FFKeyValuesGet(kv, "format");
      *flow = format && !strcmp(format, "fieldflow-flow");
    }
    FFErrorClear();
    FFKeyValuesDestroy(&kv);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdTrainFlow(MPI_Comm comm)
{
  Args a;
  Data d;
  PetscBool help;
  FFFlowModel m = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof a));
  PetscCall(PetscMemzero(&d, sizeof d));
  Defaults(&a);
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ResumeDefaults(comm, &a));
  PetscCall(ReadArgs(comm, &a));
  if (help) PetscFunctionReturn(0);
  if (a.f.resume[0]) {
    FFKeyValues *kv;
    PetscCallFF(FFKeyValuesCreate(&kv));
    PetscErrorCode ierr = FFFlowModelLoad(comm, a.f.resume, a.f.data, PETSC_FALSE, &m, kv);
    if (!ierr) PetscCall(PetscStrncpy(a.f.model, FFKeyValuesGet(kv, "model"), sizeof a.f.model));
    FFKeyValuesDestroy(&kv);
    PetscCall(ierr);
    const FFFlowModelConfig *c;
    PetscCall(FFFlowModelGetConfig(m, &c));
    a.config = *c;
  }
  PetscCall(Check(comm, &a));
  PetscErrorCode ierr = DataLoad(comm, &a, &d);
  if (!ierr && !m) {
    ierr = FFFlowModelCreate(comm, &a.config, d.n_train, d.train, &m);
    if (!ierr) ierr = FFFlowModelSetDataSource(m, a.f.data, d.train[0].index);
  }
  if (!ierr) ierr = Train(comm, &a, &d, m);
  PetscCall(FFFlowModelDestroy(&m));
  PetscCall(DataDestroy(&d));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
