/* The graph the flow network runs on: the model's rows (all P2 nodes, or the vertices), their
 * static features, the mesh edges between them, and the disjoint union of a batch of copies. */
#include "flow_private.h"
#include "ff_mesh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int CompareKeys(const void *a, const void *b)
{
  const long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

/* Undirected edges between model rows from the cells: the cell's edges between vertices, or
 * the edges of the four sub-triangles of each P2 triangle (VTK order v0 v1 v2 m01 m12 m20). */
static PetscErrorCode CollectEdges(FFFlowModel m, long long **keys, long *n_keys)
{
  static const int p1[3][2] = {{0, 1}, {1, 2}, {2, 0}};
  static const int p2[9][2] = {{0, 3}, {0, 5}, {3, 5}, {1, 4}, {1, 3}, {3, 4}, {2, 5}, {2, 4}, {4, 5}};
  const int per = m->on_vertices ? 3 : 9;
  const FFSampleMesh *mesh = &m->mesh;
  long n = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)mesh->n_cells * per, keys));
  for (int c = 0; c < mesh->n_cells; c++) {
    const int *cell = mesh->cells + 6 * c;
    for (int k = 0; k < per; k++) {
      long long a = cell[m->on_vertices ? p1[k][0] : p2[k][0]], b = cell[m->on_vertices ? p1[k][1] : p2[k][1]];
      PetscCheck(a >= 0 && a < m->rows && b >= 0 && b < m->rows, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
                 "flow model: cell %d refers to node %lld or %lld outside the %d model nodes", c, a, b, m->rows);
      (*keys)[n++] = a < b ? a * m->rows + b : b * m->rows + a;
    }
  }
  qsort(*keys, (size_t)n, sizeof **keys, CompareKeys);
  long u = 0;
  for (long i = 0; i < n; i++)
    if (!u || (*keys)[i] != (*keys)[u - 1]) (*keys)[u++] = (*keys)[i];
  *n_keys = u;
  PetscFunctionReturn(0);
}

static PetscErrorCode BuildEdges(FFFlowModel m)
{
  long long *keys = NULL;
  long n = 0;
  double mean_len = 0;

  PetscFunctionBegin;
  PetscCall(CollectEdges(m, &keys, &n));
  m->n_edges = (int)(2 * n);
  PetscCall(PetscMalloc3(m->n_edges, &m->senders, m->n_edges, &m->receivers, (size_t)m->n_edges * FF_FLOW_EDGE_IN,
                         &m->edge_x));
  for (long i = 0; i < n; i++) {
    const int a = (int)(keys[i] / m->rows), b = (int)(keys[i] % m->rows);
    m->senders[2 * i] = a, m->receivers[2 * i] = b;
    m->senders[2 * i + 1] = b, m->receivers[2 * i + 1] = a;
  }
  PetscCall(PetscFree(keys));
  for (int e = 0; e < m->n_edges; e++) {
    const double *xs = m->mesh.coords + 2 * m->senders[e], *xr = m->mesh.coords + 2 * m->receivers[e];
    mean_len += hypot(xr[0] - xs[0], xr[1] - xs[1]) / m->n_edges;
  }
  PetscCheck(mean_len > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "flow model: the mesh has no edges of positive length");
  for (int e = 0; e < m->n_edges; e++) {
    const double *xs = m->mesh.coords + 2 * m->senders[e], *xr = m->mesh.coords + 2 * m->receivers[e];
    float *f = m->edge_x + (size_t)e * FF_FLOW_EDGE_IN;
    f[0] = (float)((xr[0] - xs[0]) / mean_len);
    f[1] = (float)((xr[1] - xs[1]) / mean_len);
    f[2] = (float)(hypot(xr[0] - xs[0], xr[1] - xs[1]) / mean_len);
  }
  PetscFunctionReturn(0);
}

