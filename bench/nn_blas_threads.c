/* Why nn kernels call BLAS single-threaded inside their own OpenMP loops: an edge-sized
 * product (24,066 x 128 x 128, as in bench/gnn_step) followed by an elementwise pass,
 * (a) with OpenBLAS's own threads for the product and OpenMP for the pass, and (b) with
 * the rows of the product split over the OpenMP threads, BLAS serial in each.
 *   OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 build/bench/nn_blas_threads */
#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double Now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void Run(int split, int M, int N, int K, float *A, const float *B, float *C, int reps)
{
  double tg = 0, te = 0;
  int blas = openblas_get_num_threads();
  if (split) openblas_set_num_threads(1);
  for (int r = 0; r < reps; r++) {
    double t0 = Now();
    if (!split) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1, A, K, B, K, 0, C, N);
    } else {
#pragma omp parallel for schedule(static)
      for (int m0 = 0; m0 < M; m0 += 1024) {
        int mb = m0 + 1024 < M ? 1024 : M - m0;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mb, N, K, 1, A + (size_t)m0 * K, K, B, K, 0,
                    C + (size_t)m0 * N, N);
      }
    }
    double t1 = Now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < (long)M * N; i++) A[i] = C[i] > 0 ? 0.01f * C[i] : 0.0f;
    tg += t1 - t0;
    te += Now() - t1;
  }
  openblas_set_num_threads(blas);
  printf("%-44s product %6.2f ms (%5.1f GFLOP/s), elementwise %5.2f ms\n",
         split ? "rows split over OpenMP, serial BLAS:" : "OpenBLAS threads + OpenMP elementwise:", 1e3 * tg / reps,
         2.0 * M * N * K / (tg / reps) * 1e-9, 1e3 * te / reps);
}

int main(void)
{
  int M = 24066, N = 128, K = 128, reps = 50;
  float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * N * K), *C = malloc(sizeof(float) * M * N);
  for (long i = 0; i < (long)M * K; i++) A[i] = (i % 7) * 0.1f - 0.3f;
  for (int i = 0; i < N * K; i++) B[i] = (i % 5) * 0.1f - 0.2f;
  printf("nn_blas_threads: %d OpenMP threads, %d OpenBLAS threads (%s kernels)\n", omp_get_max_threads(),
         openblas_get_num_threads(), openblas_get_corename());
  for (int round = 0; round < 2; round++) {
    Run(0, M, N, K, A, B, C, reps);
    Run(1, M, N, K, A, B, C, reps);
  }
  free(A);
  free(B);
  free(C);
  return 0;
}
