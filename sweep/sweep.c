/* The sweep object: creation, its options, destruction. */
#include "sweep_private.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode FFSweepCreate(MPI_Comm comm, FFSweep *sweep)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(sweep));
  (*sweep)->comm = comm;
  (*sweep)->method = FF_SAMPLING_LHS;
  (*sweep)->ranks_per_sample = 1;
  (*sweep)->progress = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepDestroy(FFSweep *sweep)
{
  PetscFunctionBegin;
  if (!*sweep) PetscFunctionReturn(0);
  PetscCall(PetscFree((*sweep)->options));
  PetscCall(PetscFree((*sweep)->runtime));
  PetscCall(PetscFree(*sweep));
  PetscFunctionReturn(0);
}

/* "cases/airfoil/sweep.opts" -> "airfoil": the folder of the case file names the dataset's
 * case, however the file was named on the command line. */
static void DefaultCaseName(char *name, size_t len)
{
  char given[PETSC_MAX_PATH_LEN] = "", path[PATH_MAX];
  PetscBool set = PETSC_FALSE;
  snprintf(name, len, "case");
  if (PetscOptionsGetString(NULL, NULL, "-case", given, sizeof given, &set) || !set || !realpath(given, path)) return;
  char *slash = strrchr(path, '/');
  if (slash) *slash = '\0';
  char *parent = strrchr(path, '/');
  if (parent && parent[1]) snprintf(name, len, "%s", parent + 1);
}

