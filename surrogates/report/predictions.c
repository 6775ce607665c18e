/* Predictions made elsewhere, scored like a model (compare -predictions): what the file's
 * fields are on the dataset, that it is the dataset and split compared and holds every sample
 * with its node counts, a sample's prediction in the layout the evaluation takes, the
 * AirfRANS normalization from a training split when there is no model; and the other way,
 * a comparison's predictions written as such a file (compare -save_predictions). */
#include "ff_petsc.h"
#include "ff_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode FFPredictionsSchema(const FFPredictions *p, const char *path, FFDataset ds, const FFSample *first,
                                   FFSurrogateSchema *schema)
{
  char list[FF_PREDICTIONS_MAX_FIELDS * (FF_NAME_LEN + 1)] = "", have[512] = "";

  PetscFunctionBegin;
  for (int f = 0; f < first->n_fields; f++) {
    char one[FF_NAME_LEN + 48];
    snprintf(one, sizeof one, "%s%s (%d on %s)", f ? ", " : "", first->fields[f].name, first->fields[f].n_comp,
             first->fields[f].location == FF_FIELD_VERTICES ? "vertices" : "nodes");
    PetscCall(PetscStrlcat(have, one, sizeof have));
  }
  for (int k = 0; k < p->n_fields; k++) {
    const FFField *pf = &p->fields[k], *df = FFSampleField(first, pf->name);
    PetscCheck(df && df->n_comp == pf->n_comp && df->location == pf->location, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
               "predictions file '%s': field '%s' (%d components on %s) is no field of dataset '%s' (its fields: %s)",
               path, pf->name, pf->n_comp, pf->location == FF_FIELD_VERTICES ? "vertices" : "nodes", FFDatasetDir(ds),
               have);
    if (k) PetscCall(PetscStrlcat(list, ",", sizeof list));
    PetscCall(PetscStrlcat(list, pf->name, sizeof list));
  }
  PetscCall(FFSurrogateSchemaFromDataset(ds, 1, first, list, NULL, schema));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPredictionsCheckSplit(const FFPredictions *p, const char *path, FFDataset ds, const char *split,
                                       long n, const long *indices)
{
  char missing[256] = "";
  long n_missing = 0;

  PetscFunctionBegin;
  PetscCheck(!strcmp(p->fingerprint, FFDatasetFingerprint(ds)), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "predictions file '%s' is of another dataset (fingerprint %s; '%s' has %s)", path, p->fingerprint,
             FFDatasetDir(ds), FFDatasetFingerprint(ds));
  PetscCheck(!strcmp(p->split, split), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "predictions file '%s' holds split '%s', not '%s' (give -split %s to compare on it)", path, p->split,
             split, p->split);
  for (long i = 0; i < n; i++) {
    if (FFPredictionsFind(p, indices[i]) >= 0) continue;
    if (++n_missing <= 8) {
      char one[32];
      snprintf(one, sizeof one, "%s%ld", n_missing > 1 ? ", " : "", indices[i]);
      PetscCall(PetscStrlcat(missing, one, sizeof missing));
    }
  }
  PetscCheck(!n_missing, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "predictions file '%s' lacks %ld of the %ld samples of split '%s' of '%s' (sample%s %s%s)", path,
             n_missing, n, split, FFDatasetDir(ds), n_missing > 1 ? "s" : "", missing, n_missing > 8 ? ", ..." : "");
  PetscFunctionReturn(0);
}

PetscErrorCode FFPredictionsNodeField(const FFPredictions *p, const char *path, const FFSurrogateSchema *schema,
                                      const FFSample *sample, double *pred, double *seconds)
{
  const int n_out = FFSurrogateSchemaOutputColumns(schema), n_nodes = sample->mesh.n_nodes;
  const long k = FFPredictionsFind(p, sample->index);
  double *tmp;
  int c0 = 0;

  PetscFunctionBegin;
  PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "predictions file '%s' has no sample %ld", path,
             sample->index);
  PetscCheck(p->n_nodes[k] == n_nodes && p->n_vertices[k] == sample->mesh.n_vertices, PETSC_COMM_SELF,
             PETSC_ERR_ARG_INCOMP,
             "predictions file '%s': sample %ld has %ld nodes and %ld vertices there, %d and %d in the dataset", path,
             sample->index, p->n_nodes[k], p->n_vertices[k], n_nodes, sample->mesh.n_vertices);
  PetscCall(PetscMalloc1((size_t)n_nodes * FF_SURR_MAX_COLS, &tmp));
  for (int f = 0; f < schema->n_fields; f++) {
    FFField view;
    int j = 0;
    while (j < p->n_fields && strcmp(p->fields[j].name, schema->fields[f].name)) j++;
    PetscCheck(j < p->n_fields, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "predictions file '%s' has no field '%s'", path,
               schema->fields[f].name);
    PetscCallFF(FFPredictionsSampleField(p, k, j, &view));
    /* the P1 pressure on the midpoints: what the solver makes of its vertex values */
    PetscCallFF(FFFieldToNodes(sample, &view, tmp));
    for (int i = 0; i < n_nodes; i++)
      for (int c = 0; c < view.n_comp; c++) pred[(size_t)i * n_out + c0 + c] = tmp[(size_t)i * view.n_comp + c];
    c0 += view.n_comp;
  }
  PetscCall(PetscFree(tmp));
  *seconds = p->seconds ? p->seconds[k] : NAN;
  PetscFunctionReturn(0);
}

