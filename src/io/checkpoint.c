/* Checkpoints in HDF5: configuration, normalization statistics, parameters by name and
 * shape, optimizer state. Layout in ff_io.h and docs/nn.md; the files go through the io
 * module's HDF5 helpers (h5.c), like the dataset files, and are sealed like them (size and
 * CRC-32 in the 512-byte user block, checked before HDF5 opens the file: libhdf5 does not
 * survive every damaged file, docs/reliability.md). Version 1 had no seal: such a file is
 * refused, and FFCheckpointUpgrade copies it once into a sealed version-2 file. */
#include "io_private.h"

#include <stdlib.h>
#include <string.h>

#define FF_CKPT_FORMAT  "fieldflow-checkpoint"
#define FF_CKPT_VERSION 2
#define FF_CKPT_KIND    "checkpoint" /* the sealed header's kind */

/* ---------------------------------------------------------------- writing */

/* One dataset per parameter, values taken from a flat array with the registry's layout. */
static FFErrorCode WriteParamSet(hid_t loc, const char *group_name, const FFParams *P, const float *flat)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(loc, group_name, 0, &g));
  FFErrorCode rc = FF_SUCCESS;
  for (int i = 0; !rc && i < P->n; i++) {
    const FFParamInfo *p = &P->info[i];
    hsize_t dims[2] = {(hsize_t)p->rows, (hsize_t)p->cols};
    rc = FFH5WriteArray(g, p->name, H5T_NATIVE_FLOAT, 2, dims, flat + p->offset, NULL, NULL, NULL);
  }
  FFH5Close(&g);
  return rc;
}

static FFErrorCode WriteOptimizerContent(hid_t g, const FFParams *P, FFOptimizer *opt)
{
  FFOptimizerState st;
  FFOptimizerGetState(opt, &st);
  const FFOptimizerConfig *c = FFOptimizerGetConfig(opt);
  FF_CHECK(FFH5AttrStringFixed(g, "type", c->type == FF_OPT_ADAMW ? "adamw" : "adam"));
  FF_CHECK(FFH5AttrInt(g, "step", st.step));
  FF_CHECK(FFH5AttrInt(g, "skipped", st.skipped));
  FF_CHECK(FFH5AttrDouble(g, "plateau_lr", st.plateau_lr));
  FF_CHECK(FFH5AttrDouble(g, "plateau_best", st.plateau_best));
  FF_CHECK(FFH5AttrInt(g, "plateau_bad", st.plateau_bad));
  const char *names[] = {"lr", "beta1", "beta2", "eps", "weight_decay", "clip_norm", "ema_decay"};
  double values[] = {c->lr, c->beta1, c->beta2, c->eps, c->weight_decay, c->clip_norm, c->ema_decay};
  for (int k = 0; k < 7; k++) FF_CHECK(FFH5AttrDouble(g, names[k], values[k]));
  FF_CHECK(WriteParamSet(g, "m", P, st.m));
  FF_CHECK(WriteParamSet(g, "v", P, st.v));
  if (st.ema) FF_CHECK(WriteParamSet(g, "ema", P, st.ema));
  return FF_SUCCESS;
}

static FFErrorCode WriteOptimizer(hid_t file, const FFParams *P, FFOptimizer *opt)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, "optimizer", 0, &g));
  FFErrorCode rc = WriteOptimizerContent(g, P, opt);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode WriteConfig(hid_t file, const FFKeyValues *config)
{
  hid_t g;
  /* the configuration's order is kept: the attributes are listed in creation order */
  FF_CHECK(FFH5CreateGroup(file, "config", FF_H5_ATTR_ORDER, &g));
  FFErrorCode rc = FF_SUCCESS;
  for (int i = 0; !rc && config && i < config->n; i++) rc = FFH5AttrStringFixed(g, config->keys[i], config->values[i]);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode WriteStats(hid_t file, const FFNamedArrays *stats)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, "normalization", 0, &g));
  FFErrorCode rc = FF_SUCCESS;
  for (int i = 0; !rc && stats && i < stats->n; i++) {
    hsize_t dims[1] = {(hsize_t)stats->sizes[i]};
    rc = FFH5WriteArray(g, stats->names[i], H5T_NATIVE_FLOAT, 1, dims, stats->data[i], NULL, NULL, NULL);
  }
  FFH5Close(&g);
  return rc;
}

