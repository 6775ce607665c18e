/* Darcy: Gaussian random field statistics, manufactured-solution orders (P1, P2), the
 * PBFM-style Neumann problem (zero-mean source and pressure, K = exp(GRF)), the joint (K, p)
 * Jacobian against central differences, and bad input. */
#include "solver_test_util.h"

#include <petscds.h>
#include <string.h>

#define SUITE "solver_darcy"

/* The field at two points for many seeds: mean, variance and correlation as the kernel says
 * (five standard errors). */
static void CheckGrfStatistics(FFGrfKernel kernel, PetscReal expected_correlation)
{
  const int n = 2000;
  const PetscReal x0[2] = {0.3, 0.4}, x1[2] = {0.3 + 0.1, 0.4}; /* distance = length */
  double s0 = 0, s00 = 0, s11 = 0, s01 = 0;
  for (int seed = 0; seed < n; seed++) {
    FFGrf g = {0};
    g.kernel = kernel;
    g.length = 0.1;
    g.variance = 2.0;
    g.mean = 0.5;
    g.modes = 500;
    g.seed = seed;
    FF_TEST_PETSC(FFGrfSetUp(&g));
    const double a = FFGrfEvaluate(&g, x0) - 0.5, b = FFGrfEvaluate(&g, x1) - 0.5;
    s0 += a, s00 += a * a, s11 += b * b, s01 += a * b;
    FF_TEST_PETSC(FFGrfDestroy(&g));
  }
  const double mean = s0 / n, var = s00 / n, corr = s01 / sqrt(s00 * s11);
  printf("\n  kernel %d: mean %.3f, variance %.3f (2), correlation at one length %.3f (%.3f)", (int)kernel, mean, var,
         corr, (double)expected_correlation);
  CU_ASSERT(fabs(mean) < 5 * sqrt(2.0 / n));
  CU_ASSERT(fabs(var - 2.0) < 5 * 2.0 * sqrt(2.0 / n));
  CU_ASSERT(fabs(corr - expected_correlation) < 5 * (1 - expected_correlation * expected_correlation) / sqrt(n));
}

static void TestGrf(void)
{
  FFGrf a = {0}, b = {0}, c = {0};
  const PetscReal x[2] = {0.25, 0.75};
  a.kernel = b.kernel = c.kernel = FF_GRF_GAUSSIAN;
  a.length = b.length = c.length = 0.2;
  a.variance = b.variance = c.variance = 1;
  a.modes = b.modes = c.modes = 100;
  a.seed = b.seed = 3;
  c.seed = 4;
  FF_TEST_PETSC(FFGrfSetUp(&a));
  FF_TEST_PETSC(FFGrfSetUp(&b));
  FF_TEST_PETSC(FFGrfSetUp(&c));
  CU_ASSERT(FFGrfEvaluate(&a, x) == FFGrfEvaluate(&b, x));
  CU_ASSERT(FFGrfEvaluate(&a, x) != FFGrfEvaluate(&c, x));
  FF_TEST_PETSC(FFGrfDestroy(&a));
  FF_TEST_PETSC(FFGrfDestroy(&b));
  FF_TEST_PETSC(FFGrfDestroy(&c));
  CheckGrfStatistics(FF_GRF_GAUSSIAN, PetscExpReal(-0.5));
  CheckGrfStatistics(FF_GRF_EXPONENTIAL, PetscExpReal(-1.0));
}

/* p = sin(pi x) sin(pi y), K = 1 + x y, f = -div(K grad p) */
static PetscErrorCode ExactP(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = PetscSinReal(PETSC_PI * x[0]) * PetscSinReal(PETSC_PI * x[1]);
  return 0;
}

static PetscErrorCode ExactK(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = 1 + x[0] * x[1];
  return 0;
}

static PetscErrorCode ExactF(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  const PetscReal pi = PETSC_PI, sx = PetscSinReal(pi * x[0]), sy = PetscSinReal(pi * x[1]);
  const PetscReal cx = PetscCosReal(pi * x[0]), cy = PetscCosReal(pi * x[1]);
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = (1 + x[0] * x[1]) * 2 * pi * pi * sx * sy - (x[1] * pi * cx * sy + x[0] * pi * sx * cy);
  return 0;
}

