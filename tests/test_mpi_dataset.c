/* Two ranks write different samples of one dataset at the same time while rank 0 keeps
 * rebuilding the manifest: nothing is lost or corrupt, and the final manifest agrees. */
#include "ff_test_dataset.h"

#include <petscsys.h>
#include <stdlib.h>

static void TestConcurrentWriters(void)
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  int rank, size;
  char dir[4096], cmd[4200];
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  snprintf(dir, sizeof dir, "%s/sweep", FFTestTempDir("mpi_dataset"));
  FFDatasetSpec spec;
  FFParamRange p[3];
  FFDataset ds = NULL;
  FFTestSpec(&spec, p, 16, 21);
  long n_pending = 0, *pending = NULL;
  FFErrorCode rc = FF_SUCCESS;
  if (!rank) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    rc = FFDatasetCreate(dir, &spec, &ds);
    if (!rc) rc = FFDatasetWriteManifest(ds, FF_VERIFY_QUICK, NULL);
    /* One list for all ranks, made before anyone writes. */
    if (!rc) rc = FFDatasetPending(ds, &pending, &n_pending);
  }
  MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  MPI_Bcast(&n_pending, 1, MPI_LONG, 0, comm);
  if (rank) {
    FF_TEST_CALL(FFDatasetOpen(dir, &ds));
    pending = malloc(sizeof(long) * n_pending);
  }
  MPI_Bcast(pending, (int)n_pending, MPI_LONG, 0, comm);
  CU_ASSERT_EQUAL(n_pending, 16);
  for (long k = rank; k < n_pending; k += size) {
    long i = pending[k];
    if (i % 5 == 4) {
      FFSolverStats st = {12, 1.0, 0.5, 0, NULL};
      CU_ASSERT_EQUAL(FFDatasetWriteFailure(ds, i, "synthetic failure", &st), 0);
    } else
      CU_ASSERT_EQUAL(FFTestWriteSample(ds, i, 6), 0);
    if (!rank) CU_ASSERT_EQUAL(FFDatasetWriteManifest(ds, FF_VERIFY_QUICK, NULL), 0);
  }
  free(pending);
  MPI_Barrier(comm);
  if (!rank) {
    long counts[4];
    FFDatasetScan scan;
    char **lines;
    int nl;
    FF_TEST_CALL(FFDatasetWriteManifest(ds, FF_VERIFY_FULL, counts));
    CU_ASSERT_EQUAL(counts[FF_STATE_OK], 13);
    CU_ASSERT_EQUAL(counts[FF_STATE_FAILED], 3);
    FF_TEST_CALL(FFDatasetScanFiles(ds, FF_VERIFY_FULL, &scan));
    CU_ASSERT_EQUAL(scan.n_temps, 0);
    FF_TEST_CALL(FFDatasetCheckManifest(ds, &scan, &lines, &nl));
    CU_ASSERT_EQUAL(nl, 0);
    FFStringsFree(&lines, nl);
    FFDatasetScanDestroy(&scan);
  }
  MPI_Barrier(comm);
  FF_TEST_CALL(FFDatasetRefresh(ds));
  long *idx, n;
  FF_TEST_CALL(FFDatasetSplit(ds, "all", &idx, &n));
  CU_ASSERT_EQUAL(n, 13);
  free(idx);
  FFDatasetDestroy(&ds);
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"concurrent writers on ranks, manifest by rank 0", TestConcurrentWriters},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mpi_dataset", tests);
}
