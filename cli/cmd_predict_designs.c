/* fieldflow predict -model m.h5 -case cases/airfoil/sweep.opts -designs designs.csv -o results.csv:
 * many designs in one call, each from its parameters to C_D, C_L and C_p along the body.
 *
 * designs.csv: a header of column names, then one design per line. Columns named after the
 * model's conditions (naca_m, naca_p, naca_t, aoa, re, ...) give them; a condition without a
 * column comes from the option of its name (-re 500 for all); a column index, design, id or name
 * labels the designs; other columns are ignored (listed once).
 *
 * -path surface (neural fields; the default): no mesh. Panels on each design's exact NACA
 * surface, the field evaluated for a batch of designs at once, forces by the momentum balance
 * on a contour around the body or by the wall traction (FFSurrogateBodyForces, -forces).
 * -path mesh (any model): each design meshed, its solver set up, the prediction on its nodes and
 * the solver's volume-integral forces and C_p: what predict does for one case, in a loop.
 * -vtu_dir: each design's fields on its own mesh (meshes it, also on the surface path). */
#include "cli_private.h"
#include "ff_petsc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FF_LABEL_LEN 64

typedef struct {
  int n_cols, n_rows, label_col;
  char (*names)[FF_NAME_LEN];
  char (*labels)[FF_LABEL_LEN];
  double *values; /* n_rows x n_cols (NaN in the label column) */
} DesignTable;

static const char *const path_names[] = {"surface", "mesh"};
static const char *const force_names[] = {"contour", "wall", "autodiff"};

PetscErrorCode FFCliDesignOptions(PetscOptionItems *PetscOptionsObject, FFCliDesignArgs *d)
{
  PetscFunctionBeginUser;
  if (!d->path[0]) { /* defaults */
    PetscCall(PetscStrncpy(d->path, "surface", sizeof d->path));
    PetscCall(PetscStrncpy(d->forces, "contour", sizeof d->forces));
    d->distance = 0.02;
    d->panels = 100;
    d->batch = 64;
    d->progress = PETSC_TRUE;
  }
  PetscCall(PetscOptionsString("-designs", "Designs to predict (.csv: a column per condition, a design per line)", "",
                               d->designs, d->designs, sizeof d->designs, NULL));
  PetscCall(PetscOptionsString("-cp", "With -designs: C_p along each body (.csv; default: beside -o, _cp.csv)", "",
                               d->cp, d->cp, sizeof d->cp, NULL));
  PetscCall(PetscOptionsString("-path", "With -designs: surface (neural field, no mesh) or mesh (each design meshed)",
                               "", d->path, d->path, sizeof d->path, NULL));
  PetscCall(PetscOptionsString("-forces",
                               "With -designs -path surface: contour (momentum balance around the body), wall (the "
                               "wall traction by a stencil along the normal) or autodiff (the network's derivative)",
                               "", d->forces, d->forces, sizeof d->forces, NULL));
  PetscCall(PetscOptionsReal("-forces_distance",
                             "With -designs -path surface: the contour's distance from the body, "
                             "or the wall stencil's step",
                             "", d->distance, &d->distance, NULL));
  PetscCall(PetscOptionsInt("-panels", "With -designs -path surface: panels per side of the airfoil", "", d->panels,
                            &d->panels, NULL));
  PetscCall(PetscOptionsInt("-batch", "With -designs -path surface: designs per evaluation of the network", "",
                            d->batch, &d->batch, NULL));
  PetscCall(PetscOptionsString("-vtu_dir", "With -designs: also each design's fields on its own mesh (meshes it)", "",
                               d->vtu_dir, d->vtu_dir, sizeof d->vtu_dir, NULL));
  PetscCall(PetscOptionsBool("-progress", "With -designs: progress line", "", d->progress, &d->progress, NULL));
  PetscFunctionReturn(0);
}

static int FindName(const char *const names[], int n, const char *name)
{
  for (int k = 0; k < n; k++)
    if (!strcmp(names[k], name)) return k;
  return -1;
}

