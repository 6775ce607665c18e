/* The command line: -help lists a command's own options before PETSc's; an option no code of
 * the command would read stops it before any work, exit 2, naming the closest known option;
 * options that belong to PETSc objects or to option families (-bc_<group>) pass the check. */
#include "ff_test.h"

#include <string.h>

static char out[1 << 20];

static int Run(const char *args)
{
  char cmd[16384];
  snprintf(cmd, sizeof cmd, "cd %s && %s %s", FF_SOURCE_DIR, FF_CLI, args);
  return FFTestShell(cmd, out, sizeof out);
}

static void Expect(const char *text)
{
  const char *found = strstr(out, text);
  if (!found) fprintf(stderr, "expected '%s' in:\n%s\n", text, out);
  CU_ASSERT_PTR_NOT_NULL(found);
}

static void ExpectNot(const char *text)
{
  const char *found = strstr(out, text);
  if (found) fprintf(stderr, "did not expect '%s' in:\n%s\n", text, out);
  CU_ASSERT_PTR_NULL(found);
}

static void TestMisspeltOptionStopsFirst(void)
{
  const char *dir = FFTestTempDir("cli_options");
  char args[8192];
  /* the dataset does not exist: an error about it would mean the work had started */
  snprintf(args, sizeof args, "train -model field -data %s/none -o %s/m.h5 -epoch 5", dir, dir);
  CU_ASSERT_EQUAL(Run(args), 2);
  Expect("unknown option -epoch (did you mean -epochs?)");
  ExpectNot("dataset");
  snprintf(args, sizeof args, "train -model pbfm -data %s/none -sed 7", dir);
  CU_ASSERT_EQUAL(Run(args), 2);
  Expect("unknown option -sed (did you mean -seed?)");
  char out_dir[4200];
  snprintf(out_dir, sizeof out_dir, "%s/g", dir);
  snprintf(args, sizeof args, "generate -case cases/darcy/sweep.opts -n 2 -o %s -sweep_sed 3", out_dir);
  CU_ASSERT_EQUAL(Run(args), 2);
  Expect("unknown option -sweep_sed (did you mean -sweep_seed?)");
  CU_ASSERT(!FFFileExists(out_dir)); /* nothing written */
  /* nothing close: the error points at -help */
  CU_ASSERT_EQUAL(Run("mesh -case cases/darcy/square.opts -frobnicate 1"), 2);
  Expect("unknown option -frobnicate (`fieldflow mesh -help` lists the options)");
}

static void TestKnownOptionsPass(void)
{
  const char *dir = FFTestTempDir("cli_options");
  char args[8192];
  /* a PETSc object's option is left to the end-of-run report */
  snprintf(args, sizeof args, "mesh -case cases/darcy/square.opts -o %s/sq.msh -snes_rtol 1e-9", dir);
  CU_ASSERT_EQUAL(Run(args), 0);
  Expect("option -snes_rtol was not used");
  /* case options on predict's command line are known (it meshes the case) */
  snprintf(args, sizeof args, "predict -model %s/none.h5 -case cases/airfoil/naca.opts -naca 4412 -aoa 6 -re 400", dir);
  CU_ASSERT_EQUAL(Run(args), 1);
  ExpectNot("unknown option");
  Expect("none.h5");
  /* -bc_<group> is a family; the solver checks the group itself */
  CU_ASSERT_EQUAL(Run("solve -case cases/darcy/grf.opts -bc_nowhere dirichlet:1"), 1);
  ExpectNot("unknown option");
  Expect("no boundary group 'nowhere'");
}

static void TestHelpOrder(void)
{
  CU_ASSERT_EQUAL(Run("solve -help -re 40"), 0);
  const char *own = strstr(out, "-forces_body"), *petsc = strstr(out, "Options of PETSc");
  CU_ASSERT(own && petsc && own < petsc);
  CU_ASSERT_PTR_NOT_NULL(petsc ? strstr(petsc, "-log_view") : NULL);
  CU_ASSERT(strncmp(out, "fieldflow solve: ", 17) == 0); /* the command first, not PETSc's banner */
  Expect("-mesh_order <2>: 1: straight cells");
  Expect("-re <40 : default 1>");
  ExpectNot("(FFMeshSetFromOptions)");
}

int main(void)
{
  const FFTest tests[] = {
      {"a misspelt option stops the command before any work, naming the closest", TestMisspeltOptionStopsFirst},
      {"PETSc object options, case options and option families pass", TestKnownOptionsPass},
      {"-help: the command's options first, with defaults; PETSc's after", TestHelpOrder},
      {NULL, NULL},
  };
  return FFTestRun("cli_options", tests);
}
