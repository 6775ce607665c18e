/* C_p and C_f along an airfoil from a RANS solve (the CSV of `fieldflow solve -wall_output`)
 * against experimental C_p (a CSV of x, cp on the upper surface), as two PNGs: the C_p plot
 * (negative up) and C_f on both sides (docs/validation.md, section 9).
 *
 *   build/bench/rans_cp_plot -wall naca10.csv -experiment bench/data/naca0012_gregory_cp_a10.csv \
 *     -o naca0012_cp_a10.png [-title "..."]
 * writes naca0012_cp_a10.png and naca0012_cp_a10_cf.png; prints the C_p differences at the
 * experiment's stations (interpolated along the upper surface). */
#include "ff_report.h"

#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  long n, cap;
  double *x, *y, *cp, *cf;
} Wall;

static PetscErrorCode Push(Wall *w, double x, double y, double cp, double cf)
{
  PetscFunctionBeginUser;
  if (w->n == w->cap) {
    w->cap = 2 * w->cap + 64;
    PetscCall(PetscRealloc(sizeof(double) * (size_t)w->cap, &w->x));
    PetscCall(PetscRealloc(sizeof(double) * (size_t)w->cap, &w->y));
    PetscCall(PetscRealloc(sizeof(double) * (size_t)w->cap, &w->cp));
    PetscCall(PetscRealloc(sizeof(double) * (size_t)w->cap, &w->cf));
  }
  w->x[w->n] = x, w->y[w->n] = y, w->cp[w->n] = cp, w->cf[w->n] = cf;
  w->n++;
  PetscFunctionReturn(0);
}

/* Rows of numbers separated by commas; lines starting with a letter or '#' are skipped. */
static PetscErrorCode ReadCSV(const char *path, int ncol, Wall *w)
{
  FILE *f = fopen(path, "r");
  char line[1024];

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read '%s'", path);
  while (fgets(line, sizeof line, f)) {
    double v[6] = {0, 0, 0, 0, 0, 0};
    if (line[0] == '#' || (line[0] >= 'a' && line[0] <= 'z')) continue;
    int k = ncol == 6 ? sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5])
                      : sscanf(line, "%lf,%lf", &v[0], &v[2]);
    if (k != ncol) continue;
    PetscCall(Push(w, v[0], v[1], v[2], v[3]));
  }
  fclose(f);
  PetscCheck(w->n > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' holds no data rows", path);
  PetscFunctionReturn(0);
}

/* The upper (y > 0, and the leading and trailing edges) or lower side, sorted by x. */
static PetscErrorCode Side(const Wall *w, int upper, Wall *s)
{
  PetscFunctionBeginUser;
  for (long i = 0; i < w->n; i++)
    if (upper ? w->y[i] >= 0 : w->y[i] <= 0) PetscCall(Push(s, w->x[i], w->y[i], w->cp[i], w->cf[i]));
  for (long i = 1; i < s->n; i++) /* insertion sort: the rows come nearly ordered */
    for (long j = i; j > 0 && s->x[j] < s->x[j - 1]; j--) {
      double t;
      t = s->x[j], s->x[j] = s->x[j - 1], s->x[j - 1] = t;
      t = s->y[j], s->y[j] = s->y[j - 1], s->y[j - 1] = t;
      t = s->cp[j], s->cp[j] = s->cp[j - 1], s->cp[j - 1] = t;
      t = s->cf[j], s->cf[j] = s->cf[j - 1], s->cf[j - 1] = t;
    }
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeWall(Wall *w)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(w->x));
  PetscCall(PetscFree(w->y));
  PetscCall(PetscFree(w->cp));
  PetscCall(PetscFree(w->cf));
  PetscFunctionReturn(0);
}

static double Interpolate(const Wall *s, double x)
{
  for (long i = 1; i < s->n; i++)
    if (s->x[i] >= x) return s->cp[i - 1] + (s->cp[i] - s->cp[i - 1]) * (x - s->x[i - 1]) / (s->x[i] - s->x[i - 1]);
  return s->cp[s->n - 1];
}

int main(int argc, char **argv)
{
  char wall_path[PETSC_MAX_PATH_LEN] = "", exp_path[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "cp.png";
  char title[256] = "NACA 0012, Re 6e6, 10 degrees: C_p";
  Wall w = {0}, up = {0}, lo = {0}, e = {0};
  FFPlot p;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-wall", wall_path, sizeof wall_path, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-experiment", exp_path, sizeof exp_path, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-title", title, sizeof title, NULL));
  PetscCheck(wall_path[0], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "give -wall <fieldflow solve -wall_output CSV>");
  PetscCall(ReadCSV(wall_path, 6, &w));
  PetscCall(Side(&w, 1, &up));
  PetscCall(Side(&w, 0, &lo));
  PetscCall(FFPlotCreate(900, 600, title, "x / c", "C_p", &p));
  PetscCall(FFPlotSetInvertY(p, 1));
  PetscCall(FFPlotAddSeries(p, "fieldflow SA-neg, upper", FF_PLOT_LINE, up.n, up.x, up.cp));
  PetscCall(FFPlotAddSeries(p, "fieldflow SA-neg, lower", FF_PLOT_LINE, lo.n, lo.x, lo.cp));
  if (exp_path[0]) {
    double sum2 = 0, worst = 0;
    PetscCall(ReadCSV(exp_path, 2, &e));
    PetscCall(FFPlotAddSeries(p, "Gregory & O'Reilly (TMR), upper", FF_PLOT_SCATTER, e.n, e.x, e.cp));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "x/c, C_p experiment, C_p fieldflow (upper), difference\n"));
    for (long i = 0; i < e.n; i++) {
      const double c = Interpolate(&up, e.x[i]), d = c - e.cp[i];
      sum2 += d * d, worst = PetscMax(worst, PetscAbsReal(d));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%.4f, %.4f, %.4f, %+.4f\n", e.x[i], e.cp[i], c, d));
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "rms difference %.4f, largest %.4f over %ld stations\n", sqrt(sum2 / e.n),
                          worst, e.n));
  }
  PetscCall(FFPlotWrite(p, out));
  PetscCall(FFPlotDestroy(&p));
  /* C_f on both sides */
  char cf_path[PETSC_MAX_PATH_LEN + 8];
  const char *dot = strrchr(out, '.');
  PetscCall(PetscSNPrintf(cf_path, sizeof cf_path, "%.*s_cf%s", (int)(dot ? dot - out : (long)strlen(out)), out,
                          dot ? dot : ".png"));
  PetscCall(FFPlotCreate(900, 600, "C_f along the wall (tangent with x >= 0)", "x / c", "C_f", &p));
  PetscCall(FFPlotAddSeries(p, "upper", FF_PLOT_LINE, up.n, up.x, up.cf));
  PetscCall(FFPlotAddSeries(p, "lower", FF_PLOT_LINE, lo.n, lo.x, lo.cf));
  PetscCall(FFPlotWrite(p, cf_path));
  PetscCall(FFPlotDestroy(&p));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "wrote %s and %s\n", out, cf_path));
  PetscCall(FreeWall(&w));
  PetscCall(FreeWall(&up));
  PetscCall(FreeWall(&lo));
  PetscCall(FreeWall(&e));
  PetscCall(PetscFinalize());
  return 0;
}
