/* Sample files: schema round trip, checksums, truncated and corrupted files detected and
 * named, bad samples refused without leaving files. */
#define _POSIX_C_SOURCE 200809L
#include "ff_test_dataset.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file of the 512-byte header block followed by data, sealed; its header's CRC-32. */
static uint32_t SealedCrc(const char *path, const unsigned char *data, size_t n)
{
  static const unsigned char header[FF_FILE_HEADER_BYTES];
  FILE *f = fopen(path, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_FATAL(fwrite(header, 1, sizeof header, f) == sizeof header && fwrite(data, 1, n, f) == n);
  CU_ASSERT_FATAL(fclose(f) == 0);
  FFFileHeader h;
  FF_TEST_CALL(FFFileSeal(path, "sample", 0, "ok"));
  FF_TEST_CALL(FFFileVerify(path, FF_VERIFY_FULL, &h));
  CU_ASSERT_EQUAL(h.bytes, (long long)(FF_FILE_HEADER_BYTES + n));
  return h.crc32;
}

static void TestCrc32(void)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/crc.bin", FFTestTempDir("dataset_format_crc"));
  /* the CRC-32 check value */
  CU_ASSERT_EQUAL(SealedCrc(path, (const unsigned char *)"123456789", 9), 0xCBF43926u);
  /* over the 1 MiB read chunk; the value is Python's:
   *   zlib.crc32(bytes(((i * 2654435761) & 0xffffffff) >> 24 for i in range(2**20 + 4099))) */
  const size_t n = (1u << 20) + 4099;
  unsigned char *data = malloc(n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(data);
  for (uint32_t i = 0; i < n; i++) data[i] = (unsigned char)((i * 2654435761u) >> 24);
  CU_ASSERT_EQUAL(SealedCrc(path, data, n), 0x7e9518a3u);
  free(data);
  /* a byte changed in the second chunk is caught */
  FILE *f = fopen(path, "r+b");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fseek(f, FF_FILE_HEADER_BYTES + (1L << 20) + 7, SEEK_SET);
  int c = fgetc(f);
  fseek(f, -1, SEEK_CUR);
  fputc(c ^ 0x10, f);
  fclose(f);
  CU_ASSERT_EQUAL(FFFileVerify(path, FF_VERIFY_FULL, NULL), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "checksum mismatch"));
}

static void CompareScalars(const FFScalar *a, int na, const FFScalar *b, int nb)
{
  CU_ASSERT_EQUAL_FATAL(na, nb);
  for (int i = 0; i < na; i++) {
    CU_ASSERT_STRING_EQUAL(a[i].name, b[i].name);
    CU_ASSERT_STRING_EQUAL(a[i].units, b[i].units);
    CU_ASSERT_EQUAL(a[i].value, b[i].value);
  }
}

static void CompareSamples(const FFSample *a, const FFSample *b)
{
  CU_ASSERT_EQUAL(a->index, b->index);
  CU_ASSERT_EQUAL(a->status, b->status);
  CU_ASSERT_STRING_EQUAL(a->reason, b->reason);
  CU_ASSERT_STRING_EQUAL(a->case_name, b->case_name);
  CU_ASSERT_STRING_EQUAL(a->options, b->options);
  CompareScalars(a->params, a->n_params, b->params, b->n_params);
  CompareScalars(a->forces, a->n_forces, b->forces, b->n_forces);
  CompareScalars(a->solver.extra, a->solver.n_extra, b->solver.extra, b->solver.n_extra);
  CU_ASSERT_EQUAL(a->solver.iterations, b->solver.iterations);
  CU_ASSERT_EQUAL(a->solver.final_residual, b->solver.final_residual);
  CU_ASSERT_EQUAL(a->solver.wall_time, b->solver.wall_time);
  const FFSampleMesh *m = &a->mesh, *n = &b->mesh;
  CU_ASSERT_EQUAL_FATAL(m->n_nodes, n->n_nodes);
  CU_ASSERT_EQUAL_FATAL(m->n_cells, n->n_cells);
  CU_ASSERT_EQUAL(m->n_vertices, n->n_vertices);
  CU_ASSERT_EQUAL_FATAL(m->n_groups, n->n_groups);
  CU_ASSERT(!memcmp(m->coords, n->coords, sizeof(double) * 2 * m->n_nodes));
  CU_ASSERT(!memcmp(m->sdf, n->sdf, sizeof(double) * m->n_nodes));
  CU_ASSERT(!memcmp(m->cells, n->cells, sizeof(int) * 6 * m->n_cells));
  CU_ASSERT(!memcmp(m->node_type, n->node_type, sizeof(int) * m->n_nodes));
  for (int g = 0; g < m->n_groups; g++) CU_ASSERT_STRING_EQUAL(m->group_names[g], n->group_names[g]);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n->row_ptr);
  CU_ASSERT(!memcmp(m->row_ptr, n->row_ptr, sizeof(int) * (m->n_nodes + 1)));
  CU_ASSERT(!memcmp(m->col, n->col, sizeof(int) * m->row_ptr[m->n_nodes]));
  CU_ASSERT_EQUAL_FATAL(a->n_fields, b->n_fields);
  for (int f = 0; f < a->n_fields; f++) {
    const FFField *x = &a->fields[f], *y = &b->fields[f];
    CU_ASSERT_STRING_EQUAL(x->name, y->name);
    CU_ASSERT_STRING_EQUAL(x->units, y->units);
    CU_ASSERT_STRING_EQUAL(x->components, y->components);
    CU_ASSERT_EQUAL(x->location, y->location);
    CU_ASSERT_EQUAL_FATAL(x->n_comp, y->n_comp);
    CU_ASSERT(!memcmp(x->data, y->data, sizeof(double) * FFFieldRows(a, x) * x->n_comp));
  }
  const FFSurfacePressure *c = &a->surface, *d = &b->surface;
  CU_ASSERT_STRING_EQUAL(c->body, d->body);
  CU_ASSERT_EQUAL_FATAL(c->n, d->n);
  CU_ASSERT(!memcmp(c->s, d->s, sizeof(double) * c->n) && !memcmp(c->x, d->x, sizeof(double) * c->n));
  CU_ASSERT(!memcmp(c->y, d->y, sizeof(double) * c->n) && !memcmp(c->cp, d->cp, sizeof(double) * c->n));
}

