/* nn: every operation's backward against central finite differences.
 * L = sum(R * out) for a random R; dL/d(input) from the tape vs (L(x+h) - L(x-h)) / 2h. */
#include "ff_nn.h"
#include "ff_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEAVES 8

typedef FFErrorCode (*BuildFn)(FFTape *tape, FFTensor **leaves, void *ctx, FFTensor **out);

typedef struct {
  const char *name;
  int n;
  int rows[MAX_LEAVES], cols[MAX_LEAVES];
  int constant[MAX_LEAVES]; /* leaf without gradient (data) */
  int positive[MAX_LEAVES]; /* values in [0.5, 1.5] (weights) */
  BuildFn build;
  void *ctx;
  FFParams *params; /* optional: parameters checked too */
  int max_checks;   /* elements checked per tensor (0: all) */
} GradCase;

static FFErrorCode Forward(GradCase *gc, FFTape *tape, float **data, const float *R, double *L, FFTensor **out,
                           FFTensor **leaves)
{
  FFTapeReset(tape);
  for (int k = 0; k < gc->n; k++)
    FF_CHECK(FFTapeLeaf(tape, gc->rows[k], gc->cols[k], data[k], !gc->constant[k], &leaves[k]));
  FF_CHECK(gc->build(tape, leaves, gc->ctx, out));
  double s = 0.0;
  for (size_t i = 0; R && i < (size_t)(*out)->rows * (*out)->cols; i++) s += (double)R[i] * (*out)->data[i];
  *L = s;
  return FF_SUCCESS;
}

/* Largest |fd - analytic| over the checked entries, relative to the largest |analytic|. */
static double CheckEntries(GradCase *gc, FFTape *tape, float **data, const float *R, float *x, size_t n,
                           const float *analytic, FFRng *rng, double *scale)
{
  const float h = 3e-3f;
  double worst = 0.0;
  size_t count = gc->max_checks && (size_t)gc->max_checks < n ? (size_t)gc->max_checks : n;
  for (size_t c = 0; c < count; c++) {
    size_t i = count == n ? c : (size_t)FFRngBelow(rng, n);
    float x0 = x[i];
    double Lp, Lm;
    FFTensor *out, *leaves[MAX_LEAVES];
    x[i] = x0 + h;
    FF_TEST_CALL(Forward(gc, tape, data, R, &Lp, &out, leaves));
    x[i] = x0 - h;
    FF_TEST_CALL(Forward(gc, tape, data, R, &Lm, &out, leaves));
    x[i] = x0;
    double fd = (Lp - Lm) / (2.0 * h), err = fabs(fd - analytic[i]);
    if (err > worst) worst = err;
    if (fabs(analytic[i]) > *scale) *scale = fabs(analytic[i]);
    if (fabs(fd) > *scale) *scale = fabs(fd);
  }
  return worst;
}

