/* JSON files through json-c: numbers, atomic pretty writes, strict reads. */
#include "ff_util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

json_object *FFJsonNumber(double v)
{
  char text[32];
  if (!isfinite(v)) return NULL;
  /* json-c writes a double made with its text verbatim: the file shows the same digits as
   * the tables, and no value's text depends on json-c's own formatting. */
  snprintf(text, sizeof text, "%.10g", v);
  return json_object_new_double_s(v, text);
}

FFErrorCode FFJsonWriteFile(json_object *doc, const char *path)
{
  FFAtomicFile af;
  size_t len;

  FF_ASSERT(doc, FF_ERR_ARG, "cannot write '%s': no JSON document", path);
  const char *text = json_object_to_json_string_length(
      doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
  FF_ASSERT(text, FF_ERR_MEM, "cannot write '%s': out of memory formatting the JSON", path);
  FF_CHECK(FFAtomicOpen(path, "w", &af));
  /* FFAtomicCommit checks the stream's error flag, so a short write is reported there */
  fwrite(text, 1, len, af.f);
  fputc('\n', af.f);
  FF_CHECK(FFAtomicCommit(&af));
  return FF_SUCCESS;
}

/* The whole file as a NUL-terminated string. */
static FFErrorCode Slurp(const char *path, char **text, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f) FF_ERROR(FF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      char *more = cap <= (size_t)INT_MAX / 2 ? realloc(buf, 2 * cap) : NULL;
      if (!more) free(buf);
      buf = more, cap *= 2;
    }
  }
  const int bad = ferror(f);
  fclose(f);
  if (!buf) FF_ERROR(FF_ERR_MEM, "cannot read '%s': out of memory or larger than 1 GiB", path);
  if (bad) {
    free(buf);
    FF_ERROR(FF_ERR_IO, "cannot read '%s': read error", path);
  }
  buf[n] = '\0';
  *text = buf, *len = n;
  return FF_SUCCESS;
}

FFErrorCode FFJsonReadFile(const char *path, json_object **doc)
{
  char *text = NULL;
  size_t len = 0;

  *doc = NULL;
  FF_CHECK(Slurp(path, &text, &len));
  json_tokener *tok = json_tokener_new();
  if (!tok) {
    free(text);
    FF_ERROR(FF_ERR_MEM, "cannot parse '%s': out of memory", path);
  }
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  /* The terminating NUL is handed over too: it ends a document that is a bare number, and
   * turns a truncated document into an error instead of a request for more text. */
  json_object *obj = json_tokener_parse_ex(tok, text, (int)len + 1);
  const enum json_tokener_error err = json_tokener_get_error(tok);
  const size_t end = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  /* A NUL byte inside the file stops the parser early, after what may be a whole document.
   * (A document that is just null parses to NULL with success.) */
  const char *why = err != json_tokener_success ? json_tokener_error_desc(err) : "text after the document";
  if (err != json_tokener_success || end < len) {
    long line = 1, column = 1;
    for (size_t i = 0; i < end && i < len; i++) {
      if (text[i] == '\n')
        line++, column = 1;
      else
        column++;
    }
    json_object_put(obj);
    free(text);
    FF_ERROR(FF_ERR_FORMAT, "'%s' is not valid JSON: line %ld, column %ld: %s", path, line, column, why);
  }
  free(text);
  *doc = obj;
  return FF_SUCCESS;
}
