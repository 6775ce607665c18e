/* meshes: bad input through `fieldflow mesh`. Each case must exit non-zero with a message
 * naming the file or option and the problem, without a crash and without writing output. */
#include "ff_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA FF_SOURCE_DIR "/tests/data/"

static char out_dir[1024], tmp_dir[1024], clean_dir[1024];

/* Nothing in the output directory: no output, no leftover temporary file. */
static int DirIsEmpty(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n == 0;
}

/* Runs `fieldflow mesh <args> -o <out_dir>/out.vtu` and checks a failure whose message holds
 * every string of expect[]. */
static void ExpectFailure(const char *args, const char *const expect[])
{
  char cmd[16384], out[16384];
  snprintf(cmd, sizeof cmd, "TMPDIR=%s %s mesh %s -o %s/out.vtu", tmp_dir, FF_CLI, args, out_dir);
  int rc = FFTestShell(cmd, out, sizeof out);
  int ok = rc == 1 && strstr(out, "fieldflow mesh: error:") && !strstr(out, "PETSC ERROR") && !strstr(out, "signal");
  for (int i = 0; expect[i]; i++) ok = ok && strstr(out, expect[i]);
  if (!ok) fprintf(stderr, "\n%s\n-> exit %d:\n%s\n", cmd, rc, out);
  CU_ASSERT(ok);
  CU_ASSERT(DirIsEmpty(out_dir));
}

static void TestGmshMissing(void)
{
  const char *e[] = {"gmsh not found", "/nonexistent/gmsh", "-gmsh", NULL};
  ExpectFailure("-geometry square -gmsh /nonexistent/gmsh", e);
  /* a user's MSH 2.2 file needs gmsh too (to become 4.1) */
  const char *e2[] = {"channel.msh", "MSH 2.2", "gmsh was not found", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "channel.msh -gmsh /nonexistent/gmsh", e2);
}

static void TestBadFiles(void)
{
  const char *missing[] = {"cannot open mesh file", "nothere.msh", "-mesh_file", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "nothere.msh", missing);
  const char *not_msh[] = {"test_mesh_errors.c", "is not a Gmsh mesh file", NULL};
  ExpectFailure("-geometry file -mesh_file " FF_SOURCE_DIR "/tests/test_mesh_errors.c", not_msh);
  const char *trunc[] = {"truncated41.msh", "malformed or truncated", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "truncated41.msh", trunc);
  const char *bad[] = {"malformed41.msh", "malformed or truncated", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "malformed41.msh", bad);
  const char *trunc22[] = {"truncated.msh", "malformed or truncated", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "truncated.msh", trunc22);
  const char *bad22[] = {"malformed.msh", "malformed or truncated", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "malformed.msh", bad22);
  const char *nofile[] = {"-mesh_file", NULL};
  ExpectFailure("-geometry file", nofile);
}

static void TestBadMeshes(void)
{
  const char *nofluid[] = {"no_fluid.msh", "no fluid cells", "Physical Surface", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "no_fluid.msh", nofluid);
  const char *unlabelled[] = {"unlabelled.msh", "belong to no named physical group", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "unlabelled.msh", unlabelled);
  const char *groups[] = {"channel.msh", "lacks the boundary group(s) cylinder", "-mesh_require_groups",
                          "inlet, outlet, walls", NULL};
  ExpectFailure("-geometry file -mesh_file " DATA "channel.msh -mesh_require_groups inlet,cylinder", groups);
}

static void TestBadNaca(void)
{
  const char *t0[] = {"-naca_t", "thickness", "got 0", NULL};
  ExpectFailure("-geometry naca -naca_t 0", t0);
  const char *p1[] = {"-naca_p", "camber position", "got 1.2", NULL};
  ExpectFailure("-geometry naca -naca_p 1.2", p1);
  const char *p0[] = {"-naca_p", "camber position", NULL};
  ExpectFailure("-geometry naca -naca 2012", p0); /* camber 2% at 0% of the chord */
  const char *m[] = {"-naca_m", "camber", "got -0.01", NULL};
  ExpectFailure("-geometry naca -naca_m -0.01", m);
  const char *code[] = {"-naca", "24x2", "4-digit", NULL};
  ExpectFailure("-geometry naca -naca 24x2", code);
  /* wall layers whose first cell (y+ 3 at Re 500: 0.08 high) is not below h_body: refused, not
   * a block of no layers (it crashed the mesher) */
  const char *bl[] = {"-mesh_bl_yplus 3", "-re 500", "not below -mesh_h_body 0.05", NULL};
  ExpectFailure("-geometry naca -naca 0012 -mesh_bl_yplus 3 -re 500 -mesh_h_body 0.05", bl);
}

