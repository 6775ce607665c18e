/* RANS with SA-neg (docs/references.md §10): the model's source terms and their derivatives
 * against central differences, the exact Jacobian of the discrete RANS residual (J w and
 * J^T v against central differences of F), and bad input. (The coarse flat plate and the
 * symmetric airfoil: test_solver_rans_plate.c, test_solver_rans_airfoil.c.) */
#include "ff_io.h"
#include "ff_mesh.h"
#include "solver_test_util.h"

#include <petscds.h>
#include <string.h>

#define SUITE "solver_rans"

/* Tolerances of central differences with a relative step e: truncation O(e^2) times the
 * third derivative, rounding O(eps / e); with e = 1e-6 both are below 1e-9 of the scale of
 * the terms, so 1e-6 relative (plus an absolute floor at that fraction of the scale)
 * leaves a margin of 1000 without letting a wrong term (an O(1) relative error) through. */
#define FD_STEP 1e-6
#define FD_TOL  1e-6

static PetscReal Uniform(PetscRandom r, PetscReal lo, PetscReal hi)
{
  PetscReal v;
  PetscRandomGetValueReal(r, &v);
  return lo + (hi - lo) * v;
}

/* Which branch of the model a point lies in: n sign, Note 1(c), the r limit. */
static int Branch(PetscReal nu, PetscReal n, PetscReal omega, PetscReal d)
{
  FFSpalartAllmarasTerms t;
  FFSpalartAllmarasPoint(nu, n, omega, d, &t);
  /* S-bar = n f_v2 / (kappa d)^2 decides the Note 1(c) branch (c_v2 = 0.7) */
  const PetscReal kd2 = 0.41 * 0.41 * d * d, chi = n / nu, fv1 = chi * chi * chi / (chi * chi * chi + 7.1 * 7.1 * 7.1);
  const PetscReal sbar = n * (1 - chi / (1 + chi * fv1)) / kd2;
  return (n < 0) + 2 * (n >= 0 && sbar < -0.7 * omega) + 4 * (t.r >= 10);
}

/* The model's terms at one point are smooth between kinks but steep (f_t2's exp(-c_t4 chi^2), the
 * Note 1(c) rational function, f_w's g^6): central differences with Richardson extrapolation,
 * (4 D(e/2) - D(e)) / 3, whose truncation error is O(e^4) (below 1e-12 with e = 1e-6 relative
 * for curvature scales down to 1e-3 of the variable), and whose rounding error is O(eps / e) =
 * 1e-10 of the terms' scale, amplified by the cancellations inside the terms (n f_v2,
 * 1 - f_t2, Omega + S-bar) by up to ~100. A tolerance of 1e-7 stays above that and lets no wrong
 * term (an O(1) error) through; the worst measured is printed. */
#define SA_STEP 1e-6
#define SA_TOL  1e-7

/* Central differences of the source, the diffusivity and nu_t in n (steps en) and of the source
 * in Omega (eo). */
static void Central(PetscReal nu, PetscReal n, PetscReal omega, PetscReal d, PetscReal en, PetscReal eo,
                    PetscReal fd[4])
{
  FFSpalartAllmarasTerms p, m;
  FFSpalartAllmarasPoint(nu, n + en, omega, d, &p);
  FFSpalartAllmarasPoint(nu, n - en, omega, d, &m);
  fd[0] = (p.source - m.source) / (2 * en);
  fd[1] = (p.diffusivity - m.diffusivity) / (2 * en);
  fd[2] = (p.nu_t - m.nu_t) / (2 * en);
  FFSpalartAllmarasPoint(nu, n, omega + eo, d, &p);
  FFSpalartAllmarasPoint(nu, n, omega - eo, d, &m);
  fd[3] = (p.source - m.source) / (2 * eo);
}