static void GradCheck(GradCase *gc)
{
  FFRng rng;
  FFRngSeed(&rng, 1234, 0);
  float *data[MAX_LEAVES], *grads[MAX_LEAVES];
  for (int k = 0; k < gc->n; k++) {
    size_t n = (size_t)gc->rows[k] * gc->cols[k];
    data[k] = malloc(n * sizeof(float));
    grads[k] = calloc(n, sizeof(float));
    for (size_t i = 0; i < n; i++) {
      double u = FFRngUniform(&rng);
      /* away from 0, so no finite-difference step crosses the ReLU kink */
      data[k][i] = gc->positive[k] ? (float)(0.5 + u) : (float)((u < 0.5 ? -1 : 1) * (0.05 + 0.95 * fabs(2 * u - 1)));
    }
  }
  FFParams *P = gc->params;
  if (!P) {
    FF_TEST_CALL(FFParamsCreate(&P));
    FF_TEST_CALL(FFParamsAdd(P, "unused", 1, 1, FF_INIT_ZERO, 0, 0, NULL));
    FF_TEST_CALL(FFParamsSetUp(P, 1));
  }
  float *pgrad;
  FF_TEST_CALL(FFParamsGradCreate(P, &pgrad));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FFTensor *out, *leaves[MAX_LEAVES];
  double L;
  float *R = NULL;
  FF_TEST_CALL(Forward(gc, tape, data, NULL, &L, &out, leaves));
  size_t nout = (size_t)out->rows * out->cols;
  R = malloc(nout * sizeof(float));
  for (size_t i = 0; i < nout; i++) R[i] = (float)(2 * FFRngUniform(&rng) - 1);
  FF_TEST_CALL(Forward(gc, tape, data, R, &L, &out, leaves));
  const float *seed[1] = {R};
  FF_TEST_CALL(FFTapeBackwardFrom(tape, 1, &out, seed, pgrad));
  for (int k = 0; k < gc->n; k++)
    if (!gc->constant[k]) memcpy(grads[k], leaves[k]->grad, (size_t)gc->rows[k] * gc->cols[k] * sizeof(float));
  double worst = 0.0, scale = 1e-3;
  for (int k = 0; k < gc->n; k++)
    if (!gc->constant[k]) {
      double w = CheckEntries(gc, tape, data, R, data[k], (size_t)gc->rows[k] * gc->cols[k], grads[k], &rng, &scale);
      if (w > worst) worst = w;
    }
  if (gc->params)
    for (int p = 0; p < P->n; p++) {
      if (P->info[p].flags & FF_PARAM_FROZEN) continue;
      float *x = FFParamsData(P, p);
      double w = CheckEntries(gc, tape, data, R, x, (size_t)P->info[p].rows * P->info[p].cols,
                              pgrad + P->info[p].offset, &rng, &scale);
      if (w > worst) worst = w;
    }
  double rel = worst / scale;
  if (getenv("FF_GRAD_VERBOSE") || !(rel < 1e-3))
    fprintf(stderr, "%s: finite-difference mismatch %.3g (scale %.3g)\n", gc->name, rel, scale);
  CU_ASSERT(rel < 1e-3);
  FFTapeDestroy(&tape);
  free(pgrad);
  free(R);
  for (int k = 0; k < gc->n; k++) {
    free(data[k]);
    free(grads[k]);
  }
  if (!gc->params) FFParamsDestroy(&P);
}

/* ---------------------------------------------------------------- builders */

static FFErrorCode BuildMatMul(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpMatMul(t, x[0], x[1], *(int *)ctx, y);
}
static FFErrorCode BuildBias(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpBias(t, x[0], x[1], y);
}
static FFErrorCode BuildAct(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpActivation(t, x[0], *(FFActivation *)ctx, y);
}
static FFErrorCode BuildLayerNorm(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpLayerNorm(t, x[0], x[1], x[2], y);
}
static FFErrorCode BuildConcat(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpConcat(t, *(int *)ctx, x, y);
}
static FFErrorCode BuildSlice(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpSliceCols(t, x[0], 1, 3, y);
}
static FFErrorCode BuildGather(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpGather(t, x[0], (const FFIndexMap *)ctx, y);
}
static FFErrorCode BuildScatter(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpScatterAdd(t, x[0], (const FFIndexMap *)ctx, y);
}
static FFErrorCode BuildAdd(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpAdd(t, x[0], x[1], y);
}
static FFErrorCode BuildMul(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpMul(t, x[0], x[1], y);
}
static FFErrorCode BuildScaleAxpy(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  FFTensor *s;
  FF_CHECK(FFOpScale(t, x[0], -1.5f, &s));
  return FFOpAxpy(t, s, 0.25f, x[1], y);
}
static FFErrorCode BuildSumMean(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  FFTensor *a, *b, *sq;
  FF_CHECK(FFOpMul(t, x[0], x[0], &sq));
  FF_CHECK(FFOpSum(t, sq, &a));
  FF_CHECK(FFOpMean(t, x[0], &b));
  return FFOpAxpy(t, a, 3.0f, b, y);
}
static FFErrorCode BuildMSE(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpMSE(t, x[0], x[1], y);
}
static FFErrorCode BuildWMSE(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpWeightedMSE(t, x[0], x[1], x[2], y);
}
static FFErrorCode BuildFourier(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  (void)ctx;
  return FFOpFourier(t, x[0], x[1], 1, y);
}

static FFErrorCode BuildSoftmax(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpSoftmax(t, x[0], *(int *)ctx, y);
}
static FFErrorCode BuildSegmentMean(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpSegmentMean(t, x[0], (const FFIndexMap *)ctx, y);
}
/* slice weights through a softmax (as physics attention has them), aggregated, then the tokens
 * mixed with a leaf and distributed back with the same weights */
