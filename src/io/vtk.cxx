// The VTK bridge: the one C++ file of fieldflow, exported to C through ff_io.h.
#include "ff_io.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>
#include <vtkCallbackCommand.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCommand.h>
#include <vtkDataArray.h>
#include <vtkDoubleArray.h>
#include <vtkGenericCell.h>
#include <vtkIdTypeArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkSmartPointer.h>
#include <vtkStaticCellLocator.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridWriter.h>
#include <vtkZLibDataCompressor.h>

namespace {

// VTK reports errors through events; an observer keeps them out of stderr and in our message.
struct ErrorCatcher {
  std::string message;
  vtkNew<vtkCallbackCommand> command;
  ErrorCatcher()
  {
    command->SetClientData(this);
    command->SetCallback([](vtkObject *, unsigned long, void *client, void *call) {
      auto *self = static_cast<ErrorCatcher *>(client);
      if (self->message.empty() && call) self->message = static_cast<const char *>(call);
    });
  }
  void Watch(vtkObject *obj)
  {
    obj->AddObserver(vtkCommand::ErrorEvent, command);
    obj->AddObserver(vtkCommand::WarningEvent, command);
  }
};

std::string FirstLine(const std::string &s)
{
  // VTK messages start with a location line; keep the text that says what went wrong
  std::string t = s;
  size_t pos = t.find("\n");
  while (pos != std::string::npos && pos + 1 < t.size() && t.compare(0, 5, "ERROR") == 0) {
    t = t.substr(pos + 1);
    pos = t.find("\n");
  }
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

FFErrorCode CheckField(const FFVtkField &f, int64_t n, const char *where)
{
  FF_ASSERT(f.name && *f.name, FF_ERR_ARG, "a %s field has no name", where);
  FF_ASSERT(f.n_components >= 1 && f.n_components <= 3, FF_ERR_ARG,
            "%s field '%s': %d components (1, 2 or 3 supported)", where, f.name, f.n_components);
  FF_ASSERT((f.values != nullptr) != (f.int_values != nullptr) || n == 0, FF_ERR_ARG,
            "%s field '%s': give exactly one of values and int_values", where, f.name);
  return FF_SUCCESS;
}

vtkSmartPointer<vtkDataArray> MakeArray(const FFVtkField &f, int64_t n)
{
  const int nc = f.n_components == 2 ? 3 : f.n_components;
  vtkSmartPointer<vtkDataArray> a;
  if (f.int_values)
    a = vtkSmartPointer<vtkIntArray>::New();
  else
    a = vtkSmartPointer<vtkDoubleArray>::New();
  a->SetName(f.name);
  a->SetNumberOfComponents(nc);
  a->SetNumberOfTuples(n);
  for (int64_t i = 0; i < n; i++)
    for (int k = 0; k < nc; k++) {
      double v = 0;
      if (k < f.n_components)
        v = f.int_values ? f.int_values[i * f.n_components + k] : f.values[i * f.n_components + k];
      a->SetComponent(i, k, v);
    }
  return a;
}

FFErrorCode BuildGrid(const FFVtkMesh *m, vtkUnstructuredGrid *grid)
{
  FF_ASSERT(m->dim == 2 || m->dim == 3, FF_ERR_ARG, "points must have 2 or 3 coordinates, not %d", m->dim);
  FF_ASSERT(m->cell_type == FF_VTK_TRIANGLE || m->cell_type == FF_VTK_QUADRATIC_TRIANGLE, FF_ERR_ARG,
            "unsupported VTK cell type %d", m->cell_type);
  const int npc = m->cell_type == FF_VTK_TRIANGLE ? 3 : 6;
  vtkNew<vtkPoints> pts;
  pts->SetDataTypeToDouble();
  pts->SetNumberOfPoints(m->n_points);
  for (int64_t i = 0; i < m->n_points; i++) {
    const double *x = m->points + i * m->dim;
    pts->SetPoint(i, x[0], x[1], m->dim == 3 ? x[2] : 0.0);
  }
  grid->SetPoints(pts);
  vtkNew<vtkIdTypeArray> offsets, conn;
  offsets->SetNumberOfValues(m->n_cells + 1);
  conn->SetNumberOfValues(m->n_cells * npc);
  for (int64_t c = 0; c <= m->n_cells; c++) offsets->SetValue(c, c * npc);
  for (int64_t i = 0; i < m->n_cells * npc; i++) {
    int64_t p = m->connectivity[i];
    FF_ASSERT(p >= 0 && p < m->n_points, FF_ERR_ARG, "cell %lld refers to point %lld of %lld", (long long)(i / npc),
              (long long)p, (long long)m->n_points);
    conn->SetValue(i, p);
  }
  vtkNew<vtkCellArray> cells;
  cells->SetData(offsets, conn);
  grid->SetCells(m->cell_type, cells);
  for (int f = 0; f < m->n_point_fields; f++) {
    FF_CHECK(CheckField(m->point_fields[f], m->n_points, "point"));
    grid->GetPointData()->AddArray(MakeArray(m->point_fields[f], m->n_points));
  }
  for (int f = 0; f < m->n_cell_fields; f++) {
    FF_CHECK(CheckField(m->cell_fields[f], m->n_cells, "cell"));
    grid->GetCellData()->AddArray(MakeArray(m->cell_fields[f], m->n_cells));
  }
  return FF_SUCCESS;
}

FFErrorCode ReadArrays(vtkFieldData *fd, int *n, FFVtkArray **arrays, int64_t count)
{
  *n = 0;
  *arrays = nullptr;
  int na = fd->GetNumberOfArrays();
  if (!na) return FF_SUCCESS;
  FF_CHECK(FFCalloc((size_t)na, sizeof(FFVtkArray), arrays));
  for (int i = 0; i < na; i++) {
    vtkDataArray *a = fd->GetArray(i);
    if (!a) continue;
    FFVtkArray *out = &(*arrays)[(*n)++];
    snprintf(out->name, sizeof out->name, "%s", a->GetName() ? a->GetName() : "");
    out->n_components = a->GetNumberOfComponents();
    out->is_integer = a->GetDataType() != VTK_DOUBLE && a->GetDataType() != VTK_FLOAT;
    FF_CHECK(FFMalloc(sizeof(double) * (size_t)(count * out->n_components) + 1, &out->values));
    for (int64_t t = 0; t < count; t++)
      for (int k = 0; k < out->n_components; k++) out->values[t * out->n_components + k] = a->GetComponent(t, k);
  }
  return FF_SUCCESS;
}

// A quick look at the file first, so that VTK's XML parser does not complain on stderr.
FFErrorCode CheckVtuHeader(const char *path)
{
  FF_ASSERT(FFFileExists(path), FF_ERR_IO, "cannot read '%s': no such file", path);
  char head[512] = "";
  FILE *f = fopen(path, "rb");
  FF_ASSERT(f, FF_ERR_IO, "cannot open '%s'", path);
  size_t n = fread(head, 1, sizeof head - 1, f);
  fclose(f);
  head[n] = '\0';
  FF_ASSERT(strstr(head, "<VTKFile") && strstr(head, "UnstructuredGrid"), FF_ERR_FORMAT,
            "'%s' is not a VTK XML unstructured grid (.vtu) file", path);
  return FF_SUCCESS;
}

// A .vtu read through VTK, its errors in our message (the header checked first).
FFErrorCode ReadGrid(const char *path, vtkSmartPointer<vtkUnstructuredGrid> *grid)
{
  FF_CHECK(CheckVtuHeader(path));
  vtkNew<vtkXMLUnstructuredGridReader> reader;
  ErrorCatcher errors;
  errors.Watch(reader);
  reader->SetFileName(path);
  reader->Update();
  *grid = reader->GetOutput();
  FF_ASSERT(errors.message.empty() && reader->GetErrorCode() == 0 && *grid, FF_ERR_FORMAT,
            "cannot read '%s' as a VTK unstructured grid: %s", path,
            errors.message.empty() ? "reader failed" : FirstLine(errors.message).c_str());
  return FF_SUCCESS;
}

} // namespace

extern "C" FFErrorCode FFVtkWrite(const char *path, const FFVtkMesh *mesh)
{
  char tmp[4200];
  FF_CHECK(FFCheckWritable(path));
  FF_CHECK(FFTempPathFor(path, tmp, sizeof tmp));
  vtkNew<vtkUnstructuredGrid> grid;
  FF_CHECK(BuildGrid(mesh, grid));
  vtkNew<vtkXMLUnstructuredGridWriter> writer;
  ErrorCatcher errors;
  errors.Watch(writer);
  vtkNew<vtkZLibDataCompressor> zlib;
  writer->SetCompressor(zlib);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff(); // raw binary, not base64
  writer->SetFileName(tmp);
  writer->SetInputData(grid);
  int ok = writer->Write();
  if (!ok || writer->GetErrorCode() || !errors.message.empty()) {
    unlink(tmp);
    FF_ERROR(FF_ERR_IO, "cannot write '%s' through VTK: %s", path,
             errors.message.empty() ? "the writer failed" : FirstLine(errors.message).c_str());
  }
  FF_CHECK(FFCommitTemp(tmp, path));
  return FF_SUCCESS;
}

extern "C" FFErrorCode FFVtkWritePvd(const char *path, int n, const char *const files[], const double times[])
{
  FFAtomicFile af;
  FF_CHECK(FFCheckWritable(path));
  FF_CHECK(FFAtomicOpen(path, "w", &af));
  FILE *f = af.f;
  fprintf(f, "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
             "  <Collection>\n");
  for (int i = 0; i < n; i++)
    fprintf(f, "    <DataSet timestep=\"%.17g\" group=\"\" part=\"0\" file=\"%s\"/>\n", times ? times[i] : (double)i,
            files[i]);
  fprintf(f, "  </Collection>\n</VTKFile>\n");
  FF_CHECK(FFAtomicCommit(&af));
  return FF_SUCCESS;
}

extern "C" FFErrorCode FFVtkRead(const char *path, FFVtkData *data)
{
  memset(data, 0, sizeof *data);
  vtkSmartPointer<vtkUnstructuredGrid> owned;
  FF_CHECK(ReadGrid(path, &owned));
  vtkUnstructuredGrid *grid = owned;
  data->n_points = grid->GetNumberOfPoints();
  data->n_cells = grid->GetNumberOfCells();
  FF_CHECK(FFMalloc(sizeof(double) * (size_t)(3 * data->n_points) + 1, &data->points));
  for (int64_t i = 0; i < data->n_points; i++) grid->GetPoint(i, data->points + 3 * i);
  FF_CHECK(FFMalloc(sizeof(int) * (size_t)data->n_cells + 1, &data->cell_types));
  FF_CHECK(FFMalloc(sizeof(int64_t) * (size_t)(data->n_cells + 1), &data->offsets));
  vtkCellArray *cells = grid->GetCells();
  FF_CHECK(FFMalloc(sizeof(int64_t) * (size_t)cells->GetNumberOfConnectivityIds() + 1, &data->connectivity));
  data->offsets[0] = 0;
  for (int64_t c = 0; c < data->n_cells; c++) {
    vtkIdType npts;
    const vtkIdType *ids;
    grid->GetCellPoints(c, npts, ids);
    data->cell_types[c] = grid->GetCellType(c);
    for (vtkIdType k = 0; k < npts; k++) data->connectivity[data->offsets[c] + k] = ids[k];
    data->offsets[c + 1] = data->offsets[c] + npts;
  }
  FF_CHECK(ReadArrays(grid->GetPointData(), &data->n_point_fields, &data->point_fields, data->n_points));
  FF_CHECK(ReadArrays(grid->GetCellData(), &data->n_cell_fields, &data->cell_fields, data->n_cells));
  return FF_SUCCESS;
}

extern "C" void FFVtkDataFree(FFVtkData *data)
{
  for (int i = 0; i < data->n_point_fields; i++) FFFree(&data->point_fields[i].values);
  for (int i = 0; i < data->n_cell_fields; i++) FFFree(&data->cell_fields[i].values);
  FFFree(&data->point_fields);
  FFFree(&data->cell_fields);
  FFFree(&data->points);
  FFFree(&data->cell_types);
  FFFree(&data->offsets);
  FFFree(&data->connectivity);
  memset(data, 0, sizeof *data);
}

extern "C" const FFVtkArray *FFVtkDataField(const FFVtkData *data, const char *name, int on_cells)
{
  int n = on_cells ? data->n_cell_fields : data->n_point_fields;
  const FFVtkArray *a = on_cells ? data->cell_fields : data->point_fields;
  for (int i = 0; i < n; i++)
    if (!strcmp(a[i].name, name)) return &a[i];
  return nullptr;
}

struct _n_FFVtkProbe {
  vtkSmartPointer<vtkUnstructuredGrid> grid;
  vtkNew<vtkStaticCellLocator> locator;
  vtkNew<vtkGenericCell> cell;
  /* the last point located and its cell's weights: a solver asks for each field at a node */
  double last[3] = {NAN, NAN, NAN}, distance = 0;
  std::vector<double> weights;
  vtkIdType cell_id = -1;
};

extern "C" FFErrorCode FFVtkProbeCreate(const char *path, FFVtkProbe *probe)
{
  *probe = nullptr;
  vtkSmartPointer<vtkUnstructuredGrid> grid;
  FF_CHECK(ReadGrid(path, &grid));
  FF_ASSERT(grid->GetNumberOfCells() > 0, FF_ERR_FORMAT, "'%s' has no cells to interpolate from", path);
  auto *p = new _n_FFVtkProbe;
  p->grid = grid;
  p->locator->SetDataSet(grid);
  p->locator->BuildLocator();
  *probe = p;
  return FF_SUCCESS;
}

extern "C" int FFVtkProbeComponents(FFVtkProbe probe, const char *name)
{
  vtkDataArray *a = probe->grid->GetPointData()->GetArray(name);
  return a ? a->GetNumberOfComponents() : 0;
}

extern "C" FFErrorCode FFVtkProbeEvaluate(FFVtkProbe probe, const char *name, const double x[3], double values[],
                                          double *distance)
{
  vtkDataArray *a = probe->grid->GetPointData()->GetArray(name);
  FF_ASSERT(a, FF_ERR_ARG, "the .vtu has no point field '%s'", name);
  if (x[0] != probe->last[0] || x[1] != probe->last[1] || x[2] != probe->last[2]) {
    double closest[3], pcoords[3], dist2 = 0, d2;
    int sub = 0;
    probe->cell_id = -1;
    probe->locator->FindClosestPoint(x, closest, probe->cell, probe->cell_id, sub, dist2);
    FF_ASSERT(probe->cell_id >= 0, FF_ERR_ARG, "no cell of the .vtu near (%g, %g)", x[0], x[1]);
    probe->weights.assign((size_t)probe->cell->GetNumberOfPoints(), 0.0);
    probe->cell->EvaluatePosition(closest, nullptr, sub, pcoords, d2, probe->weights.data());
    for (int k = 0; k < 3; k++) probe->last[k] = x[k];
    probe->distance = std::sqrt(dist2);
  }
  const int nc = a->GetNumberOfComponents();
  for (int c = 0; c < nc; c++) values[c] = 0;
  for (vtkIdType i = 0; i < probe->cell->GetNumberOfPoints(); i++)
    for (int c = 0; c < nc; c++)
      values[c] += probe->weights[(size_t)i] * a->GetComponent(probe->cell->GetPointId(i), c);
  if (distance) *distance = probe->distance;
  return FF_SUCCESS;
}

extern "C" void FFVtkProbeDestroy(FFVtkProbe *probe)
{
  delete *probe;
  *probe = nullptr;
}
