/* fieldflow predict and compare on small real airfoil solves: predict on a user's .msh equals
 * predict on the built-in case it was exported from; compare writes its files and its numbers
 * equal a direct computation through the library; bad input gives clear errors. */
#include "ff_test_surrogate.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static char data[4096], model[4096], darcy[4096];

static const char *Dir(void) { return FFTestTempDir("surrogate_cli"); }

/* A dataset and a small model trained on it (once per program). */
static void Setup(void)
{
  static int done = 0;
  char args[20480], out[16384];
  if (done) return;
  snprintf(data, sizeof data, "%s/air", Dir());
  snprintf(model, sizeof model, "%s/model.h5", Dir());
  FF_TEST_PETSC(FFTestAirfoilDataset(PETSC_COMM_SELF, data, 6, 7, NULL));
  snprintf(args, sizeof args,
           "train -model field -data %s -o %s -width 32 -depth 3 -epochs 30 -batch 2 -lr 3e-3 -points 1024 -seed 1",
           data, model);
  const int rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  done = 1;
}

static void TestPredictUserMesh(void)
{
  char args[20480], out[16384], msh[4200], json[4200];
  const char *flow = "-aoa 2.5 -re 90";
  Setup();
  /* the coarse case's mesh for a 2412 of thickness 0.12, as a user's .msh */
  snprintf(msh, sizeof msh, "%s/user.msh", Dir());
  snprintf(args, sizeof args, "mesh -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.12 -o %s", FF_SOURCE_DIR,
           msh);
  CU_ASSERT_EQUAL_FATAL(FFTestCLI(args, out, sizeof out), 0);
  snprintf(args, sizeof args,
           "predict -model %s -geometry file -mesh_file %s -naca_t 0.12 %s -forces_body airfoil -o %s/user.vtu", model,
           msh, flow, Dir());
  int rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "C_D"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "residual norm of the prediction"));
  CU_ASSERT_PTR_NULL(strstr(out, "warning"));
  snprintf(json, sizeof json, "%s/user.json", Dir());
  json_object *doc = FFTestJsonRead(json);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  const double cd_user = FFTestJsonNumber(doc, "/C_D"), cl_user = FFTestJsonNumber(doc, "/C_L");
  json_object_put(doc);
  CU_ASSERT(isfinite(cd_user) && cd_user > 0);
  /* the built-in case meshes the same mesh: the same prediction and forces */
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.12 %s -o %s/builtin.vtu -solve",
           model, FF_SOURCE_DIR, flow, Dir());
  rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "speedup"));
  snprintf(json, sizeof json, "%s/builtin.json", Dir());
  doc = FFTestJsonRead(json);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  FF_TEST_CLOSE(FFTestJsonNumber(doc, "/C_D"), cd_user, 1e-9, 1e-12);
  FF_TEST_CLOSE(FFTestJsonNumber(doc, "/C_L"), cl_user, 1e-9, 1e-12);
  json_object_put(doc);
}

