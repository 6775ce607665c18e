/* Every JSON file the test suite wrote parses with the strict parser (FFJsonReadFile). ctest
 * runs this after every other test (CMakeLists.txt gives it DEPENDS on all of them), so it
 * sees the files of the CLI runs (solve, predict, compare, sample, compare -mode uq) under
 * build/test-tmp. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "ff_test.h"

#include <ftw.h>
#include <string.h>

static int n_files, n_bad;

static int Visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st, (void)ftw;
  if (type != FTW_F || strcmp(FFPathExtension(path), ".json")) return 0;
  json_object *doc;
  n_files++;
  if (FFJsonReadFile(path, &doc)) {
    fprintf(stderr, "%s\n", FFErrorMessage());
    n_bad++;
  } else
    printf("  %s\n", path);
  json_object_put(doc);
  return 0;
}

static void TestStrict(void)
{
  char root[4096];
  snprintf(root, sizeof root, "%s/test-tmp", FF_BINARY_DIR);
  printf("\n");
  CU_ASSERT_EQUAL_FATAL(nftw(root, Visit, 16, FTW_PHYS), 0);
  printf("%d JSON files under %s, %d not valid JSON\n", n_files, root, n_bad);
  CU_ASSERT(n_files > 0);
  CU_ASSERT_EQUAL(n_bad, 0);
}

int main(void)
{
  const FFTest tests[] = {
      {"every JSON file the tests wrote is strict JSON", TestStrict},
      {NULL, NULL},
  };
  return FFTestRun("json_strict", tests);
}
