/* Airfoil validation (docs/validation.md), three parts selected by -mode:
 *
 *   symmetry    a symmetric airfoil (-naca 00tt) on the case's mesh, mirror-symmetric (the
 *               mesh module's default for symmetric airfoils) and meshed as one surface
 *               (-naca_mirror 0): C_L at 0 degrees, C_L and C_D at +a and -a (-aoa, default 4)
 *   refinement  the case's NACA (mesh module) at its Re and -aoa on three levels: cell sizes
 *               times 2, 1, 1/2; C_D and C_L and their change between levels
 *   range       for each Re in -res and angle in -angles: does Newton (with the Reynolds
 *               continuation) converge on the case's mesh? Newton iterations, continuation
 *               steps, time, C_D, C_L
 *
 *   build/bench/validate_airfoil -options_file cases/airfoil/naca.opts -mode symmetry -naca 0012
 *   build/bench/validate_airfoil -options_file cases/airfoil/naca.opts -mode refinement
 *   build/bench/validate_airfoil -options_file cases/airfoil/naca.opts -mode range \
 *       -res 100,200,500,1000,2000,5000 -angles 0,4,8,12,16,20
 */
#include "ff_mesh.h"
#include "ff_solver.h"

#include <petscsys.h>
#include <string.h>

static PetscErrorCode SetReal(const char *name, PetscReal v)
{
  char s[64];
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(s, sizeof s, "%.10g", (double)v));
  PetscCall(PetscOptionsSetValue(NULL, name, s));
  PetscFunctionReturn(0);
}

/* Meshes with the options in the database and solves at aoa. */
static PetscErrorCode Run(MPI_Comm comm, PetscReal aoa, PetscReal re, FFForces *f, FFSolveStats *st, PetscInt *cells)
{
  FFMesh mesh;
  FFSolver s;
  PetscInt nv, ne;

  PetscFunctionBeginUser;
  PetscCall(SetReal("-aoa", aoa));
  if (re > 0) PetscCall(SetReal("-re", re));
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFMeshGetSizes(mesh, &nv, &ne, cells));
  PetscCall(FFSolverCreate(comm, &s));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSolve(s, st));
  PetscCall(PetscMemzero(f, sizeof *f));
  if (st->converged) PetscCall(FFSolverComputeForces(s, "airfoil", f));
  PetscCall(FFSolverDestroy(&s));
  PetscCall(FFMeshDestroy(&mesh));
  PetscFunctionReturn(0);
}

