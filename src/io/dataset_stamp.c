/* What a dataset file says it is: its format, the schema version it follows and the fieldflow
 * that wrote it (docs/formats.md, "Versions"), written and checked the same way for samples,
 * the definition and the manifest. */
#include "io_private.h"

#include <string.h>

FFErrorCode FFDatasetStampWrite(hid_t file, const char *format)
{
  FF_CHECK(FFH5AttrString(file, "format", format));
  FF_CHECK(FFH5AttrInt(file, "schema_version", FF_DATASET_SCHEMA_VERSION));
  FF_CHECK(FFH5AttrString(file, "fieldflow_version", FF_VERSION));
  return FF_SUCCESS;
}

FFErrorCode FFDatasetStampCheck(hid_t file, const char *format, const char *what)
{
  char found[64];
  int64_t version;
  FF_CHECK(FFH5GetAttrString(file, "format", found, sizeof found));
  FF_ASSERT(!strcmp(found, format), FF_ERR_FORMAT, "not a fieldflow %s (format '%s')", what, found);
  FF_CHECK(FFH5GetAttrInt(file, "schema_version", &version));
  /* Newer files may mean what this reader does not know: refused, saying so. */
  FF_ASSERT(version >= 1 && version <= FF_DATASET_SCHEMA_VERSION, FF_ERR_FORMAT,
            "%s schema version %lld; this fieldflow reads 1..%d", what, (long long)version, FF_DATASET_SCHEMA_VERSION);
  return FF_SUCCESS;
}
