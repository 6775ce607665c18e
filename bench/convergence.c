/* Convergence orders on the unit square split into n x n squares of two triangles, refined
 * uniformly (DMRefine): Kovasznay flow at Re 40 (Taylor-Hood P2-P1: L2 errors of velocity and
 * pressure) and a Darcy manufactured solution (P1 and P2). Prints markdown tables
 * (docs/validation.md).
 *
 *   build/bench/convergence [-n0 4] [-levels 5]
 */
#include "ff_solver.h"

#include <petscdmplex.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const groups[] = {"left", "right", "bottom", "top"};

static PetscErrorCode SquareMesh(MPI_Comm comm, int n, DM *dm)
{
  const char *geo = "convergence-square.geo", *msh = "convergence-square.msh";
  char cmd[4096];
  FILE *f = fopen(geo, "w");

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", geo);
  fprintf(f,
          "Point(1) = {0,0,0}; Point(2) = {1,0,0}; Point(3) = {1,1,0}; Point(4) = {0,1,0};\n"
          "Line(1) = {1,2}; Line(2) = {2,3}; Line(3) = {3,4}; Line(4) = {4,1};\n"
          "Curve Loop(1) = {1,2,3,4}; Plane Surface(1) = {1};\n"
          "Transfinite Curve{1,2,3,4} = %d; Transfinite Surface{1};\n"
          "Physical Curve(\"bottom\") = {1}; Physical Curve(\"right\") = {2};\n"
          "Physical Curve(\"top\") = {3}; Physical Curve(\"left\") = {4}; Physical Surface(\"fluid\") = {1};\n",
          n + 1);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s -2 -format msh41 %s -o %s > /dev/null 2>&1", FF_GMSH_EXECUTABLE, geo, msh);
  PetscCheck(system(cmd) == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "gmsh failed: %s", cmd);
  PetscCall(PetscOptionsSetValue(NULL, "-dm_plex_gmsh_use_regions", "true"));
  PetscCall(DMPlexCreateGmshFromFile(comm, msh, PETSC_TRUE, dm));
  remove(geo);
  remove(msh);
  PetscFunctionReturn(0);
}

typedef struct {
  PetscReal lambda, pmean;
} Kovasznay;

static PetscErrorCode KovU(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  const Kovasznay *k = (const Kovasznay *)ctx;
  (void)dim, (void)t, (void)Nc;
  u[0] = 1 - PetscExpReal(k->lambda * x[0]) * PetscCosReal(2 * PETSC_PI * x[1]);
  u[1] = k->lambda / (2 * PETSC_PI) * PetscExpReal(k->lambda * x[0]) * PetscSinReal(2 * PETSC_PI * x[1]);
  return 0;
}

static PetscErrorCode KovP(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *p, void *ctx)
{
  const Kovasznay *k = (const Kovasznay *)ctx;
  (void)dim, (void)t, (void)Nc;
  p[0] = -0.5 * PetscExpReal(2 * k->lambda * x[0]) - k->pmean;
  return 0;
}

/* p = sin(pi x) sin(pi y), K = 1 + x y, f = -div(K grad p) */
static PetscErrorCode MmsP(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = PetscSinReal(PETSC_PI * x[0]) * PetscSinReal(PETSC_PI * x[1]);
  return 0;
}

static PetscErrorCode MmsK(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = 1 + x[0] * x[1];
  return 0;
}

static PetscErrorCode MmsF(PetscInt dim, PetscReal t, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  const PetscReal pi = PETSC_PI, sx = PetscSinReal(pi * x[0]), sy = PetscSinReal(pi * x[1]);
  const PetscReal cx = PetscCosReal(pi * x[0]), cy = PetscCosReal(pi * x[1]);
  (void)dim, (void)t, (void)Nc, (void)ctx;
  u[0] = (1 + x[0] * x[1]) * 2 * pi * pi * sx * sy - (x[1] * pi * cx * sy + x[0] * pi * sx * cy);
  return 0;
}

