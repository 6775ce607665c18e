/* nn data parallel on 2 ranks: each rank trains on its half of a batch and averages the
 * flat gradient with one MPI_Allreduce; after N steps the parameters equal those of one rank
 * training on the whole batch, as closely as float32 allows (TestDataParallel says how close). */
#include "ff_nn.h"
#include "ff_test.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NX    12
#define NY    9
#define STEPS 6

typedef struct {
  int n_nodes, n_edges;
  int *snd, *rcv;
  float *node_x, *edge_x, *target;
} Batch;

/* copies graphs order[0..ng-1] of the same triangulated grid, with per-graph features */
static void MakeBatchOf(int ng, const int order[], Batch *b)
{
  int nv = NX * NY, ne = 2 * ((NX - 1) * NY + NX * (NY - 1) + (NX - 1) * (NY - 1));
  b->n_nodes = nv * ng;
  b->n_edges = ne * ng;
  b->snd = malloc(b->n_edges * sizeof(int));
  b->rcv = malloc(b->n_edges * sizeof(int));
  b->node_x = malloc(b->n_nodes * 5 * sizeof(float));
  b->edge_x = malloc(b->n_edges * 3 * sizeof(float));
  b->target = malloc(b->n_nodes * 2 * sizeof(float));
  int e = 0;
  for (int k = 0; k < ng; k++) {
    int g = order[k], base = k * nv;
    for (int j = 0; j < NY; j++)
      for (int i = 0; i < NX; i++) {
        int v = j * NX + i,
            nb[3] = {i + 1 < NX ? v + 1 : -1, j + 1 < NY ? v + NX : -1, i + 1 < NX && j + 1 < NY ? v + NX + 1 : -1};
        for (int k = 0; k < 3; k++)
          if (nb[k] >= 0) {
            b->snd[e] = base + v, b->rcv[e++] = base + nb[k];
            b->snd[e] = base + nb[k], b->rcv[e++] = base + v;
          }
      }
    FFRng rng;
    FFRngSeed(&rng, 100, (uint64_t)g); /* graph g's data does not depend on who holds it */
    FFRngNormalFill(&rng, b->node_x + (size_t)k * nv * 5, (size_t)nv * 5, 1.0f);
    FFRngNormalFill(&rng, b->edge_x + (size_t)k * ne * 3, (size_t)ne * 3, 1.0f);
    FFRngNormalFill(&rng, b->target + (size_t)k * nv * 2, (size_t)nv * 2, 1.0f);
  }
}

static void MakeBatch(int g0, int g1, Batch *b)
{
  int order[8];
  for (int g = g0; g < g1; g++) order[g - g0] = g;
  MakeBatchOf(g1 - g0, order, b);
}

static void FreeBatch(Batch *b)
{
  free(b->snd);
  free(b->rcv);
  free(b->node_x);
  free(b->edge_x);
  free(b->target);
}

/* The per-step loss of a training, for the comparisons. */
typedef struct {
  double loss[STEPS];
} History;

/* Trains STEPS Adam steps on the batches b[0..nb-1] (one or two): each step's gradient and
 * loss are those of the batches averaged as FFAllreduceMean averages two ranks' (summed, then
 * times 1/2); with comm, they are averaged over its ranks instead. */
static void Train(Batch *b, int nb, MPI_Comm comm, FFParams **out, History *h)
{
  FFMeshGraphNetConfig cfg;
  FFMeshGraphNetConfigDefault(&cfg);
  cfg.node_in = 5;
  cfg.edge_in = 3;
  cfg.out = 2;
  cfg.width = 32;
  cfg.blocks = 3;
  FFParams *P;
  FFMeshGraphNet net;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFMeshGraphNetCreate(P, "mgn", &cfg, &net));
  FF_TEST_CALL(FFParamsSetUp(P, 7));
  FFGraph *graph[2];
  FFTape *tape;
  float *grad[2];
  for (int k = 0; k < nb; k++) {
    FF_TEST_CALL(FFGraphCreate(&graph[k]));
    FF_TEST_CALL(FFGraphSetEdges(graph[k], b[k].n_nodes, b[k].n_edges, b[k].snd, b[k].rcv));
    FF_TEST_CALL(FFParamsGradCreate(P, &grad[k]));
  }
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.lr = 1e-3;
  oc.clip_norm = 1.0;
  FFOptimizer *opt;
  FF_TEST_CALL(FFOptimizerCreate(P, &oc, &opt));
  for (int s = 0; s < STEPS; s++) {
    float l[2];
    for (int k = 0; k < nb; k++) {
      FFTensor *nx, *ex, *t, *y, *loss;
      FFTapeReset(tape);
      FF_TEST_CALL(FFTapeLeaf(tape, b[k].n_nodes, 5, b[k].node_x, 0, &nx));
      FF_TEST_CALL(FFTapeLeaf(tape, b[k].n_edges, 3, b[k].edge_x, 0, &ex));
      FF_TEST_CALL(FFTapeLeaf(tape, b[k].n_nodes, 2, b[k].target, 0, &t));
      FF_TEST_CALL(FFMeshGraphNetForward(&net, tape, graph[k], nx, ex, &y));
      FF_TEST_CALL(FFOpMSE(tape, y, t, &loss));
      FFParamsGradZero(P, grad[k]);
      FF_TEST_CALL(FFTapeBackward(tape, loss, grad[k]));
      l[k] = FFTensorScalar(loss);
    }
    if (nb == 2) { /* what the allreduce of two ranks computes: one sum, then times 1/2 */
      for (size_t i = 0; i < P->size; i++) grad[0][i] = (grad[0][i] + grad[1][i]) * 0.5f;
      l[0] = (l[0] + l[1]) * 0.5f;
    }
    if (comm != MPI_COMM_NULL) {
      FF_TEST_CALL(FFAllreduceMean(comm, grad[0], P->size));
      FF_TEST_CALL(FFAllreduceMean(comm, &l[0], 1));
    }
    FFStepInfo info;
    FF_TEST_CALL(FFOptimizerStep(opt, P, grad[0], l[0], &info));
    CU_ASSERT(info.applied);
    h->loss[s] = l[0];
  }
  FFOptimizerDestroy(&opt);
  for (int k = 0; k < nb; k++) {
    free(grad[k]);
    FFGraphDestroy(&graph[k]);
  }
  FFTapeDestroy(&tape);
  FFMeshGraphNetDestroy(&net);
  *out = P;
}

