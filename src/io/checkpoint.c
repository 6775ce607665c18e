/* Checkpoints in HDF5: configuration, normalization statistics, parameters by name and
 * shape, optimizer state. Layout in ff_io.h. */
#include "ff_io.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FF_CKPT_FORMAT  "fieldflow-checkpoint"
#define FF_CKPT_VERSION 1

/* HDF5 prints its error stack by default; our messages say what went wrong instead. */
typedef struct {
  H5E_auto2_t func;
  void *data;
} Quiet;

static void QuietBegin(Quiet *q)
{
  H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void QuietEnd(const Quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

/* Closing the file closes everything opened in it, also on error paths. */
static hid_t StrongCloseAccess(void)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
  return fapl;
}

/* ---------------------------------------------------------------- writing */

static FFErrorCode WriteStringAttr(hid_t loc, const char *name, const char *value, const char *path)
{
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, strlen(value) + 1);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = attr < 0 ? -1 : H5Awrite(attr, type, value);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  FF_ASSERT(st >= 0, FF_ERR_IO, "cannot write attribute '%s' to checkpoint '%s'", name, path);
  return FF_SUCCESS;
}

static FFErrorCode WriteNumberAttr(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, const void *value,
                                   const char *path)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = attr < 0 ? -1 : H5Awrite(attr, mem_type, value);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  FF_ASSERT(st >= 0, FF_ERR_IO, "cannot write attribute '%s' to checkpoint '%s'", name, path);
  return FF_SUCCESS;
}

static FFErrorCode WriteLong(hid_t loc, const char *name, long v, const char *path)
{
  return WriteNumberAttr(loc, name, H5T_STD_I64LE, H5T_NATIVE_LONG, &v, path);
}

static FFErrorCode WriteDouble(hid_t loc, const char *name, double v, const char *path)
{
  return WriteNumberAttr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, path);
}

static FFErrorCode WriteArray(hid_t group, const char *name, int rank, const hsize_t *dims, const float *data,
                              const char *path)
{
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t set = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = set < 0 ? -1 : H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (set >= 0) H5Dclose(set);
  H5Sclose(space);
  FF_ASSERT(st >= 0, FF_ERR_IO, "cannot write dataset '%s' to checkpoint '%s'", name, path);
  return FF_SUCCESS;
}

static FFErrorCode NewGroup(hid_t loc, const char *name, int track_order, hid_t *group, const char *path)
{
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  if (track_order) H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  *group = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  FF_ASSERT(*group >= 0, FF_ERR_IO, "cannot create group '%s' in checkpoint '%s'", name, path);
  return FF_SUCCESS;
}

/* One dataset per parameter, values taken from a flat array with the registry's layout. */
static FFErrorCode WriteParamSet(hid_t loc, const char *group_name, const FFParams *P, const float *flat,
                                 const char *path)
{
  hid_t g;
  FF_CHECK(NewGroup(loc, group_name, 0, &g, path));
  for (int i = 0; i < P->n; i++) {
    const FFParamInfo *p = &P->info[i];
    hsize_t dims[2] = {(hsize_t)p->rows, (hsize_t)p->cols};
    FF_CHECK(WriteArray(g, p->name, 2, dims, flat + p->offset, path));
  }
  H5Gclose(g);
  return FF_SUCCESS;
}

