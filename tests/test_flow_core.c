/* Flow matching without a mesh: the path, the unrolling schedule, the predicted clean sample,
 * the 1-D Wasserstein distance, a tiny MLP flow that learns a 2-D Gaussian mixture, and the
 * seeded sampler. */
#include "ff_flow.h"
#include "ff_petsc.h"
#include "ff_test.h"

#include <math.h>
#include <string.h>

/* ---------- an MLP velocity field on 2-D points: v = MLP([x, embedding of 1000 t]) */
typedef struct {
  FFParams *P;
  FFMLP mlp;
} PointFlow;

#define TIME_DIM 16

static PetscErrorCode PointVelocity(void *ctx, FFTape *tape, int n, const float t[], const float h[], FFTensor *x,
                                    FFTensor **v)
{
  PointFlow *f = (PointFlow *)ctx;
  FFTensor *emb, *xs[2];
  float scaled[4096];

  PetscFunctionBegin;
  PetscCheck(n <= 4096, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "batch too large");
  for (int i = 0; i < n; i++) scaled[i] = 1000.0f * t[i];
  PetscCallFF(FFTimeEmbedding(tape, n, scaled, TIME_DIM, 10000.0f, &emb));
  xs[0] = x;
  xs[1] = emb;
  PetscCallFF(FFMLPForwardMulti(&f->mlp, tape, 2, xs, NULL, NULL, v));
  PetscFunctionReturn(0);
}

static PetscErrorCode PointFlowCreate(uint64_t seed, PointFlow *f, FFFlowVelocity *vel)
{
  FFMLPConfig c = {.in = 2 + TIME_DIM, .hidden = 64, .out = 2, .hidden_layers = 3, .act = FF_ACT_SILU};

  PetscFunctionBegin;
  PetscCallFF(FFParamsCreate(&f->P));
  PetscCallFF(FFMLPCreate(f->P, "v", &c, &f->mlp));
  PetscCallFF(FFParamsSetUp(f->P, seed));
  *vel = (FFFlowVelocity){.fn = PointVelocity, .ctx = f, .rows = 1, .cols = 2};
  PetscFunctionReturn(0);
}

/* Four Gaussians of std 0.25 at (+-1.5, +-1.5), the first twice as likely as each other. */
static void MixtureDraw(FFRng *rng, int n, float x[])
{
  static const float centers[4][2] = {{1.5f, 1.5f}, {-1.5f, 1.5f}, {-1.5f, -1.5f}, {1.5f, -1.5f}};
  for (int i = 0; i < n; i++) {
    const double u = FFRngUniform(rng);
    const int k = u < 0.4 ? 0 : (u < 0.6 ? 1 : (u < 0.8 ? 2 : 3));
    x[2 * i] = centers[k][0] + 0.25f * (float)FFRngNormal(rng);
    x[2 * i + 1] = centers[k][1] + 0.25f * (float)FFRngNormal(rng);
  }
}

/* Mean over a few directions of the 1-D W1 of the projections (a sliced Wasserstein distance). */
static double SlicedW1(int na, const float a[], int nb, const float b[])
{
  double *pa = malloc(sizeof(double) * na), *pb = malloc(sizeof(double) * nb), w = 0;
  const int n_dir = 8;
  for (int d = 0; d < n_dir; d++) {
    const double ang = M_PI * d / n_dir, c = cos(ang), s = sin(ang);
    for (int i = 0; i < na; i++) pa[i] = c * a[2 * i] + s * a[2 * i + 1];
    for (int i = 0; i < nb; i++) pb[i] = c * b[2 * i] + s * b[2 * i + 1];
    w += FFWasserstein1(na, pa, nb, pb) / n_dir;
  }
  free(pa);
  free(pb);
  return w;
}

static void TestPath(void)
{
  const float x0[3] = {1, -2, 0.5f}, x1[3] = {3, 1, -1};
  float xt[3], target[3];
  FFFlowInterpolate(3, 0.0, 0.25f, x0, x1, xt, target);
  for (int i = 0; i < 3; i++) {
    FF_TEST_CLOSE(xt[i], 0.75 * x0[i] + 0.25 * x1[i], 1e-6, 1e-7);
    FF_TEST_CLOSE(target[i], x1[i] - x0[i], 1e-6, 1e-7);
  }
  FFFlowInterpolate(3, 0.1, 0.25f, x0, x1, xt, target);
  for (int i = 0; i < 3; i++) {
    FF_TEST_CLOSE(xt[i], (1 - 0.9 * 0.25) * x0[i] + 0.25 * x1[i], 1e-6, 1e-7);
    FF_TEST_CLOSE(target[i], x1[i] - 0.9 * x0[i], 1e-6, 1e-7);
  }
  /* the schedule: 1, 2, 3, 4 steps over the quarters of training */
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(0, 100, 4), 1);
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(24, 100, 4), 1);
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(25, 100, 4), 2);
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(60, 100, 4), 3);
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(99, 100, 4), 4);
  CU_ASSERT_EQUAL(FFFlowUnrollSteps(99, 100, 2), 2);
}

