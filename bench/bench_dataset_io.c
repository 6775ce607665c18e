/* Cost of the dataset storage per sample: write (HDF5 + seal + fsync + rename), quick and
 * full integrity checks, reads, for a sample the size of an airfoil mesh.
 *   build/bench/bench_dataset_io [n_vertices=8000] [repeats=15] [dir=/tmp]
 * P2 nodes ~ 4 x vertices; fields u (2 per node), p (per vertex); CSR graph of ~12 per node. */
#include "ff_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double Median(double *t, int n)
{
  qsort(t, n, sizeof *t, CompareDouble);
  return t[n / 2];
}

int main(int argc, char **argv)
{
  int nv = argc > 1 ? atoi(argv[1]) : 8000, reps = argc > 2 ? atoi(argv[2]) : 15;
  const char *dir = argc > 3 ? argv[3] : "/tmp";
  int nn = 4 * nv, nc = 2 * nv, deg = 12;
  FFRng rng;
  FFRngSeed(&rng, 1, 0);
  double *coords = malloc(sizeof(double) * 2 * nn), *sdf = malloc(sizeof(double) * nn);
  double *u = malloc(sizeof(double) * 2 * nn), *p = malloc(sizeof(double) * nv);
  int *cells = malloc(sizeof(int) * 6 * nc), *type = calloc(nn, sizeof(int));
  int *row_ptr = malloc(sizeof(int) * (nn + 1)), *col = malloc(sizeof(int) * nn * deg);
  for (int i = 0; i < 2 * nn; i++) coords[i] = FFRngUniform(&rng), u[i] = FFRngNormal(&rng);
  for (int i = 0; i < nn; i++) sdf[i] = FFRngUniform(&rng);
  for (int i = 0; i < nv; i++) p[i] = FFRngNormal(&rng);
  for (int i = 0; i < 6 * nc; i++) cells[i] = (int)FFRngBelow(&rng, nn);
  for (int i = 0; i <= nn; i++) row_ptr[i] = deg * i;
  for (int i = 0; i < nn * deg; i++) col[i] = (int)FFRngBelow(&rng, nn);
  char *groups[1] = {"wall"};
  FFScalar params[2] = {{"aoa", "deg", 4}, {"re", "1", 500}}, forces[2] = {{"C_D", "1", 0.1}, {"C_L", "1", 0.5}};
  FFField fields[2] = {{"u", "1", "u_x,u_y", FF_FIELD_NODES, 2, u}, {"p", "1", "", FF_FIELD_VERTICES, 1, p}};
  FFSample s;
  memset(&s, 0, sizeof s);
  strcpy(s.case_name, "bench");
  s.n_params = 2, s.params = params, s.n_forces = 2, s.forces = forces, s.n_fields = 2, s.fields = fields;
  s.mesh = (FFSampleMesh){nn, nv, nc, 1, coords, cells, type, groups, sdf, row_ptr, col, NULL};
  s.solver.iterations = 5;

  char path[4096];
  snprintf(path, sizeof path, "%s/bench_dataset_io.h5", dir);
  double *tw = malloc(sizeof(double) * reps), *tq = malloc(sizeof(double) * reps);
  double *tf = malloc(sizeof(double) * reps), *tr = malloc(sizeof(double) * reps), *tr2 = malloc(sizeof(double) * reps);
  FFFileHeader h;
  for (int r = 0; r < reps; r++) {
    FFSample back;
    double t0 = FFTimeNow();
    if (FFSampleWrite(path, &s)) return fprintf(stderr, "%s\n", FFErrorMessage()), 1;
    double t1 = FFTimeNow();
    if (FFFileVerify(path, FF_VERIFY_QUICK, &h)) return 1;
    double t2 = FFTimeNow();
    if (FFFileVerify(path, FF_VERIFY_FULL, &h)) return 1;
    double t3 = FFTimeNow();
    if (FFSampleRead(path, FF_READ_ALL, &back)) return 1;
    double t4 = FFTimeNow();
    FFSampleDestroy(&back);
    double t5 = FFTimeNow();
    if (FFSampleRead(path, FF_READ_FIELDS, &back)) return 1;
    double t6 = FFTimeNow();
    FFSampleDestroy(&back);
    tw[r] = t1 - t0, tq[r] = t2 - t1, tf[r] = t3 - t2, tr[r] = t4 - t3, tr2[r] = t6 - t5;
  }
  double mb = h.bytes / 1e6, full = Median(tf, reps);
  printf("sample: %d P2 nodes (%d vertices), %d cells, file %.2f MB; median of %d runs, warm page cache\n", nn, nv, nc,
         mb, reps);
  printf("  write (HDF5, seal: CRC + fsync, rename)  %8.2f ms\n", 1e3 * Median(tw, reps));
  printf("  quick check (stat + header)              %8.3f ms\n", 1e3 * Median(tq, reps));
  printf("  full check (CRC-32 of the file)          %8.2f ms  (%.0f MB/s)\n", 1e3 * full, mb / full);
  printf("  read all (full check included)           %8.2f ms\n", 1e3 * Median(tr, reps));
  printf("  read fields only (full check included)   %8.2f ms\n", 1e3 * Median(tr2, reps));
  unlink(path);
  return 0;
}
