/* A dataset loaded for training: the graphs of its training and validation splits, and the
 * schema they define (or the schema of a model being resumed, checked against them). */
#include "ff_petsc.h"
#include "ff_train.h"

#include <stdlib.h>
#include <string.h>

static PetscErrorCode LoadSplit(MPI_Comm comm, FFSurrogateData *d, const char *split, const FFSurrogateSchema *known,
                                const char *fields, const char *inputs, long *n_out, FFSurrogateGraph **graphs)
{
  FFSample *samples = NULL;
  long n = 0;

  PetscFunctionBegin;
  if (FFDatasetLoadSplit(d->ds, split, FF_READ_MESH | FF_READ_FIELDS, &samples, &n))
    SETERRQ(comm, PETSC_ERR_ARG_WRONG, "dataset '%s': %s", d->dir, FFErrorMessage());
  PetscErrorCode ierr = 0;
  if (!known && n > 0) ierr = FFSurrogateSchemaFromDataset(d->ds, n, samples, fields, inputs, &d->schema);
  if (!ierr && n > 0) ierr = FFSurrogateGraphsFromSamples(&d->schema, n, samples, graphs);
  for (long i = 0; i < n; i++) FFSampleDestroy(&samples[i]);
  free(samples);
  PetscCall(ierr);
  *n_out = n;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateDataLoad(MPI_Comm comm, const char *dir, const char *train_split, const char *val_split,
                                   const FFSurrogateSchema *known, const char *fields, const char *inputs,
                                   FFSurrogateData *d)
{
  PetscFunctionBegin;
  memset(d, 0, sizeof *d);
  PetscCall(PetscStrncpy(d->dir, dir, sizeof d->dir));
  if (FFDatasetOpen(dir, &d->ds)) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "%s", FFErrorMessage());
  PetscCheck(!known || !strcmp(known->fingerprint, FFDatasetFingerprint(d->ds)), comm, PETSC_ERR_ARG_INCOMP,
             "the model was trained on another dataset (fingerprint %s; '%s' has %s)", known ? known->fingerprint : "",
             dir, FFDatasetFingerprint(d->ds));
  if (known) d->schema = *known;
  PetscCall(LoadSplit(comm, d, train_split, known, fields, inputs, &d->n_train, &d->train));
  PetscCheck(d->n_train > 0, comm, PETSC_ERR_ARG_WRONG,
             "dataset '%s' has no samples in split '%s' to train on (generate or finish the dataset first; "
             "`fieldflow info %s` lists its samples)",
             dir, train_split, dir);
  if (val_split && val_split[0] && strcmp(val_split, "none"))
    PetscCall(LoadSplit(comm, d, val_split, &d->schema, NULL, NULL, &d->n_val, &d->val));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateDataDestroy(FFSurrogateData *d)
{
  PetscFunctionBegin;
  PetscCall(FFSurrogateGraphsDestroy(d->n_train, &d->train));
  PetscCall(FFSurrogateGraphsDestroy(d->n_val, &d->val));
  FFDatasetDestroy(&d->ds);
  memset(d, 0, sizeof *d);
  PetscFunctionReturn(0);
}
