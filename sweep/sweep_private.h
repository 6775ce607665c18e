/* Private to sweep/: the sweep object and what its files share. */
#ifndef SWEEP_PRIVATE_H
#define SWEEP_PRIVATE_H

#include "ff_petsc.h"
#include "ff_sweep.h"

#include <string.h>

/* Length of the first line of fieldflow's error message (the lines after it say where). */
static inline int FFSweepErrorLine(void) { return (int)strcspn(FFErrorMessage(), "\n"); }

#define FF_SWEEP_MAX_PARAMS 16

struct _p_FFSweep {
  MPI_Comm comm;
  char out[PETSC_MAX_PATH_LEN]; /* -o: the dataset directory */
  char case_name[FF_NAME_LEN];
  long n;
  FFSamplingMethod method;
  uint64_t seed;
  int n_params;
  FFParamRange params[FF_SWEEP_MAX_PARAMS];
  int n_splits; /* the random split first, then the holdouts */
  FFSplitSpec splits[FF_DATASET_MAX_SPLITS];
  PetscInt ranks_per_sample;
  PetscBool progress;
  char *options; /* the options that define the solves: sorted "-name value" lines, parameters excluded */
  char *runtime; /* options passed to every solve but not recorded (monitors, viewers, -gmsh) */
};

/* ---------- options (options.c) ---------- */
/* Splits the options database into what defines the solves (sweep->options) and what only
 * watches them (sweep->runtime), leaving out the sweep's own options and the parameters. */
PetscErrorCode FFSweepCaptureOptions(FFSweep sweep);
/* The options text of one sample: the defining options, then one line per parameter. */
PetscErrorCode FFSweepSampleOptions(FFSweep sweep, const double *values, char **text);
/* A fresh options database holding text (and extra, may be NULL). */
PetscErrorCode FFSweepOptionsCreate(const char *text, const char *extra, PetscOptions *options);
/* The same, made the default for everything until FFSweepOptionsPop. */
PetscErrorCode FFSweepOptionsPush(const char *text, const char *extra, PetscOptions *options);
/* Restores the previous default database; options used in the popped one are marked used
 * in it too (so `fieldflow` does not warn about them), then the popped one is destroyed. */
PetscErrorCode FFSweepOptionsPop(PetscOptions *options);
/* Options used in `from` marked used in the current default database. */
PetscErrorCode FFSweepOptionsMarkUsed(PetscOptions from);

/* ---------- one sample (sample.c) ---------- */
/* Meshes and solves one sample on comm with the given options text (a sample's, from
 * FFSweepSampleOptions) and writes it into ds on comm's rank 0 (ds may be NULL on the other
 * ranks): solved, or failed with the reason (on rank 0). *failed says which. An error is
 * returned only for what is not the sample's fault (writing the file). */
PetscErrorCode FFSweepSolveSample(MPI_Comm comm, FFDataset ds, long index, const char *text, const char *runtime,
                                  PetscBool *failed, char reason[FF_REASON_MAX]);
/* One rank, before anything is written: the case meshes and sets up (on PETSC_COMM_SELF)
 * with the options of one of its first samples, and every parameter's option is read by the
 * mesh or the solver. plan: n x n_params. */
PetscErrorCode FFSweepProbe(FFSweep sweep, const double *plan);

#endif
