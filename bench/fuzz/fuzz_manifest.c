/* Fuzz harness: a dataset's manifest (manifest.h5), through what `fieldflow info` does with
 * it: FFDatasetScanFiles, then FFDatasetCheckManifest, which reads the manifest's table and
 * compares it with the files. The dataset around it is fixed (made once per process: four
 * planned samples, one recorded as failed), so a manifest of that dataset goes past the
 * fingerprint check to the comparison. FF_FUZZ_SEED_DIR=dir copies that dataset's own
 * manifest there as a seed (bench/fuzz/seeds.sh). Each input is read as it is and resealed
 * (fuzz_sample.c says why). */
#define _POSIX_C_SOURCE 200809L
#include "ff_io.h"
#include "fuzz_h5.h"

#include <unistd.h>

static char dir[4096], path[4200];
static FFDataset ds;

static int CopyFile(const char *from, const char *to)
{
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  char buf[65536];
  int bad = !in || !out;
  for (size_t n; !bad && (n = fread(buf, 1, sizeof buf, in)) > 0;) bad = fwrite(buf, 1, n, out) != n;
  if (in) fclose(in);
  if (out && fclose(out)) bad = 1;
  return bad;
}

int FuzzSetUp(void)
{
  FFParamRange range = {.name = "aoa", .units = "deg", .lo = -2, .hi = 8, .scale = FF_PARAM_LINEAR};
  FFDatasetSpec spec = {.case_name = "fuzz",
                        .options = "-problem darcy\n",
                        .method = FF_SAMPLING_LHS,
                        .n = 4,
                        .seed = 1,
                        .n_params = 1,
                        .params = &range};
  FFSolverStats stats = {.iterations = 3, .final_residual = 1, .wall_time = 0.5};
  long counts[4];
  FuzzScratch("fuzz-manifest", "", dir, sizeof dir);
  remove(dir);
  snprintf(path, sizeof path, "%s/manifest.h5", dir);
  if (FFDatasetCreate(dir, &spec, &ds) || FFDatasetWriteFailure(ds, 1, "diverged", &stats) ||
      FFDatasetWriteManifest(ds, FF_VERIFY_FULL, counts)) {
    fprintf(stderr, "fuzz_manifest: %s\n", FFErrorMessage());
    return 1;
  }
  const char *seeds = getenv("FF_FUZZ_SEED_DIR");
  if (seeds) {
    char seed[4200];
    snprintf(seed, sizeof seed, "%s/own_manifest.h5", seeds);
    if (CopyFile(path, seed)) return 1;
  }
  return 0;
}

void FuzzTearDown(void)
{
  char sample[4200];
  FFDatasetSamplePath(ds, 1, sample, sizeof sample);
  remove(sample);
  remove(path);
  snprintf(sample, sizeof sample, "%s/dataset.h5", dir);
  remove(sample);
  snprintf(sample, sizeof sample, "%s/samples", dir);
  rmdir(sample);
  rmdir(dir);
  FFDatasetDestroy(&ds);
}

static void CheckOnce(void)
{
  FFDatasetScan scan;
  char **lines = NULL;
  int n = 0;
  if (FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan)) abort(); /* the fixed dataset is intact */
  FFErrorCode rc = FFDatasetCheckManifest(ds, &scan, &lines, &n);
  FuzzExpectClean(rc, path);
  /* a manifest that is not this dataset's, or is damaged, is a disagreement named in a line */
  for (int k = 0; k < n; k++)
    if (!lines[k] || !lines[k][0]) abort();
  FFStringsFree(&lines, n);
  FFDatasetScanDestroy(&scan);
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  CheckOnce();
  if (size > FF_FILE_HEADER_BYTES && !FFFileSeal(path, "manifest", -1, NULL)) CheckOnce();
  FuzzExpectNoOpenHDF5();
  FFErrorClear();
  return 0;
}
