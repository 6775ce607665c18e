/* Internals of the nn module shared by its files (not part of the public API). */
#ifndef NN_PRIVATE_H
#define NN_PRIVATE_H

#include "ff_nn.h"

#include <string.h>

/* Work is cut into row blocks (a GEMM plus its fused epilogue stays in cache) grouped
 * into fixed chunks; every reduction sums per-chunk partials in chunk order, so results
 * do not depend on the number of threads nor on which thread did a chunk (the big loops
 * are scheduled dynamically, which copes with cores shared with other jobs). */
#ifndef FF_BLOCK_ROWS
#define FF_BLOCK_ROWS 256
#endif
#define FF_CHUNK_ROWS 1024
/* Below this many floats an elementwise loop runs on one thread. */
#define FF_PAR_MIN 16384

/* Hot row kernels get an AVX2/FMA clone picked at load time (the build itself targets
 * plain x86-64); "omp simd" lets their reductions vectorize. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define FF_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FF_KERNEL
#endif

/* ---------- memory pool: blocks reused from one forward to the next ---------- */
typedef struct {
  float *ptr;
  size_t cap; /* floats */
  int used;
} FFPoolBlock;

typedef struct {
  FFPoolBlock *blocks;
  int n, cap;
  size_t bytes, used_bytes, peak_used;
  long allocations;
} FFPool;

FFErrorCode FFPoolAcquire(FFPool *pool, size_t n, float **ptr, int *block);
void FFPoolRelease(FFPool *pool, int block);
void FFPoolReleaseAll(FFPool *pool);
void FFPoolDestroy(FFPool *pool);

/* ---------- recorded operations ---------- */
typedef struct FFOp FFOp;
typedef FFErrorCode (*FFOpBackwardFn)(FFTape *tape, FFOp *op);

#define FF_OP_MAX_IN    4
#define FF_OP_MAX_SAVED 3
struct FFOp {
  FFOpBackwardFn backward;
  FFTensor *out;
  FFTensor *in[FF_OP_MAX_IN];
  int n_in;
  const FFIndexMap *map;
  float *saved[FF_OP_MAX_SAVED]; /* pool memory the backward needs (pre-activations, statistics) */
  float f[2];
  int i[4];
  FFLinearSpec lin;
};

struct FFTape {
  FFParams *params;
  FFPool pool;
  FFTensor **chunks; /* tensors in chunks of FF_TAPE_CHUNK, so handles stay valid */
  int n_chunks, n_tensors;
  FFOp *ops;
  int n_ops, cap_ops;
  FFTensor **param_tensors; /* per parameter index, this forward's view */
  int cap_param_tensors;
  int grad_enabled;
  int in_backward;
  float *param_grad;
};
#define FF_TAPE_CHUNK 256

/* A new activation tensor with pool memory; requires_grad follows the inputs. */
FFErrorCode FFTapeNewActivation(FFTape *tape, int rows, int cols, int requires_grad, FFTensor **t);
/* Pool memory for the life of this forward (saved statistics). */
FFErrorCode FFTapeSaved(FFTape *tape, size_t n, float **ptr);
/* Scratch memory for the duration of one kernel. */
FFErrorCode FFTapeScratch(FFTape *tape, size_t n, float **ptr, int *block);
void FFTapeScratchRelease(FFTape *tape, int block);
/* Appends an operation when gradients are recorded and some input requires one;
 * *op is NULL otherwise. */
FFErrorCode FFTapeRecord(FFTape *tape, FFOpBackwardFn backward, FFTensor *out, FFOp **op);
/* Makes sure t->grad exists. *fresh = 1 when it was just created and holds garbage:
 * the caller must then write every element instead of adding. */
FFErrorCode FFTensorGradAcquire(FFTape *tape, FFTensor *t, int *fresh);
/* The same, zero-filled when fresh. */
FFErrorCode FFTensorGradZeroed(FFTape *tape, FFTensor *t);
/* Any of the tensors requires a gradient (NULLs ignored). */
int FFAnyRequiresGrad(int n, FFTensor *const *ts);

/* ---------- kernels (ff_kernels.c) ---------- */
/* Inside nn kernels BLAS runs single-threaded on OpenMP-partitioned blocks: two
 * spinning thread pools (OpenMP and OpenBLAS pthreads) fight over the cores otherwise. */
int FFBlasSerialBegin(void);
void FFBlasSerialEnd(int saved);
/* C = A op(B) + beta C (A: m x k, op(B): k x n), rows of A/C split over threads. */
void FFGemmRows(int trans_b, int m, int n, int k, const float *A, int lda, const float *B, int ldb, float beta,
                float *C, int ldc);
/* C += A^T B with A: K x m, B: K x n, K split in fixed chunks summed in order. */
FFErrorCode FFGemmAtBAdd(FFTape *tape, int K, int m, int n, const float *A, int lda, const float *B, int ldb, float *C,
                         int ldc);
/* out[j] += sum_i X[i][j], fixed chunks summed in order. */
FFErrorCode FFColumnSumAdd(FFTape *tape, int rows, int cols, const float *X, int ldx, float *out);
/* Sum of n floats in double, fixed chunks summed in order. */
double FFSumDouble(const float *x, size_t n);
/* Sum of squares of n floats in double, the same fixed order. */
double FFSumSquaresDouble(const float *x, size_t n);
/* dst[i] (+)= sum over rows r with map->idx[r] == i of src[r] (increasing r); parallel over i. */
void FFScatterRows(const FFIndexMap *map, int cols, const float *src, int lds, float *dst, int ldd, int accumulate);
/* dst[r] (+)= src[map->idx[r]] */
void FFGatherRows(const FFIndexMap *map, int cols, const float *src, int lds, float *dst, int ldd, int accumulate);
/* Activations and their derivatives. */
float FFActForward(FFActivation act, float z);
float FFActDerivative(FFActivation act, float z);
void FFActApply(FFActivation act, int n, const float *z, float *y);
/* LayerNorm of one row: xhat and y = gamma xhat + beta (+ residual); returns 1/std. */
float FFLayerNormRow(int n, const float *z, const float *gamma, const float *beta, const float *residual, float *xhat,
                     float *y);
/* dz = rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma; accumulates dgamma, dbeta
 * (when not NULL). dz may alias dy. */
void FFLayerNormRowBackward(int n, const float *dy, const float *xhat, float rstd, const float *gamma, float *dz,
                            float *dgamma, float *dbeta);

/* This thread's index inside an nn parallel region (0 outside). */
int FFThreadIndex(void);

/* Number of fixed chunks covering rows. */
static inline int FFChunks(int rows) { return (rows + FF_CHUNK_ROWS - 1) / FF_CHUNK_ROWS; }

#endif
