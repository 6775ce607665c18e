/* The options of a sweep: which of the database's options define the solves (recorded in
 * the dataset and in every sample, compared on resume), which only watch them (monitors,
 * viewers: passed on, not recorded), and the private database each sample is solved in. */
#include "sweep_private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { OPTION_OWN, OPTION_RUNTIME, OPTION_DEFINING } OptionKind;

/* A word of an options string is a key when it starts with '-' and is not a number. */
static PetscBool IsKey(const char *w)
{
  return w[0] == '-' && w[1] && !isdigit((unsigned char)w[1]) && w[1] != '.' ? PETSC_TRUE : PETSC_FALSE;
}

static PetscBool HasPrefix(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* The sweep's own options, PETSc's and fieldflow's process options: not part of a solve. */
static OptionKind Classify(const char *name)
{
  const char *own[] = {"n",
                       "o",
                       "case",
                       "help",
                       "h",
                       "ff_traceback",
                       "ranks_per_sample",
                       "progress",
                       "options_left",
                       "options_file",
                       "version"};
  const char *runtime[] = {"gmsh", "fp_trap", "no_signal_handler", "info", "options_view", "check_pointer_intensity"};
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
    if (!strcasecmp(name, own[i])) return OPTION_OWN;
  if (HasPrefix(name, "sweep_")) return OPTION_OWN;
  for (size_t i = 0; i < sizeof runtime / sizeof runtime[0]; i++)
    if (!strcasecmp(name, runtime[i])) return OPTION_RUNTIME;
  if (strstr(name, "monitor") || strstr(name, "view") || strstr(name, "converged_reason") || HasPrefix(name, "log_") ||
      HasPrefix(name, "malloc") || HasPrefix(name, "on_error") || HasPrefix(name, "info_"))
    return OPTION_RUNTIME;
  return OPTION_DEFINING;
}

/* The database as "-name value" lines (value omitted when none), in its order. */
static PetscErrorCode OptionLines(PetscOptions options, PetscInt *n, char ***lines)
{
  char *all, *save = NULL;
  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(options, &all));
  size_t words = 1;
  for (const char *c = all; *c; c++) words += *c == ' ';
  PetscCall(PetscCalloc1(words + 1, lines));
  *n = 0;
  char *w = strtok_r(all, " \t\n", &save), *next;
  for (; w; w = next) {
    next = strtok_r(NULL, " \t\n", &save);
    if (!IsKey(w)) continue; /* a value without a key cannot happen; skip it */
    size_t len = strlen(w) + (next && !IsKey(next) ? strlen(next) + 1 : 0) + 1;
    PetscCall(PetscMalloc1(len, &(*lines)[*n]));
    if (next && !IsKey(next)) {
      snprintf((*lines)[(*n)++], len, "%s %s", w, next);
      next = strtok_r(NULL, " \t\n", &save);
    } else
      snprintf((*lines)[(*n)++], len, "%s", w);
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeLines(PetscInt n, char ***lines)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFree((*lines)[i]));
  PetscCall(PetscFree(*lines));
  PetscFunctionReturn(0);
}

/* "-name value" -> "name" (into buf). */
static void LineName(const char *line, char *buf, size_t len)
{
  size_t k = strcspn(line + 1, " ");
  if (k >= len) k = len - 1;
  memcpy(buf, line + 1, k);
  buf[k] = '\0';
}

