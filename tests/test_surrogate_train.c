/* Training (fieldflow train, surrogates/train/trainer.c, fit.c) on small real airfoil solves:
 * the loss falls by a set factor for both models, a model overfits 2 samples to < 1% error,
 * a resumed run (stopped at a step, or by SIGINT) ends bit-equal to an uninterrupted one,
 * the physics loss (ConFIG) runs and lowers the residual of the predictions, and a run trained
 * to a time budget stops there with its learning rate at the end of its decay. */
#include "ff_test_surrogate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char data6[4096], data2[4096];

static const char *Dir(void) { return FFTestTempDir("surrogate_train"); }

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

/* train_loss column of the loss CSV: first and last epochs */
static void LossRange(const char *csv, double *first, double *last, int *rows)
{
  FILE *f = fopen(csv, "r");
  char line[512];
  *rows = 0;
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, f)); /* header */
  while (fgets(line, sizeof line, f)) {
    double e, s, l;
    if (sscanf(line, "%lf,%lf,%lf", &e, &s, &l) != 3) continue;
    if (!*rows) *first = l;
    *last = l;
    (*rows)++;
  }
  fclose(f);
}

static void TestLossFalls(void)
{
  char args[20480], out[16384], csv[4200];
  const char *models[2] = {"-model gnn -width 32 -blocks 3 -depth 1 -epochs 80 -batch 2 -lr 3e-3",
                           "-model field -width 64 -depth 3 -epochs 80 -batch 2 -lr 3e-3 -points 1024"};
  Datasets();
  for (int m = 0; m < 2; m++) {
    double first = 0, last = 0;
    int rows;
    snprintf(csv, sizeof csv, "%s/falls%d_loss.csv", Dir(), m);
    snprintf(args, sizeof args, "train %s -data %s -o %s/falls%d.h5 -seed 1", models[m], data6, Dir(), m);
    CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "val error"));
    LossRange(csv, &first, &last, &rows);
    CU_ASSERT_EQUAL(rows, 80);
    /* the normalized MSE starts near 1: a tenth of it within 80 epochs of 2 steps */
    if (!(last < first / 10)) fprintf(stderr, "%s: loss %g -> %g\n", models[m], first, last);
    CU_ASSERT(last < first / 10);
  }
}

/* Relative L2 error of every field on the training samples of a dataset. */
static void TrainingErrors(const char *model, const char *data, double *worst)
{
  FFSurrogate s;
  FFSurrogateData d;
  const FFSurrogateSchema *schema;
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateGetSchema(s, &schema));
  FF_TEST_PETSC(FFSurrogateDataLoad(PETSC_COMM_SELF, data, "all", NULL, schema, NULL, NULL, &d));
  *worst = 0;
  for (long i = 0; i < d.n_train; i++) {
    double *pred, err[FF_SURR_MAX_FIELDS];
    FF_TEST_PETSC(FFSurrogatePrepareGraph(s, &d.train[i]));
    pred = malloc(sizeof(double) * d.train[i].n_nodes * 3);
    FF_TEST_PETSC(FFSurrogatePredict(s, &d.train[i], pred, NULL));
    FF_TEST_PETSC(FFSurrogateGraphError(s, &d.train[i], pred, err));
    for (int k = 0; k < schema->n_fields; k++) *worst = fmax(*worst, err[k]);
    free(pred);
  }
  FF_TEST_PETSC(FFSurrogateDataDestroy(&d));
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
}

static void TestOverfit(void)
{
  char args[20480], out[16384], model[4200];
  double worst;
  Datasets();
  snprintf(model, sizeof model, "%s/overfit.h5", Dir());
  snprintf(args, sizeof args,
           "train -model field -data %s -split all -val_split none -o %s -width 64 -depth 4 -epochs 1200 -batch 2 "
           "-lr 3e-2 -warmup 30 -min_lr 1e-5 -seed 2",
           data2, model);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  TrainingErrors(model, data2, &worst);
  fprintf(stderr, "overfit: worst relative L2 error of a field on its 2 training samples %.3f%%\n", 100 * worst);
  CU_ASSERT(worst < 0.01);
}