static long ReadFile(const char *path, char *buf, long cap)
{
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  long n = (long)fread(buf, 1, (size_t)cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return n;
}

/* Distinct colours in the middle half of a PNG read back with cairo, which must be w x h
 * (0: any size); -1 when it is no PNG. */
static int PNGColours(const char *path, int w, int h)
{
  static uint32_t seen[256];
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  int n = -1;
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
    fprintf(stderr, "%s: not a PNG\n", path);
  else {
    const int sw = cairo_image_surface_get_width(s), sh = cairo_image_surface_get_height(s),
              stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    if ((w && sw != w) || (h && sh != h))
      fprintf(stderr, "%s: %d x %d pixels, not %d x %d\n", path, sw, sh, w, h);
    else
      n = 0;
    for (int y = sh / 4; n >= 0 && y < 3 * sh / 4; y++)
      for (int x = sw / 4; x < 3 * sw / 4 && n < 256; x++) {
        const uint32_t p = *(const uint32_t *)(d + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
        int k = 0;
        while (k < n && seen[k] != p) k++;
        if (k == n) seen[n++] = p;
      }
  }
  cairo_surface_destroy(s);
  return n;
}

/* The figures of compare: PNGs of the plots' sizes, not blank, and the SVG variants. */
static void CheckFigures(const char *rep, long index)
{
  char path[4400], head[4096];
  const struct {
    const char *base;
    int w, h, colours;
  } figs[] = {{"cl", 660, 640, 8},       {"cd", 660, 640, 8},         {"loss", 880, 560, 8},
              {"cp_%06ld", 880, 580, 8}, {"field_u_%06ld", 0, 0, 64}, {"field_p_%06ld", 0, 0, 64}};
  for (size_t k = 0; k < sizeof figs / sizeof *figs; k++) {
    char base[64];
    snprintf(base, sizeof base, figs[k].base, index);
    snprintf(path, sizeof path, "%s/%s.png", rep, base);
    const int n = PNGColours(path, figs[k].w, figs[k].h);
    if (n < figs[k].colours) fprintf(stderr, "%s: %d colours\n", path, n);
    CU_ASSERT(n >= figs[k].colours);
    snprintf(path, sizeof path, "%s/%s.svg", rep, base);
    CU_ASSERT(ReadFile(path, head, sizeof head) > 100 && !strncmp(head, "<?xml", 5) && strstr(head, "<svg"));
  }
  /* a field map: three panels side by side */
  snprintf(path, sizeof path, "%s/field_u_%06ld.png", rep, index);
  cairo_surface_t *s = cairo_image_surface_create_from_png(path);
  CU_ASSERT(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(s) > 1200 &&
            cairo_image_surface_get_height(s) > 250);
  cairo_surface_destroy(s);
  snprintf(path, sizeof path, "%s/report.md", rep);
  static char md[1 << 16];
  CU_ASSERT(ReadFile(path, md, sizeof md) > 0);
  snprintf(path, sizeof path, "(field_u_%06ld.png)", index);
  CU_ASSERT_PTR_NOT_NULL(strstr(md, path));
}

static void TestCompareFiles(void)
{
  char args[20480], out[16384], rep[4200], path[4400];
  Setup();
  snprintf(rep, sizeof rep, "%s/report", Dir());
  snprintf(args, sizeof args, "compare -model %s -data %s -split test -o %s -time_solves 1 -figures png,svg", model,
           data, rep);
  int rc = FFTestCLI(args, out, sizeof out);
  if (rc) fprintf(stderr, "%s\n", out);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "speedup"));
  const char *files[] = {"report.md", "metrics.json", "samples.csv", "cl.png", "cd.png", "loss.png"};
  for (int k = 0; k < 6; k++) {
    snprintf(path, sizeof path, "%s/%s", rep, files[k]);
    if (!FFFileExists(path)) fprintf(stderr, "missing %s\n", path);
    CU_ASSERT(FFFileExists(path));
  }
  snprintf(path, sizeof path, "%s/metrics.json", rep);
  json_object *metrics = FFTestJsonRead(path);
  CU_ASSERT_PTR_NOT_NULL_FATAL(metrics);

  /* the first test sample, computed here through the library */
  FFDataset ds;
  long *idx, n;
  FF_TEST_CALL(FFDatasetOpen(data, &ds));
  FF_TEST_CALL(FFDatasetSplit(ds, "test", &idx, &n));
  CU_ASSERT_FATAL(n >= 1);
  snprintf(path, sizeof path, "%s/samples/sample_%06ld.vtu", rep, idx[0]);
  CU_ASSERT(FFFileExists(path));
  CheckFigures(rep, idx[0]);
  FFSample s;
  FFSurrogate m;
  FFSurrogateGraph g;
  const FFSurrogateSchema *schema;
  FFSweepSolver ss;
  FFForces forces;
  FF_TEST_CALL(FFDatasetReadSample(ds, idx[0], FF_READ_ALL, &s));
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, model, &m, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateGetSchema(m, &schema));
  FF_TEST_PETSC(FFSurrogateGraphFromSample(schema, &s, &g));
  FF_TEST_PETSC(FFSurrogatePrepareGraph(m, &g));
  double *pred = malloc(sizeof(double) * 3 * g.n_nodes), *ref = g.target;
  FF_TEST_PETSC(FFSurrogatePredict(m, &g, pred, NULL));
  const double l2_ux = FFRelativeL2(g.n_nodes, 3, 0, 1, pred, ref),
               l2_p = FFRelativeL2(g.n_vertices, 3, 2, 1, pred, ref);
  FF_TEST_PETSC(FFSweepSolverFromSample(PETSC_COMM_SELF, &s, &ss));
  Vec u;
  FF_TEST_PETSC(FFSolverCreateState(ss.solver, &u));
  FF_TEST_PETSC(FFSolverNodeFieldToState(ss.solver, pred, u));
  FF_TEST_PETSC(FFSolverSetState(ss.solver, u));
  FF_TEST_PETSC(FFSolverComputeForces(ss.solver, "airfoil", &forces));
  PetscReal rnorm;
  FF_TEST_PETSC(FFSolverNodeFieldLoss(ss.solver, pred, NULL, &rnorm, NULL));
  /* metrics.json lists the samples in split order */
  json_object *per_sample;
  CU_ASSERT_FATAL(json_object_object_get_ex(metrics, "per_sample", &per_sample) &&
                  json_object_is_type(per_sample, json_type_array));
  CU_ASSERT_EQUAL_FATAL((long)FFTestJsonNumber(metrics, "/per_sample/0/index"), idx[0]);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/rel_l2/u_x"), l2_ux, 1e-8, 1e-12);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/rel_l2/p"), l2_p, 1e-8, 1e-12);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/C_D"), forces.cd, 1e-8, 1e-12);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/C_L"), forces.cl, 1e-8, 1e-12);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/C_D_ref"), FFScalarFind(s.forces, s.n_forces, "C_D")->value,
                1e-10, 0);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/per_sample/0/residual"), rnorm, 1e-8, 1e-14);
  /* the aggregate C_D relative error over the split, from the per-sample values */
  double sum = 0;
  const long count = (long)json_object_array_length(per_sample);
  for (long i = 0; i < count; i++) {
    json_object *e = json_object_array_get_idx(per_sample, (size_t)i);
    const double cd = FFTestJsonNumber(e, "/C_D"), cd_ref = FFTestJsonNumber(e, "/C_D_ref");
    sum += fabs(cd - cd_ref) / fabs(cd_ref);
  }
  CU_ASSERT_EQUAL(count, n);
  FF_TEST_CLOSE(FFTestJsonNumber(metrics, "/aggregate/C_D_mean_relative_error"), sum / count, 1e-6, 1e-12);
  json_object_put(metrics);
  VecDestroy(&u);
  FF_TEST_PETSC(FFSweepSolverDestroy(&ss));
  free(pred);
  FF_TEST_PETSC(FFSurrogateGraphDestroy(&g));
  FF_TEST_PETSC(FFSurrogateDestroy(&m));
  FFSampleDestroy(&s);
  free(idx);
  FFDatasetDestroy(&ds);
}

