/* fieldflow predict -designs on small real airfoil solves: the mesh path of a design equals
 * predict of that one case; the surface path does not depend on the batch size, takes missing
 * conditions from the options and writes every panel's C_p; bad designs files and options stop
 * it with messages naming the file, the design and the option. */
#include "ff_test_surrogate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char data[4096], model[4096], gnn[4096];

static const char *Dir(void) { return FFTestTempDir("surrogate_designs"); }

/* A dataset, a small neural field and a one-step GNN on it (once per program). */
static void Setup(void)
{
  static int done = 0;
  char args[20480], out[16384];
  if (done) return;
  snprintf(data, sizeof data, "%s/air", Dir());
  snprintf(model, sizeof model, "%s/field.h5", Dir());
  snprintf(gnn, sizeof gnn, "%s/gnn.h5", Dir());
  FF_TEST_PETSC(FFTestAirfoilDataset(PETSC_COMM_SELF, data, 4, 5, NULL));
  snprintf(args, sizeof args,
           "train -model field -data %s -o %s -width 16 -depth 2 -hyper_width 16 -epochs 5 -batch 2 -points 256 "
           "-seed 1 -val_split none",
           data, model);
  int rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  snprintf(args, sizeof args,
           "train -model gnn -data %s -o %s -width 8 -blocks 1 -depth 1 -epochs 1 -stop_at_step 1 -val_split none",
           data, gnn);
  rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  done = 1;
}

static void Write(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(text, f);
  fclose(f);
}

/* The numbers of one row of a results CSV (the design label first). */
static int ReadRow(const char *path, const char *label, double *v, int max)
{
  FILE *f = fopen(path, "r");
  char line[4096];
  int n = -1;
  if (!f) return -1;
  while (n < 0 && fgets(line, sizeof line, f)) {
    char *comma = strchr(line, ',');
    if (!comma || strncmp(line, label, (size_t)(comma - line)) || strlen(label) != (size_t)(comma - line)) continue;
    n = 0;
    for (char *p = comma; p && n < max; p = strchr(p + 1, ',')) v[n++] = atof(p + 1);
  }
  fclose(f);
  return n;
}

static long CountLines(const char *path, const char *prefix)
{
  FILE *f = fopen(path, "r");
  char line[4096];
  long n = 0;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) n += !strncmp(line, prefix, strlen(prefix));
  fclose(f);
  return n;
}

static void TestMeshPathEqualsPredict(void)
{
  char args[20480], out[16384], csv[4200], res[4200], json[4200];
  double v[16];
  Setup();
  snprintf(csv, sizeof csv, "%s/designs.csv", Dir());
  Write(csv, "# two designs\nname, naca_t, aoa, re\nthin, 0.1, 1.5, 70\nthick,0.14,4,120\n");
  snprintf(res, sizeof res, "%s/mesh.csv", Dir());
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -designs %s -path mesh -o %s -progress 0",
           model, FF_SOURCE_DIR, csv, res);
  int rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 designs in"));
  /* columns: naca_t, aoa, re, C_D, C_L, residual_norm, nodes */
  CU_ASSERT_EQUAL_FATAL(ReadRow(res, "thick", v, 16), 7);
  snprintf(json, sizeof json, "%s/one.json", Dir());
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.14 -aoa 4 -re 120 -o %s/one.vtu",
           model, FF_SOURCE_DIR, Dir());
  CU_ASSERT_EQUAL_FATAL(FFTestCLI(args, out, sizeof out), 0);
  json_object *doc = FFTestJsonRead(json);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  FF_TEST_CLOSE(v[3], FFTestJsonNumber(doc, "/C_D"), 1e-9, 1e-12);
  FF_TEST_CLOSE(v[4], FFTestJsonNumber(doc, "/C_L"), 1e-9, 1e-12);
  FF_TEST_CLOSE(v[6], FFTestJsonNumber(doc, "/nodes"), 0, 0);
  json_object_put(doc);
  snprintf(res, sizeof res, "%s/mesh_cp.csv", Dir());
  CU_ASSERT(CountLines(res, "thin,") > 20);
}

