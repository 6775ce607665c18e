/* nn: what training loops rely on — determinism, memory reuse, external output
 * gradients, two gradients from one forward, temporal unrolling, variable sizes,
 * inference mode, the optimizer (skips, clipping, schedules, EMA), neural-field layers. */
#include "ff_nn.h"
#include "ff_test.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A small triangulated grid graph with random features and targets. */
typedef struct {
  int n_nodes, n_edges;
  int *snd, *rcv;
  float *node_x, *edge_x, *target;
  FFGraph *graph;
} GraphData;

static void MakeGraph(int nx, int ny, uint64_t seed, GraphData *g)
{
  g->n_nodes = nx * ny;
  int cap = 6 * nx * ny;
  g->snd = malloc(cap * sizeof(int));
  g->rcv = malloc(cap * sizeof(int));
  g->n_edges = 0;
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++) {
      int v = j * nx + i,
          nb[3] = {i + 1 < nx ? v + 1 : -1, j + 1 < ny ? v + nx : -1, i + 1 < nx && j + 1 < ny ? v + nx + 1 : -1};
      for (int k = 0; k < 3; k++)
        if (nb[k] >= 0) {
          g->snd[g->n_edges] = v;
          g->rcv[g->n_edges++] = nb[k];
          g->snd[g->n_edges] = nb[k];
          g->rcv[g->n_edges++] = v;
        }
    }
  FFRng rng;
  FFRngSeed(&rng, seed, 0);
  g->node_x = malloc(g->n_nodes * 4 * sizeof(float));
  g->edge_x = malloc(g->n_edges * 3 * sizeof(float));
  g->target = malloc(g->n_nodes * 2 * sizeof(float));
  FFRngNormalFill(&rng, g->node_x, g->n_nodes * 4, 1.0f);
  FFRngNormalFill(&rng, g->edge_x, g->n_edges * 3, 1.0f);
  FFRngNormalFill(&rng, g->target, g->n_nodes * 2, 1.0f);
  FF_TEST_CALL(FFGraphCreate(&g->graph));
  FF_TEST_CALL(FFGraphSetEdges(g->graph, g->n_nodes, g->n_edges, g->snd, g->rcv));
}

static void FreeGraph(GraphData *g)
{
  free(g->snd);
  free(g->rcv);
  free(g->node_x);
  free(g->edge_x);
  free(g->target);
  FFGraphDestroy(&g->graph);
}

typedef struct {
  FFParams *P;
  FFMeshGraphNet net;
  FFTape *tape;
  float *grad;
  FFOptimizer *opt;
} Model;

static void MakeModel(uint64_t seed, Model *m)
{
  FFMeshGraphNetConfig cfg;
  FFMeshGraphNetConfigDefault(&cfg);
  cfg.node_in = 4;
  cfg.edge_in = 3;
  cfg.out = 2;
  cfg.width = 24;
  cfg.blocks = 3;
  FF_TEST_CALL(FFParamsCreate(&m->P));
  FF_TEST_CALL(FFMeshGraphNetCreate(m->P, "mgn", &cfg, &m->net));
  FF_TEST_CALL(FFParamsSetUp(m->P, seed));
  FF_TEST_CALL(FFParamsGradCreate(m->P, &m->grad));
  FF_TEST_CALL(FFTapeCreate(m->P, &m->tape));
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.lr = 1e-3;
  FF_TEST_CALL(FFOptimizerCreate(m->P, &oc, &m->opt));
}

static void FreeModel(Model *m)
{
  FFOptimizerDestroy(&m->opt);
  FFTapeDestroy(&m->tape);
  FFMeshGraphNetDestroy(&m->net);
  free(m->grad);
  FFParamsDestroy(&m->P);
}

/* forward + MSE on the tape (reset first) */
static FFTensor *Loss(Model *m, GraphData *g, FFTensor **out, FFTensor **node_in, int input_grad)
{
  FFTensor *nx, *ex, *t, *y, *loss;
  FFTapeReset(m->tape);
  FF_TEST_CALL(FFTapeLeaf(m->tape, g->n_nodes, 4, g->node_x, input_grad, &nx));
  FF_TEST_CALL(FFTapeLeaf(m->tape, g->n_edges, 3, g->edge_x, 0, &ex));
  FF_TEST_CALL(FFTapeLeaf(m->tape, g->n_nodes, 2, g->target, 0, &t));
  FF_TEST_CALL(FFMeshGraphNetForward(&m->net, m->tape, g->graph, nx, ex, &y));
  FF_TEST_CALL(FFOpMSE(m->tape, y, t, &loss));
  if (out) *out = y;
  if (node_in) *node_in = nx;
  return loss;
}

