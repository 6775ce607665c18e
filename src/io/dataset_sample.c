/* One sample file: checks, the HDF5 layout of docs/formats.md (schema 1), atomic write, read. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_FORMAT "fieldflow-sample"

/* ---------- checks before writing ---------- */

static FFErrorCode CheckName(const char *name, const char *what, long index)
{
  FF_ASSERT(name[0], FF_ERR_ARG, "sample %ld: %s with an empty name", index, what);
  FF_ASSERT(strlen(name) < FF_NAME_LEN, FF_ERR_ARG, "sample %ld: %s name too long", index, what);
  FF_ASSERT(!strchr(name, '/') && strcmp(name, ".") && strcmp(name, ".."), FF_ERR_ARG,
            "sample %ld: %s name '%s' is not a valid HDF5 link name", index, what, name);
  return FF_SUCCESS;
}

static FFErrorCode CheckScalars(const FFScalar *list, int n, const char *what, int need_finite, long index)
{
  FF_ASSERT(n >= 0 && (n == 0 || list), FF_ERR_ARG, "sample %ld: %d %s but no array", index, n, what);
  for (int i = 0; i < n; i++) {
    FF_CHECK(CheckName(list[i].name, what, index));
    for (int k = 0; k < i; k++)
      FF_ASSERT(strcmp(list[i].name, list[k].name), FF_ERR_ARG, "sample %ld: %s '%s' given twice", index, what,
                list[i].name);
    FF_ASSERT(!need_finite || isfinite(list[i].value), FF_ERR_NUMERIC, "sample %ld: %s '%s' is not finite (%g)", index,
              what, list[i].name, list[i].value);
  }
  return FF_SUCCESS;
}

static FFErrorCode CheckFinite(const double *x, size_t n, const char *what, long index)
{
  for (size_t i = 0; i < n; i++)
    FF_ASSERT(isfinite(x[i]), FF_ERR_NUMERIC,
              "sample %ld: %s has a non-finite value at entry %zu (a solve that did not converge must be written as "
              "failed)",
              index, what, i);
  return FF_SUCCESS;
}

static FFErrorCode CheckMesh(const FFSampleMesh *m, long index)
{
  FF_ASSERT(m->n_vertices > 0 && m->n_vertices <= m->n_nodes && m->n_cells >= 0 && m->n_groups >= 0, FF_ERR_ARG,
            "sample %ld: mesh sizes n_nodes %d, n_vertices %d, n_cells %d, n_groups %d are inconsistent", index,
            m->n_nodes, m->n_vertices, m->n_cells, m->n_groups);
  FF_ASSERT(m->coords && m->node_type && m->sdf && (m->n_cells == 0 || m->cells) &&
                (m->n_groups == 0 || m->group_names),
            FF_ERR_ARG, "sample %ld: mesh arrays missing (coords, cells, node_type, sdf, group_names)", index);
  FF_CHECK(CheckFinite(m->coords, 2 * (size_t)m->n_nodes, "mesh coordinates", index));
  FF_CHECK(CheckFinite(m->sdf, (size_t)m->n_nodes, "signed distance", index));
  for (long i = 0; i < 6L * m->n_cells; i++)
    FF_ASSERT(m->cells[i] >= 0 && m->cells[i] < m->n_nodes, FF_ERR_ARG, "sample %ld: cell %ld refers to node %d of %d",
              index, i / 6, m->cells[i], m->n_nodes);
  for (int i = 0; i < m->n_nodes; i++)
    FF_ASSERT(m->node_type[i] >= 0 && m->node_type[i] <= m->n_groups, FF_ERR_ARG,
              "sample %ld: node %d has type %d, outside 0..%d (n_groups)", index, i, m->node_type[i], m->n_groups);
  for (int g = 0; g < m->n_groups; g++)
    FF_ASSERT(m->group_names[g] && m->group_names[g][0], FF_ERR_ARG, "sample %ld: boundary group %d has no name", index,
              g);
  if (m->row_ptr) {
    FF_ASSERT(m->row_ptr[0] == 0 && (m->row_ptr[m->n_nodes] == 0 || m->col), FF_ERR_ARG,
              "sample %ld: node graph row_ptr must start at 0 and come with col", index);
    for (int i = 0; i < m->n_nodes; i++)
      FF_ASSERT(m->row_ptr[i + 1] >= m->row_ptr[i], FF_ERR_ARG, "sample %ld: node graph row_ptr decreases at %d", index,
                i);
    for (int k = 0; k < m->row_ptr[m->n_nodes]; k++)
      FF_ASSERT(m->col[k] >= 0 && m->col[k] < m->n_nodes, FF_ERR_ARG, "sample %ld: node graph col[%d] = %d", index, k,
                m->col[k]);
  }
  return FF_SUCCESS;
}

