/* nn against PyTorch: an MLP with LayerNorm (forward, all gradients, three AdamW steps
 * with clipping), a 2-block MeshGraphNets model and a 3-level multi-level GNN with a
 * physics-attention block (softmax, slices, attention, pooling; forward and all gradients).
 * References from tests/data/make_torch_refs.py (float64 PyTorch 1.13); agreement is
 * max |c - ref| <= 1e-4 max |ref| for every tensor. */
#include "ff_nn.h"
#include "ff_test.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  char name[128];
  int rows, cols;
  float *data;
} RefArray;

typedef struct {
  int n;
  RefArray a[512];
} Ref;

static int LoadRef(const char *file, Ref *ref)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/data/%s", FF_SOURCE_DIR, file);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  char magic[8];
  int ok = fread(magic, 1, 8, f) == 8 && !memcmp(magic, "FFREF001", 8);
  ref->n = 0;
  uint32_t len;
  while (ok && fread(&len, 4, 1, f) == 1) {
    RefArray *r = &ref->a[ref->n];
    uint32_t shape[2];
    ok = ref->n < 512 && len < sizeof r->name && fread(r->name, 1, len, f) == len && fread(shape, 4, 2, f) == 2;
    if (!ok) break;
    r->name[len] = '\0';
    r->rows = (int)shape[0];
    r->cols = (int)shape[1];
    size_t n = (size_t)shape[0] * shape[1];
    r->data = malloc(n * sizeof(float));
    ok = r->data && fread(r->data, sizeof(float), n, f) == n;
    ref->n++;
  }
  fclose(f);
  if (!ok) fprintf(stderr, "%s is malformed\n", path);
  return !ok;
}

static void FreeRef(Ref *ref)
{
  for (int i = 0; i < ref->n; i++) free(ref->a[i].data);
  ref->n = 0;
}

static const RefArray *Get(const Ref *ref, const char *name)
{
  for (int i = 0; i < ref->n; i++)
    if (!strcmp(ref->a[i].name, name)) return &ref->a[i];
  fprintf(stderr, "reference has no array '%s'\n", name);
  return NULL;
}

/* max |c - ref| / max |ref| */
static double Compare(const char *what, const float *c, const RefArray *r)
{
  double diff = 0.0, scale = 1e-30;
  for (size_t i = 0; i < (size_t)r->rows * r->cols; i++) {
    double d = fabs((double)c[i] - r->data[i]);
    if (d > diff) diff = d;
    if (fabs(r->data[i]) > scale) scale = fabs(r->data[i]);
  }
  double rel = diff / scale;
  if (getenv("FF_REF_VERBOSE") || !(rel <= 1e-4)) fprintf(stderr, "%s vs PyTorch: %.3g relative\n", what, rel);
  return rel;
}

/* Copies every parameter from the reference, checking that names and shapes exist. */
static int SetParams(FFParams *P, const Ref *ref, const char *prefix)
{
  for (int i = 0; i < P->n; i++) {
    char name[160];
    snprintf(name, sizeof name, "%s%s", prefix, P->info[i].name);
    const RefArray *r = Get(ref, name);
    if (!r || r->rows != P->info[i].rows || r->cols != P->info[i].cols) return 1;
    memcpy(FFParamsData(P, i), r->data, (size_t)r->rows * r->cols * sizeof(float));
  }
  return 0;
}

