/* Inference time of a surrogate on one dataset sample, repeated: the graph inputs (edges for
 * the GNN, normalized features) and the network forward with de-normalization, medians over the
 * repeats (the first call, which allocates, is left out). The machine is shared, so medians
 * rather than means.
 *   usage: surrogate_inference -model model.h5 -data <dataset> [-sample 0] [-repeats 20]
 * Threads: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int CompareDoubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double Median(int n, double *v)
{
  qsort(v, (size_t)n, sizeof *v, CompareDoubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static PetscErrorCode Run(const char *model, const char *data, long index, int repeats)
{
  FFSurrogate s;
  FFDataset ds;
  FFSample sample;
  const FFSurrogateSchema *schema;
  const FFSurrogateConfig *config;
  double *features, *network, *pred;

  PetscFunctionBeginUser;
  PetscCall(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
  PetscCall(FFSurrogateGetSchema(s, &schema));
  PetscCall(FFSurrogateGetConfig(s, &config));
  PetscCallFF(FFDatasetOpen(data, &ds));
  PetscCallFF(FFDatasetReadSample(ds, index, FF_READ_ALL, &sample));
  PetscCall(PetscMalloc2(repeats + 1, &features, repeats + 1, &network));
  pred = NULL;
  for (int r = 0; r <= repeats; r++) {
    FFSurrogateGraph g;
    PetscCall(FFSurrogateGraphFromSample(schema, &sample, &g));
    const double t0 = FFTimeNow();
    if (config->type != FF_SURROGATE_FIELD) PetscCall(FFSurrogateGraphBuildEdges(&g)); /* the field reads none */
    PetscCall(FFSurrogatePrepareGraph(s, &g));
    features[r] = FFTimeNow() - t0;
    if (!pred) PetscCall(PetscMalloc1((size_t)g.n_nodes * FFSurrogateSchemaOutputColumns(schema), &pred));
    PetscCall(FFSurrogatePredict(s, &g, pred, &network[r]));
    if (!r) printf("model %s, sample %ld: %d nodes, %d directed edges\n", model, index, g.n_nodes, g.n_edges);
    PetscCall(FFSurrogateGraphDestroy(&g));
  }
  const double tf = Median(repeats, features + 1), tn = Median(repeats, network + 1);
  printf("median of %d: graph inputs %.4f s, network %.4f s, inference %.4f s (first call %.4f s)\n", repeats, tf, tn,
         tf + tn, features[0] + network[0]);
  printf("reference solve as recorded in the dataset: %.3f s\n", sample.solver.wall_time);
  PetscCall(PetscFree(pred));
  PetscCall(PetscFree2(features, network));
  FFSampleDestroy(&sample);
  FFDatasetDestroy(&ds);
  PetscCall(FFSurrogateDestroy(&s));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char model[PETSC_MAX_PATH_LEN] = "", data[PETSC_MAX_PATH_LEN] = "";
  PetscInt index = 0, repeats = 20;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "surrogate inference timing"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", model, sizeof model, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data", data, sizeof data, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-sample", &index, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeats", &repeats, NULL));
  PetscCheck(model[0] && data[0] && repeats >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG,
             "usage: surrogate_inference -model model.h5 -data <dataset> [-sample 0] [-repeats 20]");
  PetscCall(Run(model, data, index, (int)repeats));
  PetscCall(PetscFinalize());
  return 0;
}
