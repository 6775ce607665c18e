/* Resolution invariance of a neural field: the samples of a dataset split meshed again with every
 * cell size divided by -refine, solved there, and the model (trained on the dataset's own
 * meshes) evaluated on the new P2 nodes: relative L2 errors against the fine solve (u over all
 * nodes, p over the vertices, as compare), and C_D, C_L of the prediction by the solver's
 * volume integral on the fine mesh against the fine solve's. -refine 1 meshes the dataset's
 * resolution again: the control, which reproduces compare's errors.
 * One CSV line per sample is appended to -o as soon as it is done; samples already in -o for this
 * refinement are skipped (resumable).
 *   usage: resolution -data data/airfoil -model field.h5 -refine 2 [-split test] -o res.csv */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int Done(const char *path, double refine, long index)
{
  FILE *f = fopen(path, "r");
  char line[1024];
  int done = 0;
  if (!f) return 0;
  while (!done && fgets(line, sizeof line, f)) {
    double r;
    long i;
    if (sscanf(line, "%lf,%ld,", &r, &i) == 2 && r == refine && i == index) done = 1;
  }
  fclose(f);
  return done;
}

/* The sample's options (its case and parameters) with the cell sizes divided by refine. */
static PetscErrorCode SampleOptions(const FFSample *s, double refine, PetscOptions *opts)
{
  const char *names[4] = {"-mesh_h_body", "-mesh_h_wake", "-mesh_h", "-mesh_growth"};

  PetscFunctionBeginUser;
  PetscCheck(s->options, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no stored options", s->index);
  PetscCall(PetscOptionsCreate(opts));
  char *text; /* one option per line: PETSc's parser splits at spaces only */
  PetscCall(PetscStrallocpy(s->options, &text));
  for (char *c = text; *c; c++)
    if (*c == '\n') *c = ' ';
  PetscCall(PetscOptionsInsertString(*opts, text));
  PetscCall(PetscFree(text));
  for (int k = 0; k < 4; k++) {
    PetscReal v;
    PetscBool set;
    char val[64];
    PetscCall(PetscOptionsGetReal(*opts, NULL, names[k], &v, &set));
    PetscCheck(set, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld's case sets no %s", s->index, names[k]);
    snprintf(val, sizeof val, "%.17g", v / refine);
    PetscCall(PetscOptionsSetValue(*opts, names[k], val));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Sample(FFSurrogate model, const FFSample *s, double refine, const char *out)
{
  const FFSurrogateSchema *schema;
  PetscOptions opts;
  FFMesh mesh;
  FFSolver solver;
  FFNodeGraph ng;
  FFSolveStats st;
  FFSolveSummary ref, pred;
  FFSurrogateGraph g;
  double *xs, *xp, t_pred;
  Vec u;
  char body[64] = "";

  PetscFunctionBeginUser;
  PetscCall(FFSurrogateGetSchema(model, &schema));
  PetscCall(SampleOptions(s, refine, &opts));
  PetscCall(PetscOptionsPush(opts));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &solver));
  PetscCall(FFSolverSetMesh(solver, mesh));
  PetscCall(FFSolverSetFromOptions(solver));
  PetscCall(FFSolverSetUp(solver));
  PetscCall(FFSolverSolve(solver, &st));
  PetscCall(PetscOptionsPop());
  PetscCheck(st.converged, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "sample %ld at refine %g: no converged solve",
             s->index, refine);
  PetscCall(FFSolverComputeSummary(solver, &ref));
  PetscCall(PetscStrncpy(body, ref.body, sizeof body));
  PetscCall(FFSolverCreateNodeGraph(solver, &ng));
  PetscCall(FFSolverSetNodeGraph(solver, &ng));
  const int nout = FFSurrogateSchemaOutputColumns(schema);
  PetscCall(PetscMalloc2((size_t)ng.n_nodes * nout, &xs, (size_t)ng.n_nodes * nout, &xp));
  Vec sol;
  PetscCall(FFSolverGetSolution(solver, &sol));
  PetscCall(FFSolverStateToNodeField(solver, sol, xs));
  /* the model on the fine nodes, conditioned on the sample's parameters */
  double cond[FF_SURR_MAX_COND];
  for (int k = 0; k < schema->n_cond; k++) {
    const FFScalar *v = FFScalarFind(s->params, s->n_params, schema->cond[k].name);
    PetscCheck(v, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no parameter %s", s->index,
               schema->cond[k].name);
    cond[k] = v->value;
  }
  PetscCall(FFSurrogateGraphFromNodeGraph(schema, &ng, cond, NULL, &g));
  PetscCall(FFSurrogatePrepareGraph(model, &g));
  PetscCall(FFSurrogatePredict(model, &g, xp, &t_pred));
  PetscCall(FFSurrogateGraphDestroy(&g));
  /* errors as compare: u over all nodes, p over the vertices */
  double err[FF_SURR_MAX_FIELDS];
  int c0 = 0;
  for (int k = 0; k < schema->n_fields; k++) {
    const long rows = schema->fields[k].location == FF_FIELD_NODES ? ng.n_nodes : ng.n_vertices;
    err[k] = FFRelativeL2(rows, nout, c0, schema->fields[k].n_comp, xp, xs);
    c0 += schema->fields[k].n_comp;
  }
  PetscCall(FFSolverCreateState(solver, &u));
  PetscCall(FFSolverNodeFieldToState(solver, xp, u));
  PetscCall(FFSolverSetState(solver, u));
  PetscCall(FFSolverComputeSummary(solver, &pred));
  FILE *f = fopen(out, "a");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot append to %s (option -o)", out);
  fprintf(f, "%g,%ld,%ld,%.6g,%.6g,%.10g,%.10g,%.10g,%.10g,%.4g,%.4g\n", refine, s->index, (long)ng.n_nodes, err[0],
          schema->n_fields > 1 ? err[1] : NAN, ref.forces.cd, pred.forces.cd, ref.forces.cl, pred.forces.cl,
          st.wall_time, t_pred);
  fclose(f);
  printf("sample %ld, refine %g: %ld P2 nodes, error u %.3f%% p %.3f%%, C_D %.5f (fine solve %.5f), C_L %.5f (%.5f); "
         "solve %.2f s, inference %.4f s\n",
         s->index, refine, (long)ng.n_nodes, 100 * err[0], 100 * err[1], pred.forces.cd, ref.forces.cd, pred.forces.cl,
         ref.forces.cl, st.wall_time, t_pred);
  fflush(stdout);
  PetscCall(VecDestroy(&u));
  PetscCall(PetscFree2(xs, xp));
  PetscCall(FFNodeGraphDestroy(&ng));
  PetscCall(FFSolverDestroy(&solver));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(PetscOptionsDestroy(&opts));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char data[PETSC_MAX_PATH_LEN] = "", model[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "resolution.csv",
       split[64] = "test";
  PetscReal refine = 2;
  FFDataset ds;
  FFSurrogate s;
  long *idx, n;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "resolution invariance of a neural field"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data", data, sizeof data, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", model, sizeof model, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-split", split, sizeof split, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-refine", &refine, NULL));
  PetscCheck(data[0] && model[0] && refine > 0, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG,
             "usage: resolution -data <dataset> -model field.h5 -refine 2 [-split test] -o res.csv");
  PetscCall(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
  PetscCallFF(FFDatasetOpen(data, &ds));
  PetscCallFF(FFDatasetSplit(ds, split, &idx, &n));
  for (long i = 0; i < n; i++) {
    FFSample sample;
    if (Done(out, refine, idx[i])) continue;
    PetscCallFF(FFDatasetReadSample(ds, idx[i], FF_READ_ALL, &sample));
    PetscCall(Sample(s, &sample, refine, out));
    FFSampleDestroy(&sample);
  }
  free(idx);
  FFDatasetDestroy(&ds);
  PetscCall(FFSurrogateDestroy(&s));
  PetscCall(PetscFinalize());
  return 0;
}
