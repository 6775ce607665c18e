/* Cost against mesh size: one NACA case meshed with every cell size divided by -refine, then
 *   mesh    gmsh and the DMPlex (FFMeshSetUp), and the node graph (FFNodeGraphCreate);
 *   field   a neural field's inference on every P2 node (graph inputs + network: what compare
 *           times), median of -repeats after a first call;
 *   gnn     a GNN's inference likewise (its edges included);
 *   solve   the solver's set-up and its Newton solve from the solver's initial state.
 * Each stage's wall time and the memory it adds: the peak resident size during the stage
 * (VmHWM, reset before it through /proc/self/clear_refs) less the resident size before it;
 * for the mesh also gmsh's own peak (a child process). One CSV line per stage is appended to -o
 * as soon as the stage ends (bench/scaling.sh runs one process per size, so a size that runs
 * out of memory leaves the others' lines).
 *   usage: scaling -case cases/airfoil/sweep.opts -naca_m 0.02 -naca_p 0.4 -naca_t 0.12 -aoa 4 -re 500
 *          -refine 2 [-field f.h5] [-gnn g.h5] [-stages mesh,field,gnn,solve] [-repeats 5] -o scaling.csv
 * The case's -mesh_h_body, -mesh_h_wake, -mesh_h and -mesh_growth are divided by -refine (the size
 * field h_body + growth d, and so every cell, shrinks by that factor: ~refine^2 times the nodes).
 * Solver options (e.g. the fieldsplit preconditioner of docs/cases.md) pass through. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long StatusKB(const char *key)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, strlen(key))) v = atol(line + strlen(key));
  fclose(f);
  return v;
}

/* Starts a stage: the resident size now, and the peak reset to it (after giving freed memory
 * back, so that a stage's peak is not hidden in what an earlier stage freed). */
static long StageBegin(void)
{
  malloc_trim(0);
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) fputs("5", f), fclose(f);
  return StatusKB("VmRSS:");
}

typedef struct {
  const char *out;
  double refine;
  long nodes;
} Ctx;

static PetscErrorCode Emit(const Ctx *c, const char *stage, double seconds, long rss0, const char *detail)
{
  FILE *f = fopen(c->out, "a");

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot append to %s (option -o)", c->out);
  const double extra = (StatusKB("VmHWM:") - rss0) / 1024.0;
  fprintf(f, "%g,%s,%ld,%.6g,%.1f,%.1f,%s\n", c->refine, stage, c->nodes, seconds, extra, StatusKB("VmHWM:") / 1024.0,
          detail);
  fclose(f);
  printf("refine %g, %ld P2 nodes: %-6s %10.4f s, +%.1f MB (%s)\n", c->refine, c->nodes, stage, seconds, extra, detail);
  fflush(stdout);
  PetscFunctionReturn(0);
}

static int CompareDoubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Inference of a model on the node graph: graph inputs + network, median of repeats after a
 * first call (which allocates); the memory is that of the first call, which holds the most. */
static PetscErrorCode Inference(const Ctx *c, const char *stage, const char *path, const FFNodeGraph *ng, int repeats)
{
  FFSurrogate s;
  const FFSurrogateSchema *schema;
  const FFSurrogateConfig *config;
  double cond[FF_SURR_MAX_COND], *pred, *t;
  char detail[256];

  PetscFunctionBeginUser;
  PetscCall(FFSurrogateLoad(PETSC_COMM_SELF, path, &s, NULL, NULL));
  PetscCall(FFSurrogateGetSchema(s, &schema));
  PetscCall(FFSurrogateGetConfig(s, &config));
  for (int k = 0; k < schema->n_cond; k++) {
    char opt[FF_NAME_LEN + 2];
    PetscBool set;
    PetscReal v;
    snprintf(opt, sizeof opt, "-%s", schema->cond[k].name);
    PetscCall(PetscOptionsGetReal(NULL, NULL, opt, &v, &set));
    PetscCheck(set, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the model %s is conditioned on %s: give %s", path,
               schema->cond[k].name, opt);
    cond[k] = v;
  }
  PetscCall(PetscMalloc2((size_t)ng->n_nodes * FFSurrogateSchemaOutputColumns(schema), &pred, repeats + 1, &t));
  const long rss0 = StageBegin();
  for (int r = 0; r <= repeats; r++) {
    FFSurrogateGraph g;
    double tn;
    PetscCall(FFSurrogateGraphFromNodeGraph(schema, ng, cond, NULL, &g));
    const double t0 = FFTimeNow();
    if (config->type == FF_SURROGATE_GNN) PetscCall(FFSurrogateGraphBuildEdges(&g));
    PetscCall(FFSurrogatePrepareGraph(s, &g));
    const double tf = FFTimeNow() - t0;
    PetscCall(FFSurrogatePredict(s, &g, pred, &tn));
    t[r] = tf + tn;
    PetscCall(FFSurrogateGraphDestroy(&g));
  }
  qsort(t + 1, (size_t)repeats, sizeof *t, CompareDoubles);
  const double med = repeats % 2 ? t[1 + repeats / 2] : 0.5 * (t[repeats / 2] + t[1 + repeats / 2]);
  snprintf(detail, sizeof detail, "%s width %d depth %d; median of %d, first call %.4f s; %d threads", path,
           config->width, config->depth, repeats, t[0], FFNNThreads());
  PetscCall(Emit(c, stage, med, rss0, detail));
  PetscCall(PetscFree2(pred, t));
  PetscCall(FFSurrogateDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode Solve(const Ctx *c, FFMesh mesh)
{
  FFSolver solver;
  FFSolveStats st;
  FFSolveSummary sum;
  char detail[256];

  PetscFunctionBeginUser;
  long rss0 = StageBegin();
  double t0 = FFTimeNow();
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &solver));
  PetscCall(FFSolverSetMesh(solver, mesh));
  PetscCall(FFSolverSetFromOptions(solver));
  PetscCall(FFSolverSetUp(solver));
  PetscCall(Emit(c, "solve_setup", FFTimeNow() - t0, rss0, "FFSolverSetUp"));
  rss0 = StageBegin();
  PetscCall(FFSolverSolve(solver, &st));
  PetscCall(FFSolverComputeSummary(solver, &sum));
  snprintf(detail, sizeof detail, "%s; %d Newton, %d linear iterations; C_D %.6f C_L %.6f",
           st.converged ? "converged" : "NOT converged", (int)st.newton_iterations, (int)st.linear_iterations,
           sum.has_forces ? sum.forces.cd : NAN, sum.has_forces ? sum.forces.cl : NAN);
  PetscCall(Emit(c, "solve", st.wall_time, rss0, detail));
  PetscCall(FFSolverDestroy(&solver));
  PetscFunctionReturn(0);
}

