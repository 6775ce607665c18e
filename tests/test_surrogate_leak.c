/* 100 predictions in one process through the library API leave no memory behind: each call
 * does what `fieldflow predict` does after meshing (load the model file, build and prepare
 * the graph of the case, predict, map the prediction to the solver's state and evaluate its
 * residual, free everything), and the heap in use after call 100 must equal that after call 10.
 *
 * The measure is glibc's count of bytes in allocated chunks (mallinfo2: uordblks + hblkhd),
 * which every allocation of ours, PETSc's, HDF5's and OpenBLAS's goes through. glibc's
 * per-thread cache (tcache) keeps freed small chunks that mallinfo2 still counts as allocated,
 * and fills slowly over hundreds of calls (about 12 bytes a call on average, measured): the
 * program runs with it off (GLIBC_TUNABLES=glibc.malloc.tcache_count=0, set by re-executing
 * itself), so the count is exactly the memory in use. The first calls
 * may grow it for good (caches that are filled once: HDF5's free lists, PETSc's registered
 * events, BLAS buffers), hence the 10 calls before the first reading. After them a call that
 * leaks loses at least one chunk, 32 bytes at the least on 64-bit glibc, so 90 leaking calls
 * grow the count by 2880 bytes or more: the bound is growth < 2880 bytes (less than one chunk
 * a call). Under AddressSanitizer mallinfo2 sees nothing (ASan has its own allocator); there
 * LeakSanitizer checks the same loop (__lsan_do_recoverable_leak_check) and at exit. */
#include "ff_surrogate.h"
#include "ff_test.h"

#include <malloc.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define FF_TEST_ASAN 1
#else
#define FF_TEST_ASAN 0
#endif

#define CALLS  100
#define WARMUP 10

static char out[65536];

typedef struct {
  FFMesh mesh;
  FFSolver solver;
  FFNodeGraph ng;
  Vec u;
  char model[4200];
} Case;

static size_t HeapInUse(void)
{
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

/* One prediction, as `fieldflow predict` makes it once the case is meshed. */
static PetscErrorCode PredictOnce(Case *c, double *residual)
{
  FFSurrogate s;
  const FFSurrogateSchema *schema;
  FFSurrogateGraph g;
  double cond[FF_SURR_MAX_COND], *pred;
  PetscInt nn, nc;
  PetscFunctionBeginUser;
  PetscCall(FFSurrogateLoad(PETSC_COMM_WORLD, c->model, &s, NULL, NULL));
  PetscCall(FFSurrogateGetSchema(s, &schema));
  for (int k = 0; k < schema->n_cond; k++) cond[k] = 0.5 * (schema->cond[k].lo + schema->cond[k].hi);
  PetscCall(FFSolverGetNodeFieldLayout(c->solver, &nn, &nc));
  PetscCall(FFSurrogateGraphFromNodeGraph(schema, &c->ng, cond, NULL, &g));
  PetscCall(FFSurrogatePrepareGraph(s, &g));
  PetscCall(PetscMalloc1((size_t)nn * nc, &pred));
  PetscCall(FFSurrogatePredict(s, &g, pred, NULL));
  PetscCall(FFSolverNodeFieldToState(c->solver, pred, c->u));
  PetscCall(FFSolverNodeFieldLoss(c->solver, pred, NULL, residual, NULL));
  PetscCall(PetscFree(pred));
  PetscCall(FFSurrogateGraphDestroy(&g));
  PetscCall(FFSurrogateDestroy(&s));
  PetscFunctionReturn(0);
}

static void SetUpCase(Case *c)
{
  char dir[4096], cmd[20000], case_file[4096];
  snprintf(dir, sizeof dir, "%s", FFTestTempDir("surrogate_leak"));
  snprintf(case_file, sizeof case_file, "%s/tests/data/sweep_darcy_coarse.opts", FF_SOURCE_DIR);
  snprintf(c->model, sizeof c->model, "%s/field.h5", dir);
  snprintf(cmd, sizeof cmd,
           "%s generate -case %s -n 3 -o %s/data -progress 0 && %s train -model field -width 16 -depth 2 "
           "-hyper_width 16 -points 64 -data %s/data -split all -epochs 2 -o %s",
           FF_CLI, case_file, dir, FF_CLI, dir, c->model);
  CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, out, sizeof out), 0);
  FF_TEST_PETSC(PetscOptionsInsertFile(PETSC_COMM_WORLD, NULL, case_file, PETSC_TRUE));
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_WORLD, &c->mesh));
  FF_TEST_PETSC(FFMeshSetFromOptions(c->mesh));
  FF_TEST_PETSC(FFMeshSetUp(c->mesh));
  FF_TEST_PETSC(FFSolverCreate(PETSC_COMM_WORLD, &c->solver));
  FF_TEST_PETSC(FFSolverSetMesh(c->solver, c->mesh));
  FF_TEST_PETSC(FFSolverSetFromOptions(c->solver));
  FF_TEST_PETSC(FFSolverSetUp(c->solver));
  FF_TEST_PETSC(FFSolverCreateNodeGraph(c->solver, &c->ng));
  FF_TEST_PETSC(FFSolverSetNodeGraph(c->solver, &c->ng));
  FF_TEST_PETSC(FFSolverCreateState(c->solver, &c->u));
}