int FFFieldRows(const FFSample *s, const FFField *f)
{
  return f->location == FF_FIELD_VERTICES ? s->mesh.n_vertices : s->mesh.n_nodes;
}

static FFErrorCode CheckFields(const FFSample *s)
{
  int ok = s->status == FF_SAMPLE_OK;
  FF_ASSERT(s->n_fields >= 0 && (s->n_fields == 0 || s->fields), FF_ERR_ARG, "sample %ld: fields missing", s->index);
  FF_ASSERT(s->n_fields == 0 || s->mesh.n_nodes > 0, FF_ERR_ARG, "sample %ld: fields given without a mesh", s->index);
  for (int i = 0; i < s->n_fields; i++) {
    const FFField *f = &s->fields[i];
    FF_CHECK(CheckName(f->name, "field", s->index));
    for (int k = 0; k < i; k++)
      FF_ASSERT(strcmp(f->name, s->fields[k].name), FF_ERR_ARG, "sample %ld: field '%s' given twice", s->index,
                f->name);
    FF_ASSERT(f->location == FF_FIELD_NODES || f->location == FF_FIELD_VERTICES, FF_ERR_ARG,
              "sample %ld: field '%s' has an unknown location", s->index, f->name);
    FF_ASSERT(f->n_comp >= 1 && f->data, FF_ERR_ARG, "sample %ld: field '%s' has %d components and %s data", s->index,
              f->name, f->n_comp, f->data ? "some" : "no");
    if (ok) {
      char what[128];
      snprintf(what, sizeof what, "field '%s'", f->name);
      FF_CHECK(CheckFinite(f->data, (size_t)FFFieldRows(s, f) * f->n_comp, what, s->index));
    }
  }
  return FF_SUCCESS;
}

static FFErrorCode CheckSample(const FFSample *s)
{
  FF_ASSERT(s->index >= 0, FF_ERR_ARG, "sample index must be >= 0, got %ld", s->index);
  FF_ASSERT(s->status == FF_SAMPLE_OK || s->status == FF_SAMPLE_FAILED, FF_ERR_ARG, "sample %ld: unknown status",
            s->index);
  FF_ASSERT(s->status == FF_SAMPLE_OK || s->reason[0], FF_ERR_ARG, "sample %ld: a failed sample needs a reason",
            s->index);
  FF_ASSERT(memchr(s->case_name, '\0', sizeof s->case_name) && memchr(s->reason, '\0', sizeof s->reason), FF_ERR_ARG,
            "sample %ld: case name or reason not terminated", s->index);
  int ok = s->status == FF_SAMPLE_OK;
  FF_CHECK(CheckScalars(s->params, s->n_params, "parameter", 1, s->index));
  FF_CHECK(CheckScalars(s->forces, s->n_forces, "force", ok, s->index));
  FF_CHECK(CheckScalars(s->solver.extra, s->solver.n_extra, "solver statistic", 0, s->index));
  FF_ASSERT(!ok || s->mesh.n_nodes > 0, FF_ERR_ARG, "sample %ld: a solved sample needs its mesh", s->index);
  if (s->mesh.n_nodes > 0) FF_CHECK(CheckMesh(&s->mesh, s->index));
  FF_CHECK(CheckFields(s));
  const FFSurfacePressure *c = &s->surface;
  if (c->n > 0) {
    FF_ASSERT(c->s && c->x && c->y && c->cp, FF_ERR_ARG, "sample %ld: surface pressure arrays missing", s->index);
    FF_CHECK(CheckName(c->body, "surface body", s->index));
    if (ok) FF_CHECK(CheckFinite(c->cp, (size_t)c->n, "C_p", s->index));
  }
  return FF_SUCCESS;
}

/* ---------- writing ---------- */

