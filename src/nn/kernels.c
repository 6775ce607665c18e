/* Parallel building blocks: BLAS on OpenMP-partitioned rows, deterministic reductions,
 * gathers/scatters through index maps, activations and LayerNorm rows. */
#include "nn_private.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>

int FFNNThreads(void) { return omp_get_max_threads(); }
int FFThreadIndex(void) { return omp_get_thread_num(); }
void FFNNSetThreads(int n) { omp_set_num_threads(n > 0 ? n : 1); }

int FFBlasSerialBegin(void)
{
  /* With one nn thread, BLAS keeps its own threads (OPENBLAS_NUM_THREADS). */
  if (omp_get_max_threads() == 1 || omp_in_parallel()) return 0;
  int saved = openblas_get_num_threads();
  if (saved != 1) openblas_set_num_threads(1);
  return saved;
}

void FFBlasSerialEnd(int saved)
{
  if (saved > 1) openblas_set_num_threads(saved);
}

void FFGemmRows(int trans_b, int m, int n, int k, const float *A, int lda, const float *B, int ldb, float beta,
                float *C, int ldc)
{
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) C[(size_t)i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(size_t)i * ldc + j];
    return;
  }
  int saved = FFBlasSerialBegin();
  int nchunks = FFChunks(m);
#pragma omp parallel for schedule(dynamic) if (nchunks > 1)
  for (int c = 0; c < nchunks; c++) {
    int r0 = c * FF_CHUNK_ROWS, r1 = r0 + FF_CHUNK_ROWS < m ? r0 + FF_CHUNK_ROWS : m;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, r1 - r0, n, k, 1.0f,
                A + (size_t)r0 * lda, lda, B, ldb, beta, C + (size_t)r0 * ldc, ldc);
  }
  FFBlasSerialEnd(saved);
}

FFErrorCode FFGemmAtBAdd(FFTape *tape, int K, int m, int n, const float *A, int lda, const float *B, int ldb, float *C,
                         int ldc)
{
  if (K <= 0 || m <= 0 || n <= 0) return FF_SUCCESS;
  int nchunks = FFChunks(K);
  int saved = FFBlasSerialBegin();
  if (nchunks == 1) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, K, 1.0f, A, lda, B, ldb, 1.0f, C, ldc);
    FFBlasSerialEnd(saved);
    return FF_SUCCESS;
  }
  float *part;
  int block;
  size_t mn = (size_t)m * n;
  FFErrorCode rc = FFTapeScratch(tape, mn * nchunks, &part, &block);
  if (rc) {
    FFBlasSerialEnd(saved);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
#pragma omp parallel for schedule(dynamic)
  for (int c = 0; c < nchunks; c++) {
    int r0 = c * FF_CHUNK_ROWS, r1 = r0 + FF_CHUNK_ROWS < K ? r0 + FF_CHUNK_ROWS : K;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, r1 - r0, 1.0f, A + (size_t)r0 * lda, lda,
                B + (size_t)r0 * ldb, ldb, 0.0f, part + mn * c, n);
  }
#pragma omp parallel for schedule(static) if (mn > FF_PAR_MIN)
  for (int i = 0; i < m; i++)
    for (int c = 0; c < nchunks; c++) {
      const float *p = part + mn * c + (size_t)i * n;
      float *dst = C + (size_t)i * ldc;
      for (int j = 0; j < n; j++) dst[j] += p[j];
    }
  FFTapeScratchRelease(tape, block);
  FFBlasSerialEnd(saved);
  return FF_SUCCESS;
}

