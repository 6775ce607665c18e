/* fieldflow predict -model model.h5 -case cases/airfoil/naca.opts -naca 4412 -aoa 6 -re 400
 * -o pred.vtu: meshes the case (or reads a user's .msh: -geometry file -mesh_file my.msh),
 * predicts the solver's node fields with the surrogate, maps them to a solver state and
 * reports C_D, C_L (the solver's force routine) and the residual norm of the prediction,
 * with timings. -solve also runs the reference solve (errors, speedup); -warm_start solves
 * from the prediction. */
#include "cli_private.h"
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

typedef struct {
  char model[PETSC_MAX_PATH_LEN], vtu[PETSC_MAX_PATH_LEN], json[PETSC_MAX_PATH_LEN];
  PetscBool solve, warm_start;
} Args;

typedef struct {
  double mesh, setup, features, network, physics, solve, warm;
} Timings;

static PetscErrorCode ReadArgs(MPI_Comm comm, Args *a)
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "fieldflow predict: a surrogate's fields for a case", "fieldflow");
  PetscCall(PetscOptionsString("-model", "Model file", "", a->model, a->model, sizeof a->model, NULL));
  PetscCall(
      PetscOptionsString("-o", "Predicted fields (.vtu on the P2 nodes)", "", a->vtu, a->vtu, sizeof a->vtu, NULL));
  PetscCall(
      PetscOptionsString("-summary", "JSON summary (default: beside -o)", "", a->json, a->json, sizeof a->json, &set));
  PetscCall(PetscOptionsBool("-solve", "Also solve the case with the reference solver: errors and speedup", "",
                             a->solve, &a->solve, NULL));
  PetscCall(PetscOptionsBool("-warm_start", "Also solve starting from the prediction (Newton iterations, time)", "",
                             a->warm_start, &a->warm_start, NULL));
  PetscOptionsEnd();
  PetscBool help;
  PetscCall(FFCliHelpRequested(&help));
  if (help) PetscFunctionReturn(0); /* the options are listed; nothing to check */
  PetscCheck(a->model[0], comm, PETSC_ERR_ARG_WRONG, "option -model: give the model file");
  if (a->vtu[0]) {
    const char *ext = FFPathExtension(a->vtu);
    PetscCheck(!strcmp(ext, ".vtu"), comm, PETSC_ERR_ARG_WRONG, "option -o: '%s' is not a .vtu file", a->vtu);
    if (!set) snprintf(a->json, sizeof a->json, "%.*s.json", (int)(ext - a->vtu), a->vtu);
  }
  const char *paths[2] = {a->vtu, a->json}, *names[2] = {"-o", "-summary"};
  for (int i = 0; i < 2; i++)
    if (paths[i][0] && FFCheckWritable(paths[i]))
      SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option %s: %s", names[i], FFErrorMessage());
  PetscFunctionReturn(0);
}

/* A condition's value for this case: the NACA shape from the meshed geometry, anything else
 * from the option of its name (-re, -aoa, ...). */