static void CheckParamGrads(const FFParams *P, const float *grad, const Ref *ref, const char *prefix)
{
  for (int i = 0; i < P->n; i++) {
    char name[160];
    snprintf(name, sizeof name, "%s%s", prefix, P->info[i].name);
    const RefArray *r = Get(ref, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT(Compare(name, grad + P->info[i].offset, r) <= 1e-4);
  }
}

static void TestMLP(void)
{
  Ref *ref = calloc(1, sizeof(Ref));
  CU_ASSERT_FATAL(LoadRef("nn_mlp_ref.bin", ref) == 0);
  FFParams *P;
  FFMLP mlp;
  FFMLPConfig cfg = {.in = 5, .hidden = 16, .out = 4, .hidden_layers = 2, .act = FF_ACT_GELU, .layer_norm = 1};
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFMLPCreate(P, "mlp", &cfg, &mlp));
  FF_TEST_CALL(FFParamsSetUp(P, 0));
  CU_ASSERT_FATAL(SetParams(P, ref, "") == 0);
  float *grad;
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  const RefArray *x = Get(ref, "x"), *target = Get(ref, "target");
  FFTensor *tx, *tt, *y, *loss;
  FF_TEST_CALL(FFTapeLeaf(tape, x->rows, x->cols, x->data, 1, &tx));
  FF_TEST_CALL(FFTapeLeaf(tape, target->rows, target->cols, target->data, 0, &tt));
  FF_TEST_CALL(FFMLPForward(&mlp, tape, tx, &y));
  FF_TEST_CALL(FFOpMSE(tape, y, tt, &loss));
  FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
  CU_ASSERT(Compare("y", y->data, Get(ref, "y")) <= 1e-4);
  CU_ASSERT(Compare("loss", loss->data, Get(ref, "loss")) <= 1e-4);
  CU_ASSERT(Compare("grad.x", tx->grad, Get(ref, "grad.x")) <= 1e-4);
  CheckParamGrads(P, grad, ref, "grad.");

  /* three AdamW steps with clipping, as the script does them */
  FFOptimizerConfig oc;
  FFOptimizerConfigDefault(&oc);
  oc.type = FF_OPT_ADAMW;
  oc.lr = 1e-2;
  oc.weight_decay = 0.1;
  oc.clip_norm = 0.5;
  FFOptimizer *opt;
  FF_TEST_CALL(FFOptimizerCreate(P, &oc, &opt));
  for (int step = 0; step < 3; step++) {
    FFTapeReset(tape);
    FFParamsGradZero(P, grad);
    FF_TEST_CALL(FFTapeLeaf(tape, x->rows, x->cols, x->data, 0, &tx));
    FF_TEST_CALL(FFTapeLeaf(tape, target->rows, target->cols, target->data, 0, &tt));
    FF_TEST_CALL(FFMLPForward(&mlp, tape, tx, &y));
    FF_TEST_CALL(FFOpMSE(tape, y, tt, &loss));
    FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
    FFStepInfo info;
    FF_TEST_CALL(FFOptimizerStep(opt, P, grad, FFTensorScalar(loss), &info));
    CU_ASSERT(info.applied);
  }
  for (int i = 0; i < P->n; i++) {
    char name[160];
    snprintf(name, sizeof name, "adamw.%s", P->info[i].name);
    CU_ASSERT(Compare(name, FFParamsData(P, i), Get(ref, name)) <= 1e-4);
  }
  FFOptimizerDestroy(&opt);
  FFTapeDestroy(&tape);
  free(grad);
  FFParamsDestroy(&P);
  FreeRef(ref);
  free(ref);
}

static void TestMeshGraphNet(void)
{
  Ref *ref = calloc(1, sizeof(Ref));
  CU_ASSERT_FATAL(LoadRef("nn_mgn_ref.bin", ref) == 0);
  FFMeshGraphNetConfig cfg;
  FFMeshGraphNetConfigDefault(&cfg);
  cfg.node_in = 4;
  cfg.edge_in = 3;
  cfg.out = 2;
  cfg.width = 16;
  cfg.blocks = 2;
  FFParams *P;
  FFMeshGraphNet net;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFMeshGraphNetCreate(P, "mgn", &cfg, &net));
  FF_TEST_CALL(FFParamsSetUp(P, 0));
  CU_ASSERT_FATAL(SetParams(P, ref, "") == 0);
  const RefArray *snd = Get(ref, "senders"), *rcv = Get(ref, "receivers");
  const RefArray *nx = Get(ref, "node_x"), *ex = Get(ref, "edge_x"), *target = Get(ref, "target");
  int n_edges = snd->cols, *s = malloc(n_edges * sizeof(int)), *r = malloc(n_edges * sizeof(int));
  for (int k = 0; k < n_edges; k++) {
    s[k] = (int)snd->data[k];
    r[k] = (int)rcv->data[k];
  }
  FFGraph *graph;
  FF_TEST_CALL(FFGraphCreate(&graph));
  FF_TEST_CALL(FFGraphSetEdges(graph, nx->rows, n_edges, s, r));
  float *grad;
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FFTensor *tn, *te, *tt, *y, *loss;
  FF_TEST_CALL(FFTapeLeaf(tape, nx->rows, nx->cols, nx->data, 1, &tn));
  FF_TEST_CALL(FFTapeLeaf(tape, ex->rows, ex->cols, ex->data, 0, &te));
  FF_TEST_CALL(FFTapeLeaf(tape, target->rows, target->cols, target->data, 0, &tt));
  FF_TEST_CALL(FFMeshGraphNetForward(&net, tape, graph, tn, te, &y));
  FF_TEST_CALL(FFOpMSE(tape, y, tt, &loss));
  FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
  CU_ASSERT(Compare("y", y->data, Get(ref, "y")) <= 1e-4);
  CU_ASSERT(Compare("loss", loss->data, Get(ref, "loss")) <= 1e-4);
  CU_ASSERT(Compare("grad.node_x", tn->grad, Get(ref, "grad.node_x")) <= 1e-4);
  CheckParamGrads(P, grad, ref, "grad.");
  FFTapeDestroy(&tape);
  FFGraphDestroy(&graph);
  FFMeshGraphNetDestroy(&net);
  free(grad);
  free(s);
  free(r);
  FFParamsDestroy(&P);
  FreeRef(ref);
  free(ref);
}

static int *IntsOf(const RefArray *r)
{
  int *v = malloc(sizeof(int) * (size_t)r->cols + 1);
  for (int k = 0; k < r->cols; k++) v[k] = (int)r->data[k];
  return v;
}