static void TestWasserstein(void)
{
  double a[4] = {3, 1, 2, 0}, b[4] = {1.5, 0.5, 2.5, 3.5};
  FF_TEST_CLOSE(FFWasserstein1(4, a, 4, b), 0.5, 1e-12, 0); /* a shift by 0.5 */
  double c[2] = {0, 1}, d[3] = {0, 0, 1};
  /* quantiles: c = 0 on (0, 1/2), 1 on (1/2, 1); d = 0 on (0, 2/3), 1 after: differ on 1/6 */
  FF_TEST_CLOSE(FFWasserstein1(2, c, 3, d), 1.0 / 6.0, 1e-12, 0);
  /* two samples of N(0, 1) against N(0.3, 1): W1 -> 0.3 */
  FFRng rng;
  FFRngSeed(&rng, 5, 0);
  static double x[20000], y[20000];
  for (int i = 0; i < 20000; i++) x[i] = FFRngNormal(&rng), y[i] = FFRngNormal(&rng) + 0.3;
  FF_TEST_CLOSE(FFWasserstein1(20000, x, 20000, y), 0.3, 0.1, 0);
}

/* x1_hat of one step is x_t + (1 - t) v; unrolled with a velocity that does not depend on x it
 * is the same, and the gradient reaches the parameters through every step. */
static void TestPredictClean(void)
{
  PointFlow f;
  FFFlowVelocity vel;
  FFFlowBatch b;
  FFTape *tape, *aux;
  FFRng rng;
  float x1[8] = {1, 2, 3, 4, -1, -2, 0.5f, 0.25f};
  FFTensor *hat;

  FF_TEST_PETSC(PointFlowCreate(3, &f, &vel));
  FF_TEST_CALL(FFTapeCreate(f.P, &tape));
  FF_TEST_CALL(FFTapeCreate(f.P, &aux));
  FF_TEST_PETSC(FFFlowBatchCreate(4, 1, 2, &b));
  FFRngSeed(&rng, 1, 0);
  FF_TEST_PETSC(FFFlowMatchingForward(&vel, tape, 0.0, 4, x1, &rng, PETSC_TRUE, &b));
  FF_TEST_PETSC(FFFlowPredictClean(&vel, tape, aux, &b, 1, PETSC_FALSE, &hat));
  for (int i = 0; i < 8; i++) FF_TEST_CLOSE(hat->data[i], b.xt[i] + (1 - b.t[i / 2]) * b.v->data[i], 1e-6, 1e-6);
  /* unrolled in 3 steps, all gradients and last only: the same values */
  float full[8];
  FF_TEST_PETSC(FFFlowPredictClean(&vel, tape, aux, &b, 3, PETSC_FALSE, &hat));
  memcpy(full, hat->data, sizeof full);
  FF_TEST_PETSC(FFFlowPredictClean(&vel, tape, aux, &b, 3, PETSC_TRUE, &hat));
  for (int i = 0; i < 8; i++) FF_TEST_CLOSE(hat->data[i], full[i], 1e-5, 1e-6);
  FF_TEST_PETSC(FFFlowBatchDestroy(&b));
  FFTapeDestroy(&tape);
  FFTapeDestroy(&aux);
  FFParamsDestroy(&f.P);
}

/* Trains the point flow on the mixture; returns it. */
static PetscErrorCode TrainMixture(PointFlow *f, FFFlowVelocity *vel, int steps)
{
  const int batch = 256;
  FFTape *tape;
  FFOptimizer *opt;
  FFOptimizerConfig oc;
  FFFlowBatch b;
  FFRng rng;
  float *grad, x1[2 * 256];
  double first = 0, last = 0;

  PetscFunctionBegin;
  PetscCall(PointFlowCreate(7, f, vel));
  PetscCallFF(FFTapeCreate(f->P, &tape));
  PetscCallFF(FFParamsGradCreate(f->P, &grad));
  FFOptimizerConfigDefault(&oc);
  oc.lr = 3e-3;
  oc.schedule = (FFScheduleConfig){.type = FF_SCHEDULE_COSINE, .total_steps = steps, .min_lr = 1e-4};
  PetscCallFF(FFOptimizerCreate(f->P, &oc, &opt));
  PetscCall(FFFlowBatchCreate(batch, 1, 2, &b));
  FFRngSeed(&rng, 11, 0);
  for (int s = 0; s < steps; s++) {
    FFStepInfo info;
    MixtureDraw(&rng, batch, x1);
    FFTapeReset(tape);
    PetscCall(FFFlowMatchingForward(vel, tape, 0.0, batch, x1, &rng, PETSC_TRUE, &b));
    FFParamsGradZero(f->P, grad);
    PetscCallFF(FFTapeBackward(tape, b.loss, grad));
    PetscCallFF(FFOptimizerStep(opt, f->P, grad, FFTensorScalar(b.loss), &info));
    if (s < 50) first += FFTensorScalar(b.loss) / 50;
    if (s >= steps - 50) last += FFTensorScalar(b.loss) / 50;
  }
  printf("\n  flow-matching loss: first 50 steps %.3f, last 50 %.3f", first, last);
  PetscCheck(last < first, PETSC_COMM_SELF, PETSC_ERR_PLIB, "loss did not fall");
  PetscCall(FFFlowBatchDestroy(&b));
  FFOptimizerDestroy(&opt);
  FFFree(&grad);
  FFTapeDestroy(&tape);
  PetscFunctionReturn(0);
}