static PetscErrorCode SolveManufactured(DM dm, PetscInt degree, PetscReal *err)
{
  FFSolver s;
  FFSolveStats st;
  DM sdm;
  Vec u;
  PetscReal e[2];
  PetscErrorCode (*exact[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {ExactK,
                                                                                                         ExactP};

  PetscFunctionBeginUser;
  PetscCall(FFSolverCreate(PETSC_COMM_WORLD, &s));
  PetscCall(FFSolverSetDM(s, dm, 4, TestSquareGroups));
  PetscCall(FFSolverSetProblem(s, FF_PROBLEM_DARCY));
  PetscCall(FFSolverSetOptionsPrefix(s, degree == 1 ? "p1_" : "p2_"));
  PetscCall(PetscOptionsSetValue(NULL, degree == 1 ? "-p1_darcy_degree" : "-p2_darcy_degree", degree == 1 ? "1" : "2"));
  PetscCall(FFSolverSetFromOptions(s));
  for (int g = 0; g < 4; g++) PetscCall(FFSolverSetBoundaryFunction(s, TestSquareGroups[g], ExactP, NULL));
  PetscCall(FFSolverSetDarcySource(s, ExactF, NULL));
  PetscCall(FFSolverSetPermeability(s, ExactK, NULL));
  PetscCall(FFSolverSolve(s, &st));
  PetscCheck(st.converged, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "Darcy did not converge");
  PetscCall(FFSolverGetDM(s, &sdm));
  PetscCall(FFSolverGetSolution(s, &u));
  PetscCall(DMComputeL2FieldDiff(sdm, 0, exact, NULL, u, e));
  *err = e[1];
  PetscCall(FFSolverDestroy(&s));
  PetscFunctionReturn(0);
}

static void TestManufacturedOrders(void)
{
  for (PetscInt degree = 1; degree <= 2; degree++) {
    DM dm, fine;
    PetscReal err[4];
    FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 4, &dm));
    for (int level = 0; level < 4; level++) {
      FF_TEST_PETSC(SolveManufactured(dm, degree, &err[level]));
      if (level) {
        const double r = log2(err[level - 1] / err[level]);
        printf("\n  Darcy P%d h = 1/%d: |e_p| %.3e (order %.2f)", (int)degree, 4 << level, (double)err[level], r);
        CU_ASSERT(r >= degree + 1 - 0.1);
      }
      FF_TEST_PETSC(DMRefine(dm, PETSC_COMM_WORLD, &fine));
      FF_TEST_PETSC(DMDestroy(&dm));
      dm = fine;
    }
    FF_TEST_PETSC(DMDestroy(&dm));
  }
}

/* Objectives: area (field 0) and the integral of p (field 1). */
static void obj_one(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[],
                    const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[],
                    const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[],
                    PetscReal t, const PetscReal x[], PetscInt nc, const PetscScalar c[], PetscScalar obj[])
{
  (void)dim, (void)Nf, (void)NfAux, (void)uOff, (void)uOff_x, (void)u, (void)u_t, (void)u_x, (void)aOff, (void)aOff_x,
      (void)a, (void)a_t, (void)a_x, (void)t, (void)x, (void)nc, (void)c;
  obj[0] = 1.0;
}

static void obj_p(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[],
                  const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[],
                  const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[],
                  PetscReal t, const PetscReal x[], PetscInt nc, const PetscScalar c[], PetscScalar obj[])
{
  (void)dim, (void)Nf, (void)NfAux, (void)uOff_x, (void)u_t, (void)u_x, (void)aOff, (void)aOff_x, (void)a, (void)a_t,
      (void)a_x, (void)t, (void)x, (void)nc, (void)c;
  obj[0] = u[uOff[1]];
}

/* PBFM's set-up: corner source and sink, zero flux everywhere, K = exp(GRF). */
static PetscErrorCode CreatePBFM(MPI_Comm comm, DM dm, const char *seed, FFSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-pbfm_problem", "darcy"));
  PetscCall(PetscOptionsSetValue(NULL, "-pbfm_seed", seed));
  PetscCall(FFSolverCreate(comm, s));
  PetscCall(FFSolverSetOptionsPrefix(*s, "pbfm_"));
  PetscCall(FFSolverSetDM(*s, dm, 4, TestSquareGroups));
  PetscCall(FFSolverSetFromOptions(*s));
  PetscCall(FFSolverSetUp(*s));
  PetscFunctionReturn(0);
}

