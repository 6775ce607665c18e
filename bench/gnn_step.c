/* One MeshGraphNets training step (forward, MSE, backward, Adam) on a 64x64 vertex grid
 * split into triangles (4,096 nodes, 24,066 directed edges): node input 8, edge input 3,
 * output 3, width 128, 15 blocks, MLPs with 2 hidden layers + LayerNorm (none on the
 * decoder). Prints the median time per step, GFLOP per step, GFLOP/s and peak RSS.
 * The same model in PyTorch: bench/peers/torch_gnn_step.py; both in one run:
 * bench/peers/compare_gnn_step.sh. Threads: OMP_NUM_THREADS. */
#include "ff_nn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
  int grid, width, blocks, steps, warmup;
} Options;

static int ParseOptions(int argc, char **argv, Options *o)
{
  *o = (Options){.grid = 64, .width = 128, .blocks = 15, .steps = 10, .warmup = 2};
  for (int i = 1; i < argc; i++) {
    int *target = NULL;
    if (!strcmp(argv[i], "-grid"))
      target = &o->grid;
    else if (!strcmp(argv[i], "-width"))
      target = &o->width;
    else if (!strcmp(argv[i], "-blocks"))
      target = &o->blocks;
    else if (!strcmp(argv[i], "-steps"))
      target = &o->steps;
    else if (!strcmp(argv[i], "-warmup"))
      target = &o->warmup;
    if (!target || i + 1 >= argc || atoi(argv[i + 1]) < (target == &o->warmup || target == &o->blocks ? 0 : 1)) {
      fprintf(stderr, "usage: gnn_step [-grid 64] [-width 128] [-blocks 15] [-steps 10] [-warmup 2]\n");
      return 1;
    }
    *target = atoi(argv[++i]);
  }
  return 0;
}

/* Vertices of an n x n grid on [0,1]^2, each square split by one diagonal; every mesh
 * edge in both directions; edge features (dx, dy, |d|). */
static int BuildGraph(int n, int **snd, int **rcv, float **edge_x)
{
  int cap = 6 * n * n, ne = 0;
  *snd = malloc(cap * sizeof(int));
  *rcv = malloc(cap * sizeof(int));
  *edge_x = malloc((size_t)cap * 3 * sizeof(float));
  double h = 1.0 / (n - 1);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      int v = j * n + i, di[3] = {1, 0, 1}, dj[3] = {0, 1, 1};
      for (int k = 0; k < 3; k++) {
        if (i + di[k] >= n || j + dj[k] >= n) continue;
        int w = (j + dj[k]) * n + i + di[k];
        for (int dir = 0; dir < 2; dir++) {
          int a = dir ? w : v, b = dir ? v : w;
          double dx = ((b % n) - (a % n)) * h, dy = ((b / n) - (a / n)) * h;
          (*snd)[ne] = a;
          (*rcv)[ne] = b;
          (*edge_x)[3 * ne] = (float)dx;
          (*edge_x)[3 * ne + 1] = (float)dy;
          (*edge_x)[3 * ne++ + 2] = (float)sqrt(dx * dx + dy * dy);
        }
      }
    }
  return ne;
}

/* CPU time of the process (all threads): with other jobs on the machine, the single-thread
 * CPU time per step is a steadier figure than wall time. */
static double CpuSeconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define CHECK(expr)                                                                                                    \
  do {                                                                                                                 \
    if (expr) {                                                                                                        \
      fprintf(stderr, "gnn_step: %s\n", FFErrorMessage());                                                             \
      return 1;                                                                                                        \
    }                                                                                                                  \
  } while (0)

