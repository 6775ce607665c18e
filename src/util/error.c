/* Error messages: the first failure writes what and where, callers append their frame. */
#include "ff_util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One message per thread, like errno: threads never see each other's errors. */
static _Thread_local char ff_message[4096];
static _Thread_local int ff_trace_depth;

static const char *BaseName(const char *file)
{
  const char *slash = strrchr(file, '/');
  return slash ? slash + 1 : file;
}

FFErrorCode FFErrorSet(FFErrorCode code, const char *file, int line, const char *func, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(ff_message, sizeof ff_message, fmt, ap);
  va_end(ap);
  if (n < 0) ff_message[0] = '\0';
  size_t used = strlen(ff_message);
  snprintf(ff_message + used, sizeof ff_message - used, "\n  at %s() %s:%d", func, BaseName(file), line);
  ff_trace_depth = 1;
  return code;
}

FFErrorCode FFErrorTrace(FFErrorCode code, const char *file, int line, const char *func)
{
  if (ff_trace_depth < 8) {
    size_t used = strlen(ff_message);
    snprintf(ff_message + used, sizeof ff_message - used, "\n  at %s() %s:%d", func, BaseName(file), line);
  }
  ff_trace_depth++;
  return code;
}

const char *FFErrorMessage(void) { return ff_message[0] ? ff_message : "no error message recorded"; }

void FFErrorClear(void)
{
  ff_message[0] = '\0';
  ff_trace_depth = 0;
}

FFErrorCode FFMalloc(size_t bytes, void *out_ptr)
{
  void **out = (void **)out_ptr;
  *out = NULL;
  if (bytes == 0) return FF_SUCCESS;
  *out = malloc(bytes);
  if (!*out) FF_ERROR(FF_ERR_MEM, "out of memory allocating %zu bytes", bytes);
  return FF_SUCCESS;
}

FFErrorCode FFCalloc(size_t count, size_t size, void *out_ptr)
{
  void **out = (void **)out_ptr;
  *out = NULL;
  if (count == 0 || size == 0) return FF_SUCCESS;
  *out = calloc(count, size);
  if (!*out) FF_ERROR(FF_ERR_MEM, "out of memory allocating %zu x %zu bytes", count, size);
  return FF_SUCCESS;
}

void FFFree(void *ptr_to_ptr)
{
  void **p = (void **)ptr_to_ptr;
  free(*p);
  *p = NULL;
}

void FFWarn(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("fieldflow: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}
