/* The fieldflow command line: one function per subcommand, PETSc options throughout. */
#ifndef FF_CLI_H
#define FF_CLI_H

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
/* The k-th positional word after the command (words before the first option). */
PetscErrorCode FFCliGetPositional(PetscInt k, char *buf, size_t len, PetscBool *found);

/* Subcommands (src/cli/cmd_<name>.c), listed in main.c. */
PetscErrorCode FFCmdMesh(MPI_Comm comm);
PetscErrorCode FFCmdSolve(MPI_Comm comm);
PetscErrorCode FFCmdInfo(MPI_Comm comm);
PetscErrorCode FFCmdExport(MPI_Comm comm);
PetscErrorCode FFCmdGenerate(MPI_Comm comm);
PetscErrorCode FFCmdTrain(MPI_Comm comm);
PetscErrorCode FFCmdPredict(MPI_Comm comm);
PetscErrorCode FFCmdCompare(MPI_Comm comm);
/* Flow matching (cmd_train_flow.c, cmd_sample.c): train dispatches to FFCmdTrainFlow for
 * -model fm|pbfm (or -resume of a flow model). */
PetscErrorCode FFCmdTrainIsFlow(PetscBool *flow);
PetscErrorCode FFCmdTrainFlow(MPI_Comm comm);
PetscErrorCode FFCmdSample(MPI_Comm comm);
PetscErrorCode FFCmdCompareUQ(MPI_Comm comm); /* compare -mode uq */

#endif
