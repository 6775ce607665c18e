/* fieldflow info <dir>: what a dataset holds (samples per state and split, parameter
 * ranges, field statistics, solver statistics) and what is wrong with it (failures with
 * reasons, corrupt files with their paths, manifest/file disagreements).
 * Exit status: 0 when every sample file is readable and the manifest agrees with the
 * files; 1 when corrupt or inconsistent files or disagreements are found (all listed), or
 * on an error (no dataset). Failed solves are results, not problems: they do not count. */
#include "cli_private.h"
#include "ff_io.h"
#include "ff_petsc.h"

#include <math.h>
#include <string.h>

typedef struct {
  char name[2 * FF_NAME_LEN + 2]; /* field.component, or a force */
  char location[16];
  double min, max, sum, sumsq;
  long count;
} Stat;

typedef struct {
  Stat *v;
  int n, cap;
} StatList;

static PetscErrorCode StatAdd(StatList *l, const char *name, const char *location, const double *x, long n, int stride)
{
  Stat *s = NULL;
  PetscFunctionBeginUser;
  for (int k = 0; k < l->n; k++)
    if (!strcmp(l->v[k].name, name)) s = &l->v[k];
  if (!s) {
    if (l->n == l->cap) {
      l->cap = l->cap ? 2 * l->cap : 16;
      PetscCall(PetscRealloc(sizeof *l->v * l->cap, &l->v));
    }
    s = &l->v[l->n++];
    PetscCall(PetscMemzero(s, sizeof *s));
    PetscCall(PetscStrncpy(s->name, name, sizeof s->name));
    PetscCall(PetscStrncpy(s->location, location, sizeof s->location));
    s->min = INFINITY;
    s->max = -INFINITY;
  }
  for (long i = 0; i < n; i++) {
    double v = x[i * stride];
    s->min = PetscMin(s->min, v);
    s->max = PetscMax(s->max, v);
    s->sum += v;
    s->sumsq += v * v;
  }
  s->count += n;
  PetscFunctionReturn(0);
}

static PetscErrorCode StatPrint(MPI_Comm comm, const Stat *s)
{
  double mean = s->sum / s->count, var = PetscMax(0.0, s->sumsq / s->count - mean * mean);
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "  %-16s %-9s %13.6g %13.6g %13.6g %13.6g\n", s->name, s->location, s->min, s->max, mean,
                        sqrt(var)));
  PetscFunctionReturn(0);
}

/* Component k's name from "u_x,u_y" (or field[k]). */
static void ComponentName(const FFField *f, int k, char *buf, size_t len)
{
  const char *c = f->components;
  for (int i = 0; i < k && c && *c; i++) c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
  if (c && *c) {
    size_t n = strcspn(c, ",");
    snprintf(buf, len, "%s.%.*s", f->name, (int)n, c);
  } else if (f->n_comp == 1)
    snprintf(buf, len, "%s", f->name);
  else
    snprintf(buf, len, "%s[%d]", f->name, k);
}

/* Seeds are integers; other parameters need six digits. */
static const char *FormatParam(const FFParamRange *p, double v, char *buf, size_t len)
{
  snprintf(buf, len, p->scale == FF_PARAM_SEED ? "%.0f" : "%.6g", v);
  return buf;
}