static FFErrorCode WriteScalars(hid_t file, const char *group, const FFScalar *list, int n)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, group, FF_H5_LINK_ORDER, &g));
  for (int i = 0; i < n; i++) FF_CHECK(FFH5WriteScalar(g, list[i].name, list[i].value, list[i].units));
  FFH5Close(&g);
  return FF_SUCCESS;
}

static FFErrorCode WriteMesh(hid_t file, const FFSampleMesh *m)
{
  hid_t g, d;
  FF_CHECK(FFH5CreateGroup(file, "mesh", FF_H5_LINK_ORDER, &g));
  FF_CHECK(FFH5AttrInt(g, "n_nodes", m->n_nodes));
  FF_CHECK(FFH5AttrInt(g, "n_vertices", m->n_vertices));
  FF_CHECK(FFH5AttrInt(g, "n_cells", m->n_cells));
  FF_CHECK(FFH5AttrString(g, "node_order",
                          "P2 nodes: the mesh vertices first (pressure lives on them), then the "
                          "edge midpoints"));
  hsize_t d2[2] = {(hsize_t)m->n_nodes, 2}, d1[1] = {(hsize_t)m->n_nodes}, dc[2] = {(hsize_t)m->n_cells, 6};
  FF_CHECK(FFH5WriteArray(g, "coords", H5T_NATIVE_DOUBLE, 2, d2, m->coords, "1", "node coordinates (x, y)", &d));
  FF_CHECK(FFH5AttrString(d, "components", "x,y"));
  FFH5Close(&d);
  FF_CHECK(FFH5WriteArray(g, "cells", H5T_NATIVE_INT, 2, dc, m->cells, NULL,
                          "6 nodes per triangle, VTK quadratic-triangle order: 3 vertices, then the midpoints of "
                          "edges 01, 12, 20",
                          NULL));
  FF_CHECK(FFH5WriteArray(g, "node_type", H5T_NATIVE_INT, 1, d1, m->node_type, NULL,
                          "0: interior fluid node; g + 1: on boundary group g (group_names[g])", NULL));
  FF_CHECK(FFH5WriteStrings(g, "group_names", m->n_groups, (const char *const *)m->group_names));
  FF_CHECK(FFH5WriteArray(g, "sdf", H5T_NATIVE_DOUBLE, 1, d1, m->sdf, "1", "distance to the nearest wall", NULL));
  if (m->row_ptr) {
    hid_t gg;
    hsize_t dr[1] = {(hsize_t)m->n_nodes + 1}, dcol[1] = {(hsize_t)m->row_ptr[m->n_nodes]};
    FF_CHECK(FFH5CreateGroup(g, "graph", FF_H5_LINK_ORDER, &gg));
    FF_CHECK(FFH5WriteArray(gg, "row_ptr", H5T_NATIVE_INT, 1, dr, m->row_ptr, NULL,
                            "CSR row pointers of the symmetric node adjacency (no self-loops)", NULL));
    FF_CHECK(FFH5WriteArray(gg, "col", H5T_NATIVE_INT, 1, dcol, m->col, NULL, "CSR column indices", NULL));
    FFH5Close(&gg);
  }
  if (m->msh)
    FF_CHECK(FFH5WriteBytes(g, "msh", m->msh, strlen(m->msh),
                            "the Gmsh .msh file (text) the mesh was read from: rebuilds the same DMPlex"));
  FFH5Close(&g);
  return FF_SUCCESS;
}

static FFErrorCode WriteFields(hid_t file, const FFSample *s)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, "fields", FF_H5_LINK_ORDER, &g));
  for (int i = 0; i < s->n_fields; i++) {
    const FFField *f = &s->fields[i];
    hid_t d;
    hsize_t dims[2] = {(hsize_t)FFFieldRows(s, f), (hsize_t)f->n_comp};
    FF_CHECK(FFH5WriteArray(g, f->name, H5T_NATIVE_DOUBLE, 2, dims, f->data, f->units, NULL, &d));
    FFErrorCode rc = FFH5AttrString(d, "location", f->location == FF_FIELD_VERTICES ? "vertices" : "nodes");
    if (!rc) rc = FFH5AttrString(d, "components", f->components);
    FFH5Close(&d);
    FF_CHECK(rc);
  }
  FFH5Close(&g);
  return FF_SUCCESS;
}

