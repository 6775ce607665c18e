/* Small string helpers of the io module: bounded copies, owned copies, string lists. */
#include "io_private.h"

#include <stdlib.h>
#include <string.h>

FFErrorCode FFCopyName(char *dst, size_t len, const char *src, const char *what)
{
  size_t n = strlen(src);
  FF_ASSERT(n < len, FF_ERR_ARG, "%s '%s' is too long (at most %zu characters)", what, src, len - 1);
  memcpy(dst, src, n + 1);
  return FF_SUCCESS;
}

FFErrorCode FFStrdup(const char *s, char **out)
{
  size_t n = strlen(s);
  FF_CHECK(FFMalloc(n + 1, out));
  memcpy(*out, s, n + 1);
  return FF_SUCCESS;
}

void FFStringsFree(char ***strings, int n)
{
  if (!*strings) return;
  for (int i = 0; i < n; i++) free((*strings)[i]);
  FFFree(strings);
}
