/* fieldflow util: errors, logging, progress, random numbers, timing, files, JSON files,
 * sampling plans. Plain C with no PETSc, so the nn and io modules can use it too. */
#ifndef FF_UTIL_H
#define FF_UTIL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one length of every name in fieldflow (fields, parameters, groups, options, keys),
 * terminating NUL included. */
#define FF_NAME_LEN 96

/* ---------- errors ----------
 * Library functions return an FFErrorCode (0 = success). The first failure records a
 * message naming what and where; callers add their location as the code propagates.
 * The message is per thread (like errno), so no state is shared between threads. */
typedef enum {
  FF_SUCCESS = 0,
  FF_ERR_ARG,      /* bad argument or option value */
  FF_ERR_IO,       /* file cannot be opened, read or written */
  FF_ERR_FORMAT,   /* file is malformed, truncated or of another kind */
  FF_ERR_MEM,      /* allocation failed */
  FF_ERR_NUMERIC,  /* non-finite values, divergence */
  FF_ERR_EXTERNAL, /* an external tool or library failed */
  FF_ERR_STATE     /* call out of order, object not set up */
} FFErrorCode;

#if defined(__GNUC__)
#define FF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FF_PRINTF(a, b)
#endif

FFErrorCode FFErrorSet(FFErrorCode code, const char *file, int line, const char *func, const char *fmt, ...)
    FF_PRINTF(5, 6);
FFErrorCode FFErrorTrace(FFErrorCode code, const char *file, int line, const char *func);
const char *FFErrorMessage(void);
void FFErrorClear(void);

/* Return from the current function with a new error. */
#define FF_ERROR(code, ...) return FFErrorSet((code), __FILE__, __LINE__, __func__, __VA_ARGS__)
/* Call something that returns an FFErrorCode; propagate a failure. */
#define FF_CHECK(expr)                                                                                                 \
  do {                                                                                                                 \
    FFErrorCode ff_rc_ = (expr);                                                                                       \
    if (ff_rc_) return FFErrorTrace(ff_rc_, __FILE__, __LINE__, __func__);                                             \
  } while (0)
/* Fail with a message when a condition does not hold. */
#define FF_ASSERT(cond, code, ...)                                                                                     \
  do {                                                                                                                 \
    if (!(cond)) FF_ERROR(code, __VA_ARGS__);                                                                          \
  } while (0)

/* Allocation that fails with a message instead of returning NULL silently. */
FFErrorCode FFMalloc(size_t bytes, void *out_ptr);
FFErrorCode FFCalloc(size_t count, size_t size, void *out_ptr);
/* Frees *ptr and sets it to NULL. */
void FFFree(void *ptr_to_ptr);

/* ---------- logging ---------- */
void FFWarn(const char *fmt, ...) FF_PRINTF(1, 2);

/* ---------- progress of long work ----------
 * On a terminal one line is rewritten in place; otherwise plain lines are printed
 * at most every 10% of the work or every 30 s. */
typedef struct {
  char label[64];
  long total;
  long done;
  double start, last_print;
  int last_decile;
  int tty;
  int enabled;
  FILE *stream;
} FFProgress;

void FFProgressStart(FFProgress *p, const char *label, long total, int enabled);
void FFProgressUpdate(FFProgress *p, long done, const char *detail);
void FFProgressEnd(FFProgress *p, const char *detail);
/* Formats seconds as "1h02m", "3m05s" or "4.2s". */
void FFFormatDuration(double seconds, char *buf, size_t len);

/* ---------- random numbers ----------
 * xoshiro256** seeded through splitmix64; a stream index gives independent
 * sequences from one seed (one per rank, sample or thread). */
typedef struct {
  uint64_t s[4];
  int has_spare;
  double spare;
} FFRng;

void FFRngSeed(FFRng *rng, uint64_t seed, uint64_t stream);
uint64_t FFRngNext(FFRng *rng);
double FFRngUniform(FFRng *rng);             /* [0, 1) */
double FFRngNormal(FFRng *rng);              /* N(0, 1) */
uint64_t FFRngBelow(FFRng *rng, uint64_t n); /* uniform in [0, n) */
void FFRngNormalFill(FFRng *rng, float *x, size_t n, float stddev);
void FFRngShuffle(FFRng *rng, int *a, size_t n);