static double TrainStep(Model *m, GraphData *g)
{
  FFTensor *loss = Loss(m, g, NULL, NULL, 0);
  FFParamsGradZero(m->P, m->grad);
  FF_TEST_CALL(FFTapeBackward(m->tape, loss, m->grad));
  FF_TEST_CALL(FFOptimizerStep(m->opt, m->P, m->grad, FFTensorScalar(loss), NULL));
  return FFTensorScalar(loss);
}

static void TestDeterminism(void)
{
  GraphData g;
  MakeGraph(24, 20, 5, &g); /* 2706 edges: several chunks, so threads split the work */
  float *after[3];
  for (int run = 0; run < 3; run++) {
    FFNNSetThreads(run == 2 ? 2 : 1);
    Model m;
    MakeModel(42, &m);
    double l0 = TrainStep(&m, &g), l = l0;
    for (int s = 0; s < 4; s++) l = TrainStep(&m, &g);
    CU_ASSERT(l < l0);
    after[run] = malloc(m.P->size * sizeof(float));
    memcpy(after[run], m.P->values, m.P->size * sizeof(float));
    size_t n = m.P->size;
    FreeModel(&m);
    if (run == 0) continue;
    /* bit for bit: two runs on one thread; one thread vs two (fixed-chunk reductions) */
    CU_ASSERT(memcmp(after[0], after[run], n * sizeof(float)) == 0);
  }
  FFNNSetThreads(1);
  for (int run = 0; run < 3; run++) free(after[run]);
  FreeGraph(&g);
}

static void TestMemoryReuse(void)
{
  GraphData big, small;
  MakeGraph(10, 8, 1, &big);
  MakeGraph(6, 5, 2, &small);
  Model m;
  MakeModel(3, &m);
  FFTapeStats st;
  TrainStep(&m, &big);
  TrainStep(&m, &big);
  FFTapeGetStats(m.tape, &st);
  long allocs = st.pool_allocations;
  /* same sizes, then smaller graphs: the pool never grows again */
  for (int s = 0; s < 3; s++) TrainStep(&m, &big);
  for (int s = 0; s < 3; s++) TrainStep(&m, &small);
  TrainStep(&m, &big);
  FFTapeGetStats(m.tape, &st);
  CU_ASSERT_EQUAL(st.pool_allocations, allocs);
  /* inference: no tape, intermediates freed as it goes -> far less memory in use */
  FFTapeStats train;
  FFTapeGetStats(m.tape, &train);
  FFTensor *y_train;
  Loss(&m, &big, &y_train, NULL, 0);
  float *y_ref = malloc(big.n_nodes * 2 * sizeof(float));
  memcpy(y_ref, y_train->data, big.n_nodes * 2 * sizeof(float));
  Model inf;
  MakeModel(3, &inf);
  memcpy(inf.P->values, m.P->values, m.P->size * sizeof(float));
  FFTapeSetGradEnabled(inf.tape, 0);
  FFTensor *y;
  Loss(&inf, &big, &y, NULL, 0);
  CU_ASSERT(memcmp(y->data, y_ref, big.n_nodes * 2 * sizeof(float)) == 0);
  FFTapeStats is;
  FFTapeGetStats(inf.tape, &is);
  CU_ASSERT_EQUAL(is.n_ops, 0);
  CU_ASSERT(is.pool_peak_used * 3 < train.pool_peak_used);
  FreeModel(&inf);
  free(y_ref);
  FreeModel(&m);
  FreeGraph(&big);
  FreeGraph(&small);
}

static double MaxRelDiff(const float *a, const float *b, size_t n)
{
  double d = 0.0, s = 1e-30;
  for (size_t i = 0; i < n; i++) {
    if (fabs(a[i] - b[i]) > d) d = fabs(a[i] - b[i]);
    if (fabs(b[i]) > s) s = fabs(b[i]);
  }
  return d / s;
}

