/* PNG files of RGB images: signature, IHDR, one zlib-compressed IDAT (filter 0 on every
 * scanline), IEND; each chunk with its CRC-32. Written to a temporary name and renamed. */
#include "ff_petsc.h"
#include "ff_report.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void Put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* length, type, data, CRC of type + data */
static int WriteChunk(FILE *f, const char type[4], const unsigned char *data, size_t n)
{
  unsigned char head[8], tail[4];
  Put32(head, (uint32_t)n);
  memcpy(head + 4, type, 4);
  uLong crc = crc32(0L, (const Bytef *)type, 4);
  if (n) crc = crc32(crc, data, (uInt)n);
  Put32(tail, (uint32_t)crc);
  return fwrite(head, 1, 8, f) != 8 || (n && fwrite(data, 1, n, f) != n) || fwrite(tail, 1, 4, f) != 4;
}

PetscErrorCode FFWritePNG(const char *path, int width, int height, const unsigned char *rgb)
{
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const size_t row = 3 * (size_t)width + 1, raw_n = row * (size_t)height;
  unsigned char ihdr[13], *raw, *packed;
  uLongf packed_n = compressBound((uLong)raw_n);
  char tmp[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBegin;
  PetscCheck(width > 0 && height > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PNG of %d x %d pixels", width,
             height);
  PetscCall(PetscMalloc2(raw_n, &raw, packed_n, &packed));
  for (int y = 0; y < height; y++) {
    raw[y * row] = 0; /* filter: none */
    memcpy(&raw[y * row + 1], &rgb[(size_t)y * 3 * width], 3 * (size_t)width);
  }
  const int zrc = compress2(packed, &packed_n, raw, (uLong)raw_n, 6);
  Put32(ihdr, (uint32_t)width);
  Put32(ihdr + 4, (uint32_t)height);
  ihdr[8] = 8;  /* bits per channel */
  ihdr[9] = 2;  /* RGB */
  ihdr[10] = 0; /* deflate */
  ihdr[11] = 0; /* adaptive filtering */
  ihdr[12] = 0; /* no interlace */
  PetscCallFF(FFTempPathFor(path, tmp, sizeof tmp));
  FILE *f = zrc == Z_OK ? fopen(tmp, "wb") : NULL;
  int bad = !f || fwrite(signature, 1, 8, f) != 8 || WriteChunk(f, "IHDR", ihdr, 13) ||
            WriteChunk(f, "IDAT", packed, packed_n) || WriteChunk(f, "IEND", NULL, 0);
  if (f) bad |= fclose(f) != 0;
  PetscCall(PetscFree2(raw, packed));
  if (bad) remove(tmp);
  PetscCheck(zrc == Z_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "zlib failed (%d) compressing '%s'", zrc, path);
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write '%s'", path);
  PetscCallFF(FFCommitTemp(tmp, path));
  PetscFunctionReturn(0);
}
