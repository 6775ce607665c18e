/* What a surrogate maps: conditions (case parameters) and input fields in, the solver's node
 * fields out. Derived from a dataset, stored in the model file, checked on use. */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <string.h>

FFNodeCategory FFNodeCategoryOfGroup(const char *name)
{
  if (FFMeshIsWallName(name)) return FF_NODE_WALL;
  if (FFMeshIsInflowName(name)) return FF_NODE_INFLOW;
  if (!strcmp(name, "outlet") || !strcmp(name, "outflow")) return FF_NODE_OUTFLOW;
  return FF_NODE_OTHER;
}

int FFSurrogateSchemaInputColumns(const FFSurrogateSchema *schema)
{
  int n = 0;
  for (int f = 0; f < schema->n_inputs; f++) n += schema->inputs[f].n_comp;
  return n;
}

int FFSurrogateSchemaOutputColumns(const FFSurrogateSchema *schema)
{
  int n = 0;
  for (int f = 0; f < schema->n_fields; f++) n += schema->fields[f].n_comp;
  return n;
}

double FFSurrogateConditionTransform(const FFSurrogateCondition *c, double value)
{
  return c->log_scale ? log(value) : value;
}

static int InList(const char *list, const char *name)
{
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && !strncmp(p, name, n)) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* The named fields (comma-separated, in that order) of the first sample; each name once. */
static PetscErrorCode FieldsFromList(const FFSample *s0, const char *list, int max, int *n, FFSurrogateField *out)
{
  char buf[512], *save = NULL;

  PetscFunctionBegin;
  *n = 0;
  PetscCall(PetscStrncpy(buf, list, sizeof buf));
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    const FFField *f = FFSampleField(s0, tok);
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "field '%s' is not in the dataset (sample %ld)", tok,
               s0->index);
    PetscCheck(*n < max, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "more than %d fields named", max);
    for (int k = 0; k < *n; k++)
      PetscCheck(strcmp(out[k].name, tok), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "field '%s' named twice", tok);
    PetscCall(PetscStrncpy(out[*n].name, tok, sizeof out[*n].name));
    out[*n].n_comp = f->n_comp;
    out[*n].location = f->location;
    (*n)++;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSampleFields(const FFSample *s, int n, const FFSurrogateField *fields)
{
  PetscFunctionBegin;
  for (int k = 0; k < n; k++) {
    const FFField *f = FFSampleField(s, fields[k].name);
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no field '%s'", s->index, fields[k].name);
    PetscCheck(f->n_comp == fields[k].n_comp && f->location == fields[k].location, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "sample %ld: field '%s' has %d components on %s, the first sample %d on %s", s->index, fields[k].name,
               f->n_comp, f->location == FF_FIELD_NODES ? "nodes" : "vertices", fields[k].n_comp,
               fields[k].location == FF_FIELD_NODES ? "nodes" : "vertices");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateSchemaFromDataset(FFDataset ds, long n, const FFSample *samples, const char *fields,
                                            const char *inputs, FFSurrogateSchema *schema)
{
  const FFDatasetSpec *spec = FFDatasetGetSpec(ds);

  PetscFunctionBegin;
  memset(schema, 0, sizeof *schema);
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "dataset '%s': no samples to train on", FFDatasetDir(ds));
  PetscCall(PetscStrncpy(schema->case_name, spec->case_name, sizeof schema->case_name));
  PetscCall(PetscStrncpy(schema->fingerprint, FFDatasetFingerprint(ds), sizeof schema->fingerprint));
  for (int j = 0; j < spec->n_params; j++) {
    const FFParamRange *r = &spec->params[j];
    if (r->scale == FF_PARAM_SEED) continue;
    PetscCheck(schema->n_cond < FF_SURR_MAX_COND, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than %d parameters",
               FF_SURR_MAX_COND);
    FFSurrogateCondition *c = &schema->cond[schema->n_cond++];
    PetscCall(PetscStrncpy(c->name, r->name, sizeof c->name));
    c->log_scale = r->scale == FF_PARAM_LOG;
    c->lo = INFINITY;
    c->hi = -INFINITY;
    for (long i = 0; i < n; i++) {
      const FFScalar *v = FFScalarFind(samples[i].params, samples[i].n_params, r->name);
      PetscCheck(v && isfinite(v->value), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "sample %ld has no finite value of parameter '%s'", samples[i].index, r->name);
      c->lo = PetscMin(c->lo, v->value);
      c->hi = PetscMax(c->hi, v->value);
    }
  }
  const FFSample *s0 = &samples[0];
  if (inputs && inputs[0]) PetscCall(FieldsFromList(s0, inputs, FF_SURR_MAX_FIELDS, &schema->n_inputs, schema->inputs));
  if (fields && fields[0]) {
    PetscCall(FieldsFromList(s0, fields, FF_SURR_MAX_FIELDS, &schema->n_fields, schema->fields));
    for (int k = 0; k < schema->n_fields; k++)
      PetscCheck(!InList(inputs, schema->fields[k].name), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "field '%s' is both an input and an output", schema->fields[k].name);
  } else {
    char list[512] = "";
    for (int f = 0; f < s0->n_fields; f++) {
      if (InList(inputs, s0->fields[f].name)) continue;
      if (list[0]) PetscCall(PetscStrlcat(list, ",", sizeof list));
      PetscCall(PetscStrlcat(list, s0->fields[f].name, sizeof list));
    }
    PetscCheck(list[0], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no field to predict", s0->index);
    PetscCall(FieldsFromList(s0, list, FF_SURR_MAX_FIELDS, &schema->n_fields, schema->fields));
  }
  PetscCheck(FFSurrogateSchemaOutputColumns(schema) <= FF_SURR_MAX_COLS, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "the fields to predict have more than %d components", FF_SURR_MAX_COLS);
  for (long i = 0; i < n; i++) {
    PetscCheck(samples[i].mesh.n_nodes > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "sample %ld has no mesh",
               samples[i].index);
    PetscCall(CheckSampleFields(&samples[i], schema->n_fields, schema->fields));
    PetscCall(CheckSampleFields(&samples[i], schema->n_inputs, schema->inputs));
  }
  PetscFunctionReturn(0);
}

/* ---------- configuration keys ---------- */

static PetscErrorCode PutFields(FFKeyValues *kv, const char *kind, int n, const FFSurrogateField *f)
{
  char key[64];

  PetscFunctionBegin;
  snprintf(key, sizeof key, "schema.n_%s", kind);
  PetscCallFF(FFKeyValuesSetInt(kv, key, n));
  for (int k = 0; k < n; k++) {
    snprintf(key, sizeof key, "schema.%s%d.name", kind, k);
    PetscCallFF(FFKeyValuesSet(kv, key, f[k].name));
    snprintf(key, sizeof key, "schema.%s%d.components", kind, k);
    PetscCallFF(FFKeyValuesSetInt(kv, key, f[k].n_comp));
    snprintf(key, sizeof key, "schema.%s%d.location", kind, k);
    PetscCallFF(FFKeyValuesSet(kv, key, f[k].location == FF_FIELD_NODES ? "nodes" : "vertices"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateSchemaToKeyValues(const FFSurrogateSchema *schema, FFKeyValues *kv)
{
  char key[64];

  PetscFunctionBegin;
  PetscCallFF(FFKeyValuesSet(kv, "schema.case", schema->case_name));
  PetscCallFF(FFKeyValuesSet(kv, "schema.fingerprint", schema->fingerprint));
  PetscCallFF(FFKeyValuesSetInt(kv, "schema.n_conditions", schema->n_cond));
  for (int k = 0; k < schema->n_cond; k++) {
    const FFSurrogateCondition *c = &schema->cond[k];
    snprintf(key, sizeof key, "schema.condition%d.name", k);
    PetscCallFF(FFKeyValuesSet(kv, key, c->name));
    snprintf(key, sizeof key, "schema.condition%d.scale", k);
    PetscCallFF(FFKeyValuesSet(kv, key, c->log_scale ? "log" : "linear"));
    snprintf(key, sizeof key, "schema.condition%d.lo", k);
    PetscCallFF(FFKeyValuesSetReal(kv, key, c->lo));
    snprintf(key, sizeof key, "schema.condition%d.hi", k);
    PetscCallFF(FFKeyValuesSetReal(kv, key, c->hi));
  }
  PetscCall(PutFields(kv, "inputs", schema->n_inputs, schema->inputs));
  PetscCall(PutFields(kv, "fields", schema->n_fields, schema->fields));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetString(const FFKeyValues *kv, const char *key, char *out, size_t len)
{
  const char *v = FFKeyValuesGet(kv, key);

  PetscFunctionBegin;
  PetscCheck(v, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "the model's configuration has no key '%s'", key);
  PetscCall(PetscStrncpy(out, v, len));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetFields(const FFKeyValues *kv, const char *kind, int *n, FFSurrogateField *f)
{
  char key[64], loc[32];
  long v;

  PetscFunctionBegin;
  snprintf(key, sizeof key, "schema.n_%s", kind);
  PetscCallFF(FFKeyValuesGetInt(kv, key, &v));
  PetscCheck(v >= 0 && v <= FF_SURR_MAX_FIELDS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s = %ld", key, v);
  *n = (int)v;
  for (int k = 0; k < *n; k++) {
    snprintf(key, sizeof key, "schema.%s%d.name", kind, k);
    PetscCall(GetString(kv, key, f[k].name, sizeof f[k].name));
    snprintf(key, sizeof key, "schema.%s%d.components", kind, k);
    PetscCallFF(FFKeyValuesGetInt(kv, key, &v));
    f[k].n_comp = (int)v;
    snprintf(key, sizeof key, "schema.%s%d.location", kind, k);
    PetscCall(GetString(kv, key, loc, sizeof loc));
    f[k].location = strcmp(loc, "nodes") ? FF_FIELD_VERTICES : FF_FIELD_NODES;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateSchemaFromKeyValues(const FFKeyValues *kv, FFSurrogateSchema *schema)
{
  char key[64], scale[32];
  long n;

  PetscFunctionBegin;
  memset(schema, 0, sizeof *schema);
  PetscCall(GetString(kv, "schema.case", schema->case_name, sizeof schema->case_name));
  PetscCall(GetString(kv, "schema.fingerprint", schema->fingerprint, sizeof schema->fingerprint));
  PetscCallFF(FFKeyValuesGetInt(kv, "schema.n_conditions", &n));
  PetscCheck(n >= 0 && n <= FF_SURR_MAX_COND, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "schema.n_conditions = %ld",
             n);
  schema->n_cond = (int)n;
  for (int k = 0; k < schema->n_cond; k++) {
    FFSurrogateCondition *c = &schema->cond[k];
    snprintf(key, sizeof key, "schema.condition%d.name", k);
    PetscCall(GetString(kv, key, c->name, sizeof c->name));
    snprintf(key, sizeof key, "schema.condition%d.scale", k);
    PetscCall(GetString(kv, key, scale, sizeof scale));
    c->log_scale = !strcmp(scale, "log");
    snprintf(key, sizeof key, "schema.condition%d.lo", k);
    PetscCallFF(FFKeyValuesGetReal(kv, key, &c->lo));
    snprintf(key, sizeof key, "schema.condition%d.hi", k);
    PetscCallFF(FFKeyValuesGetReal(kv, key, &c->hi));
  }
  PetscCall(GetFields(kv, "inputs", &schema->n_inputs, schema->inputs));
  PetscCall(GetFields(kv, "fields", &schema->n_fields, schema->fields));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateCheckConditions(MPI_Comm comm, const FFSurrogateSchema *schema, const double cond[],
                                          const char *what)
{
  PetscFunctionBegin;
  for (int k = 0; k < schema->n_cond; k++) {
    const FFSurrogateCondition *c = &schema->cond[k];
    PetscCheck(isfinite(cond[k]), comm, PETSC_ERR_ARG_WRONG, "%s: %s = %.6g is not a finite number", what, c->name,
               cond[k]);
    PetscCheck(!c->log_scale || cond[k] > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "%s: %s = %.6g must be positive (the model reads its logarithm)", what, c->name, cond[k]);
    /* a relative slack so that values printed with a few digits are not flagged */
    const double slack = 1e-9 * PetscMax(1.0, PetscMax(fabs(c->lo), fabs(c->hi)));
    if (cond[k] < c->lo - slack || cond[k] > c->hi + slack)
      PetscCall(PetscPrintf(comm,
                            "fieldflow: warning: %s: %s = %.6g is outside the training range [%.6g, %.6g]: the model "
                            "extrapolates, expect larger errors\n",
                            what, c->name, cond[k], c->lo, c->hi));
  }
  PetscFunctionReturn(0);
}