static void Expect(const char *args, int status, const char *message)
{
  char out[16384];
  const int rc = FFTestCLI(args, out, sizeof out);
  if (rc != status || !strstr(out, message))
    fprintf(stderr, "fieldflow %s\n  expected status %d and '%s', got %d:\n%s\n", args, status, message, rc, out);
  CU_ASSERT_EQUAL(rc, status);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, message));
  CU_ASSERT_PTR_NULL(strstr(out, "Segmentation"));
}

static void TestBadInput(void)
{
  char args[20480], empty[4200];
  Setup();
  /* a dataset whose samples are all missing: nothing to train on */
  snprintf(empty, sizeof empty, "%s/empty", Dir());
  {
    FFDatasetSpec spec;
    FFParamRange p[1] = {{"re", "1", 10, 20, FF_PARAM_LINEAR}};
    FFDataset ds;
    memset(&spec, 0, sizeof spec);
    strcpy(spec.case_name, "empty");
    spec.options = "-geometry square\n";
    spec.method = FF_SAMPLING_LHS;
    spec.n = 4;
    spec.n_params = 1;
    spec.params = p;
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", empty);
    CU_ASSERT_EQUAL(system(cmd), 0);
    FF_TEST_CALL(FFDatasetCreate(empty, &spec, &ds));
    FFDatasetDestroy(&ds);
  }
  snprintf(args, sizeof args, "train -data %s -o %s/x.h5", empty, Dir());
  Expect(args, 1, "has no samples in split 'train'");
  /* a model of the airfoil fields against a Darcy dataset */
  snprintf(darcy, sizeof darcy, "%s/darcy", Dir());
  {
    char cmd[12288], out[8192];
    snprintf(cmd, sizeof cmd, "%s generate -case %s/tests/data/sweep_darcy_coarse.opts -n 2 -o '%s'", FF_CLI,
             FF_SOURCE_DIR, darcy);
    CU_ASSERT_EQUAL_FATAL(FFTestShell(cmd, out, sizeof out), 0);
  }
  snprintf(args, sizeof args, "compare -model %s -data %s -split all -o %s/rep2", model, darcy, Dir());
  Expect(args, 1, "predicts field 'u' with 2 components, which dataset");
  /* a model of p from K: its residual is the solver's on the state (K of the sample, p predicted) */
  snprintf(args, sizeof args,
           "train -model gnn -data %s -split all -val_split none -input_fields K -o %s/pK.h5 -epochs 1 -width 8 "
           "-blocks 1",
           darcy, Dir());
  Expect(args, 0, "trained after");
  snprintf(args, sizeof args, "compare -model %s/pK.h5 -data %s -split all -o %s/repK", Dir(), darcy, Dir());
  Expect(args, 0, "residual norm of the predictions");
  /* models of the whole state, K, p (the solver's order) and p, K: the reference residual is the
   * stored solution's either way (a model whose columns only counted as many as the state's was
   * once taken for the state as it is: p where K goes) */
  double res_ref[2];
  for (int k = 0; k < 2; k++) {
    const char *fields = k ? "p,K" : "K,p";
    snprintf(args, sizeof args,
             "train -model gnn -data %s -split all -val_split none -fields %s -o %s/m%d.h5 -epochs 1 -width 8 -blocks 1",
             darcy, fields, Dir(), k);
    Expect(args, 0, "trained after");
    snprintf(args, sizeof args, "compare -model %s/m%d.h5 -data %s -split all -o %s/repm%d -vtu 0",
             Dir(), k, darcy, Dir(), k);
    Expect(args, 0, "residual norm of the predictions");
    char path[8192];
    snprintf(path, sizeof path, "%s/repm%d/metrics.json", Dir(), k);
    json_object *mj = FFTestJsonRead(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mj);
    res_ref[k] = FFTestJsonNumber(mj, "/per_sample/0/residual_ref");
    json_object_put(mj);
  }
  printf("\n  reference residual, model of K,p: %.3e; of p,K: %.3e", res_ref[0], res_ref[1]);
  /* the same state through the same residual: equal but for the order of a sum */
  FF_TEST_CLOSE(res_ref[1], res_ref[0], 1e-10, 1e-16);
  /* parameters outside the training range: a warning, and the prediction goes on */
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.12 -aoa 3 -re 800 -o %s/ex.vtu",
           model, FF_SOURCE_DIR, Dir());
  Expect(args, 0, "re = 800 is outside the training range");
  /* NaN and missing conditions */
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.12 -aoa nan -re 90", model,
           FF_SOURCE_DIR);
  Expect(args, 1, "aoa");
  snprintf(args, sizeof args, "predict -model %s -geometry file -mesh_file %s/user.msh -aoa 1 -re 90", model, Dir());
  Expect(args, 1, "the model is conditioned on 'naca_t': give -naca_t");
  /* a figure format nobody writes: stops before the work */
  snprintf(args, sizeof args, "compare -model %s -data %s -o %s/rep4 -figures png,gif", model, data, Dir());
  Expect(args, 1, "option -figures: unknown figure format 'gif'");
  /* files that are not models */
  snprintf(args, sizeof args, "compare -model %s/air/dataset.h5 -data %s -o %s/rep3", Dir(), data, Dir());
  Expect(args, 1, "dataset.h5");
  snprintf(args, sizeof args, "predict -model %s/nothing.h5 -case %s/tests/data/sweep_airfoil_coarse.opts", Dir(),
           FF_SOURCE_DIR);
  Expect(args, 1, "does not exist");
  /* a resumed run on another dataset */
  snprintf(args, sizeof args, "train -resume %s -data %s", model, darcy);
  Expect(args, 1, "trained on another dataset");
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {
      {"predict on a user's .msh equals predict on the built-in case", TestPredictUserMesh},
      {"compare: the files, and its numbers equal a direct computation", TestCompareFiles},
      {"bad input: clear messages", TestBadInput},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "surrogate_cli", tests);
}
