/* The parameter registry: named matrices in one contiguous, seeded-initialized array. */
#include "nn_private.h"

#include <stdlib.h>

FFErrorCode FFParamsCreate(FFParams **params)
{
  FF_CHECK(FFCalloc(1, sizeof(FFParams), params));
  return FF_SUCCESS;
}

void FFParamsDestroy(FFParams **params)
{
  if (!params || !*params) return;
  free((*params)->info);
  free((*params)->values);
  FFFree(params);
}

int FFParamsFind(const FFParams *params, const char *name)
{
  for (int i = 0; i < params->n; i++)
    if (!strcmp(params->info[i].name, name)) return i;
  return -1;
}

FFErrorCode FFParamsAdd(FFParams *params, const char *name, int rows, int cols, FFInitKind init, float init_scale,
                        int flags, int *index)
{
  FF_ASSERT(!params->set_up, FF_ERR_STATE, "parameter '%s' added after FFParamsSetUp", name);
  FF_ASSERT(name && *name && strlen(name) < FF_NAME_LEN && !strchr(name, '/'), FF_ERR_ARG,
            "invalid parameter name '%s' (1..%d characters, no '/')", name ? name : "(null)", FF_NAME_LEN - 1);
  FF_ASSERT(rows > 0 && cols > 0, FF_ERR_ARG, "parameter '%s' has shape %d x %d", name, rows, cols);
  FF_ASSERT(FFParamsFind(params, name) < 0, FF_ERR_ARG, "parameter '%s' registered twice", name);
  if (params->n == params->cap) {
    int cap = params->cap ? 2 * params->cap : 64;
    FFParamInfo *nfo = realloc(params->info, (size_t)cap * sizeof *nfo);
    if (!nfo) FF_ERROR(FF_ERR_MEM, "out of memory registering parameter '%s'", name);
    params->info = nfo;
    params->cap = cap;
  }
  FFParamInfo *p = &params->info[params->n];
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->rows = rows;
  p->cols = cols;
  p->init = init;
  p->init_scale = init_scale;
  p->flags = flags;
  /* 16-float alignment keeps every parameter on its own cache lines */
  p->offset = params->size;
  params->size += ((size_t)rows * cols + 15) & ~(size_t)15;
  if (index) *index = params->n;
  params->n++;
  return FF_SUCCESS;
}

FFErrorCode FFParamsSetUp(FFParams *params, uint64_t seed)
{
  FF_ASSERT(!params->set_up, FF_ERR_STATE, "FFParamsSetUp called twice");
  FF_ASSERT(params->n > 0, FF_ERR_STATE, "no parameters registered");
  void *mem = NULL; /* cache-line aligned, like every parameter's offset */
  if (posix_memalign(&mem, 64, params->size * sizeof(float)))
    FF_ERROR(FF_ERR_MEM, "out of memory allocating %zu parameters", params->size);
  memset(mem, 0, params->size * sizeof(float));
  params->values = mem;
  FFRng rng;
  FFRngSeed(&rng, seed, 0);
  for (int i = 0; i < params->n; i++) {
    const FFParamInfo *p = &params->info[i];
    float *v = params->values + p->offset;
    size_t n = (size_t)p->rows * p->cols;
    switch (p->init) {
    case FF_INIT_ZERO:
      break;
    case FF_INIT_ONE:
      for (size_t k = 0; k < n; k++) v[k] = 1.0f;
      break;
    case FF_INIT_UNIFORM:
      for (size_t k = 0; k < n; k++) v[k] = (float)((2.0 * FFRngUniform(&rng) - 1.0) * p->init_scale);
      break;
    case FF_INIT_NORMAL:
      FFRngNormalFill(&rng, v, n, p->init_scale);
      break;
    }
  }
  params->set_up = 1;
  return FF_SUCCESS;
}

FFErrorCode FFParamsGradCreate(const FFParams *params, float **grad)
{
  FF_ASSERT(params->set_up, FF_ERR_STATE, "parameters are not set up");
  FF_CHECK(FFCalloc(params->size, sizeof(float), grad));
  return FF_SUCCESS;
}

void FFParamsGradZero(const FFParams *params, float *grad) { memset(grad, 0, params->size * sizeof(float)); }
