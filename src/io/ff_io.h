/* fieldflow io: the files fieldflow reads and writes (layouts in docs/formats.md and
 * docs/nn.md). Plain C + HDF5 + VTK, no PETSc types. Three parts:
 *
 *   checkpoints  key/value configurations, named float arrays and model checkpoints (HDF5);
 *   datasets     a directory of HDF5 samples from a parameter sweep, its definition and
 *                manifest, file integrity (sealed header + CRC-32), splits;
 *   VTK          unstructured meshes with named fields as .vtu (and .pvd series) through the
 *                VTK library, and a reader for tests and tools.
 *
 * Every file is written to a temporary name beside the target and renamed when complete. */
#ifndef FF_IO_H
#define FF_IO_H

#include "ff_nn.h"
#include "ff_util.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== checkpoints */
/* fieldflow io: model checkpoints in HDF5 (layout in docs/nn.md).
 *
 *   (512 bytes) the sealed header, as in every dataset file (file integrity, below)
 *   /            attributes format = "fieldflow-checkpoint", version = 2
 *   /config      one string attribute per key (the model's configuration)
 *   /normalization/<name>   float32 [n]     (normalization statistics)
 *   /params/<name>          float32 [rows, cols]
 *   /optimizer   attributes step, skipped, plateau_*, and the hyperparameters;
 *                m/<name>, v/<name>, ema/<name> like /params
 *
 * Written to a temporary file, sealed and renamed. Loading checks the seal (size, CRC-32)
 * before HDF5 opens the file, then every parameter's name and
 * shape against the model and names the first one that differs; a failed load leaves
 * the model untouched. In MPI runs let one rank save (every rank may load). */
/* ---------- configuration: ordered string key/value pairs ---------- */
typedef struct {
  int n, cap;
  char **keys, **values;
} FFKeyValues;

FFErrorCode FFKeyValuesCreate(FFKeyValues **kv);
void FFKeyValuesDestroy(FFKeyValues **kv);
void FFKeyValuesClear(FFKeyValues *kv);
/* Sets (or replaces) a value. Keys: 1..95 characters, no '/'. */
FFErrorCode FFKeyValuesSet(FFKeyValues *kv, const char *key, const char *value);
FFErrorCode FFKeyValuesSetInt(FFKeyValues *kv, const char *key, long value);
FFErrorCode FFKeyValuesSetReal(FFKeyValues *kv, const char *key, double value); /* round-trips exactly */
/* NULL when the key is missing. */
const char *FFKeyValuesGet(const FFKeyValues *kv, const char *key);
/* Fail with a message naming the key when it is missing or not a number. */
FFErrorCode FFKeyValuesGetInt(const FFKeyValues *kv, const char *key, long *value);
FFErrorCode FFKeyValuesGetInt32(const FFKeyValues *kv, const char *key, int *value); /* also fails out of int range */
FFErrorCode FFKeyValuesGetReal(const FFKeyValues *kv, const char *key, double *value);

/* ---------- named float arrays (normalization statistics) ---------- */
typedef struct {
  int n, cap;
  char **names;
  size_t *sizes;
  float **data;
} FFNamedArrays;

FFErrorCode FFNamedArraysCreate(FFNamedArrays **na);
void FFNamedArraysDestroy(FFNamedArrays **na);
void FFNamedArraysClear(FFNamedArrays *na);
/* Copies values (replaces an array of the same name). */
FFErrorCode FFNamedArraysSet(FFNamedArrays *na, const char *name, size_t n, const float *values);
/* Fails naming the array when it is missing; *values points into na. */
FFErrorCode FFNamedArraysGet(const FFNamedArrays *na, const char *name, size_t *n, const float **values);

/* ---------- checkpoints ---------- */
/* opt, config and stats may be NULL (not saved). */
FFErrorCode FFCheckpointSave(const char *path, const FFParams *params, FFOptimizer *opt, const FFKeyValues *config,
                             const FFNamedArrays *stats);
/* Reads what is asked for (NULL: skipped). params must be set up with the model the
 * checkpoint was saved from (build it from FFCheckpointReadConfig's configuration). */
FFErrorCode FFCheckpointLoad(const char *path, FFParams *params, FFOptimizer *opt, FFKeyValues *config,
                             FFNamedArrays *stats);