/* Solves on dm (Navier-Stokes Kovasznay, or Darcy of the given degree): L2 errors per field. */
static PetscErrorCode Solve(DM dm, PetscInt darcy_degree, Kovasznay *k, PetscReal err[2], PetscInt *n, double *time)
{
  FFSolver s;
  FFSolveStats st;
  DM sdm;
  Vec u;
  PetscErrorCode (*kov[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {KovU, KovP};
  PetscErrorCode (*mms[2])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *, void *) = {MmsK, MmsP};
  void *ctx[2] = {k, k};
  char deg[8];

  PetscFunctionBeginUser;
  PetscCall(FFSolverCreate(PETSC_COMM_WORLD, &s));
  PetscCall(FFSolverSetDM(s, dm, 4, groups));
  if (darcy_degree) {
    PetscCall(PetscSNPrintf(deg, sizeof deg, "%d", (int)darcy_degree));
    PetscCall(PetscOptionsSetValue(NULL, "-problem", "darcy"));
    PetscCall(PetscOptionsSetValue(NULL, "-darcy_degree", deg));
    PetscCall(FFSolverSetFromOptions(s));
    for (int g = 0; g < 4; g++) PetscCall(FFSolverSetBoundaryFunction(s, groups[g], MmsP, NULL));
    PetscCall(FFSolverSetDarcySource(s, MmsF, NULL));
    PetscCall(FFSolverSetPermeability(s, MmsK, NULL));
  } else {
    for (int g = 0; g < 4; g++) PetscCall(FFSolverSetBoundaryFunction(s, groups[g], KovU, k));
    PetscCall(FFSolverSetReynolds(s, 40));
  }
  PetscCall(FFSolverSolve(s, &st));
  PetscCheck(st.converged, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "no convergence");
  PetscCall(FFSolverGetDM(s, &sdm));
  PetscCall(FFSolverGetSolution(s, &u));
  PetscCall(VecGetSize(u, n));
  PetscCall(DMComputeL2FieldDiff(sdm, 0, darcy_degree ? mms : kov, darcy_degree ? NULL : ctx, u, err));
  *time = st.wall_time;
  PetscCall(FFSolverDestroy(&s));
  PetscCall(PetscOptionsClearValue(NULL, "-problem"));
  PetscCall(PetscOptionsClearValue(NULL, "-darcy_degree"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Study(PetscInt n0, PetscInt levels, PetscInt darcy_degree)
{
  DM dm, fine;
  Kovasznay k;
  PetscReal prev[2] = {0, 0};

  PetscFunctionBeginUser;
  k.lambda = 20 - PetscSqrtReal(400 + 4 * PETSC_PI * PETSC_PI);
  k.pmean = -0.25 * (PetscExpReal(2 * k.lambda) - 1) / k.lambda;
  if (darcy_degree)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                          "\nDarcy manufactured solution, P%d (K and p)\n\n| h | unknowns | L2 error p | order | solve "
                          "s |\n|---|---|---|---|---|\n",
                          (int)darcy_degree));
  else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\nKovasznay flow, Re 40, P2-P1\n\n| h | unknowns | L2 error u | order | "
                                            "L2 error p | order | Newton solve s |\n|---|---|---|---|---|---|---|\n"));
  PetscCall(SquareMesh(PETSC_COMM_WORLD, (int)n0, &dm));
  for (PetscInt l = 0; l < levels; l++) {
    PetscReal err[2];
    PetscInt n;
    double t = 0;
    char o0[16] = "", o1[16] = "";
    PetscCall(Solve(dm, darcy_degree, &k, err, &n, &t));
    if (l) {
      PetscCall(PetscSNPrintf(o0, sizeof o0, "%.2f", log2(prev[0] / err[0])));
      PetscCall(PetscSNPrintf(o1, sizeof o1, "%.2f", log2(prev[1] / err[1])));
    }
    if (darcy_degree)
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "| 1/%d | %d | %.3e | %s | %.2f |\n", (int)(n0 << l), (int)n,
                            (double)err[1], o1, t));
    else
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "| 1/%d | %d | %.3e | %s | %.3e | %s | %.2f |\n", (int)(n0 << l), (int)n,
                            (double)err[0], o0, (double)err[1], o1, t));
    prev[0] = err[0], prev[1] = err[1];
    if (l + 1 < levels) {
      PetscCall(DMRefine(dm, PETSC_COMM_WORLD, &fine));
      PetscCall(DMDestroy(&dm));
      dm = fine;
    }
  }
  PetscCall(DMDestroy(&dm));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt n0 = 4, levels = 5;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "convergence orders"));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n0", &n0, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-levels", &levels, NULL));
  PetscCall(Study(n0, levels, 0));
  PetscCall(Study(n0, levels, 1));
  PetscCall(Study(n0, levels, 2));
  PetscCall(PetscFinalize());
  return 0;
}
