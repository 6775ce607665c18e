/* The multi-level surrogate (-model mlgnn) on small real airfoil solves: its graph levels (every
 * node of a level in exactly one cluster of the next, clusters connected, coarse edges those of
 * the fine graph), a tiny model overfits 2 samples to < 1% error, its model file rebuilds the same
 * model, one level without mixing is MeshGraphNets, and predict and compare work with it unchanged. */
#include "ff_test_surrogate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char data2[4096], data6[4096];

static const char *Dir(void) { return FFTestTempDir("surrogate_mlgnn"); }

static void Datasets(void)
{
  static int done = 0;
  if (done) return;
  snprintf(data6, sizeof data6, "%s/air6", Dir());
  snprintf(data2, sizeof data2, "%s/air2", Dir());
  FF_TEST_PETSC(FFTestAirfoilDataset(PETSC_COMM_SELF, data6, 6, 3, NULL));
  /* coarser away from the body (~1k nodes): the overfit takes seconds */
  FF_TEST_PETSC(FFTestAirfoilDataset(PETSC_COMM_SELF, data2, 2, 4, "-mesh_h_wake 0.4 -mesh_h 3 -mesh_growth 0.6"));
  done = 1;
}

static int Run(const char *args, char *out, size_t len)
{
  int rc = FFTestCLI(args, out, len);
  if (rc) fprintf(stderr, "command failed (%d): %s %s\n%s\n", rc, FF_CLI, args, out ? out : "");
  return rc;
}

/* Nodes of a cluster of level l + 1 are connected through level-l edges inside the cluster. */
static int ClustersConnected(const FFSurrogateLevels *L, int l)
{
  const int n = L->n_nodes[l], nc = L->n_nodes[l + 1];
  int *seen = calloc(n, sizeof(int)), *stack = malloc(n * sizeof(int)), *first = malloc(nc * sizeof(int)), ok = 1;
  for (int c = 0; c < nc; c++) first[c] = -1;
  for (int i = n - 1; i >= 0; i--) first[L->cluster[l][i]] = i;
  /* one search per cluster, from its first node, along edges that stay inside it */
  for (int c = 0; c < nc; c++) {
    int top = 0;
    stack[top++] = first[c];
    seen[first[c]] = 1;
    while (top) {
      const int v = stack[--top];
      for (int e = 0; e < L->n_edges[l]; e++)
        if (L->senders[l][e] == v) {
          const int w = L->receivers[l][e];
          if (!seen[w] && L->cluster[l][w] == c) seen[w] = 1, stack[top++] = w;
        }
    }
  }
  for (int i = 0; i < n; i++) ok &= seen[i];
  free(seen);
  free(stack);
  free(first);
  return ok;
}

static void CheckLevels(const FFSurrogateGraph *g, const FFSurrogateLevels *L, int n_levels)
{
  CU_ASSERT_EQUAL_FATAL(L->n_levels, n_levels);
  CU_ASSERT_EQUAL(L->n_nodes[0], g->n_nodes);
  CU_ASSERT_EQUAL(L->n_edges[0], g->n_edges);
  if (n_levels > 1) CU_ASSERT_EQUAL(L->n_nodes[1], g->n_vertices); /* level 1: the mesh vertices */
  for (int l = 0; l + 1 < n_levels; l++) {
    const int n = L->n_nodes[l], nc = L->n_nodes[l + 1];
    int *hits = calloc(nc, sizeof(int)), covered = 1;
    long members = 0;
    /* every node in exactly one cluster (one entry each, in range), no cluster empty */
    for (int i = 0; i < n; i++) {
      CU_ASSERT_FATAL(L->cluster[l][i] >= 0 && L->cluster[l][i] < nc);
      hits[L->cluster[l][i]]++;
    }
    for (int c = 0; c < nc; c++) {
      covered &= hits[c] > 0;
      members += L->members[l + 1][c];
    }
    CU_ASSERT(covered);
    CU_ASSERT_EQUAL(members, g->n_nodes);
    CU_ASSERT(nc < n);
    /* the pooling map is this clustering: its inverse lists every fine node once */
    const FFIndexMap *pool = L->pool[l];
    CU_ASSERT_EQUAL(pool->n, n);
    CU_ASSERT_EQUAL(pool->n_src, nc);
    CU_ASSERT_EQUAL(pool->offsets[nc], n);
    int *listed = calloc(n, sizeof(int)), once = 1;
    for (int k = 0; k < n; k++) listed[pool->perm[k]]++;
    for (int i = 0; i < n; i++) once &= listed[i] == 1;
    CU_ASSERT(once);
    CU_ASSERT(ClustersConnected(L, l));
    /* coarse edges: no self-loops, both directions, each joining clusters a fine edge joins */
    int good = 1;
    for (int e = 0; e < L->n_edges[l + 1]; e++) {
      const int a = L->senders[l + 1][e], b = L->receivers[l + 1][e];
      int back = 0, fine = 0;
      good &= a != b;
      for (int f = 0; f < L->n_edges[l + 1] && !back; f++)
        back = L->senders[l + 1][f] == b && L->receivers[l + 1][f] == a;
      for (int f = 0; f < L->n_edges[l] && !fine; f++)
        fine = L->cluster[l][L->senders[l][f]] == a && L->cluster[l][L->receivers[l][f]] == b;
      good &= back && fine;
    }
    CU_ASSERT(good);
    free(hits);
    free(listed);
  }
  if (n_levels > 1) { /* the vertex graph is the mesh's edges: 3 per cell, each shared by at most 2 */
    CU_ASSERT(L->n_edges[1] >= 3 * g->n_cells && L->n_edges[1] <= 6 * g->n_cells);
    CU_ASSERT_EQUAL(L->n_edges[1] / 2, (g->n_nodes - g->n_vertices)); /* one midpoint per mesh edge */
  }
}

