/* The command line a user expects: `fieldflow <command> -help` lists the command's own
 * options first and PETSc's generic ones after, and an option given on the command line
 * that the command will never read is refused before any work starts, naming the closest
 * known option.
 *
 * Both rest on PETSc's help machinery: a command reads every option of its own inside
 * PetscOptionsBegin/End (or asks for it by name), so running it in help mode, on a copy of
 * the options database and with PetscHelpPrintf captured, yields exactly the names it
 * knows: its own, the case's mesh and solver options, and whatever it asked for. Options of
 * PETSc objects that a command creates later in its work (-snes_*, -ksp_*, -pc_*, ...) are
 * left to the report at the end of the run, as PETSc itself does. */
#include "cli_private.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

/* PetscHelpPrintf has no context argument: the text being captured is this one pointer, set
 * only by the CLI's single thread between FFCliCaptureBegin and FFCliCaptureEnd. */
static FFCliText *capture;

static PetscErrorCode CaptureHelp(MPI_Comm comm, const char fmt[], ...)
{
  va_list ap;
  (void)comm;
  if (!capture) return 0;
  for (;;) {
    size_t room = capture->cap - capture->len;
    va_start(ap, fmt);
    int n = vsnprintf(capture->text ? capture->text + capture->len : NULL, capture->text ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return 0;
    if (capture->text && (size_t)n < room) {
      capture->len += (size_t)n;
      return 0;
    }
    size_t cap = 2 * capture->cap + (size_t)n + 1024;
    char *text = realloc(capture->text, cap);
    if (!text) return PETSC_ERR_MEM;
    capture->text = text;
    capture->cap = cap;
    if (capture->len == 0) capture->text[0] = '\0';
  }
}

void FFCliCaptureBegin(FFCliText *text)
{
  capture = text;
  PetscHelpPrintf = CaptureHelp;
}

void FFCliCaptureEnd(void)
{
  PetscHelpPrintf = PetscHelpPrintfDefault;
  capture = NULL;
}

void FFCliTextFree(FFCliText *text)
{
  free(text->text);
  memset(text, 0, sizeof *text);
}

/* ---------- the names a command knows ---------- */

typedef struct {
  int n, cap;
  char **names;
} NameList;

static PetscErrorCode NameListAdd(NameList *l, const char *name, size_t len)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < l->n; i++)
    if (strlen(l->names[i]) == len && !strncmp(l->names[i], name, len)) PetscFunctionReturn(0);
  if (l->n == l->cap) {
    l->cap = 2 * l->cap + 64;
    PetscCall(PetscRealloc(sizeof *l->names * l->cap, &l->names));
  }
  PetscCall(PetscMalloc1(len + 1, &l->names[l->n]));
  memcpy(l->names[l->n], name, len);
  l->names[l->n][len] = '\0';
  l->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode NameListDestroy(NameList *l)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < l->n; i++) PetscCall(PetscFree(l->names[i]));
  PetscCall(PetscFree(l->names));
  memset(l, 0, sizeof *l);
  PetscFunctionReturn(0);
}

/* Option names of a captured help text: lines "  -name ..." (a name may hold a <pattern>). */
static PetscErrorCode NamesFromHelp(const char *text, NameList *l)
{
  PetscFunctionBeginUser;
  for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    const char *p = line;
    while (*p == ' ') p++;
    if (p == line || *p != '-' || !isalpha((unsigned char)p[1])) continue;
    size_t len = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_<>");
    PetscCall(NameListAdd(l, p + 1, len));
  }
  PetscFunctionReturn(0);
}

/* name matches a listed pattern such as "bc_<group>" (the <...> part: one or more characters). */
static PetscBool MatchesPattern(const char *pattern, const char *name)
{
  const char *lt = strchr(pattern, '<'), *gt = lt ? strchr(lt, '>') : NULL;
  if (!gt) return (PetscBool)!strcmp(pattern, name);
  size_t head = (size_t)(lt - pattern), tail = strlen(gt + 1), n = strlen(name);
  return (PetscBool)(n > head + tail && !strncmp(name, pattern, head) && !strcmp(name + n - tail, gt + 1));
}

/* Options of PETSc objects the command may create during its work (solvers of a sweep or
 * of a physics loss), with or without an object prefix: checked at the end of the run. */
