/* The solver a flow model's samples are judged with: the dataset's (rebuilt from a stored
 * sample) or a case meshed now, whose mesh must be the model's. */
#include "ff_sweep.h"
#include "flow_private.h"

#include <string.h>

PetscErrorCode FFFlowSolverFromDataset(FFFlowModel m, const char *data_dir, FFFlowSolver *fs)
{
  const char *dir = data_dir && data_dir[0] ? data_dir : m->data_dir;
  FFDataset ds;
  FFSweepSolver *ss;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fs, sizeof *fs));
  if (FFDatasetOpen(dir, &ds))
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "the model's dataset: %s", FFErrorMessage());
  PetscCall(PetscNew(&ss));
  PetscErrorCode ierr = FFSweepSolverFromDataset(PETSC_COMM_SELF, ds, m->mesh_sample, ss);
  if (!ierr) {
    fs->rebuilt = ss;
    fs->solver = ss->solver;
    ierr = PetscStrncpy(fs->body, ss->body, sizeof fs->body);
  }
  if (!ierr) ierr = FFFlowPhysicsCreate(m, fs->solver, &fs->phys);
  /* the Reynolds range of the fit at an unobserved Re: the dataset's, widened 2x */
  const FFDatasetSpec *spec = FFDatasetGetSpec(ds);
  for (int j = 0; !ierr && j < spec->n_params; j++)
    if (!strcmp(spec->params[j].name, "re"))
      ierr = FFFlowPhysicsSetReynoldsRange(fs->phys, spec->params[j].lo / 2, spec->params[j].hi * 2);
  FFDatasetDestroy(&ds);
  if (ierr && !fs->rebuilt) PetscCall(PetscFree(ss));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowSolverFromOptions(FFFlowModel m, FFFlowSolver *fs)
{
  FFNodeGraph g;
  FFSampleMesh mesh;
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fs, sizeof *fs));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &fs->mesh));
  PetscCall(FFMeshSetFromOptions(fs->mesh));
  PetscCall(FFMeshSetUp(fs->mesh));
  PetscCall(FFNodeGraphCreate(fs->mesh, &g));
  PetscCall(FFFlowMeshFromNodeGraph(&g, &mesh));
  const PetscBool same = FFFlowMeshSame(&mesh, &m->mesh, 1e-9);
  const int nodes = mesh.n_nodes;
  PetscCall(FFFlowMeshDestroy(&mesh));
  if (!same) PetscCall(FFNodeGraphDestroy(&g));
  PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "the case's mesh (%d nodes) is not the mesh the flow model generates on (%d nodes): a flow model "
             "samples fields on its training mesh",
             nodes, m->mesh.n_nodes);
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &fs->solver));
  PetscCall(FFSolverSetMesh(fs->solver, fs->mesh));
  PetscCall(FFSolverSetFromOptions(fs->solver));
  PetscCall(FFSolverSetUp(fs->solver));
  PetscCall(FFSolverSetNodeGraph(fs->solver, &g));
  PetscCall(FFNodeGraphDestroy(&g));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-forces_body", fs->body, sizeof fs->body, &set));
  PetscInt n_groups;
  PetscCall(FFMeshGetNumGroups(fs->mesh, &n_groups));
  for (PetscInt k = 0; !set && k < n_groups; k++) {
    const char *name;
    PetscCall(FFMeshGetGroupName(fs->mesh, k, &name));
    if (!strcmp(name, "cylinder") || !strcmp(name, "airfoil") || !strcmp(name, "body"))
      PetscCall(PetscStrncpy(fs->body, name, sizeof fs->body));
  }
  PetscCall(FFFlowPhysicsCreate(m, fs->solver, &fs->phys));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowSolverDestroy(FFFlowSolver *fs)
{
  PetscFunctionBegin;
  PetscCall(FFFlowPhysicsDestroy(&fs->phys));
  if (fs->rebuilt) {
    FFSweepSolver *ss = (FFSweepSolver *)fs->rebuilt;
    PetscCall(FFSweepSolverDestroy(ss));
    PetscCall(PetscFree(ss));
  } else {
    PetscCall(FFSolverDestroy(&fs->solver));
    PetscCall(FFMeshDestroy(&fs->mesh));
  }
  PetscCall(PetscMemzero(fs, sizeof *fs));
  PetscFunctionReturn(0);
}
