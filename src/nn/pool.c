/* The tape's memory pool: blocks are handed out best-fit and come back on release, so
 * a training loop that repeats the same shapes stops allocating after its first steps. */
#include "nn_private.h"

#include <stdlib.h>

/* Rounded up so slightly different sizes (variable graphs) reuse the same blocks. */
static size_t RoundUp(size_t n) { return (n + 1023) & ~(size_t)1023; }

FFErrorCode FFPoolAcquire(FFPool *pool, size_t n, float **ptr, int *block)
{
  *ptr = NULL;
  *block = -1;
  if (n == 0) return FF_SUCCESS;
  int best = -1;
  for (int i = 0; i < pool->n; i++) {
    FFPoolBlock *b = &pool->blocks[i];
    if (!b->used && b->cap >= n && (best < 0 || b->cap < pool->blocks[best].cap)) best = i;
  }
  if (best < 0) {
    if (pool->n == pool->cap) {
      int cap = pool->cap ? 2 * pool->cap : 64;
      FFPoolBlock *nb = realloc(pool->blocks, (size_t)cap * sizeof *nb);
      if (!nb) FF_ERROR(FF_ERR_MEM, "out of memory growing the tensor pool");
      pool->blocks = nb;
      pool->cap = cap;
    }
    size_t cap = RoundUp(n);
    void *mem = NULL;
    if (posix_memalign(&mem, 64, cap * sizeof(float)))
      FF_ERROR(FF_ERR_MEM, "out of memory allocating %zu bytes for tensors (pool holds %zu bytes)", cap * sizeof(float),
               pool->bytes);
    best = pool->n++;
    pool->blocks[best] = (FFPoolBlock){(float *)mem, cap, 0};
    pool->bytes += cap * sizeof(float);
    pool->allocations++;
  }
  pool->blocks[best].used = 1;
  pool->used_bytes += pool->blocks[best].cap * sizeof(float);
  if (pool->used_bytes > pool->peak_used) pool->peak_used = pool->used_bytes;
  *ptr = pool->blocks[best].ptr;
  *block = best;
  return FF_SUCCESS;
}

void FFPoolRelease(FFPool *pool, int block)
{
  if (block < 0 || block >= pool->n || !pool->blocks[block].used) return;
  pool->blocks[block].used = 0;
  pool->used_bytes -= pool->blocks[block].cap * sizeof(float);
}

void FFPoolReleaseAll(FFPool *pool)
{
  for (int i = 0; i < pool->n; i++) pool->blocks[i].used = 0;
  pool->used_bytes = 0;
}

void FFPoolDestroy(FFPool *pool)
{
  for (int i = 0; i < pool->n; i++) free(pool->blocks[i].ptr);
  free(pool->blocks);
  *pool = (FFPool){0};
}