static void TestExternalGradient(void)
{
  GraphData g;
  MakeGraph(7, 6, 9, &g);
  Model m;
  MakeModel(4, &m);
  size_t n = m.P->size;
  /* an output gradient from outside the tape (as J^T F from PETSc) */
  float *G = malloc(g.n_nodes * 2 * sizeof(float));
  FFRng rng;
  FFRngSeed(&rng, 77, 0);
  FFRngNormalFill(&rng, G, g.n_nodes * 2, 1.0f);
  FFTensor *y, *nx;
  Loss(&m, &g, &y, &nx, 1);
  float *g_ext = calloc(n, sizeof(float)), *g_loss = calloc(n, sizeof(float));
  const float *seed[1] = {G};
  FF_TEST_CALL(FFTapeBackwardFrom(m.tape, 1, &y, seed, g_ext));
  float *dx_ext = malloc(g.n_nodes * 4 * sizeof(float));
  memcpy(dx_ext, nx->grad, g.n_nodes * 4 * sizeof(float));
  /* the same as the gradient of sum(G * y) built on the tape */
  FFTensor *tg, *prod, *s;
  Loss(&m, &g, &y, &nx, 1);
  FF_TEST_CALL(FFTapeLeaf(m.tape, g.n_nodes, 2, G, 0, &tg));
  FF_TEST_CALL(FFOpMul(m.tape, y, tg, &prod));
  FF_TEST_CALL(FFOpSum(m.tape, prod, &s));
  FF_TEST_CALL(FFTapeBackward(m.tape, s, g_loss));
  CU_ASSERT(MaxRelDiff(g_ext, g_loss, n) < 1e-6);
  CU_ASSERT(MaxRelDiff(dx_ext, nx->grad, g.n_nodes * 4) < 1e-6);
  free(G);
  free(g_ext);
  free(g_loss);
  free(dx_ext);
  FreeModel(&m);
  FreeGraph(&g);
}

static void TestTwoGradients(void)
{
  GraphData g;
  MakeGraph(6, 6, 11, &g);
  Model m;
  MakeModel(5, &m);
  size_t n = m.P->size;
  float *t2 = malloc(g.n_nodes * 2 * sizeof(float));
  float *g1 = calloc(n, sizeof(float)), *g2 = calloc(n, sizeof(float));
  float *ref1 = calloc(n, sizeof(float)), *ref2 = calloc(n, sizeof(float));
  for (int i = 0; i < g.n_nodes * 2; i++) t2[i] = 0.5f * g.target[i] + 0.3f;
  /* one forward, two losses, two gradient buffers (ConFIG) */
  FFTensor *y, *l1, *l2, *tt2;
  l1 = Loss(&m, &g, &y, NULL, 0);
  FF_TEST_CALL(FFTapeLeaf(m.tape, g.n_nodes, 2, t2, 0, &tt2));
  FF_TEST_CALL(FFOpMSE(m.tape, y, tt2, &l2));
  FF_TEST_CALL(FFTapeBackward(m.tape, l1, g1));
  FF_TEST_CALL(FFTapeBackward(m.tape, l2, g2));
  /* references: a fresh forward for each loss */
  FF_TEST_CALL(FFTapeBackward(m.tape, Loss(&m, &g, NULL, NULL, 0), ref1));
  Loss(&m, &g, &y, NULL, 0);
  FF_TEST_CALL(FFTapeLeaf(m.tape, g.n_nodes, 2, t2, 0, &tt2));
  FF_TEST_CALL(FFOpMSE(m.tape, y, tt2, &l2));
  FF_TEST_CALL(FFTapeBackward(m.tape, l2, ref2));
  CU_ASSERT(memcmp(g1, ref1, n * sizeof(float)) == 0);
  CU_ASSERT(memcmp(g2, ref2, n * sizeof(float)) == 0);
  /* gradients accumulate until the caller zeroes them */
  FF_TEST_CALL(FFTapeBackward(m.tape, l2, ref2));
  for (size_t i = 0; i < n; i++) g2[i] *= 2.0f;
  CU_ASSERT(MaxRelDiff(ref2, g2, n) < 1e-6);
  free(t2);
  free(g1);
  free(g2);
  free(ref1);
  free(ref2);
  FreeModel(&m);
  FreeGraph(&g);
}

