/* Running a sweep: rank 0 checks the plan and the case, creates (or resumes) the dataset and
 * lists the pending samples; groups of ranks then take pending samples one at a time from a
 * shared counter (MPI_Fetch_and_op on rank 0's window: no rank waits for a slow sample of
 * another), and rank 0 shows the progress and rebuilds the manifest at the end. */
#include "sweep_private.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { COUNTER_NEXT, COUNTER_DONE, COUNTER_FAILED, COUNTER_N };

/* ---------- rank 0: plan, probe, dataset ---------- */

typedef struct {
  FFDataset ds;
  long *pending, n_pending, done_before;
  double *plan; /* n x n_params, on every rank */
} Work;

static PetscErrorCode CheckPlan(FFSweep sw, double *plan)
{
  PetscFunctionBegin;
  FFErrorCode rc = FFSamplingPlan(sw->method, sw->n, sw->seed, sw->n_params, sw->params, plan);
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: %.*s", sw->n <= 0 ? "-n" : "-sweep_params",
             FFSweepErrorLine(), FFErrorMessage());
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSplits(FFSweep sw, const double *plan)
{
  FFErrorCode rc = FF_SUCCESS;
  unsigned char *part;
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(sw->n, &part));
  for (int s = 0; !rc && s < sw->n_splits; s++) {
    rc = FFSplitAssign(&sw->splits[s], sw->n, sw->n_params, sw->params, plan, part);
    if (rc) {
      PetscCall(PetscFree(part));
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option %s: %.*s",
              s ? "-sweep_holdout" : "-sweep_val_fraction/-sweep_test_fraction", FFSweepErrorLine(), FFErrorMessage());
    }
  }
  PetscCall(PetscFree(part));
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateDataset(FFSweep sw, Work *w)
{
  FFDatasetSpec spec;
  int removed;
  long counts[4];
  PetscFunctionBegin;
  PetscCall(PetscMemzero(&spec, sizeof spec));
  PetscCall(PetscStrncpy(spec.case_name, sw->case_name, sizeof spec.case_name));
  spec.options = sw->options;
  spec.method = sw->method;
  spec.n = sw->n;
  spec.seed = sw->seed;
  spec.n_params = sw->n_params;
  spec.params = sw->params;
  spec.n_splits = sw->n_splits;
  spec.splits = sw->splits;
  FFErrorCode rc = FFDatasetCreate(sw->out, &spec, &w->ds);
  PetscCheck(!rc, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option -o: %.*s", FFSweepErrorLine(), FFErrorMessage());
  PetscCallFF(FFDatasetCleanTemps(w->ds, &removed));
  if (removed) PetscCall(PetscInfo(NULL, "removed %d temporary files of an interrupted run\n", removed));
  PetscCallFF(FFDatasetPending(w->ds, &w->pending, &w->n_pending));
  w->done_before = sw->n - w->n_pending;
  PetscCallFF(FFDatasetWriteManifest(w->ds, FF_VERIFY_QUICK, counts));
  PetscFunctionReturn(0);
}

static PetscErrorCode Prepare(FFSweep sw, Work *w)
{
  PetscFunctionBegin;
  PetscCall(CheckPlan(sw, w->plan));
  PetscCall(FFSweepProbe(sw, w->plan));
  PetscCall(CheckSplits(sw, w->plan));
  PetscCall(CreateDataset(sw, w));
  PetscFunctionReturn(0);
}

/* Prepare on rank 0; its error, if any, raised on every rank. */
typedef struct {
  FFSweep sw;
  Work *w;
} PrepareCtx;

static PetscErrorCode PrepareOnRank0(void *ctx)
{
  PetscFunctionBegin;
  PetscCall(Prepare(((PrepareCtx *)ctx)->sw, ((PrepareCtx *)ctx)->w));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrepareEverywhere(FFSweep sw, Work *w)
{
  PetscMPIInt rank, size;
  PrepareCtx ctx = {sw, w};
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(sw->comm, &rank));
  PetscCallMPI(MPI_Comm_size(sw->comm, &size));
  PetscCall(PetscMalloc1((size_t)PetscMax(sw->n, 1) * sw->n_params + 1, &w->plan));
  PetscCall(FFRunOnRank0(sw->comm, PrepareOnRank0, &ctx));
  if (size == 1) PetscFunctionReturn(0);
  long counts[2] = {w->n_pending, w->done_before};
  PetscCallMPI(MPI_Bcast(counts, 2, MPI_LONG, 0, sw->comm));
  w->n_pending = counts[0], w->done_before = counts[1];
  if (rank) w->pending = malloc(sizeof *w->pending * ((size_t)w->n_pending + 1)); /* as FFDatasetPending's */
  PetscCheck(w->pending, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCallMPI(MPI_Bcast(w->pending, (int)w->n_pending, MPI_LONG, 0, sw->comm));
  /* the plan was checked on rank 0; it is the same function of the same arguments here */
  if (rank) PetscCallFF(FFSamplingPlan(sw->method, sw->n, sw->seed, sw->n_params, sw->params, w->plan));
  PetscFunctionReturn(0);
}

/* ---------- progress (rank 0) ---------- */

typedef struct {
  PetscBool enabled;
  int tty;
  long total, before;
  double start, last;
} Progress;

static void ProgressShow(Progress *p, long done, long failed, PetscBool final)
{
  double now = FFTimeNow(), elapsed = now - p->start;
  char el[32], eta[48] = "";
  if (!p->enabled || (!final && !p->tty && now - p->last < 10.0)) return;
  p->last = now;
  FFFormatDuration(elapsed, el, sizeof el);
  if (!final && done > 0 && p->before + done < p->total) {
    char t[32];
    FFFormatDuration(elapsed / done * (p->total - p->before - done), t, sizeof t);
    snprintf(eta, sizeof eta, ", ETA %s", t);
  }
  fprintf(stderr, "%sgenerate: %ld/%ld samples (%ld this run, %ld failed), %s%s%s", p->tty ? "\r\033[K" : "",
          p->before + done, p->total, done, failed, el, eta, p->tty && !final ? "" : "\n");
  fflush(stderr);
}

/* ---------- the workers ---------- */

typedef struct {
  MPI_Comm group; /* the ranks solving one sample together */
  PetscMPIInt group_rank;
  MPI_Win win;
  long *counter; /* COUNTER_N longs on rank 0 */
} Workers;

static PetscErrorCode WorkersCreate(FFSweep sw, Workers *wk)
{
  PetscMPIInt rank;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(sw->comm, &rank));
  if (sw->ranks_per_sample == 1)
    PetscCallMPI(MPI_Comm_dup(PETSC_COMM_SELF, &wk->group));
  else
    PetscCallMPI(MPI_Comm_split(sw->comm, rank / (PetscMPIInt)sw->ranks_per_sample, rank, &wk->group));
  PetscCallMPI(MPI_Comm_rank(wk->group, &wk->group_rank));
  MPI_Aint bytes = rank ? 0 : COUNTER_N * (MPI_Aint)sizeof(long);
  PetscCallMPI(MPI_Win_allocate(bytes, sizeof(long), MPI_INFO_NULL, sw->comm, &wk->counter, &wk->win));
  if (!rank) {
    PetscCallMPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, wk->win));
    for (int k = 0; k < COUNTER_N; k++) wk->counter[k] = 0;
    PetscCallMPI(MPI_Win_unlock(0, wk->win));
  }
  PetscCallMPI(MPI_Barrier(sw->comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode WorkersDestroy(Workers *wk)
{
  PetscFunctionBegin;
  PetscCallMPI(MPI_Win_free(&wk->win));
  PetscCallMPI(MPI_Comm_free(&wk->group));
  PetscFunctionReturn(0);
}

/* Atomically adds add to counter k on rank 0; returns the value before. */
static PetscErrorCode CounterAdd(Workers *wk, int k, long add, long *before)
{
  PetscFunctionBegin;
  PetscCallMPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, wk->win));
  PetscCallMPI(MPI_Fetch_and_op(&add, before, MPI_LONG, 0, k, add ? MPI_SUM : MPI_NO_OP, wk->win));
  PetscCallMPI(MPI_Win_unlock(0, wk->win));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReportFailure(long index, const char *reason)
{
  PetscFunctionBegin;
  PetscCall(PetscFPrintf(PETSC_COMM_SELF, stderr, "%sgenerate: sample %ld failed: %s\n",
                         isatty(fileno(stderr)) ? "\r\033[K" : "", index, reason));
  PetscFunctionReturn(0);
}

/* Takes pending samples until none is left. */
static PetscErrorCode WorkLoop(FFSweep sw, Work *w, Workers *wk, Progress *progress)
{
  PetscMPIInt rank;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(sw->comm, &rank));
  for (;;) {
    long k = 0, done, failed;
    if (!wk->group_rank) PetscCall(CounterAdd(wk, COUNTER_NEXT, 1, &k));
    PetscCallMPI(MPI_Bcast(&k, 1, MPI_LONG, 0, wk->group));
    if (k >= w->n_pending) break;
    const long index = w->pending[k];
    char *text, reason[FF_REASON_MAX];
    PetscBool sample_failed;
    PetscCall(FFSweepSampleOptions(sw, &w->plan[index * sw->n_params], &text));
    PetscCall(FFSweepSolveSample(wk->group, w->ds, index, text, sw->runtime, &sample_failed, reason));
    PetscCall(PetscFree(text));
    if (wk->group_rank) continue;
    if (sample_failed) PetscCall(ReportFailure(index, reason));
    PetscCall(CounterAdd(wk, COUNTER_DONE, 1, &done));
    PetscCall(CounterAdd(wk, COUNTER_FAILED, sample_failed ? 1 : 0, &failed));
    if (!rank && progress->before + done + 1 < progress->total) /* the last line comes at the end */
      ProgressShow(progress, done + 1, failed + (sample_failed ? 1 : 0), PETSC_FALSE);
  }
  PetscFunctionReturn(0);
}