static void TestMixture(void)
{
  enum { N = 2000 };
  PointFlow f;
  FFFlowVelocity vel;
  FFFlowSamplerConfig sc;
  FFTape *tape;
  FFRng rng;
  static float gen[2 * N], gen2[2 * N], ref[2 * N], ref2[2 * N], noise[2 * N];

  FF_TEST_PETSC(TrainMixture(&f, &vel, 1500));
  FF_TEST_CALL(FFTapeCreate(f.P, &tape));
  FFFlowSamplerConfigDefault(&sc);
  sc.t_star = 0;
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 99, 0, N, gen));
  sc.t_star = 0.2;
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 99, 0, N, gen2));
  FFRngSeed(&rng, 1234, 0);
  MixtureDraw(&rng, N, ref);
  MixtureDraw(&rng, N, ref2);
  FFRngNormalFill(&rng, noise, 2 * N, 1.0f);
  const double w = SlicedW1(N, gen, N, ref), w2 = SlicedW1(N, gen2, N, ref), w0 = SlicedW1(N, noise, N, ref);
  const double w_ref = SlicedW1(N, ref2, N, ref); /* the sampling noise of the distance itself */
  int in_first = 0;
  for (int i = 0; i < N; i++) in_first += gen[2 * i] > 0 && gen[2 * i + 1] > 0;
  printf("\n  sliced W1 to the mixture: Euler %.4f, stochastic (t* = 0.2) %.4f, N(0, I) %.4f, "
         "a second draw of the mixture %.4f; mass of the heavy mode %.3f (0.4)",
         w, w2, w0, w_ref, (double)in_first / N);
  /* measured: Euler 0.072, stochastic 0.098 (its jumps to the posterior mean widen the modes a
   * little: std 0.30 for 0.25), two draws of the mixture 0.037, the noise 0.63 */
  CU_ASSERT(w < 0.1);
  CU_ASSERT(w2 < 0.15);
  CU_ASSERT(w0 > 0.5);
  CU_ASSERT(fabs((double)in_first / N - 0.4) < 0.05);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&f.P);
}

/* The same seed gives the same samples, bit for bit; another seed others; a sample does not
 * depend on the batch it is drawn in (its noise comes from its own stream). */
static void TestSamplerSeeded(void)
{
  PointFlow f;
  FFFlowVelocity vel;
  FFFlowSamplerConfig sc;
  FFTape *tape;
  float a[16], b[16], c[16], d[8];

  FF_TEST_PETSC(PointFlowCreate(5, &f, &vel));
  FF_TEST_CALL(FFTapeCreate(f.P, &tape));
  FFFlowSamplerConfigDefault(&sc);
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 42, 0, 8, a));
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 42, 0, 8, b));
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 43, 0, 8, c));
  FF_TEST_PETSC(FFFlowSample(&vel, tape, &sc, 42, 4, 4, d));
  CU_ASSERT(memcmp(a, b, sizeof a) == 0);
  CU_ASSERT(memcmp(a, c, sizeof a) != 0);
  for (int i = 0; i < 8; i++) FF_TEST_CLOSE(d[i], a[8 + i], 1e-5, 1e-6);
  FFTapeDestroy(&tape);
  FFParamsDestroy(&f.P);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {{"rectified-flow path, unrolling schedule", TestPath},
                          {"1-D Wasserstein distance", TestWasserstein},
                          {"predicted clean sample, unrolled", TestPredictClean},
                          {"a tiny flow learns a 2-D Gaussian mixture", TestMixture},
                          {"sampling is seeded and batch independent", TestSamplerSeeded},
                          {NULL, NULL}};
  return FFTestRunPetsc(argc, argv, "flow_core", tests);
}
