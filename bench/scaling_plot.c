/* The figures and fitted slopes of bench/scaling.sh: from its CSV (refine, stage, P2 nodes,
 * seconds, added MB, process peak MB, detail), for each stage the time and the added memory
 * against the number of P2 nodes, on log-log axes, the
 * least-squares slope of log(time) on log(nodes) (cost ~ nodes^slope), and the speedups of the
 * surrogates over the solve at every size, as a markdown table on stdout.
 *   usage: scaling_plot -i scaling.csv -o docs/figures/scaling [-min_nodes 0]
 *   writes <o>_time.png and <o>_memory.png */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZES 16
enum { MESH, FIELD, GNN, SOLVE, N_STAGES };
static const char *const stage_label[N_STAGES] = {"meshing (gmsh, DMPlex, node graph)", "neural field inference",
                                                  "GNN inference", "solve (set-up and Newton)"};

typedef struct {
  int n;
  double refine[MAX_SIZES], nodes[MAX_SIZES], sec[N_STAGES][MAX_SIZES], mb[N_STAGES][MAX_SIZES];
} Table;

static int SizeIndex(Table *t, double refine, double nodes)
{
  for (int i = 0; i < t->n; i++)
    if (t->refine[i] == refine) return i;
  if (t->n == MAX_SIZES) return -1;
  t->refine[t->n] = refine, t->nodes[t->n] = nodes;
  for (int s = 0; s < N_STAGES; s++) t->sec[s][t->n] = t->mb[s][t->n] = NAN;
  return t->n++;
}

static void Add(double *a, double v) { *a = isnan(*a) ? v : *a + v; }

/* Reads the CSV; a size measured twice keeps its last lines (a rerun). */
static PetscErrorCode Read(const char *path, Table *t)
{
  FILE *f = fopen(path, "r");
  char line[4096];

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read %s (option -i)", path);
  memset(t, 0, sizeof *t);
  while (fgets(line, sizeof line, f)) {
    double refine, sec, mb, peak;
    long nodes;
    char stage[32];
    if (sscanf(line, "%lf,%31[^,],%ld,%lf,%lf,%lf", &refine, stage, &nodes, &sec, &mb, &peak) != 6) continue;
    const int i = SizeIndex(t, refine, (double)nodes);
    if (i < 0) continue;
    int s = !strcmp(stage, "mesh") || !strcmp(stage, "graph")          ? MESH
            : !strcmp(stage, "field")                                  ? FIELD
            : !strcmp(stage, "gnn")                                    ? GNN
            : !strcmp(stage, "solve_setup") || !strcmp(stage, "solve") ? SOLVE
                                                                       : -1;
    if (s < 0) continue;
    if (!strcmp(stage, "mesh") || !strcmp(stage, "field") || !strcmp(stage, "gnn") || !strcmp(stage, "solve_setup"))
      t->sec[s][i] = t->mb[s][i] = NAN; /* the first line of a stage: a rerun starts afresh */
    Add(&t->sec[s][i], sec);
    t->mb[s][i] = isnan(t->mb[s][i]) ? mb : fmax(t->mb[s][i], mb);
  }
  fclose(f);
  PetscCheck(t->n > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s holds no measurements", path);
  PetscFunctionReturn(0);
}

/* Least-squares slope of log y on log x over the finite points with x >= min_x. */
static double Slope(int n, const double *x, const double *y, double min_x)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (!(isfinite(y[i]) && y[i] > 0 && x[i] >= min_x)) continue;
    const double a = log(x[i]), b = log(y[i]);
    sx += a, sy += b, sxx += a * a, sxy += a * b, m++;
  }
  return m < 2 ? NAN : (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

static PetscErrorCode Figure(const Table *t, double (*v)[MAX_SIZES], const char *ylabel, const char *title,
                             const char *path)
{
  FFPlot p;

  PetscFunctionBeginUser;
  PetscCall(FFPlotCreate(900, 620, title, "P2 nodes", ylabel, &p));
  for (int s = 0; s < N_STAGES; s++) PetscCall(FFPlotAddSeries(p, stage_label[s], FF_PLOT_LINE, t->n, t->nodes, v[s]));
  PetscCall(FFPlotSetLogX(p, 1));
  PetscCall(FFPlotSetLogY(p, 1));
  PetscCall(FFPlotWrite(p, path));
  PetscCall(FFPlotDestroy(&p));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char in[PETSC_MAX_PATH_LEN] = "scaling.csv", out[PETSC_MAX_PATH_LEN] = "scaling", path[PETSC_MAX_PATH_LEN + 16];
  PetscReal min_nodes = 0;
  Table t;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "figures of bench/scaling.sh"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-i", in, sizeof in, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-min_nodes", &min_nodes, NULL));
  PetscCall(Read(in, &t));
  /* sizes in increasing order */
  for (int i = 0; i < t.n; i++)
    for (int j = i + 1; j < t.n; j++)
      if (t.nodes[j] < t.nodes[i]) {
        double tmp;
#define SWAP(a, b) (tmp = (a), (a) = (b), (b) = tmp)
        SWAP(t.refine[i], t.refine[j]);
        SWAP(t.nodes[i], t.nodes[j]);
        for (int s = 0; s < N_STAGES; s++) SWAP(t.sec[s][i], t.sec[s][j]), SWAP(t.mb[s][i], t.mb[s][j]);
      }
  snprintf(path, sizeof path, "%s_time.png", out);
  PetscCall(Figure(&t, t.sec, "seconds", "Wall time against mesh size (NACA case, 2 cores)", path));
  snprintf(path, sizeof path, "%s_memory.png", out);
  PetscCall(Figure(&t, t.mb, "MB added", "Memory added by each stage against mesh size", path));
  printf("| refine | P2 nodes | meshing s | field s | GNN s | solve s | field MB | GNN MB | solve MB | solve / "
         "field | solve / GNN | (mesh + solve) / field |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < t.n; i++)
    printf("| %g | %.0f | %.3g | %.3g | %.3g | %.3g | %.1f | %.1f | %.1f | %.0fx | %.1fx | %.0fx |\n", t.refine[i],
           t.nodes[i], t.sec[MESH][i], t.sec[FIELD][i], t.sec[GNN][i], t.sec[SOLVE][i], t.mb[FIELD][i], t.mb[GNN][i],
           t.mb[SOLVE][i], t.sec[SOLVE][i] / t.sec[FIELD][i], t.sec[SOLVE][i] / t.sec[GNN][i],
           (t.sec[MESH][i] + t.sec[SOLVE][i]) / t.sec[FIELD][i]);
  printf("\nfitted slopes (time ~ nodes^s, least squares over the sizes with >= %g nodes):", (double)min_nodes);
  for (int s = 0; s < N_STAGES; s++)
    printf(" %s %.2f (memory %.2f);", stage_label[s], Slope(t.n, t.nodes, t.sec[s], min_nodes),
           Slope(t.n, t.nodes, t.mb[s], min_nodes));
  printf("\nwrote %s_time.png and %s_memory.png\n", out, out);
  PetscCall(PetscFinalize());
  return 0;
}