static void TestBadSizes(void)
{
  const char *h[] = {"-mesh_h", "must be > 0", NULL};
  ExpectFailure("-geometry square -mesh_h 0", h);
  const char *hb[] = {"-mesh_h_body", "must be > 0", NULL};
  ExpectFailure("-geometry dfg -mesh_h_body 0", hb);
  const char *g[] = {"-mesh_growth", "must be > 0", NULL};
  ExpectFailure("-geometry dfg -mesh_growth 0", g);
  const char *order[] = {"-mesh_order", NULL};
  ExpectFailure("-geometry dfg -mesh_order 3", order);
}

static void TestBadOutput(void)
{
  char cmd[16384], out[8192];
  snprintf(cmd, sizeof cmd, "%s mesh -geometry square -mesh_h 0.2 -o /nonexistent-dir/mesh.vtu", FF_CLI);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "/nonexistent-dir/mesh.vtu"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "does not exist"));
  snprintf(cmd, sizeof cmd, "%s mesh -geometry square -mesh_h 0.2 -o %s", FF_CLI, out_dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown extension"));
  snprintf(cmd, sizeof cmd, "%s mesh -geometry square -mesh_h 0.2 -o %s/mesh.xyz", FF_CLI, out_dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "mesh.xyz"));
  CU_ASSERT(DirIsEmpty(out_dir));
  /* a directory where the file should be */
  snprintf(cmd, sizeof cmd, "mkdir -p %s/taken.vtu && %s mesh -geometry square -mesh_h 0.2 -o %s/taken.vtu", out_dir,
           FF_CLI, out_dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "is a directory"));
  snprintf(cmd, sizeof cmd, "rmdir %s/taken.vtu", out_dir);
  FFTestShell(cmd, NULL, 0);
}

/* The good path leaves the output and no temporary files. */
static void TestGoodRun(void)
{
  char cmd[16384], out[8192];
  snprintf(cmd, sizeof cmd, "TMPDIR=%s %s mesh -geometry square -mesh_h 0.2 -o %s/ok.vtu", clean_dir, FF_CLI, out_dir);
  CU_ASSERT_EQUAL(FFTestShell(cmd, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "P2 nodes"));
  snprintf(cmd, sizeof cmd, "%s/ok.vtu", out_dir);
  CU_ASSERT(FFFileExists(cmd));
  remove(cmd);
  CU_ASSERT(DirIsEmpty(out_dir));
  CU_ASSERT(DirIsEmpty(clean_dir));
}

int main(void)
{
  const char *base = FFTestTempDir("mesh_errors");
  snprintf(out_dir, sizeof out_dir, "%s/out", base);
  snprintf(tmp_dir, sizeof tmp_dir, "%s/tmp", base); /* gmsh failures keep their log here */
  snprintf(clean_dir, sizeof clean_dir, "%s/tmp-clean", base);
  FFMakeDirs(out_dir);
  FFMakeDirs(tmp_dir);
  FFMakeDirs(clean_dir);
  const FFTest tests[] = {
      {"gmsh missing", TestGmshMissing},
      {"missing, malformed and truncated .msh", TestBadFiles},
      {"no fluid cells, unlabelled boundary, missing groups", TestBadMeshes},
      {"invalid NACA parameters", TestBadNaca},
      {"mesh size <= 0", TestBadSizes},
      {"unwritable output path", TestBadOutput},
      {"a good run leaves no temporary files", TestGoodRun},
      {NULL, NULL},
  };
  return FFTestRun("mesh_errors", tests);
}
