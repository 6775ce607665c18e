/* Between raw node fields (the solver's layout on all mesh nodes) and the normalized rows the
 * flow network sees. */
#include "flow_private.h"

/* The two vertices of every edge-midpoint node, from the cells (VTK order v0 v1 v2 m01 m12 m20). */
PetscErrorCode FFFlowModelBuildMidpoints(FFFlowModel m)
{
  const FFSampleMesh *mesh = &m->mesh;
  const int n_mid = mesh->n_nodes - mesh->n_vertices;
  static const int pair[3][2] = {{0, 1}, {1, 2}, {2, 0}};

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2 * (size_t)n_mid + 1, &m->mid_parent));
  for (int i = 0; i < 2 * n_mid; i++) m->mid_parent[i] = -1;
  for (int c = 0; c < mesh->n_cells; c++) {
    const int *cell = mesh->cells + 6 * c;
    for (int k = 0; k < 3; k++) {
      const int mid = cell[3 + k] - mesh->n_vertices;
      if (mid < 0 || mid >= n_mid) continue; /* a mesh whose midpoints are not numbered after the vertices */
      m->mid_parent[2 * mid] = cell[pair[k][0]];
      m->mid_parent[2 * mid + 1] = cell[pair[k][1]];
    }
  }
  for (int i = 0; i < n_mid; i++)
    PetscCheck(m->mid_parent[2 * i] >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "flow model: node %d is neither a vertex nor an edge midpoint of a cell", mesh->n_vertices + i);
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelRawRows(FFFlowModel m, const FFSample *s, double x[])
{
  double *node;
  int off = 0;

  PetscFunctionBegin;
  PetscCheck(s->mesh.n_nodes == m->mesh.n_nodes, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "flow model: sample %ld has %d nodes, the model's mesh %d", s->index, s->mesh.n_nodes, m->mesh.n_nodes);
  PetscCall(PetscMalloc1((size_t)s->mesh.n_nodes * FF_FLOW_MAX_COLS, &node));
  for (int f = 0; f < m->n_fields; f++) {
    const FFField *field = FFSampleField(s, m->fields[f].name);
    const int nc = m->fields[f].n_comp;
    PetscCheck(field && field->n_comp == nc, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "flow model: sample %ld lacks field '%s' with %d components", s->index, m->fields[f].name, nc);
    PetscCallFF(FFFieldToNodes(s, field, node));
    for (int r = 0; r < m->rows; r++)
      for (int c = 0; c < nc; c++) x[(size_t)r * m->cols + off + c] = node[(size_t)r * nc + c];
    off += nc;
  }
  PetscCall(PetscFree(node));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelNormalizeSample(FFFlowModel m, const FFSample *s, float x[])
{
  const size_t per = (size_t)m->rows * m->cols;
  double *raw;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(per, &raw));
  PetscCall(FFFlowModelRawRows(m, s, raw));
  for (size_t i = 0; i < per; i++) x[i] = (float)((raw[i] - m->mean[i]) / m->std[i]);
  PetscCall(PetscFree(raw));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelDenormalize(FFFlowModel m, const float x[], double field[])
{
  const size_t per = (size_t)m->rows * m->cols;
  const int C = m->cols;

  PetscFunctionBegin;
  for (size_t i = 0; i < per; i++) field[i] = (double)x[i] * m->std[i] + m->mean[i];
  if (m->on_vertices)
    for (int i = m->mesh.n_vertices; i < m->mesh.n_nodes; i++) {
      const int *p = m->mid_parent + 2 * (i - m->mesh.n_vertices);
      for (int c = 0; c < C; c++)
        field[(size_t)i * C + c] = 0.5 * (field[(size_t)p[0] * C + c] + field[(size_t)p[1] * C + c]);
    }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelPullBack(FFFlowModel m, const double dfield[], float dx[])
{
  const size_t per = (size_t)m->rows * m->cols;
  const int C = m->cols;
  double *d;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(per, &d));
  PetscCall(PetscArraycpy(d, dfield, per));
  if (m->on_vertices)
    for (int i = m->mesh.n_vertices; i < m->mesh.n_nodes; i++) {
      const int *p = m->mid_parent + 2 * (i - m->mesh.n_vertices);
      for (int c = 0; c < C; c++) {
        d[(size_t)p[0] * C + c] += 0.5 * dfield[(size_t)i * C + c];
        d[(size_t)p[1] * C + c] += 0.5 * dfield[(size_t)i * C + c];
      }
    }
  for (size_t i = 0; i < per; i++) dx[i] = (float)(d[i] * m->std[i]);
  PetscCall(PetscFree(d));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMeshFromNodeGraph(const FFNodeGraph *g, FFSampleMesh *mesh)
{
  const size_t N = (size_t)g->n_nodes;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(mesh, sizeof *mesh));
  mesh->n_nodes = (int)g->n_nodes;
  mesh->n_vertices = (int)g->n_vertices;
  mesh->n_cells = (int)g->n_cells;
  mesh->n_groups = (int)g->n_groups;
  PetscCall(
      PetscMalloc4(2 * N, &mesh->coords, (size_t)g->n_cells * 6, &mesh->cells, N, &mesh->node_type, N, &mesh->sdf));
  for (size_t i = 0; i < 2 * N; i++) mesh->coords[i] = g->coords[i];
  for (size_t i = 0; i < (size_t)g->n_cells * 6; i++) mesh->cells[i] = (int)g->cells[i];
  for (size_t i = 0; i < N; i++) mesh->node_type[i] = (int)g->type[i], mesh->sdf[i] = g->sdf ? g->sdf[i] : 0;
  PetscCall(PetscCalloc1(g->n_groups + 1, &mesh->group_names));
  for (PetscInt k = 0; k < g->n_groups; k++) PetscCall(PetscStrallocpy(g->group_names[k], &mesh->group_names[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowMeshDestroy(FFSampleMesh *mesh)
{
  char **names = mesh->group_names;

  PetscFunctionBegin;
  PetscCall(FFFlowMeshFree(mesh, &names));
  PetscFunctionReturn(0);
}

PetscBool FFFlowMeshSame(const FFSampleMesh *a, const FFSampleMesh *b, double tol)
{
  if (a->n_nodes != b->n_nodes || a->n_vertices != b->n_vertices || a->n_cells != b->n_cells) return PETSC_FALSE;
  for (size_t i = 0; i < 2 * (size_t)a->n_nodes; i++)
    if (!(PetscAbsReal(a->coords[i] - b->coords[i]) <= tol)) return PETSC_FALSE;
  for (size_t i = 0; i < 6 * (size_t)a->n_cells; i++)
    if (a->cells[i] != b->cells[i]) return PETSC_FALSE;
  return PETSC_TRUE;
}

PetscErrorCode FFFlowModelSampleField(FFFlowModel m, const FFSample *s, double field[])
{
  const int N = m->mesh.n_nodes, C = m->cols;
  double *node;

  PetscFunctionBegin;
  PetscCheck(s->mesh.n_nodes == N, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "sample %ld has %d nodes, the flow model's mesh %d", s->index, s->mesh.n_nodes, N);
  PetscCall(PetscMalloc1((size_t)N * FF_FLOW_MAX_COLS, &node));
  for (int f = 0, off = 0; f < m->n_fields; f++) {
    const FFField *fd = FFSampleField(s, m->fields[f].name);
    const int nc = m->fields[f].n_comp;
    PetscCheck(fd && fd->n_comp == nc, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "sample %ld lacks field '%s' with %d components", s->index, m->fields[f].name, nc);
    PetscCallFF(FFFieldToNodes(s, fd, node));
    for (int i = 0; i < N; i++)
      for (int c = 0; c < nc; c++) field[(size_t)i * C + off + c] = node[(size_t)i * nc + c];
    off += nc;
  }
  PetscCall(PetscFree(node));
  PetscFunctionReturn(0);
}
