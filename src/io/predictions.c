/* Predictions files (docs/formats.md): the fields a model predicted for the samples of a
 * dataset split, made by any program (the Python package, `fieldflow compare
 * -save_predictions`) and scored against the solver by `fieldflow compare -predictions`.
 * The reader refuses anything it cannot score as it stands: a layout that does not add up,
 * a sample twice, a value that is not finite; each message names the file and the place. */
#include "io_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PREDICTIONS_FORMAT "fieldflow-predictions"

/* The history arrays a report plots, as the file's /history names them and as FFNamedArrays
 * names them for the report (the names model files use). */
static const char *const history_names[][2] = {
    {"epoch", "history_epoch"}, {"train_loss", "history_train_loss"}, {"val_error", "history_val_error"}};
#define N_HISTORY ((int)(sizeof history_names / sizeof *history_names))

void FFPredictionsDestroy(FFPredictions *p)
{
  FFFree(&p->indices);
  FFFree(&p->n_nodes);
  FFFree(&p->n_vertices);
  FFFree(&p->seconds);
  for (int f = 0; f < p->n_fields; f++) FFFree(&p->fields[f].data);
  FFNamedArraysDestroy(&p->history);
  memset(p, 0, sizeof *p);
}

long FFPredictionsFind(const FFPredictions *p, long index)
{
  for (long k = 0; k < p->n; k++)
    if (p->indices[k] == index) return k;
  return -1;
}

/* Rows of entry k in a field of this location. */
static long Rows(const FFPredictions *p, FFFieldLocation location, long k)
{
  return location == FF_FIELD_VERTICES ? p->n_vertices[k] : p->n_nodes[k];
}

/* The first row of entry k and the total of all entries. */
static long FirstRow(const FFPredictions *p, FFFieldLocation location, long k)
{
  long r = 0;
  for (long j = 0; j < k; j++) r += Rows(p, location, j);
  return r;
}

FFErrorCode FFPredictionsSampleField(const FFPredictions *p, long k, int f, FFField *view)
{
  FF_ASSERT(k >= 0 && k < p->n && f >= 0 && f < p->n_fields, FF_ERR_ARG, "no entry %ld / field %d in predictions", k,
            f);
  *view = p->fields[f];
  view->data = p->fields[f].data + (size_t)FirstRow(p, view->location, k) * (size_t)view->n_comp;
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- reading */

typedef struct {
  const char *path;
  FFPredictions *p;
} ReadCtx;

static int CompareLong(const void *a, const void *b)
{
  const long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

static FFErrorCode ReadCounts(hid_t file, const char *path, FFPredictions *p)
{
  hsize_t dims[2];
  int64_t *buf[3] = {NULL, NULL, NULL};
  const char *names[3] = {"indices", "n_nodes", "n_vertices"};
  long n = -1;
  FFErrorCode rc = FF_SUCCESS;
  for (int a = 0; !rc && a < 3; a++) {
    rc = FFH5ReadArray(file, names[a], H5T_NATIVE_INT64, 1, dims, (void **)&buf[a]);
    if (!rc && n >= 0 && (long)dims[0] != n)
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__,
                      "predictions file '%s': /%s has %ld entries, /indices %ld", path, names[a], (long)dims[0], n);
    if (!rc) n = (long)dims[0];
  }
  if (!rc && n < 1)
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "predictions file '%s' holds no sample", path);
  if (!rc) rc = FFMalloc(sizeof(long) * (size_t)n, &p->indices);
  if (!rc) rc = FFMalloc(sizeof(long) * (size_t)n, &p->n_nodes);
  if (!rc) rc = FFMalloc(sizeof(long) * (size_t)n, &p->n_vertices);
  if (!rc) p->n = n;
  for (long k = 0; !rc && k < n; k++) {
    p->indices[k] = (long)buf[0][k];
    p->n_nodes[k] = (long)buf[1][k];
    p->n_vertices[k] = (long)buf[2][k];
    if (p->indices[k] < 0 || p->n_nodes[k] < 1 || p->n_vertices[k] < 1 || p->n_vertices[k] > p->n_nodes[k])
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__,
                      "predictions file '%s', entry %ld: sample %ld with %ld nodes and %ld vertices", path, k,
                      p->indices[k], p->n_nodes[k], p->n_vertices[k]);
  }
  /* each sample once: sorted copy */
  long *sorted = NULL;
  if (!rc) rc = FFMalloc(sizeof(long) * (size_t)n, &sorted);
  if (!rc) {
    memcpy(sorted, p->indices, sizeof(long) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof *sorted, CompareLong);
    for (long k = 1; !rc && k < n; k++)
      if (sorted[k] == sorted[k - 1])
        rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__,
                        "predictions file '%s' holds sample %ld twice in /indices", path, sorted[k]);
  }
  free(sorted);
  for (int a = 0; a < 3; a++) free(buf[a]);
  return rc;
}