/* x <- x + dt * v(x) three times with the same MLP; loss MSE(x_3, target). */
static double UnrollLoss(FFTape *tape, const FFMLP *mlp, const float *x0, const float *target, int rows, FFTensor **x0t,
                         float *grad)
{
  FFTensor *x, *v, *t, *loss;
  FFTapeReset(tape);
  FF_TEST_CALL(FFTapeLeaf(tape, rows, 3, x0, grad != NULL, &x));
  *x0t = x;
  for (int k = 0; k < 3; k++) {
    FF_TEST_CALL(FFMLPForward(mlp, tape, x, &v));
    FF_TEST_CALL(FFOpAxpy(tape, x, 0.3f, v, &x));
  }
  FF_TEST_CALL(FFTapeLeaf(tape, rows, 3, target, 0, &t));
  FF_TEST_CALL(FFOpMSE(tape, x, t, &loss));
  if (grad) FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
  return FFTensorScalar(loss);
}

static void TestUnrolling(void)
{
  FFParams *P;
  FFMLP mlp;
  FFMLPConfig c = {.in = 3, .hidden = 8, .out = 3, .hidden_layers = 2, .act = FF_ACT_SILU, .layer_norm = 0};
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFMLPCreate(P, "v", &c, &mlp));
  FF_TEST_CALL(FFParamsSetUp(P, 8));
  float *grad;
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  int rows = 5;
  float x0[15], target[15];
  FFRng rng;
  FFRngSeed(&rng, 3, 0);
  FFRngNormalFill(&rng, x0, 15, 1.0f);
  FFRngNormalFill(&rng, target, 15, 1.0f);
  FFTensor *xt;
  UnrollLoss(tape, &mlp, x0, target, rows, &xt, grad);
  float dx[15];
  memcpy(dx, xt->grad, sizeof dx);
  /* finite differences through all three applications, in every parameter and input */
  const float h = 3e-3f;
  double worst = 0.0, scale = 1e-3;
  for (size_t i = 0; i < P->size + 15; i++) {
    float *v = i < P->size ? &P->values[i] : &x0[i - P->size];
    float an = i < P->size ? grad[i] : dx[i - P->size], v0 = *v;
    *v = v0 + h;
    double lp = UnrollLoss(tape, &mlp, x0, target, rows, &xt, NULL);
    *v = v0 - h;
    double lm = UnrollLoss(tape, &mlp, x0, target, rows, &xt, NULL);
    *v = v0;
    double fd = (lp - lm) / (2 * h);
    if (fabs(fd - an) > worst) worst = fabs(fd - an);
    if (fabs(an) > scale) scale = fabs(an);
  }
  CU_ASSERT(worst / scale < 1e-3);
  if (!(worst / scale < 1e-3)) fprintf(stderr, "unrolled gradient off by %g\n", worst / scale);
  FFTapeDestroy(&tape);
  free(grad);
  FFParamsDestroy(&P);
}