static int CompareLines(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* lines joined by '\n' (each line ends with one); "" when none. */
static PetscErrorCode Join(PetscInt n, char **lines, char **text)
{
  size_t len = 1;
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) len += strlen(lines[i]) + 1;
  PetscCall(PetscMalloc1(len, text));
  (*text)[0] = '\0';
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscStrlcat(*text, lines[i], len));
    PetscCall(PetscStrlcat(*text, "\n", len));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepCaptureOptions(FFSweep sw)
{
  PetscInt n, nd = 0, nr = 0;
  char **lines, **defining, **runtime, name[256];
  PetscFunctionBegin;
  PetscCall(OptionLines(NULL, &n, &lines));
  PetscCall(PetscMalloc2(n + 1, &defining, n + 1, &runtime));
  for (PetscInt i = 0; i < n; i++) {
    LineName(lines[i], name, sizeof name);
    PetscCheck(strcasecmp(name, "mesh_workdir"), sw->comm, PETSC_ERR_ARG_WRONG,
               "option -mesh_workdir: fieldflow generate meshes every sample in a temporary directory of its own; "
               "drop the option");
    PetscBool swept = PETSC_FALSE;
    for (int j = 0; j < sw->n_params; j++) swept |= !strcasecmp(name, sw->params[j].name);
    if (swept) {
      PetscCall(PetscInfo(NULL, "fieldflow generate: %s is set per sample by -sweep_params\n", lines[i]));
      continue;
    }
    OptionKind kind = Classify(name);
    if (kind == OPTION_DEFINING) defining[nd++] = lines[i];
    if (kind == OPTION_RUNTIME) runtime[nr++] = lines[i];
  }
  /* Sorted, so the order of the case file and the command line does not matter on resume. */
  qsort(defining, (size_t)nd, sizeof *defining, CompareLines);
  PetscCall(PetscFree(sw->options));
  PetscCall(PetscFree(sw->runtime));
  PetscCall(Join(nd, defining, &sw->options));
  PetscCall(Join(nr, runtime, &sw->runtime));
  PetscCall(PetscFree2(defining, runtime));
  PetscCall(FreeLines(n, &lines));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepSampleOptions(FFSweep sw, const double *values, char **text)
{
  size_t len = strlen(sw->options) + 1;
  PetscFunctionBegin;
  for (int j = 0; j < sw->n_params; j++) len += strlen(sw->params[j].name) + 40;
  PetscCall(PetscMalloc1(len, text));
  PetscCall(PetscStrcpy(*text, sw->options));
  for (int j = 0; j < sw->n_params; j++) {
    size_t used = strlen(*text);
    if (sw->params[j].scale == FF_PARAM_SEED)
      snprintf(*text + used, len - used, "-%s %.0f\n", sw->params[j].name, values[j]);
    else /* %.17g: the value read back is the planned double exactly */
      snprintf(*text + used, len - used, "-%s %.17g\n", sw->params[j].name, values[j]);
  }
  PetscFunctionReturn(0);
}

/* PETSc 3.18's PetscOptionsInsertString splits on blanks only: lines become words. */
static PetscErrorCode InsertText(PetscOptions options, const char *text)
{
  char *copy;
  PetscFunctionBegin;
  if (!text || !text[0]) PetscFunctionReturn(0);
  PetscCall(PetscStrallocpy(text, &copy));
  for (char *c = copy; *c; c++)
    if (*c == '\n' || *c == '\t' || *c == '\r') *c = ' ';
  PetscCall(PetscOptionsInsertString(options, copy));
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepOptionsCreate(const char *text, const char *extra, PetscOptions *options)
{
  PetscFunctionBegin;
  PetscCall(PetscOptionsCreate(options));
  PetscCall(InsertText(*options, text));
  PetscCall(InsertText(*options, extra));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepOptionsPush(const char *text, const char *extra, PetscOptions *options)
{
  PetscFunctionBegin;
  PetscCall(FFSweepOptionsCreate(text, extra, options));
  PetscCall(PetscOptionsPush(*options));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepOptionsMarkUsed(PetscOptions from)
{
  PetscInt n;
  char **lines, name[256], key[260];
  PetscFunctionBegin;
  PetscCall(OptionLines(from, &n, &lines));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool used, set;
    LineName(lines[i], name, sizeof name);
    PetscCall(PetscOptionsUsed(from, name, &used));
    snprintf(key, sizeof key, "-%s", name);
    if (used) PetscCall(PetscOptionsHasName(NULL, NULL, key, &set)); /* marks it used there too */
  }
  PetscCall(FreeLines(n, &lines));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSweepOptionsPop(PetscOptions *options)
{
  PetscFunctionBegin;
  if (!*options) PetscFunctionReturn(0);
  PetscCall(PetscOptionsPop());
  PetscCall(FFSweepOptionsMarkUsed(*options));
  PetscCall(PetscOptionsDestroy(options));
  PetscFunctionReturn(0);
}