/* Only the configuration, to build the model before loading its parameters. */
FFErrorCode FFCheckpointReadConfig(const char *path, FFKeyValues *config);
/* Version 1 (before the seal; refused by the readers above) copied into a sealed version-2
 * file out, which is then read back. Only for files you trust: the old file reaches HDF5
 * unchecked. */
FFErrorCode FFCheckpointUpgrade(const char *path, const char *out);

/* ====================================================================== datasets */
/* fieldflow datasets: a directory of HDF5 samples from a parameter sweep of reference
 * solves, plus its definition and a manifest. Plain C + HDF5, no PETSc types.
 * The layout of every file is documented in docs/formats.md.
 *
 *   <dir>/dataset.h5               the definition: case, options, sampling plan, splits
 *   <dir>/manifest.h5              the index: state, size and checksum of every sample,
 *                                  and the split lists; rebuilt from the files at any time
 *   <dir>/samples/sample_NNNNNN.h5 one per planned sample (solved, or failed with a reason)
 *
 * Every file is written to a temporary name, sealed (size and CRC-32 in its header) and
 * renamed, so a reader never sees half a file and can tell a truncated or corrupt one. */
#define FF_DATASET_SCHEMA_VERSION 1
#define FF_REASON_MAX             1536 /* a RANS failure carries its residual history (~1 KB) */

/* ---------- file integrity ----------
 * Each HDF5 file of a dataset reserves a 512-byte HDF5 user block; sealing fills it with
 * a text header ("fieldflow-h5 1", kind, index, status, bytes, crc32). crc32 is zlib's
 * CRC-32 of bytes [512, bytes). A quick check compares the header with the file size
 * (one stat: catches truncation); a full check also recomputes the CRC (one read). */
#define FF_FILE_HEADER_BYTES 512

typedef enum { FF_VERIFY_QUICK, FF_VERIFY_FULL } FFVerifyLevel;

typedef struct {
  char kind[16];   /* "sample", "dataset", "manifest", "checkpoint" */
  long index;      /* samples: the sample index; -1 otherwise */
  char status[16]; /* samples: "ok" or "failed" */
  long long bytes; /* the whole file */
  uint32_t crc32;
} FFFileHeader;

/* FF_ERR_IO when the file cannot be opened; FF_ERR_FORMAT, with a message naming the file
 * and saying what is wrong (no header, truncated, checksum mismatch), when it is corrupt. */
FFErrorCode FFFileVerify(const char *path, FFVerifyLevel level, FFFileHeader *header);
/* Fills the header of a closed HDF5 file written with the user block, and fsyncs it. */
FFErrorCode FFFileSeal(const char *path, const char *kind, long index, const char *status);

/* ---------- one sample ----------
 * To write, fill an FFSample with pointers to your own arrays: nothing is copied or
 * freed. FFSampleRead allocates every array it fills; FFSampleDestroy frees them. */
typedef enum { FF_FIELD_NODES, FF_FIELD_VERTICES } FFFieldLocation;
typedef enum { FF_SAMPLE_OK, FF_SAMPLE_FAILED } FFSampleStatus;

typedef struct {
  char name[FF_NAME_LEN];       /* "u", "p", "K" */
  char units[FF_NAME_LEN];      /* may be empty; "1" for non-dimensional */
  char components[FF_NAME_LEN]; /* comma-separated component names ("u_x,u_y"); may be empty */
  FFFieldLocation location;     /* rows: all n_nodes, or the first n_vertices nodes */
  int n_comp;
  double *data; /* rows x n_comp, row-major */
} FFField;

typedef struct {
  char name[FF_NAME_LEN];
  char units[FF_NAME_LEN];
  double value;
} FFScalar;

/* The node graph of the surrogates (meshes/ff_mesh.h FFNodeGraph): P2 nodes, vertices first. */
typedef struct {
  int n_nodes, n_vertices, n_cells, n_groups;
  double *coords;     /* n_nodes x 2 */
  int *cells;         /* n_cells x 6, VTK quadratic-triangle order (3 vertices, then edge midpoints) */
  int *node_type;     /* n_nodes: 0 interior, g + 1 on boundary group g */
  char **group_names; /* n_groups */
  double *sdf;        /* n_nodes: distance to the nearest wall */
  int *row_ptr, *col; /* optional CSR adjacency (n_nodes + 1, row_ptr[n_nodes]); NULL: not stored */
  char *msh;          /* optional: the text of the Gmsh .msh file the mesh was read from, so a reader can
                         rebuild the exact same DMPlex and solver without gmsh (FFSweepSolverFromSample,
                         sweep/ff_sweep.h); NULL: not stored */
} FFSampleMesh;

