/* The files as they are (scan), leftover temporary files, and the manifest: an index that
 * is always rebuilt from the files, never updated in place, so a crash between a sample's
 * rename and a manifest update loses nothing, and only one process ever writes it. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MANIFEST_FORMAT "fieldflow-manifest"

const char *FFSampleStateName(FFSampleState state)
{
  static const char *names[] = {"missing", "ok", "failed", "corrupt"};
  return state >= FF_STATE_MISSING && state <= FF_STATE_CORRUPT ? names[state] : "?";
}

void FFDatasetScanDestroy(FFDatasetScan *scan)
{
  FFFree(&scan->state);
  FFFree(&scan->bytes);
  FFFree(&scan->crc32);
  FFStringsFree(&scan->problem, (int)scan->n);
  FFStringsFree(&scan->temps, scan->n_temps);
  FFStringsFree(&scan->stray, scan->n_stray);
  memset(scan, 0, sizeof *scan);
}

/* The first line of the current error message (without the call chain). */
static FFErrorCode FirstLineOfError(char **out)
{
  const char *m = FFErrorMessage();
  size_t n = strcspn(m, "\n");
  FF_CHECK(FFMalloc(n + 1, out));
  memcpy(*out, m, n);
  (*out)[n] = '\0';
  return FF_SUCCESS;
}

static FFErrorCode ScanSample(FFDataset ds, long i, FFVerifyLevel level, FFDatasetScan *scan)
{
  char path[4200];
  FFFileHeader h;
  FF_CHECK(FFDatasetSamplePath(ds, i, path, sizeof path));
  scan->state[i] = FF_STATE_MISSING;
  if (!FFFileExists(path)) return FF_SUCCESS;
  FFErrorCode rc = FFFileVerify(path, level, &h);
  if (rc == FF_SUCCESS && (strcmp(h.kind, "sample") || h.index != i))
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "corrupt file '%s': holds %s %ld, not sample %ld",
                    path, h.kind, h.index, i);
  if (rc == FF_SUCCESS && strcmp(h.status, "ok") && strcmp(h.status, "failed"))
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "corrupt file '%s': unknown status '%s'", path,
                    h.status);
  if (rc == FF_ERR_FORMAT || rc == FF_ERR_IO) {
    scan->state[i] = FF_STATE_CORRUPT;
    FF_CHECK(FirstLineOfError(&scan->problem[i]));
    return FF_SUCCESS;
  }
  FF_CHECK(rc);
  scan->bytes[i] = h.bytes;
  scan->crc32[i] = h.crc32;
  scan->state[i] = !strcmp(h.status, "ok") ? FF_STATE_OK : FF_STATE_FAILED;
  if (scan->state[i] == FF_STATE_FAILED && level == FF_VERIFY_FULL) {
    FFSample s;
    rc = FFSampleRead(path, 0, &s);
    if (rc) {
      scan->state[i] = FF_STATE_CORRUPT;
      FF_CHECK(FirstLineOfError(&scan->problem[i]));
      return FF_SUCCESS;
    }
    rc = FFStrdup(s.reason, &scan->problem[i]);
    FFSampleDestroy(&s);
    FF_CHECK(rc);
  }
  return FF_SUCCESS;
}

static FFErrorCode AppendPath(char ***list, int *n, const char *dir, const char *name)
{
  char path[4200], **grown = realloc(*list, sizeof **list * (size_t)(*n + 1));
  FF_ASSERT(grown, FF_ERR_MEM, "out of memory listing '%s'", dir);
  *list = grown;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FF_CHECK(FFStrdup(path, &(*list)[*n]));
  (*n)++;
  return FF_SUCCESS;
}

/* A canonical sample name of a planned index ("sample_000012.h5")? */
static int IsPlannedName(FFDataset ds, const char *name)
{
  char *end, path[4200];
  if (strncmp(name, "sample_", 7)) return 0;
  long i = strtol(name + 7, &end, 10);
  if (end == name + 7 || strcmp(end, ".h5") || i < 0 || i >= ds->spec.n) return 0;
  if (FFDatasetSamplePath(ds, i, path, sizeof path)) return 0;
  return !strcmp(strrchr(path, '/') + 1, name);
}