/* Names entry, row and component of the first value that is not finite. */
static FFErrorCode CheckFiniteField(const FFPredictions *p, const char *path, const FFField *f)
{
  size_t i = 0;
  for (long k = 0; k < p->n; k++) {
    const long rows = Rows(p, f->location, k);
    for (long r = 0; r < rows; r++)
      for (int c = 0; c < f->n_comp; c++, i++)
        FF_ASSERT(isfinite(f->data[i]), FF_ERR_NUMERIC,
                  "predictions file '%s': field '%s' is %g at sample %ld, %s %ld, component %d", path, f->name,
                  f->data[i], p->indices[k], f->location == FF_FIELD_VERTICES ? "vertex" : "node", r, c);
  }
  return FF_SUCCESS;
}

static FFErrorCode ReadField(hid_t g, const char *path, const char *name, FFPredictions *p, FFField *f)
{
  char location[32] = "";
  hsize_t dims[2];
  memset(f, 0, sizeof *f);
  FF_CHECK(FFCopyName(f->name, sizeof f->name, name, "predicted field name"));
  FF_CHECK(FFH5ReadArray(g, name, H5T_NATIVE_DOUBLE, 2, dims, (void **)&f->data));
  f->n_comp = (int)dims[1];
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  FFErrorCode rc = FFH5GetAttrString(d, "location", location, sizeof location);
  if (!rc && H5Aexists(d, "components") > 0)
    rc = FFH5GetAttrString(d, "components", f->components, sizeof f->components);
  FFH5Close(&d);
  FF_CHECK(rc);
  FF_ASSERT(!strcmp(location, "nodes") || !strcmp(location, "vertices"), FF_ERR_FORMAT,
            "predictions file '%s': field '%s' has location '%s' (nodes or vertices)", path, name, location);
  f->location = !strcmp(location, "vertices") ? FF_FIELD_VERTICES : FF_FIELD_NODES;
  FF_ASSERT(f->n_comp >= 1, FF_ERR_FORMAT, "predictions file '%s': field '%s' has no component", path, name);
  const long want = FirstRow(p, f->location, p->n);
  FF_ASSERT((long)dims[0] == want, FF_ERR_FORMAT,
            "predictions file '%s': field '%s' has %ld rows; the %ld samples' %s add up to %ld", path, name,
            (long)dims[0], p->n, location, want);
  FF_CHECK(CheckFiniteField(p, path, f));
  return FF_SUCCESS;
}

static FFErrorCode ReadFields(hid_t file, const char *path, FFPredictions *p)
{
  hid_t g;
  char **names = NULL;
  int n = 0;
  FF_CHECK(FFH5OpenGroup(file, "fields", &g));
  FFErrorCode rc = FFH5List(g, &n, &names);
  if (!rc && (n < 1 || n > FF_PREDICTIONS_MAX_FIELDS))
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__,
                    "predictions file '%s' has %d fields in /fields (1 to %d)", path, n, FF_PREDICTIONS_MAX_FIELDS);
  for (int i = 0; !rc && i < n; i++) {
    rc = ReadField(g, path, names[i], p, &p->fields[i]);
    p->n_fields = i + 1; /* so that Destroy frees what was read */
  }
  FFStringsFree(&names, n);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode ReadSeconds(hid_t file, const char *path, FFPredictions *p)
{
  if (!FFH5Has(file, "seconds")) return FF_SUCCESS;
  FF_CHECK(FFMalloc(sizeof(double) * (size_t)p->n, &p->seconds));
  FF_CHECK(FFH5ReadArrayInto(file, "seconds", H5T_NATIVE_DOUBLE, (size_t)p->n, p->seconds));
  for (long k = 0; k < p->n; k++)
    FF_ASSERT(isfinite(p->seconds[k]) && p->seconds[k] >= 0, FF_ERR_FORMAT,
              "predictions file '%s': /seconds of sample %ld is %g", path, p->indices[k], p->seconds[k]);
  return FF_SUCCESS;
}

static FFErrorCode ReadHistory(hid_t file, FFPredictions *p)
{
  if (!FFH5Has(file, "history")) return FF_SUCCESS;
  hid_t g;
  FF_CHECK(FFH5OpenGroup(file, "history", &g));
  FFErrorCode rc = FFNamedArraysCreate(&p->history);
  for (int k = 0; !rc && k < N_HISTORY; k++) {
    hsize_t dims[2];
    float *v = NULL;
    if (!FFH5Has(g, history_names[k][0])) continue;
    rc = FFH5ReadArray(g, history_names[k][0], H5T_NATIVE_FLOAT, 1, dims, (void **)&v);
    if (!rc) rc = FFNamedArraysSet(p->history, history_names[k][1], (size_t)dims[0], v);
    free(v);
  }
  FFH5Close(&g);
  return rc;
}