/* Pressure coefficient along a body, ordered by arc position. */
typedef struct {
  char body[FF_NAME_LEN];
  int n; /* 0: none */
  double *s, *x, *y, *cp;
} FFSurfacePressure;

typedef struct {
  long iterations;       /* Newton iterations (all continuation steps) */
  double final_residual; /* norm of the final nonlinear residual */
  double wall_time;      /* seconds of the solve */
  int n_extra;
  FFScalar *extra; /* any other statistics (continuation steps, unknowns, ...) */
} FFSolverStats;

typedef struct {
  long index;
  FFSampleStatus status;
  char reason[FF_REASON_MAX]; /* why it failed; empty when ok */
  char case_name[FF_NAME_LEN];
  char *options; /* the options text that defines the solve; may be NULL */
  int n_params;
  FFScalar *params;
  FFSampleMesh mesh; /* mesh.n_nodes == 0: no mesh (allowed for failed samples) */
  int n_fields;
  FFField *fields;
  int n_forces;
  FFScalar *forces; /* C_D, C_L, ... */
  FFSurfacePressure surface;
  FFSolverStats solver;
} FFSample;

/* What FFSampleRead loads besides the scalars (index, status, params, forces, solver). */
enum {
  FF_READ_MESH = 1,  /* coords, cells, node types, groups, sdf */
  FF_READ_GRAPH = 2, /* the CSR adjacency, when stored */
  FF_READ_FIELDS = 4,
  FF_READ_SURFACE = 8,
  FF_READ_OPTIONS = 16,
  FF_READ_MESH_FILE = 32, /* mesh.msh, when stored */
  FF_READ_ALL = 63
};

/* Checks the sample (names, sizes, finite values when ok) and writes it atomically
 * (temporary name, seal, rename). */
FFErrorCode FFSampleWrite(const char *path, const FFSample *s);
/* Verifies the file fully, then reads it. FF_ERR_FORMAT naming the file when corrupt. */
FFErrorCode FFSampleRead(const char *path, unsigned what, FFSample *s);
void FFSampleDestroy(FFSample *s);
/* Lookups by name; NULL when absent. */
const FFField *FFSampleField(const FFSample *s, const char *name);
const FFScalar *FFScalarFind(const FFScalar *list, int n, const char *name);
int FFFieldRows(const FFSample *s, const FFField *f); /* n_nodes or n_vertices */
/* The field on all n_nodes nodes into out (n_nodes x n_comp): a vertex field is extended
 * to each edge-midpoint node by the mean of the edge's two vertices, which is exact for a
 * P1 field (the pressure of P2-P1). Needs the mesh cells (FF_READ_MESH). */
FFErrorCode FFFieldToNodes(const FFSample *s, const FFField *f, double *out);
/* The sample as a VTU of quadratic triangles (ParaView): every field on all nodes (as
 * FFFieldToNodes), node_type and sdf. Needs FF_READ_MESH | FF_READ_FIELDS; atomic. */
FFErrorCode FFSampleWriteVtu(const FFSample *s, const char *path);

/* ---------- splits ----------
 * A split scheme assigns every planned sample to train, val or test, as a deterministic
 * function of the plan and the scheme; failed or missing samples simply drop out.
 * random:  a seeded permutation; round(test_fraction n) test, round(val_fraction n) val.
 * holdout: test = the samples whose parameter lies in [lo, hi] (outside = 1: not in it),
 *          i.e. an extrapolation split like AirfRANS's; val = round(val_fraction m) of the
 *          m others by a seeded permutation; train = the rest. */
typedef enum { FF_SPLIT_RANDOM, FF_SPLIT_HOLDOUT } FFSplitKind;
typedef enum { FF_SPLIT_TRAIN = 0, FF_SPLIT_VAL = 1, FF_SPLIT_TEST = 2 } FFSplitPart;