static void TestRoundTrip(void)
{
  const char *dir = FFTestTempDir("dataset_format");
  char path[4096];
  snprintf(path, sizeof path, "%s/roundtrip.h5", dir);
  FFSample s, r;
  FFTestSampleData d;
  FFScalar params[3] = {{"aoa", "deg", 4.25}, {"re", "1", 512.5}, {"seed", "", 12345}};
  memset(&s, 0, sizeof s);
  s.index = 7;
  strcpy(s.case_name, "synthetic");
  s.options = "-geometry square\n-mesh_h 0.25\n";
  s.n_params = 3;
  s.params = params;
  FFTestMakeSample(3, 7, &d, &s);
  FF_TEST_CALL(FFSampleWrite(path, &s));
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &r));
  CompareSamples(&s, &r);
  CU_ASSERT_EQUAL(FFScalarFind(r.params, r.n_params, "re")->value, 512.5);
  CU_ASSERT_PTR_NULL(FFSampleField(&r, "T"));
  CU_ASSERT_EQUAL(FFSampleField(&r, "p")->location, FF_FIELD_VERTICES);
  FFSampleDestroy(&r);
  /* A partial read: fields without the mesh arrays, sizes still known. */
  FF_TEST_CALL(FFSampleRead(path, FF_READ_FIELDS, &r));
  CU_ASSERT_PTR_NULL(r.mesh.coords);
  CU_ASSERT_PTR_NULL(r.options);
  CU_ASSERT_EQUAL(r.mesh.n_nodes, s.mesh.n_nodes);
  CU_ASSERT_EQUAL(r.n_fields, 2);
  CU_ASSERT(!memcmp(r.fields[0].data, d.u, sizeof(double) * 2 * s.mesh.n_nodes));
  FFSampleDestroy(&r);
  FFFileHeader h;
  FF_TEST_CALL(FFFileVerify(path, FF_VERIFY_FULL, &h));
  CU_ASSERT_STRING_EQUAL(h.kind, "sample");
  CU_ASSERT_EQUAL(h.index, 7);
  CU_ASSERT_STRING_EQUAL(h.status, "ok");
  /* Read while another program holds the file locked (h5py in mode "a"): fieldflow opens its
   * files without HDF5's file locking (src/io/h5.c). */
  int fd = FFTestLockFile(path);
  CU_ASSERT_FATAL(fd >= 0);
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &r));
  CompareSamples(&s, &r);
  FFSampleDestroy(&r);
  close(fd);
  FFTestFreeSample(&d);
}

