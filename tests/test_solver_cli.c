/* fieldflow solve: the report, the files it writes (read back through VTK), Darcy, and bad
 * input: a message naming the option or group, exit status 1, no output file. */
#include "ff_io.h"
#include "ff_test.h"

#include <string.h>

#define SUITE "solver_cli"
#define DFG                                                                                                            \
  FF_CLI " solve -case " FF_SOURCE_DIR "/cases/cylinder/dfg-2d1.opts -mesh_h 0.04 -mesh_h_body 0.01 -mesh_growth 0.2"
#define DARCY  FF_CLI " solve -case " FF_SOURCE_DIR "/cases/darcy/grf.opts -mesh_h 0.1"
#define OUTLEN 65536

static char out[OUTLEN];

static void Path(char *buf, size_t len, const char *name)
{
  snprintf(buf, len, "%s/%s", FFTestTempDir(SUITE), name);
  remove(buf);
}

static void TestDFG(void)
{
  char vtu[4096], json[4096], cp[4096], cmd[16384];
  FFVtkData data;
  Path(vtu, sizeof vtu, "dfg.vtu");
  Path(json, sizeof json, "dfg.json");
  Path(cp, sizeof cp, "cp.csv");
  snprintf(cmd, sizeof cmd, DFG " -o %s -cp_output %s", vtu, cp);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  printf("\n%s", out);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "C_D"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "5.57953523"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "relative error"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "dp "));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "Newton iterations 5"));
  CU_ASSERT(FFFileExists(json) && FFFileExists(cp));
  FF_TEST_CALL(FFVtkRead(vtu, &data));
  const FFVtkArray *v = FFVtkDataField(&data, "velocity", 0), *p = FFVtkDataField(&data, "pressure", 0),
                   *w = FFVtkDataField(&data, "vorticity", 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(w);
  CU_ASSERT_EQUAL(data.cell_types[0], 22); /* quadratic triangles */
  /* the inflow parabola at the points on x = 0 */
  int inlet = 0;
  for (int64_t i = 0; i < data.n_points; i++) {
    const double x = data.points[3 * i], y = data.points[3 * i + 1];
    if (fabs(x) > 1e-12) continue;
    FF_TEST_CLOSE(v->values[v->n_components * i], 4 * 0.3 * y * (0.41 - y) / (0.41 * 0.41), 1e-10, 1e-12);
    inlet++;
  }
  CU_ASSERT(inlet > 10);
  FFVtkDataFree(&data);
  json_object *doc, *converged;
  FF_TEST_CALL(FFJsonReadFile(json, &doc));
  CU_ASSERT(json_object_object_get_ex(doc, "converged", &converged) && json_object_get_boolean(converged));
  const double cd = FFTestJsonNumber(doc, "/cd/value");
  CU_ASSERT(cd >= 5.578 && cd < 5.579);
  json_object_put(doc);
}

static void TestDarcy(void)
{
  char vtu[4096], cmd[16384];
  FFVtkData data;
  Path(vtu, sizeof vtu, "darcy.vtu");
  snprintf(cmd, sizeof cmd, DARCY " -seed 11 -o %s", vtu);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "K in ["));
  FF_TEST_CALL(FFVtkRead(vtu, &data));
  const FFVtkArray *k = FFVtkDataField(&data, "permeability", 0), *p = FFVtkDataField(&data, "pressure", 0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(k);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  double kmin = 1e300;
  for (int64_t i = 0; i < data.n_points; i++) kmin = fmin(kmin, k->values[i]);
  CU_ASSERT(kmin > 0);
  FFVtkDataFree(&data);
}

/* A failing command: status 1, the message contains `expect`, no file at vtu or json. */
static void ExpectFailure(const char *base, const char *options, const char *expect)
{
  char vtu[4096], json[4096], cmd[16384];
  Path(vtu, sizeof vtu, "bad.vtu");
  Path(json, sizeof json, "bad.json");
  snprintf(cmd, sizeof cmd, "%s %s -o %s", base, options, vtu);
  const int rc = FFTestShell(cmd, out, sizeof out);
  CU_ASSERT_EQUAL(rc, 1);
  if (!strstr(out, expect)) printf("\n  '%s': output lacks '%s':\n%s", options, expect, out);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, expect));
  CU_ASSERT(!FFFileExists(vtu));
  CU_ASSERT(!FFFileExists(json));
}

static void TestBadInput(void)
{
  ExpectFailure(DFG, "-re 0", "option -re");
  ExpectFailure(DFG, "-re -20", "must be > 0");
  ExpectFailure(DFG, "-bc_inlet slippery", "unknown boundary type 'slippery'");
  ExpectFailure(DFG, "-bc_inflow noslip", "no boundary group 'inflow'");
  ExpectFailure(DFG, "-forces_body wing", "option -forces_body");
  ExpectFailure(DFG, "-bc_inlet parabolic", "give parabolic:peak");
  ExpectFailure(DFG, "-snes_max_it 1 -continuation_first_max_it 1 -continuation_max_steps 2", "did not converge");
  ExpectFailure(DARCY, "-bc_left outflow", "unknown boundary type 'outflow' for Darcy");
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s -o /nonexistent-dir/x.vtu", DFG);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "option -o"));
}

static void TestHelp(void)
{
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI " solve -help", out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "-re <"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "-cp_output"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "-problem"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "-continuation_re_start"));
  CU_ASSERT_EQUAL(FFTestShell(FF_CLI " -help", out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "solve"));
}

int main(int argc, char **argv)
{
  (void)argc, (void)argv;
  const FFTest tests[] = {
      {"solve DFG (coarse): report, .vtu with the inflow profile, .json, C_p", TestDFG},
      {"solve Darcy: K > 0 and p in the .vtu", TestDarcy},
      {"bad input: message, status 1, nothing written", TestBadInput},
      {"help lists the solver's options", TestHelp},
      {NULL, NULL},
  };
  return FFTestRun(SUITE, tests);
}
