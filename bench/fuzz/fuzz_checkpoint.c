/* Fuzz harness: a model checkpoint (-model of predict and compare, -resume of train), through
 * FFCheckpointReadConfig (the io reader, whose errors must name the file), FFSurrogateLoad (the
 * configuration parsed into a model, which is then built and its parameters, normalizations
 * and averaged weights loaded), and FFCheckpointLoad of the optimizer state (train -resume).
 * The model the configuration describes is built before its parameters are read and checked
 * against it.
 *
 * Each input is read twice, like the dataset files: as it is (the sealed header, size and
 * CRC-32, is checked before HDF5 opens the file, so almost every mutation is refused there),
 * then resealed (the header rewritten to match the bytes, as a hostile or buggy writer could),
 * which reaches HDF5 and our reading of it. */
#include "ff_surrogate.h"
#include "fuzz_h5.h"
#include "fuzz_petsc.h"

static char path[4096];

int FuzzSetUp(void)
{
  if (FuzzPetscInit()) return 1;
  FuzzScratch("fuzz-checkpoint", ".h5", path, sizeof path);
  return 0;
}

void FuzzTearDown(void)
{
  remove(path);
  FuzzPetscFinalize();
}

static PetscErrorCode LoadModel(void)
{
  FFSurrogate s = NULL;
  FFOptimizer *opt = NULL;
  FFOptimizerConfig oc;
  FFParams *params;
  PetscFunctionBegin;
  PetscCall(FFSurrogateLoad(PETSC_COMM_SELF, path, &s, NULL, NULL));
  PetscCall(FFSurrogateGetParams(s, &params));
  FFOptimizerConfigDefault(&oc);
  oc.ema_decay = 0.99;
  PetscErrorCode ierr = FFOptimizerCreate(params, &oc, &opt) ? PETSC_ERR_MEM : 0;
  if (!ierr) ierr = FFSurrogateLoadOptimizer(s, path, opt);
  FFOptimizerDestroy(&opt);
  PetscCall(FFSurrogateDestroy(&s));
  PetscFunctionReturn(ierr);
}

static void ReadOnce(void)
{
  FFKeyValues *kv;
  if (FFKeyValuesCreate(&kv)) abort();
  FuzzExpectClean(FFCheckpointReadConfig(path, kv), path);
  FFKeyValuesDestroy(&kv);
  LoadModel();
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  ReadOnce();
  if (size > FF_FILE_HEADER_BYTES && !FFFileSeal(path, "checkpoint", -1, "ok")) ReadOnce();
  FuzzExpectNoOpenHDF5();
  FFErrorClear();
  return 0;
}