PetscErrorCode FFCliDesignCheck(MPI_Comm comm, FFCliDesignArgs *d)
{
  PetscFunctionBeginUser;
  PetscCheck(FFFileExists(d->designs), comm, PETSC_ERR_FILE_OPEN, "option -designs: cannot read '%s'", d->designs);
  PetscCheck(FindName(path_names, 2, d->path) >= 0, comm, PETSC_ERR_ARG_WRONG,
             "option -path: '%s' is not surface or mesh", d->path);
  PetscCheck(FindName(force_names, 3, d->forces) >= 0, comm, PETSC_ERR_ARG_WRONG,
             "option -forces: '%s' is not contour, wall or autodiff", d->forces);
  PetscCheck(d->distance > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "option -forces_distance: %g must be positive",
             (double)d->distance);
  PetscCheck(d->panels >= 4, comm, PETSC_ERR_ARG_OUTOFRANGE, "option -panels: %d, give at least 4", (int)d->panels);
  PetscCheck(d->batch >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "option -batch: %d, give at least 1", (int)d->batch);
  PetscCheck(d->out[0], comm, PETSC_ERR_ARG_WRONG, "option -o: give the results file (.csv) of -designs");
  const char *ext = FFPathExtension(d->out);
  PetscCheck(!strcmp(ext, ".csv"), comm, PETSC_ERR_ARG_WRONG, "option -o: '%s' is not a .csv file (with -designs)",
             d->out);
  if (!d->cp[0]) snprintf(d->cp, sizeof d->cp, "%.*s_cp.csv", (int)(ext - d->out), d->out);
  const char *paths[2] = {d->out, d->cp}, *names[2] = {"-o", "-cp"};
  for (int i = 0; i < 2; i++)
    if (FFCheckWritable(paths[i])) SETERRQ(comm, PETSC_ERR_FILE_OPEN, "option %s: %s", names[i], FFErrorMessage());
  if (d->vtu_dir[0]) PetscCallFF(FFMakeDirs(d->vtu_dir));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the designs file */

static char *Trim(char *s)
{
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  if (e - s >= 2 && s[0] == '"' && e[-1] == '"') *--e = '\0', s++;
  return s;
}

/* Splits a line at commas in place; returns the number of fields (at most max). */
static int SplitFields(char *line, char **fields, int max)
{
  int n = 0;
  for (char *p = line;; p++) {
    char *comma = strchr(p, ',');
    if (n < max) fields[n] = Trim(p);
    n++;
    if (!comma) break;
    *comma = '\0';
    p = comma;
  }
  return n;
}

static PetscErrorCode ReadTable(MPI_Comm comm, const char *path, DesignTable *t)
{
  FILE *f = fopen(path, "r");
  char line[8192], *fields[256];
  int lineno = 0, cap = 0;

  PetscFunctionBeginUser;
  memset(t, 0, sizeof *t);
  t->label_col = -1;
  PetscCheck(f, comm, PETSC_ERR_FILE_OPEN, "option -designs: cannot open '%s'", path);
  PetscErrorCode ierr = 0;
  while (!ierr && fgets(line, sizeof line, f)) {
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      ierr = PETSC_ERR_FILE_READ;
      (void)PetscPrintf(comm, "fieldflow predict: error: %s line %d is longer than %d characters\n", path, lineno,
                        (int)sizeof line - 2);
      break;
    }
    char *s = Trim(line);
    if (!*s || *s == '#') continue;
    const int n = SplitFields(s, fields, 256);
    if (!t->n_cols) { /* the header */
      if (n > 256) {
        ierr = PETSC_ERR_FILE_UNEXPECTED;
        (void)PetscPrintf(comm, "fieldflow predict: error: %s: more than 256 columns\n", path);
        break;
      }
      t->n_cols = n;
      ierr = PetscMalloc1(n, &t->names);
      for (int k = 0; !ierr && k < n; k++) {
        PetscCall(PetscStrncpy(t->names[k], fields[k], FF_NAME_LEN));
        if (t->label_col < 0 && (!strcmp(fields[k], "index") || !strcmp(fields[k], "design") ||
                                 !strcmp(fields[k], "id") || !strcmp(fields[k], "name")))
          t->label_col = k;
      }
      continue;
    }
    if (n != t->n_cols) {
      ierr = PETSC_ERR_FILE_UNEXPECTED;
      (void)PetscPrintf(comm, "fieldflow predict: error: %s line %d has %d values for %d columns\n", path, lineno, n,
                        t->n_cols);
      break;
    }
    if (t->n_rows == cap) {
      cap = cap ? 2 * cap : 64;
      PetscCall(PetscRealloc(sizeof *t->values * cap * t->n_cols, &t->values));
      PetscCall(PetscRealloc(sizeof *t->labels * cap, &t->labels));
    }
    double *row = &t->values[(size_t)t->n_rows * t->n_cols];
    snprintf(t->labels[t->n_rows], FF_LABEL_LEN, "%d", t->n_rows);
    for (int k = 0; k < n; k++) {
      if (k == t->label_col) {
        snprintf(t->labels[t->n_rows], FF_LABEL_LEN, "%s", fields[k]);
        row[k] = NAN;
        continue;
      }
      char *end;
      row[k] = strtod(fields[k], &end);
      if (end == fields[k] || *end) row[k] = NAN; /* an error only in a condition's column (Conditions) */
    }
    t->n_rows++;
  }
  fclose(f);
  PetscCheck(!ierr, comm, ierr, "cannot read the designs in '%s' (option -designs)", path);
  PetscCheck(t->n_cols > 0 && t->n_rows > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "option -designs: '%s' has no designs (a header line, then one design per line)", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode TableDestroy(DesignTable *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(t->names));
  PetscCall(PetscFree(t->labels));
  PetscCall(PetscFree(t->values));
  PetscFunctionReturn(0);
}

/* cond[row * n_cond + k] for every design: its column, or the option of its name. */
static PetscErrorCode Conditions(MPI_Comm comm, const char *path, const FFSurrogateSchema *schema, const DesignTable *t,
                                 double *cond)
{
  PetscFunctionBeginUser;
  for (int k = 0; k < schema->n_cond; k++) {
    const char *name = schema->cond[k].name;
    int col = -1;
    for (int c = 0; c < t->n_cols; c++)
      if (!strcmp(t->names[c], name)) col = c;
    PetscReal v = NAN;
    PetscBool set = PETSC_FALSE;
    if (col < 0) {
      char opt[FF_NAME_LEN + 2];
      snprintf(opt, sizeof opt, "-%s", name);
      PetscCall(PetscOptionsGetReal(NULL, NULL, opt, &v, &set));
      PetscCheck(set, comm, PETSC_ERR_ARG_WRONG,
                 "the model is conditioned on '%s': give a column '%s' in %s (option -designs) or the option -%s", name,
                 name, path, name);
    }
    for (int r = 0; r < t->n_rows; r++) {
      const double x = col < 0 ? v : t->values[(size_t)r * t->n_cols + col];
      PetscCheck(isfinite(x), comm, PETSC_ERR_ARG_WRONG, "%s, design %s: '%s' is not a number (option -designs)", path,
                 t->labels[r], name);
      cond[(size_t)r * schema->n_cond + k] = x;
    }
  }
  char ignored[1024] = "";
  for (int c = 0; c < t->n_cols; c++) {
    int used = c == t->label_col;
    for (int k = 0; k < schema->n_cond; k++) used |= !strcmp(t->names[c], schema->cond[k].name);
    if (!used && strlen(ignored) + strlen(t->names[c]) + 3 < sizeof ignored) {
      if (ignored[0]) strcat(ignored, ", ");
      strcat(ignored, t->names[c]);
    }
  }
  if (ignored[0])
    PetscCall(PetscPrintf(comm, "note: %s: columns %s are not conditions of the model: ignored\n", path, ignored));
  for (int r = 0; r < t->n_rows; r++) {
    char what[FF_LABEL_LEN + 16];
    snprintf(what, sizeof what, "design %s", t->labels[r]);
    PetscCall(FFSurrogateCheckConditions(comm, schema, &cond[(size_t)r * schema->n_cond], what));
  }
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- results */

typedef struct {
  double cd, cl, cd_pressure, cl_pressure, residual;
  long nodes;
  int n_cp;
  double *cp_xy, *cp; /* n_cp points (x, y) and their C_p */
} DesignResult;

static PetscErrorCode WriteResults(const FFCliDesignArgs *d, int surface, const FFSurrogateSchema *schema,
                                   const DesignTable *t, const double *cond, const DesignResult *res)
{
  FFAtomicFile af, ac;

  PetscFunctionBeginUser;
  PetscCallFF(FFAtomicOpen(d->out, "w", &af));
  fprintf(af.f, "design");
  for (int k = 0; k < schema->n_cond; k++) fprintf(af.f, ",%s", schema->cond[k].name);
  fprintf(af.f, surface ? ",C_D,C_L,C_D_pressure,C_L_pressure\n" : ",C_D,C_L,residual_norm,nodes\n");
  for (int r = 0; r < t->n_rows; r++) {
    fprintf(af.f, "%s", t->labels[r]);
    for (int k = 0; k < schema->n_cond; k++) fprintf(af.f, ",%.10g", cond[(size_t)r * schema->n_cond + k]);
    if (surface)
      fprintf(af.f, ",%.10g,%.10g,%.10g,%.10g\n", res[r].cd, res[r].cl, res[r].cd_pressure, res[r].cl_pressure);
    else
      fprintf(af.f, ",%.10g,%.10g,%.6g,%ld\n", res[r].cd, res[r].cl, res[r].residual, res[r].nodes);
  }
  PetscCallFF(FFAtomicCommit(&af));
  PetscCallFF(FFAtomicOpen(d->cp, "w", &ac));
  fprintf(ac.f, "design,x,y,C_p\n");
  for (int r = 0; r < t->n_rows; r++)
    for (int i = 0; i < res[r].n_cp; i++)
      fprintf(ac.f, "%s,%.8g,%.8g,%.8g\n", t->labels[r], res[r].cp_xy[2 * i], res[r].cp_xy[2 * i + 1], res[r].cp[i]);
  PetscCallFF(FFAtomicCommit(&ac));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the mesh of one design */

/* Puts a design's conditions into the options database, so that the mesh and the solver read
 * them as they read a case's options. */
static PetscErrorCode SetDesignOptions(const FFSurrogateSchema *schema, const double *cond)
{
  PetscFunctionBeginUser;
  for (int k = 0; k < schema->n_cond; k++) {
    char opt[FF_NAME_LEN + 2], val[64];
    snprintf(opt, sizeof opt, "-%s", schema->cond[k].name);
    snprintf(val, sizeof val, "%.17g", cond[k]);
    PetscCall(PetscOptionsSetValue(NULL, opt, val));
  }
  PetscFunctionReturn(0);
}

/* Meshes a design, predicts on its nodes; with res, the volume-integral forces and C_p too;
 * with vtu, its fields. */
static PetscErrorCode MeshDesign(MPI_Comm comm, FFSurrogate s, const FFSurrogateSchema *schema, const double *cond,
                                 DesignResult *res, const char *vtu)
{
  FFCliPredictCase c;

  PetscFunctionBeginUser;
  memset(&c, 0, sizeof c);
  PetscCall(SetDesignOptions(schema, cond));
  PetscErrorCode ierr = FFCliPredictSetUp(comm, schema, &c);
  if (!ierr) ierr = FFCliPredictInfer(comm, s, schema, &c);
  if (!ierr && res) {
    FFSolveSummary sum;
    PetscReal rnorm, *xy_cp;
    PetscInt n_cp;
    ierr = FFSolverNodeFieldToState(c.solver, c.pred, c.u);
    if (!ierr) ierr = FFSolverSetState(c.solver, c.u);
    if (!ierr) ierr = FFSolverComputeSummary(c.solver, &sum);
    if (!ierr && !sum.has_forces) {
      ierr = PETSC_ERR_ARG_WRONG;
      (void)PetscPrintf(comm, "fieldflow predict: error: the case has no forces body (option -forces_body)\n");
    }
    if (!ierr) ierr = FFSolverNodeFieldLoss(c.solver, c.pred, NULL, &rnorm, NULL);
    if (!ierr) ierr = FFSolverComputePressureCoefficient(c.solver, sum.body, &n_cp, &xy_cp);
    if (!ierr) {
      res->cd = sum.forces.cd, res->cl = sum.forces.cl, res->residual = rnorm, res->nodes = (long)c.ng.n_nodes;
      res->n_cp = (int)n_cp;
      ierr = PetscMalloc2(2 * n_cp + 1, &res->cp_xy, n_cp + 1, &res->cp);
      for (PetscInt i = 0; !ierr && i < n_cp; i++)
        res->cp_xy[2 * i] = xy_cp[3 * i], res->cp_xy[2 * i + 1] = xy_cp[3 * i + 1], res->cp[i] = xy_cp[3 * i + 2];
      PetscCall(PetscFree(xy_cp));
    }
  }
  if (!ierr && vtu) ierr = FFCliPredictWriteVtu(vtu, schema, &c.ng, c.pred, NULL);
  PetscCall(FFCliPredictCaseDestroy(&c));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the surface path */

/* The designs' shapes and flows from the case's geometry and options: only NACA shapes, the
 * angle and Re can be applied without a mesh. */
static PetscErrorCode SurfaceSetUp(MPI_Comm comm, const FFCliDesignArgs *d, const FFSurrogateSchema *schema, int n,
                                   const double *cond, FFBodySurface *bodies, FFBodyFlow *flows)
{
  FFMesh mesh;
  const FFGeometry *g;
  FFGeometry base;
  int kre = -1, kaoa = -1, kgeo[3] = {-1, -1, -1};
  const char *geo_names[3] = {"naca_m", "naca_p", "naca_t"};
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetFromOptions(mesh));
  PetscCall(FFMeshGetGeometry(mesh, &g));
  base = *g;
  PetscCall(FFMeshDestroy(&mesh));
  PetscCheck(base.type == FF_GEOMETRY_NACA, comm, PETSC_ERR_ARG_WRONG,
             "-path surface needs a NACA airfoil case (-geometry naca, e.g. -case cases/airfoil/sweep.opts); use "
             "-path mesh for other geometries");
  for (int k = 0; k < schema->n_cond; k++) {
    const char *name = schema->cond[k].name;
    if (!strcmp(name, "re"))
      kre = k;
    else if (!strcmp(name, "aoa"))
      kaoa = k;
    else {
      int j = FindName(geo_names, 3, name);
      PetscCheck(j >= 0, comm, PETSC_ERR_SUP,
                 "condition '%s' is not a NACA shape parameter, the angle or Re: -path surface cannot apply it without "
                 "a mesh; use -path mesh",
                 name);
      kgeo[j] = k;
    }
  }
  FFBodyFlow common = {.re = NAN, .aoa_deg = 0, .ref_velocity = 1, .ref_length = 1, .p_ref = 0};
  PetscReal v;
  const char *opts[5] = {"-re", "-aoa", "-ref_velocity", "-ref_length", "-p_ref"};
  double *dst[5] = {&common.re, &common.aoa_deg, &common.ref_velocity, &common.ref_length, &common.p_ref};
  for (int k = 0; k < 5; k++) {
    PetscCall(PetscOptionsGetReal(NULL, NULL, opts[k], &v, &set));
    if (set) *dst[k] = v;
  }
  PetscCheck(kre >= 0 || isfinite(common.re), comm, PETSC_ERR_ARG_WRONG,
             "the Reynolds number: give -re or a column 're' in the designs");
  PetscCheck(common.ref_velocity > 0 && common.ref_length > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "options -ref_velocity and -ref_length must be > 0");
  for (int r = 0; r < n; r++) {
    FFGeometry geo = base;
    const double *c = &cond[(size_t)r * schema->n_cond];
    PetscReal *dg[3] = {&geo.naca_m, &geo.naca_p, &geo.naca_t};
    for (int j = 0; j < 3; j++)
      if (kgeo[j] >= 0) *dg[j] = c[kgeo[j]];
    flows[r] = common;
    if (kre >= 0) flows[r].re = c[kre];
    if (kaoa >= 0) flows[r].aoa_deg = c[kaoa];
    PetscCheck(flows[r].re > 0 && geo.naca_t > 0 && geo.naca_p > 0 && geo.naca_p < 1 && geo.naca_m >= 0, comm,
               PETSC_ERR_ARG_OUTOFRANGE, "design %d: Re %g, NACA m %g, p %g, t %g are not a valid case", r, flows[r].re,
               (double)geo.naca_m, (double)geo.naca_p, (double)geo.naca_t);
    PetscCall(FFBodySurfaceNaca(&geo, (int)d->panels, &bodies[r]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SurfacePath(MPI_Comm comm, const FFCliDesignArgs *d, FFSurrogate s,
                                  const FFSurrogateSchema *schema, const DesignTable *t, const double *cond,
                                  DesignResult *res, FFProgress *progress)
{
  const int n = t->n_rows;
  FFBodySurface *bodies, **pb;
  FFBodyFlow *flows;
  FFBodyForces *forces;
  double **cp;
  const FFBodyForceMethod how = (FFBodyForceMethod)FindName(force_names, 3, d->forces);

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc5(n, &bodies, n, &pb, n, &flows, n, &forces, n, &cp));
  PetscErrorCode ierr = SurfaceSetUp(comm, d, schema, n, cond, bodies, flows);
  for (int r = 0; !ierr && r < n; r++) {
    pb[r] = &bodies[r];
    res[r].n_cp = bodies[r].n;
    ierr = PetscMalloc2(2 * bodies[r].n, &res[r].cp_xy, bodies[r].n, &res[r].cp);
    if (!ierr) ierr = PetscArraycpy(res[r].cp_xy, bodies[r].xy, 2 * bodies[r].n);
    cp[r] = res[r].cp;
  }
  for (int r0 = 0; !ierr && r0 < n; r0 += (int)d->batch) {
    const int m = PetscMin((int)d->batch, n - r0);
    ierr = FFSurrogateBodyForces(s, m, &cond[(size_t)r0 * schema->n_cond], &pb[r0], &flows[r0], how, d->distance,
                                 &forces[r0], &cp[r0]);
    for (int r = r0; !ierr && r < r0 + m; r++) {
      res[r].cd = forces[r].cd, res[r].cl = forces[r].cl;
      res[r].cd_pressure = forces[r].cd_pressure, res[r].cl_pressure = forces[r].cl_pressure;
    }
    if (!ierr) FFProgressUpdate(progress, r0 + m, NULL);
  }
  for (int r = 0; r < n; r++)
    if (bodies[r].n) PetscCall(FFBodySurfaceDestroy(&bodies[r]));
  PetscCall(PetscFree5(bodies, pb, flows, forces, cp));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the command */

PetscErrorCode FFCliPredictDesigns(MPI_Comm comm, const FFCliDesignArgs *d, FFSurrogate s)
{
  const FFSurrogateSchema *schema;
  const FFSurrogateConfig *config;
  DesignTable t;
  double *cond;
  DesignResult *res;
  FFProgress progress;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  const double t0 = FFTimeNow();
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FFSurrogateGetSchema(s, &schema));
  PetscCall(FFSurrogateGetConfig(s, &config));
  const int surface = !strcmp(d->path, "surface");
  PetscCheck(!surface || config->type == FF_SURROGATE_FIELD, comm, PETSC_ERR_ARG_WRONG,
             "-path surface needs a neural field (the model is a %s): use -path mesh",
             FFSurrogateTypeName(config->type));
  PetscCheck(!schema->n_inputs, comm, PETSC_ERR_SUP,
             "fieldflow predict does not supply input fields (the model reads '%s')", schema->inputs[0].name);
  PetscCheck(size == 1 || !surface, comm, PETSC_ERR_SUP, "-path surface runs on one process (give it the threads)");
  PetscCall(ReadTable(comm, d->designs, &t));
  PetscCall(PetscMalloc1((size_t)t.n_rows * PetscMax(schema->n_cond, 1), &cond));
  PetscCall(PetscCalloc1(t.n_rows, &res));
  PetscErrorCode ierr = Conditions(comm, d->designs, schema, &t, cond);
  FFProgressStart(&progress, "designs", t.n_rows, d->progress);
  if (!ierr && surface) ierr = SurfacePath(comm, d, s, schema, &t, cond, res, &progress);
  for (int r = 0; !ierr && r < t.n_rows && (!surface || d->vtu_dir[0]); r++) {
    char vtu[PETSC_MAX_PATH_LEN + FF_LABEL_LEN + 16];
    snprintf(vtu, sizeof vtu, "%s/design_%s.vtu", d->vtu_dir, t.labels[r]);
    ierr = MeshDesign(comm, s, schema, &cond[(size_t)r * schema->n_cond], surface ? NULL : &res[r],
                      d->vtu_dir[0] ? vtu : NULL);
    if (!ierr) FFProgressUpdate(&progress, r + 1, t.labels[r]);
  }
  FFProgressEnd(&progress, NULL);
  if (!ierr) ierr = WriteResults(d, surface, schema, &t, cond, res);
  const double wall = FFTimeNow() - t0;
  if (!ierr)
    ierr = PetscPrintf(comm, "%d designs in %.3f s (%.2f ms per design), path %s%s%s: wrote %s and %s%s%s\n", t.n_rows,
                       wall, 1e3 * wall / t.n_rows, d->path, surface ? ", forces by " : "", surface ? d->forces : "",
                       d->out, d->cp, d->vtu_dir[0] ? ", fields in " : "", d->vtu_dir);
  for (int r = 0; r < t.n_rows; r++) PetscCall(PetscFree2(res[r].cp_xy, res[r].cp));
  PetscCall(PetscFree(res));
  PetscCall(PetscFree(cond));
  PetscCall(TableDestroy(&t));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