static void TestSurfacePath(void)
{
  char args[20480], out[16384], csv[4200], res[4200], res1[4200], cp[4200];
  double v[16], w[16];
  Setup();
  snprintf(csv, sizeof csv, "%s/designs_no_re.csv", Dir());
  Write(csv, "design,aoa,naca_t,note\na,0,0.1,x\nb,2,0.12,y\nc,5,0.15,z\n");
  snprintf(res, sizeof res, "%s/surface.csv", Dir());
  snprintf(res1, sizeof res1, "%s/surface1.csv", Dir());
  for (int k = 0; k < 2; k++) {
    snprintf(args, sizeof args,
             "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -designs %s -re 100 -panels 30 "
             "-batch %d -o %s -progress 0",
             model, FF_SOURCE_DIR, csv, k ? 1 : 64, k ? res1 : res);
    int rc = FFTestCLI(args, out, sizeof out);
    if (rc) fprintf(stderr, "%s\n", out);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
  }
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "columns note are not conditions of the model: ignored"));
  /* columns: naca_t, aoa, re (schema order), C_D, C_L, C_D_pressure, C_L_pressure */
  for (int d = 0; d < 3; d++) {
    const char *label[3] = {"a", "b", "c"};
    CU_ASSERT_EQUAL_FATAL(ReadRow(res, label[d], v, 16), 7);
    CU_ASSERT_EQUAL_FATAL(ReadRow(res1, label[d], w, 16), 7);
    FF_TEST_CLOSE(v[2], 100, 0, 0);
    /* one batch or one design at a time: the float32 network's products may be summed in another
     * order (the BLAS's kernels change with the rows), the 1e-4 of the batch checks elsewhere */
    for (int j = 3; j < 7; j++) FF_TEST_CLOSE(v[j], w[j], 1e-4, 1e-9);
    CU_ASSERT(isfinite(v[3]) && isfinite(v[4]));
  }
  snprintf(cp, sizeof cp, "%s/surface_cp.csv", Dir());
  CU_ASSERT_EQUAL(CountLines(cp, "b,"), 60);
}

static void Expect(const char *args, const char *message)
{
  char cmd[24576], out[16384];
  snprintf(cmd, sizeof cmd, "%s %s", FF_CLI, args);
  const int rc = FFTestShell(cmd, out, sizeof out);
  if (rc == 0 || !strstr(out, message)) fprintf(stderr, "expected '%s' from: %s\n%s\n", message, args, out);
  CU_ASSERT(rc != 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, message));
}

static void TestBadInput(void)
{
  char args[20480], csv[4200], base[12288];
  Setup();
  snprintf(base, sizeof base, "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -progress 0", model,
           FF_SOURCE_DIR);
  snprintf(csv, sizeof csv, "%s/bad.csv", Dir());
  Write(csv, "naca_t,aoa\n0.1,1\n");
  snprintf(args, sizeof args, "%s -designs %s -o %s/r.csv", base, csv, Dir());
  Expect(args, "the model is conditioned on 're': give a column 're' in");
  Write(csv, "naca_t,aoa,re\n0.1,1,abc\n");
  Expect(args, "design 0: 're' is not a number");
  Write(csv, "naca_t,aoa,re\n0.1,1\n");
  Expect(args, "line 2 has 2 values for 3 columns");
  Write(csv, "naca_t,aoa,re\n");
  Expect(args, "has no designs");
  snprintf(args, sizeof args, "%s -designs %s/none.csv -o %s/r.csv", base, Dir(), Dir());
  Expect(args, "option -designs: cannot read");
  Write(csv, "naca_t,aoa,re\n0.1,1,80\n");
  snprintf(args, sizeof args, "%s -designs %s -o %s/r.vtu", base, csv, Dir());
  Expect(args, "is not a .csv file");
  snprintf(args, sizeof args, "%s -designs %s -o %s/r.csv -path volume", base, csv, Dir());
  Expect(args, "option -path: 'volume' is not surface or mesh");
  snprintf(args, sizeof args, "%s -designs %s -o %s/r.csv -forces_distance 0", base, csv, Dir());
  Expect(args, "option -forces_distance");
  snprintf(args, sizeof args, "%s -designs %s -o %s/r.csv -solve", base, csv, Dir());
  Expect(args, "options -solve, -warm_start and -summary are for one case");
  snprintf(args, sizeof args, "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -designs %s -o %s/r.csv",
           gnn, FF_SOURCE_DIR, csv, Dir());
  Expect(args, "-path surface needs a neural field");
  snprintf(args, sizeof args, "predict -model %s -geometry square -designs %s -o %s/r.csv", model, csv, Dir());
  Expect(args, "-path surface needs a NACA airfoil case");
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {{"-path mesh: a design equals predict of that case", TestMeshPathEqualsPredict},
                                 {"-path surface: batches, conditions from options, C_p", TestSurfacePath},
                                 {"bad designs files and options", TestBadInput},
                                 {NULL, NULL}};
  return FFTestRunPetsc(argc, argv, "surrogate_designs", tests);
}
