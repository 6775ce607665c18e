/* A surrogate against the reference solve of one dataset sample, a fieldflow model's prediction
 * (FFSurrogateEvaluateSample) or one made elsewhere (FFPredictionEvaluateSample), through the
 * same code: the prediction (timed), its errors per output column and per field (relative L2;
 * AirfRANS-style MSE of the normalized fields over the volume and over the walls), its forces
 * and PDE residual through the sample's own solver (the prediction mapped to a solver state,
 * docs/references.md §4), C_p along the body, and the solver's time on the same sample. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <string.h>

PetscErrorCode FFSampleEvalDestroy(FFSampleEval *e)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(e->pred));
  PetscCall(PetscFree3(e->cp_x, e->cp_ref, e->cp_pred));
  PetscCall(PetscFree3(e->mesh.coords, e->mesh.cells, e->mesh.category));
  PetscCall(PetscFree(e->ref));
  memset(e, 0, sizeof *e);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSampleEvalKeepFields(const FFSurrogateSchema *schema, const FFSample *sample, FFSampleEval *e)
{
  FFSurrogateGraph g;
  const int n_out = FFSurrogateSchemaOutputColumns(schema);

  PetscFunctionBegin;
  PetscCheck(sample->index == e->index, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "sample %ld is not the one evaluated (%ld)", sample->index, e->index);
  /* the graph gathers the reference fields on all nodes, vertex fields extended linearly */
  PetscCall(FFSurrogateGraphFromSample(schema, sample, &g));
  if (!g.target || g.n_nodes != e->n_nodes) {
    PetscCall(FFSurrogateGraphDestroy(&g));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld: no reference fields on its %d nodes", sample->index,
            e->n_nodes);
  }
  PetscCall(PetscFree3(e->mesh.coords, e->mesh.cells, e->mesh.category));
  PetscCall(PetscFree(e->ref));
  e->mesh.n_nodes = g.n_nodes;
  e->mesh.n_cells = g.n_cells;
  PetscCall(PetscMalloc3(2 * (size_t)g.n_nodes, &e->mesh.coords, 6 * (size_t)g.n_cells, &e->mesh.cells, g.n_nodes,
                         &e->mesh.category));
  PetscCall(PetscArraycpy(e->mesh.coords, g.coords, 2 * (size_t)g.n_nodes));
  PetscCall(PetscArraycpy(e->mesh.cells, g.cells, 6 * (size_t)g.n_cells));
  PetscCall(PetscArraycpy(e->mesh.category, g.category, g.n_nodes));
  PetscCall(PetscMalloc1((size_t)g.n_nodes * n_out, &e->ref));
  PetscCall(PetscArraycpy(e->ref, g.target, (size_t)g.n_nodes * n_out));
  PetscCall(FFSurrogateGraphDestroy(&g));
  PetscFunctionReturn(0);
}

/* What the evaluation reads of the predictor: the fields it predicts, and the normalization of
 * the AirfRANS metric (a model's output normalizer, or the training split's statistics when
 * the predictions come from elsewhere). */
typedef struct {
  const FFSurrogateSchema *schema;
  const FFNormalizer *out_norm;
  int n_out;
} PredictorView;

/* AirfRANS: MSE of the fields normalized by the training statistics, per column, over the
 * rows of its field (the vertices for the P1 pressure: its values at the edge midpoints are no
 * unknowns of the solver) and over those of them on the walls. */
static void NormalizedMSE(const PredictorView *m, const FFSurrogateGraph *g, const double *pred, FFSampleEval *e)
{
  int c = 0;
  for (int k = 0; k < m->schema->n_fields; k++) {
    const FFSurrogateField *f = &m->schema->fields[k];
    const int rows = f->location == FF_FIELD_NODES ? g->n_nodes : g->n_vertices;
    for (int j = 0; j < f->n_comp; j++, c++) {
      double vol = 0, surf = 0;
      long nv = 0, ns = 0;
      for (int i = 0; i < rows; i++) {
        const double d = (pred[(size_t)i * m->n_out + c] - g->target[(size_t)i * m->n_out + c]) / m->out_norm->std[c];
        vol += d * d, nv++;
        if (g->category[i] == FF_NODE_WALL) surf += d * d, ns++;
      }
      e->nmse_volume[c] = nv ? vol / nv : NAN;
      e->nmse_surface[c] = ns ? surf / ns : NAN;
    }
  }
}