static void TearDownCase(Case *c)
{
  VecDestroy(&c->u);
  FFNodeGraphDestroy(&c->ng);
  FFSolverDestroy(&c->solver);
  FFMeshDestroy(&c->mesh);
}

static void TestHundredPredictions(void)
{
  Case c;
  memset(&c, 0, sizeof c);
  SetUpCase(&c);
  size_t after_warmup = 0;
  double first = 0, residual = 0;
  /* FF_LEAK_CALLS=n runs n calls, FF_LEAK_TRACE=1 prints the heap after each: to look closer */
  const int calls = getenv("FF_LEAK_CALLS") ? atoi(getenv("FF_LEAK_CALLS")) : CALLS;
  for (int k = 1; k <= calls; k++) {
    FF_TEST_PETSC(PredictOnce(&c, &residual));
    if (k == 1) first = residual;
    if (k == WARMUP) after_warmup = HeapInUse();
    if (getenv("FF_LEAK_TRACE")) fprintf(stderr, "call %d: heap in use %zu bytes\n", k, HeapInUse());
  }
  const size_t after = HeapInUse();
  const long growth = (long)after - (long)after_warmup, bound = (calls - WARMUP) * 32L;
  /* the same model on the same case: the same answer every time */
  CU_ASSERT(isfinite(first) && residual == first);
  if (FF_TEST_ASAN) {
#if FF_TEST_ASAN
    CU_ASSERT_EQUAL(__lsan_do_recoverable_leak_check(), 0);
#endif
  } else {
    fprintf(stderr, "heap in use after %d predictions %zu bytes, after %d %zu: growth %ld bytes (bound %ld)\n", WARMUP,
            after_warmup, CALLS, after, growth, bound);
    CU_ASSERT(growth < bound);
  }
  TearDownCase(&c);
}

int main(int argc, char **argv)
{
  if (!getenv("FF_TEST_NO_TCACHE")) { /* glibc reads its tunables at start: run again with them */
    setenv("FF_TEST_NO_TCACHE", "1", 1);
    setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
    execv("/proc/self/exe", argv);
    perror("re-executing with glibc's tcache off");
    return 1;
  }
  char clean[4200]; /* a fresh start: what an earlier run left would change what the runs find */
  snprintf(clean, sizeof clean, "rm -rf '%s'", FFTestTempDir("surrogate_leak"));
  if (FFTestShell(clean, NULL, 0)) return 1;
  const FFTest tests[] = {
      {"100 predictions in one process: no memory growth", TestHundredPredictions},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "surrogate_leak", tests);
}
