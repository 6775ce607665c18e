/* fieldflow <command> [options]: dispatch to a subcommand, with PETSc options and
 * friendly errors. */
#include "cli_private.h"

#include <petscsys.h>
#include <string.h>

/* One line per command; the list ends with an empty entry. */
static const FFCommand commands[] = {
    {"mesh", "mesh a geometry (or read a .msh); print it; write .msh/.vtu", FFCmdMesh},
    {"solve", "solve a case (Navier-Stokes, Darcy); print C_D, C_L, dp; write .vtu + .json", FFCmdSolve},
    {"generate", "a parameter sweep of reference solves into a dataset (parallel, resumable)", FFCmdGenerate},
    {"info", "what a dataset holds: samples, splits, ranges, statistics, problems", FFCmdInfo},
    {"export", "samples of a dataset as VTU (one sample) or PVD (a split) for ParaView", FFCmdExport},
    {"train", "train a surrogate (gnn: MeshGraphNets, field: neural field; fm, pbfm: flow matching) on a dataset",
     FFCmdTrain},
    {"predict", "mesh a case (or read a .msh), predict its fields with a surrogate; C_D, C_L, residual", FFCmdPredict},
    {"sample", "an ensemble of fields from a flow-matching model: mean/std VTU, residuals, forces", FFCmdSample},
    {"compare", "a surrogate vs the reference solves of a split: errors, forces, speedup (-mode uq: ensembles)",
     FFCmdCompare},
    {NULL, NULL, NULL},
};

static void PrintUsage(FILE *out)
{
  fprintf(out, "fieldflow %s: physics-constrained surrogate simulation\n\n", FF_VERSION);
  fprintf(out, "usage: fieldflow <command> [-case file.opts] [options]\n\ncommands:\n");
  for (int i = 0; commands[i].name; i++) fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n`fieldflow <command> -help` lists a command's options with their defaults.\n"
               "Options are PETSc options: -name value, -options_file f, and every PETSc option\n"
               "(-snes_monitor, -ksp_type, -log_view, ...). A case (-case f.opts) is an options file;\n"
               "the command line overrides it. An option the command does not know stops it before\n"
               "any work (exit 2). `fieldflow -version` prints the version.\n");
}

/* The first PETSc error in a call stack carries the message; later frames add where. */
typedef struct {
  char message[2048];
  char where[1024];
  int frames;
} ErrorRecord;

static PetscErrorCode RecordError(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                  PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm;
  ErrorRecord *rec = (ErrorRecord *)ctx;
  if (p == PETSC_ERROR_INITIAL) {
    const char *generic = NULL;
    PetscErrorMessage(n, &generic, NULL);
    snprintf(rec->message, sizeof rec->message, "%s", mess && *mess ? mess : (generic ? generic : "error"));
    rec->where[0] = '\0';
    rec->frames = 0;
  }
  if (rec->frames < 6) {
    size_t used = strlen(rec->where);
    const char *base = strrchr(file, '/');
    snprintf(rec->where + used, sizeof rec->where - used, "\n  at %s() %s:%d", fun, base ? base + 1 : file, line);
  }
  rec->frames++;
  return n;
}

PetscErrorCode FFCliHelpRequested(PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasHelp(NULL, help));
  PetscFunctionReturn(0);
}

/* Options of the command line that no code read by the end of the run (those of PETSc objects
 * are not checked before the run: FFCliCheckOptions) are almost always typos. */