static FFErrorCode ReadContent(hid_t file, void *vctx)
{
  const ReadCtx *c = vctx;
  FFPredictions *p = c->p;
  if (FFDatasetStampCheck(file, PREDICTIONS_FORMAT, "predictions file")) { /* its message names no file */
    char what[512];
    snprintf(what, sizeof what, "%.*s", (int)strcspn(FFErrorMessage(), "\n"), FFErrorMessage());
    FF_ERROR(FF_ERR_FORMAT, "'%s': %s", c->path, what);
  }
  FF_CHECK(FFH5GetAttrString(file, "dataset_fingerprint", p->fingerprint, sizeof p->fingerprint));
  FF_CHECK(FFH5GetAttrString(file, "split", p->split, sizeof p->split));
  if (H5Aexists(file, "producer") > 0) FF_CHECK(FFH5GetAttrString(file, "producer", p->producer, sizeof p->producer));
  if (H5Aexists(file, "parameters") > 0) {
    int64_t np;
    FF_CHECK(FFH5GetAttrInt(file, "parameters", &np));
    p->parameters = np > 0 ? (long)np : 0;
  }
  FF_CHECK(ReadCounts(file, c->path, p));
  FF_CHECK(ReadFields(file, c->path, p));
  FF_CHECK(ReadSeconds(file, c->path, p));
  FF_CHECK(ReadHistory(file, p));
  return FF_SUCCESS;
}

FFErrorCode FFPredictionsRead(const char *path, FFPredictions *p)
{
  memset(p, 0, sizeof *p);
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "predictions file '%s' does not exist", path);
  ReadCtx c = {path, p};
  FFErrorCode rc = FFH5ReadFile(path, ReadContent, &c);
  if (rc) {
    FFPredictionsDestroy(p);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- writing */

static FFErrorCode WriteCounts(hid_t file, const FFPredictions *p)
{
  int64_t *buf;
  hsize_t dims[1] = {(hsize_t)p->n};
  const long *src[3] = {p->indices, p->n_nodes, p->n_vertices};
  const char *names[3] = {"indices", "n_nodes", "n_vertices"};
  FF_CHECK(FFMalloc(sizeof *buf * (size_t)p->n, &buf));
  FFErrorCode rc = FF_SUCCESS;
  for (int a = 0; !rc && a < 3; a++) {
    for (long k = 0; k < p->n; k++) buf[k] = src[a][k];
    rc = FFH5WriteArray(file, names[a], H5T_NATIVE_INT64, 1, dims, buf, NULL, NULL, NULL);
  }
  free(buf);
  return rc;
}

static FFErrorCode WriteContent(hid_t file, void *vctx)
{
  const FFPredictions *p = vctx;
  hid_t g;
  FF_CHECK(FFDatasetStampWrite(file, PREDICTIONS_FORMAT));
  FF_CHECK(FFH5AttrString(file, "dataset_fingerprint", p->fingerprint));
  FF_CHECK(FFH5AttrString(file, "split", p->split));
  FF_CHECK(FFH5AttrString(file, "producer", p->producer));
  if (p->parameters > 0) FF_CHECK(FFH5AttrInt(file, "parameters", p->parameters));
  FF_CHECK(WriteCounts(file, p));
  FF_CHECK(FFH5CreateGroup(file, "fields", FF_H5_LINK_ORDER, &g));
  FFErrorCode rc = FF_SUCCESS;
  for (int f = 0; !rc && f < p->n_fields; f++) {
    const FFField *fl = &p->fields[f];
    hsize_t dims[2] = {(hsize_t)FirstRow(p, fl->location, p->n), (hsize_t)fl->n_comp};
    hid_t d;
    rc = FFH5WriteArray(g, fl->name, H5T_NATIVE_DOUBLE, 2, dims, fl->data, NULL, NULL, &d);
    if (!rc) rc = FFH5AttrString(d, "location", fl->location == FF_FIELD_VERTICES ? "vertices" : "nodes");
    if (!rc) rc = FFH5AttrString(d, "components", fl->components);
    if (!rc) FFH5Close(&d);
  }
  FFH5Close(&g);
  FF_CHECK(rc);
  if (p->seconds) {
    hsize_t dims[1] = {(hsize_t)p->n};
    FF_CHECK(FFH5WriteArray(file, "seconds", H5T_NATIVE_DOUBLE, 1, dims, p->seconds, "s", NULL, NULL));
  }
  return FF_SUCCESS;
}

FFErrorCode FFPredictionsWrite(const char *path, const FFPredictions *p)
{
  FF_ASSERT(p->n >= 1 && p->n_fields >= 1 && p->n_fields <= FF_PREDICTIONS_MAX_FIELDS, FF_ERR_ARG,
            "predictions for '%s': %ld samples, %d fields", path, p->n, p->n_fields);
  for (int f = 0; f < p->n_fields; f++) FF_CHECK(CheckFiniteField(p, path, &p->fields[f]));
  FF_CHECK(FFH5WriteFile(path, FF_H5_LINK_ORDER, NULL, WriteContent, (void *)p));
  return FF_SUCCESS;
}
