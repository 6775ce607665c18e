/* A sample as a VTU of quadratic triangles (through the VTK bridge), for ParaView: every
 * field on all P2 nodes (vertex fields extended exactly), node types and distance. */
#include "ff_io.h"

#include <stdlib.h>
#include <string.h>

static void FreeArrays(double **arrays, int n)
{
  for (int k = 0; k < n; k++) free(arrays[k]);
}

FFErrorCode FFSampleWriteVtu(const FFSample *s, const char *path)
{
  const FFSampleMesh *m = &s->mesh;
  FF_ASSERT(s->status == FF_SAMPLE_OK, FF_ERR_ARG, "sample %ld failed (%s): it has no fields to export", s->index,
            s->reason);
  FF_ASSERT(m->n_nodes > 0 && m->coords && m->cells && m->node_type && m->sdf, FF_ERR_STATE,
            "sample %ld: the mesh is needed (read with FF_READ_MESH)", s->index);
  int nf = s->n_fields;
  int64_t *conn = NULL;
  double **values = NULL;
  FFVtkField *fields = NULL;
  int32_t *type = NULL;
  FFErrorCode rc = FFMalloc(sizeof *conn * 6 * (size_t)m->n_cells + 1, &conn);
  if (!rc) rc = FFCalloc((size_t)nf + 1, sizeof *values, &values);
  if (!rc) rc = FFCalloc((size_t)nf + 2, sizeof *fields, &fields);
  if (!rc) rc = FFMalloc(sizeof *type * (size_t)m->n_nodes, &type);
  for (long k = 0; !rc && k < 6L * m->n_cells; k++) conn[k] = m->cells[k];
  for (int i = 0; !rc && i < m->n_nodes; i++) type[i] = m->node_type[i];
  for (int f = 0; !rc && f < nf; f++) {
    const FFField *fd = &s->fields[f];
    rc = FFMalloc(sizeof(double) * (size_t)m->n_nodes * fd->n_comp, &values[f]);
    if (!rc) rc = FFFieldToNodes(s, fd, values[f]);
    fields[f] = (FFVtkField){fd->name, fd->n_comp, values[f], NULL};
  }
  if (!rc) {
    fields[nf] = (FFVtkField){"node_type", 1, NULL, type};
    fields[nf + 1] = (FFVtkField){"sdf", 1, m->sdf, NULL};
    FFVtkMesh mesh = {m->n_nodes, 2, m->coords, m->n_cells, FF_VTK_QUADRATIC_TRIANGLE, conn, nf + 2, fields, 0, NULL};
    rc = FFVtkWrite(path, &mesh);
  }
  if (values) FreeArrays(values, nf);
  free(values);
  free(fields);
  free(conn);
  free(type);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}