static void ParamsOf(const char *path, float **values, size_t *n)
{
  FFSurrogate s;
  FFParams *P;
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, path, &s, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateGetParams(s, &P));
  *n = P->size;
  *values = malloc(sizeof(float) * P->size);
  memcpy(*values, P->values, sizeof(float) * P->size);
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
}

static int SameParams(const char *a, const char *b)
{
  float *pa, *pb;
  size_t na, nb;
  ParamsOf(a, &pa, &na);
  ParamsOf(b, &pb, &nb);
  int same = na == nb && !memcmp(pa, pb, sizeof(float) * na);
  free(pa);
  free(pb);
  return same;
}

static void TestResume(void)
{
  const char *model = "-model field -width 32 -depth 2 -epochs 6 -batch 2 -lr 2e-3 -points 512 -seed 5";
  char args[20480], out[16384], full[4200], part[4200];
  Datasets();
  snprintf(full, sizeof full, "%s/full.h5", Dir());
  snprintf(part, sizeof part, "%s/part.h5", Dir());
  snprintf(args, sizeof args, "train %s -data %s -o %s", model, data6, full);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  /* 4 training samples, 2 steps an epoch: stopped in the middle of epoch 3, then resumed */
  snprintf(args, sizeof args, "train %s -data %s -o %s -stop_at_step 5", model, data6, part);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "after 5 steps"));
  CU_ASSERT(!SameParams(full, part));
  snprintf(args, sizeof args, "train -resume %s -data %s", part, data6);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "after 12 steps"));
  CU_ASSERT(SameParams(full, part));
}

static void TestSignal(void)
{
  const char *model = "-model gnn -width 16 -blocks 2 -depth 1 -epochs 150 -batch 2 -lr 1e-3 -seed 6";
  char args[20480], out[16384], full[4200], part[4200], csv[4200], cmd[24576];
  Datasets();
  snprintf(full, sizeof full, "%s/sig_full.h5", Dir());
  snprintf(part, sizeof part, "%s/sig_part.h5", Dir());
  snprintf(csv, sizeof csv, "%s/sig_part_loss.csv", Dir());
  snprintf(args, sizeof args, "train %s -data %s -o %s -val_split none", model, data6, full);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  /* the same run, sent SIGINT once its first epoch is written */
  remove(csv);
  snprintf(cmd, sizeof cmd,
           "%s train %s -data %s -o %s -val_split none > %s/sig.log 2>&1 & pid=$!; "
           "i=0; while [ ! -s %s ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; "
           "kill -INT $pid; wait $pid; echo status $?; cat %s/sig.log",
           FF_CLI, model, data6, part, Dir(), csv, Dir());
  FFTestShell(cmd, out, sizeof out);
  if (!strstr(out, "interrupted")) fprintf(stderr, "%s\n", out);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "status 1"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "interrupted by a signal"));
  CU_ASSERT(FFFileExists(part));
  snprintf(args, sizeof args, "train -resume %s -data %s", part, data6);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT(SameParams(full, part));
}

/* Mean residual norm ||F|| and mean relative L2 error of a model's predictions on the
 * training samples of the dataset. */