static PetscErrorCode PrintHeader(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan, PetscBool show_options)
{
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "dataset   %s\n", FFDatasetDir(ds)));
  PetscCall(PetscPrintf(comm, "case      %s: %s plan of %ld samples, seed %llu (schema %d, fingerprint %s)\n",
                        sp->case_name, FFSamplingMethodName(sp->method), sp->n, (unsigned long long)sp->seed,
                        FF_DATASET_SCHEMA_VERSION, FFDatasetFingerprint(ds)));
  PetscCall(PetscPrintf(comm, "samples   %ld ok, %ld failed, %ld corrupt, %ld missing\n", scan->counts[FF_STATE_OK],
                        scan->counts[FF_STATE_FAILED], scan->counts[FF_STATE_CORRUPT], scan->counts[FF_STATE_MISSING]));
  if (show_options) PetscCall(PetscPrintf(comm, "options\n%s\n", sp->options));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSplits(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan)
{
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "splits    (ok samples; of the plan in brackets)\n"));
  for (int s = 0; s < sp->n_splits; s++) {
    const FFSplitSpec *sc = &sp->splits[s];
    const unsigned char *part;
    long ok[3] = {0, 0, 0}, planned[3] = {0, 0, 0};
    char rule[160];
    PetscCallFF(FFDatasetSplitParts(ds, sc->name, &part));
    for (long i = 0; i < scan->n; i++) {
      planned[part[i]]++;
      if (scan->state[i] == FF_STATE_OK) ok[part[i]]++;
    }
    if (sc->kind == FF_SPLIT_RANDOM)
      snprintf(rule, sizeof rule, "random, seed %llu", (unsigned long long)sc->seed);
    else
      snprintf(rule, sizeof rule, "test: %s %s [%g, %g]", sc->param, sc->outside ? "outside" : "in", sc->lo, sc->hi);
    PetscCall(PetscPrintf(comm, "  %-16s train %5ld (%ld)  val %5ld (%ld)  test %5ld (%ld)   %s\n", sc->name, ok[0],
                          planned[0], ok[1], planned[1], ok[2], planned[2], rule));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintParams(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan)
{
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  const double *plan = FFDatasetPlan(ds);
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "parameters               declared                  sampled (ok samples)\n"));
  for (int j = 0; j < sp->n_params; j++) {
    const FFParamRange *p = &sp->params[j];
    double lo = INFINITY, hi = -INFINITY;
    char declared[96], sampled[160] = "-";
    for (long i = 0; i < scan->n; i++)
      if (scan->state[i] == FF_STATE_OK) {
        lo = PetscMin(lo, plan[i * sp->n_params + j]);
        hi = PetscMax(hi, plan[i * sp->n_params + j]);
      }
    if (p->scale == FF_PARAM_SEED)
      snprintf(declared, sizeof declared, "seed per sample");
    else
      snprintf(declared, sizeof declared, "[%g, %g]%s", p->lo, p->hi, p->scale == FF_PARAM_LOG ? " log" : "");
    char a[64], b[64];
    if (lo <= hi)
      snprintf(sampled, sizeof sampled, "[%s, %s]", FormatParam(p, lo, a, sizeof a), FormatParam(p, hi, b, sizeof b));
    PetscCall(PetscPrintf(comm, "  %-14s %-8s %-25s %s\n", p->name, p->units, declared, sampled));
  }
  PetscFunctionReturn(0);
}

/* Parameters stored in a sample must be the plan's: else the file belongs elsewhere. */
static int ParamsMatchPlan(FFDataset ds, const FFSample *s, char *why, size_t len)
{
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  for (int j = 0; j < sp->n_params; j++) {
    const FFScalar *v = FFScalarFind(s->params, s->n_params, sp->params[j].name);
    double want = FFDatasetPlan(ds)[s->index * sp->n_params + j];
    if (!v || v->value != want) {
      snprintf(why, len, "parameter %s is %.17g in the file, %.17g in the plan", sp->params[j].name, v ? v->value : NAN,
               want);
      return 0;
    }
  }
  return 1;
}

typedef struct {
  StatList fields, forces;
  long iterations_min, iterations_max, iterations_sum, count;
  double wall_sum, wall_max, residual_max;
} Summary;

