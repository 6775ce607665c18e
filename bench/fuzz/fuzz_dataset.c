/* Fuzz harness: a dataset definition (dataset.h5), through FFDatasetOpen (definition, plan,
 * split schemes, then a quick scan of the samples it plans) and the trainer's first calls
 * (FFDatasetSplit of every part). As fuzz_sample.c, each input is read as it is (the sealed
 * header refuses almost all) and resealed (so it reaches HDF5 and our reading of it). */
#define _POSIX_C_SOURCE 200809L
#include "ff_io.h"
#include "fuzz_h5.h"

#include <unistd.h>

static char dir[4096], path[4200];

int FuzzSetUp(void)
{
  FuzzScratch("fuzz-dataset", "", dir, sizeof dir);
  remove(dir);
  if (FFMakeDirs(dir)) return 1;
  snprintf(path, sizeof path, "%s/dataset.h5", dir);
  return 0;
}

void FuzzTearDown(void)
{
  remove(path);
  rmdir(dir);
}

static void OpenOnce(void)
{
  FFDataset ds = NULL;
  FFErrorCode rc = FFDatasetOpen(dir, &ds);
  FuzzExpectClean(rc, dir);
  if (rc) return;
  const char *splits[] = {"train", "val", "test", "all"};
  for (int k = 0; k < 4; k++) {
    long *idx = NULL, n = 0;
    FFDatasetSplit(ds, splits[k], &idx, &n);
    free(idx);
  }
  const FFDatasetSpec *spec = FFDatasetGetSpec(ds);
  for (int s = 0; s < spec->n_splits; s++) {
    const unsigned char *part;
    FFDatasetSplitParts(ds, spec->splits[s].name, &part);
  }
  FFErrorClear();
  FFDatasetDestroy(&ds);
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  OpenOnce();
  if (size > FF_FILE_HEADER_BYTES && !FFFileSeal(path, "dataset", -1, NULL)) OpenOnce();
  FuzzExpectNoOpenHDF5();
  FFErrorClear();
  return 0;
}