typedef struct {
  char name[FF_NAME_LEN]; /* "random", "holdout_aoa", ... */
  FFSplitKind kind;
  double val_fraction, test_fraction; /* test_fraction: random only */
  uint64_t seed;
  char param[FF_NAME_LEN]; /* holdout */
  double lo, hi;           /* holdout range, inclusive; -inf/+inf for an open side */
  int outside;
} FFSplitSpec;

const char *FFSplitPartName(FFSplitPart part); /* "train", "val", "test" */
/* A random scheme named "random". */
void FFSplitSpecRandom(double val_fraction, double test_fraction, uint64_t seed, FFSplitSpec *spec);
/* "[name=]param:lo:hi[:outside]", an empty bound being open: "aoa:8:" holds out aoa >= 8,
 * "re:200:800:outside" holds out Re outside [200, 800]. The default name is
 * "holdout_<param>"; val_fraction 0.1 and seed 0 until set. */
FFErrorCode FFSplitSpecParse(const char *text, FFSplitSpec *spec);
/* part[i] for the n planned samples (values as FFSamplingPlan). Errors name the scheme:
 * bad fractions, unknown parameter, a holdout range that holds out no or every sample. */
FFErrorCode FFSplitAssign(const FFSplitSpec *spec, long n, int n_params, const FFParamRange *params,
                          const double *values, unsigned char *part);

/* ---------- a dataset ---------- */
#define FF_DATASET_MAX_SPLITS 8

typedef struct {
  char case_name[FF_NAME_LEN];
  char *options; /* the options text that defines the solves; compared on resume */
  FFSamplingMethod method;
  long n;
  uint64_t seed;
  int n_params;
  FFParamRange *params;
  int n_splits; /* a "random" scheme (0.1 val, 0.1 test, the dataset seed) is added when none is named so */
  FFSplitSpec *splits;
} FFDatasetSpec;

typedef enum { FF_STATE_MISSING, FF_STATE_OK, FF_STATE_FAILED, FF_STATE_CORRUPT } FFSampleState;
const char *FFSampleStateName(FFSampleState state); /* "missing", "ok", "failed", "corrupt" */

/* The files as found: one entry per planned sample, plus what else lies in samples/. */
typedef struct {
  long n;
  FFSampleState *state;
  long long *bytes; /* 0 when missing */
  uint32_t *crc32;  /* from the file header */
  char **problem;   /* corrupt: what is wrong; failed: the reason (full scans); else NULL */
  long counts[4];   /* by FFSampleState */
  int n_temps, n_stray;
  char **temps; /* leftover temporary files (paths) */
  char **stray; /* files that are no planned sample (paths) */
} FFDatasetScan;

typedef struct _p_FFDataset *FFDataset;

/* The sweep's entry: creates the directory and its definition, or reopens it when it holds
 * the same dataset (resume). Errors: n <= 0, bad ranges or splits, a directory holding
 * another dataset (the first difference named) or other files, a directory another process
 * writes (the writer's lock, <dir>/.fieldflow.lock, which the returned dataset holds until
 * FFDatasetDestroy and the system releases when a process dies). Call on one rank (0). */
FFErrorCode FFDatasetCreate(const char *dir, const FFDatasetSpec *spec, FFDataset *ds);
/* Opens an existing dataset and scans its files quickly (no checksums). Any rank, any time. */
FFErrorCode FFDatasetOpen(const char *dir, FFDataset *ds);
void FFDatasetDestroy(FFDataset *ds);

const char *FFDatasetDir(FFDataset ds);
const FFDatasetSpec *FFDatasetGetSpec(FFDataset ds);
const double *FFDatasetPlan(FFDataset ds);      /* n x n_params, as FFSamplingPlan */
const char *FFDatasetFingerprint(FFDataset ds); /* 16 hex digits identifying the definition */
FFErrorCode FFDatasetSamplePath(FFDataset ds, long index, char *path, size_t len);

/* Sweep side. Removes leftover temporary files (only while no rank writes: before the sweep). */
FFErrorCode FFDatasetCleanTemps(FFDataset ds, int *n_removed);
/* Indices with no valid file (missing or corrupt; full check), ascending; free() the list. */
FFErrorCode FFDatasetPending(FFDataset ds, long **indices, long *n);
/* Starts a sample: zeroes s, sets index, case, options and the planned parameters
 * (pointers into ds, valid while it lives). Then add mesh, fields, forces, stats. */