static PetscErrorCode Accumulate(Summary *sum, const FFSample *s)
{
  PetscFunctionBeginUser;
  for (int f = 0; f < s->n_fields; f++) {
    const FFField *fd = &s->fields[f];
    for (int k = 0; k < fd->n_comp; k++) {
      char name[2 * FF_NAME_LEN + 2];
      ComponentName(fd, k, name, sizeof name);
      PetscCall(StatAdd(&sum->fields, name, fd->location == FF_FIELD_VERTICES ? "vertices" : "nodes", fd->data + k,
                        FFFieldRows(s, fd), fd->n_comp));
    }
  }
  for (int f = 0; f < s->n_forces; f++)
    PetscCall(StatAdd(&sum->forces, s->forces[f].name, "", &s->forces[f].value, 1, 1));
  long it = s->solver.iterations;
  sum->iterations_min = sum->count ? PetscMin(sum->iterations_min, it) : it;
  sum->iterations_max = sum->count ? PetscMax(sum->iterations_max, it) : it;
  sum->iterations_sum += it;
  sum->wall_sum += s->solver.wall_time;
  sum->wall_max = PetscMax(sum->wall_max, s->solver.wall_time);
  sum->residual_max = PetscMax(sum->residual_max, s->solver.final_residual);
  sum->count++;
  PetscFunctionReturn(0);
}

/* Reads every ok sample: statistics, and the samples that cannot be read or are not
 * the plan's (counted in *bad, listed). */
