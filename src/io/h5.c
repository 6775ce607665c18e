/* The HDF5 helpers behind every HDF5 file fieldflow writes or reads: dataset files (samples,
 * definition, manifest) and checkpoints. One way to open a file (one file-locking policy,
 * below), atomic writes (temporary name, checked close, seal, rename), attributes, arrays and
 * strings. Every helper closes what it opens, also on failure, and names file and object in
 * its errors. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "file.h5:/group/name" for messages. */
static const char *Where(hid_t obj, const char *name, char *buf, size_t len)
{
  char file[1024] = "?", path[1024] = "";
  if (H5Fget_name(obj, file, sizeof file) < 0) strcpy(file, "?");
  if (H5Iget_name(obj, path, sizeof path) < 0) path[0] = '\0';
  size_t pl = strlen(path);
  snprintf(buf, len, "%s:%s%s%s", file, path, pl && path[pl - 1] == '/' ? "" : "/", name ? name : "");
  return buf;
}

void FFH5Close(hid_t *id)
{
  if (*id < 0) return;
  switch (H5Iget_type(*id)) {
  case H5I_FILE:
    H5Fclose(*id);
    break;
  case H5I_GROUP:
    H5Gclose(*id);
    break;
  case H5I_DATASET:
    H5Dclose(*id);
    break;
  case H5I_ATTR:
    H5Aclose(*id);
    break;
  case H5I_DATASPACE:
    H5Sclose(*id);
    break;
  case H5I_DATATYPE:
    H5Tclose(*id);
    break;
  case H5I_GENPROP_LST:
    H5Pclose(*id);
    break;
  default:
    break;
  }
  *id = -1;
}

/* The file access of every file we open. The strong close degree makes closing a file close
 * every object still open in it, so error paths cannot leak handles.
 *
 * File locking is off, for datasets and checkpoints alike. HDF5 (1.10.7+) otherwise takes
 * flock() on every open: shared to read, exclusive to write. Our files never need it: each
 * is written once, by one process, under its own temporary name (FFTempPathFor) that no
 * reader opens, and published by rename(), so a reader can only ever open a complete file
 * that nobody writes (a sample is also checked against its sealed size and CRC-32 before it
 * is read). What the locks would add is failure: on file systems without flock (NFS without
 * a lock daemon, some Lustre and container mounts) every open fails with "unable to lock
 * file", and a program that holds one of our files open for writing (h5py in mode "a",
 * HDFView) would make every rank's read of it fail. Readers of our files (h5py) may keep
 * their default; HDF5_USE_FILE_LOCKING in the environment still overrides this (HDF5's
 * rule). docs/formats.md says the same. */
static hid_t FileAccess(void)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0) H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 10, 7)
  if (fapl >= 0) H5Pset_file_locking(fapl, 0, 1);
#endif
  return fapl;
}

