/* MeanFlow (docs/references.md §8, ff_flow.h): its target reproduces the average velocity of a
 * flow known in closed form; the central-difference JVP against the exact JVP of a small net;
 * the Hungarian assignment against every permutation; minibatch OT couplings lower the
 * transport cost. */
#include "ff_flow.h"
#include "ff_petsc.h"
#include "ff_test.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ---------- a flow known in closed form: data x1 ~ N(mu, sig^2) per component, noise N(0, 1),
 * the straight path. The marginal is N(t mu, s(t)^2), s^2 = (1 - t)^2 + t^2 sig^2, and the flow
 * map is x_t = t mu + s(t) z (z the noise), so the velocity is v = mu + s'/s (x - t mu) and the
 * average velocity over [t, t + h] is u = mu + (s(t + h) - s(t)) z / h. */
typedef struct {
  double mu, sig;
} Gauss;

static double S(const Gauss *g, double t) { return sqrt((1 - t) * (1 - t) + t * t * g->sig * g->sig); }
static double DS(const Gauss *g, double t) { return (-(1 - t) + t * g->sig * g->sig) / S(g, t); }

static double ExactU(const Gauss *g, double x, double t, double h)
{
  const double z = (x - t * g->mu) / S(g, t);
  if (h == 0) return g->mu + DS(g, t) * z;
  return g->mu + (S(g, t + h) - S(g, t)) * z / h;
}

static PetscErrorCode GaussVelocity(void *ctx, FFTape *tape, int n, const float t[], const float h[], FFTensor *x,
                                    FFTensor **u)
{
  const Gauss *g = (const Gauss *)ctx;
  const int per = x->rows / n;

  PetscFunctionBegin;
  PetscCallFF(FFTapeNew(tape, x->rows, x->cols, 0, u));
  for (int s = 0; s < n; s++)
    for (int i = s * per * x->cols; i < (s + 1) * per * x->cols; i++)
      (*u)->data[i] = (float)ExactU(g, x->data[i], t[s], h ? h[s] : 0.0);
  PetscFunctionReturn(0);
}

/* With the true velocity in place of v_c, target = v + h du/dt is the average velocity itself
 * (the identity); with h = 0 it is v. The difference's error: e^2/6 |d^3u/dt^3| (about 1e-7
 * here) plus the float32 rounding of u, |u| FLT_EPSILON / (2 e) per evaluation (~2e-4). */
static void TestTargetIdentity(void)
{
  enum { N = 6, R = 5 };
  Gauss g = {.mu = 1.5, .sig = 0.4};
  FFFlowVelocity vel = {.fn = GaussVelocity, .ctx = &g, .rows = R, .cols = 1, .average = PETSC_TRUE};
  const float ts[N] = {0.02f, 0.1f, 0.3f, 0.5f, 0.7f, 0.2f}, hs[N] = {0.9f, 0.5f, 0.4f, 0.3f, 0.25f, 0.0f};
  FFFlowBatch b;
  FFParams *P;
  FFTape *aux;
  float target[N * R];
  double worst = 0, worst_v = 0;

  int dummy;
  FF_TEST_CALL(FFParamsCreate(&P)); /* a tape needs parameters; this velocity has none */
  FF_TEST_CALL(FFParamsAdd(P, "unused", 1, 1, FF_INIT_ZERO, 0.0f, 0, &dummy));
  FF_TEST_CALL(FFParamsSetUp(P, 1));
  FF_TEST_CALL(FFTapeCreate(P, &aux));
  FF_TEST_PETSC(FFFlowBatchCreate(N, R, 1, &b));
  b.n = N;
  for (int s = 0; s < N; s++) {
    b.t[s] = ts[s], b.h[s] = hs[s];
    for (int r = 0; r < R; r++) {
      const double z = -2.0 + r, x = ts[s] * g.mu + S(&g, ts[s]) * z;
      b.xt[s * R + r] = (float)x;
      b.target[s * R + r] = (float)ExactU(&g, x, ts[s], 0.0); /* v in place of v_c */
    }
  }
  FF_TEST_PETSC(FFFlowMeanFlowTarget(&vel, aux, &b, 1e-3, target));
  for (int s = 0; s < N; s++)
    for (int r = 0; r < R; r++) {
      const double u = ExactU(&g, b.xt[s * R + r], ts[s], hs[s]), v = b.target[s * R + r];
      worst = fmax(worst, fabs(target[s * R + r] - u) / fmax(1.0, fabs(u)));
      if (hs[s] > 0) worst_v = fmax(worst_v, fabs(v - u)); /* how far the average is from v */
    }
  printf("\n  MeanFlow target vs the exact average velocity: max error %.2e (u differs from v by up to %.2f)", worst,
         worst_v);
  CU_ASSERT(worst < 1e-3);
  CU_ASSERT(worst_v > 0.1); /* the identity is tested where it matters */
  FF_TEST_PETSC(FFFlowBatchDestroy(&b));
  FFTapeDestroy(&aux);
  FFParamsDestroy(&P);
}