static void TestNeuralField(void)
{
  /* Fourier features + modulated MLP on random node subsets of varying size */
  FFParams *P;
  FFFourierFeatures ff;
  FFModulatedMLP net;
  float scales[2] = {1.0f, 2.0f};
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFFourierFeaturesCreate(P, "ff", 3, 8, 2, scales, 1, &ff));
  FFModulatedMLPConfig c = {.in = ff.out,
                            .width = 16,
                            .depth = 3,
                            .out = 3,
                            .act = FF_ACT_SILU,
                            .cond_in = 4,
                            .hyper_width = 16,
                            .hyper_hidden_layers = 2,
                            .hyper_act = FF_ACT_SILU};
  FF_TEST_CALL(FFModulatedMLPCreate(P, "field", &c, &net));
  FF_TEST_CALL(FFParamsSetUp(P, 12));
  CU_ASSERT_EQUAL(ff.out, 2 * 16 + 3);
  FFTape *tape;
  float *grad;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.type = FF_OPT_ADAMW;
  oc.lr = 3e-3;
  FFOptimizer *opt;
  FF_TEST_CALL(FFOptimizerCreate(P, &oc, &opt));
  /* 2 samples of 300 points; each step trains on a random subset of 40..200 points */
  int n_points = 600;
  float *coords = malloc(n_points * 3 * sizeof(float)), *fields = malloc(n_points * 3 * sizeof(float));
  float cond[8] = {0.1f, -0.2f, 0.3f, 0.5f, -0.4f, 0.2f, 0.0f, 0.7f};
  FFRng rng;
  FFRngSeed(&rng, 21, 0);
  for (int i = 0; i < n_points; i++) {
    int s = i / 300;
    for (int d = 0; d < 3; d++) coords[i * 3 + d] = (float)(2 * FFRngUniform(&rng) - 1);
    for (int d = 0; d < 3; d++)
      fields[i * 3 + d] = sinf(2.0f * coords[i * 3]) * (s ? 1.0f : -1.0f) + 0.3f * coords[i * 3 + 1 + d % 2];
  }
  int perm[600], sample[200];
  float xs[600], ys[600];
  FFIndexMap *map;
  FF_TEST_CALL(FFIndexMapCreate(&map));
  FFTapeStats st;
  long allocs = -1;
  double first = 0, last = 0;
  for (int step = 0; step < 120; step++) {
    int n = step < 2 ? 200 : 40 + (int)FFRngBelow(&rng, 161);
    for (int i = 0; i < n_points; i++) perm[i] = i;
    FFRngShuffle(&rng, perm, n_points);
    for (int k = 0; k < n; k++) {
      sample[k] = perm[k] / 300;
      memcpy(xs + 3 * k, coords + 3 * perm[k], 3 * sizeof(float));
      memcpy(ys + 3 * k, fields + 3 * perm[k], 3 * sizeof(float));
    }
    FF_TEST_CALL(FFIndexMapSet(map, 2, n, sample));
    FFTapeReset(tape);
    FFTensor *x, *cd, *t, *feat, *y, *loss;
    FF_TEST_CALL(FFTapeLeaf(tape, n, 3, xs, 0, &x));
    FF_TEST_CALL(FFTapeLeaf(tape, 2, 4, cond, 0, &cd));
    FF_TEST_CALL(FFTapeLeaf(tape, n, 3, ys, 0, &t));
    FF_TEST_CALL(FFFourierFeaturesForward(&ff, tape, x, &feat));
    FF_TEST_CALL(FFModulatedMLPForward(&net, tape, feat, cd, map, &y));
    FF_TEST_CALL(FFOpMSE(tape, y, t, &loss));
    FFParamsGradZero(P, grad);
    FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
    FF_TEST_CALL(FFOptimizerStep(opt, P, grad, FFTensorScalar(loss), NULL));
    if (step == 0) first = FFTensorScalar(loss);
    last = FFTensorScalar(loss);
    FFTapeGetStats(tape, &st);
    if (step == 2) allocs = st.pool_allocations;
  }
  /* it learns, the frozen frequencies stay put, and smaller subsets never allocate */
  CU_ASSERT(last < 0.5 * first);
  CU_ASSERT_EQUAL(st.pool_allocations, allocs);
  CU_ASSERT_EQUAL(grad[P->info[ff.freq].offset], 0.0f);
  FFIndexMapDestroy(&map);
  free(coords);
  free(fields);
  FFOptimizerDestroy(&opt);
  FFTapeDestroy(&tape);
  free(grad);
  FFParamsDestroy(&P);
}