static void TestSourceDerivatives(void)
{
  PetscRandom rnd;
  const PetscReal nu = 1.0 / 6e6;
  PetscInt checked = 0, skipped = 0, branches[8] = {0};
  PetscReal worst = 0;
  FF_TEST_PETSC(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  FF_TEST_PETSC(PetscRandomSetSeed(rnd, 11));
  FF_TEST_PETSC(PetscRandomSeed(rnd));
  for (int i = 0; i < 30000; i++) {
    /* n / nu log-uniform in [1e-3, 1e4] or negative down to -50; Omega in [1e-2, 1e6]; d in [1e-7, 10]; a
     * third of the points where TMR's Note 1(c) applies: chi in [2, 1e4] (f_v2 < 0) with Omega below
     * 1.4 |S-bar| (so S-bar < -c_v2 Omega half of the time) */
    const PetscReal d = PetscPowReal(10, Uniform(rnd, -7, 1));
    PetscReal n, omega;
    if (i % 3 == 2) {
      const PetscReal chi = PetscPowReal(10, Uniform(rnd, 0.3, 4)), fv1 = chi * chi * chi / (chi * chi * chi + 357.911);
      const PetscReal sbar = nu * chi * (1 - chi / (1 + chi * fv1)) / (0.41 * 0.41 * d * d);
      n = nu * chi;
      omega = PetscAbsReal(sbar) * Uniform(rnd, 0.05, 2.8);
    } else {
      n = Uniform(rnd, 0, 1) < 0.3 ? -nu * PetscPowReal(10, Uniform(rnd, -3, 1.7))
                                   : nu * PetscPowReal(10, Uniform(rnd, -3, 4));
      omega = PetscPowReal(10, Uniform(rnd, -2, 6));
    }
    const PetscReal en = SA_STEP * PetscAbsReal(n), eo = SA_STEP * omega;
    const int b = Branch(nu, n, omega, d);
    if (b != Branch(nu, n + en, omega, d) || b != Branch(nu, n - en, omega, d) || b != Branch(nu, n, omega + eo, d) ||
        b != Branch(nu, n, omega - eo, d)) {
      skipped++; /* a kink of the model (n = 0, the Note 1(c) switch, r = 10) within the step */
      continue;
    }
    FFSpalartAllmarasTerms t;
    PetscReal fd[4], fd2[4], fd_n, fd_k, fd_t, fd_o;
    FFSpalartAllmarasPoint(nu, n, omega, d, &t);
    /* the scale of the source's terms at this point: production without its factor (1 - f_t2), which
     * vanishes at chi = 0.6, and destruction */
    const PetscReal scale = 0.1355 * 2.2 * PetscAbsReal(t.s_tilde * n) + PetscAbsReal(t.destruction);
    Central(nu, n, omega, d, en, eo, fd);
    Central(nu, n, omega, d, en / 2, eo / 2, fd2);
    fd_n = (4 * fd2[0] - fd[0]) / 3, fd_k = (4 * fd2[1] - fd[1]) / 3, fd_t = (4 * fd2[2] - fd[2]) / 3;
    fd_o = (4 * fd2[3] - fd[3]) / 3;
    const PetscReal e1 = PetscAbsReal(fd_n - t.dsource_dn) / (scale / PetscAbsReal(n));
    const PetscReal e2 = PetscAbsReal(fd_o - t.dsource_domega) / (scale / omega);
    /* the diffusivity's scale per unit n: nu dominates it for |n| << nu */
    const PetscReal e3 = PetscAbsReal(fd_k - t.ddiffusivity_dn) /
                         PetscMax(PetscAbsReal(t.ddiffusivity_dn), PetscAbsReal(t.diffusivity / n));
    const PetscReal e4 = PetscAbsReal(fd_t - t.dnu_t);
    worst = PetscMax(worst, PetscMax(PetscMax(e1, e2), PetscMax(e3, e4)));
    if (e1 > SA_TOL || e2 > SA_TOL || e3 > SA_TOL || e4 > SA_TOL)
      printf("\n  e %.2e %.2e %.2e %.2e n/nu %g Omega %g d %g: dS/dn %g (FD %g), dS/dOmega %g (FD %g), dk/dn %g (FD "
             "%g), dnu_t %g (FD %g)",
             (double)e1, (double)e2, (double)e3, (double)e4, (double)(n / nu), (double)omega, (double)d,
             (double)t.dsource_dn, (double)fd_n, (double)t.dsource_domega, (double)fd_o, (double)t.ddiffusivity_dn,
             (double)fd_k, (double)t.dnu_t, (double)fd_t);
    CU_ASSERT(e1 <= SA_TOL && e2 <= SA_TOL && e3 <= SA_TOL && e4 <= SA_TOL);
    checked++;
    branches[b]++;
  }
  printf("\n  %d points (%d skipped at kinks): worst relative error %.2e; branches n>=0 A %d, n>=0 Note 1(c) %d, "
         "r = 10: %d, n < 0: %d",
         (int)checked, (int)skipped, (double)worst, (int)branches[0], (int)branches[2],
         (int)(branches[4] + branches[6]), (int)(branches[1] + branches[3] + branches[5] + branches[7]));
  /* every branch was exercised */
  CU_ASSERT(branches[0] > 100 && branches[2] > 100 && branches[4] + branches[6] > 100);
  CU_ASSERT(branches[1] + branches[3] > 100);
  FF_TEST_PETSC(PetscRandomDestroy(&rnd));
}

/* SA-neg is continuous with a continuous first derivative across n = 0 (its design). */
static void TestNegativeBranchContinuity(void)
{
  const PetscReal nu = 1e-6, omega = 3.0, d = 0.01, e = 1e-14;
  FFSpalartAllmarasTerms p, m;
  FFSpalartAllmarasPoint(nu, e, omega, d, &p);
  FFSpalartAllmarasPoint(nu, -e, omega, d, &m);
  printf("\n  at n = +-1e-14: S %.3e / %.3e, dS/dn %.10g / %.10g, k %.10g / %.10g", (double)p.source, (double)m.source,
         (double)p.dsource_dn, (double)m.dsource_dn, (double)p.diffusivity, (double)m.diffusivity);
  CU_ASSERT(PetscAbsReal(p.source - m.source) < 1e-12);
  FF_TEST_CLOSE(p.dsource_dn, m.dsource_dn, 1e-6, 0);
  FF_TEST_CLOSE(p.diffusivity, m.diffusivity, 1e-6, 0);
  /* the eddy viscosity vanishes for n <= 0 */
  CU_ASSERT(m.nu_t == 0 && m.dnu_t == 0);
  /* log layer: the destruction balances production where n = kappa u_tau d (f_w = 1, r = 1) */
  FFSpalartAllmarasTerms t;
  const PetscReal utau = 0.04, dd = 1e-3, nn = 0.41 * utau * dd; /* chi large: f_v2 ~ 0 */
  FFSpalartAllmarasPoint(1e-9, nn, utau / (0.41 * dd), dd, &t);
  /* with n = kappa u_tau d: diffusion (1 + cb2) / sigma |grad n|^2 = (1 + cb2) / sigma (kappa u_tau)^2, and
   * production + diffusion = destruction, since c_w1 = c_b1 / kappa^2 + (1 + c_b2) / sigma. chi = 6.6e3 here:
   * f_v2 = O(1 / chi) and f_t2 = O(exp(-chi^2)) put S~ and r within 1e-3 of the log-law values */
  const PetscReal diffusion = (1 + 0.622) / (2.0 / 3.0) * PetscSqr(0.41 * utau);
  printf("\n  log layer: r %.6f, f_w %.6f, (P + diffusion) / D %.6f", (double)t.r, (double)t.fw,
         (double)((t.production + diffusion) / t.destruction));
  FF_TEST_CLOSE(t.r, 1.0, 1e-3, 0);
  FF_TEST_CLOSE(t.fw, 1.0, 1e-3, 0);
  FF_TEST_CLOSE((t.production + diffusion) / t.destruction, 1.0, 1e-3, 0);
}

/* A RANS solver on the unit square: free stream in from the left, a wall at the bottom,
 * outflow at the top and right. */
static PetscErrorCode CreateSquareRans(DM dm, FFSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(FFSolverCreate(PETSC_COMM_WORLD, s));
  PetscCall(FFSolverSetOptionsPrefix(*s, "sq_"));
  PetscCall(PetscOptionsInsertString(NULL, "-sq_problem rans -sq_re 1e5 -sq_bc_left freestream -sq_bc_bottom noslip "
                                           "-sq_bc_top outflow -sq_bc_right outflow"));
  PetscCall(FFSolverSetDM(*s, dm, 4, TestSquareGroups));
  PetscCall(FFSolverSetFromOptions(*s));
  PetscCall(FFSolverSetUp(*s));
  PetscFunctionReturn(0);
}

/* A random state at the scales of a RANS solution: u ~ 1, p ~ 0.1, nu tilde ~ nu (-2 nu to
 * 500 nu, so both branches of SA-neg are met). */
static PetscErrorCode RandomState(FFSolver s, PetscReal nu, PetscReal lo_n, PetscReal hi_n, unsigned long seed, Vec x)
{
  DM dm;
  PetscRandom r;
  const PetscReal lo[3] = {-1, -0.1, lo_n * nu}, hi[3] = {1, 0.1, hi_n * nu};

  PetscFunctionBeginUser;
  PetscCall(FFSolverGetDM(s, &dm));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &r));
  PetscCall(PetscRandomSetSeed(r, seed));
  PetscCall(PetscRandomSeed(r));
  for (PetscInt f = 0; f < 3; f++) {
    IS is;
    Vec sub;
    PetscCall(DMCreateSubDM(dm, 1, &f, &is, NULL));
    PetscCall(VecGetSubVector(x, is, &sub));
    PetscCall(PetscRandomSetInterval(r, lo[f], hi[f]));
    PetscCall(VecSetRandom(sub, r));
    PetscCall(VecRestoreSubVector(x, is, &sub));
    PetscCall(ISDestroy(&is));
  }
  PetscCall(PetscRandomDestroy(&r));
  PetscFunctionReturn(0);
}