/* Temporary files (in dir and samples/) and files that are no planned sample (samples/). */
static FFErrorCode ListExtras(FFDataset ds, FFDatasetScan *scan)
{
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/%s", ds->dir, FF_SAMPLES_DIR);
  const char *dirs[2] = {ds->dir, sub};
  for (int k = 0; k < 2; k++) {
    DIR *d = opendir(dirs[k]);
    if (!d) {
      FF_ASSERT(k == 1 && errno == ENOENT, FF_ERR_IO, "cannot list '%s': %s", dirs[k], strerror(errno));
      continue;
    }
    FFErrorCode rc = FF_SUCCESS;
    for (struct dirent *e; !rc && (e = readdir(d));) {
      if (e->d_name[0] == '.') continue;
      if (strstr(e->d_name, ".tmp."))
        rc = AppendPath(&scan->temps, &scan->n_temps, dirs[k], e->d_name);
      else if (k == 1 && !IsPlannedName(ds, e->d_name))
        rc = AppendPath(&scan->stray, &scan->n_stray, dirs[k], e->d_name);
    }
    closedir(d);
    FF_CHECK(rc);
  }
  return FF_SUCCESS;
}

FFErrorCode FFDatasetScanFiles(FFDataset ds, FFVerifyLevel level, FFDatasetScan *scan)
{
  long n = ds->spec.n;
  memset(scan, 0, sizeof *scan);
  FFErrorCode rc = FFCalloc(n, sizeof *scan->state, &scan->state);
  if (!rc) rc = FFCalloc(n, sizeof *scan->bytes, &scan->bytes);
  if (!rc) rc = FFCalloc(n, sizeof *scan->crc32, &scan->crc32);
  if (!rc) rc = FFCalloc(n, sizeof *scan->problem, &scan->problem);
  if (!rc) scan->n = n;
  for (long i = 0; !rc && i < n; i++) rc = ScanSample(ds, i, level, scan);
  if (!rc) rc = ListExtras(ds, scan);
  if (rc) {
    FFDatasetScanDestroy(scan);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  for (long i = 0; i < n; i++) scan->counts[scan->state[i]]++;
  return FF_SUCCESS;
}

FFErrorCode FFDatasetCleanTemps(FFDataset ds, int *n_removed)
{
  FFDatasetScan scan;
  memset(&scan, 0, sizeof scan);
  *n_removed = 0;
  FFErrorCode rc = ListExtras(ds, &scan);
  for (int t = 0; !rc && t < scan.n_temps; t++) {
    if (unlink(scan.temps[t]) == 0)
      (*n_removed)++;
    else if (errno != ENOENT)
      rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot remove leftover '%s': %s", scan.temps[t],
                      strerror(errno));
  }
  FFDatasetScanDestroy(&scan);
  return rc;
}

/* ---------- manifest.h5 ---------- */

