/* The DFG 2D-1 case on its coarse level (cell sizes x2, curved cells) through the mesh
 * module: C_D, C_L, dp within bounds taken from the refinement table of docs/validation.md;
 * node maps, the physics loss and its gradient on node fields; C_p; vorticity. */
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_test.h"

#include <petscdmplex.h>
#include <string.h>

#define SUITE "solver_dfg"

/* The coarse level of bench/validate_dfg (docs/validation.md, "curved, 0.04 / 0.01 / 0.2"):
 * measured rel. errors C_D -2.00e-4, C_L -2.29e-2, dp +1.75e-3; the bounds are those figures
 * rounded up to one significant digit. */
#define COARSE_CD_BOUND 3e-4
#define COARSE_CL_BOUND 3e-2
#define COARSE_DP_BOUND 2e-3

static PetscErrorCode CoarseDFG(MPI_Comm comm, FFMesh *mesh, FFSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertFile(comm, NULL, FF_SOURCE_DIR "/cases/cylinder/dfg-2d1.opts", PETSC_TRUE));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_h", "0.04"));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_h_body", "0.01"));
  PetscCall(PetscOptionsSetValue(NULL, "-mesh_growth", "0.2"));
  PetscCall(FFMeshCreate(comm, mesh));
  PetscCall(FFMeshSetFromOptions(*mesh));
  PetscCall(FFMeshSetUp(*mesh));
  PetscCall(FFSolverCreate(comm, s));
  PetscCall(FFSolverSetMesh(*s, *mesh));
  PetscCall(FFSolverSetFromOptions(*s));
  PetscCall(FFSolverSetUp(*s));
  PetscFunctionReturn(0);
}

static FFMesh mesh;
static FFSolver solver;
static FFNodeGraph graph;

static void TestCoarseDFG(void)
{
  FFSolveStats st;
  FFSolveSummary sum;
  FF_TEST_PETSC(CoarseDFG(PETSC_COMM_WORLD, &mesh, &solver));
  FF_TEST_PETSC(FFSolverSolve(solver, &st));
  CU_ASSERT_FATAL(st.converged);
  CU_ASSERT(st.continuation_steps == 0);
  FF_TEST_PETSC(FFSolverComputeSummary(solver, &sum));
  const double ecd = (sum.forces.cd - sum.ref_cd) / sum.ref_cd, ecl = (sum.forces.cl - sum.ref_cl) / sum.ref_cl,
               edp = (sum.dp - sum.ref_dp) / sum.ref_dp;
  printf("\n  coarse DFG: C_D %.8f (%+.2e), C_L %.8f (%+.2e), dp %.8f (%+.2e), %d Newton, %.2f s",
         (double)sum.forces.cd, ecd, (double)sum.forces.cl, ecl, (double)sum.dp, edp, (int)st.newton_iterations,
         (double)st.wall_time);
  CU_ASSERT(fabs(ecd) < COARSE_CD_BOUND);
  CU_ASSERT(fabs(ecl) < COARSE_CL_BOUND);
  CU_ASSERT(fabs(edp) < COARSE_DP_BOUND);
}

/* The wall integrals of pressure and viscous traction (FFSolverComputeWallForces, the RANS
 * summary's split) against the volume integral: two consistent evaluations of the same force,
 * apart by the discretization error of the wall gradient (2.5e-3 of C_D on this level). A
 * wrong normal, side or scale is an error of order 1 (a sign: 200%), so 1% tells them apart. */
static void TestWallIntegrals(void)
{
  FFForces f;
  FFWallForces w;
  CU_ASSERT_PTR_NOT_NULL_FATAL(solver);
  FF_TEST_PETSC(FFSolverComputeForces(solver, "cylinder", &f));
  FF_TEST_PETSC(FFSolverComputeWallForces(solver, "cylinder", &w));
  const double cd = (double)(w.cd_pressure + w.cd_friction);
  printf("\n  wall integrals: C_D pressure %.6f + friction %.6f = %.6f (volume %.6f, %+.2e)", (double)w.cd_pressure,
         (double)w.cd_friction, cd, (double)f.cd, (cd - f.cd) / f.cd);
  CU_ASSERT(w.cd_pressure > 0 && w.cd_friction > 0);
  CU_ASSERT(fabs(cd - f.cd) < 1e-2 * f.cd);
}

/* state -> node field -> state is the identity; the node field holds the boundary values
 * (the inflow parabola) and the P1 pressure interpolated at edge midpoints. */
