/* The graph the flow network runs on: the model's rows (all P2 nodes, or the vertices), their
 * static features, the mesh edges between them, and the disjoint union of a batch of copies. */
#include "ff_mesh.h"
#include "flow_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The mesh edges between model rows: the sides of the cells' vertex triangles when the rows
 * are the vertices, else the edges of the P2 triangles' sub-triangles (FFMeshEdges); edge
 * features are the offsets and lengths in units of the mean edge length. */
static PetscErrorCode BuildEdges(FFFlowModel m)
{
  const FFSampleMesh *mesh = &m->mesh;
  double mean_len = 0;

  PetscFunctionBegin;
  PetscCall(FFMeshEdges(m->rows, mesh->n_cells, m->on_vertices ? 3 : 6, 6, mesh->cells, &m->n_edges, &m->senders,
                        &m->receivers));
  PetscCall(PetscMalloc1((size_t)m->n_edges * FF_FLOW_EDGE_IN + 1, &m->edge_x));
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
  PetscCall(PetscFree(m->senders));
  PetscCall(PetscFree(m->receivers));
  PetscCall(PetscFree(m->edge_x));
  FFGraphDestroy(&m->graph);
  FFIndexMapDestroy(&m->sample_of);
  PetscFunctionReturn(0);
}
