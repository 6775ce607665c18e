/* Predicted fields as VTU (quadratic triangles on the P2 nodes, through the dataset module's
 * VTK writer): the prediction under each field's name, and with a reference also
 * <name>_ref and <name>_error (prediction - reference), so ParaView shows all three. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <string.h>

PetscErrorCode FFSurrogateWriteVtu(const FFSurrogateSchema *schema, const FFSampleMesh *mesh, const double *pred,
                                   const double *ref, const char *path)
{
  const int n_out = FFSurrogateSchemaOutputColumns(schema), per = ref ? 3 : 1;
  FFField fields[3 * FF_SURR_MAX_FIELDS];
  double *data;
  FFSample s;
  int c0 = 0;

  PetscFunctionBegin;
  memset(&s, 0, sizeof s);
  memset(fields, 0, sizeof fields);
  s.index = -1;
  s.mesh = *mesh;
  PetscCall(PetscMalloc1((size_t)per * mesh->n_nodes * n_out + 1, &data));
  double *p = data;
  for (int k = 0; k < schema->n_fields; k++) {
    const FFSurrogateField *f = &schema->fields[k];
    const int rows = f->location == FF_FIELD_NODES ? mesh->n_nodes : mesh->n_vertices;
    for (int v = 0; v < per; v++) {
      FFField *out = &fields[per * k + v];
      snprintf(out->name, sizeof out->name, "%.50s%s", f->name, v == 0 ? "" : v == 1 ? "_ref" : "_error");
      snprintf(out->units, sizeof out->units, "1");
      out->location = f->location;
      out->n_comp = f->n_comp;
      out->data = p;
      for (int i = 0; i < rows; i++)
        for (int c = 0; c < f->n_comp; c++) {
          const double a = pred[(size_t)i * n_out + c0 + c], b = ref ? ref[(size_t)i * n_out + c0 + c] : 0;
          *p++ = v == 0 ? a : v == 1 ? b : a - b;
        }
    }
    c0 += f->n_comp;
  }
  s.n_fields = per * schema->n_fields;
  s.fields = fields;
  FFErrorCode rc = FFSampleWriteVtu(&s, path);
  PetscCall(PetscFree(data));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}
