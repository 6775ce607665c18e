/* util: reproducible random streams, error messages, atomic files, JSON files, CLI basics. */
#include "ff_test.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

static void TestRngReproducible(void)
{
  FFRng a, b, c;
  FFRngSeed(&a, 42, 0);
  FFRngSeed(&b, 42, 0);
  FFRngSeed(&c, 42, 1);
  int same_ab = 1, same_ac = 1;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = FFRngNext(&a), y = FFRngNext(&b), z = FFRngNext(&c);
    same_ab &= x == y;
    same_ac &= x == z;
  }
  CU_ASSERT(same_ab);
  CU_ASSERT(!same_ac);
}

static void TestRngMoments(void)
{
  FFRng r;
  FFRngSeed(&r, 7, 0);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; i++) {
    su += FFRngUniform(&r);
    double z = FFRngNormal(&r);
    sn += z;
    sn2 += z * z;
  }
  /* 5 standard errors */
  CU_ASSERT(fabs(su / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
  CU_ASSERT(fabs(sn / n) < 5 / sqrt(n));
  CU_ASSERT(fabs(sn2 / n - 1) < 5 * sqrt(2.0 / n));
  int perm[50];
  for (int i = 0; i < 50; i++) perm[i] = i;
  FFRngShuffle(&r, perm, 50);
  int seen[50] = {0};
  for (int i = 0; i < 50; i++) seen[perm[i]]++;
  for (int i = 0; i < 50; i++) CU_ASSERT_EQUAL(seen[i], 1);
}

static FFErrorCode Inner(int x)
{
  FF_ASSERT(x > 0, FF_ERR_ARG, "x must be positive, got %d", x);
  return FF_SUCCESS;
}
static FFErrorCode Outer(int x)
{
  FF_CHECK(Inner(x));
  return FF_SUCCESS;
}

static void TestErrorMessage(void)
{
  FFErrorClear();
  CU_ASSERT_EQUAL(Outer(1), FF_SUCCESS);
  CU_ASSERT_EQUAL(Outer(-3), FF_ERR_ARG);
  const char *msg = FFErrorMessage();
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "x must be positive, got -3"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Inner()"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Outer()"));
}

static void TestAtomicWrite(void)
{
  const char *dir = FFTestTempDir("util");
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s/a/b/file.txt", dir);
  char sub[4096];
  snprintf(sub, sizeof sub, "%s/a/b", dir);
  FF_TEST_CALL(FFMakeDirs(sub));
  remove(path); /* left by an earlier run in the same build tree */
  FF_TEST_CALL(FFCheckWritable(path));
  FFAtomicFile af;
  FF_TEST_CALL(FFAtomicOpen(path, "w", &af));
  snprintf(tmp, sizeof tmp, "%s", af.tmp);
  fputs("hello", af.f);
  CU_ASSERT(!FFFileExists(path));
  FF_TEST_CALL(FFAtomicCommit(&af));
  CU_ASSERT(FFFileExists(path));
  CU_ASSERT(!FFFileExists(tmp));
  /* an aborted rewrite leaves the committed file as it was */
  FF_TEST_CALL(FFAtomicOpen(path, "w", &af));
  fputs("half a", af.f);
  FFAtomicAbort(&af);
  CU_ASSERT(!FFFileExists(af.tmp));
  char back[16] = "";
  FILE *f = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_PTR_NOT_NULL(fgets(back, sizeof back, f));
  fclose(f);
  CU_ASSERT_STRING_EQUAL(back, "hello");
  /* a write that cannot reach the disk is an error naming the file */
  if (FFFileExists("/dev/full")) {
    FILE *full = fopen("/dev/full", "w");
    if (full) {
      memset(&af, 0, sizeof af);
      af.f = full;
      snprintf(af.path, sizeof af.path, "%s", path);
      snprintf(af.tmp, sizeof af.tmp, "%s.unused", path);
      fputs("x", af.f);
      CU_ASSERT_EQUAL(FFAtomicCommit(&af), FF_ERR_IO);
      CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
    }
  }
  char scratch[4096];
  FF_TEST_CALL(FFScratchFile("fieldflow-test", ".msh", scratch, sizeof scratch));
  CU_ASSERT(FFFileExists(scratch));
  CU_ASSERT_STRING_EQUAL(FFPathExtension(scratch), ".msh");
  remove(scratch);
  CU_ASSERT_EQUAL(FFCheckWritable("/nonexistent-dir/x.vtu"), FF_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "/nonexistent-dir"));
  CU_ASSERT_STRING_EQUAL(FFPathExtension("a/b.c/mesh.vtu"), ".vtu");
  CU_ASSERT_STRING_EQUAL(FFPathExtension("a/b.c/mesh"), "");
}

/* A JSON file with the given text in $TMPDIR, outside test-tmp, whose files must all be valid
 * JSON (test_json_strict). */
static void WriteScratch(const char *text, char *path, size_t len)
{
  FF_TEST_CALL(FFScratchFile("fieldflow-test", ".json", path, len));
  FILE *f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(text, f);
  fclose(f);
}

/* An invalid document is refused with a message naming the file and where the parser stopped. */
static void ExpectInvalid(const char *text, const char *where)
{
  char path[4096];
  json_object *before = json_object_new_object(), *doc = before; /* the reader must reset doc */
  WriteScratch(text, path, sizeof path);
  CU_ASSERT_EQUAL(FFJsonReadFile(path, &doc), FF_ERR_FORMAT);
  CU_ASSERT_PTR_NULL(doc);
  json_object_put(before);
  const char *msg = FFErrorMessage();
  if (!strstr(msg, path) || !strstr(msg, where)) fprintf(stderr, "expected '%s' and '%s' in: %s\n", path, where, msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, where));
  remove(path);
}

