/* Internals of the io module: the dataset object, the HDF5 helpers of datasets and
 * checkpoints, small string helpers. Not a public header: only src/io/ sees it. */
#ifndef IO_PRIVATE_H
#define IO_PRIVATE_H

#include "ff_io.h"

#include <hdf5.h>

struct _p_FFDataset {
  char dir[4096];
  FFDatasetSpec spec;     /* owned copies of everything */
  double *plan;           /* n x n_params */
  FFScalar *plan_scalars; /* the same as named scalars, for FFDatasetSampleInit */
  unsigned char **parts;  /* per split scheme: n entries */
  char fingerprint[17];
  FFDatasetScan scan; /* quick scan at open / refresh */
  int lock_fd;        /* FFDatasetCreate's writer lock (dataset_lock.c); -1: none */
};

#define FF_DATASET_FILE  "dataset.h5"
#define FF_MANIFEST_FILE "manifest.h5"
#define FF_SAMPLES_DIR   "samples"
#define FF_LOCK_FILE     ".fieldflow.lock"

/* ---------- the writer's lock (dataset_lock.c) ---------- */
/* Takes the exclusive lock of dir (which exists); an error naming the directory and the
 * holder when another process has it. *fd: the lock's descriptor, or -1 on a file system
 * without locks (a warning says so). */
FFErrorCode FFDatasetLock(const char *dir, int *fd);
void FFDatasetUnlock(int *fd);

/* ---------- the definition (ff_dataset_spec.c) ---------- */
FFErrorCode FFDatasetSpecCheck(const FFDatasetSpec *spec);
/* dst gets owned copies; a "random" split scheme is added when src names none. */
FFErrorCode FFDatasetSpecCopy(const FFDatasetSpec *src, FFDatasetSpec *dst);
void FFDatasetSpecFree(FFDatasetSpec *spec);
/* What must be equal for two runs to build the same dataset (splits excluded). */
void FFDatasetSpecFingerprint(const FFDatasetSpec *spec, char out[17]);
/* 0 when a and b define the same samples; else 1 and the first difference in diff. */
int FFDatasetSpecDiffer(const FFDatasetSpec *there, const FFDatasetSpec *here, char *diff, size_t len);
FFErrorCode FFDatasetDefinitionWrite(const char *path, const FFDatasetSpec *spec, const double *plan,
                                     unsigned char *const *parts, const char *fingerprint);
/* spec gets owned copies; *plan (n x n_params) and *parts (n_splits arrays of n) are allocated. */
FFErrorCode FFDatasetDefinitionRead(const char *path, FFDatasetSpec *spec, double **plan, unsigned char ***parts);

/* ---------- the format attributes of every dataset file (dataset_stamp.c) ---------- */
/* format, schema_version (FF_DATASET_SCHEMA_VERSION) and fieldflow_version. */
FFErrorCode FFDatasetStampWrite(hid_t file, const char *format);
/* Fails unless the file has this format and a schema version this fieldflow reads; what names
 * the kind of file in the message ("sample", "dataset definition", "manifest"). */
FFErrorCode FFDatasetStampCheck(hid_t file, const char *format, const char *what);

/* ---------- HDF5 (h5.c): every HDF5 file fieldflow writes or reads goes through these ----------
 * Each helper closes what it opens, also on failure, and names the file and object in errors.
 * Every file is opened with the strong close degree (closing a file closes its objects) and
 * without HDF5's file locking (why: h5.c, FileAccess; docs/formats.md). */
enum {
  FF_H5_USER_BLOCK = 1 << 0, /* FFH5Create: reserve the 512-byte user block for the sealed header */
  FF_H5_LINK_ORDER = 1 << 1, /* the file's root or the group lists its links in creation order */
  FF_H5_ATTR_ORDER = 1 << 2  /* ... its attributes in creation order */
};
/* The files of a dataset (samples, definition, manifest). Checkpoints: FF_H5_USER_BLOCK only. */
#define FF_H5_DATASET_FILE (FF_H5_USER_BLOCK | FF_H5_LINK_ORDER)

FFErrorCode FFH5Create(const char *path, unsigned flags, hid_t *file);
FFErrorCode FFH5Open(const char *path, hid_t *file); /* read only; FF_ERR_IO unreadable, FF_ERR_FORMAT not HDF5 */
/* Closes a file being written, failing (naming path) when the final flush fails. */
FFErrorCode FFH5CloseFile(hid_t *file, const char *path);
void FFH5Close(hid_t *id); /* any id; sets it to -1 */

/* Fills a new file (fill) or reads an open one (take). */
typedef FFErrorCode (*FFH5Content)(hid_t file, void *ctx);
/* What FFFileSeal writes into a file's header. */
typedef struct {
  const char *kind; /* "sample", "dataset", "manifest", "checkpoint" */
  long index;       /* samples: the index; -1 otherwise */
  const char *status;
} FFH5Seal;
/* Writes path atomically: creates a temporary file beside it (flags as FFH5Create), calls
 * fill, closes it (checked), seals it when seal is not NULL (needs FF_H5_USER_BLOCK) and
 * renames it over path. On any failure the temporary file is removed and path is as it was.
 * HDF5's own error stack is not printed: the error names file and object. */