static void TestLevels(void)
{
  FFSurrogateData d;
  Datasets();
  FF_TEST_PETSC(FFSurrogateDataLoad(PETSC_COMM_SELF, data6, "all", NULL, NULL, NULL, NULL, &d));
  for (long i = 0; i < d.n_train; i++) {
    FFSurrogateLevels L;
    FF_TEST_PETSC(FFSurrogateLevelsBuild(&d.train[i], 5, 4, &L));
    if (!i) {
      fprintf(stderr, "levels of sample %ld (nodes / directed edges):", d.train[i].index);
      for (int l = 0; l < L.n_levels; l++) fprintf(stderr, " %d / %d", L.n_nodes[l], L.n_edges[l]);
      fprintf(stderr, "\n");
    }
    CheckLevels(&d.train[i], &L, 5);
    /* METIS clusters hold about `coarsen` nodes: between half and twice that on average */
    for (int l = 2; l < 5; l++) {
      const double per = (double)L.n_nodes[l - 1] / L.n_nodes[l];
      CU_ASSERT(per > 2.0 && per < 8.0);
    }
    FF_TEST_PETSC(FFSurrogateLevelsDestroy(&L));
  }
  /* one level: just the graph; too many levels for a small graph: an error naming the level */
  FFSurrogateLevels L;
  FF_TEST_PETSC(FFSurrogateLevelsBuild(&d.train[0], 1, 4, &L));
  CheckLevels(&d.train[0], &L, 1);
  FF_TEST_PETSC(FFSurrogateLevelsDestroy(&L));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  const PetscErrorCode ierr = FFSurrogateLevelsBuild(&d.train[0], 6, 64, &L);
  PetscPopErrorHandler();
  CU_ASSERT(ierr != 0);
  FF_TEST_PETSC(FFSurrogateLevelsDestroy(&L));
  FF_TEST_PETSC(FFSurrogateDataDestroy(&d));
}

/* Worst relative L2 error of a field of a model on the samples of a dataset, and the largest
 * difference between two loads of the model file. */
static void TrainingErrors(const char *model, const char *data, double *worst, double *reload)
{
  FFSurrogate s, t;
  FFSurrogateData d;
  const FFSurrogateSchema *schema;
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, model, &t, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateGetSchema(s, &schema));
  FF_TEST_PETSC(FFSurrogateDataLoad(PETSC_COMM_SELF, data, "all", NULL, schema, NULL, NULL, &d));
  *worst = *reload = 0;
  for (long i = 0; i < d.n_train; i++) {
    const size_t n = (size_t)d.train[i].n_nodes * 3;
    double *pred = malloc(sizeof(double) * n), *again = malloc(sizeof(double) * n), err[FF_SURR_MAX_FIELDS];
    FF_TEST_PETSC(FFSurrogatePrepareGraph(s, &d.train[i]));
    FF_TEST_PETSC(FFSurrogatePredict(s, &d.train[i], pred, NULL));
    FF_TEST_PETSC(FFSurrogatePrepareGraph(t, &d.train[i]));
    FF_TEST_PETSC(FFSurrogatePredict(t, &d.train[i], again, NULL));
    FF_TEST_PETSC(FFSurrogateGraphError(s, &d.train[i], pred, err));
    for (int k = 0; k < schema->n_fields; k++) *worst = fmax(*worst, err[k]);
    for (size_t k = 0; k < n; k++) *reload = fmax(*reload, fabs(pred[k] - again[k]));
    free(pred);
    free(again);
  }
  FF_TEST_PETSC(FFSurrogateDataDestroy(&d));
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
  FF_TEST_PETSC(FFSurrogateDestroy(&t));
}

