/* Pooling over a clustering: the mean of the rows of each cluster (a coarse node of a graph
 * hierarchy from the fine nodes it contains). Unpooling is a gather through the same map. */
#include "nn_private.h"

/* rows of y (one per cluster) scaled by 1 / (members of the cluster); empty clusters stay 0 */
static void ScaleByCount(const FFIndexMap *map, int cols, float *y)
{
#pragma omp parallel for schedule(static) if ((size_t)map->n_src * cols > FF_PAR_MIN)
  for (int i = 0; i < map->n_src; i++) {
    const int count = map->offsets[i + 1] - map->offsets[i];
    if (count <= 1) continue;
    const float inv = 1.0f / (float)count;
    for (int j = 0; j < cols; j++) y[(size_t)i * cols + j] *= inv;
  }
}

/* dx[r] = dy[cluster of r] / members of that cluster */
static FFErrorCode SegmentMeanBackward(FFTape *tape, FFOp *op)
{
  FFTensor *x = op->in[0], *y = op->out;
  const FFIndexMap *map = op->map;
  const int cols = x->cols;
  int fresh;
  FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
#pragma omp parallel for schedule(static) if ((size_t)map->n * cols > FF_PAR_MIN)
  for (int r = 0; r < map->n; r++) {
    const int i = map->idx[r];
    const float inv = 1.0f / (float)(map->offsets[i + 1] - map->offsets[i]);
    const float *dy = y->grad + (size_t)i * cols;
    float *dx = x->grad + (size_t)r * cols;
    for (int j = 0; j < cols; j++) dx[j] = fresh ? inv * dy[j] : dx[j] + inv * dy[j];
  }
  return FF_SUCCESS;
}

FFErrorCode FFOpSegmentMean(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y)
{
  FF_ASSERT(map->n == x->rows, FF_ERR_ARG, "segment mean: the clustering has %d rows, the tensor %d", map->n, x->rows);
  FF_CHECK(FFTapeNewActivation(tape, map->n_src, x->cols, x->requires_grad, y));
  FFScatterRows(map, x->cols, x->data, x->cols, (*y)->data, x->cols, 0);
  ScaleByCount(map, x->cols, (*y)->data);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, SegmentMeanBackward, *y, &op));
  if (op) {
    op->in[0] = x;
    op->map = map;
  }
  return FF_SUCCESS;
}
