/* What every fuzz harness of bench/fuzz shares. A harness is one reader of outside bytes: it
 * defines FuzzSetUp (once per process) and FuzzOne (once per input), and this header turns
 * them into libFuzzer's entry points. The same source, linked with replay.c instead of
 * libFuzzer, replays files (the regression inputs of tests/fuzz/<harness>/).
 *
 * The readers take paths, not buffers (HDF5, PETSc's mesh reader and json-c's file reader
 * all open a file), so each input is written to a scratch file and the reader opens that. The
 * oracle is the sanitizers (any memory error, leak or undefined behaviour stops the run) and,
 * for readers that return an FFErrorCode, FuzzExpectClean: a refused input must come with a
 * message that names the file, as every reader of fieldflow promises. */
#ifndef FF_FUZZ_H
#define FF_FUZZ_H

#include "ff_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int FuzzSetUp(void);
int FuzzOne(const uint8_t *data, size_t size);
void FuzzTearDown(void); /* removes the scratch files (replay; libFuzzer exits without it) */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FF_FUZZ_REPLAY
/* libFuzzer ends with exit(): the harness's teardown (PetscFinalize, scratch files) runs then,
 * so the leak check at exit sees only what was really lost. */
static void FuzzAtExit(void) { FuzzTearDown(); }
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  if (FuzzSetUp()) return 1;
  atexit(FuzzAtExit);
  return 0;
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return FuzzOne(data, size); }
#endif

/* A scratch path in $TMPDIR for the process's inputs (suffix: ".h5", ".msh", ...). */
static inline void FuzzScratch(const char *name, const char *suffix, char *path, size_t len)
{
  if (FFScratchFile(name, suffix, path, len)) {
    fprintf(stderr, "fuzz: %s\n", FFErrorMessage());
    abort();
  }
}

/* Writes the input to path (replacing what was there). */
static inline void FuzzWrite(const char *path, const uint8_t *data, size_t size)
{
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
    perror(path);
    abort();
  }
}

/* A reader's failure must say which file it refused. */
static inline void FuzzExpectClean(FFErrorCode rc, const char *path)
{
  if (rc && getenv("FF_FUZZ_VERBOSE")) fprintf(stderr, "refused: %s\n", FFErrorMessage());
  if (rc && !strstr(FFErrorMessage(), path)) {
    fprintf(stderr, "fuzz: an error that does not name the file '%s':\n%s\n", path, FFErrorMessage());
    abort();
  }
  FFErrorClear();
}

#endif
