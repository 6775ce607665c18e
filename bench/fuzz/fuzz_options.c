/* Fuzz harness: a case (-case file.opts, or -options_file): PETSc's reader of options files
 * (PetscOptionsInsertFile: comments, quoting, aliases), then every fieldflow parser of a
 * case's options that runs before any work: the sweep's (-sweep_params ranges, -sweep_holdout
 * splits, -n, seeds), the mesh's (-geometry, -naca NNNN, sizes) and the solver's (-problem,
 * boundary conditions by group, Darcy fields), the solver on a fixed small mesh
 * (tests/data/channel.msh). Each input replaces the whole options database. */
#include "ff_solver.h"
#include "ff_sweep.h"
#include "fuzz_petsc.h"

#include <dirent.h>
#include <unistd.h>

static char path[4096];
static FFMesh channel;

int FuzzSetUp(void)
{
  FFGeometry g;
  if (FuzzPetscInit()) return 1;
  FuzzScratch("fuzz-options", ".opts", path, sizeof path);
  if (FFGeometrySetDefaults(&g, FF_GEOMETRY_FILE) || FFMeshCreate(PETSC_COMM_SELF, &channel)) return 1;
  snprintf(g.msh_file, sizeof g.msh_file, "%s/tests/data/channel.msh", FF_SOURCE_DIR);
  if (FFMeshSetGeometry(channel, &g) || FFMeshSetUp(channel)) {
    fprintf(stderr, "fuzz_options: cannot read %s\n", g.msh_file);
    return 1;
  }
  return 0;
}

void FuzzTearDown(void)
{
  remove(path);
  FFMeshDestroy(&channel);
  FuzzPetscFinalize();
}

static PetscErrorCode ReadCase(void)
{
  FFSweep sweep = NULL;
  FFMesh mesh = NULL;
  FFSolver solver = NULL;
  PetscFunctionBegin;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscOptionsInsertFile(PETSC_COMM_SELF, NULL, path, PETSC_TRUE));
  PetscCall(FFSweepCreate(PETSC_COMM_SELF, &sweep));
  PetscErrorCode e1 = FFSweepSetFromOptions(sweep);
  PetscCall(FFSweepDestroy(&sweep));
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscErrorCode e2 = FFMeshSetFromOptions(mesh);
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(FFSolverCreate(PETSC_COMM_SELF, &solver));
  PetscErrorCode e3 = FFSolverSetMesh(solver, channel);
  if (!e3) e3 = FFSolverSetFromOptions(solver);
  PetscCall(FFSolverDestroy(&solver));
  PetscFunctionReturn(e1 ? e1 : e2 ? e2 : e3);
}

/* PETSc 3.18's PetscOptionsInsertFile returns on a line it refuses without closing the file (it
 * opens it twice; its line buffer is the leak lsan.supp names). A descriptor is nothing
 * LeakSanitizer sees, but a run of 600 s ran out of them ("Too many open files" after 55k
 * inputs). fieldflow reads a case once per process and a refused case ends the command, so
 * this is left to PETSc; the harness closes what is still open on its scratch file. */
static void CloseLeftOpen(void)
{
  DIR *d = opendir("/proc/self/fd");
  if (!d) return;
  char link[64], target[sizeof path];
  for (struct dirent *e; (e = readdir(d));) {
    int fd = atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(d)) continue;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (!strcmp(target, path)) close(fd);
  }
  closedir(d);
}

int FuzzOne(const uint8_t *data, size_t size)
{
  FuzzWrite(path, data, size);
  ReadCase();
  CloseLeftOpen();
  PetscOptionsClear(NULL);
  FFErrorClear();
  return 0;
}