static FFErrorCode WriteSurface(hid_t file, const FFSurfacePressure *c)
{
  hid_t g;
  hsize_t dims[1] = {(hsize_t)c->n};
  FF_CHECK(FFH5CreateGroup(file, "surface", FF_H5_LINK_ORDER, &g));
  FF_CHECK(FFH5AttrString(g, "body", c->body));
  FF_CHECK(FFH5WriteArray(g, "s", H5T_NATIVE_DOUBLE, 1, dims, c->s, "1", "arc position along the body", NULL));
  FF_CHECK(FFH5WriteArray(g, "x", H5T_NATIVE_DOUBLE, 1, dims, c->x, "1", NULL, NULL));
  FF_CHECK(FFH5WriteArray(g, "y", H5T_NATIVE_DOUBLE, 1, dims, c->y, "1", NULL, NULL));
  FF_CHECK(FFH5WriteArray(g, "cp", H5T_NATIVE_DOUBLE, 1, dims, c->cp, "1", "pressure coefficient C_p", NULL));
  FFH5Close(&g);
  return FF_SUCCESS;
}

static FFErrorCode WriteSolver(hid_t file, const FFSolverStats *st)
{
  hid_t g;
  FF_CHECK(FFH5CreateGroup(file, "solver", FF_H5_LINK_ORDER, &g));
  FF_CHECK(FFH5AttrInt(g, "iterations", st->iterations));
  FF_CHECK(FFH5AttrDouble(g, "final_residual", st->final_residual));
  FF_CHECK(FFH5AttrDouble(g, "wall_time", st->wall_time));
  for (int i = 0; i < st->n_extra; i++)
    FF_CHECK(FFH5WriteScalar(g, st->extra[i].name, st->extra[i].value, st->extra[i].units));
  FFH5Close(&g);
  return FF_SUCCESS;
}

static FFErrorCode WriteContent(hid_t file, void *ctx)
{
  const FFSample *s = ctx;
  FF_CHECK(FFDatasetStampWrite(file, SAMPLE_FORMAT));
  FF_CHECK(FFH5AttrInt(file, "index", s->index));
  FF_CHECK(FFH5AttrString(file, "case", s->case_name));
  FF_CHECK(FFH5AttrString(file, "status", s->status == FF_SAMPLE_OK ? "ok" : "failed"));
  FF_CHECK(FFH5AttrString(file, "reason", s->reason));
  FF_CHECK(FFH5WriteText(file, "options", s->options ? s->options : ""));
  FF_CHECK(WriteScalars(file, "params", s->params, s->n_params));
  if (s->mesh.n_nodes > 0) FF_CHECK(WriteMesh(file, &s->mesh));
  if (s->n_fields > 0) FF_CHECK(WriteFields(file, s));
  FF_CHECK(WriteScalars(file, "forces", s->forces, s->n_forces));
  if (s->surface.n > 0) FF_CHECK(WriteSurface(file, &s->surface));
  FF_CHECK(WriteSolver(file, &s->solver));
  return FF_SUCCESS;
}

FFErrorCode FFSampleWrite(const char *path, const FFSample *s)
{
  const FFH5Seal seal = {"sample", s->index, s->status == FF_SAMPLE_OK ? "ok" : "failed"};
  FF_CHECK(CheckSample(s));
  FF_CHECK(FFH5WriteFile(path, FF_H5_DATASET_FILE, &seal, WriteContent, (void *)s));
  return FF_SUCCESS;
}

/* ---------- reading ---------- */

static FFErrorCode ReadScalars(hid_t file, const char *group, FFScalar **list, int *n)
{
  hid_t g;
  char **names = NULL;
  int count;
  *n = 0;
  if (!FFH5Has(file, group)) return FF_SUCCESS;
  FF_CHECK(FFH5OpenGroup(file, group, &g));
  FF_CHECK(FFH5List(g, &count, &names));
  FFErrorCode rc = FFCalloc(count ? count : 1, sizeof **list, list);
  for (int i = 0; !rc && i < count; i++) {
    rc = FFCopyName((*list)[i].name, FF_NAME_LEN, names[i], "name");
    if (!rc) rc = FFH5ReadScalar(g, names[i], &(*list)[i].value, (*list)[i].units, FF_NAME_LEN);
  }
  FFStringsFree(&names, count);
  FFH5Close(&g);
  FF_CHECK(rc);
  *n = count;
  return FF_SUCCESS;
}