/* Creation order tracked (and indexed, so it can be listed in that order) per flags. */
static void SetOrder(hid_t cpl, unsigned flags)
{
  if (flags & FF_H5_LINK_ORDER) H5Pset_link_creation_order(cpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  if (flags & FF_H5_ATTR_ORDER) H5Pset_attr_creation_order(cpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
}

FFErrorCode FFH5Create(const char *path, unsigned flags, hid_t *file)
{
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = FileAccess();
  if (flags & FF_H5_USER_BLOCK) H5Pset_userblock(fcpl, FF_FILE_HEADER_BYTES);
  SetOrder(fcpl, flags);
  *file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose(fcpl);
  H5Pclose(fapl);
  FF_ASSERT(*file >= 0, FF_ERR_IO, "cannot create HDF5 file '%s'", path);
  return FF_SUCCESS;
}

FFErrorCode FFH5Open(const char *path, hid_t *file)
{
  *file = -1;
  if (access(path, R_OK) != 0) FF_ERROR(FF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  hid_t fapl = FileAccess();
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  FF_ASSERT(*file >= 0, FF_ERR_FORMAT, "'%s' is not an HDF5 file", path);
  return FF_SUCCESS;
}

FFErrorCode FFH5CloseFile(hid_t *file, const char *path)
{
  /* Closing flushes what HDF5 still buffers: a full disk may show only here. */
  herr_t e = *file >= 0 ? H5Fclose(*file) : 0;
  *file = -1;
  FF_ASSERT(e >= 0, FF_ERR_IO, "cannot write '%s': closing the HDF5 file failed (disk full?)", path);
  return FF_SUCCESS;
}

FFErrorCode FFH5WriteFile(const char *path, unsigned flags, const FFH5Seal *seal, FFH5Content fill, void *ctx)
{
  char tmp[4200];
  hid_t file = -1;
  FFErrorCode rc;
  FF_ASSERT(!seal || (flags & FF_H5_USER_BLOCK), FF_ERR_ARG, "'%s': a sealed file needs the user block", path);
  FF_CHECK(FFCheckWritable(path));
  FF_CHECK(FFTempPathFor(path, tmp, sizeof tmp));
  H5E_BEGIN_TRY
  {
    rc = FFH5Create(tmp, flags, &file);
    if (!rc) rc = fill(file, ctx);
    if (rc)
      FFH5Close(&file); /* the first error is the one to report */
    else
      rc = FFH5CloseFile(&file, path);
  }
  H5E_END_TRY;
  if (!rc && seal) rc = FFFileSeal(tmp, seal->kind, seal->index, seal->status);
  if (!rc) rc = FFCommitTemp(tmp, path);
  if (rc) {
    unlink(tmp);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  return FF_SUCCESS;
}

FFErrorCode FFH5ReadFile(const char *path, FFH5Content take, void *ctx)
{
  FF_CHECK(FFH5Probe(path, take, ctx));
  FF_CHECK(FFH5ReadTrustedFile(path, take, ctx));
  return FF_SUCCESS;
}

FFErrorCode FFH5ReadTrustedFile(const char *path, FFH5Content take, void *ctx)
{
  hid_t file = -1;
  FFErrorCode rc;
  H5E_BEGIN_TRY
  {
    rc = FFH5Open(path, &file);
    if (!rc) rc = take(file, ctx);
    FFH5Close(&file);
  }
  H5E_END_TRY;
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

FFErrorCode FFH5CreateGroup(hid_t parent, const char *name, unsigned flags, hid_t *group)
{
  char w[2048];
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  SetOrder(gcpl, flags);
  *group = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  FF_ASSERT(*group >= 0, FF_ERR_IO, "cannot create group %s", Where(parent, name, w, sizeof w));
  return FF_SUCCESS;
}

int FFH5Has(hid_t parent, const char *name) { return H5Lexists(parent, name, H5P_DEFAULT) > 0; }

FFErrorCode FFH5OpenGroup(hid_t parent, const char *name, hid_t *group)
{
  char w[2048];
  *group = FFH5Has(parent, name) ? H5Gopen2(parent, name, H5P_DEFAULT) : -1;
  FF_ASSERT(*group >= 0, FF_ERR_FORMAT, "missing group %s", Where(parent, name, w, sizeof w));
  return FF_SUCCESS;
}

static hid_t VLString(void)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

/* The little-endian file type of a native memory type. */
static hid_t FileType(hid_t native)
{
  if (H5Tequal(native, H5T_NATIVE_DOUBLE) > 0) return H5T_IEEE_F64LE;
  if (H5Tequal(native, H5T_NATIVE_FLOAT) > 0) return H5T_IEEE_F32LE;
  if (H5Tequal(native, H5T_NATIVE_INT) > 0) return H5T_STD_I32LE;
  if (H5Tequal(native, H5T_NATIVE_INT64) > 0) return H5T_STD_I64LE;
  if (H5Tequal(native, H5T_NATIVE_UINT64) > 0) return H5T_STD_U64LE;
  if (H5Tequal(native, H5T_NATIVE_UINT32) > 0) return H5T_STD_U32LE;
  if (H5Tequal(native, H5T_NATIVE_UINT8) > 0) return H5T_STD_U8LE;
  return native;
}

static FFErrorCode WriteAttr(hid_t obj, const char *name, hid_t native, const void *value)
{
  char w[2048];
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t ftype = H5Tget_class(native) == H5T_STRING ? native : FileType(native);
  hid_t a = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t e = a >= 0 ? H5Awrite(a, native, value) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(space);
  FF_ASSERT(e >= 0, FF_ERR_IO, "cannot write attribute %s", Where(obj, name, w, sizeof w));
  return FF_SUCCESS;
}

FFErrorCode FFH5AttrString(hid_t obj, const char *name, const char *value)
{
  hid_t t = VLString();
  FFErrorCode rc = WriteAttr(obj, name, t, &value);
  H5Tclose(t);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

FFErrorCode FFH5AttrStringFixed(hid_t obj, const char *name, const char *value)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, strlen(value) + 1);
  H5Tset_strpad(t, H5T_STR_NULLTERM);
  FFErrorCode rc = WriteAttr(obj, name, t, value);
  H5Tclose(t);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

FFErrorCode FFH5AttrInt(hid_t obj, const char *name, int64_t value)
{
  FF_CHECK(WriteAttr(obj, name, H5T_NATIVE_INT64, &value));
  return FF_SUCCESS;
}

FFErrorCode FFH5AttrUInt(hid_t obj, const char *name, uint64_t value)
{
  FF_CHECK(WriteAttr(obj, name, H5T_NATIVE_UINT64, &value));
  return FF_SUCCESS;
}

FFErrorCode FFH5AttrDouble(hid_t obj, const char *name, double value)
{
  FF_CHECK(WriteAttr(obj, name, H5T_NATIVE_DOUBLE, &value));
  return FF_SUCCESS;
}

static FFErrorCode ReadAttr(hid_t obj, const char *name, hid_t native, void *value)
{
  char w[2048];
  hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : -1;
  FF_ASSERT(a >= 0, FF_ERR_FORMAT, "missing attribute %s", Where(obj, name, w, sizeof w));
  herr_t e = H5Aread(a, native, value);
  H5Aclose(a);
  FF_ASSERT(e >= 0, FF_ERR_FORMAT, "cannot read attribute %s", Where(obj, name, w, sizeof w));
  return FF_SUCCESS;
}

FFErrorCode FFH5GetAttrInt(hid_t obj, const char *name, int64_t *value)
{
  FF_CHECK(ReadAttr(obj, name, H5T_NATIVE_INT64, value));
  return FF_SUCCESS;
}

FFErrorCode FFH5GetAttrUInt(hid_t obj, const char *name, uint64_t *value)
{
  FF_CHECK(ReadAttr(obj, name, H5T_NATIVE_UINT64, value));
  return FF_SUCCESS;
}

FFErrorCode FFH5GetAttrDouble(hid_t obj, const char *name, double *value)
{
  FF_CHECK(ReadAttr(obj, name, H5T_NATIVE_DOUBLE, value));
  return FF_SUCCESS;
}

/* Both kinds of string attribute: variable-length ones (ours, h5py's default) and fixed-length
 * ones (checkpoints, other writers). HDF5 converts neither into the other, nor ASCII into
 * UTF-8, so each is read with a memory type made from its own. */
FFErrorCode FFH5GetAttrStringDup(hid_t obj, const char *name, char **value)
{
  char w[2048];
  *value = NULL;
  hid_t a = H5Aexists(obj, name) > 0 ? H5Aopen(obj, name, H5P_DEFAULT) : -1;
  FF_ASSERT(a >= 0, FF_ERR_FORMAT, "missing attribute %s", Where(obj, name, w, sizeof w));
  hid_t ftype = H5Aget_type(a);
  FFErrorCode rc = FF_SUCCESS;
  if (H5Tget_class(ftype) != H5T_STRING) {
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "attribute %s is not a string",
                    Where(obj, name, w, sizeof w));
  } else if (H5Tis_variable_str(ftype) > 0) {
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(ftype));
    char *s = NULL;
    if (H5Aread(a, mem, &s) < 0)
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read attribute %s",
                      Where(obj, name, w, sizeof w));
    else
      rc = FFStrdup(s ? s : "", value);
    H5free_memory(s);
    H5Tclose(mem);
  } else {
    rc = FFCalloc(H5Tget_size(ftype) + 1, 1, value); /* the NUL a full-length string lacks */
    if (!rc && H5Aread(a, ftype, *value) < 0)
      rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read attribute %s",
                      Where(obj, name, w, sizeof w));
  }
  H5Tclose(ftype);
  H5Aclose(a);
  if (rc) {
    FFFree(value);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  return FF_SUCCESS;
}

FFErrorCode FFH5GetAttrString(hid_t obj, const char *name, char *buf, size_t len)
{
  char w[2048], *s;
  FF_CHECK(FFH5GetAttrStringDup(obj, name, &s));
  size_t n = strlen(s);
  if (n < len) memcpy(buf, s, n + 1);
  free(s);
  FF_ASSERT(n < len, FF_ERR_FORMAT, "attribute %s is longer than %zu characters", Where(obj, name, w, sizeof w),
            len - 1);
  return FF_SUCCESS;
}

FFErrorCode FFH5WriteArray(hid_t parent, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data,
                           const char *units, const char *description, hid_t *dset_out)
{
  char w[2048];
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t d = H5Dcreate2(parent, name, FileType(type), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  FF_ASSERT(d >= 0, FF_ERR_IO, "cannot create dataset %s", Where(parent, name, w, sizeof w));
  hsize_t count = 1;
  for (int r = 0; r < rank; r++) count *= dims[r];
  FFErrorCode rc = FF_SUCCESS;
  if (count > 0 && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot write dataset %s",
                    Where(parent, name, w, sizeof w));
  if (!rc && units) rc = FFH5AttrString(d, "units", units);
  if (!rc && description) rc = FFH5AttrString(d, "description", description);
  if (rc || !dset_out)
    H5Dclose(d);
  else
    *dset_out = d;
  return rc;
}

static FFErrorCode OpenDataset(hid_t parent, const char *name, int rank, hsize_t *dims, hid_t *d)
{
  char w[2048];
  *d = FFH5Has(parent, name) ? H5Dopen2(parent, name, H5P_DEFAULT) : -1;
  FF_ASSERT(*d >= 0, FF_ERR_FORMAT, "missing dataset %s", Where(parent, name, w, sizeof w));
  hid_t space = H5Dget_space(*d);
  int r = H5Sget_simple_extent_ndims(space);
  if (r == rank && rank > 0) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  if (r != rank) {
    FFH5Close(d);
    FF_ERROR(FF_ERR_FORMAT, "dataset %s has rank %d, expected %d", Where(parent, name, w, sizeof w), r, rank);
  }
  return FF_SUCCESS;
}

/* Numbers are read from an integer or floating-point dataset of at most 8 bytes per value (all
 * fieldflow writes). HDF5 sizes its conversion buffer by the file's element size: a float of
 * 4294967291 bytes in a crafted checkpoint made it allocate 4 GiB (found by bench/fuzz), and a
 * class HDF5 cannot convert to a number is refused here with the dataset's name rather than
 * by H5Dread. */
static FFErrorCode CheckNumeric(hid_t d, hid_t parent, const char *name)
{
  char w[2048];
  hid_t t = H5Dget_type(d);
  H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
  size_t size = t >= 0 ? H5Tget_size(t) : 0;
  if (t >= 0) H5Tclose(t);
  FF_ASSERT((c == H5T_INTEGER || c == H5T_FLOAT) && size >= 1 && size <= 8, FF_ERR_FORMAT,
            "dataset %s does not hold integers or floating-point numbers of at most 8 bytes (values of %zu bytes)",
            Where(parent, name, w, sizeof w), size);
  return FF_SUCCESS;
}

FFErrorCode FFH5GetShape(hid_t parent, const char *name, int max_rank, int *rank, hsize_t *dims)
{
  char w[2048];
  hid_t d = FFH5Has(parent, name) ? H5Dopen2(parent, name, H5P_DEFAULT) : -1;
  FF_ASSERT(d >= 0, FF_ERR_FORMAT, "missing dataset %s", Where(parent, name, w, sizeof w));
  hid_t space = H5Dget_space(d);
  *rank = H5Sget_simple_extent_ndims(space);
  int ok = *rank >= 1 && *rank <= max_rank;
  if (ok) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  H5Dclose(d);
  FF_ASSERT(ok, FF_ERR_FORMAT, "dataset %s has rank %d, expected 1 to %d", Where(parent, name, w, sizeof w), *rank,
            max_rank);
  return FF_SUCCESS;
}

FFErrorCode FFH5ReadArray(hid_t parent, const char *name, hid_t type, int rank, hsize_t *dims, void **data)
{
  char w[2048];
  hid_t d;
  *data = NULL;
  FF_CHECK(OpenDataset(parent, name, rank, dims, &d));
  size_t count = 1;
  for (int r = 0; r < rank; r++) count *= (size_t)dims[r];
  FFErrorCode rc = CheckNumeric(d, parent, name);
  if (!rc) rc = FFMalloc(count * H5Tget_size(type), data);
  if (!rc && count > 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
    FFFree(data);
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read dataset %s",
                    Where(parent, name, w, sizeof w));
  }
  H5Dclose(d);
  return rc;
}

FFErrorCode FFH5ReadArrayInto(hid_t parent, const char *name, hid_t type, size_t count, void *data)
{
  char w[2048];
  hid_t d = FFH5Has(parent, name) ? H5Dopen2(parent, name, H5P_DEFAULT) : -1;
  FF_ASSERT(d >= 0, FF_ERR_FORMAT, "missing dataset %s", Where(parent, name, w, sizeof w));
  hid_t space = H5Dget_space(d);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  H5Sclose(space);
  FFErrorCode rc = CheckNumeric(d, parent, name);
  herr_t e = (!rc && n == (hssize_t)count && count > 0) ? H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
  H5Dclose(d);
  FF_CHECK(rc);
  FF_ASSERT(n == (hssize_t)count, FF_ERR_FORMAT, "dataset %s has %lld values, expected %zu",
            Where(parent, name, w, sizeof w), (long long)n, count);
  FF_ASSERT(e >= 0, FF_ERR_FORMAT, "cannot read dataset %s", Where(parent, name, w, sizeof w));
  return FF_SUCCESS;
}

FFErrorCode FFH5WriteScalar(hid_t parent, const char *name, double value, const char *units)
{
  char w[2048];
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t d = H5Dcreate2(parent, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  FF_ASSERT(d >= 0, FF_ERR_IO, "cannot create dataset %s", Where(parent, name, w, sizeof w));
  herr_t e = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value);
  FFErrorCode rc = e < 0 ? FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot write dataset %s",
                                      Where(parent, name, w, sizeof w))
                         : FFH5AttrString(d, "units", units ? units : "");
  H5Dclose(d);
  return rc;
}

FFErrorCode FFH5ReadScalar(hid_t parent, const char *name, double *value, char *units, size_t units_len)
{
  char w[2048];
  hid_t d;
  FF_CHECK(OpenDataset(parent, name, 0, NULL, &d));
  FFErrorCode rc = CheckNumeric(d, parent, name);
  if (!rc && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0)
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read dataset %s",
                    Where(parent, name, w, sizeof w));
  if (!rc && units) {
    units[0] = '\0';
    if (H5Aexists(d, "units") > 0) rc = FFH5GetAttrString(d, "units", units, units_len);
  }
  H5Dclose(d);
  return rc;
}

