/* Fuzz harness: JSON files, through FFJsonReadFile (json-c's strict parser and our checks of
 * what it leaves: text after the document, NUL bytes, the line and column of the error).
 * Every JSON fieldflow reads goes through it. A document that parses is walked whole. */
#include "fuzz.h"

static char path[4096];

int FuzzSetUp(void)
{
  FuzzScratch("fuzz-json", ".json", path, sizeof path);
  return 0;
}

void FuzzTearDown(void) { remove(path); }

/* Touches every value, so a tree json-c built wrongly shows under the sanitizers. */
static size_t Walk(json_object *o)
{
  size_t n = 1;
  switch (json_object_get_type(o)) {
  case json_type_object: {
    json_object_object_foreach(o, key, value) n += strlen(key) + Walk(value);
    break;
  }
  case json_type_array:
    for (size_t i = 0; i < json_object_array_length(o); i++) n += Walk(json_object_array_get_idx(o, i));
    break;
  case json_type_string:
    n += (size_t)json_object_get_string_len(o);
    break;
  default:
    n += strlen(json_object_to_json_string(o));
    break;
  }
  return n;
}

int FuzzOne(const uint8_t *data, size_t size)
{
  json_object *doc = NULL;
  FuzzWrite(path, data, size);
  FFErrorCode rc = FFJsonReadFile(path, &doc);
  FuzzExpectClean(rc, path);
  if (!rc && doc) Walk(doc);
  json_object_put(doc);
  return 0;
}