static PetscErrorCode Conditions(MPI_Comm comm, FFMesh mesh, const FFSurrogateSchema *schema, double cond[])
{
  const FFGeometry *geo;

  PetscFunctionBeginUser;
  PetscCall(FFMeshGetGeometry(mesh, &geo));
  for (int k = 0; k < schema->n_cond; k++) {
    const char *name = schema->cond[k].name;
    PetscBool set = PETSC_FALSE;
    PetscReal v = NAN;
    if (geo->type == FF_GEOMETRY_NACA && !strcmp(name, "naca_m"))
      v = geo->naca_m, set = PETSC_TRUE;
    else if (geo->type == FF_GEOMETRY_NACA && !strcmp(name, "naca_p"))
      v = geo->naca_p, set = PETSC_TRUE;
    else if (geo->type == FF_GEOMETRY_NACA && !strcmp(name, "naca_t"))
      v = geo->naca_t, set = PETSC_TRUE;
    else {
      char opt[FF_NAME_LEN + 2];
      snprintf(opt, sizeof opt, "-%s", name);
      PetscCall(PetscOptionsGetReal(NULL, NULL, opt, &v, &set));
    }
    PetscCheck(set, comm, PETSC_ERR_ARG_WRONG, "the model is conditioned on '%s': give -%s (trained on %.6g .. %.6g)",
               name, name, schema->cond[k].lo, schema->cond[k].hi);
    cond[k] = v;
  }
  PetscCall(FFSurrogateCheckConditions(comm, schema, cond, "this case"));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteJSON(const char *path, const FFSurrogateSchema *schema, const double cond[],
                                const FFSolveSummary *sum, double rnorm, const Timings *t, long n_nodes)
{
  json_object *doc = json_object_new_object(), *conds = json_object_new_object(), *secs = json_object_new_object();

  PetscFunctionBeginUser;
  for (int k = 0; k < schema->n_cond; k++) json_object_object_add(conds, schema->cond[k].name, FFJsonNumber(cond[k]));
  json_object_object_add(doc, "conditions", conds);
  json_object_object_add(doc, "nodes", json_object_new_int64(n_nodes));
  if (sum->has_forces) {
    json_object_object_add(doc, "body", json_object_new_string(sum->body));
    json_object_object_add(doc, "C_D", FFJsonNumber(sum->forces.cd));
    json_object_object_add(doc, "C_L", FFJsonNumber(sum->forces.cl));
  }
  json_object_object_add(doc, "residual_norm", FFJsonNumber(rnorm));
  json_object_object_add(secs, "mesh", FFJsonNumber(t->mesh));
  json_object_object_add(secs, "solver_setup", FFJsonNumber(t->setup));
  json_object_object_add(secs, "features", FFJsonNumber(t->features));
  json_object_object_add(secs, "network", FFJsonNumber(t->network));
  json_object_object_add(secs, "forces_and_residual", FFJsonNumber(t->physics));
  json_object_object_add(doc, "seconds", secs);
  const FFErrorCode rc = FFJsonWriteFile(doc, path);
  json_object_put(doc);
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteVtu(const char *path, const FFSurrogateSchema *schema, const FFNodeGraph *ng,
                               const double *pred, const double *ref)
{
  int *cells, *type;
  FFSampleMesh m;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(6 * ng->n_cells, &cells, ng->n_nodes, &type));
  for (PetscInt k = 0; k < 6 * ng->n_cells; k++) cells[k] = (int)ng->cells[k];
  for (PetscInt k = 0; k < ng->n_nodes; k++) type[k] = (int)ng->type[k];
  memset(&m, 0, sizeof m);
  m.n_nodes = (int)ng->n_nodes;
  m.n_vertices = (int)ng->n_vertices;
  m.n_cells = (int)ng->n_cells;
  m.n_groups = (int)ng->n_groups;
  m.coords = ng->coords;
  m.cells = cells;
  m.node_type = type;
  m.group_names = ng->group_names;
  m.sdf = ng->sdf;
  PetscErrorCode ierr = FFSurrogateWriteVtu(schema, &m, pred, ref, path);
  PetscCall(PetscFree2(cells, type));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The reference solve (and one from the prediction): errors, forces, speedup. */
static PetscErrorCode SolveToo(MPI_Comm comm, const Args *a, FFSurrogate s, FFSolver solver, const FFNodeGraph *ng,
                               const double *pred, Vec u, Vec initial, Timings *t, double **ref_out)
{
  const FFSurrogateSchema *schema;
  FFSolveStats st;
  FFSolveSummary sum;
  double *ref;
  int c0 = 0;

  PetscFunctionBeginUser;
  PetscCall(FFSurrogateGetSchema(s, &schema));
  const int n_out = FFSurrogateSchemaOutputColumns(schema);
  if (a->warm_start) {
    PetscCall(FFSolverNodeFieldToState(solver, pred, u));
    PetscCall(FFSolverSetState(solver, u));
    PetscCall(FFSolverSolve(solver, &st));
    t->warm = st.wall_time;
    PetscCall(PetscPrintf(comm, "warm start from the prediction: %d Newton iterations, %.3f s, %s\n",
                          (int)st.newton_iterations, st.wall_time, st.converged ? "converged" : "NOT converged"));
  }
  PetscCall(FFSolverSetState(solver, initial));
  PetscCall(FFSolverSolve(solver, &st));
  t->solve = st.wall_time;
  PetscCheck(st.converged, comm, PETSC_ERR_NOT_CONVERGED, "the reference solve did not converge");
  PetscCall(FFSolverComputeSummary(solver, &sum));
  PetscCall(PetscMalloc1((size_t)ng->n_nodes * n_out, &ref));
  Vec sol;
  PetscCall(FFSolverGetSolution(solver, &sol));
  PetscCall(FFSolverStateToNodeField(solver, sol, ref));
  PetscCall(PetscPrintf(comm, "reference solve: %d Newton iterations, %.3f s from the solver's initial state%s",
                        (int)st.newton_iterations, st.wall_time, sum.has_forces ? "" : "\n"));
  if (sum.has_forces) PetscCall(PetscPrintf(comm, ", C_D %.6f, C_L %.6f\n", sum.forces.cd, sum.forces.cl));
  PetscCall(PetscPrintf(comm, "surrogate vs solve, relative L2 error:"));
  for (int k = 0; k < schema->n_fields; k++) {
    const FFSurrogateField *f = &schema->fields[k];
    const long rows = f->location == FF_FIELD_NODES ? ng->n_nodes : ng->n_vertices;
    PetscCall(PetscPrintf(comm, " %s %.3f%%", f->name, 100 * FFRelativeL2(rows, n_out, c0, f->n_comp, pred, ref)));
    c0 += f->n_comp;
  }
  PetscCall(PetscPrintf(comm, "; speedup %.1fx (solve / inference)\n", t->solve / (t->features + t->network)));
  *ref_out = ref;
  PetscFunctionReturn(0);
}

typedef struct {
  FFMesh mesh;
  FFSolver solver;
  FFNodeGraph ng;
  PetscBool has_graph;
  Vec u, initial; /* a state; the solver's initial state (for the reference solve) */
  double cond[FF_SURR_MAX_COND];
  double *pred, *ref;
  Timings t;
} Case;

/* Mesh, conditions, solver (for forces and residuals) and node graph of the case. */
static PetscErrorCode SetUpCase(MPI_Comm comm, const FFSurrogateSchema *schema, Case *c)
{
  double t0 = FFTimeNow();

  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(comm, &c->mesh));
  PetscCall(FFMeshSetFromOptions(c->mesh));
  PetscCall(FFMeshSetUp(c->mesh));
  c->t.mesh = FFTimeNow() - t0;
  PetscCall(Conditions(comm, c->mesh, schema, c->cond));
  t0 = FFTimeNow();
  PetscCall(FFSolverCreate(comm, &c->solver));
  PetscCall(FFSolverSetMesh(c->solver, c->mesh));
  PetscCall(FFSolverSetFromOptions(c->solver));
  PetscCall(FFSolverSetUp(c->solver));
  PetscCall(FFSolverCreateNodeGraph(c->solver, &c->ng));
  c->has_graph = PETSC_TRUE;
  PetscCall(FFSolverSetNodeGraph(c->solver, &c->ng));
  PetscCall(FFSolverCreateState(c->solver, &c->u));
  Vec current;
  PetscCall(FFSolverGetSolution(c->solver, &current));
  PetscCall(VecDuplicate(current, &c->initial));
  PetscCall(VecCopy(current, c->initial));
  c->t.setup = FFTimeNow() - t0;
  PetscFunctionReturn(0);
}

static PetscErrorCode Infer(MPI_Comm comm, FFSurrogate s, const FFSurrogateSchema *schema, Case *c)
{
  FFSurrogateGraph g;
  PetscInt nn, nc;

  PetscFunctionBeginUser;
  PetscCall(FFSolverGetNodeFieldLayout(c->solver, &nn, &nc));
  PetscCheck(nc == FFSurrogateSchemaOutputColumns(schema), comm, PETSC_ERR_ARG_INCOMP,
             "the model predicts %d node-field components, this case's solver has %d (a model of another problem?)",
             FFSurrogateSchemaOutputColumns(schema), (int)nc);
  const double t0 = FFTimeNow();
  PetscCall(FFSurrogateGraphFromNodeGraph(schema, &c->ng, c->cond, NULL, &g));
  PetscErrorCode ierr = FFSurrogatePrepareGraph(s, &g);
  c->t.features = FFTimeNow() - t0;
  if (!ierr) ierr = PetscMalloc1((size_t)nn * nc, &c->pred);
  if (!ierr) ierr = FFSurrogatePredict(s, &g, c->pred, &c->t.network);
  PetscCall(FFSurrogateGraphDestroy(&g));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode Report(MPI_Comm comm, const Args *a, FFSurrogate s, const FFSurrogateSchema *schema, Case *c)
{
  FFSolveSummary sum;
  PetscReal rnorm;
  const FFSurrogateConfig *cfg;

  PetscFunctionBeginUser;
  const double t0 = FFTimeNow();
  PetscCall(FFSolverNodeFieldToState(c->solver, c->pred, c->u));
  PetscCall(FFSolverSetState(c->solver, c->u));
  PetscCall(FFSolverComputeSummary(c->solver, &sum));
  PetscCall(FFSolverNodeFieldLoss(c->solver, c->pred, NULL, &rnorm, NULL));
  c->t.physics = FFTimeNow() - t0;
  PetscCall(FFSurrogateGetConfig(s, &cfg));
  PetscCall(PetscPrintf(comm, "%s surrogate on %d nodes (", FFSurrogateTypeName(cfg->type), (int)c->ng.n_nodes));
  for (int k = 0; k < schema->n_cond; k++)
    PetscCall(PetscPrintf(comm, "%s%s %.6g", k ? ", " : "", schema->cond[k].name, c->cond[k]));
  PetscCall(PetscPrintf(comm, ")\n"));
  if (sum.has_forces)
    PetscCall(PetscPrintf(comm,
                          "  forces on '%s' (solver's force routine on the prediction):\n  C_D %14.8f\n  C_L %14.8f\n",
                          sum.body, sum.forces.cd, sum.forces.cl));
  PetscCall(PetscPrintf(comm, "  residual norm of the prediction ||F|| %.3e\n", rnorm));
  PetscCall(PetscPrintf(comm,
                        "  time: inference %.4f s (graph inputs %.4f s, network %.4f s); meshing %.2f s, solver "
                        "set-up %.2f s, forces and residual %.3f s\n",
                        c->t.features + c->t.network, c->t.features, c->t.network, c->t.mesh, c->t.setup,
                        c->t.physics));
  if (a->json[0]) PetscCall(WriteJSON(a->json, schema, c->cond, &sum, rnorm, &c->t, (long)c->ng.n_nodes));
  PetscFunctionReturn(0);
}

static PetscErrorCode Predict(MPI_Comm comm, const Args *a, FFSurrogate s)
{
  const FFSurrogateSchema *schema;
  Case c;

  PetscFunctionBeginUser;
  memset(&c, 0, sizeof c);
  PetscCall(FFSurrogateGetSchema(s, &schema));
  PetscCheck(!schema->n_inputs, comm, PETSC_ERR_SUP,
             "fieldflow predict does not supply input fields (the model reads '%s'); use fieldflow compare on a "
             "dataset",
             schema->n_inputs ? schema->inputs[0].name : "");
  PetscErrorCode ierr = SetUpCase(comm, schema, &c);
  if (!ierr) ierr = Infer(comm, s, schema, &c);
  if (!ierr) ierr = Report(comm, a, s, schema, &c);
  if (!ierr && (a->solve || a->warm_start))
    ierr = SolveToo(comm, a, s, c.solver, &c.ng, c.pred, c.u, c.initial, &c.t, &c.ref);
  if (!ierr && a->vtu[0]) ierr = WriteVtu(a->vtu, schema, &c.ng, c.pred, c.ref);
  if (!ierr && a->vtu[0]) ierr = PetscPrintf(comm, "wrote %s%s%s\n", a->vtu, a->json[0] ? " and " : "", a->json);
  PetscCall(VecDestroy(&c.u));
  PetscCall(VecDestroy(&c.initial));
  PetscCall(PetscFree(c.pred));
  PetscCall(PetscFree(c.ref));
  if (c.has_graph) PetscCall(FFNodeGraphDestroy(&c.ng));
  PetscCall(FFSolverDestroy(&c.solver));
  PetscCall(FFMeshDestroy(&c.mesh));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdPredict(MPI_Comm comm)
{
  Args a;
  PetscBool help;
  FFSurrogate s = NULL;

  PetscFunctionBeginUser;
  memset(&a, 0, sizeof a);
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(ReadArgs(comm, &a));
  if (help) PetscFunctionReturn(FFCliCaseHelp(comm)); /* the case's options: -naca, -aoa, -re, ... */
  PetscCall(FFSurrogateLoad(comm, a.model, &s, NULL, NULL));
  PetscErrorCode ierr = Predict(comm, &a, s);
  PetscCall(FFSurrogateDestroy(&s));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
