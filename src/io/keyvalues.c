/* Containers a checkpoint carries besides parameters: configuration key/values and
 * named float arrays (normalization statistics). */
#include "io_private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

FFErrorCode FFKeyValuesCreate(FFKeyValues **kv)
{
  FF_CHECK(FFCalloc(1, sizeof(FFKeyValues), kv));
  return FF_SUCCESS;
}

void FFKeyValuesClear(FFKeyValues *kv)
{
  for (int i = 0; i < kv->n; i++) {
    free(kv->keys[i]);
    free(kv->values[i]);
  }
  kv->n = 0;
}

void FFKeyValuesDestroy(FFKeyValues **kv)
{
  if (!kv || !*kv) return;
  FFKeyValuesClear(*kv);
  free((*kv)->keys);
  free((*kv)->values);
  FFFree(kv);
}

static int FindKey(const FFKeyValues *kv, const char *key)
{
  for (int i = 0; i < kv->n; i++)
    if (!strcmp(kv->keys[i], key)) return i;
  return -1;
}

FFErrorCode FFKeyValuesSet(FFKeyValues *kv, const char *key, const char *value)
{
  FF_ASSERT(key && *key && strlen(key) < FF_NAME_LEN && !strchr(key, '/'), FF_ERR_ARG,
            "invalid configuration key '%s' (1..%d characters, no '/')", key ? key : "(null)", FF_NAME_LEN - 1);
  FF_ASSERT(value, FF_ERR_ARG, "configuration key '%s' without a value", key);
  char *v;
  FF_CHECK(FFStrdup(value, &v));
  int i = FindKey(kv, key);
  if (i >= 0) {
    free(kv->values[i]);
    kv->values[i] = v;
    return FF_SUCCESS;
  }
  if (kv->n == kv->cap) {
    int cap = kv->cap ? 2 * kv->cap : 16;
    char **nk = realloc(kv->keys, (size_t)cap * sizeof *nk);
    if (nk) kv->keys = nk;
    char **nv = realloc(kv->values, (size_t)cap * sizeof *nv);
    if (nv) kv->values = nv;
    if (!nk || !nv) {
      free(v);
      FF_ERROR(FF_ERR_MEM, "out of memory");
    }
    kv->cap = cap;
  }
  FFErrorCode rc = FFStrdup(key, &kv->keys[kv->n]);
  if (rc) {
    free(v);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  kv->values[kv->n++] = v;
  return FF_SUCCESS;
}

FFErrorCode FFKeyValuesSetInt(FFKeyValues *kv, const char *key, long value)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", value);
  return FFKeyValuesSet(kv, key, buf);
}

FFErrorCode FFKeyValuesSetReal(FFKeyValues *kv, const char *key, double value)
{
  char buf[40];
  snprintf(buf, sizeof buf, "%.17g", value);
  return FFKeyValuesSet(kv, key, buf);
}

const char *FFKeyValuesGet(const FFKeyValues *kv, const char *key)
{
  int i = FindKey(kv, key);
  return i >= 0 ? kv->values[i] : NULL;
}

FFErrorCode FFKeyValuesGetInt(const FFKeyValues *kv, const char *key, long *value)
{
  const char *s = FFKeyValuesGet(kv, key);
  FF_ASSERT(s, FF_ERR_FORMAT, "configuration has no key '%s'", key);
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  FF_ASSERT(end != s && *end == '\0' && errno == 0, FF_ERR_FORMAT, "configuration key '%s' = '%s' is not an integer",
            key, s);
  *value = v;
  return FF_SUCCESS;
}

FFErrorCode FFKeyValuesGetInt32(const FFKeyValues *kv, const char *key, int *value)
{
  long v;
  FF_CHECK(FFKeyValuesGetInt(kv, key, &v));
  FF_ASSERT(v >= INT_MIN && v <= INT_MAX, FF_ERR_FORMAT, "configuration key '%s' = %ld is out of range", key, v);
  *value = (int)v;
  return FF_SUCCESS;
}

FFErrorCode FFKeyValuesGetReal(const FFKeyValues *kv, const char *key, double *value)
{
  const char *s = FFKeyValuesGet(kv, key);
  FF_ASSERT(s, FF_ERR_FORMAT, "configuration has no key '%s'", key);
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  FF_ASSERT(end != s && *end == '\0' && errno == 0, FF_ERR_FORMAT, "configuration key '%s' = '%s' is not a number", key,
            s);
  *value = v;
  return FF_SUCCESS;
}

FFErrorCode FFNamedArraysCreate(FFNamedArrays **na)
{
  FF_CHECK(FFCalloc(1, sizeof(FFNamedArrays), na));
  return FF_SUCCESS;
}

void FFNamedArraysClear(FFNamedArrays *na)
{
  for (int i = 0; i < na->n; i++) {
    free(na->names[i]);
    free(na->data[i]);
  }
  na->n = 0;
}

void FFNamedArraysDestroy(FFNamedArrays **na)
{
  if (!na || !*na) return;
  FFNamedArraysClear(*na);
  free((*na)->names);
  free((*na)->sizes);
  free((*na)->data);
  FFFree(na);
}

static int FindArray(const FFNamedArrays *na, const char *name)
{
  for (int i = 0; i < na->n; i++)
    if (!strcmp(na->names[i], name)) return i;
  return -1;
}

FFErrorCode FFNamedArraysSet(FFNamedArrays *na, const char *name, size_t n, const float *values)
{
  FF_ASSERT(name && *name && strlen(name) < FF_NAME_LEN && !strchr(name, '/'), FF_ERR_ARG,
            "invalid array name '%s' (1..%d characters, no '/')", name ? name : "(null)", FF_NAME_LEN - 1);
  FF_ASSERT(n > 0 && values, FF_ERR_ARG, "array '%s' is empty", name);
  float *copy;
  FF_CHECK(FFMalloc(n * sizeof(float), &copy));
  memcpy(copy, values, n * sizeof(float));
  int i = FindArray(na, name);
  if (i < 0) {
    if (na->n == na->cap) {
      int cap = na->cap ? 2 * na->cap : 16;
      char **nn = realloc(na->names, (size_t)cap * sizeof *nn);
      if (nn) na->names = nn;
      size_t *ns = realloc(na->sizes, (size_t)cap * sizeof *ns);
      if (ns) na->sizes = ns;
      float **nd = realloc(na->data, (size_t)cap * sizeof *nd);
      if (nd) na->data = nd;
      if (!nn || !ns || !nd) {
        free(copy);
        FF_ERROR(FF_ERR_MEM, "out of memory");
      }
      na->cap = cap;
    }
    i = na->n;
    FFErrorCode rc = FFStrdup(name, &na->names[i]);
    if (rc) {
      free(copy);
      return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
    }
    na->data[i] = NULL;
    na->n++;
  }
  free(na->data[i]);
  na->data[i] = copy;
  na->sizes[i] = n;
  return FF_SUCCESS;
}

FFErrorCode FFNamedArraysGet(const FFNamedArrays *na, const char *name, size_t *n, const float **values)
{
  int i = FindArray(na, name);
  FF_ASSERT(i >= 0, FF_ERR_FORMAT, "no normalization array '%s'", name);
  *n = na->sizes[i];
  *values = na->data[i];
  return FF_SUCCESS;
}
