/* fieldflow io: model checkpoints in HDF5 (layout in docs/nn.md).
 *
 *   /            attributes format = "fieldflow-checkpoint", version = 1
 *   /config      one string attribute per key (the model's configuration)
 *   /normalization/<name>   float32 [n]     (normalization statistics)
 *   /params/<name>          float32 [rows, cols]
 *   /optimizer   attributes step, skipped, plateau_*, and the hyperparameters;
 *                m/<name>, v/<name>, ema/<name> like /params
 *
 * Written to a temporary file and renamed. Loading checks every parameter's name and
 * shape against the model and names the first one that differs; a failed load leaves
 * the model untouched. In MPI runs let one rank save (every rank may load). */
#ifndef FF_CHECKPOINT_H
#define FF_CHECKPOINT_H

#include "ff_nn.h"

/* ---------- configuration: ordered string key/value pairs ---------- */
typedef struct {
  int n, cap;
  char **keys, **values;
} FFKeyValues;

FFErrorCode FFKeyValuesCreate(FFKeyValues **kv);
void FFKeyValuesDestroy(FFKeyValues **kv);
void FFKeyValuesClear(FFKeyValues *kv);
/* Sets (or replaces) a value. Keys: 1..95 characters, no '/'. */
FFErrorCode FFKeyValuesSet(FFKeyValues *kv, const char *key, const char *value);
FFErrorCode FFKeyValuesSetInt(FFKeyValues *kv, const char *key, long value);
FFErrorCode FFKeyValuesSetReal(FFKeyValues *kv, const char *key, double value); /* round-trips exactly */
/* NULL when the key is missing. */
const char *FFKeyValuesGet(const FFKeyValues *kv, const char *key);
/* Fail with a message naming the key when it is missing or not a number. */
FFErrorCode FFKeyValuesGetInt(const FFKeyValues *kv, const char *key, long *value);
FFErrorCode FFKeyValuesGetInt32(const FFKeyValues *kv, const char *key, int *value); /* also fails out of int range */
FFErrorCode FFKeyValuesGetReal(const FFKeyValues *kv, const char *key, double *value);

/* ---------- named float arrays (normalization statistics) ---------- */
typedef struct {
  int n, cap;
  char **names;
  size_t *sizes;
  float **data;
} FFNamedArrays;

FFErrorCode FFNamedArraysCreate(FFNamedArrays **na);
void FFNamedArraysDestroy(FFNamedArrays **na);
void FFNamedArraysClear(FFNamedArrays *na);
/* Copies values (replaces an array of the same name). */
FFErrorCode FFNamedArraysSet(FFNamedArrays *na, const char *name, size_t n, const float *values);
/* Fails naming the array when it is missing; *values points into na. */
FFErrorCode FFNamedArraysGet(const FFNamedArrays *na, const char *name, size_t *n, const float **values);

/* ---------- checkpoints ---------- */
/* opt, config and stats may be NULL (not saved). */
FFErrorCode FFCheckpointSave(const char *path, const FFParams *params, FFOptimizer *opt, const FFKeyValues *config,
                             const FFNamedArrays *stats);
/* Reads what is asked for (NULL: skipped). params must be set up with the model the
 * checkpoint was saved from (build it from FFCheckpointReadConfig's configuration). */
FFErrorCode FFCheckpointLoad(const char *path, FFParams *params, FFOptimizer *opt, FFKeyValues *config,
                             FFNamedArrays *stats);
/* Only the configuration, to build the model before loading its parameters. */
FFErrorCode FFCheckpointReadConfig(const char *path, FFKeyValues *config);

#endif