static void TestNodeMaps(void)
{
  Vec u, v;
  PetscInt n, nc;
  PetscReal *field, diff;
  CU_ASSERT_PTR_NOT_NULL_FATAL(solver);
  FF_TEST_PETSC(FFSolverCreateNodeGraph(solver, &graph));
  FF_TEST_PETSC(FFSolverSetNodeGraph(solver, &graph));
  FF_TEST_PETSC(FFSolverGetNodeFieldLayout(solver, &n, &nc));
  CU_ASSERT_EQUAL(n, graph.n_nodes);
  CU_ASSERT_EQUAL(nc, 3);
  FF_TEST_PETSC(PetscMalloc1(n * nc, &field));
  FF_TEST_PETSC(FFSolverGetSolution(solver, &u));
  FF_TEST_PETSC(FFSolverStateToNodeField(solver, u, field));
  FF_TEST_PETSC(VecDuplicate(u, &v));
  FF_TEST_PETSC(FFSolverNodeFieldToState(solver, field, v));
  FF_TEST_PETSC(VecAXPY(v, -1, u));
  FF_TEST_PETSC(VecNorm(v, NORM_INFINITY, &diff));
  CU_ASSERT(diff == 0);
  /* boundary values at nodes on the inlet, and the pressure at a midpoint */
  int inlet = 0, checked = 0;
  for (PetscInt g = 0; g < graph.n_groups; g++)
    if (!strcmp(graph.group_names[g], "inlet")) inlet = (int)g + 1;
  for (PetscInt i = 0; i < n; i++) {
    if (graph.type[i] != inlet) continue;
    const PetscReal y = graph.coords[2 * i + 1], U = 4 * 0.3 * y * (0.41 - y) / (0.41 * 0.41);
    FF_TEST_CLOSE(field[3 * i], U, 1e-12, 1e-14);
    FF_TEST_CLOSE(field[3 * i + 1], 0, 0, 1e-14);
    checked++;
  }
  CU_ASSERT(checked > 10);
  const PetscInt m = graph.n_vertices; /* the first edge node; its edge's vertices are in cells */
  for (PetscInt c = 0; c < graph.n_cells; c++) {
    const PetscInt *cn = &graph.cells[6 * c];
    if (cn[3] != m) continue;
    FF_TEST_CLOSE(field[3 * m + 2], 0.5 * (field[3 * cn[0] + 2] + field[3 * cn[1] + 2]), 1e-12, 1e-14);
    break;
  }
  FF_TEST_PETSC(VecDestroy(&v));
  FF_TEST_PETSC(PetscFree(field));
}

/* The physics loss: zero at the solution (to solver tolerance); its gradient matches central
 * differences along a direction that also moves the Dirichlet and ignored entries. */
static void TestNodeFieldLoss(void)
{
  Vec u;
  PetscInt n, nc;
  PetscReal *x, *xp, *grad, loss, rnorm, lp, lm, dir = 0, eps = 1e-6;
  CU_ASSERT_PTR_NOT_NULL_FATAL(solver);
  FF_TEST_PETSC(FFSolverGetNodeFieldLayout(solver, &n, &nc));
  FF_TEST_PETSC(PetscMalloc3(n * nc, &x, n * nc, &xp, n * nc, &grad));
  FF_TEST_PETSC(FFSolverGetSolution(solver, &u));
  FF_TEST_PETSC(FFSolverStateToNodeField(solver, u, x));
  FF_TEST_PETSC(FFSolverNodeFieldLoss(solver, x, &loss, &rnorm, grad));
  printf("\n  loss at the solution %.2e (||F|| %.2e)", (double)loss, (double)rnorm);
  CU_ASSERT(rnorm < 1e-10);
  for (PetscInt i = 0; i < n * nc; i++) x[i] += 0.01 * PetscSinReal(1.3 * i);
  FF_TEST_PETSC(FFSolverNodeFieldLoss(solver, x, &loss, &rnorm, grad));
  for (PetscInt i = 0; i < n * nc; i++)
    xp[i] = x[i] + eps * PetscCosReal(0.7 * i), dir += grad[i] * PetscCosReal(0.7 * i);
  FF_TEST_PETSC(FFSolverNodeFieldLoss(solver, xp, &lp, NULL, NULL));
  for (PetscInt i = 0; i < n * nc; i++) xp[i] = x[i] - eps * PetscCosReal(0.7 * i);
  FF_TEST_PETSC(FFSolverNodeFieldLoss(solver, xp, &lm, NULL, NULL));
  const double fd = (lp - lm) / (2 * eps);
  printf("\n  perturbed: loss %.4e, directional derivative %.10e vs FD %.10e", (double)loss, (double)dir, fd);
  FF_TEST_CLOSE(dir, fd, 1e-6, 0);
  /* pressure at edge midpoints is ignored: zero gradient there */
  CU_ASSERT(grad[3 * graph.n_vertices + 2] == 0);
  FF_TEST_PETSC(PetscFree3(x, xp, grad));
}