FFErrorCode FFH5WriteStrings(hid_t parent, const char *name, int n, const char *const *strings)
{
  hid_t t = VLString();
  hsize_t dims[1] = {(hsize_t)n};
  FFErrorCode rc = FFH5WriteArray(parent, name, t, 1, dims, strings, NULL, NULL, NULL);
  H5Tclose(t);
  return rc;
}

FFErrorCode FFH5ReadStrings(hid_t parent, const char *name, int *n, char ***strings)
{
  char w[2048];
  hsize_t dims[1];
  hid_t d;
  *strings = NULL;
  *n = 0;
  FF_CHECK(OpenDataset(parent, name, 1, dims, &d));
  hid_t t = VLString(), space = H5Dget_space(d);
  char **raw = NULL;
  FFErrorCode rc = FFCalloc(dims[0] ? dims[0] : 1, sizeof *raw, &raw);
  if (!rc && dims[0] > 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0)
    rc = FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read strings %s",
                    Where(parent, name, w, sizeof w));
  if (!rc) rc = FFCalloc(dims[0] ? dims[0] : 1, sizeof **strings, strings);
  for (hsize_t i = 0; !rc && i < dims[0]; i++) rc = FFStrdup(raw[i] ? raw[i] : "", &(*strings)[i]);
  if (raw && dims[0] > 0) H5Dvlen_reclaim(t, space, H5P_DEFAULT, raw);
  free(raw);
  H5Sclose(space);
  H5Tclose(t);
  H5Dclose(d);
  if (rc) {
    FFStringsFree(strings, (int)dims[0]);
    return rc;
  }
  *n = (int)dims[0];
  return FF_SUCCESS;
}

