/* Small real datasets for the surrogate tests: Navier-Stokes around coarse NACA airfoils,
 * solved through the solver API and written with the dataset API (the same layout as a
 * sweep writes). Header-only: included by tests/test_surrogate_*.c. */
#ifndef FF_TEST_SURROGATE_H
#define FF_TEST_SURROGATE_H

#include "ff_petsc.h"
#include "ff_surrogate.h"
#include "ff_test.h"

#include <stdlib.h>
#include <string.h>

/* A coarse airfoil case: ~2.5k P2 nodes, solves in well under a second. */
static const char *const FFTestAirfoilOptions = "-geometry naca\n"
                                                "-naca_farfield 8\n"
                                                "-mesh_order 2\n"
                                                "-mesh_h_body 0.04\n"
                                                "-mesh_h_wake 0.15\n"
                                                "-mesh_h 1.5\n"
                                                "-mesh_growth 0.35\n"
                                                "-problem navier-stokes\n"
                                                "-bc_farfield freestream\n"
                                                "-bc_outlet outflow\n"
                                                "-bc_airfoil noslip\n"
                                                "-forces_body airfoil\n";

/* Meshes and solves sample i of ds (options text + planned parameters) and writes it. */
static inline PetscErrorCode FFTestSolveSample(FFDataset ds, long i)
{
  FFSample s;
  FFMesh mesh;
  FFSolver solver;
  FFSolveStats st;
  FFSolveSummary sum;
  FFNodeGraph ng;
  PetscOptions opts;

  PetscFunctionBeginUser;
  PetscCallFF(FFDatasetSampleInit(ds, i, &s));
  PetscCall(PetscOptionsCreate(&opts));
  {
    /* options text as in a case file: '#' comments, one option per line */
    char *text = strdup(s.options);
    int comment = 0;
    for (char *c = text; *c; c++) {
      if (*c == '#') comment = 1;
      if (*c == '\n') comment = 0;
      if (comment || *c == '\n' || *c == '\t' || *c == '\r') *c = ' ';
    }
    PetscCall(PetscOptionsInsertString(opts, text));
    free(text);
  }
  for (int k = 0; k < s.n_params; k++) {
    char name[80], value[64];
    snprintf(name, sizeof name, "-%s", s.params[k].name);
    snprintf(value, sizeof value, "%.17g", s.params[k].value);
    PetscCall(PetscOptionsSetValue(opts, name, value));
  }
  PetscCall(PetscOptionsPush(opts));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &solver));
  PetscCall(FFSolverSetMesh(solver, mesh));
  PetscCall(FFSolverSetFromOptions(solver));
  PetscCall(FFSolverSetUp(solver));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&opts));
  PetscCall(FFSolverSolve(solver, &st));
  PetscCheck(st.converged, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "test sample %ld did not converge", i);
  PetscCall(FFSolverComputeSummary(solver, &sum));
  PetscCall(FFSolverCreateNodeGraph(solver, &ng));
  PetscCall(FFSolverSetNodeGraph(solver, &ng));
  const int nn = (int)ng.n_nodes, nv = (int)ng.n_vertices, nc = (int)ng.n_cells;
  double *x, *u, *p;
  int *cells, *type;
  Vec sol;
  PetscCall(PetscMalloc5(3 * nn, &x, 2 * nn, &u, nv, &p, 6 * nc, &cells, nn, &type));
  PetscCall(FFSolverGetSolution(solver, &sol));
  PetscCall(FFSolverStateToNodeField(solver, sol, x));
  for (int k = 0; k < nn; k++) {
    u[2 * k] = x[3 * k];
    u[2 * k + 1] = x[3 * k + 1];
    if (k < nv) p[k] = x[3 * k + 2];
    type[k] = (int)ng.type[k];
  }
  for (int k = 0; k < 6 * nc; k++) cells[k] = (int)ng.cells[k];
  FFField fields[2] = {{"u", "1", "u_x,u_y", FF_FIELD_NODES, 2, u}, {"p", "1", "", FF_FIELD_VERTICES, 1, p}};
  FFScalar forces[2] = {{"C_D", "1", sum.forces.cd}, {"C_L", "1", sum.forces.cl}};
  s.mesh = (FFSampleMesh){nn, nv, nc, (int)ng.n_groups, ng.coords, cells, type, ng.group_names, ng.sdf, NULL, NULL};
  s.n_fields = 2;
  s.fields = fields;
  s.n_forces = 2;
  s.forces = forces;
  s.solver = (FFSolverStats){st.newton_iterations, st.residual_norm, st.wall_time, 0, NULL};
  FFErrorCode rc = FFDatasetWriteSample(ds, &s);
  PetscCall(PetscFree5(x, u, p, cells, type));
  PetscCall(FFNodeGraphDestroy(&ng));
  PetscCall(FFSolverDestroy(&solver));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

/* A dataset of n airfoil solves in dir: parameters aoa in [aoa_lo, aoa_hi] and re in
 * [re_lo, re_hi] (log), NACA thickness naca_t in [0.09, 0.15]; `options` (NULL: the coarse
 * case above). */
static inline PetscErrorCode FFTestAirfoilDataset(const char *dir, long n, uint64_t seed, const char *options,
                                                  double re_lo, double re_hi)
{
  FFDatasetSpec spec;
  FFParamRange params[3];
  FFDataset ds;
  char cmd[4200];

  PetscFunctionBeginUser;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  PetscCheck(system(cmd) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot clear %s", dir);
  memset(&spec, 0, sizeof spec);
  strcpy(spec.case_name, "airfoil");
  spec.options = (char *)(options ? options : FFTestAirfoilOptions);
  spec.method = FF_SAMPLING_LHS;
  spec.n = n;
  spec.seed = seed;
  params[0] = (FFParamRange){"aoa", "deg", -2, 6, FF_PARAM_LINEAR};
  params[1] = (FFParamRange){"re", "1", re_lo, re_hi, FF_PARAM_LOG};
  params[2] = (FFParamRange){"naca_t", "1", 0.09, 0.15, FF_PARAM_LINEAR};
  spec.n_params = 3;
  spec.params = params;
  PetscCallFF(FFDatasetCreate(dir, &spec, &ds));
  for (long i = 0; i < n; i++) PetscCall(FFTestSolveSample(ds, i));
  long counts[4];
  PetscCallFF(FFDatasetWriteManifest(ds, FF_VERIFY_QUICK, counts));
  FFDatasetDestroy(&ds);
  PetscFunctionReturn(0);
}

#endif
