/* nn: the fused inference of a neural field (FFModulatedMLPInfer) equals the tape's forward
 * (FFFourierFeaturesForward + FFModulatedMLPForward) on 1 and 2 threads, for points of several
 * samples in any order and row counts that leave partial blocks. */
#include "ff_nn.h"
#include "ff_test.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  FFParams *P;
  FFFourierFeatures ff;
  FFModulatedMLP net;
} Field;

static void FieldCreate(Field *f, FFActivation act)
{
  const float scales[2] = {1.0f, 4.0f};
  FF_TEST_CALL(FFParamsCreate(&f->P));
  FF_TEST_CALL(FFFourierFeaturesCreate(f->P, "ff", 3, 16, 2, scales, 1, &f->ff));
  FFModulatedMLPConfig c = {.in = f->ff.out,
                            .width = 40,
                            .depth = 3,
                            .out = 3,
                            .act = act,
                            .cond_in = 4,
                            .hyper_width = 24,
                            .hyper_hidden_layers = 2,
                            .hyper_act = FF_ACT_SILU};
  FF_TEST_CALL(FFModulatedMLPCreate(f->P, "field", &c, &f->net));
  FF_TEST_CALL(FFParamsSetUp(f->P, 3));
}

/* The tape's forward (gradients enabled, so no fused path is involved) into y. */
static void TapeForward(Field *f, int rows, const float *x, int n_samples, const float *cond, const int *sample_of_row,
                        float *y)
{
  FFTape *tape;
  FFIndexMap *map;
  FFTensor *tx, *tc, *feat, *out;
  FF_TEST_CALL(FFTapeCreate(f->P, &tape));
  FF_TEST_CALL(FFIndexMapCreate(&map));
  FF_TEST_CALL(FFIndexMapSet(map, n_samples, rows, sample_of_row));
  FF_TEST_CALL(FFTapeLeaf(tape, rows, 3, x, 0, &tx));
  FF_TEST_CALL(FFTapeLeaf(tape, n_samples, 4, cond, 0, &tc));
  FF_TEST_CALL(FFFourierFeaturesForward(&f->ff, tape, tx, &feat));
  FF_TEST_CALL(FFModulatedMLPForward(&f->net, tape, feat, tc, map, &out));
  memcpy(y, out->data, (size_t)rows * 3 * sizeof *y);
  FFIndexMapDestroy(&map);
  FFTapeDestroy(&tape);
}

static void CheckAgainstTape(FFActivation act)
{
  Field f;
  FieldCreate(&f, act);
  const int rows = 1000, n_samples = 3; /* 3 full blocks of 256 and a partial one */
  float *x = malloc(rows * 3 * sizeof *x), cond[3 * 4], *ref = malloc(rows * 3 * sizeof *ref),
        *y = malloc(rows * 3 * sizeof *y);
  int *sample = malloc(rows * sizeof *sample);
  FFRng rng;
  FFRngSeed(&rng, 5, 0);
  for (int k = 0; k < rows * 3; k++) x[k] = (float)(4 * FFRngUniform(&rng) - 2);
  for (int k = 0; k < n_samples * 4; k++) cond[k] = (float)(2 * FFRngUniform(&rng) - 1);
  for (int r = 0; r < rows; r++) sample[r] = (int)FFRngBelow(&rng, n_samples); /* samples interleaved */
  TapeForward(&f, rows, x, n_samples, cond, sample, ref);
  double scale = 0;
  for (int k = 0; k < rows * 3; k++) scale = fmax(scale, fabs(ref[k]));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(f.P, &tape));
  FFTapeSetGradEnabled(tape, 0);
  const int threads0 = FFNNThreads();
  for (int threads = 1; threads <= 2; threads++) {
    FFNNSetThreads(threads);
    for (int n = rows; n >= rows - 1; n--) { /* and one row fewer: a different partial block */
      memset(y, 0, rows * 3 * sizeof *y);
      FF_TEST_CALL(FFModulatedMLPInfer(&f.ff, &f.net, tape, n, x, n_samples, cond, sample, y));
      double worst = 0;
      for (int k = 0; k < n * 3; k++) worst = fmax(worst, fabs(y[k] - ref[k]));
      /* the same products, bias and shift added before the product instead of after it, blocks
       * of another size inside BLAS: float rounding of sums of ~40-100 terms of size ~1, a few
       * 1e-6 of the output scale at most (measured: below 1e-6) */
      if (getenv("FF_INFER_VERBOSE") || !(worst <= 1e-5 * scale))
        fprintf(stderr, "%s, %d threads, %d rows: %.3g (scale %.3g)\n", FFActivationName(act), threads, n, worst,
                scale);
      CU_ASSERT(worst <= 1e-5 * scale);
      CU_ASSERT(n == rows || y[n * 3] == 0.0f); /* nothing written past the rows asked for (y holds rows) */
      FFTapeReset(tape);
    }
  }
  FFNNSetThreads(threads0);
  FFTapeSetGradEnabled(tape, 1);
  CU_ASSERT(FFModulatedMLPInfer(&f.ff, &f.net, tape, rows, x, n_samples, cond, sample, y) == FF_ERR_ARG);
  FFTapeSetGradEnabled(tape, 0);
  sample[7] = n_samples;
  CU_ASSERT(FFModulatedMLPInfer(&f.ff, &f.net, tape, rows, x, n_samples, cond, sample, y) == FF_ERR_ARG);
  FFTapeDestroy(&tape);
  free(x);
  free(ref);
  free(y);
  free(sample);
  FFParamsDestroy(&f.P);
}

static void TestSiLU(void) { CheckAgainstTape(FF_ACT_SILU); }
static void TestOtherActivations(void)
{
  CheckAgainstTape(FF_ACT_RELU);
  CheckAgainstTape(FF_ACT_SIN);
}

int main(void)
{
  const FFTest tests[] = {{"fused neural-field inference equals the tape (SiLU)", TestSiLU},
                          {"... (ReLU, sin)", TestOtherActivations},
                          {NULL, NULL}};
  return FFTestRun("nn_infer", tests);
}