FFErrorCode FFColumnSumAdd(FFTape *tape, int rows, int cols, const float *X, int ldx, float *out)
{
  if (rows <= 0 || cols <= 0) return FF_SUCCESS;
  int nchunks = FFChunks(rows);
  float *part;
  int block;
  FF_CHECK(FFTapeScratch(tape, (size_t)nchunks * cols, &part, &block));
#pragma omp parallel for schedule(static) if (nchunks > 1 && (size_t)rows * cols > FF_PAR_MIN)
  for (int c = 0; c < nchunks; c++) {
    int r0 = c * FF_CHUNK_ROWS, r1 = r0 + FF_CHUNK_ROWS < rows ? r0 + FF_CHUNK_ROWS : rows;
    float *p = part + (size_t)c * cols;
    for (int j = 0; j < cols; j++) p[j] = 0.0f;
    for (int i = r0; i < r1; i++) {
      const float *x = X + (size_t)i * ldx;
      for (int j = 0; j < cols; j++) p[j] += x[j];
    }
  }
  for (int c = 0; c < nchunks; c++)
    for (int j = 0; j < cols; j++) out[j] += part[(size_t)c * cols + j];
  FFTapeScratchRelease(tape, block);
  return FF_SUCCESS;
}

/* Sum of x[i] (or x[i]^2) in double: partials in a small fixed array of chunk groups keep the
 * order, and so the result, independent of the thread count. */
static double ChunkedSum(const float *x, size_t n, int squares)
{
  const size_t chunk = 65536;
  size_t nchunks = (n + chunk - 1) / chunk;
  double total = 0.0;
  for (size_t g = 0; g < nchunks; g += 64) {
    double part[64];
    size_t ng = nchunks - g < 64 ? nchunks - g : 64;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (size_t c = 0; c < ng; c++) {
      size_t i0 = (g + c) * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
      double s = 0.0;
      if (squares)
        for (size_t i = i0; i < i1; i++) s += (double)x[i] * x[i];
      else
        for (size_t i = i0; i < i1; i++) s += x[i];
      part[c] = s;
    }
    for (size_t c = 0; c < ng; c++) total += part[c];
  }
  return total;
}

double FFSumDouble(const float *x, size_t n) { return ChunkedSum(x, n, 0); }

double FFSumSquaresDouble(const float *x, size_t n) { return ChunkedSum(x, n, 1); }

FF_KERNEL static void ScatterRange(const FFIndexMap *map, int cols, const float *src, int lds, float *restrict dst,
                                   int ldd, int accumulate, int i0, int i1)
{
  for (int i = i0; i < i1; i++) {
    float *restrict d = dst + (size_t)i * ldd;
    if (!accumulate)
#pragma omp simd
      for (int j = 0; j < cols; j++) d[j] = 0.0f;
    for (int k = map->offsets[i]; k < map->offsets[i + 1]; k++) {
      /* rows arrive in no particular order: fetch a few ahead */
      if (k + 4 < map->n) {
        const char *next = (const char *)(src + (size_t)map->perm[k + 4] * lds);
        for (int b = 0; b < cols * (int)sizeof(float); b += 64) __builtin_prefetch(next + b);
      }
      const float *restrict s = src + (size_t)map->perm[k] * lds;
#pragma omp simd
      for (int j = 0; j < cols; j++) d[j] += s[j];
    }
  }
}

void FFScatterRows(const FFIndexMap *map, int cols, const float *src, int lds, float *dst, int ldd, int accumulate)
{
  int nb = (map->n_src + 63) / 64;
#pragma omp parallel for schedule(static) if ((size_t)map->n * cols > FF_PAR_MIN)
  for (int b = 0; b < nb; b++) {
    int i0 = b * 64, i1 = i0 + 64 < map->n_src ? i0 + 64 : map->n_src;
    ScatterRange(map, cols, src, lds, dst, ldd, accumulate, i0, i1);
  }
}

FF_KERNEL static void GatherRange(const FFIndexMap *map, int cols, const float *src, int lds, float *restrict dst,
                                  int ldd, int accumulate, int r0, int r1)
{
  for (int r = r0; r < r1; r++) {
    const float *restrict s = src + (size_t)map->idx[r] * lds;
    float *restrict d = dst + (size_t)r * ldd;
    if (accumulate)
#pragma omp simd
      for (int j = 0; j < cols; j++) d[j] += s[j];
    else
#pragma omp simd
      for (int j = 0; j < cols; j++) d[j] = s[j];
  }
}