/* The mesh file blob (/mesh/msh): stored compressed, read back byte for byte only when asked. */
static void TestMeshFileRoundTrip(void)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/mshblob.h5", FFTestTempDir("dataset_format"));
  FFSample s, r;
  FFTestSampleData d;
  FFScalar params[1] = {{"re", "1", 20}};
  memset(&s, 0, sizeof s);
  s.index = 3;
  strcpy(s.case_name, "synthetic");
  s.n_params = 1;
  s.params = params;
  FFTestMakeSample(3, 3, &d, &s);
  /* 1.6 MB: more than one 1 MiB chunk */
  size_t cap = 1700000, used = 0;
  char *text = malloc(cap);
  used += (size_t)snprintf(text, cap, "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$Nodes\n");
  for (int k = 0; used + 64 < cap - 64; k++)
    used += (size_t)snprintf(text + used, cap - used, "%d %.16g %.16g 0\n", k + 1, sin(k * 0.37), cos(k * 0.11));
  snprintf(text + used, cap - used, "$EndNodes\n");
  s.mesh.msh = text;
  FF_TEST_CALL(FFSampleWrite(path, &s));
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &r));
  CU_ASSERT_PTR_NOT_NULL_FATAL(r.mesh.msh);
  CU_ASSERT_STRING_EQUAL(r.mesh.msh, text);
  FFSampleDestroy(&r);
  FF_TEST_CALL(FFSampleRead(path, FF_READ_MESH | FF_READ_FIELDS, &r));
  CU_ASSERT_PTR_NULL(r.mesh.msh);
  CU_ASSERT_PTR_NOT_NULL(r.mesh.coords);
  FFSampleDestroy(&r);
  /* compressed: the file is smaller than the text alone */
  FILE *f = fopen(path, "rb");
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  fclose(f);
  CU_ASSERT(bytes < (long)strlen(text));
  free(text);
  FFTestFreeSample(&d);
}

static void TestFailedSample(void)
{
  const char *dir = FFTestTempDir("dataset_format");
  char path[4096];
  FFSample r;
  FFScalar params[3] = {{"aoa", "deg", 4.25}, {"re", "1", 512.5}, {"seed", "", 12345}};
  snprintf(path, sizeof path, "%s/roundtrip.h5", dir);

  /* A failed sample: no mesh, a reason, statistics. */
  FFSample f;
  memset(&f, 0, sizeof f);
  f.index = 8;
  f.status = FF_SAMPLE_FAILED;
  strcpy(f.case_name, "synthetic");
  strcpy(f.reason, "SNES diverged: DIVERGED_LINE_SEARCH after 3 continuation steps");
  f.n_params = 3;
  f.params = params;
  f.solver.iterations = 57;
  f.solver.final_residual = 3.5e2;
  f.solver.wall_time = 1.5;
  FF_TEST_CALL(FFSampleWrite(path, &f));
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &r));
  CU_ASSERT_EQUAL(r.status, FF_SAMPLE_FAILED);
  CU_ASSERT_STRING_EQUAL(r.reason, f.reason);
  CU_ASSERT_EQUAL(r.mesh.n_nodes, 0);
  CU_ASSERT_EQUAL(r.n_fields, 0);
  CU_ASSERT_EQUAL(r.solver.iterations, 57);
  CU_ASSERT_EQUAL(r.solver.final_residual, 3.5e2);
  FFSampleDestroy(&r);
}

/* Writes a good sample at path and returns its size. */
static long WriteGood(const char *path)
{
  FFSample s;
  FFTestSampleData d;
  memset(&s, 0, sizeof s);
  s.index = 3;
  strcpy(s.case_name, "synthetic");
  FFTestMakeSample(2, 3, &d, &s);
  FFErrorCode rc = FFSampleWrite(path, &s);
  FFTestFreeSample(&d);
  CU_ASSERT_EQUAL(rc, 0);
  FILE *fp = fopen(path, "rb");
  fseek(fp, 0, SEEK_END);
  long size = ftell(fp);
  fclose(fp);
  return size;
}

static void FlipByte(const char *path, long offset)
{
  FILE *fp = fopen(path, "r+b");
  fseek(fp, offset, SEEK_SET);
  int c = fgetc(fp);
  fseek(fp, offset, SEEK_SET);
  fputc(c ^ 0x5a, fp);
  fclose(fp);
}

static void ExpectCorrupt(const char *path, FFVerifyLevel level, const char *why)
{
  FFSample r;
  CU_ASSERT_EQUAL(FFFileVerify(path, level, NULL), FF_ERR_FORMAT);
  if (!strstr(FFErrorMessage(), why)) fprintf(stderr, "expected '%s' in: %s\n", why, FFErrorMessage());
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), why));
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  CU_ASSERT_EQUAL(FFSampleRead(path, FF_READ_ALL, &r), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
}

