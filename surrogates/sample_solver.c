/* The reference solver of a stored sample, rebuilt: the sample's options text and its
 * parameters go into a private options database, the case is meshed again (Gmsh is
 * deterministic for the same input) and the node positions are compared with the stored
 * mesh, so forces and residuals of a prediction are computed on exactly the sample's mesh. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <string.h>

/* Options text as in a case file: '#' starts a comment that runs to the end of the line. */
static PetscErrorCode InsertOptionsText(PetscOptions opts, const char *text)
{
  char *buf;
  size_t n = strlen(text), k = 0;
  int comment = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n + 1, &buf));
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '\n')
      comment = 0;
    else if (text[i] == '#')
      comment = 1;
    buf[k++] = comment || text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i];
  }
  buf[k] = '\0';
  PetscCall(PetscOptionsInsertString(opts, buf));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSameMesh(const FFSample *sample, const FFNodeGraph *ng)
{
  const FFSampleMesh *m = &sample->mesh;
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY}, worst = 0;

  PetscFunctionBegin;
  PetscCheck(ng->n_nodes == m->n_nodes && ng->n_vertices == m->n_vertices, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "sample %ld: meshing its case again gives %d nodes (%d vertices), the sample has %d (%d)", sample->index,
             (int)ng->n_nodes, (int)ng->n_vertices, m->n_nodes, m->n_vertices);
  for (int i = 0; i < m->n_nodes; i++)
    for (int d = 0; d < 2; d++) {
      lo[d] = PetscMin(lo[d], m->coords[2 * i + d]);
      hi[d] = PetscMax(hi[d], m->coords[2 * i + d]);
      worst = PetscMax(worst, fabs(ng->coords[2 * i + d] - m->coords[2 * i + d]));
    }
  const double tol = 1e-9 * PetscMax(hi[0] - lo[0], hi[1] - lo[1]);
  PetscCheck(worst <= tol, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "sample %ld: meshing its case again moves nodes by up to %g (another gmsh version?)", sample->index,
             worst);
  PetscFunctionReturn(0);
}

static PetscErrorCode Build(MPI_Comm comm, const FFSample *sample, FFMesh *mesh, FFSolver *solver)
{
  FFNodeGraph ng;
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCall(FFMeshCreate(comm, mesh));
  PetscCall(FFMeshSetFromOptions(*mesh));
  PetscCall(FFMeshSetUp(*mesh));
  PetscCall(FFSolverCreate(comm, solver));
  PetscCall(FFSolverSetMesh(*solver, *mesh));
  PetscCall(FFSolverSetFromOptions(*solver));
  PetscCall(FFSolverSetUp(*solver));
  PetscCall(FFSolverCreateNodeGraph(*solver, &ng));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscErrorCode ierr = size == 1 && sample->mesh.n_nodes ? CheckSameMesh(sample, &ng) : 0;
  if (!ierr) ierr = FFSolverSetNodeGraph(*solver, &ng);
  PetscCall(FFNodeGraphDestroy(&ng));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSampleCreateSolver(MPI_Comm comm, const FFSample *sample, FFMesh *mesh, FFSolver *solver)
{
  PetscOptions opts;

  PetscFunctionBegin;
  *mesh = NULL;
  *solver = NULL;
  PetscCheck(sample->options, comm, PETSC_ERR_ARG_WRONG,
             "sample %ld has no options text (read it with FF_READ_OPTIONS): its case cannot be rebuilt",
             sample->index);
  PetscCall(PetscOptionsCreate(&opts));
  PetscCall(InsertOptionsText(opts, sample->options));
  for (int k = 0; k < sample->n_params; k++) {
    char name[FF_NAME_MAX + 2], value[64];
    snprintf(name, sizeof name, "-%s", sample->params[k].name);
    snprintf(value, sizeof value, "%.17g", sample->params[k].value);
    PetscCall(PetscOptionsSetValue(opts, name, value));
  }
  PetscCall(PetscOptionsPush(opts));
  PetscErrorCode ierr = Build(comm, sample, mesh, solver);
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&opts));
  if (ierr) {
    PetscCall(FFSolverDestroy(solver));
    PetscCall(FFMeshDestroy(mesh));
  }
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
