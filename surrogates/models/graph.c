/* One mesh as the surrogates see it: P2 nodes with category, position, wall distance,
 * input fields and conditions; the directed edges of the node graph; the targets when the
 * mesh comes from a dataset sample. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode FFSurrogateGraphBuildEdges(FFSurrogateGraph *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(g->senders));
  PetscCall(PetscFree(g->receivers));
  PetscCall(FFMeshEdges(g->n_nodes, g->n_cells, 6, 6, g->cells, &g->n_edges, &g->senders, &g->receivers));
  PetscFunctionReturn(0);
}

static PetscErrorCode Allocate(FFSurrogateGraph *g, int n_in, int n_out)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc3(2 * (size_t)g->n_nodes, &g->coords, g->n_nodes, &g->sdf, g->n_nodes, &g->category));
  PetscCall(PetscMalloc1(6 * (size_t)g->n_cells + 1, &g->cells));
  if (n_in) PetscCall(PetscMalloc1((size_t)g->n_nodes * n_in, &g->inputs));
  if (n_out) PetscCall(PetscMalloc1((size_t)g->n_nodes * n_out, &g->target));
  PetscFunctionReturn(0);
}

/* The fields' columns side by side on all nodes (vertex fields extended, FFFieldToNodes). */
static PetscErrorCode GatherFields(const FFSample *s, int n, const FFSurrogateField *fields, int cols, double *out)
{
  double *tmp;
  int c0 = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)s->mesh.n_nodes * 4 + 1, &tmp));
  for (int k = 0; k < n; k++) {
    const FFField *f = FFSampleField(s, fields[k].name);
    PetscCheck(f && f->n_comp == fields[k].n_comp && f->n_comp <= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "sample %ld: field '%s' is missing or has other components than the model's", s->index, fields[k].name);
    PetscCallFF(FFFieldToNodes(s, f, tmp));
    for (int i = 0; i < s->mesh.n_nodes; i++)
      for (int c = 0; c < f->n_comp; c++) {
        const double v = tmp[(size_t)i * f->n_comp + c];
        PetscCheck(isfinite(v), PETSC_COMM_SELF, PETSC_ERR_FP, "sample %ld: field '%s' is not finite at node %d",
                   s->index, fields[k].name, i);
        out[(size_t)i * cols + c0 + c] = v;
      }
    c0 += f->n_comp;
  }
  PetscCall(PetscFree(tmp));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGraphFromSample(const FFSurrogateSchema *schema, const FFSample *s, FFSurrogateGraph *g)
{
  const FFSampleMesh *m = &s->mesh;
  const int n_in = FFSurrogateSchemaInputColumns(schema), n_out = FFSurrogateSchemaOutputColumns(schema);

  PetscFunctionBegin;
  memset(g, 0, sizeof *g);
  PetscCheck(m->n_nodes > 0 && m->coords && m->cells, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "sample %ld has no mesh (read with FF_READ_MESH)", s->index);
  g->index = s->index;
  g->n_nodes = m->n_nodes;
  g->n_vertices = m->n_vertices;
  g->n_cells = m->n_cells;
  PetscCall(Allocate(g, n_in, n_out));
  for (int i = 0; i < m->n_nodes; i++) {
    g->coords[2 * i] = m->coords[2 * i];
    g->coords[2 * i + 1] = m->coords[2 * i + 1];
    g->sdf[i] = m->sdf ? m->sdf[i] : 0.0;
    const int t = m->node_type[i];
    PetscCheck(t >= 0 && t <= m->n_groups, PETSC_COMM_SELF, PETSC_ERR_ARG_CORRUPT, "sample %ld: node %d has type %d",
               s->index, i, t);
    g->category[i] = (unsigned char)(t == 0 ? FF_NODE_INTERIOR : FFNodeCategoryOfGroup(m->group_names[t - 1]));
  }
  for (long k = 0; k < 6L * m->n_cells; k++) g->cells[k] = m->cells[k];
  PetscCall(FFSurrogateGraphBuildEdges(g));
  for (int k = 0; k < schema->n_cond; k++) {
    const FFScalar *v = FFScalarFind(s->params, s->n_params, schema->cond[k].name);
    PetscCheck(v, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no parameter '%s' (the model's condition)",
               s->index, schema->cond[k].name);
    g->cond[k] = v->value;
  }
  if (n_in) PetscCall(GatherFields(s, schema->n_inputs, schema->inputs, n_in, g->inputs));
  if (n_out && s->n_fields)
    PetscCall(GatherFields(s, schema->n_fields, schema->fields, n_out, g->target));
  else
    PetscCall(PetscFree(g->target));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGraphFromNodeGraph(const FFSurrogateSchema *schema, const FFNodeGraph *ng,
                                             const double cond[], const double *inputs, FFSurrogateGraph *g)
{
  const int n_in = FFSurrogateSchemaInputColumns(schema);

  PetscFunctionBegin;
  memset(g, 0, sizeof *g);
  PetscCheck(!n_in || inputs, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the model needs input fields");
  g->index = -1;
  g->n_nodes = (int)ng->n_nodes;
  g->n_vertices = (int)ng->n_vertices;
  g->n_cells = (int)ng->n_cells;
  PetscCall(Allocate(g, n_in, 0));
  for (int i = 0; i < g->n_nodes; i++) {
    g->coords[2 * i] = ng->coords[2 * i];
    g->coords[2 * i + 1] = ng->coords[2 * i + 1];
    g->sdf[i] = ng->sdf[i];
    const PetscInt t = ng->type[i];
    g->category[i] = (unsigned char)(t == 0 ? FF_NODE_INTERIOR : FFNodeCategoryOfGroup(ng->group_names[t - 1]));
  }
  for (long k = 0; k < 6L * g->n_cells; k++) g->cells[k] = (int)ng->cells[k];
  PetscCall(FFSurrogateGraphBuildEdges(g));
  for (int k = 0; k < schema->n_cond; k++) g->cond[k] = cond[k];
  if (n_in) PetscCall(PetscArraycpy(g->inputs, inputs, (size_t)g->n_nodes * n_in));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGraphDestroy(FFSurrogateGraph *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(g->coords, g->sdf, g->category));
  PetscCall(PetscFree(g->cells));
  PetscCall(PetscFree(g->senders));
  PetscCall(PetscFree(g->receivers));
  PetscCall(PetscFree(g->inputs));
  PetscCall(PetscFree(g->target));
  PetscCall(PetscFree(g->node_x));
  PetscCall(PetscFree(g->edge_x));
  PetscCall(PetscFree(g->cond_x));
  PetscCall(PetscFree(g->target_x));
  FFGraphDestroy(&g->graph);
  if (g->levels) PetscCall(FFSurrogateLevelsDestroy(g->levels));
  PetscCall(PetscFree(g->levels));
  memset(g, 0, sizeof *g);
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGraphsFromSamples(const FFSurrogateSchema *schema, long n, const FFSample *samples,
                                            FFSurrogateGraph **graphs)
{
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n + 1, graphs));
  for (long i = 0; i < n; i++) PetscCall(FFSurrogateGraphFromSample(schema, &samples[i], &(*graphs)[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGraphsDestroy(long n, FFSurrogateGraph **graphs)
{
  PetscFunctionBegin;
  if (!*graphs) PetscFunctionReturn(0);
  for (long i = 0; i < n; i++) PetscCall(FFSurrogateGraphDestroy(&(*graphs)[i]));
  PetscCall(PetscFree(*graphs));
  PetscFunctionReturn(0);
}