static PetscErrorCode ReportUnusedOptions(int argc, char **argv)
{
  PetscInt n;
  char **names, **values;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    for (int a = 1; a < argc; a++) {
      if (argv[a][0] == '-' && !strcmp(argv[a] + 1, names[i])) {
        PetscCall(PetscPrintf(
            PETSC_COMM_WORLD,
            "fieldflow: warning: option -%s was not used (misspelt, or not an option of this command?)\n", names[i]));
        break;
      }
    }
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  const char *name = argv[1];
  if (!strcmp(name, "-help") || !strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    PrintUsage(stdout);
    return 0;
  }
  if (!strcmp(name, "-version") || !strcmp(name, "--version")) {
    printf("fieldflow %s (PETSc %d.%d.%d)\n", FF_VERSION, PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR,
           PETSC_VERSION_SUBMINOR);
    return 0;
  }
  const FFCommand *cmd = NULL;
  for (int i = 0; commands[i].name; i++)
    if (!strcmp(name, commands[i].name)) cmd = &commands[i];
  if (!cmd) {
    fprintf(stderr, "fieldflow: unknown command '%s'\n\n", name);
    PrintUsage(stderr);
    return 2;
  }

  /* Drop the command word so PETSc sees only options; a -case file is inserted before
   * the command line, so the command line overrides it. */
  char **args = argv + 1;
  int nargs = argc - 1;
  const char *case_file = NULL;
  for (int a = 1; a + 1 < nargs; a++)
    if (!strcmp(args[a], "-case")) case_file = args[a + 1];
  if (case_file) {
    FILE *f = fopen(case_file, "r");
    if (!f) {
      fprintf(stderr, "fieldflow %s: error: cannot open case file '%s' (option -case)\n", name, case_file);
      return 1;
    }
    fclose(f);
  }
  /* -help: the command's own options first, PETSc's generic list (printed by PetscInitialize)
   * after them */
  int help = 0;
  for (int a = 1; a < nargs; a++)
    if (!strcmp(args[a], "-help") || !strcmp(args[a], "-h") || !strcmp(args[a], "--help"))
      help = !(a + 1 < nargs && !strcmp(args[a + 1], "intro"));
  FFCliText petsc_help = {0};
  if (help) FFCliCaptureBegin(&petsc_help);
  PetscErrorCode init = PetscInitialize(&nargs, &args, case_file, NULL);
  if (help) FFCliCaptureEnd();
  if (init) return 1;

  /* Options handled here rather than by the commands. */
  PetscBool trace = PETSC_FALSE, has_case;
  PetscOptionsGetBool(NULL, NULL, "-ff_traceback", &trace, NULL);
  PetscOptionsHasName(NULL, NULL, "-case", &has_case);

  int rc = 0;
  if (help) {
    PetscPrintf(PETSC_COMM_WORLD,
                "fieldflow %s: %s\n\nOptions of fieldflow %s, by topic: -name <default>: what it does (a -case file\n"
                "or the command line sets them; a value set shows as <value : default d>):\n",
                cmd->name, cmd->summary, cmd->name);
  } else {
    PetscBool refused = PETSC_FALSE;
    if (FFCliCheckOptions(cmd, PETSC_COMM_WORLD, nargs, args, &refused)) rc = 1;
    if (refused) rc = 2;
  }
  ErrorRecord rec = {{0}, {0}, 0};
  PetscErrorCode ierr = 0;
  FFCliText own_help = {0};
  if (!rc) {
    PetscPushErrorHandler(RecordError, &rec);
    if (help) FFCliCaptureBegin(&own_help);
    ierr = cmd->run(PETSC_COMM_WORLD);
    if (help) FFCliCaptureEnd();
    PetscPopErrorHandler();
  }
  if (help && own_help.text) FFCliPrintHelp(PETSC_COMM_WORLD, own_help.text);
  FFCliTextFree(&own_help);
  if (ierr) {
    PetscMPIInt size, rank;
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    char who[32] = "";
    if (size > 1) snprintf(who, sizeof who, " [rank %d]", rank);
    fprintf(stderr, "fieldflow %s%s: error: %s%s\n", cmd->name, who, rec.message, trace ? rec.where : "");
    if (size > 1) MPI_Abort(PETSC_COMM_WORLD, 1); /* other ranks may wait in a collective */
    rc = 1;
  } else if (help) {
    PetscPrintf(PETSC_COMM_WORLD, "\nOptions of PETSc (every command takes them):\n");
    if (petsc_help.text) FFCliPrintHelp(PETSC_COMM_WORLD, petsc_help.text);
  } else if (!rc) {
    ReportUnusedOptions(nargs, args);
  }
  FFCliTextFree(&petsc_help);
  if (PetscFinalize()) return 1;
  return rc;
}