static FFErrorCode WriteOptimizer(hid_t file, const FFParams *P, FFOptimizer *opt, const char *path)
{
  FFOptimizerState st;
  FFOptimizerGetState(opt, &st);
  const FFOptimizerConfig *c = FFOptimizerGetConfig(opt);
  hid_t g;
  FF_CHECK(NewGroup(file, "optimizer", 0, &g, path));
  FF_CHECK(WriteStringAttr(g, "type", c->type == FF_OPT_ADAMW ? "adamw" : "adam", path));
  FF_CHECK(WriteLong(g, "step", st.step, path));
  FF_CHECK(WriteLong(g, "skipped", st.skipped, path));
  FF_CHECK(WriteDouble(g, "plateau_lr", st.plateau_lr, path));
  FF_CHECK(WriteDouble(g, "plateau_best", st.plateau_best, path));
  FF_CHECK(WriteLong(g, "plateau_bad", st.plateau_bad, path));
  const char *names[] = {"lr", "beta1", "beta2", "eps", "weight_decay", "clip_norm", "ema_decay"};
  double values[] = {c->lr, c->beta1, c->beta2, c->eps, c->weight_decay, c->clip_norm, c->ema_decay};
  for (int k = 0; k < 7; k++) FF_CHECK(WriteDouble(g, names[k], values[k], path));
  FF_CHECK(WriteParamSet(g, "m", P, st.m, path));
  FF_CHECK(WriteParamSet(g, "v", P, st.v, path));
  if (st.ema) FF_CHECK(WriteParamSet(g, "ema", P, st.ema, path));
  H5Gclose(g);
  return FF_SUCCESS;
}