FFErrorCode FFDatasetSampleInit(FFDataset ds, long index, FFSample *s);
/* Writes s atomically as samples/sample_<index>.h5; its planned parameters must equal the
 * plan's. Safe from several processes at once on different indices. */
FFErrorCode FFDatasetWriteSample(FFDataset ds, const FFSample *s);
/* Records a failed solve (parameters, reason, statistics; no fields). */
FFErrorCode FFDatasetWriteFailure(FFDataset ds, long index, const char *reason, const FFSolverStats *stats);

/* Inspection. Scans the files; full level recomputes checksums and reads failure reasons. */
FFErrorCode FFDatasetScanFiles(FFDataset ds, FFVerifyLevel level, FFDatasetScan *scan);
void FFDatasetScanDestroy(FFDatasetScan *scan);
/* Rebuilds manifest.h5 from the definition and a scan of the files, atomically. Only one
 * process may call it at a time (the sweep's rank 0); the files alone are the truth. */
FFErrorCode FFDatasetWriteManifest(FFDataset ds, FFVerifyLevel level, long counts[4]);
/* Compares manifest.h5 with a scan: each disagreement becomes one line in *lines
 * (free with FFStringsFree). A missing manifest is one line too. */
FFErrorCode FFDatasetCheckManifest(FFDataset ds, const FFDatasetScan *scan, char ***lines, int *n_lines);
void FFStringsFree(char ***strings, int n);

/* Trainer side. A split is "train", "val", "test" or "all" of the "random" scheme, or
 * "<scheme>/<part>". The indices are the samples that were ok at open (or at the last
 * FFDatasetRefresh), ascending; free() the list. */
FFErrorCode FFDatasetRefresh(FFDataset ds);
FFErrorCode FFDatasetSplit(FFDataset ds, const char *split, long **indices, long *n);
/* Parts of a scheme for every planned sample (0 train, 1 val, 2 test); borrowed. */
FFErrorCode FFDatasetSplitParts(FFDataset ds, const char *scheme, const unsigned char **part);
FFErrorCode FFDatasetReadSample(FFDataset ds, long index, unsigned what, FFSample *s);
/* Reads every sample of a split; a corrupt file is skipped with a warning naming it.
 * Free each with FFSampleDestroy and the array with free(). */
FFErrorCode FFDatasetLoadSplit(FFDataset ds, const char *split, unsigned what, FFSample **samples, long *n);

/* ====================================================================== predictions */
/* A predictions file (docs/formats.md): the fields a model predicted for the samples of a
 * dataset split, in the layout of the samples' own fields (node fields on every P2 node,
 * vertex fields such as the P1 pressure on the vertices), made by any program (the Python
 * package, `fieldflow compare -save_predictions`) and scored against the solver by
 * `fieldflow compare -predictions`. */
#define FF_PREDICTIONS_MAX_FIELDS 8

typedef struct {
  char fingerprint[24];         /* of the dataset predicted (FFDatasetFingerprint) */
  char split[FF_NAME_LEN + 16]; /* "test", "holdout_aoa/test", ... */
  char producer[256];           /* free text: what made them (may be empty) */
  long parameters;              /* of the model, when the producer says (0: not said) */
  long n;                       /* samples */
  long *indices;                /* n sample indices, each once */
  long *n_nodes, *n_vertices;   /* n: each sample's rows in node and in vertex fields */
  double *seconds;              /* n inference seconds as the producer measured them; NULL: not given */
  int n_fields;
  FFField fields[FF_PREDICTIONS_MAX_FIELDS]; /* data: the samples' rows one after another, in the order of indices */
  FFNamedArrays *history; /* training curves (history_epoch, history_train_loss, history_val_error); NULL: none */
} FFPredictions;

/* Reads and checks a predictions file: its format, that its counts and fields add up, each
 * sample once, every value finite (else an error naming the file, the field, the sample, the
 * row and the component). Against a dataset it is checked by its user (the report). */