/* ---------- the sweep ---------- */

static PetscErrorCode Finish(FFSweep sw, Work *w, Workers *wk, FFSweepSummary *sum)
{
  PetscMPIInt rank;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(sw->comm, &rank));
  if (!rank) {
    long counts[4];
    PetscCall(CounterAdd(wk, COUNTER_DONE, 0, &sum->solved_now));
    PetscCall(CounterAdd(wk, COUNTER_FAILED, 0, &sum->failed_now));
    sum->solved_now -= sum->failed_now;
    PetscCallFF(FFDatasetWriteManifest(w->ds, FF_VERIFY_FULL, counts));
    sum->ok = counts[FF_STATE_OK], sum->failed = counts[FF_STATE_FAILED], sum->corrupt = counts[FF_STATE_CORRUPT];
  }
  PetscCallMPI(MPI_Bcast(sum, sizeof *sum, MPI_BYTE, 0, sw->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepRun(FFSweep sw, FFSweepSummary *sum)
{
  PetscMPIInt rank, size;
  Work w;
  Workers wk;
  Progress progress;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&w, sizeof w));
  PetscCall(PetscMemzero(sum, sizeof *sum));
  PetscCheck(sw->options, sw->comm, PETSC_ERR_ORDER, "FFSweepRun before FFSweepSetFromOptions");
  PetscCallMPI(MPI_Comm_rank(sw->comm, &rank));
  PetscCallMPI(MPI_Comm_size(sw->comm, &size));
  PetscCall(PrepareEverywhere(sw, &w));
  PetscCall(WorkersCreate(sw, &wk));
  if (rank && !wk.group_rank) PetscCallFF(FFDatasetOpen(sw->out, &w.ds));
  progress = (Progress){sw->progress, isatty(fileno(stderr)), sw->n, w.done_before, FFTimeNow(), FFTimeNow()};
  PetscCall(WorkLoop(sw, &w, &wk, &progress));
  PetscCallMPI(MPI_Barrier(sw->comm));
  sum->planned = sw->n;
  sum->done_before = w.done_before;
  sum->wall_time = FFTimeNow() - progress.start;
  sum->ranks = size;
  sum->groups = (int)((size + sw->ranks_per_sample - 1) / sw->ranks_per_sample);
  PetscCall(Finish(sw, &w, &wk, sum));
  if (!rank) ProgressShow(&progress, sum->solved_now + sum->failed_now, sum->failed_now, PETSC_TRUE);
  PetscCall(WorkersDestroy(&wk));
  FFDatasetDestroy(&w.ds);
  free(w.pending);
  PetscCall(PetscFree(w.plan));
  PetscFunctionReturn(0);
}