static FFErrorCode BuildSlices(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  const int heads = *(int *)ctx;
  FFTensor *w, *tok, *mixed;
  FF_CHECK(FFOpSoftmax(t, x[0], x[0]->cols / heads, &w));
  FF_CHECK(FFOpSliceAggregate(t, w, x[1], heads, &tok));
  FF_CHECK(FFOpMul(t, tok, x[2], &mixed));
  return FFOpSliceDistribute(t, w, mixed, heads, y);
}
static FFErrorCode BuildSliceAggregate(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpSliceAggregate(t, x[0], x[1], *(int *)ctx, y);
}
static FFErrorCode BuildAttention(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  return FFOpAttention(t, x[0], x[1], x[2], *(int *)ctx, y);
}

/* fused linear: the spec's tensors are leaves x[...] in a fixed order */
typedef struct {
  int n_inputs;
  const FFIndexMap *gather[FF_LINEAR_MAX_IN];
  int input_leaf[FF_LINEAR_MAX_IN];               /* which leaf each input is */
  int weight, bias, shift, gamma, beta, residual; /* leaf indices or -1 */
  const FFIndexMap *shift_gather;
  FFActivation act;
} LinearCtx;

static FFErrorCode BuildLinear(FFTape *t, FFTensor **x, void *ctx, FFTensor **y)
{
  const LinearCtx *c = ctx;
  FFLinearSpec s = {.n_inputs = c->n_inputs, .act = c->act, .shift_gather = c->shift_gather};
  for (int j = 0; j < c->n_inputs; j++) {
    s.x[j] = x[c->input_leaf[j]];
    s.gather[j] = c->gather[j];
  }
  s.weight = x[c->weight];
  s.bias = c->bias >= 0 ? x[c->bias] : NULL;
  s.shift = c->shift >= 0 ? x[c->shift] : NULL;
  s.ln_gamma = c->gamma >= 0 ? x[c->gamma] : NULL;
  s.ln_beta = c->beta >= 0 ? x[c->beta] : NULL;
  s.residual = c->residual >= 0 ? x[c->residual] : NULL;
  return FFOpLinear(t, &s, y);
}

/* ---------------------------------------------------------------- tests */

static void TestMatMulBias(void)
{
  int no = 0, yes = 1;
  GradCase a = {.name = "matmul", .n = 2, .rows = {5, 4}, .cols = {4, 3}, .build = BuildMatMul, .ctx = &no};
  GradCheck(&a);
  GradCase b = {.name = "matmul^T", .n = 2, .rows = {5, 3}, .cols = {4, 4}, .build = BuildMatMul, .ctx = &yes};
  GradCheck(&b);
  /* rows beyond one chunk exercise the partial sums of the weight gradient */
  GradCase c = {.name = "matmul large",
                .n = 2,
                .rows = {2300, 3},
                .cols = {3, 2},
                .build = BuildMatMul,
                .ctx = &no,
                .max_checks = 12};
  GradCheck(&c);
  GradCase d = {.name = "bias", .n = 2, .rows = {6, 1}, .cols = {4, 4}, .build = BuildBias};
  GradCheck(&d);
}

static void TestActivations(void)
{
  FFActivation acts[] = {FF_ACT_RELU, FF_ACT_SILU, FF_ACT_GELU, FF_ACT_SIN};
  for (int k = 0; k < 4; k++) {
    GradCase g = {
        .name = FFActivationName(acts[k]), .n = 1, .rows = {7}, .cols = {5}, .build = BuildAct, .ctx = &acts[k]};
    GradCheck(&g);
  }
}

static void TestLayerNorm(void)
{
  GradCase g = {.name = "layernorm", .n = 3, .rows = {5, 1, 1}, .cols = {6, 6, 6}, .build = BuildLayerNorm};
  GradCheck(&g);
  GradCase big = {.name = "layernorm large",
                  .n = 3,
                  .rows = {2100, 1, 1},
                  .cols = {4, 4, 4},
                  .build = BuildLayerNorm,
                  .max_checks = 10};
  GradCheck(&big);
}

static void TestConcatSlice(void)
{
  int three = 3, six = 6;
  GradCase a = {.name = "concat", .n = 3, .rows = {4, 4, 4}, .cols = {2, 3, 1}, .build = BuildConcat, .ctx = &three};
  GradCheck(&a);
  GradCase b = {.name = "concat of 6",
                .n = 6,
                .rows = {3, 3, 3, 3, 3, 3},
                .cols = {1, 2, 1, 2, 1, 2},
                .build = BuildConcat,
                .ctx = &six};
  GradCheck(&b);
  GradCase c = {.name = "slice", .n = 1, .rows = {4}, .cols = {5}, .build = BuildSlice};
  GradCheck(&c);
}

