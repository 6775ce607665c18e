/* Running the gmsh command-line tool: find it, mesh a .geo into a .msh 4.1, and turn a
 * failure into a message that quotes what gmsh said. */
#define _POSIX_C_SOURCE 200809L
#include "mesh_private.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static PetscBool IsExecutableFile(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 ? PETSC_TRUE : PETSC_FALSE;
}

/* A name without '/' is looked up on PATH, like a shell would. */
static PetscBool SearchPath(const char *name, char *path, size_t len)
{
  const char *env = getenv("PATH");
  if (!env || !path || !len) return PETSC_FALSE;
  char dirs[8192];
  snprintf(dirs, sizeof dirs, "%s", env);
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    snprintf(path, len, "%s/%s", *dir ? dir : ".", name);
    if (IsExecutableFile(path)) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

PetscErrorCode FFGmshFindExecutable(const char *requested, char *path, size_t len)
{
  PetscFunctionBegin;
  const char *configured = FF_GMSH_EXECUTABLE;
  const char *want = requested && *requested ? requested : configured;
  PetscBool found = PETSC_FALSE;
  if (want && *want && !strstr(want, "NOTFOUND")) {
    if (strchr(want, '/')) {
      snprintf(path, len, "%s", want);
      found = IsExecutableFile(path);
    } else {
      found = SearchPath(want, path, len);
    }
  }
  if (!found && !(requested && *requested)) found = SearchPath("gmsh", path, len);
  PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "gmsh not found: %s%s%s is not an executable file (configured: '%s'). Install gmsh "
             "(scripts/install-deps.sh) or give its path with -gmsh /path/to/gmsh",
             requested && *requested ? "'" : "", requested && *requested ? requested : "no gmsh on PATH",
             requested && *requested ? "' (option -gmsh)" : "", configured);
  PetscFunctionReturn(0);
}

/* What gmsh said, to quote in an error message: its "Error" lines, or the end of its log. */
static void LogTail(const char *log, char *tail, size_t len)
{
  char buf[8192];
  tail[0] = '\0';
  FILE *f = fopen(log, "r");
  if (!f) return;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  size_t used = 0;
  char copy[sizeof buf];
  memcpy(copy, buf, n + 1);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (!strstr(line, "Error")) continue;
    int w = snprintf(tail + used, len - used, "\n  %s", line);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
  if (!used && snprintf(tail, len, "\n%s", n > 600 ? buf + n - 600 : buf) < 0) tail[0] = '\0';
}

/* Runs gmsh with argv (argv[0] is the executable), its output going to log; fails quoting the
 * log when gmsh fails or writes no `out`. */
static PetscErrorCode Spawn(char *const argv[], const char *log, const char *what, const char *out)
{
  PetscFunctionBegin;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  int err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot run gmsh '%s': %s", argv[0], strerror(err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    PetscCheck(errno == EINTR, PETSC_COMM_SELF, PETSC_ERR_SYS, "waiting for gmsh failed: %s", strerror(errno));
  }
  char tail[2048];
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    LogTail(log, tail, sizeof tail);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "gmsh failed on %s (%s %d); its log is '%s':%s", what,
            WIFEXITED(status) ? "exit status" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
            log, tail);
  }
  /* gmsh reports some geometry errors without failing: then no mesh was written */
  struct stat st;
  if (stat(out, &st) != 0 || st.st_size == 0) {
    LogTail(log, tail, sizeof tail);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "gmsh wrote no mesh for %s; its log is '%s':%s", what, log, tail);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFGmshRun(const char *gmsh, const char *geo, const char *msh, PetscInt order)
{
  char log[PETSC_MAX_PATH_LEN + 8], order_s[16], what[PETSC_MAX_PATH_LEN + 8];
  PetscFunctionBegin;
  snprintf(log, sizeof log, "%s.log", msh);
  snprintf(what, sizeof what, "'%s'", geo);
  snprintf(order_s, sizeof order_s, "%d", (int)order);
  char *argv[] = {(char *)gmsh, (char *)geo, "-2",  "-order", order_s, "-format", "msh41",
                  "-o",         (char *)msh, "-nt", "1",      "-v",    "3",       NULL};
  PetscCall(Spawn(argv, log, what, msh));
  PetscFunctionReturn(0);
}

PetscErrorCode FFGmshConvert(const char *gmsh, const char *in, const char *out)
{
  char log[PETSC_MAX_PATH_LEN + 8], what[PETSC_MAX_PATH_LEN + 96];
  PetscFunctionBegin;
  snprintf(log, sizeof log, "%s.log", out);
  snprintf(what, sizeof what, "'%s' (converting MSH 2.2 to 4.1: is the file malformed or truncated?)", in);
  char *argv[] = {(char *)gmsh, (char *)in, "-save", "-format", "msh41", "-o", (char *)out, "-v", "3", NULL};
  PetscCall(Spawn(argv, log, what, out));
  PetscFunctionReturn(0);
}