typedef struct {
  const FFParams *P;
  FFOptimizer *opt;
  const FFKeyValues *config;
  const FFNamedArrays *stats;
} SaveCtx;

static FFErrorCode WriteAll(hid_t file, void *ctx)
{
  const SaveCtx *c = ctx;
  FF_CHECK(FFH5AttrStringFixed(file, "format", FF_CKPT_FORMAT));
  FF_CHECK(FFH5AttrInt(file, "version", FF_CKPT_VERSION));
  FF_CHECK(WriteConfig(file, c->config));
  FF_CHECK(WriteStats(file, c->stats));
  FF_CHECK(WriteParamSet(file, "params", c->P, c->P->values));
  if (c->opt) FF_CHECK(WriteOptimizer(file, c->P, c->opt));
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointSave(const char *path, const FFParams *params, FFOptimizer *opt, const FFKeyValues *config,
                             const FFNamedArrays *stats)
{
  FF_ASSERT(params && params->set_up, FF_ERR_STATE, "checkpoint '%s': parameters are not set up", path);
  SaveCtx ctx = {params, opt, config, stats};
  const FFH5Seal seal = {FF_CKPT_KIND, -1, "ok"};
  FF_CHECK(FFRemoveStaleTemps(path, NULL)); /* a training killed while it saved left one */
  FF_CHECK(FFH5WriteFile(path, FF_H5_USER_BLOCK, &seal, WriteAll, &ctx));
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- reading */

/* Checks that the group holds exactly the registry's parameters with their shapes, naming
 * the first difference, then reads them into flat (registry layout). */
static FFErrorCode ReadParamSetFrom(hid_t g, const char *where, const FFParams *P, float *flat)
{
  for (int i = 0; i < P->n; i++) {
    const FFParamInfo *p = &P->info[i];
    FF_ASSERT(FFH5Has(g, p->name), FF_ERR_FORMAT, "%s has no parameter '%s' (the model has it, shape %d x %d)", where,
              p->name, p->rows, p->cols);
    int rank;
    hsize_t dims[2];
    FF_CHECK(FFH5GetShape(g, p->name, 2, &rank, dims));
    long r = rank == 2 ? (long)dims[0] : 1, c = rank == 2 ? (long)dims[1] : (long)dims[0];
    FF_ASSERT(rank == 2 && r == p->rows && c == p->cols, FF_ERR_FORMAT,
              "%s: parameter '%s' has shape %ld x %ld, the model has %d x %d", where, p->name, r, c, p->rows, p->cols);
  }
  char **names;
  int n;
  FF_CHECK(FFH5List(g, &n, &names));
  int extra = -1;
  for (int k = 0; k < n && extra < 0; k++)
    if (FFParamsFind(P, names[k]) < 0) extra = k;
  FFErrorCode rc = extra < 0 ? FF_SUCCESS
                             : FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__,
                                          "%s has parameter '%s' that the model lacks", where, names[extra]);
  FFStringsFree(&names, n);
  FF_CHECK(rc);
  for (int i = 0; i < P->n; i++) {
    const FFParamInfo *p = &P->info[i];
    FF_CHECK(FFH5ReadArrayInto(g, p->name, H5T_NATIVE_FLOAT, (size_t)p->rows * p->cols, flat + p->offset));
  }
  return FF_SUCCESS;
}

static FFErrorCode ReadParamSet(hid_t loc, const char *group_name, const FFParams *P, float *flat, const char *path)
{
  char where[4400];
  hid_t g;
  snprintf(where, sizeof where, "checkpoint '%s', group '%s'", path, group_name);
  FF_ASSERT(FFH5Has(loc, group_name), FF_ERR_FORMAT, "checkpoint '%s' has no group '%s'", path, group_name);
  FF_CHECK(FFH5OpenGroup(loc, group_name, &g));
  FFErrorCode rc = ReadParamSetFrom(g, where, P, flat);
  FFH5Close(&g);
  return rc;
}

/* The keys in the order they were saved (creation order, which our files track; by name in
 * a file that does not). */
static FFErrorCode ReadConfigFrom(hid_t g, FFKeyValues *kv)
{
  char **keys;
  int n;
  FF_CHECK(FFH5ListAttrs(g, &n, &keys));
  FFErrorCode rc = FF_SUCCESS;
  for (int i = 0; !rc && i < n; i++) {
    char *value = NULL;
    rc = FFH5GetAttrStringDup(g, keys[i], &value);
    if (!rc) rc = FFKeyValuesSet(kv, keys[i], value);
    free(value);
  }
  FFStringsFree(&keys, n);
  return rc;
}

static FFErrorCode ReadConfig(hid_t file, FFKeyValues *kv)
{
  hid_t g;
  FFKeyValuesClear(kv);
  FF_CHECK(FFH5OpenGroup(file, "config", &g));
  FFErrorCode rc = ReadConfigFrom(g, kv);
  FFH5Close(&g);
  if (rc) FFKeyValuesClear(kv);
  return rc;
}

static FFErrorCode ReadStatsFrom(hid_t g, FFNamedArrays *na)
{
  char **names;
  int n;
  FF_CHECK(FFH5List(g, &n, &names));
  FFErrorCode rc = FF_SUCCESS;
  for (int k = 0; !rc && k < n; k++) {
    int rank;
    hsize_t dims[2];
    float *buf = NULL;
    rc = FFH5GetShape(g, names[k], 2, &rank, dims);
    size_t count = rc ? 0 : rank == 1 ? (size_t)dims[0] : (size_t)(dims[0] * dims[1]);
    if (!rc) rc = FFMalloc(count * sizeof(float), &buf);
    if (!rc) rc = FFH5ReadArrayInto(g, names[k], H5T_NATIVE_FLOAT, count, buf);
    if (!rc) rc = FFNamedArraysSet(na, names[k], count, buf);
    free(buf);
  }
  FFStringsFree(&names, n);
  return rc;
}

static FFErrorCode ReadStats(hid_t file, FFNamedArrays *na)
{
  hid_t g;
  FFNamedArraysClear(na);
  FF_CHECK(FFH5OpenGroup(file, "normalization", &g));
  FFErrorCode rc = ReadStatsFrom(g, na);
  FFH5Close(&g);
  return rc;
}

/* Counters into loaded, m, v (and ema) into tmp: nothing of the optimizer changes yet. */
static FFErrorCode ReadOptimizerFrom(hid_t g, const FFParams *P, FFOptimizerState *loaded, int *has_ema, float *tmp,
                                     const char *path)
{
  int64_t step, skipped, bad;
  FF_CHECK(FFH5GetAttrInt(g, "step", &step));
  FF_CHECK(FFH5GetAttrInt(g, "skipped", &skipped));
  FF_CHECK(FFH5GetAttrDouble(g, "plateau_lr", &loaded->plateau_lr));
  FF_CHECK(FFH5GetAttrDouble(g, "plateau_best", &loaded->plateau_best));
  FF_CHECK(FFH5GetAttrInt(g, "plateau_bad", &bad));
  loaded->step = (long)step, loaded->skipped = (long)skipped, loaded->plateau_bad = (long)bad;
  const size_t n = P->size;
  FF_CHECK(ReadParamSet(g, "m", P, tmp, path));
  FF_CHECK(ReadParamSet(g, "v", P, tmp + n, path));
  *has_ema = FFH5Has(g, "ema");
  if (loaded->ema && *has_ema) FF_CHECK(ReadParamSet(g, "ema", P, tmp + 2 * n, path));
  return FF_SUCCESS;
}

static FFErrorCode ReadOptimizer(hid_t file, const FFParams *P, FFOptimizer *opt, float *tmp, const char *path)
{
  FF_ASSERT(FFH5Has(file, "optimizer"), FF_ERR_FORMAT,
            "checkpoint '%s' has no optimizer state (saved without an optimizer)", path);
  FFOptimizerState st, loaded;
  FFOptimizerGetState(opt, &st);
  loaded = st;
  int has_ema = 0;
  hid_t g;
  FF_CHECK(FFH5OpenGroup(file, "optimizer", &g));
  FFErrorCode rc = ReadOptimizerFrom(g, P, &loaded, &has_ema, tmp, path);
  FFH5Close(&g);
  FF_CHECK(rc);
  /* m and v were read (and checked) completely before anything is changed */
  const size_t n = P->size;
  memcpy(st.m, tmp, n * sizeof(float));
  memcpy(st.v, tmp + n, n * sizeof(float));
  if (st.ema) memcpy(st.ema, has_ema ? tmp + 2 * n : P->values, n * sizeof(float));
  FF_CHECK(FFOptimizerSetCounters(opt, &loaded));
  return FF_SUCCESS;
}

/* HDF5's superblock signature: a file that starts with it has no user block, no seal. */
static int UnsealedHDF5(const char *path)
{
  static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char head[8];
  FILE *f = fopen(path, "rb");
  int is = f && fread(head, 1, 8, f) == 8 && !memcmp(head, sig, 8);
  if (f) fclose(f);
  return is;
}

/* The seal (size, CRC-32, kind) before any byte reaches HDF5. */
static FFErrorCode VerifySeal(const char *path)
{
  FFFileHeader h;
  FF_ASSERT(!UnsealedHDF5(path), FF_ERR_FORMAT,
            "'%s' has no sealed header: a version-1 checkpoint (or not fieldflow's); convert it once with "
            "`fieldflow info -model %s -upgrade new.h5`",
            path, path);
  FF_CHECK(FFFileVerify(path, FF_VERIFY_FULL, &h));
  FF_ASSERT(!strcmp(h.kind, FF_CKPT_KIND), FF_ERR_FORMAT, "'%s' is a dataset %s file, not a model checkpoint", path,
            h.kind);
  return FF_SUCCESS;
}

static FFErrorCode CheckFormat(hid_t file, const char *path)
{
  char format[64] = "";
  int64_t version = 0;
  FFErrorCode rc = FFH5GetAttrString(file, "format", format, sizeof format);
  if (!rc && !strcmp(format, FF_CKPT_FORMAT)) rc = FFH5GetAttrInt(file, "version", &version);
  FF_ASSERT(!rc && !strcmp(format, FF_CKPT_FORMAT) && version == FF_CKPT_VERSION, FF_ERR_FORMAT,
            "'%s' is not a fieldflow checkpoint of version %d", path, FF_CKPT_VERSION);
  return FF_SUCCESS;
}

typedef struct {
  const char *path;
  FFParams *P;
  FFOptimizer *opt;
  FFKeyValues *config;
  FFNamedArrays *stats;
  float *tmp;
} LoadCtx;

static FFErrorCode LoadAll(hid_t file, void *ctx)
{
  const LoadCtx *c = ctx;
  FF_CHECK(CheckFormat(file, c->path));
  /* everything is read and checked before the model is touched */
  if (c->P) FF_CHECK(ReadParamSet(file, "params", c->P, c->tmp, c->path));
  if (c->opt) FF_CHECK(ReadOptimizer(file, c->P, c->opt, c->tmp + c->P->size, c->path));
  if (c->config) FF_CHECK(ReadConfig(file, c->config));
  if (c->stats) FF_CHECK(ReadStats(file, c->stats));
  if (c->P) memcpy(c->P->values, c->tmp, c->P->size * sizeof(float));
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointLoad(const char *path, FFParams *params, FFOptimizer *opt, FFKeyValues *config,
                             FFNamedArrays *stats)
{
  FF_ASSERT(!params || params->set_up, FF_ERR_STATE, "loading '%s' into parameters that are not set up", path);
  FF_ASSERT(!opt || params, FF_ERR_ARG, "loading optimizer state from '%s' needs the parameters too", path);
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "checkpoint '%s' does not exist", path);
  float *tmp = NULL;
  if (params) FF_CHECK(FFCalloc(params->size * (opt ? 4 : 1), sizeof(float), &tmp)); /* padding stays 0 */
  LoadCtx ctx = {path, params, opt, config, stats, tmp};
  FFErrorCode rc = VerifySeal(path);
  if (!rc) rc = FFH5ReadFile(path, LoadAll, &ctx);
  free(tmp);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointReadConfig(const char *path, FFKeyValues *config)
{
  FF_CHECK(FFCheckpointLoad(path, NULL, NULL, config, NULL));
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- version 1 -> 2 */

typedef struct {
  hid_t src;
  const char *path, *out;
} UpgradeCtx;

/* The version-1 file's objects copied whole (H5Ocopy: groups, datasets, their attributes);
 * the root's format and version written anew. */
static FFErrorCode CopyAll(hid_t dst, void *ctx)
{
  const UpgradeCtx *c = ctx;
  int n = 0;
  char **names = NULL;
  FF_CHECK(FFH5AttrStringFixed(dst, "format", FF_CKPT_FORMAT));
  FF_CHECK(FFH5AttrInt(dst, "version", FF_CKPT_VERSION));
  FF_CHECK(FFH5List(c->src, &n, &names));
  FFErrorCode rc = FF_SUCCESS;
  for (int i = 0; i < n && !rc; i++)
    if (H5Ocopy(c->src, names[i], dst, names[i], H5P_DEFAULT, H5P_DEFAULT) < 0)
      rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "'%s': cannot copy /%s", c->path, names[i]);
  FFStringsFree(&names, n);
  return rc;
}

/* Reads the version-1 file (open in src) and writes the sealed copy. */
static FFErrorCode UpgradeFrom(hid_t src, void *ctx)
{
  UpgradeCtx *c = ctx;
  char format[64] = "";
  int64_t version = 0;
  FFErrorCode rc = FFH5GetAttrString(src, "format", format, sizeof format);
  if (!rc && !strcmp(format, FF_CKPT_FORMAT)) rc = FFH5GetAttrInt(src, "version", &version);
  FF_ASSERT(!rc && !strcmp(format, FF_CKPT_FORMAT) && version == 1, FF_ERR_FORMAT,
            "'%s' is not a fieldflow checkpoint of version 1", c->path);
  c->src = src;
  const FFH5Seal seal = {FF_CKPT_KIND, -1, "ok"};
  FF_CHECK(FFH5WriteFile(c->out, FF_H5_USER_BLOCK, &seal, CopyAll, c));
  return FF_SUCCESS;
}

FFErrorCode FFCheckpointUpgrade(const char *path, const char *out)
{
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "checkpoint '%s' does not exist", path);
  FF_ASSERT(UnsealedHDF5(path), FF_ERR_FORMAT, "'%s' is not an unsealed (version-1) checkpoint: nothing to upgrade",
            path);
  FF_ASSERT(strcmp(path, out), FF_ERR_ARG, "upgrading '%s' needs another output file", path);
  UpgradeCtx c = {-1, path, out};
  FF_CHECK(FFH5ReadTrustedFile(path, UpgradeFrom, &c)); /* it writes the copy: no probe */
  FF_CHECK(FFCheckpointLoad(out, NULL, NULL, NULL, NULL)); /* sealed, and of this version */
  return FF_SUCCESS;
}