FFErrorCode FFH5WriteText(hid_t parent, const char *name, const char *text)
{
  char w[2048];
  hid_t t = VLString(), space = H5Screate(H5S_SCALAR);
  hid_t d = H5Dcreate2(parent, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t e = d >= 0 ? H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) : -1;
  if (d >= 0) H5Dclose(d);
  H5Sclose(space);
  H5Tclose(t);
  FF_ASSERT(e >= 0, FF_ERR_IO, "cannot write text %s", Where(parent, name, w, sizeof w));
  return FF_SUCCESS;
}

FFErrorCode FFH5ReadText(hid_t parent, const char *name, char **text)
{
  char w[2048], *s = NULL;
  hid_t d;
  *text = NULL;
  FF_CHECK(OpenDataset(parent, name, 0, NULL, &d));
  hid_t t = VLString();
  herr_t e = H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s);
  H5Tclose(t);
  H5Dclose(d);
  FF_ASSERT(e >= 0, FF_ERR_FORMAT, "cannot read text %s", Where(parent, name, w, sizeof w));
  FFErrorCode rc = FFStrdup(s ? s : "", text);
  H5free_memory(s);
  return rc;
}

/* Bytes as a 1-d uint8 dataset, deflate-compressed in chunks of at most 1 MiB: text that is
 * large and only read whole (a mesh file). */