/* ---------- time ---------- */
double FFTimeNow(void); /* seconds, monotonic */
/* CPU seconds this process has used (all its threads, user and system): on a shared machine the
 * compute a job received, where the wall clock also counts the time others had the cores. */
double FFCpuTimeNow(void);

/* ---------- files ----------
 * Outputs are written to a temporary name beside the target and renamed when
 * complete, so a reader never sees half a file. Writers through stdio use FFAtomicFile;
 * libraries that open the file themselves (HDF5, VTK) write to FFTempPathFor's name and
 * call FFCommitTemp. */
FFErrorCode FFTempPathFor(const char *path, char *tmp, size_t len);
/* Renames tmp over path; on failure tmp is removed and the error names both. */
FFErrorCode FFCommitTemp(const char *tmp, const char *path);
/* Removes what writers killed mid-write left beside path: FFTempPathFor's names of it whose
 * process is gone from this host. *n_removed (may be NULL): how many. */
FFErrorCode FFRemoveStaleTemps(const char *path, int *n_removed);

typedef struct {
  FILE *f; /* write through this */
  char path[4096], tmp[4096 + 32];
} FFAtomicFile;
/* Opens a temporary file beside path (mode "w" or "wb"). */
FFErrorCode FFAtomicOpen(const char *path, const char *mode, FFAtomicFile *af);
/* Flushes and closes the file, checking that every write reached the disk (a full disk is
 * an error naming path, and the old file at path is left as it was), then renames it over
 * path. The temporary file never remains. */
FFErrorCode FFAtomicCommit(FFAtomicFile *af);
/* Closes and removes the temporary file (after a failed write); path is untouched. */
void FFAtomicAbort(FFAtomicFile *af);

/* A new empty scratch file in $TMPDIR (or /tmp), named <prefix>-XXXXXX<suffix>, for a tool
 * that wants a path (Gmsh, PETSc's mesh reader); the caller removes it. */
FFErrorCode FFScratchFile(const char *prefix, const char *suffix, char *path, size_t len);
FFErrorCode FFMakeDirs(const char *path);
int FFFileExists(const char *path);
int FFIsDirectory(const char *path);
/* Fails with a clear message when the directory that would hold path is missing or not writable. */
FFErrorCode FFCheckWritable(const char *path);
/* Pointer to the extension of path (".vtu") or to the terminating NUL. */
const char *FFPathExtension(const char *path);

/* ---------- JSON files ----------
 * Every JSON file fieldflow writes or reads goes through json-c, so strings are escaped and
 * every file is valid JSON. A writer builds a tree and hands it to FFJsonWriteFile:
 *
 *   json_object *doc = json_object_new_object(), *forces = json_object_new_object();
 *   json_object_object_add(doc, "model", json_object_new_string(path));    escaped by json-c
 *   json_object_object_add(doc, "samples", json_object_new_int64(n));      counts: int64
 *   json_object_object_add(forces, "C_D", FFJsonNumber(cd));               measured values
 *   json_object_object_add(doc, "forces", forces);                         doc owns forces
 *   FFErrorCode rc = FFJsonWriteFile(doc, "out/summary.json");
 *   json_object_put(doc);                                                  frees the tree
 *
 * json_object_object_add and json_object_array_add take over the value they are given;
 * keys keep the order they were added in. A reader gets the tree from FFJsonReadFile and
 * looks values up with json_object_object_get_ex or json_pointer_get ("/forces/C_D"); a
 * JSON null comes back as NULL. */

/* A JSON number for a measured value: the number as "%.10g" writes it (10 significant
 * digits, the text every table and file of fieldflow has used), or NULL, which json-c writes
 * as null, when v is NaN or infinite (JSON has no such numbers). The caller owns the result. */
json_object *FFJsonNumber(double v);
/* Writes doc to path: pretty-printed (two-space indent, "key": value), '/' unescaped, a
 * newline at the end, atomically (FFAtomicOpen/FFAtomicCommit: a reader never sees half a
 * file). doc stays the caller's. Errors name path. */
FFErrorCode FFJsonWriteFile(json_object *doc, const char *path);
/* Reads and parses the JSON document in path with json-c's strict parser (JSON_TOKENER_STRICT:
 * no trailing commas, comments, unquoted keys, nan or inf as printf writes them, or text after
 * the document; UTF-8 checked). *doc is the caller's (json_object_put); NULL on failure. A
 * file that is not valid JSON is an FF_ERR_FORMAT error naming path, the line and column and
 * what the parser expected. json-c's strict mode still lets through single-quoted strings and
 * the words NaN and Infinity, which no writer of fieldflow produces. */