static FFErrorCode WriteAll(hid_t file, const FFParams *P, FFOptimizer *opt, const FFKeyValues *config,
                            const FFNamedArrays *stats, const char *path)
{
  FF_CHECK(WriteStringAttr(file, "format", FF_CKPT_FORMAT, path));
  FF_CHECK(WriteLong(file, "version", FF_CKPT_VERSION, path));
  hid_t g;
  FF_CHECK(NewGroup(file, "config", 1, &g, path));
  for (int i = 0; config && i < config->n; i++) FF_CHECK(WriteStringAttr(g, config->keys[i], config->values[i], path));
  H5Gclose(g);
  FF_CHECK(NewGroup(file, "normalization", 0, &g, path));
  for (int i = 0; stats && i < stats->n; i++) {
    hsize_t dims[1] = {(hsize_t)stats->sizes[i]};
    FF_CHECK(WriteArray(g, stats->names[i], 1, dims, stats->data[i], path));
  }
  H5Gclose(g);
  FF_CHECK(WriteParamSet(file, "params", P, P->values, path));
  if (opt) FF_CHECK(WriteOptimizer(file, P, opt, path));
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointSave(const char *path, const FFParams *params, FFOptimizer *opt, const FFKeyValues *config,
                             const FFNamedArrays *stats)
{
  FF_ASSERT(params && params->set_up, FF_ERR_STATE, "checkpoint '%s': parameters are not set up", path);
  FF_CHECK(FFCheckWritable(path));
  char tmp[4200];
  FF_CHECK(FFTempPathFor(path, tmp, sizeof tmp));
  Quiet q;
  QuietBegin(&q);
  hid_t fapl = StrongCloseAccess();
  hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (file < 0) {
    QuietEnd(&q);
    FF_ERROR(FF_ERR_IO, "cannot create checkpoint file '%s'", tmp);
  }
  FFErrorCode rc = WriteAll(file, params, opt, config, stats, path);
  if (H5Fclose(file) < 0 && !rc) rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot close '%s'", tmp);
  QuietEnd(&q);
  if (rc) {
    unlink(tmp);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  FF_CHECK(FFCommitTemp(tmp, path));
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- reading */

static FFErrorCode ReadStringAttr(hid_t loc, const char *name, char **value, const char *path)
{
  *value = NULL;
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  FF_ASSERT(attr >= 0, FF_ERR_FORMAT, "checkpoint '%s' has no attribute '%s'", path, name);
  hid_t type = H5Aget_type(attr);
  FFErrorCode rc = FF_SUCCESS;
  if (H5Tget_class(type) != H5T_STRING) {
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "attribute '%s' in '%s' is not a string", name, path);
  } else if (H5Tis_variable_str(type) > 0) {
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    char *s = NULL;
    if (H5Aread(attr, mem, &s) < 0 || !s)
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read attribute '%s' in '%s'", name, path);
    else {
      *value = malloc(strlen(s) + 1);
      if (*value) strcpy(*value, s);
      H5free_memory(s);
    }
    H5Tclose(mem);
  } else {
    size_t n = H5Tget_size(type);
    *value = calloc(n + 1, 1);
    if (*value && H5Aread(attr, type, *value) < 0)
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read attribute '%s' in '%s'", name, path);
  }
  H5Tclose(type);
  H5Aclose(attr);
  if (!rc && !*value) rc = FFErrorSet(FF_ERR_MEM, __FILE__, __LINE__, __func__, "out of memory");
  if (rc) FFFree(value);
  return rc;
}

static FFErrorCode ReadNumberAttr(hid_t loc, const char *name, hid_t mem_type, void *value, const char *path)
{
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  FF_ASSERT(attr >= 0, FF_ERR_FORMAT, "checkpoint '%s' has no attribute '%s'", path, name);
  herr_t st = H5Aread(attr, mem_type, value);
  H5Aclose(attr);
  FF_ASSERT(st >= 0, FF_ERR_FORMAT, "attribute '%s' in checkpoint '%s' is not a number", name, path);
  return FF_SUCCESS;
}

/* Shape of a dataset (rank 1 or 2; rank 1 is reported as 1 x n). */
static FFErrorCode DatasetShape(hid_t group, const char *name, int *rank, hsize_t dims[2], const char *where)
{
  hid_t set = H5Dopen2(group, name, H5P_DEFAULT);
  FF_ASSERT(set >= 0, FF_ERR_FORMAT, "%s: cannot open dataset '%s'", where, name);
  hid_t space = H5Dget_space(set);
  *rank = H5Sget_simple_extent_ndims(space);
  int ok = *rank >= 1 && *rank <= 2;
  if (ok) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  H5Dclose(set);
  FF_ASSERT(ok, FF_ERR_FORMAT, "%s: dataset '%s' has rank %d (1 or 2 expected)", where, name, *rank);
  return FF_SUCCESS;
}

static FFErrorCode ReadFloats(hid_t group, const char *name, float *dest, const char *where)
{
  hid_t set = H5Dopen2(group, name, H5P_DEFAULT);
  FF_ASSERT(set >= 0, FF_ERR_FORMAT, "%s: cannot open dataset '%s'", where, name);
  herr_t st = H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dest);
  H5Dclose(set);
  FF_ASSERT(st >= 0, FF_ERR_IO, "%s: cannot read dataset '%s'", where, name);
  return FF_SUCCESS;
}

/* Checks that group_name holds exactly the registry's parameters with their shapes,
 * naming the first difference, then reads them into flat (registry layout). */
static FFErrorCode ReadParamSet(hid_t loc, const char *group_name, const FFParams *P, float *flat, const char *path)
{
  char where[4400];
  snprintf(where, sizeof where, "checkpoint '%s', group '%s'", path, group_name);
  hid_t g = H5Gopen2(loc, group_name, H5P_DEFAULT);
  FF_ASSERT(g >= 0, FF_ERR_FORMAT, "checkpoint '%s' has no group '%s'", path, group_name);
  for (int i = 0; i < P->n; i++) {
    const FFParamInfo *p = &P->info[i];
    FF_ASSERT(H5Lexists(g, p->name, H5P_DEFAULT) > 0, FF_ERR_FORMAT,
              "%s has no parameter '%s' (the model has it, shape %d x %d)", where, p->name, p->rows, p->cols);
    int rank;
    hsize_t dims[2];
    FF_CHECK(DatasetShape(g, p->name, &rank, dims, where));
    long r = rank == 2 ? (long)dims[0] : 1, c = rank == 2 ? (long)dims[1] : (long)dims[0];
    FF_ASSERT(rank == 2 && r == p->rows && c == p->cols, FF_ERR_FORMAT,
              "%s: parameter '%s' has shape %ld x %ld, the model has %d x %d", where, p->name, r, c, p->rows, p->cols);
  }
  H5G_info_t info;
  FF_ASSERT(H5Gget_info(g, &info) >= 0, FF_ERR_FORMAT, "%s: cannot list the group", where);
  for (hsize_t k = 0; k < info.nlinks; k++) {
    char name[FF_NAME_LEN + 1];
    ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT);
    FF_ASSERT(len >= 0, FF_ERR_FORMAT, "%s: cannot read entry %llu", where, (unsigned long long)k);
    FF_ASSERT(len < (ssize_t)sizeof name && FFParamsFind(P, name) >= 0, FF_ERR_FORMAT,
              "%s has parameter '%s' that the model lacks", where, name);
  }
  for (int i = 0; i < P->n; i++) FF_CHECK(ReadFloats(g, P->info[i].name, flat + P->info[i].offset, where));
  H5Gclose(g);
  return FF_SUCCESS;
}