static PetscErrorCode Errors(const PredictorView *m, const FFSurrogateGraph *g, FFSampleEval *e)
{
  int c0 = 0;

  PetscFunctionBegin;
  for (int k = 0; k < m->schema->n_fields; k++) {
    const FFSurrogateField *f = &m->schema->fields[k];
    const long rows = f->location == FF_FIELD_NODES ? g->n_nodes : g->n_vertices;
    for (int c = 0; c < f->n_comp; c++) e->rel_l2[c0 + c] = FFRelativeL2(rows, m->n_out, c0 + c, 1, e->pred, g->target);
    e->rel_l2_field[k] = FFRelativeL2(rows, m->n_out, c0, f->n_comp, e->pred, g->target);
    c0 += f->n_comp;
  }
  NormalizedMSE(m, g, e->pred, e);
  PetscFunctionReturn(0);
}

/* Forces, C_p and the residual norm of a node field through the solver. */
static PetscErrorCode Physics(FFSolver solver, const double *field, Vec u, FFSolveSummary *sum, PetscReal *rnorm,
                              PetscInt *n_cp, PetscReal **cp)
{
  FFProblemType problem;

  PetscFunctionBegin;
  PetscCall(FFSolverNodeFieldToState(solver, field, u));
  PetscCall(FFSolverSetState(solver, u));
  PetscCall(FFSolverComputeSummary(solver, sum));
  PetscCall(FFSolverNodeFieldLoss(solver, field, NULL, rnorm, NULL));
  PetscCall(FFSolverGetProblem(solver, &problem));
  *n_cp = 0;
  *cp = NULL;
  if (sum->has_forces && problem != FF_PROBLEM_DARCY)
    PetscCall(FFSolverComputePressureCoefficient(solver, sum->body, n_cp, cp));
  PetscFunctionReturn(0);
}

/* The solver's whole state as node fields (the sample's first fields, in their order: the
 * solver's; fields derived from the state follow them, RANS's nu_t) with the model's output
 * fields taken from `pred` (NULL: the sample's own). A model that predicts some fields from
 * others (-input_fields K: p from K) or not every field of the state (a RANS model of u, p, nu_t
 * without nu_tilde) is judged by the residual of the state it completes. */
static PetscErrorCode SolverFields(const PredictorView *m, const FFSample *sample, const double *pred, int n_comp,
                                   double *out)
{
  double *node;
  int off = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)sample->mesh.n_nodes * FF_SURR_MAX_COLS, &node));
  for (int f = 0; f < sample->n_fields && off < n_comp; f++) {
    const FFField *field = &sample->fields[f];
    int out_off = 0, k = 0;
    for (; k < m->schema->n_fields && strcmp(m->schema->fields[k].name, field->name); k++)
      out_off += m->schema->fields[k].n_comp;
    PetscCheck(off + field->n_comp <= n_comp, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
               "sample %ld: its fields have more than the solver's %d columns", sample->index, n_comp);
    if (k < m->schema->n_fields && pred) {
      for (int i = 0; i < sample->mesh.n_nodes; i++)
        for (int c = 0; c < field->n_comp; c++)
          out[(size_t)i * n_comp + off + c] = pred[(size_t)i * m->n_out + out_off + c];
    } else {
      PetscCallFF(FFFieldToNodes(sample, field, node));
      for (int i = 0; i < sample->mesh.n_nodes; i++)
        for (int c = 0; c < field->n_comp; c++) out[(size_t)i * n_comp + off + c] = node[(size_t)i * field->n_comp + c];
    }
    off += field->n_comp;
  }
  PetscCall(PetscFree(node));
  PetscCheck(off == n_comp, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "sample %ld: its fields have %d columns, the solver's node fields %d", sample->index, off, n_comp);
  PetscFunctionReturn(0);
}