static void TestOptimizerSafety(void)
{
  FFParams *P;
  int w;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "w", 2, 3, FF_INIT_UNIFORM, 1.0f, 0, &w));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FFOptimizerConfig c;
  FFOptimizerConfigDefault(&c);
  c.clip_norm = 1.0;
  c.ema_decay = 0.9;
  FFOptimizer *opt;
  FF_TEST_CALL(FFOptimizerCreate(P, &c, &opt));
  float before[6], grad[16] = {3, 0, 4, 0, 0, 0};
  memcpy(before, P->values, sizeof before);
  FFStepInfo info;
  /* a non-finite loss or gradient is refused and counted */
  FF_TEST_CALL(FFOptimizerStep(opt, P, grad, NAN, &info));
  CU_ASSERT(!info.applied);
  grad[1] = INFINITY;
  FF_TEST_CALL(FFOptimizerStep(opt, P, grad, 1.0, &info));
  CU_ASSERT(!info.applied);
  CU_ASSERT(memcmp(before, P->values, sizeof before) == 0);
  FFOptimizerState st;
  FFOptimizerGetState(opt, &st);
  CU_ASSERT_EQUAL(st.skipped, 2);
  CU_ASSERT_EQUAL(st.step, 0);
  /* clipping to norm 1: (3, 4) -> (0.6, 0.8) */
  grad[1] = 0;
  FF_TEST_CALL(FFOptimizerStep(opt, P, grad, 1.0, &info));
  CU_ASSERT(info.applied);
  FF_TEST_CLOSE(info.grad_norm, 5.0, 1e-6, 0);
  FF_TEST_CLOSE(grad[0], 0.6, 1e-5, 0);
  FF_TEST_CLOSE(grad[2], 0.8, 1e-5, 0);
  /* first Adam step moves each entry with a gradient by lr; EMA = 0.9 old + 0.1 new */
  FF_TEST_CLOSE(P->values[0], before[0] - 1e-3, 1e-4, 1e-7);
  FF_TEST_CLOSE(P->values[1], before[1], 0, 0);
  FFOptimizerGetState(opt, &st);
  FF_TEST_CLOSE(st.ema[0], 0.9 * before[0] + 0.1 * P->values[0], 1e-6, 1e-7);
  float live = P->values[0], avg = st.ema[0];
  FF_TEST_CALL(FFOptimizerSwapEMA(opt, P));
  CU_ASSERT_EQUAL(P->values[0], avg);
  FF_TEST_CALL(FFOptimizerSwapEMA(opt, P));
  CU_ASSERT_EQUAL(P->values[0], live);
  FFOptimizerDestroy(&opt);
  /* with the warm-up the decay of step k is min(0.9, (1 + k) / (10 + k)): 2/11 at the first
   * step, so the average forgets the initial weights at once */
  c.ema_warmup = 1;
  FF_TEST_CALL(FFOptimizerCreate(P, &c, &opt));
  float start[6], ema = P->values[2];
  memcpy(start, P->values, sizeof start);
  for (int k = 1; k <= 30; k++) {
    float g[16] = {1, -1, 0.5f, 0, 0, 0}; /* as long as grad above: the step reads the padded length */
    FF_TEST_CALL(FFOptimizerStep(opt, P, g, 1.0, &info));
    const double d = fmin(0.9, (1.0 + k) / (10.0 + k));
    ema = (float)(d * ema + (1 - d) * P->values[2]);
  }
  FFOptimizerGetState(opt, &st);
  FF_TEST_CLOSE(st.ema[2], ema, 1e-5, 1e-7);
  CU_ASSERT(fabs(st.ema[2] - start[2]) > 0.5 * fabs(P->values[2] - start[2])); /* it follows the weights */
  FFOptimizerDestroy(&opt);
  FFParamsDestroy(&P);
}

static void TestSchedules(void)
{
  FFScheduleConfig s = {.type = FF_SCHEDULE_COSINE, .warmup_steps = 10, .total_steps = 110, .min_lr = 1e-6};
  FF_TEST_CLOSE(FFScheduleLearningRate(&s, 1e-4, 1e-4, 0), 1e-5, 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRate(&s, 1e-4, 1e-4, 9), 1e-4, 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRate(&s, 1e-4, 1e-4, 60), 0.5 * (1e-4 + 1e-6), 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRate(&s, 1e-4, 1e-4, 110), 1e-6, 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRate(&s, 1e-4, 1e-4, 500), 1e-6, 1e-12, 0);
  /* a time budget: the progress is the larger of the step and clock fractions */
  FF_TEST_CLOSE(FFScheduleLearningRateAt(&s, 1e-4, 1e-4, 35, 0.5), 0.5 * (1e-4 + 1e-6), 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRateAt(&s, 1e-4, 1e-4, 60, 0.1), 0.5 * (1e-4 + 1e-6), 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRateAt(&s, 1e-4, 1e-4, 20, 1.0), 1e-6, 1e-12, 0);
  FF_TEST_CLOSE(FFScheduleLearningRateAt(&s, 1e-4, 1e-4, 5, 0.9), 6e-5, 1e-12, 0); /* warm-up first */
  /* plateau: halve after 2 observations without a 1% improvement */
  FFParams *P;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "w", 1, 1, FF_INIT_ONE, 0, 0, NULL));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FFOptimizerConfig c;
  FFOptimizerConfigDefault(&c);
  c.lr = 1e-3;
  c.schedule = (FFScheduleConfig){.type = FF_SCHEDULE_PLATEAU,
                                  .plateau_factor = 0.5,
                                  .plateau_patience = 2,
                                  .plateau_threshold = 0.01,
                                  .min_lr = 3e-4};
  FFOptimizer *opt;
  FF_TEST_CALL(FFOptimizerCreate(P, &c, &opt));
  double metrics[] = {1.0, 0.9, 0.895, 0.899, 0.95, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
  double expect[] = {1e-3, 1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4, 5e-4, 3e-4, 3e-4, 3e-4, 3e-4};
  for (int k = 0; k < 12; k++) {
    FFOptimizerObserve(opt, metrics[k]);
    FF_TEST_CLOSE(FFOptimizerLearningRate(opt), expect[k], 1e-12, 0);
  }
  FFOptimizerDestroy(&opt);
  /* the optimizer's clock: clamped, never going back */
  c.schedule = s;
  FF_TEST_CALL(FFOptimizerCreate(P, &c, &opt));
  FF_TEST_CLOSE(FFOptimizerLearningRate(opt), 1e-4, 1e-12, 0); /* step 0 of the warm-up */
  FFOptimizerState st = {.step = 20};
  FF_TEST_CALL(FFOptimizerSetCounters(opt, &st));
  FFOptimizerSetClock(opt, 0.5);
  FF_TEST_CLOSE(FFOptimizerLearningRate(opt), 0.5 * (1e-3 + 1e-6), 1e-12, 0);
  FFOptimizerSetClock(opt, 0.3);
  FF_TEST_CLOSE(FFOptimizerLearningRate(opt), 0.5 * (1e-3 + 1e-6), 1e-12, 0);
  FFOptimizerSetClock(opt, 7.0);
  FF_TEST_CLOSE(FFOptimizerLearningRate(opt), 1e-6, 1e-12, 0);
  FFOptimizerDestroy(&opt);
  FFParamsDestroy(&P);
}