/* J w and J^T v against central differences of F along w: v . (F(u + e w) - F(u - e w)) / 2e
 * = (J^T v) . w, with w scaled like the state. */
static PetscErrorCode CheckJacobian(FFSolver s, Vec u, PetscReal nu, PetscReal *rel_mult, PetscReal *rel_transpose)
{
  Vec w, v;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(u, &w));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(RandomState(s, nu, -10, 10, 5, w));
  PetscCall(RandomState(s, 1, -1, 1, 6, v));
  PetscCall(TestJacobianAgainstFD(s, u, w, v, FD_STEP, rel_mult, rel_transpose));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

static void TestJacobian(void)
{
  DM dm;
  FFSolver s;
  Vec x;
  PetscReal rm, rt;
  const PetscReal nu = 1e-5;
  FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 6, &dm));
  FF_TEST_PETSC(CreateSquareRans(dm, &s));
  FF_TEST_PETSC(FFSolverCreateState(s, &x));
  /* nu tilde of both signs */
  FF_TEST_PETSC(RandomState(s, nu, -2, 500, 3, x));
  FF_TEST_PETSC(CheckJacobian(s, x, nu, &rm, &rt));
  printf("\n  random state, nu tilde in [-2, 500] nu: J w vs FD %.2e, J^T v vs FD %.2e", (double)rm, (double)rt);
  CU_ASSERT(rm < FD_TOL);
  CU_ASSERT(rt < FD_TOL);
  /* positive only (production, destruction, f_w, the modified vorticity) */
  FF_TEST_PETSC(RandomState(s, nu, 0.5, 2000, 4, x));
  FF_TEST_PETSC(CheckJacobian(s, x, nu, &rm, &rt));
  printf("\n  random state, nu tilde in [0.5, 2000] nu: J w vs FD %.2e, J^T v vs FD %.2e", (double)rm, (double)rt);
  CU_ASSERT(rm < FD_TOL);
  CU_ASSERT(rt < FD_TOL);
  FF_TEST_PETSC(VecDestroy(&x));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(PetscOptionsClear(NULL));
  /* the other grad-div coefficients (the default is hmin; flow depends on u; lsic: the LSIC part
   * only; the viscous floor depends on n through nu_t: 500 (nu + nu_t) is above gamma U h_min + LSIC,
   * about 0.2 on this mesh, where nu tilde > 40 nu, and below it where nu tilde < 0) */
  const char *scales[] = {"-sq_rans_grad_div_scale none", "-sq_rans_grad_div_scale flow",
                          "-sq_rans_grad_div_scale lsic", "-sq_rans_grad_div_viscous 500"};
  for (int k = 0; k < 4; k++) {
    FF_TEST_PETSC(PetscOptionsInsertString(NULL, scales[k]));
    FF_TEST_PETSC(CreateSquareRans(dm, &s));
    FF_TEST_PETSC(FFSolverCreateState(s, &x));
    FF_TEST_PETSC(RandomState(s, nu, -2, 500, 3, x));
    FF_TEST_PETSC(CheckJacobian(s, x, nu, &rm, &rt));
    printf("\n  %s: J w vs FD %.2e, J^T v vs FD %.2e", scales[k] + 4, (double)rm, (double)rt);
    CU_ASSERT(rm < FD_TOL);
    CU_ASSERT(rt < FD_TOL);
    FF_TEST_PETSC(VecDestroy(&x));
    FF_TEST_PETSC(FFSolverDestroy(&s));
    FF_TEST_PETSC(PetscOptionsClear(NULL));
  }
  FF_TEST_PETSC(DMDestroy(&dm));
}