/* ---------- a small net u = MLP([x, t, h]) with t and h as plain input columns, so that reverse
 * mode gives its exact Jacobian row by row. */
typedef struct {
  FFParams *P;
  FFMLP mlp;
  int cols;
} SmallNet;

static PetscErrorCode NetInput(SmallNet *net, FFTape *tape, int n, const float t[], const float h[], FFTensor *x,
                               FFTensor **in)
{
  const int per = x->rows / n;

  PetscFunctionBegin;
  PetscCallFF(FFTapeNew(tape, x->rows, net->cols + 2, 1, in));
  for (int s = 0; s < n; s++)
    for (int r = s * per; r < (s + 1) * per; r++) {
      float *row = (*in)->data + (size_t)r * (net->cols + 2);
      for (int c = 0; c < net->cols; c++) row[c] = x->data[(size_t)r * net->cols + c];
      row[net->cols] = t[s];
      row[net->cols + 1] = h ? h[s] : 0.0f;
    }
  PetscFunctionReturn(0);
}

static PetscErrorCode NetVelocity(void *ctx, FFTape *tape, int n, const float t[], const float h[], FFTensor *x,
                                  FFTensor **u)
{
  SmallNet *net = (SmallNet *)ctx;
  FFTensor *in;

  PetscFunctionBegin;
  PetscCall(NetInput(net, tape, n, t, h, x, &in));
  PetscCallFF(FFMLPForward(&net->mlp, tape, in, u));
  PetscFunctionReturn(0);
}

/* The JVP of the central difference, (target - v_c) / h, against the exact one, J (v_c, 1, -1)
 * row by row from one backward per output column. Tolerance: the float32 rounding of u through
 * three layers, a few |u| FLT_EPSILON, over 2 e = 2e-3, is ~1e-4 of |u|; the truncation
 * e^2/6 |u'''| ~ 1e-7 for weights of this size. */
static void TestCentralDifferenceJVP(void)
{
  enum { N = 3, R = 4, C = 2 };
  SmallNet net = {.cols = C};
  FFMLPConfig mc = {.in = C + 2, .hidden = 32, .out = C, .hidden_layers = 3, .act = FF_ACT_SILU};
  FFFlowVelocity vel = {.fn = NetVelocity, .ctx = &net, .rows = R, .cols = C, .average = PETSC_TRUE};
  FFFlowBatch b;
  FFTape *tape, *aux;
  FFRng rng;
  float target[N * R * C], *grad;
  double worst = 0, scale = 0;

  FF_TEST_CALL(FFParamsCreate(&net.P));
  FF_TEST_CALL(FFMLPCreate(net.P, "u", &mc, &net.mlp));
  FF_TEST_CALL(FFParamsSetUp(net.P, 3));
  for (size_t i = 0; i < net.P->size; i++) net.P->values[i] *= 3.0f; /* a net whose u varies by O(1) */
  FF_TEST_CALL(FFTapeCreate(net.P, &tape));
  FF_TEST_CALL(FFTapeCreate(net.P, &aux));
  FF_TEST_CALL(FFParamsGradCreate(net.P, &grad));
  FF_TEST_PETSC(FFFlowBatchCreate(N, R, C, &b));
  b.n = N;
  FFRngSeed(&rng, 9, 0);
  for (int s = 0; s < N; s++) b.t[s] = 0.1f + 0.3f * s, b.h[s] = 0.5f - 0.1f * s;
  FFRngNormalFill(&rng, b.xt, N * R * C, 1.0f);
  FFRngNormalFill(&rng, b.target, N * R * C, 1.4f);
  FF_TEST_PETSC(FFFlowMeanFlowTarget(&vel, aux, &b, 1e-3, target));
  /* exact: d u[r, c] / d(in row r) . (v_c[r], 1, -1) */
  FFTensor *x, *in, *u;
  FF_TEST_CALL(FFTapeLeaf(tape, N * R, C, b.xt, 0, &x));
  FF_TEST_PETSC(NetInput(&net, tape, N, b.t, b.h, x, &in));
  FF_TEST_CALL(FFMLPForward(&net.mlp, tape, in, &u));
  for (int c = 0; c < C; c++) {
    float seed[N * R * C] = {0};
    for (int r = 0; r < N * R; r++) seed[r * C + c] = 1.0f;
    const float *seeds[1] = {seed};
    if (in->grad) memset(in->grad, 0, sizeof(float) * (size_t)N * R * (C + 2));
    FF_TEST_CALL(FFTapeBackwardFrom(tape, 1, &u, seeds, grad));
    for (int s = 0; s < N; s++)
      for (int r = s * R; r < (s + 1) * R; r++) {
        const float *g = in->grad + (size_t)r * (C + 2);
        double jvp = g[C] - g[C + 1];
        for (int k = 0; k < C; k++) jvp += g[k] * b.target[r * C + k];
        const double fd = (target[r * C + c] - b.target[r * C + c]) / b.h[s];
        worst = fmax(worst, fabs(fd - jvp));
        scale = fmax(scale, fabs(jvp));
      }
  }
  printf("\n  central-difference JVP vs exact: max error %.2e (JVPs up to %.2f)", worst, scale);
  CU_ASSERT(scale > 0.1);
  CU_ASSERT(worst < 2e-3 * fmax(1.0, scale));
  FF_TEST_PETSC(FFFlowBatchDestroy(&b));
  FFFree(&grad);
  FFTapeDestroy(&tape);
  FFTapeDestroy(&aux);
  FFParamsDestroy(&net.P);
}