FFErrorCode FFH5WriteFile(const char *path, unsigned flags, const FFH5Seal *seal, FFH5Content fill, void *ctx);
/* Opens path read only, calls take, closes it; quiet like FFH5WriteFile. The read runs first
 * as a probe in a child process (FFH5Probe), so take must not write anything outside memory. */
FFErrorCode FFH5ReadFile(const char *path, FFH5Content take, void *ctx);
/* The same without the probe: for a take that writes files (a checkpoint's upgrade) on a file
 * the user trusts. */
FFErrorCode FFH5ReadTrustedFile(const char *path, FFH5Content take, void *ctx);
/* Runs the read of path (open, take, close) in a child process and waits for it: FF_ERR_FORMAT
 * naming the file when the child crashed, failed inside HDF5 or passed the time limit; success
 * when it finished (accepting the file or refusing it: the caller's own read says which).
 * h5_probe.c says why and how to turn it off. */
FFErrorCode FFH5Probe(const char *path, FFH5Content take, void *ctx);

FFErrorCode FFH5CreateGroup(hid_t parent, const char *name, unsigned order, hid_t *group); /* FF_H5_*_ORDER */
FFErrorCode FFH5OpenGroup(hid_t parent, const char *name, hid_t *group);
int FFH5Has(hid_t parent, const char *name); /* a link of that name exists */

FFErrorCode FFH5AttrString(hid_t obj, const char *name, const char *value); /* variable-length UTF-8 */
/* A fixed-length, NUL-terminated ASCII string: the string attributes of checkpoints, which
 * have always been so (docs/nn.md); dataset files use FFH5AttrString. */
FFErrorCode FFH5AttrStringFixed(hid_t obj, const char *name, const char *value);
FFErrorCode FFH5AttrInt(hid_t obj, const char *name, int64_t value);
FFErrorCode FFH5AttrUInt(hid_t obj, const char *name, uint64_t value);
FFErrorCode FFH5AttrDouble(hid_t obj, const char *name, double value);
/* A string attribute of either kind (variable- or fixed-length), copied into buf / a new string. */
FFErrorCode FFH5GetAttrString(hid_t obj, const char *name, char *buf, size_t len);
FFErrorCode FFH5GetAttrStringDup(hid_t obj, const char *name, char **value);
FFErrorCode FFH5GetAttrInt(hid_t obj, const char *name, int64_t *value);
FFErrorCode FFH5GetAttrUInt(hid_t obj, const char *name, uint64_t *value);
FFErrorCode FFH5GetAttrDouble(hid_t obj, const char *name, double *value);

/* An n-d array (rank 1 or 2) of a native type; units and description attributes when not
 * NULL. *dset_out (may be NULL) receives the open dataset for more attributes. */
FFErrorCode FFH5WriteArray(hid_t parent, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data,
                           const char *units, const char *description, hid_t *dset_out);
/* The rank (1 .. max_rank, else an error) and dims of a dataset. */
FFErrorCode FFH5GetShape(hid_t parent, const char *name, int max_rank, int *rank, hsize_t *dims);
/* Reads an array of rank 1 or 2 (expected rank; dims out) into a new buffer of the native type. */
FFErrorCode FFH5ReadArray(hid_t parent, const char *name, hid_t type, int rank, hsize_t *dims, void **data);
/* The same into a caller buffer of exactly `count` elements. */
FFErrorCode FFH5ReadArrayInto(hid_t parent, const char *name, hid_t type, size_t count, void *data);
FFErrorCode FFH5WriteScalar(hid_t parent, const char *name, double value, const char *units);
FFErrorCode FFH5ReadScalar(hid_t parent, const char *name, double *value, char *units, size_t units_len);
/* Variable-length UTF-8 strings: a list (1-d dataset) and one text (scalar dataset). */
FFErrorCode FFH5WriteStrings(hid_t parent, const char *name, int n, const char *const *strings);
FFErrorCode FFH5ReadStrings(hid_t parent, const char *name, int *n, char ***strings);
FFErrorCode FFH5WriteText(hid_t parent, const char *name, const char *text);
FFErrorCode FFH5ReadText(hid_t parent, const char *name, char **text);
/* Bytes (a file's text) as a compressed 1-d uint8 dataset; read back NUL-terminated. */
FFErrorCode FFH5WriteBytes(hid_t parent, const char *name, const void *data, size_t n, const char *description);
FFErrorCode FFH5ReadBytesAsText(hid_t parent, const char *name, char **text);
/* Names of the links of a group, in creation order where it is tracked, else by name; free
 * with FFStringsFree. */
FFErrorCode FFH5List(hid_t group, int *n, char ***names);
/* Names of the attributes of a file, group or dataset, ordered likewise. */
FFErrorCode FFH5ListAttrs(hid_t obj, int *n, char ***names);

/* ---------- strings (strings.c) ---------- */
/* Copies s into a fixed buffer, failing when it does not fit. */
FFErrorCode FFCopyName(char *dst, size_t len, const char *src, const char *what);
FFErrorCode FFStrdup(const char *s, char **out);

#endif