static void TestCorruptFiles(void)
{
  const char *dir = FFTestTempDir("dataset_format");
  char path[4096];
  snprintf(path, sizeof path, "%s/damaged.h5", dir);
  long size = WriteGood(path);
  CU_ASSERT(size > 1000);
  /* Truncated: a stat shows it, even at the quick level. */
  CU_ASSERT_EQUAL(truncate(path, size - 100), 0);
  ExpectCorrupt(path, FF_VERIFY_QUICK, "truncated");
  CU_ASSERT_EQUAL(truncate(path, 100), 0);
  ExpectCorrupt(path, FF_VERIFY_QUICK, "truncated to 100 bytes");
  /* One flipped byte in the data: the checksum shows it. */
  WriteGood(path);
  FlipByte(path, size / 2);
  CU_ASSERT_EQUAL(FFFileVerify(path, FF_VERIFY_QUICK, NULL), FF_SUCCESS);
  ExpectCorrupt(path, FF_VERIFY_FULL, "checksum mismatch");
  /* A damaged header. */
  WriteGood(path);
  FlipByte(path, 2);
  ExpectCorrupt(path, FF_VERIFY_QUICK, "no fieldflow header");
  /* Bytes appended. */
  WriteGood(path);
  FILE *fp = fopen(path, "ab");
  fputs("junk", fp);
  fclose(fp);
  ExpectCorrupt(path, FF_VERIFY_QUICK, "header says");
  /* A plain HDF5 file that fieldflow did not seal. */
  snprintf(path, sizeof path, "%s/missing.h5", dir);
  CU_ASSERT_EQUAL(FFFileVerify(path, FF_VERIFY_QUICK, NULL), FF_ERR_IO);
}

/* A kept fuzz input (tests/fuzz/sample/), copied and sealed as a writer would seal it. */
static void CopySealed(const char *name, const char *path)
{
  char cmd[8500];
  snprintf(cmd, sizeof cmd, "cp '%s/tests/fuzz/sample/%s' '%s'", FF_SOURCE_DIR, name, path);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  FF_TEST_CALL(FFFileSeal(path, "sample", 0, "ok"));
}

/* Sealed files that crash or hang libhdf5 (found by the fuzzers, docs/reliability.md): the
 * probe read in a child process takes the fall, the reader refuses the file naming it and
 * this process goes on. */
static void TestLibHDF5FaultsContained(void)
{
  const char *dir = FFTestTempDir("dataset_format_probe");
  char path[4096];
  FFSample s;
  snprintf(path, sizeof path, "%s/segv.h5", dir);
  CopySealed("libhdf5-H5F_accum_read-segv.h5", path);
  CU_ASSERT_EQUAL(FFSampleRead(path, FF_READ_ALL, &s), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "crashed the HDF5 library (signal 11"));
  FFErrorClear();

  snprintf(path, sizeof path, "%s/hang.h5", dir);
  CopySealed("libhdf5-H5HG-hang.h5", path);
  setenv("FIELDFLOW_H5_PROBE_TIMEOUT", "1", 1);
  double t0 = FFTimeNow();
  CU_ASSERT_EQUAL(FFSampleRead(path, FF_READ_ALL, &s), FF_ERR_FORMAT);
  double waited = FFTimeNow() - t0;
  unsetenv("FIELDFLOW_H5_PROBE_TIMEOUT");
  CU_ASSERT(waited >= 1.0 && waited < 30.0);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "did not finish reading it within 1 s"));
  FFErrorClear();

  /* A good file reads the same with the probe and without it. */
  FFTestSampleData d;
  FFSample good, a, b;
  memset(&good, 0, sizeof good);
  good.index = 2;
  strcpy(good.case_name, "synthetic");
  good.options = "-geometry square\n";
  FFTestMakeSample(3, 2, &d, &good);
  snprintf(path, sizeof path, "%s/good.h5", dir);
  FF_TEST_CALL(FFSampleWrite(path, &good));
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &a));
  setenv("FIELDFLOW_H5_PROBE", "0", 1);
  FF_TEST_CALL(FFSampleRead(path, FF_READ_ALL, &b));
  unsetenv("FIELDFLOW_H5_PROBE");
  CU_ASSERT_EQUAL(a.mesh.n_nodes, b.mesh.n_nodes);
  CU_ASSERT_EQUAL(a.n_fields, b.n_fields);
  for (int f = 0; f < a.n_fields && f < b.n_fields; f++) {
    size_t rows = (size_t)(a.fields[f].location == FF_FIELD_NODES ? a.mesh.n_nodes : a.mesh.n_vertices);
    CU_ASSERT_EQUAL(memcmp(a.fields[f].data, b.fields[f].data, sizeof(double) * rows * (size_t)a.fields[f].n_comp), 0);
  }
  FFSampleDestroy(&a);
  FFSampleDestroy(&b);
  FFTestFreeSample(&d);
}