/* Whether the model's outputs are the solver's state as they are: its fields are the sample's
 * first fields, in order, and fill the state's columns. */
static PetscBool OutputsAreState(const PredictorView *m, const FFSample *sample, int n_comp)
{
  int off = 0;
  if (m->n_out != n_comp || m->schema->n_fields > sample->n_fields) return PETSC_FALSE;
  for (int k = 0; k < m->schema->n_fields; k++) {
    if (strcmp(m->schema->fields[k].name, sample->fields[k].name)) return PETSC_FALSE;
    off += m->schema->fields[k].n_comp;
  }
  return off == n_comp ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode CompareWithSolver(const PredictorView *m, const FFSample *sample, const FFSurrogateGraph *g,
                                        FFSolver solver, PetscBool time_solve, FFSampleEval *e)
{
  Vec u;
  FFSolveSummary ps, rs;
  PetscReal rp, rr, *cpp = NULL, *cpr = NULL;
  PetscInt np, nr, n_nodes, n_comp;
  double *pred = e->pred, *ref = g->target;

  PetscFunctionBegin;
  PetscCall(FFSolverGetNodeFieldLayout(solver, &n_nodes, &n_comp));
  PetscCheck(n_nodes == g->n_nodes, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "sample %ld: the solver's node fields have %d nodes, the sample %d", g->index, (int)n_nodes, g->n_nodes);
  if (!OutputsAreState(m, sample, (int)n_comp)) { /* complete the state with the sample's fields */
    PetscCall(PetscMalloc2((size_t)n_nodes * n_comp, &pred, (size_t)n_nodes * n_comp, &ref));
    PetscCall(SolverFields(m, sample, e->pred, (int)n_comp, pred));
    PetscCall(SolverFields(m, sample, NULL, (int)n_comp, ref));
  }
  PetscCall(FFSolverCreateState(solver, &u));
  /* the solver's initial state (the free stream of an external flow), kept for the timed solve */
  Vec initial, current;
  PetscCall(FFSolverGetSolution(solver, &current));
  PetscCall(VecDuplicate(current, &initial));
  PetscCall(VecCopy(current, initial));
  PetscCall(Physics(solver, pred, u, &ps, &rp, &np, &cpp));
  PetscCall(Physics(solver, ref, u, &rs, &rr, &nr, &cpr));
  if (pred != e->pred) PetscCall(PetscFree2(pred, ref));
  e->residual_pred = rp;
  e->residual_ref = rr;
  e->has_forces = ps.has_forces;
  if (ps.has_forces) {
    e->cd_pred = ps.forces.cd;
    e->cl_pred = ps.forces.cl;
    e->cd_ref_recomputed = rs.forces.cd;
    e->cl_ref_recomputed = rs.forces.cl;
  }
  if (np == nr && np > 0) {
    e->n_cp = (int)np;
    PetscCall(PetscMalloc3(np, &e->cp_x, np, &e->cp_ref, np, &e->cp_pred));
    for (PetscInt k = 0; k < np; k++) {
      e->cp_x[k] = cpr[3 * k];
      e->cp_ref[k] = cpr[3 * k + 2];
      e->cp_pred[k] = cpp[3 * k + 2];
    }
  }
  PetscCall(PetscFree(cpp));
  PetscCall(PetscFree(cpr));
  e->t_solve_now = NAN;
  if (time_solve) { /* the reference solve again, from the solver's own initial state */
    FFSolveStats st;
    PetscCall(FFSolverSetState(solver, initial));
    PetscCall(FFSolverSolve(solver, &st));
    e->t_solve_now = st.wall_time;
    e->solve_converged = st.converged;
  }
  PetscCall(VecDestroy(&initial));
  PetscCall(VecDestroy(&u));
  PetscFunctionReturn(0);
}

/* The sample's graph (its reference fields on all nodes) and what the evaluation records of
 * the sample before anything is predicted. */
static PetscErrorCode Begin(const PredictorView *m, const FFSample *sample, FFSurrogateGraph *g, FFSampleEval *e)
{
  PetscFunctionBegin;
  memset(e, 0, sizeof *e);
  e->index = sample->index;
  e->t_solve_stored = sample->solver.wall_time;
  const FFScalar *cd = FFScalarFind(sample->forces, sample->n_forces, "C_D");
  const FFScalar *cl = FFScalarFind(sample->forces, sample->n_forces, "C_L");
  e->cd_ref = cd ? cd->value : NAN;
  e->cl_ref = cl ? cl->value : NAN;
  PetscCall(FFSurrogateGraphFromSample(m->schema, sample, g));
  for (int k = 0; k < m->schema->n_cond; k++) e->cond[k] = g->cond[k];
  e->n_nodes = g->n_nodes;
  e->n_vertices = g->n_vertices;
  if (!g->target) {
    PetscCall(FFSurrogateGraphDestroy(g));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no reference fields", sample->index);
  }
  PetscCall(PetscMalloc1((size_t)g->n_nodes * m->n_out, &e->pred));
  PetscFunctionReturn(0);
}

/* The one evaluation of a prediction (e->pred, timed by the caller) against the sample, for a
 * model and for predictions made elsewhere alike; frees the graph. */
static PetscErrorCode Finish(const PredictorView *m, const FFSample *sample, FFSurrogateGraph *g, FFSolver solver,
                             PetscBool time_solve, FFSampleEval *e)
{
  PetscFunctionBegin;
  PetscErrorCode ierr = Errors(m, g, e);
  if (!ierr && solver) ierr = CompareWithSolver(m, sample, g, solver, time_solve, e);
  PetscCall(FFSurrogateGraphDestroy(g));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateEvaluateSample(FFSurrogate s, const FFSample *sample, FFSolver solver, PetscBool time_solve,
                                         FFSampleEval *e)
{
  FFSurrogateGraph g;
  const FFSurrogateConfig *config;
  PredictorView m;

  PetscFunctionBegin;
  PetscCall(FFSurrogateGetConfig(s, &config));
  PetscCall(FFSurrogateGetSchema(s, &m.schema));
  PetscCall(FFSurrogateGetOutputNormalizer(s, &m.out_norm));
  m.n_out = FFSurrogateSchemaOutputColumns(m.schema);
  PetscCall(Begin(&m, sample, &g, e));
  /* inference = the graph's inputs (edges and, for the mlgnn, the levels with their METIS
   * clusters; normalized features) + the network; the neural field reads no edges */
  const double t0 = FFTimeNow();
  PetscErrorCode ierr = config->type != FF_SURROGATE_FIELD ? FFSurrogateGraphBuildEdges(&g) : 0;
  if (!ierr) ierr = FFSurrogatePrepareGraph(s, &g);
  e->t_features = FFTimeNow() - t0;
  if (!ierr) ierr = FFSurrogatePredict(s, &g, e->pred, &e->t_network);
  if (ierr) PetscCall(FFSurrogateGraphDestroy(&g));
  PetscCall(ierr);
  PetscCall(Finish(&m, sample, &g, solver, time_solve, e));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPredictionEvaluateSample(const FFSurrogateSchema *schema, const FFNormalizer *out_norm,
                                          const FFSample *sample, const double *pred, double seconds, FFSolver solver,
                                          PetscBool time_solve, FFSampleEval *e)
{
  FFSurrogateGraph g;
  const PredictorView m = {schema, out_norm, FFSurrogateSchemaOutputColumns(schema)};

  PetscFunctionBegin;
  PetscCheck(out_norm->n == m.n_out, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "the normalization has %d columns, the predicted fields %d", out_norm->n, m.n_out);
  PetscCall(Begin(&m, sample, &g, e));
  PetscCall(PetscArraycpy(e->pred, pred, (size_t)g.n_nodes * m.n_out));
  e->t_features = 0; /* made elsewhere: only the producer's own measure of the whole inference */
  e->t_network = seconds;
  PetscCall(Finish(&m, sample, &g, solver, time_solve, e));
  PetscFunctionReturn(0);
}