static void TestGatherScatter(void)
{
  /* 9 rows from 5 sources; source 3 is never used */
  int idx[9] = {0, 4, 1, 1, 0, 2, 4, 4, 0};
  FFIndexMap *map;
  FF_TEST_CALL(FFIndexMapCreate(&map));
  FF_TEST_CALL(FFIndexMapSet(map, 5, 9, idx));
  GradCase a = {.name = "gather", .n = 1, .rows = {5}, .cols = {3}, .build = BuildGather, .ctx = map};
  GradCheck(&a);
  GradCase b = {.name = "scatter-add", .n = 1, .rows = {9}, .cols = {3}, .build = BuildScatter, .ctx = map};
  GradCheck(&b);
  FFIndexMapDestroy(&map);
}

static void TestElementwise(void)
{
  int shapes[4][2] = {{5, 3}, {1, 3}, {5, 1}, {1, 1}};
  for (int k = 0; k < 4; k++) {
    GradCase a = {
        .name = "add broadcast", .n = 2, .rows = {5, shapes[k][0]}, .cols = {3, shapes[k][1]}, .build = BuildAdd};
    GradCheck(&a);
    GradCase m = {
        .name = "mul broadcast", .n = 2, .rows = {5, shapes[k][0]}, .cols = {3, shapes[k][1]}, .build = BuildMul};
    GradCheck(&m);
  }
  GradCase s = {.name = "scale, axpy", .n = 2, .rows = {4, 4}, .cols = {3, 3}, .build = BuildScaleAxpy};
  GradCheck(&s);
  GradCase sm = {.name = "sum, mean", .n = 1, .rows = {6}, .cols = {2}, .build = BuildSumMean};
  GradCheck(&sm);
}

static void TestLosses(void)
{
  GradCase a = {.name = "mse", .n = 2, .rows = {6, 6}, .cols = {3, 3}, .build = BuildMSE};
  GradCheck(&a);
  GradCase b = {.name = "weighted mse (rows)",
                .n = 3,
                .rows = {6, 6, 6},
                .cols = {3, 3, 1},
                .constant = {0, 0, 1},
                .positive = {0, 0, 1},
                .build = BuildWMSE};
  GradCheck(&b);
  GradCase c = {.name = "weighted mse (elements)",
                .n = 3,
                .rows = {4, 4, 4},
                .cols = {2, 2, 2},
                .constant = {0, 0, 1},
                .positive = {0, 0, 1},
                .build = BuildWMSE};
  GradCheck(&c);
}

static void TestFourier(void)
{
  GradCase g = {.name = "fourier", .n = 2, .rows = {5, 4}, .cols = {3, 3}, .build = BuildFourier};
  GradCheck(&g);
}