static FFErrorCode ReadMesh(hid_t g, unsigned what, FFSampleMesh *m)
{
  int64_t v;
  hsize_t dims[2];
  FF_CHECK(FFH5GetAttrInt(g, "n_nodes", &v));
  m->n_nodes = (int)v;
  FF_CHECK(FFH5GetAttrInt(g, "n_vertices", &v));
  m->n_vertices = (int)v;
  FF_CHECK(FFH5GetAttrInt(g, "n_cells", &v));
  m->n_cells = (int)v;
  FF_ASSERT(m->n_nodes > 0 && m->n_vertices > 0 && m->n_vertices <= m->n_nodes && m->n_cells >= 0, FF_ERR_FORMAT,
            "mesh sizes n_nodes %d, n_vertices %d, n_cells %d are inconsistent", m->n_nodes, m->n_vertices, m->n_cells);
  if (what & FF_READ_MESH) {
    FF_CHECK(FFMalloc(2 * sizeof(double) * m->n_nodes, &m->coords));
    FF_CHECK(FFH5ReadArrayInto(g, "coords", H5T_NATIVE_DOUBLE, 2 * (size_t)m->n_nodes, m->coords));
    FF_CHECK(FFMalloc(6 * sizeof(int) * (size_t)m->n_cells, &m->cells));
    FF_CHECK(FFH5ReadArrayInto(g, "cells", H5T_NATIVE_INT, 6 * (size_t)m->n_cells, m->cells));
    FF_CHECK(FFMalloc(sizeof(int) * m->n_nodes, &m->node_type));
    FF_CHECK(FFH5ReadArrayInto(g, "node_type", H5T_NATIVE_INT, (size_t)m->n_nodes, m->node_type));
    FF_CHECK(FFMalloc(sizeof(double) * m->n_nodes, &m->sdf));
    FF_CHECK(FFH5ReadArrayInto(g, "sdf", H5T_NATIVE_DOUBLE, (size_t)m->n_nodes, m->sdf));
    FF_CHECK(FFH5ReadStrings(g, "group_names", &m->n_groups, &m->group_names));
  }
  if ((what & FF_READ_GRAPH) && FFH5Has(g, "graph")) {
    hid_t gg;
    FF_CHECK(FFH5OpenGroup(g, "graph", &gg));
    FFErrorCode rc = FFMalloc(sizeof(int) * ((size_t)m->n_nodes + 1), &m->row_ptr);
    if (!rc) rc = FFH5ReadArrayInto(gg, "row_ptr", H5T_NATIVE_INT, (size_t)m->n_nodes + 1, m->row_ptr);
    if (!rc) rc = FFH5ReadArray(gg, "col", H5T_NATIVE_INT, 1, dims, (void **)&m->col);
    if (!rc && (long long)dims[0] != m->row_ptr[m->n_nodes])
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "node graph: %lld columns, row_ptr says %d",
                      (long long)dims[0], m->row_ptr[m->n_nodes]);
    FFH5Close(&gg);
    FF_CHECK(rc);
  }
  if ((what & FF_READ_MESH_FILE) && FFH5Has(g, "msh")) FF_CHECK(FFH5ReadBytesAsText(g, "msh", &m->msh));
  return FF_SUCCESS;
}

static FFErrorCode ReadField(hid_t g, const char *name, FFSample *s, FFField *f)
{
  hsize_t dims[2];
  char location[32];
  hid_t d;
  FF_CHECK(FFCopyName(f->name, sizeof f->name, name, "field name"));
  FF_CHECK(FFH5ReadArray(g, name, H5T_NATIVE_DOUBLE, 2, dims, (void **)&f->data));
  f->n_comp = (int)dims[1];
  d = H5Dopen2(g, name, H5P_DEFAULT);
  FFErrorCode rc = FFH5GetAttrString(d, "location", location, sizeof location);
  if (!rc) rc = FFH5GetAttrString(d, "units", f->units, sizeof f->units);
  if (!rc) rc = FFH5GetAttrString(d, "components", f->components, sizeof f->components);
  FFH5Close(&d);
  FF_CHECK(rc);
  FF_ASSERT(!strcmp(location, "nodes") || !strcmp(location, "vertices"), FF_ERR_FORMAT,
            "field '%s' has unknown location '%s'", name, location);
  f->location = !strcmp(location, "vertices") ? FF_FIELD_VERTICES : FF_FIELD_NODES;
  FF_ASSERT((int)dims[0] == FFFieldRows(s, f), FF_ERR_FORMAT, "field '%s' has %d rows, the mesh has %d %s", name,
            (int)dims[0], FFFieldRows(s, f), location);
  return FF_SUCCESS;
}