typedef struct {
  FFKeyValues *kv;
  const char *path;
  FFErrorCode rc;
} ConfigVisit;

static herr_t VisitConfigAttr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
  (void)info;
  ConfigVisit *v = data;
  char *value;
  v->rc = ReadStringAttr(loc, name, &value, v->path);
  if (v->rc) return -1;
  v->rc = FFKeyValuesSet(v->kv, name, value);
  free(value);
  return v->rc ? -1 : 0;
}

static FFErrorCode ReadConfig(hid_t file, FFKeyValues *kv, const char *path)
{
  FFKeyValuesClear(kv);
  hid_t g = H5Gopen2(file, "config", H5P_DEFAULT);
  FF_ASSERT(g >= 0, FF_ERR_FORMAT, "checkpoint '%s' has no group 'config'", path);
  ConfigVisit v = {kv, path, FF_SUCCESS};
  hsize_t idx = 0;
  /* creation order when the file tracks it (ours do), names otherwise */
  herr_t st = H5Aiterate2(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, VisitConfigAttr, &v);
  if (st < 0 && !v.rc) {
    FFKeyValuesClear(kv);
    idx = 0;
    st = H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &idx, VisitConfigAttr, &v);
  }
  H5Gclose(g);
  if (v.rc) return FFErrorTrace(v.rc, __FILE__, __LINE__, __func__);
  FF_ASSERT(st >= 0, FF_ERR_FORMAT, "checkpoint '%s': cannot read the configuration", path);
  return FF_SUCCESS;
}

static FFErrorCode ReadStats(hid_t file, FFNamedArrays *na, const char *path)
{
  FFNamedArraysClear(na);
  hid_t g = H5Gopen2(file, "normalization", H5P_DEFAULT);
  FF_ASSERT(g >= 0, FF_ERR_FORMAT, "checkpoint '%s' has no group 'normalization'", path);
  H5G_info_t info;
  FF_ASSERT(H5Gget_info(g, &info) >= 0, FF_ERR_FORMAT, "checkpoint '%s': cannot list 'normalization'", path);
  for (hsize_t k = 0; k < info.nlinks; k++) {
    char name[FF_NAME_LEN + 1];
    ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT);
    FF_ASSERT(len >= 0 && len < (ssize_t)sizeof name, FF_ERR_FORMAT, "checkpoint '%s': bad normalization entry", path);
    int rank;
    hsize_t dims[2];
    FF_CHECK(DatasetShape(g, name, &rank, dims, path));
    size_t n = rank == 1 ? (size_t)dims[0] : (size_t)(dims[0] * dims[1]);
    float *buf;
    FF_CHECK(FFMalloc(n * sizeof(float), &buf));
    FFErrorCode rc = ReadFloats(g, name, buf, path);
    if (!rc) rc = FFNamedArraysSet(na, name, n, buf);
    free(buf);
    FF_CHECK(rc);
  }
  H5Gclose(g);
  return FF_SUCCESS;
}