void FFGatherRows(const FFIndexMap *map, int cols, const float *src, int lds, float *dst, int ldd, int accumulate)
{
  int nb = (map->n + 255) / 256;
#pragma omp parallel for schedule(static) if ((size_t)map->n * cols > FF_PAR_MIN)
  for (int b = 0; b < nb; b++) {
    int r0 = b * 256, r1 = r0 + 256 < map->n ? r0 + 256 : map->n;
    GatherRange(map, cols, src, lds, dst, ldd, accumulate, r0, r1);
  }
}

float FFActForward(FFActivation act, float z)
{
  switch (act) {
  case FF_ACT_RELU:
    return z > 0.0f ? z : 0.0f;
  case FF_ACT_SILU:
    return z / (1.0f + expf(-z));
  case FF_ACT_GELU:
    return 0.5f * z * (1.0f + erff(z * (float)M_SQRT1_2));
  case FF_ACT_SIN:
    return sinf(z);
  case FF_ACT_NONE:
    break;
  }
  return z;
}

float FFActDerivative(FFActivation act, float z)
{
  switch (act) {
  case FF_ACT_RELU:
    return z > 0.0f ? 1.0f : 0.0f;
  case FF_ACT_SILU: {
    float s = 1.0f / (1.0f + expf(-z));
    return s * (1.0f + z * (1.0f - s));
  }
  case FF_ACT_GELU:
    return 0.5f * (1.0f + erff(z * (float)M_SQRT1_2)) + z * expf(-0.5f * z * z) * (float)(0.5 * M_2_SQRTPI * M_SQRT1_2);
  case FF_ACT_SIN:
    return cosf(z);
  case FF_ACT_NONE:
    break;
  }
  return 1.0f;
}

FF_KERNEL void FFActApply(FFActivation act, int n, const float *z, float *y)
{
  switch (act) {
  case FF_ACT_RELU:
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] = z[i] > 0.0f ? z[i] : 0.0f;
    break;
  case FF_ACT_NONE:
    if (y != z)
      for (int i = 0; i < n; i++) y[i] = z[i];
    break;
  default:
    for (int i = 0; i < n; i++) y[i] = FFActForward(act, z[i]);
  }
}

FF_KERNEL float FFLayerNormRow(int n, const float *restrict z, const float *restrict gamma, const float *restrict beta,
                               const float *restrict residual, float *restrict xhat, float *restrict y)
{
  float mean = 0.0f, var = 0.0f;
#pragma omp simd reduction(+ : mean)
  for (int j = 0; j < n; j++) mean += z[j];
  mean /= n;
#pragma omp simd reduction(+ : var)
  for (int j = 0; j < n; j++) var += (z[j] - mean) * (z[j] - mean);
  var /= n;
  float rstd = 1.0f / sqrtf(var + 1e-5f);
  if (xhat)
#pragma omp simd
    for (int j = 0; j < n; j++) xhat[j] = (z[j] - mean) * rstd;
  if (residual)
#pragma omp simd
    for (int j = 0; j < n; j++) y[j] = residual[j] + (z[j] - mean) * rstd * gamma[j] + beta[j];
  else
#pragma omp simd
    for (int j = 0; j < n; j++) y[j] = (z[j] - mean) * rstd * gamma[j] + beta[j];
  return rstd;
}

FF_KERNEL void FFLayerNormRowBackward(int n, const float *dy, const float *restrict xhat, float rstd,
                                      const float *restrict gamma, float *dz, float *restrict dgamma,
                                      float *restrict dbeta)
{
  /* dz may alias dy: everything that reads dy happens before dz is written, and the
   * last loop reads and writes the same index */
  float mg = 0.0f, mgx = 0.0f;
#pragma omp simd reduction(+ : mg, mgx)
  for (int j = 0; j < n; j++) {
    mg += dy[j] * gamma[j];
    mgx += dy[j] * gamma[j] * xhat[j];
  }
  if (dgamma)
#pragma omp simd
    for (int j = 0; j < n; j++) dgamma[j] += dy[j] * xhat[j];
  if (dbeta)
#pragma omp simd
    for (int j = 0; j < n; j++) dbeta[j] += dy[j];
  mg /= n;
  mgx /= n;
#pragma omp simd
  for (int j = 0; j < n; j++) dz[j] = rstd * (dy[j] * gamma[j] - mg - xhat[j] * mgx);
}