static void TestNeumannPBFM(void)
{
  DM dm, sdm;
  FFSolver s;
  FFSolveStats st;
  Vec u;
  PetscDS ds;
  PetscScalar integral[2];
  PetscReal v[2], corner[2] = {0.02, 0.02}, other[2] = {0.98, 0.98};
  FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 32, &dm));
  FF_TEST_PETSC(CreatePBFM(PETSC_COMM_WORLD, dm, "5", &s));
  FF_TEST_PETSC(FFSolverSolve(s, &st));
  CU_ASSERT(st.converged);
  CU_ASSERT(st.residual_norm < 1e-10);
  FF_TEST_PETSC(FFSolverGetDM(s, &sdm));
  FF_TEST_PETSC(FFSolverGetSolution(s, &u));
  FF_TEST_PETSC(DMGetDS(sdm, &ds));
  FF_TEST_PETSC(PetscDSSetObjective(ds, 0, obj_one));
  FF_TEST_PETSC(PetscDSSetObjective(ds, 1, obj_p));
  FF_TEST_PETSC(DMPlexComputeIntegralFEM(sdm, u, integral, NULL));
  CU_ASSERT(PetscAbsScalar(integral[1]) < 1e-12);
  /* the source corner is at high pressure, the sink corner at low; K is exp of the field */
  FF_TEST_PETSC(FFSolverEvaluate(s, 1, corner, v));
  CU_ASSERT(v[1] > 0);
  FFGrf g = {0};
  g.kernel = FF_GRF_GAUSSIAN;
  g.length = 0.1;
  g.variance = 1.0;
  g.modes = 1000;
  g.seed = 5;
  FF_TEST_PETSC(FFGrfSetUp(&g));
  const PetscReal vertex[2] = {0.5, 0.5}; /* a mesh vertex: K is P1, so exact there */
  FF_TEST_PETSC(FFSolverEvaluate(s, 1, vertex, v));
  FF_TEST_CLOSE(v[0], PetscExpReal(FFGrfEvaluate(&g, vertex)), 1e-9, 0);
  FF_TEST_PETSC(FFGrfDestroy(&g));
  FF_TEST_PETSC(FFSolverEvaluate(s, 1, other, v));
  CU_ASSERT(v[1] < 0);
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(DMDestroy(&dm));
}

/* J^T v against central differences of F for the joint (K, p) residual at a random state
 * with positive K. */
