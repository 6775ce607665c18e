/* The solution as node fields on the P2 nodes, written as a .vtu through the VTK bridge
 * (quadratic triangles, so P2 fields are exact): velocity, pressure, vorticity for
 * Navier-Stokes; permeability and pressure for Darcy. */
#include "ff_petsc.h"
#include "solver_private.h"
#include "ff_io.h"

#include <stdlib.h>

typedef struct {
  FFMesh mesh;
  FFNodeGraph *graph;
} SerialGraph;

static PetscErrorCode SerialGraphOnRank0(void *ctx)
{
  SerialGraph *c = ctx;
  FFMesh serial;
  PetscFunctionBegin;
  PetscCall(FFMeshCreateSerial(c->mesh, &serial));
  PetscErrorCode ierr = FFNodeGraphCreate(serial, c->graph);
  PetscCall(FFMeshDestroy(&serial));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The node graph of the undistributed mesh: on several ranks rank 0 builds it from a serial
 * copy of the mesh (FFMeshCreateSerial), as the graph needs every cell; other ranks get an
 * empty graph. */
PetscErrorCode FFSolverCreateNodeGraph(FFSolver s, FFNodeGraph *graph)
{
  PetscMPIInt size;
  SerialGraph ctx = {s->mesh, graph};

  PetscFunctionBegin;
  PetscCheck(s->mesh, s->comm, PETSC_ERR_ORDER, "the node graph needs the solver's mesh (FFSolverSetMesh)");
  PetscCall(PetscMemzero(graph, sizeof *graph));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  if (size == 1) {
    PetscCall(FFNodeGraphCreate(s->mesh, graph));
    PetscFunctionReturn(0);
  }
  PetscCall(FFRunOnRank0(s->comm, SerialGraphOnRank0, &ctx));
  PetscFunctionReturn(0);
}

/* One column of a node field (n_nodes x nc) as its own array. */
static void Column(const PetscReal *field, PetscInt n, PetscInt nc, PetscInt c, double *out)
{
  for (PetscInt i = 0; i < n; i++) out[i] = (double)field[i * nc + c];
}

typedef struct {
  FFSolver s;
  const FFNodeGraph *graph;
  const char *path;
  PetscReal *field, *vorticity;
} VtuCtx;

static PetscErrorCode WriteOnRankZero(void *ctx)
{
  const VtuCtx *c = ctx;
  FFSolver s = c->s;
  const FFNodeGraph *graph = c->graph;
  const char *path = c->path;
  PetscReal *field = c->field, *vorticity = c->vorticity;
  const PetscInt n = s->n_nodes, nc = s->n_components;
  double *velocity, *a, *b;
  int64_t *conn;
  FFVtkField fields[3];
  int nf = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(2 * n, &velocity, n, &a, n, &b, 6 * graph->n_cells, &conn));
  for (PetscInt i = 0; i < 6 * graph->n_cells; i++) conn[i] = graph->cells[i];
  if (s->problem == FF_PROBLEM_NAVIER_STOKES) {
    for (PetscInt i = 0; i < n; i++) velocity[2 * i] = field[i * nc], velocity[2 * i + 1] = field[i * nc + 1];
    Column(field, n, nc, 2, a);
    for (PetscInt i = 0; i < n; i++) b[i] = vorticity[i];
    fields[nf++] = (FFVtkField){"velocity", 2, velocity, NULL};
    fields[nf++] = (FFVtkField){"pressure", 1, a, NULL};
    fields[nf++] = (FFVtkField){"vorticity", 1, b, NULL};
  } else {
    Column(field, n, nc, 0, a);
    Column(field, n, nc, 1, b);
    fields[nf++] = (FFVtkField){"permeability", 1, a, NULL};
    fields[nf++] = (FFVtkField){"pressure", 1, b, NULL};
  }
  FFVtkMesh vm = {n, 2, graph->coords, graph->n_cells, FF_VTK_QUADRATIC_TRIANGLE, conn, nf, fields, 0, NULL};
  FFErrorCode rc = FFVtkWrite(path, &vm);
  PetscCall(PetscFree4(velocity, a, b, conn));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverWriteVTU(FFSolver s, const char path[])
{
  PetscReal *field = NULL, *vorticity = NULL;

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the solve did not converge; nothing written", path);
  FFNodeGraph graph;
  PetscCall(FFSolverCreateNodeGraph(s, &graph));
  if (!s->point_node) PetscCall(FFSolverSetNodeGraph(s, &graph));
  PetscCall(PetscMalloc2((size_t)s->n_nodes * s->n_components, &field, s->n_nodes, &vorticity));
  PetscCall(FFSolverStateToNodeField(s, s->u, field));
  if (s->problem == FF_PROBLEM_NAVIER_STOKES) PetscCall(FFSolverComputeVorticity(s, vorticity));
  VtuCtx ctx = {s, &graph, path, field, vorticity};
  PetscErrorCode ierr = FFRunOnRank0(s->comm, WriteOnRankZero, &ctx);
  PetscCall(PetscFree2(field, vorticity));
  PetscCall(FFNodeGraphDestroy(&graph));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