static FFErrorCode ReadOptimizer(hid_t file, const FFParams *P, FFOptimizer *opt, float *tmp, const char *path)
{
  FF_ASSERT(H5Lexists(file, "optimizer", H5P_DEFAULT) > 0, FF_ERR_FORMAT,
            "checkpoint '%s' has no optimizer state (saved without an optimizer)", path);
  hid_t g = H5Gopen2(file, "optimizer", H5P_DEFAULT);
  FFOptimizerState st, loaded;
  FFOptimizerGetState(opt, &st);
  loaded = st;
  FF_CHECK(ReadNumberAttr(g, "step", H5T_NATIVE_LONG, &loaded.step, path));
  FF_CHECK(ReadNumberAttr(g, "skipped", H5T_NATIVE_LONG, &loaded.skipped, path));
  FF_CHECK(ReadNumberAttr(g, "plateau_lr", H5T_NATIVE_DOUBLE, &loaded.plateau_lr, path));
  FF_CHECK(ReadNumberAttr(g, "plateau_best", H5T_NATIVE_DOUBLE, &loaded.plateau_best, path));
  FF_CHECK(ReadNumberAttr(g, "plateau_bad", H5T_NATIVE_LONG, &loaded.plateau_bad, path));
  /* m and v are read (and checked) completely before anything is changed */
  size_t n = P->size;
  FF_CHECK(ReadParamSet(g, "m", P, tmp, path));
  FF_CHECK(ReadParamSet(g, "v", P, tmp + n, path));
  int has_ema = H5Lexists(g, "ema", H5P_DEFAULT) > 0;
  if (st.ema && has_ema) FF_CHECK(ReadParamSet(g, "ema", P, tmp + 2 * n, path));
  memcpy(st.m, tmp, n * sizeof(float));
  memcpy(st.v, tmp + n, n * sizeof(float));
  if (st.ema) memcpy(st.ema, has_ema ? tmp + 2 * n : P->values, n * sizeof(float));
  FF_CHECK(FFOptimizerSetCounters(opt, &loaded));
  H5Gclose(g);
  return FF_SUCCESS;
}

static FFErrorCode OpenForReading(const char *path, hid_t *file)
{
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "checkpoint '%s' does not exist", path);
  hid_t fapl = StrongCloseAccess();
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  FF_ASSERT(*file >= 0, FF_ERR_FORMAT, "'%s' is not an HDF5 file", path);
  char *format = NULL;
  FFErrorCode rc = ReadStringAttr(*file, "format", &format, path);
  int ok = !rc && !strcmp(format, FF_CKPT_FORMAT);
  free(format);
  long version = 0;
  if (ok) rc = ReadNumberAttr(*file, "version", H5T_NATIVE_LONG, &version, path);
  if (!ok || rc || version != FF_CKPT_VERSION) {
    H5Fclose(*file);
    FF_ERROR(FF_ERR_FORMAT, "'%s' is not a fieldflow checkpoint of version %d", path, FF_CKPT_VERSION);
  }
  return FF_SUCCESS;
}

static FFErrorCode LoadAll(hid_t file, const char *path, FFParams *P, FFOptimizer *opt, FFKeyValues *config,
                           FFNamedArrays *stats, float *tmp)
{
  /* everything is read and checked before the model is touched */
  if (P) FF_CHECK(ReadParamSet(file, "params", P, tmp, path));
  if (opt) FF_CHECK(ReadOptimizer(file, P, opt, tmp + P->size, path));
  if (config) FF_CHECK(ReadConfig(file, config, path));
  if (stats) FF_CHECK(ReadStats(file, stats, path));
  if (P) memcpy(P->values, tmp, P->size * sizeof(float));
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointLoad(const char *path, FFParams *params, FFOptimizer *opt, FFKeyValues *config,
                             FFNamedArrays *stats)
{
  FF_ASSERT(!params || params->set_up, FF_ERR_STATE, "loading '%s' into parameters that are not set up", path);
  FF_ASSERT(!opt || params, FF_ERR_ARG, "loading optimizer state from '%s' needs the parameters too", path);
  float *tmp = NULL;
  if (params) FF_CHECK(FFCalloc(params->size * (opt ? 4 : 1), sizeof(float), &tmp)); /* padding stays 0 */
  Quiet q;
  QuietBegin(&q);
  hid_t file = -1;
  FFErrorCode rc = OpenForReading(path, &file);
  if (!rc) {
    rc = LoadAll(file, path, params, opt, config, stats, tmp);
    H5Fclose(file);
  }
  QuietEnd(&q);
  free(tmp);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointReadConfig(const char *path, FFKeyValues *config)
{
  FF_CHECK(FFCheckpointLoad(path, NULL, NULL, config, NULL));
  return FF_SUCCESS;
}