/* The first error message of a failing call (PETSc's traceback silenced). */
typedef struct {
  char message[1024];
} Captured;

static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                              PetscErrorType p, const char *mess, void *ctx)
{
  Captured *c = (Captured *)ctx;
  (void)comm, (void)line, (void)fun, (void)file;
  if (p == PETSC_ERROR_INITIAL && mess && !c->message[0]) snprintf(c->message, sizeof c->message, "%s", mess);
  return n;
}

/* The options, then a mesh (from the options) and a RANS solver on it, or on the square when
 * square is set: an error whose message holds `expect`. */
static void ExpectBadInput(const char *options, PetscBool square, const char *expect)
{
  Captured cap = {""};
  FFMesh mesh = NULL;
  FFSolver s = NULL;
  DM dm = NULL;
  PetscErrorCode ierr;
  FF_TEST_PETSC(PetscOptionsClear(NULL));
  FF_TEST_PETSC(PetscOptionsInsertString(NULL, options));
  if (square) FF_TEST_PETSC(TestSquareMesh(PETSC_COMM_WORLD, SUITE, 4, &dm));
  FF_TEST_PETSC(PetscPushErrorHandler(Capture, &cap));
  if (square) {
    ierr = FFSolverCreate(PETSC_COMM_WORLD, &s);
    if (!ierr) ierr = FFSolverSetDM(s, dm, 4, TestSquareGroups);
  } else {
    ierr = FFMeshCreate(PETSC_COMM_WORLD, &mesh);
    if (!ierr) ierr = FFMeshSetFromOptions(mesh);
    if (!ierr) ierr = FFMeshSetUp(mesh);
    if (!ierr) ierr = FFSolverCreate(PETSC_COMM_WORLD, &s);
    if (!ierr) ierr = FFSolverSetMesh(s, mesh);
  }
  if (!ierr) ierr = FFSolverSetFromOptions(s);
  if (!ierr) ierr = FFSolverSetUp(s);
  FF_TEST_PETSC(PetscPopErrorHandler());
  CU_ASSERT(ierr != 0);
  if (!strstr(cap.message, expect)) printf("\n  '%s': message '%s' lacks '%s'", options, cap.message, expect);
  CU_ASSERT_PTR_NOT_NULL(strstr(cap.message, expect));
  FF_TEST_PETSC(FFSolverDestroy(&s));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
  FF_TEST_PETSC(DMDestroy(&dm));
  FF_TEST_PETSC(PetscOptionsClear(NULL));
}

