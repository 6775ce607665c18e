/* The files and splits every `fieldflow train` model reads (surrogates and flow models):
 * -model, -data, -o, -resume, -loss_csv, -split, -val_split, their checks, and the closing
 * line of a training run. */
#include "cli_private.h"
#include "ff_report.h"
#include "ff_util.h"

#include <stdio.h>

PetscErrorCode FFTrainFilesOptions(PetscOptionItems *PetscOptionsObject, const char *model_help, FFTrainFiles *f)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString("-model", model_help, "", f->model, f->model, sizeof f->model, NULL));
  PetscCall(PetscOptionsString("-data", "Dataset directory", "", f->data, f->data, sizeof f->data, NULL));
  PetscCall(
      PetscOptionsString("-o", "Model file (.h5); checkpoints go there too", "", f->out, f->out, sizeof f->out, NULL));
  PetscCall(PetscOptionsString("-resume", "Continue training from this model file", "", f->resume, f->resume,
                               sizeof f->resume, NULL));
  PetscCall(PetscOptionsString("-loss_csv", "Loss curves (default: beside -o, _loss.csv)", "", f->csv, f->csv,
                               sizeof f->csv, NULL));
  PetscCall(PetscOptionsString("-split", "Training split", "", f->split, f->split, sizeof f->split, NULL));
  PetscCall(PetscOptionsString("-val_split", "Validation split (none: no validation)", "", f->val_split, f->val_split,
                               sizeof f->val_split, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainFilesCheck(MPI_Comm comm, FFTrainFiles *f)
{
  PetscFunctionBeginUser;
  PetscCheck(f->data[0], comm, PETSC_ERR_ARG_WRONG, "option -data: give the dataset directory");
  PetscCheck(f->out[0], comm, PETSC_ERR_ARG_WRONG, "option -o: give the model file");
  if (!f->csv[0]) {
    const char *ext = FFPathExtension(f->out);
    snprintf(f->csv, sizeof f->csv, "%.*s_loss.csv", (int)(ext - f->out), f->out);
  }
  if (FFCheckWritable(f->out)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option -o: %s", FFErrorMessage());
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainFilesReport(MPI_Comm comm, const FFTrainFiles *f, const FFTrainResult *r)
{
  char took[32];

  PetscFunctionBeginUser;
  FFFormatDuration(r->seconds, took, sizeof took);
  PetscCheck(!r->interrupted, comm, PETSC_ERR_USER,
             "interrupted by a signal after step %ld: the model is saved in '%s'; continue with -resume %s", r->step,
             f->out, f->out);
  PetscCall(PetscPrintf(comm,
                        "%s after %ld steps (%ld epochs) in %s (%.1f s in all runs, %.1f CPU s of rank 0); wrote %s "
                        "and %s\n",
                        r->time_limited ? "stopped early (-max_time or -stop_at_step)" : "trained", r->step, r->epoch,
                        took, r->total_seconds, r->cpu_seconds, f->out, f->csv));
  PetscFunctionReturn(0);
}