static PetscBool IsPetscObjectOption(const char *name)
{
  static const char *const classes[] = {"snes_",   "ksp_",  "pc_",      "mat_",        "dm_",     "petsc", "ts_",
                                        "tao_",    "vec_",  "sf_",      "fieldsplit_", "mg_",     "sub_",  "log_",
                                        "viewer_", "draw_", "options_", "malloc",      "memory_", "info",  "device_"};
  for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++) {
    const size_t len = strlen(classes[k]);
    if (!strncmp(name, classes[k], len)) return PETSC_TRUE;
    /* a prefixed object: -darcy_snes_rtol, -fieldsplit_0_pc_type */
    if (classes[k][len - 1] == '_')
      for (const char *p = strchr(name, '_'); p; p = strchr(p + 1, '_'))
        if (!strncmp(p + 1, classes[k], len)) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* Damerau-Levenshtein distance (adjacent transpositions count one), for short names. */
static int EditDistance(const char *a, const char *b)
{
  enum { N = 128 };
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la >= N || lb >= N) return N;
  static int d[N][N]; /* 64 KiB: not on the stack */
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int cost = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

/* The known name closest to an unknown one, or NULL when none is close (at most 2 edits, or
 * a third of the name's length for long names; a known name that starts with it counts too). */
static const char *Closest(const NameList *known, const char *name)
{
  const char *best = NULL;
  int best_d = (int)strlen(name) / 3 > 2 ? (int)strlen(name) / 3 : 2;
  for (int i = 0; i < known->n; i++) {
    if (strchr(known->names[i], '<')) continue;
    int d = EditDistance(name, known->names[i]);
    if (d <= best_d && (!best || d < best_d)) best = known->names[i], best_d = d;
  }
  return best;
}

/* Runs the command in help mode on a copy of the options database with its help captured:
 * the names it lists or asks for. *ok is false when the command failed in help mode (a bad
 * value, say): the real run then reports that error itself. */
static PetscErrorCode KnownOptions(const FFCommand *cmd, MPI_Comm comm, NameList *known, PetscBool *ok)
{
  PetscOptions copy;
  char *all;
  FFCliText text = {0};

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscOptionsCreate(&copy));
  PetscCall(PetscOptionsInsertString(copy, all));
  PetscCall(PetscFree(all));
  PetscCall(PetscOptionsSetValue(copy, "-help", NULL));
  PetscCall(PetscOptionsPush(copy));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  FFCliCaptureBegin(&text);
  PetscErrorCode ierr = cmd->run(comm);
  FFCliCaptureEnd();
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscOptionsPop());
  *ok = (PetscBool)(ierr == 0);
  if (text.text) PetscCall(NamesFromHelp(text.text, known));
  FFCliTextFree(&text);
  /* what it asked for by name (PetscOptionsGetString outside a help listing) */
  PetscCall(PetscOptionsGetAll(copy, &all));
  char *save = NULL;
  for (char *w = strtok_r(all, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
    PetscBool used = PETSC_FALSE;
    if (w[0] != '-' || !isalpha((unsigned char)w[1])) continue; /* a value */
    PetscCall(PetscOptionsUsed(copy, w + 1, &used));
    if (used) PetscCall(NameListAdd(known, w + 1, strlen(w + 1)));
  }
  PetscCall(PetscFree(all));
  PetscCall(PetscOptionsDestroy(&copy));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCliCheckOptions(const FFCommand *cmd, MPI_Comm comm, int argc, char **argv, PetscBool *refused)
{
  NameList known = {0};
  PetscBool ok = PETSC_FALSE;

  PetscFunctionBeginUser;
  *refused = PETSC_FALSE;
  PetscCall(KnownOptions(cmd, comm, &known, &ok));
  for (int a = 1; ok && a < argc; a++) {
    const char *w = argv[a];
    if (w[0] != '-' || !isalpha((unsigned char)w[1])) continue; /* a value, or a negative number */
    const char *name = w + 1;
    PetscBool used = PETSC_FALSE, listed = PETSC_FALSE;
    PetscCall(PetscOptionsUsed(NULL, name, &used)); /* read by PetscInitialize or main */
    for (int i = 0; i < known.n && !listed; i++) listed = MatchesPattern(known.names[i], name);
    if (used || listed || IsPetscObjectOption(name)) continue;
    const char *near = Closest(&known, name);
    if (near)
      PetscCall(
          PetscPrintf(comm, "fieldflow %s: error: unknown option -%s (did you mean -%s?)\n", cmd->name, name, near));
    else
      PetscCall(PetscPrintf(comm, "fieldflow %s: error: unknown option -%s (`fieldflow %s -help` lists the options)\n",
                            cmd->name, name, cmd->name));
    *refused = PETSC_TRUE;
  }
  PetscCall(NameListDestroy(&known));
  PetscFunctionReturn(0);
}

/* PETSc's help lines, tidied for reading: "<now 10 : formerly 10>" becomes "<10>" (the value
 * differs from the default only when the command line or a case set it), and the manual-page
 * reference goes when it is empty or names one of our functions. */
void FFCliPrintHelp(MPI_Comm comm, const char *text)
{
  char line[4096];
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, p, n);
    line[n] = '\0';
    p = nl ? nl + 1 : NULL;
    /* the manual-page reference: empty, or one of our functions (not helpful to a user) */
    char *man = strrchr(line, '(');
    if (man && man > line && man[-1] == ' ' && line[n - 1] == ')' && (man[1] == ')' || !strncmp(man + 1, "FF", 2)))
      man[-1] = '\0';
    char *lt = strchr(line, '<'), *sep = lt ? strstr(lt, " : ") : NULL, *gt = sep ? strchr(sep, '>') : NULL;
    if (gt && line[0] == ' ') {
      char *now = lt + 1;
      if (!strncmp(now, "now ", 4)) now += 4;
      char *def = sep + 3;
      if (!strncmp(def, "formerly ", 9)) def += 9;
      char value[1024], dflt[1024], rest[4096];
      snprintf(value, sizeof value, "%.*s", (int)(sep - now), now);
      snprintf(dflt, sizeof dflt, "%.*s", (int)(gt - def), def);
      snprintf(rest, sizeof rest, "%s", gt + 1);
      if (!strcmp(value, dflt))
        snprintf(lt, sizeof line - (size_t)(lt - line), "<%s>%s", value, rest);
      else
        snprintf(lt, sizeof line - (size_t)(lt - line), "<%s : default %s>%s", value, dflt, rest);
    }
    PetscPrintf(comm, "%s\n", line);
  }
}
