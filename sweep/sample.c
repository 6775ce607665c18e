/* One sample of a sweep: mesh and solve it in its own options database, collect what the
 * dataset stores (node graph, node fields, forces, C_p, solver statistics, the .msh text and
 * the options) and write it; a mesh or solve failure becomes a failure record. */
#include "sweep_private.h"

#include <string.h>

/* ---------- mesh and solve ---------- */

typedef struct {
  FFMesh mesh;
  FFSolver solver;
  FFSolveStats stats;
  PetscReal mesh_time;
  PetscInt unknowns;
  PetscInt darcy_degree;
  const char *stage; /* what was being done when an error came */
} Solve;

static PetscErrorCode MeshAndSolve(MPI_Comm comm, Solve *sv)
{
  PetscLogDouble t0, t1;
  Vec u;
  PetscFunctionBegin;
  sv->stage = "mesh";
  PetscCall(PetscTime(&t0));
  PetscCall(FFMeshCreate(comm, &sv->mesh));
  PetscCall(FFMeshSetFromOptions(sv->mesh));
  PetscCall(FFMeshSetUp(sv->mesh));
  PetscCall(PetscTime(&t1));
  sv->mesh_time = t1 - t0;
  sv->stage = "solver set-up";
  PetscCall(FFSolverCreate(comm, &sv->solver));
  PetscCall(FFSolverSetMesh(sv->solver, sv->mesh));
  PetscCall(FFSolverSetFromOptions(sv->solver));
  PetscCall(FFSolverSetUp(sv->solver));
  PetscCall(FFSolverGetSolution(sv->solver, &u));
  PetscCall(VecGetSize(u, &sv->unknowns));
  /* the solver reads the same option: Lagrange degree of K and p */
  sv->darcy_degree = 1;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-darcy_degree", &sv->darcy_degree, NULL));
  sv->stage = "solve";
  PetscCall(FFSolverSolve(sv->solver, &sv->stats));
  PetscFunctionReturn(0);
}

static void NotConvergedReason(FFSolver solver, const FFSolveStats *st, char *reason, size_t len)
{
  FFProblemType problem;
  PetscReal re;
  FFSolverGetProblem(solver, &problem);
  FFSolverGetReynolds(solver, &re);
  if (problem == FF_PROBLEM_NAVIER_STOKES)
    snprintf(reason, len,
             "Newton did not converge at Re %g: %s, last ||F|| %.3e after %d Newton iterations and %d continuation "
             "steps (highest converged Re %g)",
             (double)re, SNESConvergedReasons[st->reason], (double)st->residual_norm, (int)st->newton_iterations,
             (int)st->continuation_steps, (double)st->reynolds_reached);
  else
    snprintf(reason, len, "the Darcy solve did not converge: %s, last ||F|| %.3e after %d Newton iterations",
             SNESConvergedReasons[st->reason], (double)st->residual_norm, (int)st->newton_iterations);
}

/* ---------- what the dataset stores ---------- */

typedef struct {
  FFNodeGraph graph; /* rank 0 */
  int *cells, *type, *row_ptr, *col;
  double *node_field; /* n_nodes x nc */
  double *f0, *f1;    /* the stored fields: u and p (NS), K and p (Darcy) */
  FFField fields[2];
  FFScalar forces[5], extra[8];
  PetscInt n_cp;
  double *cs, *cx, *cy, *ccp;
  char *msh;
  FFSolveSummary summary;
} Collected;

static PetscErrorCode CopyInts(const PetscInt *src, size_t n, int **dst)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n + 1, dst));
  for (size_t i = 0; i < n; i++) (*dst)[i] = (int)src[i];
  PetscFunctionReturn(0);
}

/* Rank 0: the node graph as the sample's mesh arrays. */
static PetscErrorCode GraphArrays(Collected *c)
{
  const FFNodeGraph *g = &c->graph;
  PetscFunctionBegin;
  PetscCall(CopyInts(g->cells, 6 * (size_t)g->n_cells, &c->cells));
  PetscCall(CopyInts(g->type, (size_t)g->n_nodes, &c->type));
  PetscCall(CopyInts(g->row_ptr, (size_t)g->n_nodes + 1, &c->row_ptr));
  PetscCall(CopyInts(g->col, (size_t)g->row_ptr[g->n_nodes], &c->col));
  PetscFunctionReturn(0);
}