FFErrorCode FFH5WriteBytes(hid_t parent, const char *name, const void *data, size_t n, const char *description)
{
  char w[2048];
  hsize_t dims[1] = {(hsize_t)n}, chunk[1] = {(hsize_t)(n < (1u << 20) ? n : (1u << 20))};
  hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (n > 0) {
    H5Pset_chunk(dcpl, 1, chunk);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) H5Pset_deflate(dcpl, 4);
  }
  hid_t d = H5Dcreate2(parent, name, H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Sclose(space);
  H5Pclose(dcpl);
  FF_ASSERT(d >= 0, FF_ERR_IO, "cannot create dataset %s", Where(parent, name, w, sizeof w));
  FFErrorCode rc = FF_SUCCESS;
  if (n > 0 && H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot write dataset %s",
                    Where(parent, name, w, sizeof w));
  if (!rc && description) rc = FFH5AttrString(d, "description", description);
  H5Dclose(d);
  return rc;
}

FFErrorCode FFH5ReadBytesAsText(hid_t parent, const char *name, char **text)
{
  hsize_t dims[1];
  hid_t d;
  *text = NULL;
  FF_CHECK(OpenDataset(parent, name, 1, dims, &d));
  H5Dclose(d);
  FF_CHECK(FFMalloc((size_t)dims[0] + 1, text));
  FFErrorCode rc = dims[0] ? FFH5ReadArrayInto(parent, name, H5T_NATIVE_UINT8, (size_t)dims[0], *text) : FF_SUCCESS;
  if (rc) {
    FFFree(text);
    return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  }
  (*text)[dims[0]] = '\0';
  return FF_SUCCESS;
}