int main(int argc, char **argv)
{
  Options o;
  if (ParseOptions(argc, argv, &o)) return 2;
  int *snd, *rcv;
  float *edge_x;
  int n_nodes = o.grid * o.grid, n_edges = BuildGraph(o.grid, &snd, &rcv, &edge_x);
  float *node_x = malloc((size_t)n_nodes * 8 * sizeof(float)), *target = malloc((size_t)n_nodes * 3 * sizeof(float));
  FFRng rng;
  FFRngSeed(&rng, 2024, 0);
  FFRngNormalFill(&rng, node_x, (size_t)n_nodes * 8, 1.0f);
  FFRngNormalFill(&rng, target, (size_t)n_nodes * 3, 1.0f);

  FFMeshGraphNetConfig cfg;
  FFMeshGraphNetConfigDefault(&cfg);
  cfg.node_in = 8;
  cfg.edge_in = 3;
  cfg.out = 3;
  cfg.width = o.width;
  cfg.blocks = o.blocks;
  FFParams *P;
  FFMeshGraphNet net;
  FFGraph *graph;
  FFTape *tape;
  FFOptimizer *opt;
  float *grad;
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.lr = 1e-4;
  CHECK(FFParamsCreate(&P));
  CHECK(FFMeshGraphNetCreate(P, "mgn", &cfg, &net));
  CHECK(FFParamsSetUp(P, 1));
  CHECK(FFGraphCreate(&graph));
  CHECK(FFGraphSetEdges(graph, n_nodes, n_edges, snd, rcv));
  CHECK(FFTapeCreate(P, &tape));
  CHECK(FFParamsGradCreate(P, &grad));
  CHECK(FFOptimizerCreate(P, &oc, &opt));
  size_t n_params = 0; /* P->size also counts the alignment padding between parameters */
  for (int i = 0; i < P->n; i++) n_params += (size_t)P->info[i].rows * P->info[i].cols;
  printf("gnn_step: fieldflow C, %d nodes, %d edges, width %d, %d blocks, %zu parameters, %d threads\n", n_nodes,
         n_edges, o.width, o.blocks, n_params, FFNNThreads());

  double *ms = malloc((size_t)o.steps * sizeof(double)), loss0 = 0, loss = 0;
  for (int s = 0; s < o.warmup + o.steps; s++) {
    double t0 = FFTimeNow(), c0 = CpuSeconds();
    FFTensor *nx, *ex, *tt, *y, *l;
    FFTapeReset(tape);
    CHECK(FFTapeLeaf(tape, n_nodes, 8, node_x, 0, &nx));
    CHECK(FFTapeLeaf(tape, n_edges, 3, edge_x, 0, &ex));
    CHECK(FFTapeLeaf(tape, n_nodes, 3, target, 0, &tt));
    CHECK(FFMeshGraphNetForward(&net, tape, graph, nx, ex, &y));
    CHECK(FFOpMSE(tape, y, tt, &l));
    FFParamsGradZero(P, grad);
    CHECK(FFTapeBackward(tape, l, grad));
    CHECK(FFOptimizerStep(opt, P, grad, FFTensorScalar(l), NULL));
    double t1 = FFTimeNow(), c1 = CpuSeconds();
    if (s == 0) loss0 = FFTensorScalar(l);
    loss = FFTensorScalar(l);
    if (s >= o.warmup) ms[s - o.warmup] = 1e3 * (t1 - t0);
    if (getenv("FF_BENCH_VERBOSE")) {
      FFTapeStats q;
      FFTapeGetStats(tape, &q);
      struct rusage r;
      getrusage(RUSAGE_SELF, &r);
      fprintf(
          stderr,
          "step %d: %.1f ms (cpu %.1f ms), pool %.1f MB in %ld allocations, peak use %.1f MB, %ld page faults so far\n",
          s, 1e3 * (t1 - t0), 1e3 * (c1 - c0), q.pool_bytes / 1048576.0, q.pool_allocations,
          q.pool_peak_used / 1048576.0, r.ru_minflt);
    }
  }
  qsort(ms, (size_t)o.steps, sizeof(double), CompareDouble);
  double median = o.steps % 2 ? ms[o.steps / 2] : 0.5 * (ms[o.steps / 2 - 1] + ms[o.steps / 2]);
  double gflop = FFMeshGraphNetStepFlops(&net, n_nodes, n_edges) * 1e-9;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  FFTapeStats st;
  FFTapeGetStats(tape, &st);
  printf("loss %.5f -> %.5f over %d steps\n", loss0, loss, o.warmup + o.steps);
  printf("median %.1f ms/step (min %.1f, max %.1f, %d steps)\n", median, ms[0], ms[o.steps - 1], o.steps);
  printf("%.1f GFLOP/step (as computed: node parts of the edge MLPs per node), %.1f GFLOP/s\n", gflop,
         gflop / (median * 1e-3));
  printf("peak RSS %.1f MB (tensor pool %.1f MB)\n", ru.ru_maxrss / 1024.0, st.pool_bytes / 1048576.0);
  printf("RESULT impl=c threads=%d ms=%.2f gflop=%.2f gflops=%.2f rss_mb=%.1f\n", FFNNThreads(), median, gflop,
         gflop / (median * 1e-3), ru.ru_maxrss / 1024.0);
  FFOptimizerDestroy(&opt);
  FFTapeDestroy(&tape);
  FFGraphDestroy(&graph);
  FFMeshGraphNetDestroy(&net);
  FFParamsDestroy(&P);
  free(grad);
  free(ms);
  free(snd);
  free(rcv);
  free(edge_x);
  free(node_x);
  free(target);
  return 0;
}
