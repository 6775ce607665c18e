/* Generated fields as VTU files on the model's mesh (quadratic triangles: P2 fields exact). */
#include "ff_io.h"
#include "flow_private.h"

#include <string.h>

PetscErrorCode FFFlowWriteVtu(FFFlowModel m, int n, const char *const names[], const int comps[],
                              const double *const values[], const char *path)
{
  const FFSampleMesh *mesh = &m->mesh;
  int64_t *conn;
  int32_t *type;
  FFVtkField *fields;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(6 * (size_t)mesh->n_cells, &conn, mesh->n_nodes, &type, n + 2, &fields));
  for (size_t k = 0; k < 6 * (size_t)mesh->n_cells; k++) conn[k] = mesh->cells[k];
  for (int i = 0; i < mesh->n_nodes; i++) type[i] = mesh->node_type[i];
  for (int k = 0; k < n; k++) fields[k] = (FFVtkField){names[k], comps[k], values[k], NULL};
  fields[n] = (FFVtkField){"node_type", 1, NULL, type};
  fields[n + 1] = (FFVtkField){"sdf", 1, mesh->sdf, NULL};
  const FFVtkMesh vm = {mesh->n_nodes, 2, mesh->coords, mesh->n_cells, FF_VTK_QUADRATIC_TRIANGLE, conn, n + 2,
                        fields,        0, NULL};
  FFErrorCode rc = FFVtkWrite(path, &vm);
  PetscCall(PetscFree3(conn, type, fields));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowWriteFieldsVtu(FFFlowModel m, int n_sets, const char *const suffixes[],
                                    const double *const fields[], const char *path)
{
  const int nf = m->n_fields, N = m->mesh.n_nodes, C = m->cols, n = n_sets * nf;
  char(*names)[FF_NAME_LEN + 32];
  const char **np;
  int *comps;
  double **vals;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(n, &names, n, &np, n, &comps, n, &vals));
  for (int s = 0, k = 0; s < n_sets; s++)
    for (int f = 0, off = 0; f < nf; f++, k++) {
      const int nc = m->fields[f].n_comp;
      snprintf(names[k], sizeof names[k], "%s%s%s", m->fields[f].name, suffixes[s][0] ? "_" : "", suffixes[s]);
      np[k] = names[k];
      comps[k] = nc;
      PetscCall(PetscMalloc1((size_t)N * nc, &vals[k]));
      for (int i = 0; i < N; i++)
        for (int c = 0; c < nc; c++) vals[k][(size_t)i * nc + c] = fields[s][(size_t)i * C + off + c];
      off += nc;
    }
  PetscErrorCode ierr = FFFlowWriteVtu(m, n, np, comps, (const double *const *)vals, path);
  for (int k = 0; k < n; k++) PetscCall(PetscFree(vals[k]));
  PetscCall(PetscFree4(names, np, comps, vals));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
