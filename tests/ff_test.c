/* The test scaffolding every suite shares; plain C and MPI (PETSc suites: ff_test_petsc.c). */
#include "ff_test.h"

#include <CUnit/Basic.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

int FFTestRun(const char *suite_name, const FFTest *tests)
{
  if (CU_initialize_registry() != CUE_SUCCESS) return 1;
  CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
  for (int i = 0; suite && tests[i].name; i++) CU_add_test(suite, tests[i].name, tests[i].fn);
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  int failures = (int)(CU_get_number_of_failures() + CU_get_number_of_tests_failed());
  if (CU_get_error() != CUE_SUCCESS) failures++;
  CU_cleanup_registry();
  return failures ? 1 : 0;
}

int FFTestRunMPI(int argc, char **argv, const char *suite, const FFTest *tests)
{
  if (MPI_Init(&argc, &argv)) return 1;
  int local = FFTestRun(suite, tests), global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (MPI_Finalize()) return 1;
  return global;
}

const char *FFTestTempDir(const char *suite)
{
  static char path[4096]; /* one suite per test program */
  snprintf(path, sizeof path, "%s/test-tmp/%s", FF_BINARY_DIR, suite);
  if (FFMakeDirs(path)) fprintf(stderr, "%s\n", FFErrorMessage());
  return path;
}

int FFTestShell(const char *cmdline, char *out, size_t len)
{
  char full[8192];
  snprintf(full, sizeof full, "%s 2>&1", cmdline);
  FILE *p = popen(full, "r");
  if (!p) return -1;
  size_t used = 0;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    if (out && used + 1 < len) {
      size_t take = n < len - 1 - used ? n : len - 1 - used;
      memcpy(out + used, buf, take);
      used += take;
    }
  }
  if (out && len) out[used] = '\0';
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int FFTestLockFile(const char *path)
{
  unsetenv("HDF5_USE_FILE_LOCKING");
  int fd = open(path, O_RDONLY);
  if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

json_object *FFTestJsonRead(const char *path)
{
  json_object *doc;
  if (FFJsonReadFile(path, &doc)) fprintf(stderr, "%s\n", FFErrorMessage());
  return doc;
}

double FFTestJsonNumber(json_object *doc, const char *pointer)
{
  json_object *v;
  if (json_pointer_get(doc, pointer, &v) ||
      !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
    return NAN;
  return json_object_get_double(v);
}