static FFErrorCode ReadFields(hid_t file, FFSample *s)
{
  hid_t g;
  char **names = NULL;
  int n;
  FF_CHECK(FFH5OpenGroup(file, "fields", &g));
  FF_CHECK(FFH5List(g, &n, &names));
  FFErrorCode rc = FFCalloc(n ? n : 1, sizeof *s->fields, &s->fields);
  for (int i = 0; !rc && i < n; i++) {
    rc = ReadField(g, names[i], s, &s->fields[i]);
    s->n_fields = i + 1; /* so that Destroy frees what was read */
  }
  FFStringsFree(&names, n);
  FFH5Close(&g);
  return rc;
}

static FFErrorCode ReadSurface(hid_t file, FFSurfacePressure *c)
{
  hid_t g;
  hsize_t dims[1];
  FF_CHECK(FFH5OpenGroup(file, "surface", &g));
  FFErrorCode rc = FFH5GetAttrString(g, "body", c->body, sizeof c->body);
  if (!rc) rc = FFH5ReadArray(g, "s", H5T_NATIVE_DOUBLE, 1, dims, (void **)&c->s);
  if (!rc) c->n = (int)dims[0];
  double **arrays[3] = {&c->x, &c->y, &c->cp};
  const char *names[3] = {"x", "y", "cp"};
  for (int k = 0; !rc && k < 3; k++) {
    rc = FFMalloc(sizeof(double) * (c->n ? c->n : 1), arrays[k]);
    if (!rc) rc = FFH5ReadArrayInto(g, names[k], H5T_NATIVE_DOUBLE, (size_t)c->n, *arrays[k]);
  }
  FFH5Close(&g);
  return rc;
}

static FFErrorCode ReadSolver(hid_t file, FFSolverStats *st)
{
  hid_t g;
  int64_t it;
  FF_CHECK(FFH5OpenGroup(file, "solver", &g));
  FFErrorCode rc = FFH5GetAttrInt(g, "iterations", &it);
  if (!rc) rc = FFH5GetAttrDouble(g, "final_residual", &st->final_residual);
  if (!rc) rc = FFH5GetAttrDouble(g, "wall_time", &st->wall_time);
  st->iterations = (long)it;
  FFH5Close(&g);
  FF_CHECK(rc);
  FF_CHECK(ReadScalars(file, "solver", &st->extra, &st->n_extra));
  return FF_SUCCESS;
}

typedef struct {
  unsigned what;
  FFSample *s;
} ReadCtx;

static FFErrorCode ReadContent(hid_t file, void *ctx)
{
  const unsigned what = ((ReadCtx *)ctx)->what;
  FFSample *s = ((ReadCtx *)ctx)->s;
  char status[16];
  int64_t index;
  FF_CHECK(FFDatasetStampCheck(file, SAMPLE_FORMAT, "sample"));
  FF_CHECK(FFH5GetAttrInt(file, "index", &index));
  s->index = (long)index;
  FF_CHECK(FFH5GetAttrString(file, "case", s->case_name, sizeof s->case_name));
  FF_CHECK(FFH5GetAttrString(file, "status", status, sizeof status));
  FF_ASSERT(!strcmp(status, "ok") || !strcmp(status, "failed"), FF_ERR_FORMAT, "unknown status '%s'", status);
  s->status = !strcmp(status, "ok") ? FF_SAMPLE_OK : FF_SAMPLE_FAILED;
  FF_CHECK(FFH5GetAttrString(file, "reason", s->reason, sizeof s->reason));
  if (what & FF_READ_OPTIONS) FF_CHECK(FFH5ReadText(file, "options", &s->options));
  FF_CHECK(ReadScalars(file, "params", &s->params, &s->n_params));
  FF_CHECK(ReadScalars(file, "forces", &s->forces, &s->n_forces));
  FF_CHECK(ReadSolver(file, &s->solver));
  if (FFH5Has(file, "mesh")) {
    hid_t g;
    FF_CHECK(FFH5OpenGroup(file, "mesh", &g));
    FFErrorCode rc = ReadMesh(g, what, &s->mesh);
    FFH5Close(&g);
    FF_CHECK(rc);
  }
  if ((what & FF_READ_FIELDS) && FFH5Has(file, "fields")) FF_CHECK(ReadFields(file, s));
  if ((what & FF_READ_SURFACE) && FFH5Has(file, "surface")) FF_CHECK(ReadSurface(file, &s->surface));
  return FF_SUCCESS;
}