static void TestTimeEmbedding(void)
{
  FFParams *P;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "w", 1, 1, FF_INIT_ONE, 0, 0, NULL));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  float t[2] = {0.0f, 0.75f};
  FFTensor *e;
  FF_TEST_CALL(FFTimeEmbedding(tape, 2, t, 8, 10000.0f, &e));
  CU_ASSERT(e->rows == 2 && e->cols == 8);
  FF_TEST_CLOSE(e->data[0], 0.0, 0, 1e-7);
  FF_TEST_CLOSE(e->data[4], 1.0, 1e-7, 0);
  FF_TEST_CLOSE(e->data[8 + 1], sin(0.75 * pow(10000.0, -0.25)), 1e-6, 0);
  FF_TEST_CLOSE(e->data[8 + 5], cos(0.75 * pow(10000.0, -0.25)), 1e-6, 0);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&P);
}

static void TestErrors(void)
{
  FFParams *P;
  FF_TEST_CALL(FFParamsCreate(&P));
  FFLinear lin;
  FF_TEST_CALL(FFLinearCreate(P, "lin", 3, 2, &lin));
  CU_ASSERT_EQUAL(FFParamsAdd(P, "lin.weight", 1, 1, FF_INIT_ZERO, 0, 0, NULL), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "registered twice"));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  float x[8] = {0};
  FFTensor *tx, *y;
  FF_TEST_CALL(FFTapeLeaf(tape, 2, 4, x, 0, &tx));
  CU_ASSERT_EQUAL(FFLinearForward(&lin, tape, tx, FF_ACT_RELU, &y), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "linear weight is 2 x 3 but the inputs have 4 columns"));
  FF_TEST_CALL(FFTapeLeaf(tape, 4, 2, x, 0, &tx));
  CU_ASSERT_EQUAL(FFTapeBackward(tape, tx, NULL), FF_ERR_ARG);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&P);
}

int main(void)
{
  /* With one nn thread BLAS may use its own threads, whose sums can be ordered
   * differently; the bit-for-bit comparison across thread counts wants it serial. */
  openblas_set_num_threads(1);
  FFNNSetThreads(1);
  const FFTest tests[] = {
      {"deterministic: bit for bit across runs and thread counts", TestDeterminism},
      {"memory pool reused; inference mode frees as it goes", TestMemoryReuse},
      {"external output gradient (J^T F) equals the tape's", TestExternalGradient},
      {"two gradients from one forward (ConFIG), accumulation", TestTwoGradients},
      {"temporal unrolling: gradients through every application", TestUnrolling},
      {"neural field: Fourier features, modulated MLP, varying subsets", TestNeuralField},
      {"optimizer: non-finite steps refused, clipping, EMA", TestOptimizerSafety},
      {"schedules: warm-up, cosine, plateau", TestSchedules},
      {"time embedding", TestTimeEmbedding},
      {"errors name what is wrong", TestErrors},
      {NULL, NULL},
  };
  return FFTestRun("nn_train", tests);
}
