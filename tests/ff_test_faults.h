/* Fault injection for the tests/test_faults_*.c suites: a full disk (RLIMIT_FSIZE) in a child
 * process, and the files a directory holds. Header-only. */
#ifndef FF_TEST_FAULTS_H
#define FF_TEST_FAULTS_H

#include "ff_test.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* A process whose files may not grow past limit bytes (RLIMIT_FSIZE), with SIGXFSZ ignored:
 * a write past the limit then fails with EFBIG, as a write to a full disk fails with ENOSPC,
 * instead of killing the process. Both limits pass to what it execs. */
static inline void FFTestLimitFileSize(long limit)
{
  struct rlimit r = {(rlim_t)limit, (rlim_t)limit};
  signal(SIGXFSZ, SIG_IGN);
  setrlimit(RLIMIT_FSIZE, &r);
}

/* Runs fn(ctx) in a child process under FFTestLimitFileSize(limit). Returns fn's code (-1 when
 * the child did not exit normally); msg receives the error message. */
static inline int FFTestRunDiskFull(long limit, FFErrorCode (*fn)(void *), void *ctx, char *msg, size_t len)
{
  int fd[2];
  msg[0] = '\0';
  if (pipe(fd) != 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    FFTestLimitFileSize(limit);
    FFErrorCode rc = fn(ctx);
    const char *m = rc ? FFErrorMessage() : "";
    if (write(fd[1], m, strlen(m)) < 0) _exit(100);
    _exit(rc);
  }
  close(fd[1]);
  size_t n = 0;
  for (ssize_t got; n + 1 < len && (got = read(fd[0], msg + n, len - 1 - n)) > 0;) n += (size_t)got;
  msg[n] = '\0';
  close(fd[0]);
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/* A shell command line run under FFTestLimitFileSize(limit); as FFTestShell. A fieldflow run
 * under it needs Open MPI without its shared-memory files, which MPI_Init would size past the
 * limit: prefix the command with FF_TEST_MPI_NO_SHM. */
#define FF_TEST_MPI_NO_SHM "PMIX_MCA_gds=hash OMPI_MCA_btl=self"
static inline int FFTestShellDiskFull(long limit, const char *cmdline, char *out, size_t len)
{
  char full[8400];
  snprintf(full, sizeof full, "%s 2>&1", cmdline);
  int fd[2];
  if (pipe(fd) != 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    dup2(fd[1], 1);
    dup2(fd[1], 2);
    FFTestLimitFileSize(limit);
    execl("/bin/sh", "sh", "-c", full, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  size_t n = 0;
  char buf[4096];
  for (ssize_t got; (got = read(fd[0], buf, sizeof buf)) > 0;)
    if (out && n + 1 < len) {
      size_t take = (size_t)got < len - 1 - n ? (size_t)got : len - 1 - n;
      memcpy(out + n, buf, take);
      n += take;
    }
  if (out && len) out[n] = '\0';
  close(fd[0]);
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/* The number of entries of dir whose name contains part (".tmp." for temporary files). */
static inline int FFTestCountFiles(const char *dir, const char *part)
{
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    if (strstr(e->d_name, part)) n++;
  if (d) closedir(d);
  return n;
}

/* The whole file in a new buffer (free it); NULL when it cannot be read. */
static inline char *FFTestReadAll(const char *path, size_t *size)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  *size = 0;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *size = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  return buf;
}

#endif