static void ResidualAndError(const char *model, const char *data, double *residual, double *error)
{
  FFSurrogate s;
  FFSurrogateData d;
  FFPhysicsLoss pl;
  const FFSurrogateSchema *schema;
  FF_TEST_PETSC(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
  FF_TEST_PETSC(FFSurrogateGetSchema(s, &schema));
  FF_TEST_PETSC(FFSurrogateDataLoad(PETSC_COMM_SELF, data, "train", NULL, schema, NULL, NULL, &d));
  FF_TEST_PETSC(FFPhysicsLossCreate(d.ds, schema, &pl));
  *residual = *error = 0;
  for (long i = 0; i < d.n_train; i++) {
    double *pred = malloc(sizeof(double) * d.train[i].n_nodes * 3), r, err[FF_SURR_MAX_FIELDS];
    FF_TEST_PETSC(FFSurrogatePrepareGraph(s, &d.train[i]));
    FF_TEST_PETSC(FFSurrogatePredict(s, &d.train[i], pred, NULL));
    FF_TEST_PETSC(FFPhysicsLossEvaluate(pl, d.train[i].index, pred, NULL, &r, NULL));
    FF_TEST_PETSC(FFSurrogateGraphError(s, &d.train[i], pred, err));
    *residual += r / d.n_train;
    *error += 0.5 * (err[0] + err[1]) / d.n_train;
    free(pred);
  }
  FF_TEST_PETSC(FFPhysicsLossDestroy(&pl));
  FF_TEST_PETSC(FFSurrogateDataDestroy(&d));
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
}

static void TestPhysics(void)
{
  char args[20480], out[16384], base[4200], phys[4200], data_only[4200], cmd[20480];
  double r0, e0, rp, ep, rd, ed;
  Datasets();
  snprintf(base, sizeof base, "%s/base.h5", Dir());
  snprintf(phys, sizeof phys, "%s/phys.h5", Dir());
  snprintf(data_only, sizeof data_only, "%s/data_only.h5", Dir());
  snprintf(args, sizeof args,
           "train -model field -data %s -o %s -width 32 -depth 3 -epochs 40 -batch 2 -lr 3e-3 -points 1024 -seed 3",
           data6, base);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  snprintf(cmd, sizeof cmd, "cp %s %s && cp %s %s", base, phys, base, data_only);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  /* 20 more epochs at a constant learning rate with the residual loss (ConFIG), and 20 without */
  snprintf(args, sizeof args, "train -resume %s -data %s -physics residual -epochs 60 -schedule constant -lr 1e-3",
           phys, data6);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "physics loss by ConFIG"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "(cos "));
  snprintf(args, sizeof args, "train -resume %s -data %s -epochs 60 -schedule constant -lr 1e-3", data_only, data6);
  CU_ASSERT_EQUAL_FATAL(Run(args, out, sizeof out), 0);
  ResidualAndError(base, data6, &r0, &e0);
  ResidualAndError(phys, data6, &rp, &ep);
  ResidualAndError(data_only, data6, &rd, &ed);
  fprintf(stderr,
          "residual ||F|| / error: pretrained %.3e / %.2f%%, +physics %.3e / %.2f%%, +data only %.3e / %.2f%%\n", r0,
          100 * e0, rp, 100 * ep, rd, 100 * ed);
  /* the residual falls below the pretrained model's and below that of the same training without
   * the physics loss, and the fit to the data holds */
  CU_ASSERT(rp < r0);
  CU_ASSERT(rp < rd);
  CU_ASSERT(ep < 1.5 * ed);
}

static PetscErrorCode NoSave(void *ctx, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                             const FFNamedArrays *history)
{
  (void)ctx, (void)path, (void)opt, (void)extra, (void)history;
  return 0;
}

/* Training to a budget (-max_time): the run stops within 5% of it and its cosine schedule
 * follows the clock, ending at min_lr at the budget. */