PetscErrorCode FFTrainingSplitOf(const char *split, char *train, size_t len)
{
  const char *slash = strchr(split, '/');

  PetscFunctionBegin;
  if (slash)
    snprintf(train, len, "%.*s/train", (int)(slash - split), split);
  else
    snprintf(train, len, "train");
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareOutputNormalizer(FFDataset ds, const char *split, const FFSurrogateSchema *schema,
                                         FFNormalizer *nz, long *n_samples)
{
  long *indices, n;
  const int n_out = FFSurrogateSchemaOutputColumns(schema);

  PetscFunctionBegin;
  if (FFDatasetSplit(ds, split, &indices, &n))
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "dataset '%s': %s", FFDatasetDir(ds), FFErrorMessage());
  PetscCall(FFNormalizerCreate(n_out, nz));
  *n_samples = 0;
  PetscErrorCode ierr = 0;
  for (long i = 0; !ierr && i < n; i++) {
    FFSample s;
    FFSurrogateGraph g;
    /* a corrupt sample is skipped with a warning, as the trainer's loader does */
    const FFErrorCode rc = FFDatasetReadSample(ds, indices[i], FF_READ_MESH | FF_READ_FIELDS, &s);
    if (rc == FF_ERR_FORMAT || rc == FF_ERR_IO) {
      FFWarn("skipping sample %ld of '%s' in the normalization: %s", indices[i], FFDatasetDir(ds), FFErrorMessage());
      continue;
    }
    if (rc) {
      ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_READ,
                        PETSC_ERROR_INITIAL, "%s", FFErrorMessage());
      break;
    }
    ierr = FFSurrogateGraphFromSample(schema, &s, &g);
    if (!ierr) {
      ierr = FFNormalizerAccumulate(nz, g.n_nodes, g.target, n_out);
      PetscCall(FFSurrogateGraphDestroy(&g));
      (*n_samples)++;
    }
    FFSampleDestroy(&s);
  }
  free(indices);
  if (!ierr && !*n_samples)
    ierr =
        PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_ARG_WRONG, PETSC_ERROR_INITIAL,
                   "dataset '%s' has no samples in split '%s', whose statistics normalize the AirfRANS errors",
                   FFDatasetDir(ds), split);
  if (!ierr) ierr = FFNormalizerFinish(nz, 1e-12); /* the floor of FFSurrogateFitNormalizers */
  if (ierr) PetscCall(FFNormalizerDestroy(nz));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCompareWritePredictions(const char *path, const FFSurrogateSchema *schema, const char *fingerprint,
                                         const char *split, const char *producer, long parameters, long n,
                                         const FFSampleEval *evals)
{
  FFPredictions p;
  double *seconds;
  const int n_out = FFSurrogateSchemaOutputColumns(schema);
  long rows_nodes = 0, rows_vertices = 0;
  int timed = 1;

  PetscFunctionBegin;
  memset(&p, 0, sizeof p);
  PetscCheck(schema->n_fields <= FF_PREDICTIONS_MAX_FIELDS, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than %d fields",
             FF_PREDICTIONS_MAX_FIELDS);
  PetscCall(PetscStrncpy(p.fingerprint, fingerprint, sizeof p.fingerprint));
  PetscCall(PetscStrncpy(p.split, split, sizeof p.split));
  PetscCall(PetscStrncpy(p.producer, producer, sizeof p.producer));
  p.parameters = parameters;
  p.n = n;
  p.n_fields = schema->n_fields;
  PetscCall(PetscMalloc4(n, &p.indices, n, &p.n_nodes, n, &p.n_vertices, n, &seconds));
  for (long i = 0; i < n; i++) {
    p.indices[i] = evals[i].index;
    p.n_nodes[i] = evals[i].n_nodes;
    p.n_vertices[i] = evals[i].n_vertices;
    seconds[i] = evals[i].t_features + evals[i].t_network;
    timed &= isfinite(seconds[i]) && seconds[i] >= 0;
    rows_nodes += evals[i].n_nodes;
    rows_vertices += evals[i].n_vertices;
  }
  p.seconds = timed ? seconds : NULL;
  int c0 = 0;
  for (int f = 0; f < schema->n_fields; f++) {
    FFField *pf = &p.fields[f];
    const FFSurrogateField *sf = &schema->fields[f];
    PetscCall(PetscStrncpy(pf->name, sf->name, sizeof pf->name));
    pf->n_comp = sf->n_comp;
    pf->location = sf->location;
    const long total = sf->location == FF_FIELD_VERTICES ? rows_vertices : rows_nodes;
    PetscCall(PetscMalloc1((size_t)total * sf->n_comp + 1, &pf->data));
    size_t r = 0;
    for (long i = 0; i < n; i++) {
      const int rows = sf->location == FF_FIELD_VERTICES ? evals[i].n_vertices : evals[i].n_nodes;
      for (int v = 0; v < rows; v++)
        for (int c = 0; c < sf->n_comp; c++) pf->data[r++] = evals[i].pred[(size_t)v * n_out + c0 + c];
    }
    c0 += sf->n_comp;
  }
  const FFErrorCode rc = FFPredictionsWrite(path, &p);
  for (int f = 0; f < p.n_fields; f++) PetscCall(PetscFree(p.fields[f].data));
  PetscCall(PetscFree4(p.indices, p.n_nodes, p.n_vertices, seconds));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}