static PetscErrorCode ParseParams(FFSweep sw, char **text, PetscInt n)
{
  PetscFunctionBegin;
  PetscCheck(n <= FF_SWEEP_MAX_PARAMS, sw->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -sweep_params: at most %d parameters", FF_SWEEP_MAX_PARAMS);
  for (PetscInt j = 0; j < n; j++) {
    FFErrorCode rc = FFParamRangeParse(text[j], &sw->params[j]);
    PetscCheck(!rc, sw->comm, PETSC_ERR_ARG_WRONG, "option -sweep_params: %.*s", FFSweepErrorLine(), FFErrorMessage());
  }
  sw->n_params = (int)n;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseHoldouts(FFSweep sw, char **text, PetscInt n, PetscReal val, uint64_t seed)
{
  PetscFunctionBegin;
  PetscCheck(n + 1 <= FF_DATASET_MAX_SPLITS - 1, sw->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -sweep_holdout: at most %d holdout splits", FF_DATASET_MAX_SPLITS - 2);
  for (PetscInt k = 0; k < n; k++) {
    FFSplitSpec *s = &sw->splits[sw->n_splits++];
    FFErrorCode rc = FFSplitSpecParse(text[k], s);
    PetscCheck(!rc, sw->comm, PETSC_ERR_ARG_WRONG, "option -sweep_holdout: %.*s", FFSweepErrorLine(), FFErrorMessage());
    s->val_fraction = val;
    s->seed = seed;
  }
  PetscFunctionReturn(0);
}

/* Checks the options read and applies them to the sweep. */
static PetscErrorCode ApplyOptions(FFSweep sw, PetscInt n, PetscInt method, PetscInt seed, PetscInt split_seed,
                                   PetscReal val, PetscReal test, char **params, PetscInt np, char **holdouts,
                                   PetscInt nh)
{
  PetscFunctionBegin;
  sw->n = n;
  sw->method = (FFSamplingMethod)method;
  PetscCheck(seed >= 0 && split_seed >= -1, sw->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -sweep_seed and -sweep_split_seed must be >= 0");
  sw->seed = (uint64_t)seed;
  uint64_t sseed = split_seed >= 0 ? (uint64_t)split_seed : sw->seed;
  PetscCheck(sw->out[0], sw->comm, PETSC_ERR_USER_INPUT, "no output directory: give -o data/<name>");
  PetscCheck(np > 0, sw->comm, PETSC_ERR_USER_INPUT,
             "option -sweep_params: no swept parameters (the case must declare e.g. -sweep_params re:5:40)");
  PetscCheck(sw->ranks_per_sample >= 1, sw->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "option -ranks_per_sample must be >= 1, got %d", (int)sw->ranks_per_sample);
  PetscCall(ParseParams(sw, params, np));
  FFSplitSpecRandom(val, test, sseed, &sw->splits[0]);
  sw->n_splits = 1;
  PetscCall(ParseHoldouts(sw, holdouts, nh, val, sseed));
  PetscCall(FFSweepCaptureOptions(sw));
  PetscFunctionReturn(0);
}

/* What the options block reads; the option arrays' strings are the caller's to free. */
typedef struct {
  FFSweep sw;
  char *params[FF_SWEEP_MAX_PARAMS + 1], *holdouts[FF_DATASET_MAX_SPLITS];
  PetscInt np, nh, method, n, seed, split_seed;
  PetscReal val, test;
  PetscBool has_params, has_holdouts;
} SweepOptionsCtx;

static PetscErrorCode SweepOptions(PetscOptionItems *PetscOptionsObject, void *ctx)
{
  SweepOptionsCtx *c = ctx;
  FFSweep sw = c->sw;
  const char *methods[] = {"lhs", "sobol"};
  PetscFunctionBegin;
  PetscCall(PetscOptionsString("-o", "Output dataset directory (created, or resumed when it holds this sweep)",
                               "docs/datasets.md", sw->out, sw->out, sizeof sw->out, NULL));
  PetscCall(PetscOptionsInt("-n", "Number of samples in the plan", "docs/datasets.md", c->n, &c->n, NULL));
  PetscCall(PetscOptionsStringArray("-sweep_params",
                                    "Swept parameters, each the case option it sets: name[units]:lo:hi[:log] or "
                                    "name:seed, comma-separated",
                                    "docs/datasets.md", c->params, &c->np, &c->has_params));
  PetscCall(PetscOptionsEList("-sweep_sampling", "Design of the plan: lhs (Latin hypercube) or sobol",
                              "docs/datasets.md", methods, 2, methods[c->method], &c->method, NULL));
  PetscCall(PetscOptionsInt("-sweep_seed", "Seed of the plan (and of the splits unless -sweep_split_seed)",
                            "docs/datasets.md", c->seed, &c->seed, NULL));
  PetscCall(PetscOptionsReal("-sweep_val_fraction", "Validation fraction of every split", "docs/datasets.md", c->val,
                             &c->val, NULL));
  PetscCall(PetscOptionsReal("-sweep_test_fraction", "Test fraction of the random split", "docs/datasets.md", c->test,
                             &c->test, NULL));
  PetscCall(PetscOptionsInt("-sweep_split_seed", "Seed of the splits (default: -sweep_seed)", "docs/datasets.md",
                            c->split_seed, &c->split_seed, NULL));
  PetscCall(PetscOptionsStringArray("-sweep_holdout",
                                    "Extrapolation splits: param:lo:hi[:outside] holds out the samples in [lo, hi] "
                                    "(an empty bound is open: aoa:6: holds out aoa >= 6), comma-separated",
                                    "docs/datasets.md", c->holdouts, &c->nh, &c->has_holdouts));
  PetscCall(PetscOptionsString("-sweep_case", "Case name recorded in the dataset (default: the -case file's folder)",
                               "docs/datasets.md", sw->case_name, sw->case_name, sizeof sw->case_name, NULL));
  PetscCall(PetscOptionsInt("-ranks_per_sample", "MPI ranks that solve one sample together", "docs/datasets.md",
                            sw->ranks_per_sample, &sw->ranks_per_sample, NULL));
  PetscCall(PetscOptionsBool("-progress", "Progress line on a terminal (plain lines otherwise)", "docs/datasets.md",
                             sw->progress, &sw->progress, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSetFromOptions(FFSweep sw)
{
  SweepOptionsCtx c = {.sw = sw,
                       .np = FF_SWEEP_MAX_PARAMS + 1,
                       .nh = FF_DATASET_MAX_SPLITS,
                       .method = sw->method,
                       .split_seed = -1,
                       .val = 0.1,
                       .test = 0.1};
  PetscBool help;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  DefaultCaseName(sw->case_name, sizeof sw->case_name);
  PetscErrorCode ierr =
      FFOptionsBlock(sw->comm, NULL, "fieldflow generate: a parameter sweep of reference solves into a dataset",
                     "docs/datasets.md", SweepOptions, &c);
  if (!c.has_params) c.np = 0;
  if (!c.has_holdouts) c.nh = 0;
  /* the strings the option arrays returned are freed also when an option is refused (they
   * leaked: found by bench/fuzz) */
  if (!ierr && !help)
    ierr = ApplyOptions(sw, c.n, c.method, c.seed, c.split_seed, c.val, c.test, c.params, c.np, c.holdouts, c.nh);
  for (PetscInt j = 0; j < c.np; j++) PetscCall(PetscFree(c.params[j]));
  for (PetscInt k = 0; k < c.nh; k++) PetscCall(PetscFree(c.holdouts[k]));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