/* One-hot node category, position and distance to the walls, standardized over the rows. */
static PetscErrorCode BuildStatic(FFFlowModel m)
{
  const FFSampleMesh *mesh = &m->mesh;
  double mean[3] = {0, 0, 0}, var[3] = {0, 0, 0};

  PetscFunctionBegin;
  PetscCall(PetscCalloc1((size_t)m->rows * FF_FLOW_STATIC_IN, &m->static_x));
  for (int i = 0; i < m->rows; i++) {
    const double v[3] = {mesh->coords[2 * i], mesh->coords[2 * i + 1], mesh->sdf ? mesh->sdf[i] : 0};
    for (int k = 0; k < 3; k++) mean[k] += v[k] / m->rows;
  }
  for (int i = 0; i < m->rows; i++) {
    const double v[3] = {mesh->coords[2 * i], mesh->coords[2 * i + 1], mesh->sdf ? mesh->sdf[i] : 0};
    for (int k = 0; k < 3; k++) var[k] += (v[k] - mean[k]) * (v[k] - mean[k]) / m->rows;
  }
  for (int i = 0; i < m->rows; i++) {
    float *f = m->static_x + (size_t)i * FF_FLOW_STATIC_IN;
    const int type = mesh->node_type[i];
    int cat = 0;
    if (type > 0 && type <= mesh->n_groups) cat = (int)FFNodeCategoryOfGroup(mesh->group_names[type - 1]);
    f[cat] = 1.0f;
    const double v[3] = {mesh->coords[2 * i], mesh->coords[2 * i + 1], mesh->sdf ? mesh->sdf[i] : 0};
    for (int k = 0; k < 3; k++) f[FF_FLOW_CATEGORIES + k] = (float)(var[k] > 0 ? (v[k] - mean[k]) / sqrt(var[k]) : 0);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelBuildGraph(FFFlowModel m)
{
  PetscFunctionBegin;
  PetscCall(BuildStatic(m));
  PetscCall(BuildEdges(m));
  PetscCallFF(FFGraphCreate(&m->graph));
  PetscCallFF(FFIndexMapCreate(&m->sample_of));
  PetscFunctionReturn(0);
}

static PetscErrorCode GrowUnion(FFFlowModel m, int n)
{
  const size_t R = (size_t)m->rows, E = (size_t)m->n_edges;

  PetscFunctionBegin;
  if (m->max_batch)
    PetscCall(PetscFree7(m->u_static, m->u_edge, m->inv_count, m->u_send, m->u_recv, m->u_sample, m->cond_x));
  PetscCall(PetscMalloc7(n * R * FF_FLOW_STATIC_IN, &m->u_static, n * E * FF_FLOW_EDGE_IN, &m->u_edge, n, &m->inv_count,
                         n * E, &m->u_send, n * E, &m->u_recv, n * R, &m->u_sample, (size_t)n * FF_FLOW_MAX_COND + 1,
                         &m->cond_x));
  for (int s = 0; s < n; s++) {
    PetscCall(PetscArraycpy(m->u_static + s * R * FF_FLOW_STATIC_IN, m->static_x, R * FF_FLOW_STATIC_IN));
    PetscCall(PetscArraycpy(m->u_edge + s * E * FF_FLOW_EDGE_IN, m->edge_x, E * FF_FLOW_EDGE_IN));
    for (size_t e = 0; e < E; e++) {
      m->u_send[s * E + e] = (int)(s * R) + m->senders[e];
      m->u_recv[s * E + e] = (int)(s * R) + m->receivers[e];
    }
    for (size_t i = 0; i < R; i++) m->u_sample[s * R + i] = s;
    m->inv_count[s] = 1.0f / (float)R;
  }
  m->max_batch = n;
  m->batch = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelSetBatch(FFFlowModel m, int n)
{
  PetscFunctionBegin;
  PetscCheck(n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "flow model: batch of %d samples", n);
  if (n > m->max_batch) PetscCall(GrowUnion(m, n));
  if (n != m->batch) {
    PetscCallFF(FFGraphSetEdges(m->graph, n * m->rows, n * m->n_edges, m->u_send, m->u_recv));
    PetscCallFF(FFIndexMapSet(m->sample_of, n, n * m->rows, m->u_sample));
    m->batch = n;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowModelFreeGraph(FFFlowModel m)
{
  PetscFunctionBegin;
  if (m->max_batch)
    PetscCall(PetscFree7(m->u_static, m->u_edge, m->inv_count, m->u_send, m->u_recv, m->u_sample, m->cond_x));
  m->max_batch = m->batch = 0;
  PetscCall(PetscFree(m->static_x));
  if (m->senders) PetscCall(PetscFree3(m->senders, m->receivers, m->edge_x));
  FFGraphDestroy(&m->graph);
  FFIndexMapDestroy(&m->sample_of);
  PetscFunctionReturn(0);
}