/* Rank 0: the node field split into the stored fields. */
static PetscErrorCode SplitFields(const Solve *sv, PetscInt nn, PetscInt nc, Collected *c)
{
  FFProblemType problem;
  const PetscInt nv = c->graph.n_vertices;
  PetscFunctionBegin;
  PetscCall(FFSolverGetProblem(sv->solver, &problem));
  if (problem == FF_PROBLEM_NAVIER_STOKES) {
    PetscCall(PetscMalloc2(2 * nn, &c->f0, nv, &c->f1));
    for (PetscInt i = 0; i < nn; i++)
      c->f0[2 * i] = c->node_field[i * nc], c->f0[2 * i + 1] = c->node_field[i * nc + 1];
    for (PetscInt i = 0; i < nv; i++) c->f1[i] = c->node_field[i * nc + 2];
    c->fields[0] = (FFField){"u", "1", "u_x,u_y", FF_FIELD_NODES, 2, c->f0};
    c->fields[1] = (FFField){"p", "1", "", FF_FIELD_VERTICES, 1, c->f1};
  } else {
    /* degree 1: K and p are P1, their edge values the mean of the vertices' */
    const FFFieldLocation loc = sv->darcy_degree == 1 ? FF_FIELD_VERTICES : FF_FIELD_NODES;
    const PetscInt rows = loc == FF_FIELD_VERTICES ? nv : nn;
    PetscCall(PetscMalloc2(rows, &c->f0, rows, &c->f1));
    for (PetscInt i = 0; i < rows; i++) c->f0[i] = c->node_field[i * nc], c->f1[i] = c->node_field[i * nc + 1];
    c->fields[0] = (FFField){"K", "1", "", loc, 1, c->f0};
    c->fields[1] = (FFField){"p", "1", "", loc, 1, c->f1};
  }
  PetscFunctionReturn(0);
}

/* C_p along the forces body, with the arc position along the solver's ordering. */
static PetscErrorCode SurfacePressure(const Solve *sv, Collected *c)
{
  PetscReal *xy_cp;
  PetscFunctionBegin;
  if (!c->summary.has_forces) PetscFunctionReturn(0);
  PetscCall(FFSolverComputePressureCoefficient(sv->solver, c->summary.body, &c->n_cp, &xy_cp));
  PetscCall(PetscMalloc4(c->n_cp + 1, &c->cs, c->n_cp + 1, &c->cx, c->n_cp + 1, &c->cy, c->n_cp + 1, &c->ccp));
  for (PetscInt i = 0; i < c->n_cp; i++) {
    c->cx[i] = xy_cp[3 * i], c->cy[i] = xy_cp[3 * i + 1], c->ccp[i] = xy_cp[3 * i + 2];
    c->cs[i] =
        i ? c->cs[i - 1] + PetscSqrtReal(PetscSqr(c->cx[i] - c->cx[i - 1]) + PetscSqr(c->cy[i] - c->cy[i - 1])) : 0;
  }
  PetscCall(PetscFree(xy_cp));
  PetscFunctionReturn(0);
}

