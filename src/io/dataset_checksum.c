/* File integrity: CRC-32 and the sealed header in the HDF5 user block of every dataset file.
 * The check must be cheap enough to run on every read: a stat catches truncation, one
 * sequential read through zlib's CRC-32 (the one Python's zlib.crc32 computes, GB/s)
 * catches corruption. */
#define _POSIX_C_SOURCE 200809L
#include "ff_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER_MAGIC "fieldflow-h5 1\n"

/* CRC-32 of bytes [offset, end) of an open file. */
static FFErrorCode CrcOfRest(int fd, const char *path, long long offset, long long end, uint32_t *crc)
{
  unsigned char *buf;
  const size_t chunk = 1 << 20;
  uLong c = crc32_z(0L, Z_NULL, 0);
  FF_CHECK(FFMalloc(chunk, &buf));
  for (long long pos = offset; pos < end;) {
    size_t want = (size_t)(end - pos) < chunk ? (size_t)(end - pos) : chunk;
    ssize_t got = pread(fd, buf, want, pos);
    if (got <= 0) {
      int e = errno;
      FFFree(&buf);
      FF_ERROR(FF_ERR_IO, "cannot read '%s' at byte %lld: %s", path, pos, got < 0 ? strerror(e) : "unexpected end");
    }
    c = crc32_z(c, buf, (z_size_t)got);
    pos += got;
  }
  FFFree(&buf);
  *crc = (uint32_t)c;
  return FF_SUCCESS;
}

static int ParseHeader(const char *text, FFFileHeader *h)
{
  memset(h, 0, sizeof *h);
  h->index = -1;
  if (strncmp(text, HEADER_MAGIC, strlen(HEADER_MAGIC))) return 0;
  int have = 0;
  for (const char *line = text + strlen(HEADER_MAGIC); *line; line = strchr(line, '\n') + 1) {
    unsigned crc;
    if (sscanf(line, "kind %15s", h->kind) == 1)
      have |= 1;
    else if (sscanf(line, "index %ld", &h->index) == 1)
      have |= 2;
    else if (sscanf(line, "status %15s", h->status) == 1)
      have |= 4;
    else if (sscanf(line, "bytes %lld", &h->bytes) == 1)
      have |= 8;
    else if (sscanf(line, "crc32 %8x", &crc) == 1)
      h->crc32 = crc, have |= 16;
    if (!strchr(line, '\n')) break;
  }
  return (have & (1 | 8 | 16)) == (1 | 8 | 16);
}

static FFErrorCode VerifyOpen(int fd, const char *path, FFVerifyLevel level, FFFileHeader *h)
{
  struct stat st;
  char text[FF_FILE_HEADER_BYTES + 1];
  if (fstat(fd, &st) != 0) FF_ERROR(FF_ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
  long long size = (long long)st.st_size;
  if (size < FF_FILE_HEADER_BYTES)
    FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': truncated to %lld bytes, shorter than its %d-byte header", path, size,
             FF_FILE_HEADER_BYTES);
  ssize_t got = pread(fd, text, FF_FILE_HEADER_BYTES, 0);
  if (got != FF_FILE_HEADER_BYTES) FF_ERROR(FF_ERR_IO, "cannot read the header of '%s'", path);
  text[FF_FILE_HEADER_BYTES] = '\0';
  if (!ParseHeader(text, h))
    FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': no fieldflow header (never sealed, or overwritten)", path);
  if (size < h->bytes)
    FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': truncated: %lld of %lld bytes", path, size, h->bytes);
  if (size > h->bytes)
    FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': %lld bytes, its header says %lld (appended to?)", path, size, h->bytes);
  if (level == FF_VERIFY_FULL) {
    uint32_t crc;
    FF_CHECK(CrcOfRest(fd, path, FF_FILE_HEADER_BYTES, size, &crc));
    if (crc != h->crc32)
      FF_ERROR(FF_ERR_FORMAT, "corrupt file '%s': checksum mismatch (CRC-32 %08x, header says %08x)", path,
               (unsigned)crc, (unsigned)h->crc32);
  }
  return FF_SUCCESS;
}

FFErrorCode FFFileVerify(const char *path, FFVerifyLevel level, FFFileHeader *header)
{
  FFFileHeader local;
  FFFileHeader *h = header ? header : &local;
  int fd = open(path, O_RDONLY);
  if (fd < 0) FF_ERROR(FF_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  FFErrorCode rc = VerifyOpen(fd, path, level, h);
  close(fd);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}

static FFErrorCode SealOpen(int fd, const char *path, const char *kind, long index, const char *status)
{
  struct stat st;
  if (fstat(fd, &st) != 0) FF_ERROR(FF_ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
  long long size = (long long)st.st_size;
  FF_ASSERT(size > FF_FILE_HEADER_BYTES, FF_ERR_STATE, "'%s' has no room for a header: written without the user block?",
            path);
  uint32_t crc;
  FF_CHECK(CrcOfRest(fd, path, FF_FILE_HEADER_BYTES, size, &crc));
  char text[FF_FILE_HEADER_BYTES];
  memset(text, 0, sizeof text);
  snprintf(text, sizeof text, HEADER_MAGIC "kind %s\nindex %ld\nstatus %s\nbytes %lld\ncrc32 %08x\n", kind, index,
           status && *status ? status : "-", size, (unsigned)crc);
  if (pwrite(fd, text, sizeof text, 0) != (ssize_t)sizeof text)
    FF_ERROR(FF_ERR_IO, "cannot write the header of '%s': %s", path, strerror(errno));
  /* The rename that follows must not become visible before the data (power loss). */
  if (fsync(fd) != 0) FF_ERROR(FF_ERR_IO, "cannot sync '%s': %s", path, strerror(errno));
  return FF_SUCCESS;
}

FFErrorCode FFFileSeal(const char *path, const char *kind, long index, const char *status)
{
  int fd = open(path, O_RDWR);
  if (fd < 0) FF_ERROR(FF_ERR_IO, "cannot open '%s' to seal it: %s", path, strerror(errno));
  FFErrorCode rc = SealOpen(fd, path, kind, index, status);
  close(fd);
  if (rc) return FFErrorTrace(rc, __FILE__, __LINE__, __func__);
  return FF_SUCCESS;
}