static FFErrorCode WriteSampleTable(hid_t file, FFDataset ds, const FFDatasetScan *scan)
{
  hid_t g, d;
  long n = scan->n;
  char **files = NULL;
  const char **problems = NULL;
  unsigned char *state = NULL;
  hsize_t dims[1] = {(hsize_t)n};
  FF_CHECK(FFH5CreateGroup(file, "samples", FF_H5_LINK_ORDER, &g));
  FFErrorCode rc = FFCalloc(n, sizeof *files, &files);
  if (!rc) rc = FFCalloc(n, sizeof *problems, &problems);
  if (!rc) rc = FFCalloc(n, sizeof *state, &state);
  size_t skip = strlen(ds->dir) + 1; /* paths relative to the dataset directory */
  for (long i = 0; !rc && i < n; i++) {
    char path[4200];
    state[i] = (unsigned char)scan->state[i];
    problems[i] = scan->problem[i] ? scan->problem[i] : "";
    rc = FFDatasetSamplePath(ds, i, path, sizeof path);
    if (!rc) rc = FFStrdup(scan->state[i] == FF_STATE_MISSING ? "" : path + skip, &files[i]);
  }
  if (!rc) rc = FFH5WriteArray(g, "state", H5T_NATIVE_UINT8, 1, dims, state, NULL, NULL, &d);
  if (!rc) {
    rc = FFH5AttrString(d, "legend", "0 missing, 1 ok, 2 failed, 3 corrupt");
    FFH5Close(&d);
  }
  if (!rc) rc = FFH5WriteStrings(g, "file", (int)n, (const char *const *)files);
  if (!rc) rc = FFH5WriteArray(g, "bytes", H5T_NATIVE_INT64, 1, dims, scan->bytes, "byte", NULL, NULL);
  if (!rc)
    rc = FFH5WriteArray(g, "crc32", H5T_NATIVE_UINT32, 1, dims, scan->crc32, NULL,
                        "CRC-32 (zlib) of the file from byte 512 on, as sealed in its header", NULL);
  if (!rc) rc = FFH5WriteStrings(g, "problem", (int)n, problems);
  FFStringsFree(&files, (int)n);
  free(problems);
  free(state);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode WriteSplitLists(hid_t file, FFDataset ds, const FFDatasetScan *scan)
{
  hid_t g, gs;
  int64_t *idx;
  FF_CHECK(FFMalloc(sizeof *idx * (size_t)scan->n, &idx));
  FFErrorCode rc = FFH5CreateGroup(file, "splits", FF_H5_LINK_ORDER, &g);
  for (int s = 0; !rc && s < ds->spec.n_splits; s++) {
    rc = FFH5CreateGroup(g, ds->spec.splits[s].name, FF_H5_LINK_ORDER, &gs);
    for (int p = 0; !rc && p < 3; p++) {
      hsize_t count = 0;
      for (long i = 0; i < scan->n; i++)
        if (scan->state[i] == FF_STATE_OK && ds->parts[s][i] == p) idx[count++] = i;
      rc = FFH5WriteArray(gs, FFSplitPartName((FFSplitPart)p), H5T_NATIVE_INT64, 1, &count, idx, NULL,
                          "indices of the ok samples in this part", NULL);
    }
    FFH5Close(&gs);
  }
  FFH5Close(&g);
  free(idx);
  return rc;
}

typedef struct {
  FFDataset ds;
  const FFDatasetScan *scan;
  FFVerifyLevel level;
} ManifestCtx;

static FFErrorCode WriteManifestContent(hid_t file, void *ctx)
{
  const FFDataset ds = ((ManifestCtx *)ctx)->ds;
  const FFDatasetScan *scan = ((ManifestCtx *)ctx)->scan;
  const FFVerifyLevel level = ((ManifestCtx *)ctx)->level;
  FF_CHECK(FFDatasetStampWrite(file, MANIFEST_FORMAT));
  FF_CHECK(FFH5AttrString(file, "case", ds->spec.case_name));
  FF_CHECK(FFH5AttrString(file, "fingerprint", ds->fingerprint));
  FF_CHECK(FFH5AttrString(file, "verified", level == FF_VERIFY_FULL ? "full" : "quick"));
  FF_CHECK(FFH5AttrInt(file, "n", scan->n));
  for (int k = 0; k < 4; k++) {
    char name[32];
    snprintf(name, sizeof name, "n_%s", FFSampleStateName((FFSampleState)k));
    FF_CHECK(FFH5AttrInt(file, name, scan->counts[k]));
  }
  FF_CHECK(WriteSampleTable(file, ds, scan));
  FF_CHECK(WriteSplitLists(file, ds, scan));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetWriteManifest(FFDataset ds, FFVerifyLevel level, long counts[4])
{
  char path[4200];
  const FFH5Seal seal = {"manifest", -1, NULL};
  FFDatasetScan scan;
  snprintf(path, sizeof path, "%s/%s", ds->dir, FF_MANIFEST_FILE);
  FF_CHECK(FFDatasetScanFiles(ds, level, &scan));
  ManifestCtx ctx = {ds, &scan, level};
  FFErrorCode rc = FFH5WriteFile(path, FF_H5_DATASET_FILE, &seal, WriteManifestContent, &ctx);
  if (rc) {
    FFDatasetScanDestroy(&scan);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  if (counts) memcpy(counts, scan.counts, sizeof scan.counts);
  /* The freshest knowledge of the files replaces the one from open. */
  FFDatasetScanDestroy(&ds->scan);
  ds->scan = scan;
  return FF_SUCCESS;
}

/* ---------- manifest vs files ---------- */

static FFErrorCode AddLine(char ***lines, int *n, const char *fmt, ...) FF_PRINTF(3, 4);
static FFErrorCode AddLine(char ***lines, int *n, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char **grown = realloc(*lines, sizeof **lines * (size_t)(*n + 1));
  FF_ASSERT(grown, FF_ERR_MEM, "out of memory");
  *lines = grown;
  FF_CHECK(FFStrdup(buf, &(*lines)[*n]));
  (*n)++;
  return FF_SUCCESS;
}

typedef struct {
  char fingerprint[32];
  int64_t n;
  unsigned char *state;
  uint32_t *crc32;
} ManifestTable;

static FFErrorCode ReadManifestTable(hid_t file, void *ctx)
{
  ManifestTable *m = ctx;
  FF_CHECK(FFDatasetStampCheck(file, MANIFEST_FORMAT, "manifest"));
  hid_t g;
  hsize_t dims[1];
  FF_CHECK(FFH5GetAttrString(file, "fingerprint", m->fingerprint, sizeof m->fingerprint));
  FF_CHECK(FFH5GetAttrInt(file, "n", &m->n));
  FF_CHECK(FFH5OpenGroup(file, "samples", &g));
  FFErrorCode rc = FFH5ReadArray(g, "state", H5T_NATIVE_UINT8, 1, dims, (void **)&m->state);
  if (!rc && (int64_t)dims[0] != m->n)
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "manifest state has %lld entries, n is %lld",
                    (long long)dims[0], (long long)m->n);
  if (!rc) rc = FFH5ReadArray(g, "crc32", H5T_NATIVE_UINT32, 1, dims, (void **)&m->crc32);
  if (!rc && (int64_t)dims[0] != m->n)
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "manifest crc32 has %lld entries, n is %lld",
                    (long long)dims[0], (long long)m->n);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode CompareTable(FFDataset ds, const FFDatasetScan *scan, const ManifestTable *m, char ***lines, int *n)
{
  if (strcmp(m->fingerprint, ds->fingerprint))
    return AddLine(lines, n, "manifest.h5 belongs to another definition (fingerprint %s, dataset.h5 has %s)",
                   m->fingerprint, ds->fingerprint);
  if (m->n != scan->n)
    return AddLine(lines, n, "manifest.h5 lists %lld samples, the plan has %ld", (long long)m->n, scan->n);
  for (long i = 0; i < scan->n; i++) {
    char path[4200];
    FF_CHECK(FFDatasetSamplePath(ds, i, path, sizeof path));
    FFSampleState was = m->state[i] <= FF_STATE_CORRUPT ? (FFSampleState)m->state[i] : FF_STATE_CORRUPT;
    if (was != scan->state[i])
      FF_CHECK(AddLine(lines, n, "sample %ld: manifest says %s, the file is %s (%s)", i, FFSampleStateName(was),
                       FFSampleStateName(scan->state[i]), path));
    else if ((was == FF_STATE_OK || was == FF_STATE_FAILED) && m->crc32[i] != scan->crc32[i])
      FF_CHECK(AddLine(lines, n, "sample %ld: file changed since the manifest (CRC-32 %08x, manifest %08x) (%s)", i,
                       (unsigned)scan->crc32[i], (unsigned)m->crc32[i], path));
  }
  return FF_SUCCESS;
}

FFErrorCode FFDatasetCheckManifest(FFDataset ds, const FFDatasetScan *scan, char ***lines, int *n_lines)
{
  char path[4200];
  FFFileHeader h;
  *lines = NULL;
  *n_lines = 0;
  snprintf(path, sizeof path, "%s/%s", ds->dir, FF_MANIFEST_FILE);
  if (!FFFileExists(path)) return AddLine(lines, n_lines, "no manifest (%s is missing)", path);
  FFErrorCode rc = FFFileVerify(path, FF_VERIFY_FULL, &h);
  if (rc == FF_ERR_FORMAT || rc == FF_ERR_IO) {
    char *why;
    FF_CHECK(FirstLineOfError(&why));
    rc = AddLine(lines, n_lines, "%s", why);
    free(why);
    return rc;
  }
  ManifestTable m;
  memset(&m, 0, sizeof m);
  rc = FFH5ReadFile(path, ReadManifestTable, &m);
  if (rc)
    rc = AddLine(lines, n_lines, "manifest %s cannot be read: %.200s", path, FFErrorMessage());
  else
    rc = CompareTable(ds, scan, &m, lines, n_lines);
  free(m.state);
  free(m.crc32);
  return rc;
}