static PetscErrorCode Collect(MPI_Comm comm, const Solve *sv, Collected *c)
{
  PetscMPIInt rank;
  PetscInt nn, nc;
  Vec u;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FFSolverCreateNodeGraph(sv->solver, &c->graph));
  PetscCall(FFSolverSetNodeGraph(sv->solver, &c->graph));
  PetscCall(FFSolverGetNodeFieldLayout(sv->solver, &nn, &nc));
  if (!rank) PetscCall(PetscMalloc1(nn * nc, &c->node_field));
  PetscCall(FFSolverGetSolution(sv->solver, &u));
  PetscCall(FFSolverStateToNodeField(sv->solver, u, c->node_field));
  PetscCall(FFSolverComputeSummary(sv->solver, &c->summary));
  PetscCall(SurfacePressure(sv, c));
  PetscCall(FFMeshGetFileText(sv->mesh, &c->msh));
  if (!rank) {
    PetscCall(GraphArrays(c));
    PetscCall(SplitFields(sv, nn, nc, c));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CollectedDestroy(Collected *c)
{
  PetscFunctionBegin;
  PetscCall(FFNodeGraphDestroy(&c->graph));
  PetscCall(PetscFree(c->cells));
  PetscCall(PetscFree(c->type));
  PetscCall(PetscFree(c->row_ptr));
  PetscCall(PetscFree(c->col));
  PetscCall(PetscFree(c->node_field));
  PetscCall(PetscFree2(c->f0, c->f1));
  PetscCall(PetscFree4(c->cs, c->cx, c->cy, c->ccp));
  PetscCall(PetscFree(c->msh));
  PetscFunctionReturn(0);
}

/* ---------- the sample record ---------- */

static void AddScalar(FFScalar *list, int *n, const char *name, const char *units, double value)
{
  snprintf(list[*n].name, sizeof list[*n].name, "%s", name);
  snprintf(list[*n].units, sizeof list[*n].units, "%s", units);
  list[(*n)++].value = value;
}

/* Statistics of a solve, finished or not. */
static void FillStats(const Solve *sv, double sample_time, int ranks, FFScalar *extra, FFSolverStats *st)
{
  FFProblemType problem = FF_PROBLEM_NAVIER_STOKES;
  if (sv->solver) FFSolverGetProblem(sv->solver, &problem);
  st->iterations = (long)sv->stats.newton_iterations;
  st->final_residual = (double)sv->stats.residual_norm;
  st->wall_time = (double)sv->stats.wall_time;
  st->extra = extra;
  st->n_extra = 0;
  AddScalar(extra, &st->n_extra, "continuation_steps", "1", (double)sv->stats.continuation_steps);
  AddScalar(extra, &st->n_extra, "linear_iterations", "1", (double)sv->stats.linear_iterations);
  if (problem == FF_PROBLEM_NAVIER_STOKES)
    AddScalar(extra, &st->n_extra, "reynolds_reached", "1", (double)sv->stats.reynolds_reached);
  AddScalar(extra, &st->n_extra, "unknowns", "1", (double)sv->unknowns);
  AddScalar(extra, &st->n_extra, "mesh_time", "s", (double)sv->mesh_time);
  AddScalar(extra, &st->n_extra, "sample_time", "s", sample_time);
  AddScalar(extra, &st->n_extra, "ranks", "1", (double)ranks);
}

/* Rank 0: the solved sample's mesh, fields, forces and C_p. */
static void FillSolved(Collected *c, FFSample *s)
{
  const FFNodeGraph *g = &c->graph;
  s->mesh = (FFSampleMesh){(int)g->n_nodes, (int)g->n_vertices, (int)g->n_cells, (int)g->n_groups, g->coords, c->cells,
                           c->type,         g->group_names,     g->sdf,          c->row_ptr,       c->col,    c->msh};
  s->n_fields = 2;
  s->fields = c->fields;
  s->forces = c->forces;
  s->n_forces = 0;
  if (c->summary.has_forces) {
    AddScalar(c->forces, &s->n_forces, "C_D", "1", (double)c->summary.forces.cd);
    AddScalar(c->forces, &s->n_forces, "C_L", "1", (double)c->summary.forces.cl);
    AddScalar(c->forces, &s->n_forces, "drag", "1", (double)c->summary.forces.drag);
    AddScalar(c->forces, &s->n_forces, "lift", "1", (double)c->summary.forces.lift);
    snprintf(s->surface.body, sizeof s->surface.body, "%s", c->summary.body);
    s->surface.n = (int)c->n_cp;
    s->surface.s = c->cs, s->surface.x = c->cx, s->surface.y = c->cy, s->surface.cp = c->ccp;
  }
  if (c->summary.has_dp) AddScalar(c->forces, &s->n_forces, "dp", "1", (double)c->summary.dp);
}

/* Rank 0: writes the sample; a solved sample the writer refuses (non-finite values) is
 * recorded as failed with the writer's reason instead. */
static PetscErrorCode WriteRecord(FFDataset ds, FFSample *s, PetscBool *failed)
{
  PetscFunctionBegin;
  FFErrorCode rc = FFDatasetWriteSample(ds, s);
  if (rc == FF_ERR_NUMERIC && s->status == FF_SAMPLE_OK) {
    snprintf(s->reason, sizeof s->reason, "%.*s", FFSweepErrorLine(), FFErrorMessage());
    s->status = FF_SAMPLE_FAILED;
    s->mesh.n_nodes = 0, s->n_fields = 0, s->n_forces = 0, s->surface.n = 0;
    *failed = PETSC_TRUE;
    rc = FFDatasetWriteSample(ds, s);
  }
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "writing sample %ld: %.*s", s->index, FFSweepErrorLine(),
             FFErrorMessage());
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSolveSample(MPI_Comm comm, FFDataset ds, long index, const char *text, const char *runtime,
                                  PetscBool *failed, char reason[FF_REASON_MAX])
{
  PetscOptions options = NULL;
  FFErrorCapture caught;
  Solve sv;
  Collected c;
  FFSample s;
  FFScalar extra[8];
  PetscMPIInt rank, size;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&sv, sizeof sv));
  PetscCall(PetscMemzero(&c, sizeof c));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  reason[0] = '\0';
  PetscCall(PetscTime(&t0));
  PetscCall(FFSweepOptionsPush(text, runtime, &options));
  PetscCall(FFErrorCapturePush(&caught));
  PetscErrorCode ierr = MeshAndSolve(comm, &sv);
  if (ierr)
    snprintf(reason, FF_REASON_MAX, "%s: %.230s", sv.stage, caught.message);
  else if (!sv.stats.converged)
    NotConvergedReason(sv.solver, &sv.stats, reason, FF_REASON_MAX);
  else if ((ierr = Collect(comm, &sv, &c)))
    snprintf(reason, FF_REASON_MAX, "post-processing: %.230s", caught.message);
  PetscCall(FFErrorCapturePop());
  PetscCall(FFSweepOptionsPop(&options));
  PetscCall(PetscTime(&t1));
  *failed = reason[0] ? PETSC_TRUE : PETSC_FALSE;
  if (!rank) {
    PetscCallFF(FFDatasetSampleInit(ds, index, &s));
    s.options = (char *)text;
    FillStats(&sv, t1 - t0, size, extra, &s.solver);
    if (*failed) {
      s.status = FF_SAMPLE_FAILED;
      PetscCall(PetscStrncpy(s.reason, reason, sizeof s.reason));
    } else
      FillSolved(&c, &s);
    PetscCall(WriteRecord(ds, &s, failed));
    PetscCall(PetscStrncpy(reason, s.reason, FF_REASON_MAX));
  }
  PetscCall(CollectedDestroy(&c));
  PetscCall(FFSolverDestroy(&sv.solver));
  PetscCall(FFMeshDestroy(&sv.mesh));
  PetscFunctionReturn(0);
}