static PetscErrorCode PrintStatistics(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan, PetscInt *bad)
{
  Summary sum;
  FFProgress progress;
  long done = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&sum, sizeof sum));
  FFProgressStart(&progress, "reading samples", scan->counts[FF_STATE_OK], scan->counts[FF_STATE_OK] > 100);
  for (long i = 0; i < scan->n; i++) {
    if (scan->state[i] != FF_STATE_OK) continue;
    FFSample s;
    char why[512];
    FFErrorCode rc = FFDatasetReadSample(ds, i, FF_READ_FIELDS, &s);
    if (rc) {
      snprintf(why, sizeof why, "%.*s", (int)strcspn(FFErrorMessage(), "\n"), FFErrorMessage());
      PetscCall(PetscPrintf(comm, "inconsistent sample %ld: %s\n", i, why));
      (*bad)++;
      continue;
    }
    if (!ParamsMatchPlan(ds, &s, why, sizeof why)) {
      PetscCall(PetscPrintf(comm, "inconsistent sample %ld: %s (a file from another dataset?)\n", i, why));
      (*bad)++;
    } else
      PetscCall(Accumulate(&sum, &s));
    FFSampleDestroy(&s);
    FFProgressUpdate(&progress, ++done, NULL);
  }
  FFProgressEnd(&progress, NULL);
  PetscCall(PetscPrintf(comm, "fields (ok samples, all rows)     min           max          mean           std\n"));
  for (int k = 0; k < sum.fields.n; k++) PetscCall(StatPrint(comm, &sum.fields.v[k]));
  if (sum.forces.n) PetscCall(PetscPrintf(comm, "forces\n"));
  for (int k = 0; k < sum.forces.n; k++) PetscCall(StatPrint(comm, &sum.forces.v[k]));
  if (sum.count) {
    char total[32];
    FFFormatDuration(sum.wall_sum, total, sizeof total);
    PetscCall(PetscPrintf(comm,
                          "solver    Newton iterations %ld..%ld (mean %.1f); final residual <= %.3g; wall time %s "
                          "in all, %.3g s mean, %.3g s max\n",
                          sum.iterations_min, sum.iterations_max, (double)sum.iterations_sum / sum.count,
                          sum.residual_max, total, sum.wall_sum / sum.count, sum.wall_max));
  }
  PetscCall(PetscFree(sum.fields.v));
  PetscCall(PetscFree(sum.forces.v));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintParamsOf(MPI_Comm comm, FFDataset ds, long i)
{
  const FFDatasetSpec *sp = FFDatasetGetSpec(ds);
  char v[64];
  PetscFunctionBeginUser;
  for (int j = 0; j < sp->n_params; j++)
    PetscCall(PetscPrintf(comm, "%s%s=%s", j ? " " : "", sp->params[j].name,
                          FormatParam(&sp->params[j], FFDatasetPlan(ds)[i * sp->n_params + j], v, sizeof v)));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintProblems(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan, PetscInt max_lines)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  long shown = 0;
  PetscFunctionBeginUser;
  if (scan->counts[FF_STATE_FAILED]) PetscCall(PetscPrintf(comm, "failures (%ld)\n", scan->counts[FF_STATE_FAILED]));
  for (long i = 0; i < scan->n; i++) {
    if (scan->state[i] != FF_STATE_FAILED) continue;
    if (shown++ == max_lines) PetscCall(PetscPrintf(comm, "  ... (-max_lines to list more)\n"));
    if (shown > max_lines) continue;
    PetscCall(PetscPrintf(comm, "  sample %ld (", i));
    PetscCall(PrintParamsOf(comm, ds, i));
    if (scan->problem[i])
      PetscCall(PetscPrintf(comm, "): %s\n", scan->problem[i]));
    else { /* a quick scan reads no reasons: read this small file */
      FFSample s;
      if (FFDatasetReadSample(ds, i, 0, &s))
        PetscCall(PetscPrintf(comm, "): (reason unreadable)\n"));
      else
        PetscCall(PetscPrintf(comm, "): %s\n", s.reason));
      FFSampleDestroy(&s);
    }
  }
  /* Every corrupt file is listed: they are what a user must act on. */
  if (scan->counts[FF_STATE_CORRUPT])
    PetscCall(PetscPrintf(comm, "corrupt files (%ld)\n", scan->counts[FF_STATE_CORRUPT]));
  for (long i = 0; i < scan->n; i++) {
    if (scan->state[i] != FF_STATE_CORRUPT) continue;
    PetscCallFF(FFDatasetSamplePath(ds, i, path, sizeof path));
    /* The problem names the file already, unless it is an unusual one. */
    if (strstr(scan->problem[i], path))
      PetscCall(PetscPrintf(comm, "  %s\n", scan->problem[i]));
    else
      PetscCall(PetscPrintf(comm, "  %s: %s\n", path, scan->problem[i]));
  }
  if (scan->n_temps)
    PetscCall(PetscPrintf(comm, "temporary files of an interrupted run (%d; the next generate removes them)\n",
                          scan->n_temps));
  for (int t = 0; t < scan->n_temps; t++) PetscCall(PetscPrintf(comm, "  %s\n", scan->temps[t]));
  if (scan->n_stray)
    PetscCall(PetscPrintf(comm, "files in samples/ that are no planned sample (%d; ignored)\n", scan->n_stray));
  for (int t = 0; t < scan->n_stray; t++) PetscCall(PetscPrintf(comm, "  %s\n", scan->stray[t]));
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintManifest(MPI_Comm comm, FFDataset ds, const FFDatasetScan *scan, PetscInt max_lines,
                                    PetscInt *n_disagree)
{
  char **lines;
  int n;
  PetscFunctionBeginUser;
  PetscCallFF(FFDatasetCheckManifest(ds, scan, &lines, &n));
  *n_disagree = n;
  if (!n)
    PetscCall(PetscPrintf(comm, "manifest  agrees with the files\n"));
  else
    PetscCall(PetscPrintf(comm, "manifest  disagrees with the files (%d)\n", n));
  for (int k = 0; k < n && k < max_lines; k++) PetscCall(PetscPrintf(comm, "  %s\n", lines[k]));
  if (n > max_lines) PetscCall(PetscPrintf(comm, "  ... (-max_lines to list more)\n"));
  FFStringsFree(&lines, n);
  PetscFunctionReturn(0);
}

/* A model file instead of a dataset: its seal checked and its configuration printed; with
 * -upgrade, a version-1 (unsealed) checkpoint copied into a sealed one first. */
static PetscErrorCode InfoModel(MPI_Comm comm, const char *model, const char *upgrade)
{
  PetscMPIInt rank;
  FFKeyValues *config = NULL;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (upgrade[0]) {
    if (!rank) PetscCallFF(FFCheckpointUpgrade(model, upgrade));
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscPrintf(comm, "upgraded  %s (version 1, unsealed) -> %s (sealed)\n", model, upgrade));
    model = upgrade;
  }
  PetscCallFF(FFKeyValuesCreate(&config));
  PetscCallFF(FFCheckpointReadConfig(model, config));
  PetscCall(PetscPrintf(comm, "model     %s: sealed checkpoint, checksum verified\n", model));
  for (int i = 0; i < config->n; i++) PetscCall(PetscPrintf(comm, "  %-22s %s\n", config->keys[i], config->values[i]));
  FFKeyValuesDestroy(&config);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdInfo(MPI_Comm comm)
{
  char dir[PETSC_MAX_PATH_LEN] = "", model[PETSC_MAX_PATH_LEN] = "", upgrade[PETSC_MAX_PATH_LEN] = "";
  PetscBool found, set, quick = PETSC_FALSE, rebuild = PETSC_FALSE, show_options = PETSC_FALSE, help;
  PetscInt max_lines = 20, bad = 0, disagree = 0;
  PetscMPIInt rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(FFCliGetPositional(0, dir, sizeof dir, &found));
  PetscOptionsBegin(comm, NULL, "fieldflow info <dir>: what a dataset holds and what is wrong with it", NULL);
  PetscCall(PetscOptionsString("-data", "Dataset directory (or give it as the first word)", NULL, dir, dir, sizeof dir,
                               &set));
  PetscCall(PetscOptionsBool("-quick", "Headers and sizes only: no checksums, no field statistics", NULL, quick, &quick,
                             NULL));
  PetscCall(PetscOptionsBool("-rebuild_manifest", "Rewrite manifest.h5 from the files", NULL, rebuild, &rebuild, NULL));
  PetscCall(PetscOptionsBool("-show_options", "Print the case options of the dataset", NULL, show_options,
                             &show_options, NULL));
  PetscCall(PetscOptionsInt("-max_lines", "Lines listed for failures and manifest disagreements", NULL, max_lines,
                            &max_lines, NULL));
  PetscCall(PetscOptionsString("-model", "A model file instead: check its seal, print its configuration", NULL, model,
                               model, sizeof model, NULL));
  PetscCall(PetscOptionsString("-upgrade", "With -model: copy a version-1 (unsealed) checkpoint into this sealed file",
                               NULL, upgrade, upgrade, sizeof upgrade, NULL));
  PetscOptionsEnd();
  PetscCall(FFCliHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCheck(!upgrade[0] || model[0], comm, PETSC_ERR_USER_INPUT, "option -upgrade needs -model <old.h5>");
  if (model[0]) {
    PetscCall(InfoModel(comm, model, upgrade));
    PetscFunctionReturn(0);
  }
  PetscCheck(found || set, comm, PETSC_ERR_USER_INPUT, "no dataset given: fieldflow info <dir> (or -data <dir>)");

  FFDataset ds;
  FFDatasetScan scan;
  FFVerifyLevel level = quick ? FF_VERIFY_QUICK : FF_VERIFY_FULL;
  PetscCallFF(FFDatasetOpen(dir, &ds));
  PetscCallFF(FFDatasetScanFiles(ds, level, &scan));
  PetscCall(PrintHeader(comm, ds, &scan, show_options));
  PetscCall(PrintSplits(comm, ds, &scan));
  PetscCall(PrintParams(comm, ds, &scan));
  if (!quick) PetscCall(PrintStatistics(comm, ds, &scan, &bad));
  PetscCall(PrintProblems(comm, ds, &scan, max_lines));
  PetscCall(PrintManifest(comm, ds, &scan, max_lines, &disagree));
  if (rebuild && !rank) {
    long counts[4];
    PetscCallFF(FFDatasetWriteManifest(ds, level, counts));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "manifest  rebuilt from the files (%ld ok, %ld failed, %ld corrupt)\n",
                          counts[FF_STATE_OK], counts[FF_STATE_FAILED], counts[FF_STATE_CORRUPT]));
    disagree = 0;
  }
  long corrupt = scan.counts[FF_STATE_CORRUPT];
  FFDatasetScanDestroy(&scan);
  FFDatasetDestroy(&ds);
  PetscCheck(!corrupt && !bad && !disagree, comm, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s': %ld corrupt files, %d inconsistent samples, %d manifest disagreements (listed above)", dir,
             corrupt, (int)bad, (int)disagree);
  PetscFunctionReturn(0);
}
