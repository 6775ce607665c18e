/* The fieldflow command line: one function per subcommand, PETSc options throughout. */
#ifndef CLI_PRIVATE_H
#define CLI_PRIVATE_H

#include "ff_io.h"
#include "ff_report.h" /* FFTrainResult, and the models, solvers, meshes below it */

#include <petscsys.h>

/* A subcommand runs after PetscInitialize; its options come from the PETSc options
 * database (command line, -case file, -options_file). It reads its own options inside
 * PetscOptionsBegin/End so that `fieldflow <command> -help` lists them with defaults,
 * and returns right after that when -help was given (FFCliHelpRequested). */
typedef PetscErrorCode (*FFCommandFn)(MPI_Comm comm);

typedef struct {
  const char *name;
  const char *summary;
  FFCommandFn run;
} FFCommand;

PetscErrorCode FFCliHelpRequested(PetscBool *help);

/* ---------- -help and unknown options (options.c) ---------- */
typedef struct {
  char *text;
  size_t len, cap;
} FFCliText;
/* Between Begin and End, PETSc's help output goes into text instead of stdout. */
void FFCliCaptureBegin(FFCliText *text);
void FFCliCaptureEnd(void);
void FFCliTextFree(FFCliText *text);
/* Prints captured help on rank 0, each option on one line with its default. */
void FFCliPrintHelp(MPI_Comm comm, const char *text);
/* Before a command runs: every option of the command line (argv, the command word first) that
 * the command would not read, nor PETSc, is printed as an error naming the closest known
 * option, and *refused is set (the caller exits with status 2). Options of PETSc objects
 * (-snes_*, -ksp_*, ...) are left to the report at the end of the run. */
PetscErrorCode FFCliCheckOptions(const FFCommand *cmd, MPI_Comm comm, int argc, char **argv, PetscBool *refused);
/* In help mode: lists the options of a case (mesh and solver), for the commands that read
 * a case (generate, predict, sample). */
PetscErrorCode FFCliCaseHelp(MPI_Comm comm);
/* The k-th positional word after the command (words before the first option). */
PetscErrorCode FFCliGetPositional(PetscInt k, char *buf, size_t len, PetscBool *found);

/* The files and splits of `fieldflow train`, for every model (train_files.c). */
typedef struct {
  char model[16], data[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], resume[PETSC_MAX_PATH_LEN];
  char csv[PETSC_MAX_PATH_LEN], split[FF_NAME_LEN + 16], val_split[FF_NAME_LEN + 16];
} FFTrainFiles;
/* Reads -model (with this help), -data, -o, -resume, -loss_csv, -split, -val_split. */
PetscErrorCode FFTrainFilesOptions(PetscOptionItems *PetscOptionsObject, const char *model_help, FFTrainFiles *f);
/* -data and -o given, -o writable; -loss_csv defaults to <-o stem>_loss.csv. */
PetscErrorCode FFTrainFilesCheck(MPI_Comm comm, FFTrainFiles *f);
/* The closing line of a training run; an interrupted run is an error that says how to resume. */
PetscErrorCode FFTrainFilesReport(MPI_Comm comm, const FFTrainFiles *f, const FFTrainResult *r);

/* One case of fieldflow predict (cmd_predict.c), also the mesh path of predict -designs
 * (cmd_predict_designs.c): the case meshed and its solver set up from the options database. */
typedef struct {
  double mesh, setup, features, network, physics, solve, warm;
} FFCliPredictTimings;

typedef struct {
  FFMesh mesh;
  FFSolver solver;
  FFNodeGraph ng;
  PetscBool has_graph;
  Vec u, initial; /* a state; the solver's initial state (for the reference solve) */
  double cond[FF_SURR_MAX_COND];
  double *pred, *ref;
  FFCliPredictTimings t;
} FFCliPredictCase;

/* Mesh, conditions (the NACA shape from the geometry, the others from the options of their
 * names), solver and node graph of the case in the options database. */
PetscErrorCode FFCliPredictSetUp(MPI_Comm comm, const FFSurrogateSchema *schema, FFCliPredictCase *c);
/* The surrogate's node fields on the case (c->pred). */
PetscErrorCode FFCliPredictInfer(MPI_Comm comm, FFSurrogate s, const FFSurrogateSchema *schema, FFCliPredictCase *c);
PetscErrorCode FFCliPredictCaseDestroy(FFCliPredictCase *c);
/* The prediction (and the reference, may be NULL) on the case's P2 nodes as a .vtu. */
PetscErrorCode FFCliPredictWriteVtu(const char *path, const FFSurrogateSchema *schema, const FFNodeGraph *ng,
                                    const double *pred, const double *ref);

/* fieldflow predict -designs (cmd_predict_designs.c): its options (inside predict's
 * PetscOptionsBegin/End), checked, then the run. */
typedef struct {
  char designs[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], cp[PETSC_MAX_PATH_LEN], vtu_dir[PETSC_MAX_PATH_LEN];
  char path[16], forces[16];
  PetscReal distance;
  PetscInt panels, batch;
  PetscBool progress;
} FFCliDesignArgs;
PetscErrorCode FFCliDesignOptions(PetscOptionItems *PetscOptionsObject, FFCliDesignArgs *d);
PetscErrorCode FFCliDesignCheck(MPI_Comm comm, FFCliDesignArgs *d);
PetscErrorCode FFCliPredictDesigns(MPI_Comm comm, const FFCliDesignArgs *d, FFSurrogate s);

/* The sampler's options of sample and compare -mode uq (sampler_options.c): read before the
 * model is known; what is left out takes the model kind's default. */
typedef struct {
  PetscInt steps; /* 0: the model's */
  PetscReal t_star;
  PetscBool t_star_set, range_set;
  char integrator[16], grid[16]; /* "": the model's */
  PetscReal range[2];
} FFCliSampler;
/* -steps, -t_star, -integrator, -grid, -grid_range (inside PetscOptionsBegin/End). */
PetscErrorCode FFCliSamplerOptions(PetscOptionItems *PetscOptionsObject, FFCliSampler *s);
/* The configuration for a model kind, the options given applied; bad values name the option. */
PetscErrorCode FFCliSamplerConfig(const FFCliSampler *s, FFFlowKind kind, FFFlowSamplerConfig *c);

/* Subcommands (cli/cmd_<name>.c), listed in main.c. */
PetscErrorCode FFCmdMesh(MPI_Comm comm);
PetscErrorCode FFCmdSolve(MPI_Comm comm);
PetscErrorCode FFCmdInfo(MPI_Comm comm);
PetscErrorCode FFCmdExport(MPI_Comm comm);
PetscErrorCode FFCmdGenerate(MPI_Comm comm);
PetscErrorCode FFCmdTrain(MPI_Comm comm);
PetscErrorCode FFCmdPredict(MPI_Comm comm);
PetscErrorCode FFCmdCompare(MPI_Comm comm);
/* Flow matching (cmd_train_flow.c, cmd_sample.c): train dispatches to FFCmdTrainFlow for
 * -model fm|pbfm|mf|pbmf (or -resume of a flow model). */
PetscErrorCode FFCmdTrainIsFlow(PetscBool *flow);
PetscErrorCode FFCmdTrainFlow(MPI_Comm comm);
PetscErrorCode FFCmdSample(MPI_Comm comm);
PetscErrorCode FFCmdCompareUQ(MPI_Comm comm); /* compare -mode uq */

#endif