/* The creation properties of a file, group or dataset, which say how its links and
 * attributes are ordered. */
static hid_t CreatePlist(hid_t obj)
{
  switch (H5Iget_type(obj)) {
  case H5I_FILE:
    return H5Fget_create_plist(obj);
  case H5I_GROUP:
    return H5Gget_create_plist(obj);
  case H5I_DATASET:
    return H5Dget_create_plist(obj);
  default:
    return -1;
  }
}

/* The names of obj's links (attrs 0) or attributes (attrs 1), in creation order where the
 * object tracks and indexes it, else by name. */
static FFErrorCode ListNames(hid_t obj, int attrs, int *n, char ***names)
{
  char w[2048];
  hsize_t count = 0;
  unsigned order = 0;
  *n = 0;
  *names = NULL;
  if (attrs) {
    H5O_info_t info;
    FF_ASSERT(H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) >= 0, FF_ERR_FORMAT, "cannot list the attributes of %s",
              Where(obj, NULL, w, sizeof w));
    count = info.num_attrs;
  } else {
    H5G_info_t info;
    FF_ASSERT(H5Gget_info(obj, &info) >= 0, FF_ERR_FORMAT, "cannot list the group %s", Where(obj, NULL, w, sizeof w));
    count = info.nlinks;
  }
  hid_t cpl = CreatePlist(obj);
  if (cpl >= 0) {
    if (attrs)
      H5Pget_attr_creation_order(cpl, &order);
    else
      H5Pget_link_creation_order(cpl, &order);
    H5Pclose(cpl);
  }
  const H5_index_t index = (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  FF_CHECK(FFCalloc(count ? count : 1, sizeof **names, names));
  for (hsize_t i = 0; i < count; i++) {
    char buf[1024];
    ssize_t len = attrs ? H5Aget_name_by_idx(obj, ".", index, H5_ITER_INC, i, buf, sizeof buf, H5P_DEFAULT)
                        : H5Lget_name_by_idx(obj, ".", index, H5_ITER_INC, i, buf, sizeof buf, H5P_DEFAULT);
    FFErrorCode rc = len < 0 || (size_t)len >= sizeof buf
                         ? FFErrorSet(FF_ERR_FORMAT, __FILE__, __LINE__, __func__, "cannot read a name in %s",
                                      Where(obj, NULL, w, sizeof w))
                         : FFStrdup(buf, &(*names)[i]);
    if (rc) {
      FFStringsFree(names, (int)count);
      return rc;
    }
  }
  *n = (int)count;
  return FF_SUCCESS;
}

FFErrorCode FFH5List(hid_t group, int *n, char ***names)
{
  FF_CHECK(ListNames(group, 0, n, names));
  return FF_SUCCESS;
}

FFErrorCode FFH5ListAttrs(hid_t obj, int *n, char ***names)
{
  FF_CHECK(ListNames(obj, 1, n, names));
  return FF_SUCCESS;
}
