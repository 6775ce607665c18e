/* The physics of flow matching on small sweeps: reference solves have the residual of a
 * converged solve, the gradient of the t-weighted residual loss through x1_hat (one step and
 * unrolled) matches finite differences of the network parameters (coarse Darcy), the residual
 * gradient with respect to the field matches finite differences, and Navier-Stokes at an
 * unobserved Reynolds number is judged at the Re that fits: a reference solve's own. */
#include "ff_flow.h"
#include "ff_petsc.h"
#include "ff_test_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUITE "flow_physics"

typedef struct {
  long n;
  FFSample *samples;
  FFSweepSolver ss;
  FFFlowModel model;
  FFFlowPhysics phys;
} Setup;

static PetscErrorCode SetupCreate(const char *case_file, const char *extra, const char *name, Setup *s)
{
  char dir[4096];
  FFDataset ds;
  FFFlowModelConfig c;

  PetscFunctionBeginUser;
  snprintf(dir, sizeof dir, "%s/%s", FFTestTempDir(SUITE), name);
  FFSweepSummary sum;
  PetscCall(FFTestGenerate(PETSC_COMM_SELF, case_file, extra, dir, &sum));
  PetscCallFF(FFDatasetOpen(dir, &ds));
  PetscCallFF(FFDatasetLoadSplit(ds, "all", FF_READ_ALL, &s->samples, &s->n));
  FFDatasetDestroy(&ds);
  PetscCall(FFSweepSolverFromSample(PETSC_COMM_SELF, &s->samples[0], &s->ss));
  FFFlowModelConfigDefault(&c);
  c.net.width = 8;
  c.net.blocks = 2;
  c.net.hidden_layers = 1;
  c.net.time_dim = 8;
  c.seed = 3;
  PetscCall(FFFlowModelCreate(PETSC_COMM_SELF, &c, s->n, s->samples, &s->model));
  PetscCall(FFFlowPhysicsCreate(s->model, s->ss.solver, &s->phys));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetupDestroy(Setup *s)
{
  PetscFunctionBeginUser;
  PetscCall(FFFlowPhysicsDestroy(&s->phys));
  PetscCall(FFFlowModelDestroy(&s->model));
  PetscCall(FFSweepSolverDestroy(&s->ss));
  for (long i = 0; i < s->n; i++) FFSampleDestroy(&s->samples[i]);
  free(s->samples);
  PetscFunctionReturn(0);
}

/* L_R of a fixed batch (the same t and noise each time) as a function of the parameters;
 * with grad, its gradient by backward from x1_hat. */
static PetscErrorCode ResidualLoss(Setup *s, FFTape *tape, FFTape *aux, int steps, const float *x1, float *grad,
                                   double *loss)
{
  FFFlowVelocity vel;
  FFFlowBatch b;
  FFRng rng;
  FFTensor *hat;
  int rows, cols;
  float *seeds;

  PetscFunctionBeginUser;
  PetscCall(FFFlowModelGetSize(s->model, &rows, &cols));
  PetscCall(FFFlowModelVelocity(s->model, 2, &vel));
  PetscCall(FFFlowBatchCreate(2, rows, cols, &b));
  PetscCall(PetscMalloc1(2 * rows * cols, &seeds));
  FFRngSeed(&rng, 17, 0);
  FFTapeReset(tape);
  PetscCall(FFFlowMatchingForward(&vel, tape, 0.0, 2, x1, &rng, PETSC_TRUE, &b));
  PetscCall(FFFlowPredictClean(&vel, tape, aux, &b, steps, PETSC_FALSE, &hat));
  PetscCall(FFFlowResidualLoss(FFFlowPhysicsResidualFn, s->phys, &b, hat, 0.5, seeds, loss, NULL));
  if (grad) {
    const float *sd[1] = {seeds};
    PetscCallFF(FFTapeBackwardFrom(tape, 1, &hat, sd, grad));
  }
  PetscCall(PetscFree(seeds));
  PetscCall(FFFlowBatchDestroy(&b));
  PetscFunctionReturn(0);
}

static void CheckParameterGradient(Setup *s, int steps)
{
  FFParams *P;
  FFTape *tape, *aux;
  float *grad, *x1;
  int rows, cols;
  double loss;

  FF_TEST_PETSC(FFFlowModelGetParams(s->model, &P));
  FF_TEST_PETSC(FFFlowModelGetSize(s->model, &rows, &cols));
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FF_TEST_CALL(FFTapeCreate(P, &aux));
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FF_TEST_PETSC(PetscMalloc1(2 * rows * cols, &x1));
  for (int k = 0; k < 2; k++) FF_TEST_PETSC(FFFlowModelNormalizeSample(s->model, &s->samples[k], x1 + k * rows * cols));
  FF_TEST_PETSC(ResidualLoss(s, tape, aux, steps, x1, grad, &loss));
  /* the parameters with the largest gradients of three layers: decoder, a block, encoder */
  const char *names[3] = {"flow.decoder.1.weight", "flow.block1.node.0.weight", "flow.encoder_node.0.weight"};
  int checked = 0;
  for (int l = 0; l < 3; l++) {
    const int p = FFParamsFind(P, names[l]);
    CU_ASSERT_FATAL(p >= 0);
    const FFParamInfo *info = &P->info[p];
    size_t best = info->offset;
    for (size_t i = info->offset; i < info->offset + (size_t)info->rows * info->cols; i++)
      if (fabsf(grad[i]) > fabsf(grad[best])) best = i;
    const float keep = P->values[best], h = 1e-2f;
    double lp, lm;
    P->values[best] = keep + h;
    FF_TEST_PETSC(ResidualLoss(s, tape, aux, steps, x1, NULL, &lp));
    P->values[best] = keep - h;
    FF_TEST_PETSC(ResidualLoss(s, tape, aux, steps, x1, NULL, &lm));
    P->values[best] = keep;
    const double fd = (lp - lm) / (2.0 * h);
    printf("\n  %d step(s), %s: backward %.6e, finite differences %.6e (L_R %.4e)", steps, names[l], (double)grad[best],
           fd, loss);
    FF_TEST_CLOSE(grad[best], fd, 2e-2, 1e-4 * fabs(loss));
    checked++;
  }
  CU_ASSERT_EQUAL(checked, 3);
  FF_TEST_PETSC(PetscFree(x1));
  FFFree(&grad);
  FFTapeDestroy(&tape);
  FFTapeDestroy(&aux);
}

/* r(x) against finite differences in a few entries of the normalized field. */
static void CheckFieldGradient(Setup *s, const float *x)
{
  int rows, cols;
  float *g, *xp;
  double r, rp, rm;

  FF_TEST_PETSC(FFFlowModelGetSize(s->model, &rows, &cols));
  FF_TEST_PETSC(PetscMalloc2(rows * cols, &g, rows * cols, &xp));
  FF_TEST_PETSC(FFFlowPhysicsResidualFn(s->phys, 0, x, &r, g));
  int best = 0;
  for (int i = 0; i < rows * cols; i++)
    if (fabsf(g[i]) > fabsf(g[best])) best = i;
  const int entries[3] = {best, rows * cols / 3, rows * cols - 2};
  for (int k = 0; k < 3; k++) {
    const int i = entries[k];
    const float h = 1e-2f;
    memcpy(xp, x, sizeof(float) * rows * cols);
    xp[i] = x[i] + h;
    FF_TEST_PETSC(FFFlowPhysicsResidualFn(s->phys, 0, xp, &rp, NULL));
    xp[i] = x[i] - h;
    FF_TEST_PETSC(FFFlowPhysicsResidualFn(s->phys, 0, xp, &rm, NULL));
    const double fd = (rp - rm) / (2.0 * h);
    printf("\n  dr/dx[%d]: %.6e, finite differences %.6e (r %.4e)", i, (double)g[i], fd, r);
    FF_TEST_CLOSE(g[i], fd, 1e-2, 1e-6 * fabs(g[best]));
  }
  FF_TEST_PETSC(PetscFree2(g, xp));
}

static void TestDarcy(void)
{
  Setup s;
  FFFlowResidual res;
  PetscReal *field;
  int rows, cols;
  float *x;

  FF_TEST_PETSC(SetupCreate("sweep_darcy_coarse.opts", "-n 4", "darcy", &s));
  FF_TEST_PETSC(FFFlowModelGetSize(s.model, &rows, &cols));
  CU_ASSERT_EQUAL(rows, s.samples[0].mesh.n_vertices); /* P1 fields: the model lives on the vertices */
  CU_ASSERT_EQUAL(cols, 2);
  /* reference solves: converged */
  FF_TEST_PETSC(PetscMalloc1(s.ss.n_nodes * s.ss.n_components, &field));
  for (long i = 0; i < s.n; i++) {
    FF_TEST_PETSC(FFSweepSampleNodeField(&s.ss, &s.samples[i], field));
    FF_TEST_PETSC(FFFlowPhysicsEvaluate(s.phys, field, NULL, &res, NULL));
    CU_ASSERT(res.r < 1e-20);
  }
  FF_TEST_PETSC(PetscFree(field));
  /* a field with residual: the first sample's with another sample's permeability */
  FF_TEST_PETSC(PetscMalloc1(rows * cols, &x));
  FF_TEST_PETSC(FFFlowModelNormalizeSample(s.model, &s.samples[1], x));
  float *x0;
  FF_TEST_PETSC(PetscMalloc1(rows * cols, &x0));
  FF_TEST_PETSC(FFFlowModelNormalizeSample(s.model, &s.samples[0], x0));
  for (int i = 0; i < rows; i++) x[i * cols + 1] = x0[i * cols + 1];
  CheckFieldGradient(&s, x);
  FF_TEST_PETSC(PetscFree(x0));
  FF_TEST_PETSC(PetscFree(x));
  CheckParameterGradient(&s, 1);
  CheckParameterGradient(&s, 2);
  FF_TEST_PETSC(SetupDestroy(&s));
}

static void TestNavierStokesFittedReynolds(void)
{
  Setup s;
  FFFlowResidual res;
  PetscReal *field;
  int rows, cols;
  float *x;

  FF_TEST_PETSC(SetupCreate("sweep_cylinder_coarse.opts", "-n 2", "cylinder", &s));
  FF_TEST_PETSC(FFFlowModelGetSize(s.model, &rows, &cols));
  CU_ASSERT_EQUAL(rows, s.samples[0].mesh.n_nodes);
  CU_ASSERT_EQUAL(cols, 3);
  FF_TEST_PETSC(PetscMalloc1(s.ss.n_nodes * s.ss.n_components, &field));
  for (long i = 0; i < s.n; i++) {
    const double re = FFScalarFind(s.samples[i].params, s.samples[i].n_params, "re")->value;
    FF_TEST_PETSC(FFSweepSampleNodeField(&s.ss, &s.samples[i], field));
    FF_TEST_PETSC(FFFlowPhysicsEvaluate(s.phys, field, NULL, &res, NULL));
    printf("\n  sample %ld: Re %.6f, fitted %.6f, r %.3e", i, re, res.re, res.r);
    FF_TEST_CLOSE(res.re, re, 1e-6, 0);
    CU_ASSERT(res.r < 1e-20);
  }
  FF_TEST_PETSC(PetscFree(field));
  /* the gradient at the fitted Re of a perturbed field (envelope theorem) */
  FF_TEST_PETSC(PetscMalloc1(rows * cols, &x));
  FF_TEST_PETSC(FFFlowModelNormalizeSample(s.model, &s.samples[0], x));
  FFRng rng;
  FFRngSeed(&rng, 2, 0);
  for (int i = 0; i < rows * cols; i++) x[i] += 0.05f * (float)FFRngNormal(&rng);
  CheckFieldGradient(&s, x);
  FF_TEST_PETSC(PetscFree(x));
  FF_TEST_PETSC(SetupDestroy(&s));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"Darcy: reference residuals, gradients through x1_hat and the field vs finite differences", TestDarcy},
      {"Navier-Stokes at an unobserved Re: fitted Re, gradient vs finite differences", TestNavierStokesFittedReynolds},
      {NULL, NULL}};
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
