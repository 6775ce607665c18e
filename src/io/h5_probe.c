/* The probe read: every HDF5 file fieldflow reads is read first in a child process that is
 * then thrown away, so that a file which crashes or hangs libhdf5 is refused with an error
 * naming it instead of taking the program down.
 *
 * Why: libhdf5 (1.10.8, Debian 12) trusts the structure of a file. A file damaged on disk never
 * reaches it (the sealed size and CRC-32 are checked first, docs/formats.md), but a file written
 * by a buggy or hostile writer that sealed what it wrote does, and the fuzzers found such files
 * that overflow buffers, free wild pointers, loop forever or allocate gigabytes inside libhdf5
 * (docs/reliability.md). Nothing in fieldflow can make libhdf5 read them safely; a process
 * boundary can contain them. The child runs the same read as the caller (same file, same code,
 * same inputs), so a read that finishes in the child finishes in the parent; the child's output
 * is discarded, and its result (clean read or clean refusal) is not used: the parent reads
 * again and gets the same answer, with its own error message.
 *
 * The cost is a fork and a second read of the file (measured in docs/reliability.md).
 * FIELDFLOW_H5_PROBE=0 turns it off (a debugger or a sanitizer run of the reader itself),
 * FIELDFLOW_H5_PROBE=verbose keeps the child's output (a sanitizer's report of what it hit);
 * FIELDFLOW_H5_PROBE_TIMEOUT (seconds) replaces the time limit, by default 30 s plus 1 s per
 * 10 MB of file. POSIX fork/poll/waitpid (and Linux's parent-death signal): no library here
 * does this. */
#define _POSIX_C_SOURCE 200809L
#include "io_private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Present in a sanitizer build (a fuzzer sets it to record the input), absent otherwise. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* FIELDFLOW_H5_PROBE: 0 off, 2 verbose, 1 otherwise (the default). */
static int ProbeMode(void)
{
  const char *v = getenv("FIELDFLOW_H5_PROBE");
  if (!v) return 1;
  if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) return 0;
  return strcmp(v, "verbose") ? 1 : 2;
}

static double ProbeTimeout(const char *path)
{
  const char *v = getenv("FIELDFLOW_H5_PROBE_TIMEOUT");
  if (v && *v) {
    char *end;
    double t = strtod(v, &end);
    if (end != v && !*end && t > 0) return t;
  }
  struct stat st;
  double mb = stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
  return 30.0 + mb / 10.0;
}

static double Now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The child: quiet, the read, out. A fatal signal takes the default action: the handlers the
 * parent inherited must not run in the copy (PETSc's calls MPI_Abort, which would end the
 * parent's whole job; a fuzzer's, also called on a sanitizer's report, would record as a
 * finding what the parent handles). _exit: no atexit handlers (MPI, PETSc, leak checks)
 * either. Exit 0 for a finished read, whether it accepted the file or not. */
static void Child(const char *path, FFH5Content take, void *ctx, int verbose, pid_t parent)
{
  static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) signal(fatal[i], SIG_DFL);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL); /* the same for a sanitizer's report */
  /* A parent killed while it waits takes the child along: a hung child would otherwise keep
   * what it inherited open for good (a dataset writer's lock among them). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);
  int null = verbose ? -1 : open("/dev/null", O_WRONLY);
  if (null >= 0) {
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
  }
  (void)FFH5ReadTrustedFile(path, take, ctx); /* the caller's read, as it will run it */
  _exit(0);
}

/* Waits for the child's end (its end of the pipe closes) up to timeout seconds. 1: ended. */
static int WaitEnd(int fd, double timeout)
{
  double end = Now() + timeout;
  for (;;) {
    double left = end - Now();
    if (left <= 0) return 0;
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, (int)(left * 1000) + 1);
    if (r > 0) return 1; /* POLLHUP: the child is gone */
    if (r < 0 && errno != EINTR) return 1; /* cannot wait: waitpid below blocks instead */
  }
}

FFErrorCode FFH5Probe(const char *path, FFH5Content take, void *ctx)
{
  int mode = ProbeMode();
  if (!mode) return FF_SUCCESS;
  double timeout = ProbeTimeout(path);
  int fds[2];
  FF_ASSERT(pipe(fds) == 0, FF_ERR_IO, "cannot read '%s': no pipe for its probe read (%s; FIELDFLOW_H5_PROBE=0 reads it "
            "without)", path, strerror(errno));
  /* close-on-exec: a program another thread starts now must not hold the write end open */
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  fflush(NULL); /* what the parent buffered is written once, not twice */
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Child(path, take, ctx, mode == 2, parent); /* fds[1] stays open until the child ends: the parent sees it close */
  }
  int err = errno;
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    FF_ERROR(FF_ERR_IO, "cannot read '%s': cannot start its probe read (fork: %s; FIELDFLOW_H5_PROBE=0 reads it without)",
             path, strerror(err));
  }
  int ended = WaitEnd(fds[0], timeout);
  close(fds[0]);
  if (!ended) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  FF_ASSERT(ended, FF_ERR_FORMAT,
            "'%s' is damaged or crafted: the HDF5 library did not finish reading it within %.0f s (a probe read in a "
            "child process; FIELDFLOW_H5_PROBE_TIMEOUT sets the limit)",
            path, timeout);
  if (WIFSIGNALED(status))
    FF_ERROR(FF_ERR_FORMAT,
             "'%s' is damaged or crafted: reading it crashed the HDF5 library (signal %d, %s, in a probe read in a "
             "child process); it is not read",
             path, WTERMSIG(status), strsignal(WTERMSIG(status)));
  FF_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0, FF_ERR_FORMAT,
            "'%s' is damaged or crafted: reading it failed inside the HDF5 library (exit status %d of a probe read in a "
            "child process); it is not read",
            path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return FF_SUCCESS;
}