static PetscErrorCode Symmetry(MPI_Comm comm, PetscReal aoa)
{
  FFMesh probe;
  const FFGeometry *geo;
  PetscReal t;

  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(comm, &probe)); /* the airfoil the options ask for */
  PetscCall(FFMeshSetFromOptions(probe));
  PetscCall(FFMeshGetGeometry(probe, &geo));
  PetscCheck(geo->type == FF_GEOMETRY_NACA && geo->naca_m == 0, comm, PETSC_ERR_ARG_WRONG,
             "-mode symmetry needs a symmetric NACA airfoil (-geometry naca -naca 00tt)");
  t = geo->naca_t;
  PetscCall(FFMeshDestroy(&probe));
  PetscCall(PetscPrintf(
      comm,
      "| NACA 00%02d mesh | cells | C_L(0) | C_D(0) | C_L(+%.6g) | C_L(-%.6g) | C_L(+a) + C_L(-a) | C_D(+%.6g) - "
      "C_D(-%.6g) |\n|---|---|---|---|---|---|---|---|\n",
      (int)(100 * t + 0.5), (double)aoa, (double)aoa, (double)aoa, (double)aoa));
  for (int mirror = 1; mirror >= 0; mirror--) {
    FFForces f0, fp, fm;
    FFSolveStats st;
    PetscInt cells;
    PetscCall(PetscOptionsSetValue(NULL, "-naca_mirror", mirror ? "true" : "false"));
    PetscCall(Run(comm, 0, 0, &f0, &st, &cells));
    PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "0 degrees did not converge");
    PetscCall(Run(comm, aoa, 0, &fp, &st, &cells));
    PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "%g degrees did not converge", (double)aoa);
    PetscCall(Run(comm, -aoa, 0, &fm, &st, &cells));
    PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "%g degrees did not converge", (double)-aoa);
    PetscCall(PetscPrintf(comm, "| %s | %d | %.2e | %.8f | %.10f | %.10f | %.2e | %.2e |\n",
                          mirror ? "mirror-symmetric (default)" : "one surface (`-naca_mirror 0`)", (int)cells,
                          (double)f0.cl, (double)f0.cd, (double)fp.cl, (double)fm.cl, (double)(fp.cl + fm.cl),
                          (double)(fp.cd - fm.cd)));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Refinement(MPI_Comm comm, PetscReal aoa)
{
  PetscReal h = 1.0, hb = 0.01, hw = 0.02, g = 0.15, prev_cd = 0, prev_cl = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_h", &h, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_h_body", &hb, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_h_wake", &hw, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-mesh_growth", &g, NULL));
  PetscCall(PetscPrintf(
      comm, "| level | h_body / h_wake / h / growth | cells | C_D | change | C_L | change | Newton | solve s |\n"
            "|---|---|---|---|---|---|---|---|---|\n"));
  for (int l = 0; l < 3; l++) {
    const PetscReal scale = PetscPowReal(2.0, 1.0 - l);
    FFForces f;
    FFSolveStats st;
    PetscInt cells;
    PetscCall(SetReal("-mesh_h", h * scale));
    PetscCall(SetReal("-mesh_h_body", hb * scale));
    PetscCall(SetReal("-mesh_h_wake", hw * scale));
    PetscCall(SetReal("-mesh_growth", g * scale)); /* every size, also away from the body, scales */
    PetscCall(Run(comm, aoa, 0, &f, &st, &cells));
    PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "level %d did not converge", l);
    char dcd[32] = "", dcl[32] = "";
    if (l) {
      PetscCall(PetscSNPrintf(dcd, sizeof dcd, "%+.2e", (double)((f.cd - prev_cd) / f.cd)));
      PetscCall(PetscSNPrintf(dcl, sizeof dcl, "%+.2e", (double)((f.cl - prev_cl) / f.cl)));
    }
    PetscCall(PetscPrintf(comm, "| %d | %.4g / %.4g / %.4g / %.4g | %d | %.8f | %s | %.8f | %s | %d | %.1f |\n", l,
                          (double)(hb * scale), (double)(hw * scale), (double)(h * scale), (double)(g * scale),
                          (int)cells, (double)f.cd, dcd, (double)f.cl, dcl, (int)st.newton_iterations,
                          (double)st.wall_time));
    prev_cd = f.cd, prev_cl = f.cl;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Range(MPI_Comm comm)
{
  PetscReal res[16] = {100, 200, 500, 1000, 2000, 5000}, angles[16] = {0, 4, 8, 12, 16, 20};
  PetscInt nre = 16, nang = 16;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-res", res, &nre, &set));
  if (!set) nre = 6;
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-angles", angles, &nang, &set));
  if (!set) nang = 6;
  PetscCall(PetscPrintf(comm,
                        "| Re | angle | converged | Newton | continuation steps | Re reached | solve s | C_D | C_L |\n"
                        "|---|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt i = 0; i < nre; i++)
    for (PetscInt j = 0; j < nang; j++) {
      FFForces f;
      FFSolveStats st;
      PetscInt cells;
      PetscCall(Run(comm, angles[j], res[i], &f, &st, &cells));
      if (st.converged)
        PetscCall(PetscPrintf(comm, "| %.6g | %.6g | yes | %d | %d | %.6g | %.1f | %.6f | %.6f |\n", (double)res[i],
                              (double)angles[j], (int)st.newton_iterations, (int)st.continuation_steps,
                              (double)st.reynolds_reached, (double)st.wall_time, (double)f.cd, (double)f.cl));
      else
        PetscCall(PetscPrintf(comm, "| %.6g | %.6g | **no** (%s) | %d | %d | %.6g | %.1f | | |\n", (double)res[i],
                              (double)angles[j], SNESConvergedReasons[st.reason], (int)st.newton_iterations,
                              (int)st.continuation_steps, (double)st.reynolds_reached, (double)st.wall_time));
    }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char mode[32] = "refinement";
  PetscReal aoa = 4;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "airfoil validation"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-mode", mode, sizeof mode, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-aoa", &aoa, NULL));
  if (!strcmp(mode, "symmetry"))
    PetscCall(Symmetry(PETSC_COMM_WORLD, aoa));
  else if (!strcmp(mode, "refinement"))
    PetscCall(Refinement(PETSC_COMM_WORLD, aoa));
  else if (!strcmp(mode, "range"))
    PetscCall(Range(PETSC_COMM_WORLD));
  else
    SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "-mode: symmetry, refinement or range, not '%s'", mode);
  PetscCall(PetscFinalize());
  return 0;
}