/* ---------- the assignment: the Hungarian method against every permutation of n <= 7 */
static double Cost(int n, const double *c, const int *perm)
{
  double s = 0;
  for (int i = 0; i < n; i++) s += c[i * n + perm[i]];
  return s;
}

static double BruteForce(int n, const double *c, int *perm, int k)
{
  if (k == n) return Cost(n, c, perm);
  double best = INFINITY;
  for (int i = k; i < n; i++) {
    int t = perm[k];
    perm[k] = perm[i], perm[i] = t;
    best = fmin(best, BruteForce(n, c, perm, k + 1));
    t = perm[k], perm[k] = perm[i], perm[i] = t;
  }
  return best;
}

static void TestAssignment(void)
{
  FFRng rng;
  FFRngSeed(&rng, 4, 0);
  for (int trial = 0; trial < 40; trial++) {
    const int n = 1 + trial % 7;
    double c[49];
    int perm[7], ident[7], seen[7] = {0};
    for (int i = 0; i < n * n; i++) c[i] = trial % 3 ? FFRngUniform(&rng) : floor(4 * FFRngUniform(&rng)); /* ties */
    FF_TEST_PETSC(FFLinearAssignment(n, c, perm));
    for (int i = 0; i < n; i++) ident[i] = i, seen[perm[i]]++;
    for (int i = 0; i < n; i++) CU_ASSERT_EQUAL(seen[i], 1);
    FF_TEST_CLOSE(Cost(n, c, perm), BruteForce(n, c, ident, 0), 1e-12, 1e-12);
  }
  /* a cost that is not finite is refused */
  double bad[4] = {0, 1, NAN, 2};
  int p[2];
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  CU_ASSERT(FFLinearAssignment(2, bad, p) != 0);
  PetscPopErrorHandler();
}

/* Minibatch OT: after the coupling the batch's total |x0 - x1|^2 is the minimum over pairings
 * (at most the independent pairing's), the noises are the same set, and x_t and the target
 * follow the new pairs. */
static void TestCouple(void)
{
  enum { N = 12, P = 50 };
  FFFlowBatch b;
  FFFlowTimeConfig time;
  FFRng rng;
  float x1[N * P], x0_before[N * P];
  double before = 0, after = 0;

  FFFlowTimeConfigDefault(&time);
  FF_TEST_PETSC(FFFlowBatchCreate(N, P, 1, &b));
  FFRngSeed(&rng, 8, 0);
  for (int i = 0; i < N * P; i++) x1[i] = 2.0f + (float)FFRngNormal(&rng);
  FF_TEST_PETSC(FFFlowBatchDraw(&b, &time, 0.0, N, x1, &rng, PETSC_TRUE));
  memcpy(x0_before, b.x0, sizeof x0_before);
  for (int i = 0; i < N * P; i++) before += (b.x0[i] - x1[i]) * (b.x0[i] - x1[i]);
  FF_TEST_PETSC(FFFlowBatchCouple(&b, 0.0, x1));
  for (int i = 0; i < N * P; i++) after += (b.x0[i] - x1[i]) * (b.x0[i] - x1[i]);
  printf("\n  minibatch OT: sum |x0 - x1|^2 %.1f -> %.1f", before, after);
  CU_ASSERT(after <= before);
  for (int s = 0; s < N; s++) { /* a permutation of the noises */
    int found = 0;
    for (int k = 0; k < N; k++) found += !memcmp(b.x0 + s * P, x0_before + k * P, sizeof(float) * P);
    CU_ASSERT_EQUAL(found, 1);
    for (int i = s * P; i < (s + 1) * P; i++) {
      FF_TEST_CLOSE(b.xt[i], (1 - b.t[s]) * b.x0[i] + b.t[s] * x1[i], 1e-6, 1e-6);
      FF_TEST_CLOSE(b.target[i], x1[i] - b.x0[i], 1e-6, 1e-6);
    }
  }
  FF_TEST_PETSC(FFFlowBatchDestroy(&b));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {{"MeanFlow target: the average velocity of a known flow", TestTargetIdentity},
                          {"central-difference JVP against the exact JVP of a small net", TestCentralDifferenceJVP},
                          {"Hungarian assignment against every permutation", TestAssignment},
                          {"minibatch OT coupling", TestCouple},
                          {NULL, NULL}};
  return FFTestRunPetsc(argc, argv, "flow_meanflow", tests);
}
