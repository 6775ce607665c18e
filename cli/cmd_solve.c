/* fieldflow solve: mesh a case, solve it (Navier-Stokes or Darcy), print what it reports
 * (C_D, C_L, dp beside the case's reference values, Newton iterations, wall time) and write
 * the solution (.vtu on the P2 nodes), a JSON summary and optionally C_p along the body.
 * A solve that does not converge is an error: the reason and the last residual are printed
 * and nothing is written. */
#include "cli_private.h"
#include "ff_mesh.h"
#include "ff_petsc.h"
#include "ff_solver.h"

#include <string.h>

typedef struct {
  char vtu[PETSC_MAX_PATH_LEN], json[PETSC_MAX_PATH_LEN], cp[PETSC_MAX_PATH_LEN], wall[PETSC_MAX_PATH_LEN];
} Outputs;

/* Output paths from the options; the JSON summary goes beside the .vtu unless -summary says. */
static PetscErrorCode ReadOutputs(MPI_Comm comm, Outputs *o)
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow solve: solve a case and report forces", "fieldflow");
  PetscCall(PetscOptionsString("-o", "Solution (.vtu: velocity, pressure, vorticity on the P2 nodes)",
                               "fieldflow solve", o->vtu, o->vtu, sizeof o->vtu, NULL));
  PetscCall(PetscOptionsString("-summary", "JSON summary (default: beside -o, .json)", "fieldflow solve", o->json,
                               o->json, sizeof o->json, &set));
  PetscCall(PetscOptionsString("-cp_output", "C_p along the forces body as CSV (x, y, cp)", "fieldflow solve", o->cp,
                               o->cp, sizeof o->cp, NULL));
  PetscCall(PetscOptionsString("-wall_output",
                               "C_p, C_f and y+ along the forces body as CSV (x, y, cp, cf, cf_x, yplus)",
                               "fieldflow solve", o->wall, o->wall, sizeof o->wall, NULL));
  PetscOptionsEnd();
  if (!set && o->vtu[0]) {
    const char *ext = FFPathExtension(o->vtu);
    PetscCheck(!strcmp(ext, ".vtu"), comm, PETSC_ERR_ARG_WRONG, "option -o: '%s' is not a .vtu file", o->vtu);
    PetscCall(PetscStrncpy(o->json, o->vtu, sizeof o->json));
    PetscCall(PetscStrncpy(o->json + (ext - o->vtu), ".json", sizeof o->json - (size_t)(ext - o->vtu)));
  }
  const char *paths[4] = {o->vtu, o->json, o->cp, o->wall},
             *names[4] = {"-o", "-summary", "-cp_output", "-wall_output"};
  for (int i = 0; i < 4; i++)
    if (paths[i][0] && FFCheckWritable(paths[i]))
      SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option %s: %s", names[i], FFErrorMessage());
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintCompared(MPI_Comm comm, const char *name, PetscReal v, PetscBool has_ref, PetscReal ref)
{
  PetscFunctionBeginUser;
  if (has_ref)
    PetscCall(PetscPrintf(comm, "  %-4s %14.8f   reference %14.8f   relative error %+.2e\n", name, (double)v,
                          (double)ref, (double)((v - ref) / ref)));
  else
    PetscCall(PetscPrintf(comm, "  %-4s %14.8f\n", name, (double)v));
  PetscFunctionReturn(0);
}

static PetscErrorCode Report(MPI_Comm comm, FFSolver s, const FFSolveSummary *sum, const FFSolveStats *st)
{
  FFProblemType problem;
  Vec u;
  PetscInt n;
  PetscMPIInt size;
  PetscReal re;

  PetscFunctionBeginUser;
  PetscCall(FFSolverGetProblem(s, &problem));
  PetscCall(FFSolverGetSolution(s, &u));
  PetscCall(VecGetSize(u, &n));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FFSolverGetReynolds(s, &re));
  if (problem != FF_PROBLEM_DARCY)
    PetscCall(PetscPrintf(comm, "%s, Re %.6g: %d unknowns on %d rank%s\n",
                          problem == FF_PROBLEM_RANS ? "RANS (SA-neg)" : "Navier-Stokes", (double)re, (int)n, (int)size,
                          size > 1 ? "s" : ""));
  else
    PetscCall(PetscPrintf(comm, "Darcy: %d unknowns on %d rank%s\n", (int)n, (int)size, size > 1 ? "s" : ""));
  if (sum->has_forces) {
    PetscCall(PetscPrintf(comm, "  forces on '%s':\n", sum->body));
    PetscCall(PrintCompared(comm, "C_D", sum->forces.cd, sum->has_ref_cd, sum->ref_cd));
    PetscCall(PrintCompared(comm, "C_L", sum->forces.cl, sum->has_ref_cl, sum->ref_cl));
  }
  if (sum->has_wall)
    PetscCall(
        PetscPrintf(comm,
                    "  wall integrals: C_D pressure %.8f + friction %.8f = %.8f; C_L pressure %.8f + friction %.8f; "
                    "y+ of the first cell max %.3g, mean %.3g\n",
                    (double)sum->wall.cd_pressure, (double)sum->wall.cd_friction,
                    (double)(sum->wall.cd_pressure + sum->wall.cd_friction), (double)sum->wall.cl_pressure,
                    (double)sum->wall.cl_friction, (double)sum->wall.yplus_max, (double)sum->wall.yplus_mean));
  for (PetscInt i = 0; i < sum->n_cf_probes; i++) {
    char name[64];
    PetscCall(
        PetscSNPrintf(name, sizeof name, "C_f(%g, %g)", (double)sum->cf_probe[i][0], (double)sum->cf_probe[i][1]));
    PetscCall(PetscPrintf(comm, "  %s\n", name));
    PetscCall(PrintCompared(comm, "C_f", sum->cf[i], i == 0 && sum->has_ref_cf, sum->ref_cf));
  }
  if (sum->has_dp) PetscCall(PrintCompared(comm, "dp", sum->dp, sum->has_ref_dp, sum->ref_dp));
  if (problem == FF_PROBLEM_DARCY)
    PetscCall(PetscPrintf(comm, "  K in [%.4g, %.4g], p in [%.4g, %.4g] (zero mean with only Neumann boundaries)\n",
                          (double)sum->k_min, (double)sum->k_max, (double)sum->p_min, (double)sum->p_max));
  if (problem == FF_PROBLEM_RANS)
    PetscCall(PetscPrintf(comm, "  pseudo-time steps %d, Newton iterations %d, ||F|| %.2e, solve wall time %.2f s\n",
                          (int)st->pseudo_steps, (int)st->newton_iterations, (double)st->residual_norm,
                          (double)st->wall_time));
  else
    PetscCall(PetscPrintf(comm, "  Newton iterations %d (continuation steps %d), ||F|| %.2e, solve wall time %.2f s\n",
                          (int)st->newton_iterations, (int)st->continuation_steps, (double)st->residual_norm,
                          (double)st->wall_time));
  PetscFunctionReturn(0);
}

