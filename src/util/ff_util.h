/* fieldflow util: errors, logging, progress, random numbers, timing, files.
 * Plain C with no PETSc, so the nn and io modules can use it too. */
#ifndef FF_UTIL_H
#define FF_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

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

/* ---------- files ----------
 * Outputs are written to a temporary name beside the target and renamed when
 * complete, so a reader never sees half a file. */
FFErrorCode FFTempPathFor(const char *path, char *tmp, size_t len);
FFErrorCode FFCommitTemp(const char *tmp, const char *path);
FFErrorCode FFMakeDirs(const char *path);
int FFFileExists(const char *path);
int FFIsDirectory(const char *path);
/* Fails with a clear message when the directory that would hold path is missing or not writable. */
FFErrorCode FFCheckWritable(const char *path);
/* Pointer to the extension of path (".vtu") or to the terminating NUL. */
const char *FFPathExtension(const char *path);

#ifdef __cplusplus
}
#endif

#endif