static void TestLinearFused(void)
{
  /* relu, one input; then many rows (several chunks and blocks), with a smooth
   * activation since a weight step moves thousands of rows across the ReLU kink */
  LinearCtx a = {.n_inputs = 1,
                 .input_leaf = {0},
                 .weight = 1,
                 .bias = 2,
                 .shift = -1,
                 .gamma = -1,
                 .beta = -1,
                 .residual = -1,
                 .act = FF_ACT_RELU};
  GradCase ga = {.name = "linear relu", .n = 3, .rows = {9, 5, 1}, .cols = {4, 4, 5}, .build = BuildLinear, .ctx = &a};
  GradCheck(&ga);
  a.act = FF_ACT_GELU;
  ga.name = "linear gelu large";
  ga.rows[0] = 2200;
  ga.max_checks = 12;
  GradCheck(&ga);
  /* the MeshGraphNets edge layer: [h gathered by sender, h gathered by receiver, e], LN, residual */
  int snd[7] = {0, 1, 2, 3, 1, 2, 0}, rcv[7] = {1, 2, 3, 0, 0, 1, 2};
  FFIndexMap *ms, *mr;
  FF_TEST_CALL(FFIndexMapCreate(&ms));
  FF_TEST_CALL(FFIndexMapCreate(&mr));
  FF_TEST_CALL(FFIndexMapSet(ms, 4, 7, snd));
  FF_TEST_CALL(FFIndexMapSet(mr, 4, 7, rcv));
  LinearCtx b = {.n_inputs = 3,
                 .gather = {ms, mr, NULL},
                 .input_leaf = {0, 0, 1},
                 .weight = 2,
                 .bias = 3,
                 .shift = -1,
                 .gamma = 4,
                 .beta = 5,
                 .residual = 6,
                 .act = FF_ACT_NONE};
  GradCase gb = {.name = "linear gathered + layernorm + residual",
                 .n = 7,
                 .rows = {4, 7, 5, 1, 1, 1, 7},
                 .cols = {3, 2, 8, 5, 5, 5, 5},
                 .build = BuildLinear,
                 .ctx = &b};
  GradCheck(&gb);
  /* activations with a gathered shift (modulated MLP) and a second direct input */
  FFActivation acts[3] = {FF_ACT_SILU, FF_ACT_GELU, FF_ACT_SIN};
  for (int k = 0; k < 3; k++) {
    LinearCtx c = {.n_inputs = 2,
                   .input_leaf = {0, 1},
                   .weight = 2,
                   .bias = 3,
                   .shift = 4,
                   .shift_gather = ms,
                   .gamma = -1,
                   .beta = -1,
                   .residual = -1,
                   .act = acts[k]};
    GradCase gc = {.name = "linear with shift",
                   .n = 5,
                   .rows = {7, 7, 3, 1, 4},
                   .cols = {2, 3, 5, 3, 3},
                   .build = BuildLinear,
                   .ctx = &c};
    GradCheck(&gc);
  }
  /* only gathered inputs, no bias; and a residual that is also the input */
  LinearCtx d = {.n_inputs = 1,
                 .gather = {mr},
                 .input_leaf = {0},
                 .weight = 1,
                 .bias = -1,
                 .shift = -1,
                 .gamma = -1,
                 .beta = -1,
                 .residual = -1,
                 .act = FF_ACT_RELU};
  GradCase gd = {
      .name = "linear gathered only", .n = 2, .rows = {4, 3}, .cols = {2, 2}, .build = BuildLinear, .ctx = &d};
  GradCheck(&gd);
  LinearCtx e = {.n_inputs = 1,
                 .input_leaf = {0},
                 .weight = 1,
                 .bias = 2,
                 .shift = -1,
                 .gamma = -1,
                 .beta = -1,
                 .residual = 0,
                 .act = FF_ACT_NONE};
  GradCase ge = {
      .name = "linear residual = input", .n = 3, .rows = {6, 4, 1}, .cols = {4, 4, 4}, .build = BuildLinear, .ctx = &e};
  GradCheck(&ge);
  /* layer norm with gathered input and a residual on many rows (full dZ buffer path) */
  int n = 2500, *idx = malloc(n * sizeof(int));
  for (int i = 0; i < n; i++) idx[i] = (i * 7) % 300;
  FFIndexMap *mbig;
  FF_TEST_CALL(FFIndexMapCreate(&mbig));
  FF_TEST_CALL(FFIndexMapSet(mbig, 300, n, idx));
  LinearCtx f = {.n_inputs = 2,
                 .gather = {mbig, NULL},
                 .input_leaf = {0, 1},
                 .weight = 2,
                 .bias = 3,
                 .shift = -1,
                 .gamma = 4,
                 .beta = 5,
                 .residual = 6,
                 .act = FF_ACT_NONE};
  GradCase gf = {.name = "linear large gathered + layernorm + residual",
                 .n = 7,
                 .rows = {300, n, 4, 1, 1, 1, n},
                 .cols = {3, 2, 5, 4, 4, 4, 4},
                 .build = BuildLinear,
                 .ctx = &f,
                 .max_checks = 8};
  GradCheck(&gf);
  FFIndexMapDestroy(&mbig);
  free(idx);
  FFIndexMapDestroy(&ms);
  FFIndexMapDestroy(&mr);
}