FFErrorCode FFJsonReadFile(const char *path, json_object **doc);

/* ---------- sampling: seeded designs of experiments over declared parameter ranges
 * (Latin hypercube, Sobol'). The dataset sweep builds its plan here, and the plan is a
 * deterministic function of (ranges, n, seed, method). */
#define FF_PARAM_UNITS_MAX 32

/* ---------- unit-cube designs; point i, coordinate d at u[i * dim + d] ---------- */

/* Latin hypercube: n points in [0, 1)^dim. In every coordinate each stratum
 * [k/n, (k+1)/n), k = 0..n-1, holds exactly one point, placed uniformly inside it;
 * the strata are matched across coordinates by independent seeded permutations. */
FFErrorCode FFLatinHypercube(long n, int dim, uint64_t seed, double *u);

/* Sobol' points with indices first .. first+n-1 in Gray-code order (index 0 is the
 * origin), dim <= FF_SOBOL_MAX_DIM, 32-bit resolution. Direction numbers: Joe & Kuo
 * (2008), file new-joe-kuo-6.21201, coordinate 0 being the van der Corput sequence.
 * shift = 0: the plain sequence (as torch.quasirandom.SobolEngine(scramble=False)).
 * shift != 0: a random digital shift, i.e. every coordinate XOR-ed with a 32-bit word
 * drawn from seed; it keeps the (t, m, s)-net structure (each 2^m block of points stays
 * equally spread over the elementary boxes) and moves the origin off the corner. It is
 * not Owen scrambling. Balance is best when n is a power of two. */
#define FF_SOBOL_MAX_DIM 21
FFErrorCode FFSobolPoints(long first, long n, int dim, int shift, uint64_t seed, double *u);

/* ---------- parameter ranges and sweep plans ---------- */

typedef enum {
  FF_PARAM_LINEAR, /* uniform in [lo, hi] */
  FF_PARAM_LOG,    /* log-uniform in [lo, hi], 0 < lo */
  FF_PARAM_SEED    /* an integer in [0, 2^31) per sample, a seed for a random input
                      (e.g. a permeability field); lo, hi unused; takes no design dimension */
} FFParamScale;

typedef struct {
  char name[FF_NAME_LEN];         /* the case option it sets, e.g. "aoa" for -aoa */
  char units[FF_PARAM_UNITS_MAX]; /* "deg", "1", ...; may be empty */
  double lo, hi;
  FFParamScale scale;
} FFParamRange;

typedef enum { FF_SAMPLING_LHS, FF_SAMPLING_SOBOL } FFSamplingMethod;

const char *FFSamplingMethodName(FFSamplingMethod method); /* "lhs", "sobol" */
FFErrorCode FFSamplingMethodFromName(const char *name, FFSamplingMethod *method);
const char *FFParamScaleName(FFParamScale scale); /* "linear", "log", "seed" */
FFErrorCode FFParamScaleFromName(const char *name, FFParamScale *scale);

/* Parses "name:lo:hi", "name:lo:hi:log" or "name:seed"; units may follow the name in
 * brackets: "aoa[deg]:-2:8", "re:100:1000:log". The range is checked (FFParamRangeCheck). */
FFErrorCode FFParamRangeParse(const char *text, FFParamRange *range);
/* A clear error for an empty name, a non-finite, empty (lo == hi) or reversed (lo > hi)
 * range, or lo <= 0 on a log scale. */
FFErrorCode FFParamRangeCheck(const FFParamRange *range);

/* The sweep plan: values[i * n_params + j] is sample i's parameter j. Linear and log
 * parameters take coordinates of one design (LHS or Sobol, digitally shifted by seed)
 * in the order they are declared; seed parameters are hashed from (seed, i, j). Errors
 * for n <= 0, a bad range, duplicate names. Deterministic in all its arguments. */
FFErrorCode FFSamplingPlan(FFSamplingMethod method, long n, uint64_t seed, int n_params, const FFParamRange *params,
                           double *values);

#ifdef __cplusplus
}
#endif

#endif
