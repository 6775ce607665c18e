/* The solver of a stored sample: the mesh read back from the sample's own .msh text (no
 * gmsh), the solver set up from the sample's own options text, and a check that the rebuilt
 * node graph is the stored one, so the sample's node fields are states of this solver. */
#include "sweep_private.h"

#include <string.h>

typedef struct {
  const FFSample *s;
  char *path; /* PETSC_MAX_PATH_LEN */
} MeshFileCtx;

/* Rank 0: the sample's .msh text into a scratch file, for the mesh reader, which wants a path. */
static PetscErrorCode WriteMeshFile(void *ctx)
{
  const MeshFileCtx *c = ctx;
  const size_t n = strlen(c->s->mesh.msh);
  char path[PETSC_MAX_PATH_LEN];
  PetscFunctionBegin;
  PetscCallFF(FFScratchFile("fieldflow-sample", ".msh", path, sizeof path));
  FILE *f = fopen(path, "wb");
  int bad = !f || fwrite(c->s->mesh.msh, 1, n, f) != n;
  if (f) bad |= fclose(f) != 0;
  if (bad) remove(path);
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write the sample's mesh to %s", path);
  PetscCall(PetscStrncpy(c->path, path, PETSC_MAX_PATH_LEN));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSample(MPI_Comm comm, const FFSample *s)
{
  PetscMPIInt rank;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(s->status == FF_SAMPLE_OK, comm, PETSC_ERR_ARG_WRONG,
             "sample %ld was not solved (recorded as failed: %s): there is no solution to rebuild a solver for",
             s->index, s->reason);
  PetscCheck(s->options, comm, PETSC_ERR_ARG_WRONG,
             "sample %ld: no options text (read the sample with FF_READ_OPTIONS)", s->index);
  if (rank) PetscFunctionReturn(0);
  PetscCheck(s->mesh.coords && s->mesh.node_type, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "sample %ld: no mesh arrays (read the sample with FF_READ_MESH)", s->index);
  PetscCheck(s->mesh.msh, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "sample %ld has no mesh file /mesh/msh (read the sample with FF_READ_MESH_FILE; samples written "
             "without it cannot rebuild their solver)",
             s->index);
  PetscFunctionReturn(0);
}

/* The forces body by the solver's rule: -forces_body, else a group named cylinder, airfoil or body. */
static PetscErrorCode FindBody(FFSweepSolver *ss)
{
  PetscInt n;
  PetscBool set;
  PetscFunctionBegin;
  ss->body[0] = '\0';
  PetscCall(PetscOptionsGetString(NULL, NULL, "-forces_body", ss->body, sizeof ss->body, &set));
  if (set) PetscFunctionReturn(0);
  PetscCall(FFMeshGetNumGroups(ss->mesh, &n));
  for (PetscInt g = 0; g < n; g++) {
    const char *name;
    PetscCall(FFMeshGetGroupName(ss->mesh, g, &name));
    if (!strcmp(name, "cylinder") || !strcmp(name, "airfoil") || !strcmp(name, "body"))
      PetscCall(PetscStrncpy(ss->body, name, sizeof ss->body));
  }
  PetscFunctionReturn(0);
}

/* With the sample's options as the default database. */
static PetscErrorCode Build(FFSweepSolver *ss)
{
  FFGeometry geo;
  PetscFunctionBegin;
  PetscCall(FFGeometrySetDefaults(&geo, FF_GEOMETRY_FILE));
  PetscCall(PetscStrncpy(geo.msh_file, ss->msh_path, sizeof geo.msh_file));
  PetscCall(FFMeshCreate(ss->comm, &ss->mesh));
  PetscCall(FFMeshSetGeometry(ss->mesh, &geo));
  PetscCall(FFMeshSetUp(ss->mesh));
  PetscCall(FFSolverCreate(ss->comm, &ss->solver));
  PetscCall(FFSolverSetMesh(ss->solver, ss->mesh));
  PetscCall(FFSolverSetFromOptions(ss->solver));
  PetscCall(FFSolverSetUp(ss->solver));
  PetscCall(FFSolverGetProblem(ss->solver, &ss->problem));
  PetscCall(FindBody(ss));
  PetscFunctionReturn(0);
}

/* Rank 0: the first difference between the rebuilt and the stored node graph, or "". */
static void CompareGraph(const FFNodeGraph *g, const FFSampleMesh *m, char *diff, size_t len)
{
  double scale = 1;
  diff[0] = '\0';
  if (g->n_nodes != m->n_nodes || g->n_vertices != m->n_vertices || g->n_cells != m->n_cells) {
    snprintf(diff, len, "%d nodes, %d vertices, %d cells rebuilt; %d, %d, %d stored", (int)g->n_nodes,
             (int)g->n_vertices, (int)g->n_cells, m->n_nodes, m->n_vertices, m->n_cells);
    return;
  }
  for (PetscInt i = 0; i < 2 * g->n_nodes; i++) scale = PetscMax(scale, PetscAbsReal(m->coords[i]));
  for (PetscInt i = 0; i < g->n_nodes; i++) {
    double dx = PetscAbsReal(g->coords[2 * i] - m->coords[2 * i]),
           dy = PetscAbsReal(g->coords[2 * i + 1] - m->coords[2 * i + 1]);
    if (PetscMax(dx, dy) > 1e-12 * scale) {
      snprintf(diff, len, "node %d at (%.17g, %.17g) rebuilt, (%.17g, %.17g) stored", (int)i, g->coords[2 * i],
               g->coords[2 * i + 1], m->coords[2 * i], m->coords[2 * i + 1]);
      return;
    }
    if (g->type[i] != m->node_type[i]) {
      snprintf(diff, len, "node %d has type %d rebuilt, %d stored", (int)i, (int)g->type[i], m->node_type[i]);
      return;
    }
  }
  for (PetscInt c = 0; m->cells && c < 6 * g->n_cells; c++)
    if (g->cells[c] != m->cells[c]) {
      snprintf(diff, len, "cell %d differs", (int)(c / 6));
      return;
    }
}

static PetscErrorCode SetGraph(FFSweepSolver *ss, const FFSample *s)
{
  FFNodeGraph graph;
  PetscMPIInt rank;
  char diff[512] = "";
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(ss->comm, &rank));
  PetscCall(FFSolverCreateNodeGraph(ss->solver, &graph));
  if (!rank) CompareGraph(&graph, &s->mesh, diff, sizeof diff);
  PetscCallMPI(MPI_Bcast(diff, sizeof diff, MPI_CHAR, 0, ss->comm));
  PetscErrorCode ierr = 0;
  if (!diff[0]) ierr = FFSolverSetNodeGraph(ss->solver, &graph);
  PetscCall(FFNodeGraphDestroy(&graph));
  PetscCall(ierr);
  PetscCheck(!diff[0], ss->comm, PETSC_ERR_FILE_UNEXPECTED,
             "sample %ld: the mesh rebuilt from its stored .msh differs from its stored node graph (%s)", s->index,
             diff);
  PetscCall(FFSolverGetNodeFieldLayout(ss->solver, &ss->n_nodes, &ss->n_components));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSolverFromSample(MPI_Comm comm, const FFSample *s, FFSweepSolver *ss)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(ss, sizeof *ss));
  ss->comm = comm;
  PetscCall(CheckSample(comm, s));
  PetscCall(FFSweepOptionsCreate(s->options, NULL, &ss->options));
  /* from here on a failure destroys what was made, the scratch .msh included */
  MeshFileCtx file = {s, ss->msh_path};
  PetscErrorCode ierr = FFRunOnRank0(comm, WriteMeshFile, &file);
  if (!ierr) {
    PetscCallMPI(MPI_Bcast(ss->msh_path, sizeof ss->msh_path, MPI_CHAR, 0, comm));
    PetscCall(PetscOptionsPush(ss->options));
    ierr = Build(ss);
    PetscCall(PetscOptionsPop());
  }
  if (!ierr) ierr = SetGraph(ss, s);
  if (ierr) PetscCall(FFSweepSolverDestroy(ss));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSolverFromDataset(MPI_Comm comm, FFDataset ds, long index, FFSweepSolver *ss)
{
  FFSample s;
  PetscFunctionBegin;
  PetscCallFF(FFDatasetReadSample(ds, index, FF_READ_ALL, &s));
  PetscErrorCode ierr = FFSweepSolverFromSample(comm, &s, ss);
  FFSampleDestroy(&s);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSolverDestroy(FFSweepSolver *ss)
{
  PetscMPIInt rank = 0;
  PetscFunctionBegin;
  PetscCall(FFSolverDestroy(&ss->solver));
  PetscCall(FFMeshDestroy(&ss->mesh));
  if (ss->comm != MPI_COMM_NULL && ss->msh_path[0]) {
    PetscCallMPI(MPI_Comm_rank(ss->comm, &rank));
    if (!rank) remove(ss->msh_path);
  }
  ss->msh_path[0] = '\0';
  PetscCall(PetscOptionsDestroy(&ss->options));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSolverSolve(FFSweepSolver *ss, FFSolveStats *stats)
{
  PetscFunctionBegin;
  PetscCheck(ss->solver && ss->options, PETSC_COMM_SELF, PETSC_ERR_ORDER,
             "FFSweepSolverSolve before FFSweepSolverFromSample");
  PetscCall(PetscOptionsPush(ss->options));
  PetscErrorCode ierr = FFSolverSolve(ss->solver, stats);
  PetscCall(PetscOptionsPop());
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSampleNodeField(const FFSweepSolver *ss, const FFSample *s, PetscReal field[])
{
  const char *ns[] = {"u", "p"}, *darcy[] = {"K", "p"};
  const char *const *names = ss->problem == FF_PROBLEM_NAVIER_STOKES ? ns : darcy;
  PetscMPIInt rank;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(ss->comm, &rank));
  if (rank) PetscFunctionReturn(0);
  const PetscInt nn = ss->n_nodes, nc = ss->n_components;
  PetscCheck(s->mesh.n_nodes == nn && s->mesh.cells, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "sample %ld: %d nodes with%s cells read; the solver has %d nodes (read the sample with FF_READ_MESH)",
             s->index, s->mesh.n_nodes, s->mesh.cells ? "" : "out", (int)nn);
  double *tmp;
  PetscCall(PetscMalloc1(nn * nc, &tmp));
  for (PetscInt k = 0, col = 0; k < 2; k++) {
    const FFField *f = FFSampleField(s, names[k]);
    PetscErrorCode ierr = 0;
    if (!f || col + f->n_comp > nc) ierr = PETSC_ERR_ARG_WRONG;
    if (ierr) PetscCall(PetscFree(tmp));
    PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "sample %ld: no field '%s' of the solver's layout (read the sample with FF_READ_FIELDS)", s->index,
               names[k]);
    FFErrorCode rc = FFFieldToNodes(s, f, tmp);
    if (rc) PetscCall(PetscFree(tmp));
    PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_LIB, "%.*s", FFSweepErrorLine(), FFErrorMessage());
    for (PetscInt i = 0; i < nn; i++)
      for (int j = 0; j < f->n_comp; j++) field[i * nc + col + j] = tmp[i * f->n_comp + j];
    col += f->n_comp;
  }
  PetscCall(PetscFree(tmp));
  PetscFunctionReturn(0);
}