FFErrorCode FFPredictionsRead(const char *path, FFPredictions *p);
/* Writes p atomically (values as float64; seconds when not NULL; no history). */
FFErrorCode FFPredictionsWrite(const char *path, const FFPredictions *p);
void FFPredictionsDestroy(FFPredictions *p);
/* The entry of a sample index, or -1. */
long FFPredictionsFind(const FFPredictions *p, long index);
/* Field f of entry k as a field of that sample: view->data points into p (not copied). */
FFErrorCode FFPredictionsSampleField(const FFPredictions *p, long k, int f, FFField *view);

/* ====================================================================== VTK */
/* fieldflow io: VTK export. Unstructured meshes with named point and cell fields to .vtu
 * (XML, binary appended, zlib-compressed) through the VTK library, .pvd collections for
 * series, and a reader (for tests and tools). Plain C, no PETSc types; the implementation is
 * the one C++ file of fieldflow (vtk.cxx). Every file is written to a temporary name
 * beside the target and renamed when complete. */

/* VTK cell type numbers. A quadratic triangle lists v0 v1 v2 m01 m12 m20. */
typedef enum { FF_VTK_TRIANGLE = 5, FF_VTK_QUADRATIC_TRIANGLE = 22 } FFVtkCellType;

/* A named field: n_components values per point (or cell). 1 is a scalar; 2 and 3 are
 * vectors, and a 2-vector is stored with 3 components (z = 0) so that ParaView treats it as a
 * vector. Give either values (float64) or int_values (int32, e.g. node types). */
typedef struct {
  const char *name;
  int n_components;
  const double *values;
  const int32_t *int_values;
} FFVtkField;

typedef struct {
  int64_t n_points;
  int dim;              /* 2 (z = 0) or 3 values per point */
  const double *points; /* dim per point */
  int64_t n_cells;
  int cell_type;               /* FFVtkCellType; all cells the same */
  const int64_t *connectivity; /* 3 or 6 point indices per cell */
  int n_point_fields;
  const FFVtkField *point_fields;
  int n_cell_fields;
  const FFVtkField *cell_fields;
} FFVtkMesh;

FFErrorCode FFVtkWrite(const char *path, const FFVtkMesh *mesh);

/* A .pvd collection of n files (names as they should appear in it, usually relative to the
 * .pvd's directory) at the given times. */
FFErrorCode FFVtkWritePvd(const char *path, int n, const char *const files[], const double times[]);

/* What a .vtu holds, read back through VTK. */
typedef struct {
  char name[128];
  int n_components;
  int is_integer;
  double *values; /* n_components per point (or cell), converted to double */
} FFVtkArray;

typedef struct {
  int64_t n_points;
  double *points; /* 3 per point */
  int64_t n_cells;
  int *cell_types;
  int64_t *offsets; /* n_cells + 1: the points of cell c are connectivity[offsets[c] .. offsets[c+1]) */
  int64_t *connectivity;
  int n_point_fields;
  FFVtkArray *point_fields;
  int n_cell_fields;
  FFVtkArray *cell_fields;
} FFVtkData;

FFErrorCode FFVtkRead(const char *path, FFVtkData *data);
void FFVtkDataFree(FFVtkData *data);

/* A .vtu's point fields interpolated at any point by its cells' own shape functions (quadratic
 * on quadratic triangles), through VTK's cell locator: a state moved from one mesh to another.
 * A point outside the mesh (a curved wall's node, say) takes the values at the closest point
 * of the mesh, and says how far away it was. */
typedef struct _n_FFVtkProbe *FFVtkProbe;
FFErrorCode FFVtkProbeCreate(const char *path, FFVtkProbe *probe);
/* Components of the point field `name`, 0 when the file has none. */
int FFVtkProbeComponents(FFVtkProbe probe, const char *name);
/* values[n_components] of field `name` at x (3 coordinates); distance: from x to the mesh. */
FFErrorCode FFVtkProbeEvaluate(FFVtkProbe probe, const char *name, const double x[3], double values[],
                               double *distance);
void FFVtkProbeDestroy(FFVtkProbe *probe);
/* The point (or cell) field of that name, or NULL. */
const FFVtkArray *FFVtkDataField(const FFVtkData *data, const char *name, int on_cells);

#ifdef __cplusplus
}
#endif

#endif