/* C_p at the front stagnation point agrees with the pressure probe; the points go around. */
static void TestPressureCoefficient(void)
{
  PetscInt n;
  PetscReal *cp, v[3], front[2] = {0.15, 0.2};
  CU_ASSERT_PTR_NOT_NULL_FATAL(solver);
  FF_TEST_PETSC(FFSolverComputePressureCoefficient(solver, "cylinder", &n, &cp));
  FF_TEST_PETSC(FFSolverEvaluate(solver, 1, front, v));
  PetscInt k = -1;
  for (PetscInt i = 0; i < n; i++)
    if (PetscAbsReal(cp[3 * i] - 0.15) < 1e-9 && PetscAbsReal(cp[3 * i + 1] - 0.2) < 1e-9) k = i;
  CU_ASSERT_FATAL(k >= 0);
  FF_TEST_CLOSE(cp[3 * k + 2], v[2] / (0.5 * 0.2 * 0.2), 1e-10, 0);
  PetscReal cpmax = -1e9, cx = 0, cy = 0;
  for (PetscInt i = 0; i < n; i++) cx += cp[3 * i] / n, cy += cp[3 * i + 1] / n;
  for (PetscInt i = 0; i < n; i++) {
    cpmax = PetscMax(cpmax, cp[3 * i + 2]);
    const PetscReal r = PetscSqrtReal(PetscSqr(cp[3 * i] - 0.2) + PetscSqr(cp[3 * i + 1] - 0.2));
    FF_TEST_CLOSE(r, 0.05, 1e-9, 0);
    if (i)
      CU_ASSERT(PetscAtan2Real(cp[3 * i + 1] - cy, cp[3 * i] - cx) >=
                PetscAtan2Real(cp[3 * i - 2] - cy, cp[3 * i - 3] - cx));
  }
  CU_ASSERT(cpmax == cp[3 * k + 2]); /* the largest pressure is at the front */
  FF_TEST_PETSC(PetscFree(cp));
}

/* Vorticity at the nodes: the flow passes over the top of the cylinder with shear du/dy > 0
 * (vorticity < 0) and under the bottom with du/dy < 0 (vorticity > 0). (Kovasznay checks the
 * values: test_solver_ns.) */
static void TestVorticity(void)
{
  PetscReal *w;
  int top = 0, bottom = 0;
  CU_ASSERT_PTR_NOT_NULL_FATAL(solver);
  FF_TEST_PETSC(PetscMalloc1(graph.n_nodes, &w));
  FF_TEST_PETSC(FFSolverComputeVorticity(solver, w));
  for (PetscInt i = 0; i < graph.n_nodes; i++) {
    const PetscReal x = graph.coords[2 * i], y = graph.coords[2 * i + 1];
    CU_ASSERT(PetscIsNormalReal(w[i]) || w[i] == 0);
    if (PetscAbsReal(x - 0.2) < 1e-9 && PetscAbsReal(y - 0.25) < 1e-9) {
      CU_ASSERT(w[i] < 0);
      top++;
    }
    if (PetscAbsReal(x - 0.2) < 1e-9 && PetscAbsReal(y - 0.15) < 1e-9) {
      CU_ASSERT(w[i] > 0);
      bottom++;
    }
  }
  CU_ASSERT(top == 1 && bottom == 1);
  FF_TEST_PETSC(PetscFree(w));
  FF_TEST_PETSC(FFNodeGraphDestroy(&graph));
  FF_TEST_PETSC(FFSolverDestroy(&solver));
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"coarse DFG 2D-1: C_D, C_L, dp within the table's bounds", TestCoarseDFG},
      {"wall integrals of pressure and shear: the volume-integral C_D within 1%", TestWallIntegrals},
      {"node maps: exact round trip, boundary values, midpoint pressure", TestNodeMaps},
      {"node-field loss: zero at the solution, gradient = central differences", TestNodeFieldLoss},
      {"C_p around the cylinder", TestPressureCoefficient},
      {"vorticity: signs of the shear over and under the cylinder", TestVorticity},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, SUITE, tests);
}
