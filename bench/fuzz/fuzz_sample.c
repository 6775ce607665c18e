/* Fuzz harness: a dataset sample file (samples/sample_NNNNNN.h5), through FFSampleRead with
 * everything asked for (FF_READ_ALL), then what its users do first: FFFieldToNodes on every
 * field, which indexes the nodes through the cells (so a sample that passes the reader must
 * have cells inside its nodes).
 *
 * Each input is read twice. As it is: the sealed header (size + CRC-32) is checked first, so
 * almost every mutation is refused there, which is what protects a reader from a damaged
 * file. Then resealed (the header rewritten to match the bytes, as a hostile or buggy writer
 * could): that input reaches HDF5 and our reading of every group, attribute and array. */
#include "ff_io.h"
#include "fuzz_h5.h"

static char path[4096];

int FuzzSetUp(void)
{
  FuzzScratch("fuzz-sample", ".h5", path, sizeof path);
  return 0;
}

void FuzzTearDown(void) { remove(path); }

static void ReadOnce(void)
{
  FFSample s;
  FFErrorCode rc = FFSampleRead(path, FF_READ_ALL, &s);
  FuzzExpectClean(rc, path);
  if (rc) return;
  if (s.mesh.n_cells > 0)
    for (int f = 0; f < s.n_fields; f++) {
      double *out = malloc(sizeof(double) * (size_t)s.mesh.n_nodes * (size_t)s.fields[f].n_comp + 1);
      if (out) FFFieldToNodes(&s, &s.fields[f], out); /* reads cells and rows as the sample says */
      free(out);
    }
  FFSampleDestroy(&s);
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  ReadOnce();
  if (size > FF_FILE_HEADER_BYTES && !FFFileSeal(path, "sample", 0, "ok")) ReadOnce();
  FuzzExpectNoOpenHDF5();
  FFErrorClear();
  return 0;
}