static int CountTemps(const char *dir)
{
  int n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) n += strstr(e->d_name, ".tmp.") != NULL;
  if (d) closedir(d);
  return n;
}

static void TestBadSamples(void)
{
  const char *dir = FFTestTempDir("dataset_format_bad");
  char path[4096];
  snprintf(path, sizeof path, "%s/bad.h5", dir);
  FFSample s;
  FFTestSampleData d;
  memset(&s, 0, sizeof s);
  s.index = 1;
  strcpy(s.case_name, "synthetic");
  FFTestMakeSample(2, 1, &d, &s);
  d.u[5] = NAN;
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_NUMERIC);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "field 'u' has a non-finite value"));
  d.u[5] = 0;
  d.cells[7] = s.mesh.n_nodes;
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "refers to node"));
  d.cells[7] = 0;
  strcpy(d.fields[1].name, "u");
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "given twice"));
  strcpy(d.fields[1].name, "p/q");
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_ARG);
  strcpy(d.fields[1].name, "p");
  s.status = FF_SAMPLE_FAILED;
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "needs a reason"));
  s.status = FF_SAMPLE_OK;
  s.mesh.n_nodes = 0;
  CU_ASSERT_EQUAL(FFSampleWrite(path, &s), FF_ERR_ARG);
  CU_ASSERT_EQUAL(FFSampleWrite("/nonexistent-dir/x.h5", &s), FF_ERR_ARG);
  FFTestFreeSample(&d);
  CU_ASSERT(!FFFileExists(path));
  CU_ASSERT_EQUAL(CountTemps(dir), 0);
}

static void TestFieldToNodes(void)
{
  FFSample s;
  FFTestSampleData d;
  memset(&s, 0, sizeof s);
  FFTestMakeSample(3, 2, &d, &s);
  int nn = s.mesh.n_nodes;
  double *p = malloc(sizeof(double) * nn), *u = malloc(sizeof(double) * 2 * nn);
  FF_TEST_CALL(FFFieldToNodes(&s, FFSampleField(&s, "u"), u));
  CU_ASSERT(!memcmp(u, d.u, sizeof(double) * 2 * nn));
  FF_TEST_CALL(FFFieldToNodes(&s, FFSampleField(&s, "p"), p));
  /* p = x^2 - y + c on the vertices; at a midpoint the mean of its edge's ends. */
  for (int k = 0; k < s.mesh.n_vertices; k++) CU_ASSERT_EQUAL(p[k], d.p[k]);
  for (int c = 0; c < s.mesh.n_cells; c++) {
    int *cell = &d.cells[6 * c];
    FF_TEST_CLOSE(p[cell[3]], 0.5 * (d.p[cell[0]] + d.p[cell[1]]), 1e-15, 1e-15);
    FF_TEST_CLOSE(p[cell[5]], 0.5 * (d.p[cell[2]] + d.p[cell[0]]), 1e-15, 1e-15);
  }
  /* A linear vertex field is reproduced exactly at the midpoints. */
  for (int k = 0; k < s.mesh.n_vertices; k++) d.p[k] = 2 * d.coords[2 * k] - 3 * d.coords[2 * k + 1];
  FF_TEST_CALL(FFFieldToNodes(&s, FFSampleField(&s, "p"), p));
  for (int k = 0; k < nn; k++) FF_TEST_CLOSE(p[k], 2 * d.coords[2 * k] - 3 * d.coords[2 * k + 1], 0, 1e-14);
  free(p);
  free(u);
  FFTestFreeSample(&d);
}

int main(void)
{
  const FFTest tests[] = {
      {"CRC-32: zlib's (Python's zlib.crc32), check value, over read chunks", TestCrc32},
      {"sample schema round trip", TestRoundTrip},
      {"failed sample round trip", TestFailedSample},
      {"mesh file blob: compressed, byte-exact, read on request", TestMeshFileRoundTrip},
      {"truncated, corrupted and unsealed files detected and named", TestCorruptFiles},
      {"bad samples are refused and leave no file", TestBadSamples},
      {"files that crash or hang libhdf5 refused by the probe read", TestLibHDF5FaultsContained},
      {"vertex fields extended to all P2 nodes", TestFieldToNodes},
      {NULL, NULL},
  };
  return FFTestRun("dataset_format", tests);
}