static void TestBudget(void)
{
  const double budget = 4.0, lr = 1e-3, min_lr = 1e-5;
  FFSurrogateData d;
  FFSurrogateConfig c;
  FFSurrogate s;
  FFSurrogateFit fit;
  FFTrainTask task;
  FFTrainOptions o;
  FFTrainer trainer;
  FFTrainResult r;
  FFOptimizer *opt;
  const FFNamedArrays *h;
  size_t n_lr, n_sec;
  const float *hist_lr, *hist_sec;

  Datasets();
  FF_TEST_PETSC(FFSurrogateDataLoad(PETSC_COMM_SELF, data6, "train", NULL, NULL, NULL, NULL, &d));
  FFSurrogateConfigDefault(FF_SURROGATE_FIELD, &c);
  c.width = 16;
  c.depth = 2;
  c.points = 256;
  FF_TEST_PETSC(FFSurrogateCreate(PETSC_COMM_SELF, &c, &d.schema, 1, &s));
  FF_TEST_PETSC(FFSurrogateFitNormalizers(s, d.n_train, d.train));
  for (long i = 0; i < d.n_train; i++) FF_TEST_PETSC(FFSurrogatePrepareGraph(s, &d.train[i]));
  FF_TEST_PETSC(FFSurrogateFitCreate(s, d.n_train, d.train, 0, NULL, NULL, &fit));
  FF_TEST_PETSC(FFSurrogateFitGetTask(fit, &task));
  task.save = NoSave;
  FFTrainOptionsDefault(&o);
  o.batch = 2;
  o.epochs = 1000000; /* the budget ends the run, long before the steps would */
  o.lr = lr;
  o.min_lr = min_lr;
  o.max_time = budget;
  o.progress = 0;
  FF_TEST_PETSC(FFTrainerCreate(PETSC_COMM_SELF, &o, &task, &trainer));
  FF_TEST_PETSC(FFTrainerRun(trainer, &r));
  fprintf(stderr, "budget %.1f s: stopped after %.3f s, %ld steps, %ld epochs\n", budget, r.seconds, r.step, r.epoch);
  CU_ASSERT(r.time_limited);
  CU_ASSERT(fabs(r.seconds - budget) <= 0.05 * budget);
  FF_TEST_PETSC(FFTrainerGetOptimizer(trainer, &opt));
  FF_TEST_CLOSE(FFOptimizerLearningRate(opt), min_lr, 1e-12, 0);
  /* every epoch's learning rate is the cosine of the clock when its last step ended, which lies
   * within that epoch: off by at most the cosine's slope times the epoch's duration */
  FF_TEST_PETSC(FFTrainerGetHistory(trainer, &h));
  CU_ASSERT_FATAL(!FFNamedArraysGet(h, "history_lr", &n_lr, &hist_lr));
  CU_ASSERT_FATAL(!FFNamedArraysGet(h, "history_seconds", &n_sec, &hist_sec));
  CU_ASSERT_FATAL(n_lr == n_sec && n_lr > 10);
  for (size_t k = 1; k < n_lr; k++) {
    const double cosine = min_lr + 0.5 * (lr - min_lr) * (1 + cos(M_PI * fmin(1.0, hist_sec[k] / budget)));
    const double slope = 0.5 * M_PI * (lr - min_lr) / budget, epoch = hist_sec[k] - hist_sec[k - 1];
    CU_ASSERT(hist_lr[k] <= hist_lr[k - 1]);
    if (!(fabs(hist_lr[k] - cosine) <= slope * epoch + 1e-6 * lr))
      fprintf(stderr, "epoch %zu at %.3f s: lr %.6g, the clock's cosine %.6g\n", k, hist_sec[k], hist_lr[k], cosine);
    CU_ASSERT(fabs(hist_lr[k] - cosine) <= slope * epoch + 1e-6 * lr);
  }
  FF_TEST_PETSC(FFTrainerDestroy(&trainer));
  FF_TEST_PETSC(FFSurrogateFitDestroy(&fit));
  FF_TEST_PETSC(FFSurrogateDestroy(&s));
  FF_TEST_PETSC(FFSurrogateDataDestroy(&d));
}

int main(int argc, char **argv)
{
  static const FFTest tests[] = {
      {"the loss falls by 10x on a tiny dataset (GNN, neural field)", TestLossFalls},
      {"a neural field overfits 2 samples to < 1% error", TestOverfit},
      {"resume from a step equals the uninterrupted run (bit-equal)", TestResume},
      {"SIGINT saves; resume equals the uninterrupted run", TestSignal},
      {"physics loss (residual, ConFIG) trains", TestPhysics},
      {"a budgeted run stops at its budget with its schedule at the end of its decay", TestBudget},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "surrogate_train", tests);
}