static PetscErrorCode SolveAndWrite(MPI_Comm comm, FFMesh mesh, FFSolver s, const Outputs *o)
{
  FFSolveStats st;
  FFSolveSummary sum;
  PetscReal re;

  PetscFunctionBeginUser;
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFSolverSetMesh(s, mesh));
  PetscCall(FFSolverSetFromOptions(s));
  PetscCall(FFSolverSetUp(s));
  PetscCall(FFSolverSolve(s, &st));
  PetscCall(FFSolverGetReynolds(s, &re));
  if (!st.converged) {
    FFProblemType problem;
    PetscCall(FFSolverGetProblem(s, &problem));
    if (problem == FF_PROBLEM_RANS) {
      const char *why;
      PetscCall(FFSolverGetFailureReason(s, &why));
      SETERRQ(comm, PETSC_ERR_NOT_CONVERGED, "RANS did not converge at Re %.6g: %s; nothing written", (double)re, why);
    }
    if (problem == FF_PROBLEM_NAVIER_STOKES)
      SETERRQ(comm, PETSC_ERR_NOT_CONVERGED,
              "Newton did not converge at Re %.6g: %s, last ||F|| %.3e after %d Newton iterations and %d continuation "
              "steps (highest converged Re: %.6g); nothing written",
              (double)re, SNESConvergedReasons[st.reason], (double)st.residual_norm, (int)st.newton_iterations,
              (int)st.continuation_steps, (double)st.reynolds_reached);
    SETERRQ(comm, PETSC_ERR_NOT_CONVERGED, "the Darcy solve did not converge: %s, last ||F|| %.3e; nothing written",
            SNESConvergedReasons[st.reason], (double)st.residual_norm);
  }
  PetscCall(FFSolverComputeSummary(s, &sum));
  PetscCall(Report(comm, s, &sum, &st));
  if (o->cp[0]) {
    PetscCheck(sum.has_forces, comm, PETSC_ERR_ARG_WRONG, "option -cp_output: no body (give -forces_body)");
    PetscCall(FFSolverWritePressureCoefficient(s, sum.body, o->cp));
    PetscCall(PetscPrintf(comm, "wrote %s\n", o->cp));
  }
  if (o->wall[0]) {
    PetscCheck(sum.has_forces, comm, PETSC_ERR_ARG_WRONG, "option -wall_output: no body (give -forces_body)");
    PetscCall(FFSolverWriteWallDistribution(s, sum.body, o->wall));
    PetscCall(PetscPrintf(comm, "wrote %s\n", o->wall));
  }
  if (o->vtu[0]) {
    PetscCall(FFSolverWriteVTU(s, o->vtu));
    PetscCall(PetscPrintf(comm, "wrote %s\n", o->vtu));
  }
  if (o->json[0]) {
    PetscCall(FFSolverWriteSummary(s, &sum, o->json));
    PetscCall(PetscPrintf(comm, "wrote %s\n", o->json));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdSolve(MPI_Comm comm)
{
  Outputs o = {"", "", "", ""};
  PetscBool help;
  FFMesh mesh;
  FFSolver s;

  PetscFunctionBeginUser;
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ReadOutputs(comm, &o));
  PetscCall(FFMeshCreate(comm, &mesh));
  PetscCall(FFSolverCreate(comm, &s));
  PetscErrorCode ierr = FFMeshSetFromOptions(mesh);
  if (!ierr && help) ierr = FFSolverSetFromOptions(s); /* lists the solver's options (no mesh: no -bc_ list) */
  if (!ierr && !help) ierr = SolveAndWrite(comm, mesh, s, &o);
  PetscCall(FFSolverDestroy(&s));
  PetscCall(FFMeshDestroy(&mesh)); /* also on failure: removes the temporary files */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