static void TestMultiLevelGNN(void)
{
  Ref *ref = calloc(1, sizeof(Ref));
  CU_ASSERT_FATAL(LoadRef("nn_mlgnn_ref.bin", ref) == 0);
  FFMultiLevelGNNConfig cfg;
  FFMultiLevelGNNConfigDefault(&cfg);
  cfg.node_in = 4;
  cfg.edge_in = 3;
  cfg.out = 2;
  cfg.width = 8;
  cfg.hidden_layers = 1;
  cfg.levels = 3;
  cfg.blocks[0] = cfg.blocks[1] = cfg.blocks[2] = 1;
  cfg.mix_blocks = 1;
  cfg.heads = 2;
  cfg.slices = 3;
  FFParams *P;
  FFMultiLevelGNN net;
  FF_TEST_CALL(FFParamsCreate(&P));
  FF_TEST_CALL(FFMultiLevelGNNCreate(P, "mlgnn", &cfg, &net));
  FF_TEST_CALL(FFParamsSetUp(P, 0));
  CU_ASSERT_FATAL(SetParams(P, ref, "") == 0);
  const RefArray *nx = Get(ref, "node_x"), *target = Get(ref, "target");
  FFGraph *graphs[3];
  FFIndexMap *pools[2];
  int n_nodes[3] = {nx->rows, 0, 0};
  for (int l = 0; l < 2; l++) {
    char name[32];
    snprintf(name, sizeof name, "pool%d", l);
    const RefArray *r = Get(ref, name);
    int *idx = IntsOf(r), n_src = 0;
    for (int k = 0; k < r->cols; k++) n_src = idx[k] + 1 > n_src ? idx[k] + 1 : n_src;
    n_nodes[l + 1] = n_src;
    FF_TEST_CALL(FFIndexMapCreate(&pools[l]));
    FF_TEST_CALL(FFIndexMapSet(pools[l], n_src, r->cols, idx));
    free(idx);
  }
  FFTape *tape;
  FF_TEST_CALL(FFTapeCreate(P, &tape));
  FFTensor *ex[3], *tn, *tt, *y, *loss;
  for (int l = 0; l < 3; l++) {
    char sn[32], rn[32], en[32];
    snprintf(sn, sizeof sn, "senders%d", l);
    snprintf(rn, sizeof rn, "receivers%d", l);
    snprintf(en, sizeof en, "edge_x%d", l);
    const RefArray *sr = Get(ref, sn), *rr = Get(ref, rn), *er = Get(ref, en);
    int *s = IntsOf(sr), *r = IntsOf(rr);
    FF_TEST_CALL(FFGraphCreate(&graphs[l]));
    FF_TEST_CALL(FFGraphSetEdges(graphs[l], n_nodes[l], sr->cols, s, r));
    FF_TEST_CALL(FFTapeLeaf(tape, er->rows, er->cols, er->data, 0, &ex[l]));
    free(s);
    free(r);
  }
  float *grad;
  FF_TEST_CALL(FFParamsGradCreate(P, &grad));
  FF_TEST_CALL(FFTapeLeaf(tape, nx->rows, nx->cols, nx->data, 1, &tn));
  FF_TEST_CALL(FFTapeLeaf(tape, target->rows, target->cols, target->data, 0, &tt));
  FF_TEST_CALL(
      FFMultiLevelGNNForward(&net, tape, (const FFGraph *const *)graphs, (const FFIndexMap *const *)pools, tn, ex, &y));
  FF_TEST_CALL(FFOpMSE(tape, y, tt, &loss));
  FF_TEST_CALL(FFTapeBackward(tape, loss, grad));
  CU_ASSERT(Compare("y", y->data, Get(ref, "y")) <= 1e-4);
  CU_ASSERT(Compare("loss", loss->data, Get(ref, "loss")) <= 1e-4);
  CU_ASSERT(Compare("grad.node_x", tn->grad, Get(ref, "grad.node_x")) <= 1e-4);
  CheckParamGrads(P, grad, ref, "grad.");
  FFTapeDestroy(&tape);
  for (int l = 0; l < 3; l++) FFGraphDestroy(&graphs[l]);
  for (int l = 0; l < 2; l++) FFIndexMapDestroy(&pools[l]);
  FFMultiLevelGNNDestroy(&net);
  free(grad);
  FFParamsDestroy(&P);
  FreeRef(ref);
  free(ref);
}

int main(void)
{
  const FFTest tests[] = {
      {"MLP with LayerNorm: forward, gradients, AdamW steps", TestMLP},
      {"MeshGraphNets 2 blocks: forward and gradients", TestMeshGraphNet},
      {"multi-level GNN (3 levels, physics attention): forward and gradients", TestMultiLevelGNN},
      {NULL, NULL},
  };
  return FFTestRun("nn_torch", tests);
}
