/* fieldflow export <dir> -sample 12 -o s12.vtu | -split test -o test.pvd: samples of a
 * dataset as VTU files (quadratic triangles) for ParaView; a split becomes a .pvd
 * collection whose time steps are the sample indices. */
#include "cli_private.h"
#include "ff_io.h"
#include "ff_petsc.h"

#include <stdlib.h>
#include <string.h>

/* A corrupt sample is an error, or (allow_skip: in a collection) a warning. */
static PetscErrorCode ExportOne(FFDataset ds, long index, const char *path, PetscBool allow_skip, PetscBool *skipped)
{
  FFSample s;
  PetscFunctionBeginUser;
  *skipped = PETSC_FALSE;
  FFErrorCode rc = FFDatasetReadSample(ds, index, FF_READ_MESH | FF_READ_FIELDS, &s);
  if (allow_skip && rc == FF_ERR_FORMAT) {
    FFWarn("skipping sample %ld: %.*s", index, (int)strcspn(FFErrorMessage(), "\n"), FFErrorMessage());
    *skipped = PETSC_TRUE;
    PetscFunctionReturn(0);
  }
  PetscCallFF(rc);
  rc = FFSampleWriteVtu(&s, path);
  FFSampleDestroy(&s);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

static PetscErrorCode ExportSample(MPI_Comm comm, FFDataset ds, PetscInt index, const char *out)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  PetscBool skipped;
  PetscFunctionBeginUser;
  PetscCheck(index >= 0 && index < sp->n, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "-sample %d: the plan of '%s' has samples 0..%ld", (int)index, FFDatasetDir(ds), sp->n - 1);
  PetscCheck(!strcmp(FFPathExtension(out), ".vtu"), comm, PETSC_ERR_ARG_WRONG, "-o %s: a sample is written as .vtu",
             out);
  PetscCallFF(FFDatasetSamplePath(ds, index, path, sizeof path));
  PetscCheck(FFFileExists(path), comm, PETSC_ERR_FILE_OPEN, "sample %d of '%s' is missing (%s): not solved yet?",
             (int)index, FFDatasetDir(ds), path);
  PetscCallFF(FFCheckWritable(out));
  PetscCall(ExportOne(ds, index, out, PETSC_FALSE, &skipped));
  PetscCall(PetscPrintf(comm, "wrote %s (sample %d)\n", out, (int)index));
  PetscFunctionReturn(0);
}

/* test.pvd -> the folder test/ beside it, holding test/sample_000012.vtu, ... */
static PetscErrorCode ExportSplit(MPI_Comm comm, FFDataset ds, const char *split, const char *out)
{
  char folder[PETSC_MAX_PATH_LEN], name[PETSC_MAX_PATH_LEN + 64], path[2 * PETSC_MAX_PATH_LEN];
  long *idx, n;
  PetscFunctionBeginUser;
  PetscCheck(!strcmp(FFPathExtension(out), ".pvd"), comm, PETSC_ERR_ARG_WRONG, "-o %s: a split is written as .pvd",
             out);
  PetscCallFF(FFCheckWritable(out));
  PetscCallFF(FFDatasetSplit(ds, split, &idx, &n));
  PetscCheck(n > 0, comm, PETSC_ERR_ARG_WRONG, "split '%s' of '%s' has no ok samples", split, FFDatasetDir(ds));
  PetscCall(PetscStrncpy(folder, out, sizeof folder));
  folder[strlen(folder) - 4] = '\0';
  const char *slash = strrchr(folder, '/'), *stem = slash ? slash + 1 : folder;
  PetscCallFF(FFMakeDirs(folder));
  char **files;
  double *times;
  int written = 0;
  PetscCall(PetscCalloc2(n, &files, n, &times));
  for (long k = 0; k < n; k++) {
    PetscBool skipped;
    snprintf(name, sizeof name, "%s/sample_%06ld.vtu", stem, idx[k]);
    snprintf(path, sizeof path, "%s/sample_%06ld.vtu", folder, idx[k]);
    PetscCall(ExportOne(ds, idx[k], path, PETSC_TRUE, &skipped));
    if (skipped) continue;
    PetscCall(PetscStrallocpy(name, &files[written]));
    times[written++] = (double)idx[k];
  }
  PetscCheck(written > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "no sample of split '%s' could be read", split);
  PetscCallFF(FFVtkWritePvd(out, written, (const char *const *)files, times));
  PetscCall(PetscPrintf(comm, "wrote %s: %d samples of split %s in %s/ (time step = sample index)\n", out, written,
                        split, folder));
  for (int k = 0; k < written; k++) PetscCall(PetscFree(files[k]));
  PetscCall(PetscFree2(files, times));
  free(idx);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdExport(MPI_Comm comm)
{
  char dir[PETSC_MAX_PATH_LEN] = "", split[64] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscBool found, set, has_sample, has_split, has_out, help;
  PetscInt sample = -1;
  PetscMPIInt rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FFCliGetPositional(0, dir, sizeof dir, &found));
  PetscOptionsBegin(comm, NULL, "fieldflow export <dir>: samples as VTU for ParaView", NULL);
  PetscCall(PetscOptionsString("-data", "Dataset directory (or give it as the first word)", NULL, dir, dir, sizeof dir,
                               &set));
  PetscCall(PetscOptionsInt("-sample", "Index of the sample to export (-o x.vtu)", NULL, sample, &sample, &has_sample));
  PetscCall(PetscOptionsString("-split",
                               "Split to export as a collection (-o x.pvd): train, val, test, all, "
                               "<scheme>/<part>",
                               NULL, split, split, sizeof split, &has_split));
  PetscCall(PetscOptionsString("-o", "Output .vtu (a sample) or .pvd (a split)", NULL, out, out, sizeof out, &has_out));
  PetscOptionsEnd();
  PetscCall(FFCliHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(found || set, comm, PETSC_ERR_USER_INPUT, "no dataset given: fieldflow export <dir> -sample i -o x.vtu");
  PetscCheck(has_sample != has_split, comm, PETSC_ERR_USER_INPUT, "give either -sample <index> or -split <name>");
  PetscCheck(has_out && out[0], comm, PETSC_ERR_USER_INPUT, "no output given: -o file.%s", has_sample ? "vtu" : "pvd");
  if (rank) PetscFunctionReturn(0); /* one writer */
  FFDataset ds;
  PetscCallFF(FFDatasetOpen(dir, &ds));
  PetscErrorCode ierr =
      has_sample ? ExportSample(PETSC_COMM_SELF, ds, sample, out) : ExportSplit(PETSC_COMM_SELF, ds, split, out);
  FFDatasetDestroy(&ds);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