/* ---------- the probe: does the case take every parameter? ---------- */

/* Sets up the mesh and the solver's options with one sample's options. *setup: whether they
 * set up (else message says why); *unused: the first parameter no option of the case read. */
static PetscErrorCode ProbeSample(FFSweep sw, const char *text, PetscBool *setup, int *unused, char *message,
                                  size_t len)
{
  PetscOptions options = NULL;
  FFErrorCapture caught;
  FFMesh mesh = NULL;
  FFSolver solver = NULL;
  PetscFunctionBegin;
  PetscCall(FFSweepOptionsPush(text, sw->runtime, &options));
  PetscCall(FFErrorCapturePush(&caught));
  PetscErrorCode ierr = FFMeshCreate(PETSC_COMM_SELF, &mesh);
  if (!ierr) ierr = FFMeshSetFromOptions(mesh);
  if (!ierr) ierr = FFMeshSetUp(mesh);
  if (!ierr) ierr = FFSolverCreate(PETSC_COMM_SELF, &solver);
  if (!ierr) ierr = FFSolverSetMesh(solver, mesh);
  if (!ierr) ierr = FFSolverSetFromOptions(solver);
  PetscCall(FFErrorCapturePop());
  *setup = ierr ? PETSC_FALSE : PETSC_TRUE;
  if (ierr) snprintf(message, len, "%.1900s", caught.message);
  *unused = -1;
  for (int j = 0; *setup && *unused < 0 && j < sw->n_params; j++) {
    PetscBool used;
    PetscCall(PetscOptionsUsed(options, sw->params[j].name, &used));
    if (!used) *unused = j;
  }
  PetscCall(FFSolverDestroy(&solver));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(FFSweepOptionsPop(&options));
  PetscFunctionReturn(0);
}

/* The first of the first few samples that sets up decides; a case none of them sets up with
 * is broken (a single bad sample is only recorded as failed later). */
PetscErrorCode FFSweepProbe(FFSweep sw, const double *plan)
{
  char first[2048] = "", message[2048];
  PetscBool setup = PETSC_FALSE;
  int unused = -1;
  long tried = 0;
  PetscFunctionBegin;
  for (; !setup && tried < PetscMin(sw->n, 5); tried++) {
    char *text;
    PetscCall(FFSweepSampleOptions(sw, &plan[tried * sw->n_params], &text));
    PetscCall(ProbeSample(sw, text, &setup, &unused, message, sizeof message));
    PetscCall(PetscFree(text));
    if (!tried) PetscCall(PetscStrncpy(first, message, sizeof first));
  }
  PetscCheck(setup, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "the case does not set up with the parameters of any of its first %ld samples; sample 0: %s", tried,
             first);
  PetscCheck(unused < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "option -sweep_params: parameter '%s' would set option -%s, which neither the mesh nor the solver of "
             "this case reads (parameters are case options: naca_m, naca_p, naca_t, mesh_h, ... for the mesh; re, "
             "aoa, u_inf, ... for Navier-Stokes; seed, grf_length, ... for Darcy)",
             sw->params[unused].name, sw->params[unused].name);
  PetscFunctionReturn(0);
}