/* Divides the case's cell sizes by the refinement factor (they are read by FFMeshSetFromOptions). */
static PetscErrorCode Refine(double refine)
{
  const char *names[4] = {"-mesh_h_body", "-mesh_h_wake", "-mesh_h", "-mesh_growth"};

  PetscFunctionBeginUser;
  for (int k = 0; k < 4; k++) {
    PetscReal v;
    PetscBool set;
    char val[64];
    PetscCall(PetscOptionsGetReal(NULL, NULL, names[k], &v, &set));
    PetscCheck(set, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the case sets no %s (-refine scales the case's sizes)",
               names[k]);
    snprintf(val, sizeof val, "%.17g", v / refine);
    PetscCall(PetscOptionsSetValue(NULL, names[k], val));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char field[PETSC_MAX_PATH_LEN] = "", gnn[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "scaling.csv",
       stages[256] = "mesh,field,gnn,solve";
  PetscReal refine = 1;
  PetscInt repeats = 5;
  FFMesh mesh;
  FFNodeGraph ng;
  PetscInt nv, ne, nc;
  struct rusage ru;

  mallopt(M_MMAP_THRESHOLD, 1 << 20); /* large arrays mapped, and unmapped when freed: see StageBegin */
  PetscCall(PetscInitialize(&argc, &argv, NULL, "cost against mesh size"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-field", field, sizeof field, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-gnn", gnn, sizeof gnn, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-stages", stages, sizeof stages, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-refine", &refine, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeats", &repeats, NULL));
  PetscCheck(refine > 0 && repeats >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-refine > 0, -repeats >= 1");
  PetscCall(Refine(refine));
  Ctx c = {.out = out, .refine = refine, .nodes = 0};
  long rss0 = StageBegin();
  double t0 = FFTimeNow();
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshSetUp(mesh));
  const double t_mesh = FFTimeNow() - t0;
  PetscCall(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  c.nodes = (long)(nv + ne);
  getrusage(RUSAGE_CHILDREN, &ru);
  char detail[256];
  snprintf(detail, sizeof detail, "%d vertices, %d cells; gmsh peak %.1f MB", (int)nv, (int)nc, ru.ru_maxrss / 1024.0);
  if (strstr(stages, "mesh")) PetscCall(Emit(&c, "mesh", t_mesh, rss0, detail));
  rss0 = StageBegin();
  t0 = FFTimeNow();
  PetscCall(FFNodeGraphCreate(mesh, &ng));
  if (strstr(stages, "mesh")) PetscCall(Emit(&c, "graph", FFTimeNow() - t0, rss0, "FFNodeGraphCreate"));
  if (strstr(stages, "field") && field[0]) PetscCall(Inference(&c, "field", field, &ng, (int)repeats));
  if (strstr(stages, "gnn") && gnn[0]) PetscCall(Inference(&c, "gnn", gnn, &ng, (int)repeats));
  if (strstr(stages, "solve")) PetscCall(Solve(&c, mesh));
  PetscCall(FFNodeGraphDestroy(&ng));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(PetscFinalize());
  return 0;
}
