/* The writer's lock of a dataset directory: one `fieldflow generate` at a time. Two sweeps into
 * one directory would both write every pending sample and the manifest; each file stays whole
 * (temporary name, rename), but the work is done twice and the second run's rebuild of the
 * manifest races the first's. flock() on <dir>/.fieldflow.lock, held by the FFDataset that
 * FFDatasetCreate returns until FFDatasetDestroy: the lock belongs to the open file, so when
 * the process ends in any way (kill -9 included) the system releases it and the next run
 * proceeds; the file itself stays (an empty lock file means nothing). The holder writes its
 * pid and host into it, for the message of the refused run. */
#define _DEFAULT_SOURCE
#include "io_private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

FFErrorCode FFDatasetLock(const char *dir, int *fd_out)
{
  char path[4200], holder[256] = "";
  *fd_out = -1;
  snprintf(path, sizeof path, "%s/%s", dir, FF_LOCK_FILE);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) FF_ERROR(FF_ERR_IO, "cannot create the lock file '%s': %s", path, strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (e == EWOULDBLOCK) {
      ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
      holder[n > 0 ? n : 0] = '\0';
      holder[strcspn(holder, "\n")] = '\0';
      close(fd);
      FF_ERROR(FF_ERR_STATE,
               "dataset directory '%s' is being written by another fieldflow generate (%s; lock file '%s'): wait for "
               "it to finish, or write to another directory",
               dir, holder[0] ? holder : "pid unknown", path);
    }
    /* A file system without flock (NFS without a lock daemon, some container mounts): go on
     * unlocked, as HDF5's locking is off for the same reason (docs/formats.md). */
    close(fd);
    FFWarn("cannot lock '%s' (%s): two sweeps into '%s' would not be stopped", path, strerror(e), dir);
    return FF_SUCCESS;
  }
  char host[128] = "?";
  gethostname(host, sizeof host - 1);
  int n = snprintf(holder, sizeof holder, "pid %ld on %s\n", (long)getpid(), host);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, holder, (size_t)n, 0) != n) {
    /* only the message of a refused run needs it: the lock itself holds */
  }
  *fd_out = fd;
  return FF_SUCCESS;
}

void FFDatasetUnlock(int *fd)
{
  if (*fd < 0) return;
  close(*fd); /* releases the flock */
  *fd = -1;
}