/* Leftovers of killed writers go, those of live ones (this process) and other names stay. */
static void TestRemoveStaleTemps(void)
{
  const char *dir = FFTestTempDir("util_stale");
  char names[5][64], path[4200];
  snprintf(path, sizeof path, "rm -f '%s'/*", dir); /* an earlier run's files (its pid is gone now) */
  CU_ASSERT_EQUAL_FATAL(FFTestShell(path, NULL, 0), 0);
  snprintf(names[0], sizeof names[0], "m.h5.tmp.2147483646"); /* no Linux has this pid (pid_max <= 2^22) */
  snprintf(names[1], sizeof names[1], "m.h5.tmp.%ld", (long)getpid());
  snprintf(names[2], sizeof names[2], "m.h5.tmp.x12");
  snprintf(names[3], sizeof names[3], "n.h5.tmp.2147483646");
  snprintf(names[4], sizeof names[4], "m.h5");
  const int stays[] = {0, 1, 1, 1, 1};
  for (int i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
  }
  int removed = -1;
  snprintf(path, sizeof path, "%s/m.h5", dir);
  FF_TEST_CALL(FFRemoveStaleTemps(path, &removed));
  CU_ASSERT_EQUAL(removed, 1);
  for (int i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    CU_ASSERT_EQUAL(FFFileExists(path) != 0, stays[i]);
  }
}

static void TestJson(void)
{
  /* numbers: 10 significant digits, non-finite values as null */
  CU_ASSERT_PTR_NULL(FFJsonNumber(NAN));
  CU_ASSERT_PTR_NULL(FFJsonNumber(INFINITY));
  CU_ASSERT_PTR_NULL(FFJsonNumber(-INFINITY));
  const char *odd = "dir/with \"quotes\", back\\slashes,\nnewlines\tand tabs/x.h5";
  json_object *doc = json_object_new_object(), *nums = json_object_new_object();
  json_object_object_add(doc, "path", json_object_new_string(odd));
  json_object_object_add(doc, "count", json_object_new_int64(1099511627776));
  json_object_object_add(nums, "third", FFJsonNumber(1.0 / 3));
  json_object_object_add(nums, "tiny", FFJsonNumber(-2.5e-300));
  json_object_object_add(nums, "nan", FFJsonNumber(NAN));
  json_object_object_add(nums, "inf", FFJsonNumber(INFINITY));
  json_object_object_add(doc, "numbers", nums);
  char path[4096];
  snprintf(path, sizeof path, "%s/json/doc.json", FFTestTempDir("util"));
  CU_ASSERT_EQUAL(FFJsonWriteFile(doc, path), FF_ERR_IO); /* no such directory */
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), path));
  snprintf(path, sizeof path, "%s/doc.json", FFTestTempDir("util"));
  FF_TEST_CALL(FFJsonWriteFile(doc, path));
  json_object_put(doc);

  char text[1024] = "";
  FILE *f = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"third\": 0.3333333333,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"tiny\": -2.5e-300,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"nan\": null,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"inf\": null\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"count\": 1099511627776,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\\\"quotes\\\", back\\\\slashes,\\nnewlines\\tand tabs/x.h5\""));

  FF_TEST_CALL(FFJsonReadFile(path, &doc));
  json_object *v;
  CU_ASSERT_FATAL(json_object_object_get_ex(doc, "path", &v) && json_object_is_type(v, json_type_string));
  CU_ASSERT_STRING_EQUAL(json_object_get_string(v), odd);
  CU_ASSERT_FATAL(json_pointer_get(doc, "/count", &v) == 0);
  CU_ASSERT_EQUAL(json_object_get_int64(v), 1099511627776);
  CU_ASSERT_FATAL(json_pointer_get(doc, "/numbers/third", &v) == 0);
  CU_ASSERT_EQUAL(json_object_get_double(v), 0.3333333333);
  CU_ASSERT_FATAL(json_pointer_get(doc, "/numbers/nan", &v) == 0);
  CU_ASSERT_PTR_NULL(v);
  json_object_put(doc);

  /* what the hand-written writers produced, and other damage: refused, naming the place */
  ExpectInvalid("{\"rel_l2\": nan}", "line 1, column 13");
  ExpectInvalid("{\n  \"a\": 1,\n  \"b\": -inf\n}\n", "line 3, column 9");
  ExpectInvalid("{\n  \"a\": [1, 2,],\n}", "line 2, column 14");
  ExpectInvalid("{\"a\": 1} {\"b\": 2}", "line 1, column 10");
  ExpectInvalid("{\"a\": \"unterminated", "line 1, column 20");
  ExpectInvalid("", "line 1, column 1");
  CU_ASSERT_EQUAL(FFJsonReadFile("/nonexistent-dir/x.json", &doc), FF_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(FFErrorMessage(), "/nonexistent-dir/x.json"));
}

static void TestCliBasics(void)
{
  char out[8192];
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI " -help", out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: fieldflow <command>"));
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI " -version", out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, FF_VERSION));
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI " frobnicate", out, sizeof out), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown command 'frobnicate'"));
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI, out, sizeof out), 2);
}

int main(void)
{
  const FFTest tests[] = {
      {"rng is reproducible per seed and stream", TestRngReproducible},
      {"rng moments and shuffle", TestRngMoments},
      {"errors carry message and call chain", TestErrorMessage},
      {"atomic write and path checks", TestAtomicWrite},
      {"leftover temporary files of killed writers removed", TestRemoveStaleTemps},
      {"JSON: numbers, null for non-finite, escaped strings, strict reads", TestJson},
      {"cli help, version, unknown command", TestCliBasics},
      {NULL, NULL},
  };
  return FFTestRun("util", tests);
}