/* What data parallelism may change, and by how much.
 *
 * 1. Nothing against the same arithmetic on one rank. The allreduce of two ranks adds two
 *    floats (one rounding, the same in either order: IEEE addition commutes) and scales by 1/2;
 *    each rank's half-batch gradient is the one the same code computes on one rank (the same
 *    inputs and sizes, one BLAS thread). So the parameters must equal, bit for bit, those of
 *    one rank that computes both halves' gradients and averages them the same way. This is
 *    the test of the data-parallel plumbing: a missing, doubled or unreduced half fails it.
 *
 * 2. Against one rank on the whole batch, only the order of float32 sums: the loss over all
 *    4 graphs against the mean of two halves' losses, the rows of every weight gradient
 *    summed in one pass against two. The loss is a mean of N = 4 * NX * NY * 2 non-negative
 *    squared errors: any two summation orders differ by at most 2 gamma_N of it (gamma_N =
 *    N u / (1 - N u), u = 2^-24), and the losses of later steps move further only by g . dtheta
 *    (first order), which is small exactly where dtheta is not (below). So each step's loss
 *    must agree to 2 gamma_N relative.
 *
 *    The parameters themselves get no such bound: Adam divides each gradient component by
 *    its own running RMS, so a component whose gradient is mostly cancellation (a sum of
 *    terms much larger than the result, as for weights feeding a LayerNorm) takes a step of
 *    up to lr whatever its rounding, and rounding decides that step's size. The data-parallel
 *    parameters measured 1.53e-5 from the whole batch's in the sanitizer build (gcc
 *    -fsanitize: other code, other rounding) and 1.2e-7 in the release build, against a
 *    fixed bound of 1e-5 that this test used to have; no fixed bound on them is sound. */
static void TestDataParallel(void)
{
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CU_ASSERT_EQUAL_FATAL(size, 2);
  /* each rank: 2 of the batch's 4 graphs */
  Batch half, halves[2], whole;
  History h_dp, h_split, h_whole;
  MakeBatch(2 * rank, 2 * rank + 2, &half);
  FFParams *dp, *split, *single;
  Train(&half, 1, MPI_COMM_WORLD, &dp, &h_dp);
  /* 1: the same arithmetic on one rank */
  MakeBatch(0, 2, &halves[0]);
  MakeBatch(2, 4, &halves[1]);
  Train(halves, 2, MPI_COMM_NULL, &split, &h_split);
  CU_ASSERT(memcmp(dp->values, split->values, dp->size * sizeof(float)) == 0);
  /* 2: the whole batch on one rank */
  MakeBatch(0, 4, &whole);
  Train(&whole, 1, MPI_COMM_NULL, &single, &h_whole);
  const double n = 4.0 * NX * NY * 2, u = FLT_EPSILON / 2, bound = 2 * n * u / (1 - n * u);
  double worst = 0, dtheta = 0;
  for (int s = 0; s < STEPS; s++) worst = fmax(worst, fabs(h_dp.loss[s] - h_whole.loss[s]) / h_whole.loss[s]);
  for (size_t i = 0; i < dp->size; i++) dtheta = fmax(dtheta, fabs((double)dp->values[i] - single->values[i]));
  if (getenv("FF_MPI_VERBOSE") || !(worst <= bound))
    fprintf(stderr, "rank %d: losses differ by %g relative (bound 2 gamma_N = %g); parameters by %g\n", rank, worst,
            bound, dtheta);
  CU_ASSERT(worst <= bound);
  /* and the ranks hold identical parameters */
  float *other = malloc(dp->size * sizeof(float));
  MPI_Sendrecv(dp->values, (int)dp->size, MPI_FLOAT, 1 - rank, 0, other, (int)dp->size, MPI_FLOAT, 1 - rank, 0,
               MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  CU_ASSERT(memcmp(other, dp->values, dp->size * sizeof(float)) == 0);
  free(other);
  FFParamsDestroy(&dp);
  FFParamsDestroy(&split);
  FFParamsDestroy(&single);
  FreeBatch(&half);
  FreeBatch(&halves[0]);
  FreeBatch(&halves[1]);
  FreeBatch(&whole);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"data parallel: the same sums as one rank, bit for bit; the whole batch's losses to 2 gamma_N",
       TestDataParallel},
      {NULL, NULL},
  };
  return FFTestRunMPI(argc, argv, "mpi_nn", tests);
}
