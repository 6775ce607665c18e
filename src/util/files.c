/* Files: atomic writes (temp + rename), directories, path checks, time. */
#define _DEFAULT_SOURCE /* mkstemps */
#include "ff_util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double FFTimeNow(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

double FFCpuTimeNow(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

FFErrorCode FFTempPathFor(const char *path, char *tmp, size_t len)
{
  /* Same directory as the target, so rename() is atomic; pid keeps ranks apart. */
  int n = snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
  FF_ASSERT(n > 0 && (size_t)n < len, FF_ERR_ARG, "path too long: '%s'", path);
  return FF_SUCCESS;
}

FFErrorCode FFCommitTemp(const char *tmp, const char *path)
{
  if (rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    FF_ERROR(FF_ERR_IO, "cannot move '%s' to '%s': %s", tmp, path, strerror(e));
  }
  return FF_SUCCESS;
}

FFErrorCode FFRemoveStaleTemps(const char *path, int *n_removed)
{
  char dir[4096] = ".", prefix[4200];
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
  if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) > 0 ? (int)(slash - path) : 1, path);
  int n = snprintf(prefix, sizeof prefix, "%s.tmp.", base), removed = 0;
  FF_ASSERT(n > 0 && (size_t)n < sizeof prefix, FF_ERR_ARG, "path too long: '%s'", path);
  DIR *d = opendir(dir);
  if (!d) return FF_SUCCESS; /* no directory yet: nothing left over */
  FFErrorCode rc = FF_SUCCESS;
  for (struct dirent *e; !rc && (e = readdir(d));) {
    if (strncmp(e->d_name, prefix, (size_t)n) || !e->d_name[n]) continue;
    char *end;
    long pid = strtol(e->d_name + n, &end, 10);
    if (*end || pid <= 0 || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* its writer may still be at it */
    char stale[8400];
    snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name);
    if (unlink(stale) == 0)
      removed++;
    else if (errno != ENOENT)
      rc = FFErrorSet(FF_ERR_IO, __FILE__, __LINE__, __func__, "cannot remove leftover '%s': %s", stale,
                      strerror(errno));
  }
  closedir(d);
  if (n_removed) *n_removed = removed;
  return rc;
}

FFErrorCode FFAtomicOpen(const char *path, const char *mode, FFAtomicFile *af)
{
  memset(af, 0, sizeof *af);
  FF_ASSERT(path && *path, FF_ERR_ARG, "empty output path");
  FF_ASSERT(strlen(path) < sizeof af->path, FF_ERR_ARG, "path too long: '%s'", path);
  strcpy(af->path, path);
  FF_CHECK(FFTempPathFor(path, af->tmp, sizeof af->tmp));
  af->f = fopen(af->tmp, mode);
  if (!af->f) FF_ERROR(FF_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  return FF_SUCCESS;
}

FFErrorCode FFAtomicCommit(FFAtomicFile *af)
{
  FF_ASSERT(af->f, FF_ERR_STATE, "'%s' is not open", af->path);
  /* a write error (disk full) may show only at fflush/fsync/fclose: check all of them */
  int bad = ferror(af->f) || fflush(af->f) != 0;
  int e = bad ? errno : 0;
  if (!bad && fsync(fileno(af->f)) != 0 && errno != EINVAL) bad = 1, e = errno;
  if (fclose(af->f) != 0 && !bad) bad = 1, e = errno;
  af->f = NULL;
  if (bad) {
    unlink(af->tmp);
    FF_ERROR(FF_ERR_IO, "cannot write '%s': %s", af->path, e ? strerror(e) : "write error");
  }
  FF_CHECK(FFCommitTemp(af->tmp, af->path));
  return FF_SUCCESS;
}

void FFAtomicAbort(FFAtomicFile *af)
{
  if (af->f) fclose(af->f);
  af->f = NULL;
  if (af->tmp[0]) unlink(af->tmp);
}

FFErrorCode FFScratchFile(const char *prefix, const char *suffix, char *path, size_t len)
{
  const char *dir = getenv("TMPDIR");
  int n = snprintf(path, len, "%s/%s-XXXXXX%s", dir && *dir ? dir : "/tmp", prefix, suffix);
  FF_ASSERT(n > 0 && (size_t)n < len, FF_ERR_ARG, "scratch path too long");
  int fd = mkstemps(path, (int)strlen(suffix));
  if (fd < 0) FF_ERROR(FF_ERR_IO, "cannot create a scratch file %s: %s", path, strerror(errno));
  close(fd);
  return FF_SUCCESS;
}

int FFFileExists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

int FFIsDirectory(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

FFErrorCode FFMakeDirs(const char *path)
{
  char buf[4096];
  size_t n = strlen(path);
  FF_ASSERT(n > 0 && n < sizeof buf, FF_ERR_ARG, "invalid directory path '%s'", path);
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0775) != 0 && errno != EEXIST)
        FF_ERROR(FF_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
      if (!FFIsDirectory(buf)) FF_ERROR(FF_ERR_IO, "'%s' exists and is not a directory", buf);
      buf[i] = c;
    }
  }
  return FF_SUCCESS;
}

FFErrorCode FFCheckWritable(const char *path)
{
  char dir[4096];
  FF_ASSERT(path && *path, FF_ERR_ARG, "empty output path");
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  if (!FFIsDirectory(dir)) FF_ERROR(FF_ERR_IO, "cannot write '%s': directory '%s' does not exist", path, dir);
  if (access(dir, W_OK) != 0) FF_ERROR(FF_ERR_IO, "cannot write '%s': directory '%s' is not writable", path, dir);
  if (FFIsDirectory(path)) FF_ERROR(FF_ERR_IO, "cannot write '%s': it is a directory", path);
  return FF_SUCCESS;
}

const char *FFPathExtension(const char *path)
{
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return path + strlen(path);
  return dot;
}