FFErrorCode FFSampleRead(const char *path, unsigned what, FFSample *s)
{
  FFFileHeader h;
  memset(s, 0, sizeof *s);
  FF_CHECK(FFFileVerify(path, FF_VERIFY_FULL, &h));
  FF_ASSERT(!strcmp(h.kind, "sample"), FF_ERR_FORMAT, "'%s' is a fieldflow %s file, not a sample", path, h.kind);
  ReadCtx ctx = {what, s};
  FFErrorCode rc = FFH5ReadFile(path, ReadContent, &ctx);
  if (rc) {
    char why[2048];
    snprintf(why, sizeof why, "%s", FFErrorMessage());
    FFSampleDestroy(s);
    /* The checksum matched, so this is a file of another schema or a bug: say which file. */
    return FFErrorSet(rc, __FILE__, __LINE__, __func__, "cannot read sample '%s': %s", path, why);
  }
  return FF_SUCCESS;
}

void FFSampleDestroy(FFSample *s)
{
  FFFree(&s->options);
  FFFree(&s->params);
  FFFree(&s->forces);
  FFFree(&s->solver.extra);
  FFSampleMesh *m = &s->mesh;
  FFFree(&m->coords);
  FFFree(&m->cells);
  FFFree(&m->node_type);
  FFFree(&m->sdf);
  FFFree(&m->row_ptr);
  FFFree(&m->col);
  FFFree(&m->msh);
  FFStringsFree(&m->group_names, m->n_groups);
  for (int i = 0; s->fields && i < s->n_fields; i++) FFFree(&s->fields[i].data);
  FFFree(&s->fields);
  FFFree(&s->surface.s);
  FFFree(&s->surface.x);
  FFFree(&s->surface.y);
  FFFree(&s->surface.cp);
  memset(s, 0, sizeof *s);
}

FFErrorCode FFFieldToNodes(const FFSample *s, const FFField *f, double *out)
{
  const FFSampleMesh *m = &s->mesh;
  int nc = f->n_comp;
  FF_ASSERT(m->n_nodes > 0 && (f->location == FF_FIELD_NODES || m->cells), FF_ERR_STATE,
            "field '%s' of sample %ld: the mesh cells are needed (read with FF_READ_MESH)", f->name, s->index);
  memcpy(out, f->data, sizeof(double) * (size_t)FFFieldRows(s, f) * nc);
  if (f->location == FF_FIELD_NODES) return FF_SUCCESS;
  for (int c = 0; c < m->n_cells; c++) {
    const int *cell = &m->cells[6 * c];
    for (int k = 0; k < 3; k++) {
      int a = cell[k], b = cell[(k + 1) % 3], mid = cell[3 + k];
      FF_ASSERT(a < m->n_vertices && b < m->n_vertices && mid >= m->n_vertices, FF_ERR_FORMAT,
                "sample %ld: cell %d does not list 3 vertices then 3 edge nodes", s->index, c);
      for (int j = 0; j < nc; j++) out[(size_t)mid * nc + j] = 0.5 * (f->data[a * nc + j] + f->data[b * nc + j]);
    }
  }
  return FF_SUCCESS;
}

const FFField *FFSampleField(const FFSample *s, const char *name)
{
  for (int i = 0; i < s->n_fields; i++)
    if (!strcmp(s->fields[i].name, name)) return &s->fields[i];
  return NULL;
}

const FFScalar *FFScalarFind(const FFScalar *list, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(list[i].name, name)) return &list[i];
  return NULL;
}