static void TestSoftmax(void)
{
  int whole = 6, group = 3;
  GradCase a = {.name = "softmax", .n = 1, .rows = {5}, .cols = {6}, .build = BuildSoftmax, .ctx = &whole};
  GradCheck(&a);
  GradCase b = {.name = "softmax in groups", .n = 1, .rows = {5}, .cols = {6}, .build = BuildSoftmax, .ctx = &group};
  GradCheck(&b);
  /* large logits: the stable form gives exact probabilities where exp() alone overflows */
  FFParams *P;
  FFTape *tape;
  FFTensor *x, *y;
  float big[4] = {1000.0f, 1000.0f, -1000.0f, 999.0f};
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFParamsAdd(P, "unused", 1, 1, FF_INIT_ZERO, 0, 0, NULL));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FF_TEST_CALL(FFTapeLeaf(tape, 1, 4, big, 0, &x));
  FF_TEST_CALL(FFOpSoftmax(tape, x, 4, &y));
  const double e = exp(-1.0), sum = 2.0 + e;
  FF_TEST_CLOSE(y->data[0], 1.0 / sum, 1e-6, 0);
  FF_TEST_CLOSE(y->data[2], 0.0, 0, 1e-30);
  FF_TEST_CLOSE(y->data[3], e / sum, 1e-6, 0);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&P);
}

static void TestSegmentMean(void)
{
  /* 9 rows in 4 clusters of 3, 1, 0 and 5 rows; then a clustering beyond one parallel chunk */
  int idx[9] = {0, 3, 1, 3, 0, 3, 3, 0, 3};
  FFIndexMap *map;
  FF_TEST_CALL(FFIndexMapCreate(&map));
  FF_TEST_CALL(FFIndexMapSet(map, 4, 9, idx));
  GradCase a = {.name = "segment mean", .n = 1, .rows = {9}, .cols = {3}, .build = BuildSegmentMean, .ctx = map};
  GradCheck(&a);
  int n = 3000, *big = malloc(n * sizeof(int));
  for (int r = 0; r < n; r++) big[r] = (r * 13) % 400;
  FF_TEST_CALL(FFIndexMapSet(map, 400, n, big));
  GradCase b = {.name = "segment mean large",
                .n = 1,
                .rows = {n},
                .cols = {7},
                .build = BuildSegmentMean,
                .ctx = map,
                .max_checks = 20};
  GradCheck(&b);
  free(big);
  FFIndexMapDestroy(&map);
}

static void TestSlices(void)
{
  /* 2 heads of 3 slices and 2 features each, 7 nodes; then one head over 2500 nodes */
  int two = 2, one = 1;
  GradCase a = {.name = "slices (softmax, aggregate, distribute)",
                .n = 3,
                .rows = {7, 7, 3},
                .cols = {6, 4, 4},
                .build = BuildSlices,
                .ctx = &two};
  GradCheck(&a);
  GradCase b = {.name = "slice aggregate, positive weights",
                .n = 2,
                .rows = {6, 6},
                .cols = {4, 6},
                .positive = {1, 0},
                .build = BuildSliceAggregate,
                .ctx = &two};
  GradCheck(&b);
  GradCase c = {.name = "slices large",
                .n = 3,
                .rows = {2500, 2500, 4},
                .cols = {4, 3, 3},
                .build = BuildSlices,
                .ctx = &one,
                .max_checks = 12};
  GradCheck(&c);
}

static void TestAttention(void)
{
  int one = 1, two = 2;
  GradCase a = {
      .name = "attention", .n = 3, .rows = {4, 5, 5}, .cols = {3, 3, 3}, .build = BuildAttention, .ctx = &one};
  GradCheck(&a);
  GradCase b = {
      .name = "attention, 2 heads", .n = 3, .rows = {6, 3, 3}, .cols = {4, 4, 4}, .build = BuildAttention, .ctx = &two};
  GradCheck(&b);
}

int main(void)
{
  const FFTest tests[] = {
      {"matmul and bias", TestMatMulBias},
      {"activations relu, silu, gelu, sin", TestActivations},
      {"layer norm", TestLayerNorm},
      {"concat and slice", TestConcatSlice},
      {"gather and scatter-add", TestGatherScatter},
      {"add, mul (broadcast), scale, axpy, sum, mean", TestElementwise},
      {"mse and weighted mse", TestLosses},
      {"fourier features", TestFourier},
      {"fused linear variants", TestLinearFused},
      {"softmax (stable, in groups)", TestSoftmax},
      {"segment mean (pooling)", TestSegmentMean},
      {"physics-attention slices", TestSlices},
      {"multi-head attention", TestAttention},
      {NULL, NULL},
  };
  /* once on one thread, once on two (chunked reductions, per-thread scratch) */
  FFNNSetThreads(1);
  int failed = FFTestRun("nn_ops", tests);
  FFNNSetThreads(2);
  failed |= FFTestRun("nn_ops on 2 threads", tests);
  return failed;
}