static void TestBadInput(void)
{
  const char *plate = "-geometry flatplate -plate_nx 4 -problem rans -bc_inlet freestream -bc_symmetry symmetry "
                      "-bc_top outflow ";
  char opts[1024];
  /* a negative Reynolds number: the mesh's first cell and the solver both need it */
  snprintf(opts, sizeof opts, "%s -re -5", plate);
  ExpectBadInput(opts, PETSC_FALSE, "-re");
  ExpectBadInput("-problem rans -re -5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow",
                 PETSC_TRUE, "option -re: the Reynolds number must be > 0");
  /* y+ of the first cell */
  snprintf(opts, sizeof opts, "%s -re 1e6 -mesh_bl_yplus 0", plate);
  ExpectBadInput(opts, PETSC_FALSE, "option -mesh_bl_yplus: y+ of the first cell must be > 0");
  snprintf(opts, sizeof opts, "%s -re 1e6 -mesh_bl_yplus -1", plate);
  ExpectBadInput(opts, PETSC_FALSE, "-mesh_bl_yplus");
  ExpectBadInput("-geometry naca -naca 0012 -re 1e6 -mesh_bl_yplus -2", PETSC_FALSE, "-mesh_bl_yplus");
  snprintf(opts, sizeof opts, "%s -re 1e6 -mesh_bl_growth 1.3", plate);
  ExpectBadInput(opts, PETSC_FALSE, "option -mesh_bl_growth");
  /* -initial: a file that is not there, or not a .vtu */
  const char *sq = "-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow";
  snprintf(opts, sizeof opts, "%s -initial %s/no-such-state.vtu", sq, FFTestTempDir(SUITE));
  ExpectBadInput(opts, PETSC_TRUE, "no-such-state.vtu': no such file");
  snprintf(opts, sizeof opts, "%s -initial %s", sq, FF_SOURCE_DIR "/cases/rans/flatplate-tmr.opts");
  ExpectBadInput(opts, PETSC_TRUE, "flatplate-tmr.opts' is not a VTK XML unstructured grid");
  /* ... a .vtu of another geometry (one triangle far from the unit square), and one without nu
   * tilde (a triangle covering it) */
  {
    const double far[6] = {10, 10, 11, 10, 10, 11}, cover[6] = {-1, -1, 3, -1, -1, 3};
    const double vel[9] = {1, 0, 0, 1, 0, 0, 1, 0, 0}, one[3] = {1, 1, 1};
    const int64_t tri[3] = {0, 1, 2};
    const FFVtkField all[3] = {{"velocity", 3, vel, NULL}, {"pressure", 1, one, NULL}, {"nu_tilde", 1, one, NULL}};
    char path[512];
    FFVtkMesh m = {3, 2, far, 1, FF_VTK_TRIANGLE, tri, 3, all, 0, NULL};
    snprintf(path, sizeof path, "%s/far.vtu", FFTestTempDir(SUITE));
    CU_ASSERT_FATAL(FFVtkWrite(path, &m) == FF_SUCCESS);
    snprintf(opts, sizeof opts, "%s -initial %s", sq, path);
    ExpectBadInput(opts, PETSC_TRUE, "far.vtu' is not a solution on this geometry");
    m.points = cover, m.n_point_fields = 2;
    snprintf(path, sizeof path, "%s/laminar.vtu", FFTestTempDir(SUITE));
    CU_ASSERT_FATAL(FFVtkWrite(path, &m) == FF_SUCCESS);
    snprintf(opts, sizeof opts, "%s -initial %s", sq, path);
    ExpectBadInput(opts, PETSC_TRUE, "laminar.vtu' has no point field 'nu_tilde'");
  }
  /* no wall: the SA model's wall distance has nothing to measure to */
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom outflow -bc_top outflow -bc_right outflow",
                 PETSC_TRUE, "no group is a no-slip wall (give -bc_<group> noslip");
  /* the pseudo-time options */
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_cfl_initial 0",
                 PETSC_TRUE, "-rans_cfl_initial");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_nu_tilde_farfield -1",
                 PETSC_TRUE, "option -rans_nu_tilde_farfield must be >= 0");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_nu_tilde_initial -2",
                 PETSC_TRUE, "option -rans_nu_tilde_initial must be >= 0");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_grad_div_scale cells",
                 PETSC_TRUE, "-rans_grad_div_scale");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_grad_div_viscous -1",
                 PETSC_TRUE, "option -rans_grad_div_viscous must be >= 0");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_first_reject_factor 1",
                 PETSC_TRUE, "-rans_first_reject_factor must be > 1");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_cfl_growth_rising 0",
                 PETSC_TRUE, "option -rans_cfl_growth_rising must be > 0");
  ExpectBadInput("-problem rans -re 1e5 -bc_left freestream -bc_bottom noslip -bc_top outflow -bc_right outflow "
                 "-rans_first_cfl_growth_rising -1",
                 PETSC_TRUE, "option -rans_first_cfl_growth_rising must be > 0");
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"SA-neg source, diffusivity, eddy viscosity: derivatives vs central differences", TestSourceDerivatives},
      {"SA-neg: continuous across nu tilde = 0; the log layer balance", TestNegativeBranchContinuity},
      {"RANS residual: J w and J^T v vs central differences of F", TestJacobian},
      {"bad input (Re, y+, growth, no wall, pseudo-time options): errors name the option", TestBadInput},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