static void TestJacobianKP(void)
{
  DM dm;
  FFSolver s;
  Vec x, w, v, JTv, up, Fp, Fm;
  PetscRandom r;
  PetscReal eps = 1e-6, a, b, gnorm;
  FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 8, &dm));
  FF_TEST_PETSC(CreatePBFM(PETSC_COMM_WORLD, dm, "1", &s));
  FF_TEST_PETSC(FFSolverCreateState(s, &x));
  FF_TEST_PETSC(PetscRandomCreate(PETSC_COMM_WORLD, &r));
  FF_TEST_PETSC(PetscRandomSetInterval(r, 0.5, 2));
  FF_TEST_PETSC(VecSetRandom(x, r));
  FF_TEST_PETSC(PetscRandomSetInterval(r, -1, 1));
  FF_TEST_PETSC(VecDuplicate(x, &w));
  FF_TEST_PETSC(VecDuplicate(x, &v));
  FF_TEST_PETSC(VecDuplicate(x, &JTv));
  FF_TEST_PETSC(VecDuplicate(x, &up));
  FF_TEST_PETSC(VecDuplicate(x, &Fp));
  FF_TEST_PETSC(VecDuplicate(x, &Fm));
  FF_TEST_PETSC(VecSetRandom(w, r));
  FF_TEST_PETSC(VecSetRandom(v, r));
  FF_TEST_PETSC(FFSolverComputeJacobian(s, x));
  FF_TEST_PETSC(FFSolverJacobianTransposeMult(s, v, JTv));
  FF_TEST_PETSC(VecWAXPY(up, eps, w, x));
  FF_TEST_PETSC(FFSolverComputeResidual(s, up, Fp));
  FF_TEST_PETSC(VecWAXPY(up, -eps, w, x));
  FF_TEST_PETSC(FFSolverComputeResidual(s, up, Fm));
  FF_TEST_PETSC(VecAXPY(Fp, -1, Fm));
  FF_TEST_PETSC(VecDot(v, Fp, &a));
  a /= 2 * eps;
  FF_TEST_PETSC(VecDot(JTv, w, &b));
  printf("\n  Darcy (K, p): J^T v vs FD relative %.2e", PetscAbsReal(a - b) / PetscAbsReal(b));
  CU_ASSERT(PetscAbsReal(a - b) < 1e-6 * PetscAbsReal(b));
  /* the gradient reaches K: J^T v restricted to K is not zero */
  {
    DM sdm, sub;
    IS is;
    Vec k;
    FF_TEST_PETSC(FFSolverGetDM(s, &sdm));
    FF_TEST_PETSC(DMCreateSubDM(sdm, 1, (PetscInt[]){0}, &is, &sub));
    FF_TEST_PETSC(VecGetSubVector(JTv, is, &k));
    FF_TEST_PETSC(VecNorm(k, NORM_2, &gnorm));
    FF_TEST_PETSC(VecRestoreSubVector(JTv, is, &k));
    FF_TEST_PETSC(ISDestroy(&is));
    FF_TEST_PETSC(DMDestroy(&sub));
    CU_ASSERT(gnorm > 0);
  }
  FF_TEST_PETSC(VecDestroy(&w));
  FF_TEST_PETSC(VecDestroy(&v));
  FF_TEST_PETSC(VecDestroy(&JTv));
  FF_TEST_PETSC(VecDestroy(&up));
  FF_TEST_PETSC(VecDestroy(&Fp));
  FF_TEST_PETSC(VecDestroy(&Fm));
  FF_TEST_PETSC(VecDestroy(&x));
  FF_TEST_PETSC(PetscRandomDestroy(&r));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(DMDestroy(&dm));
}

typedef struct {
  char message[1024];
} Captured;

static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                              PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file;
  if (p == PETSC_ERROR_INITIAL && mess) snprintf(((Captured *)ctx)->message, 1024, "%s", mess);
  return n;
}

static void ExpectBadInput(DM dm, const char *options, const char *expect)
{
  FFSolver s;
  Captured cap = {""};
  PetscErrorCode ierr;
  FF_TEST_PETSC(PetscOptionsInsertString(NULL, options));
  FF_TEST_PETSC(FFSolverCreate(PETSC_COMM_WORLD, &s));
  FF_TEST_PETSC(FFSolverSetOptionsPrefix(s, "bad_"));
  FF_TEST_PETSC(FFSolverSetDM(s, dm, 4, TestSquareGroups));
  FF_TEST_PETSC(PetscPushErrorHandler(Capture, &cap));
  ierr = FFSolverSetFromOptions(s);
  if (!ierr) ierr = FFSolverSetUp(s);
  FF_TEST_PETSC(PetscPopErrorHandler());
  CU_ASSERT(ierr != 0);
  if (!strstr(cap.message, expect)) printf("\n  '%s': message '%s' lacks '%s'", options, cap.message, expect);
  CU_ASSERT_PTR_NOT_NULL(strstr(cap.message, expect));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(PetscOptionsClear(NULL));
}

static void TestBadInput(void)
{
  DM dm;
  FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 4, &dm));
  ExpectBadInput(dm, "-bad_problem darcy -bad_bc_left noslip", "unknown boundary type 'noslip' for Darcy");
  ExpectBadInput(dm, "-bad_problem darcy -bad_bc_left dirichlet:a", "-bad_bc_left");
  ExpectBadInput(dm, "-bad_problem darcy -bad_grf_length 0", "-grf_length");
  ExpectBadInput(dm, "-bad_problem darcy -bad_darcy_degree 3", "-bad_darcy_degree");
  FF_TEST_PETSC(DMDestroy(&dm));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"Gaussian random field: reproducible, variance and correlation", TestGrf},
      {"manufactured solution: L2 orders 2 (P1) and 3 (P2)", TestManufacturedOrders},
      {"PBFM set-up: Neumann, zero-mean p, K = exp(GRF)", TestNeumannPBFM},
      {"joint (K, p) Jacobian: J^T v matches central differences", TestJacobianKP},
      {"bad input: messages name the option", TestBadInput},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