static void TestOverfit(void)
{
  char args[20480], out[16384], model[4200];
  double worst, reload;
  Datasets();
  snprintf(model, sizeof model, "%s/overfit.h5", Dir());
  snprintf(args, sizeof args,
           "train -model mlgnn -data %s -split all -val_split none -o %s -width 48 -depth 1 -levels 3 "
           "-level_blocks 1,2,2 -mix_blocks 1 -slices 8 -heads 2 -fourier_freq 16 -epochs 2000 -batch 2 -lr 1e-2 "
           "-clip 1 -warmup 30 -min_lr 1e-5 -seed 2",
           data2, model);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "graph levels of the first training sample"));
  TrainingErrors(model, data2, &worst, &reload);
  fprintf(stderr, "overfit: worst relative L2 error of a field on its 2 training samples %.3f%%\n", 100 * worst);
  CU_ASSERT(worst < 0.01);
  CU_ASSERT_EQUAL(reload, 0.0); /* the file records everything that builds the model */
}

/* Loss curve column of a loss CSV as text lines (epoch, step, train loss). */
static void LossColumn(const char *csv, char *out, size_t len)
{
  FILE *f = fopen(csv, "r");
  char line[512];
  size_t used = 0;
  out[0] = '\0';
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  while (fgets(line, sizeof line, f)) {
    double e, st, l;
    if (sscanf(line, "%lf,%lf,%lf", &e, &st, &l) == 3)
      used += (size_t)snprintf(out + used, len - used, "%.0f %.0f %.9g\n", e, st, l);
  }
  fclose(f);
}

/* With one level and no mixing blocks the multi-level model is MeshGraphNets: the same
 * parameters in the same order, the same inputs, the same training, bit for bit. */
static void TestFlatIsMeshGraphNets(void)
{
  char args[20480], out[16384], csv_g[4200], csv_m[4200], loss_g[8192], loss_m[8192];
  Datasets();
  const char *common = "-width 16 -depth 1 -epochs 6 -batch 2 -lr 3e-3 -seed 4 -val_split none";
  snprintf(csv_g, sizeof csv_g, "%s/flat_gnn_loss.csv", Dir());
  snprintf(csv_m, sizeof csv_m, "%s/flat_mlgnn_loss.csv", Dir());
  snprintf(args, sizeof args, "train -model gnn -blocks 3 %s -data %s -o %s/flat_gnn.h5", common, data6, Dir());
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  snprintf(args, sizeof args,
           "train -model mlgnn -levels 1 -level_blocks 3 -mix_blocks 0 %s -data %s -o %s/flat_mlgnn.h5", common, data6,
           Dir());
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  LossColumn(csv_g, loss_g, sizeof loss_g);
  LossColumn(csv_m, loss_m, sizeof loss_m);
  CU_ASSERT(strlen(loss_g) > 20);
  CU_ASSERT_STRING_EQUAL(loss_g, loss_m);
}

/* predict and compare take an mlgnn model file as they take the others */
static void TestPredictCompare(void)
{
  char args[20480], out[16384], model[4200], json[4200];
  Datasets();
  snprintf(model, sizeof model, "%s/small.h5", Dir());
  snprintf(args, sizeof args,
           "train -model mlgnn -data %s -o %s -width 16 -levels 4 -level_blocks 1 -mix_blocks 1 -slices 8 -heads 2 "
           "-epochs 3 -batch 2 -seed 1",
           data6, model);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  snprintf(args, sizeof args,
           "predict -model %s -case %s/tests/data/sweep_airfoil_coarse.opts -naca_t 0.12 -aoa 2 -re 90 -o %s/p.vtu",
           model, FF_SOURCE_DIR, Dir());
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "mlgnn surrogate on"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "C_D"));
  snprintf(args, sizeof args, "compare -model %s -data %s -split test -o %s/report -vtu 0", model, data6, Dir());
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  snprintf(json, sizeof json, "%s/report/metrics.json", Dir());
  json_object *doc = FFTestJsonRead(json);
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  json_object_put(doc);
  /* resuming with another architecture is refused, naming the option's family */
  snprintf(args, sizeof args, "%s train -resume %s -data %s -levels 2 2>&1", FF_CLI, model, data6);
  CU_ASSERT_NOT_EQUAL(FFTestShell(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "architecture options differ"));
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {
      {"graph levels: every node in one cluster, clusters connected, coarse edges", TestLevels},
      {"a tiny multi-level model overfits 2 samples to < 1% error", TestOverfit},
      {"one level without mixing is MeshGraphNets, bit for bit", TestFlatIsMeshGraphNets},
      {"predict and compare with an mlgnn model file", TestPredictCompare},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "surrogate_mlgnn", tests);
}
