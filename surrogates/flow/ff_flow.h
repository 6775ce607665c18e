/* fieldflow flow matching: a generative model of whole node fields (rectified flow), and its
 * physics-based variant PBFM whose loss adds the solver's own discrete PDE residual of the
 * predicted clean sample (docs/pbfm.md, docs/references.md §1).
 *
 * Layers of this header, from the method to the command line:
 *   core      the rectified-flow path, the flow-matching loss, the predicted clean sample
 *             x1_hat (one step or temporal unrolling), the t-weighted residual loss, the
 *             Euler sampler (deterministic and stochastic); any velocity network plugs in
 *             through FFFlowVelocity, any physics through FFFlowResidualFn.
 *   network   FFFlowNet: a MeshGraphNets GNN on the noisy node field with a time embedding,
 *             the conditions and a per-sample global context in every block.
 *   model     FFFlowModel: the fields it generates on one mesh, their normalization, the
 *             network; save/load (an nn checkpoint).
 *   physics   FFFlowPhysics: the residual of a generated sample through the solver residual
 *             API (FFSolverNodeFieldLoss, gradient J^T F); Navier-Stokes at an unobserved
 *             Reynolds number is evaluated at the Re that fits the sample best.
 *   metrics   ensembles: mean/std fields, per-node 1-D Wasserstein distances, residuals.
 *
 * Fields are rows x cols float arrays, rows = the model's nodes, sample-major for batches. */
#ifndef FF_FLOW_H
#define FF_FLOW_H

/* the trainer, ConFIG and the node categories come from the surrogates module */
#include "ff_train.h"

#include <petscsys.h>

/* ====================================================================== core */

/* fm: flow matching; pbfm: + the solver's residual of the predicted clean sample (ConFIG);
 * mf: MeanFlow (the average velocity, one- or few-step sampling); pbmf: MeanFlow + the residual
 * of its one-step (or unrolled few-step) prediction from x_t. */
typedef enum { FF_FLOW_FM, FF_FLOW_PBFM, FF_FLOW_MF, FF_FLOW_PBMF } FFFlowKind;
const char *FFFlowKindName(FFFlowKind kind); /* "fm", "pbfm", "mf", "pbmf" */
PetscErrorCode FFFlowKindFromName(const char *name, FFFlowKind *kind);
PetscBool FFFlowKindPhysics(FFFlowKind kind); /* pbfm, pbmf */
PetscBool FFFlowKindAverage(FFFlowKind kind); /* mf, pbmf */

/* The velocity field of a batch: x is (n_samples rows) x cols on the tape (sample-major), t has
 * one time per sample; the result has x's shape. An instantaneous field (flow matching) gives
 * v(x, t) and ignores h; an average one (MeanFlow, `average`) gives u(x, t, h), the mean velocity
 * over [t, t + h] along the flow, so that x_{t+h} = x_t + h u (h = NULL: h = 0, where u = v). */
typedef struct {
  PetscErrorCode (*fn)(void *ctx, FFTape *tape, int n_samples, const float t[], const float h[], FFTensor *x,
                       FFTensor **v);
  void *ctx;
  int rows, cols; /* of one sample */
  PetscBool average;
} FFFlowVelocity;

/* How training draws its times (docs/pbfm.md): t ~ U(0, 1), or logit(t) ~ N(mean, std^2)
 * (logit-normal, which puts more samples where the flow turns); for MeanFlow a share of the
 * samples gets an interval: two draws a, b give t = min(a, b) and h = |a - b| (the rest h = 0,
 * plain flow matching). */
typedef enum { FF_FLOW_TIME_UNIFORM, FF_FLOW_TIME_LOGIT_NORMAL } FFFlowTimeKind;

typedef struct {
  FFFlowTimeKind kind;
  double mean, std;      /* of logit(t) */
  double interval_share; /* share of samples with h > 0 (MeanFlow); 0: flow matching only */
} FFFlowTimeConfig;

void FFFlowTimeConfigDefault(FFFlowTimeConfig *c); /* uniform, no intervals */
/* One time from the configured distribution, in (0, 1). */
double FFFlowTimeDraw(const FFFlowTimeConfig *c, FFRng *rng);
/* "uniform" or "logit_normal" (and back); an unknown name is an error. */
const char *FFFlowTimeKindName(FFFlowTimeKind kind);
PetscErrorCode FFFlowTimeKindFromName(const char *name, FFFlowTimeKind *kind);

/* The rectified-flow path with sigma_min s (docs/references.md §1):
 *   x_t = (1 - (1 - s) t) x0 + t x1,   target velocity x1 - (1 - s) x0;
 * s = 0 is the straight path x_t = (1 - t) x0 + t x1 with target x1 - x0. */
void FFFlowInterpolate(size_t n, double sigma_min, float t, const float x0[], const float x1[], float xt[],
                       float target[]);

/* One training batch of flow matching: its times (and MeanFlow intervals), noise, noisy fields
 * and targets, and the tensors of its forward (valid until the tape is reset). */
typedef struct {
  int n, rows, cols, cap;
  float *t, *h;             /* n times, and intervals (0: flow matching) */
  float *x0, *xt, *target;  /* n x rows x cols; target: the conditional velocity x1 - (1 - s) x0 */
  FFTensor *x_t, *v, *loss; /* on the tape: the noisy fields, the velocity, the loss */
} FFFlowBatch;

PetscErrorCode FFFlowBatchCreate(int max_samples, int rows, int cols, FFFlowBatch *batch);
PetscErrorCode FFFlowBatchDestroy(FFFlowBatch *batch);
/* Samples first .. first + n - 1 of a batch as a batch of their own (no copy: the arrays are
 * the batch's), e.g. one network forward of a larger coupled batch. */
void FFFlowBatchView(FFFlowBatch *batch, int first, int n, FFFlowBatch *view);
/* Draws the times (FFFlowTimeDraw, intervals for MeanFlow) and then x0 ~ N(0, I) for each of
 * the n samples x1 (n x rows x cols): sample s from rng[s] (or all in turn from rng[0] when
 * shared); fills t, h, x0, xt and target. */
PetscErrorCode FFFlowBatchDraw(FFFlowBatch *batch, const FFFlowTimeConfig *time, double sigma_min, int n,
                               const float x1[], FFRng rng[], PetscBool shared);
/* Minibatch optimal transport (Tong et al., docs/references.md §8): re-pairs the batch's noise
 * with its samples by the assignment that minimizes sum |x0 - x1|^2 (FFLinearAssignment), and
 * recomputes xt and target; times stay with the samples. */
PetscErrorCode FFFlowBatchCouple(FFFlowBatch *batch, double sigma_min, const float x1[]);
/* Records on the tape v = velocity(x_t, t) and the flow-matching loss, the mean over samples,
 * rows and columns of (v - target)^2. */
PetscErrorCode FFFlowMatchingLoss(const FFFlowVelocity *vel, FFTape *tape, FFFlowBatch *batch);
/* FFFlowBatchDraw with t ~ U(0, 1), then FFFlowMatchingLoss. */
PetscErrorCode FFFlowMatchingForward(const FFFlowVelocity *vel, FFTape *tape, double sigma_min, int n, const float x1[],
                                     FFRng rng[], PetscBool shared, FFFlowBatch *batch);

/* The assignment perm (row i -> column perm[i]) that minimizes sum_i cost[i n + perm[i]] over
 * the permutations of n (row-major n x n costs): the Hungarian method with potentials, O(n^3),
 * exact. */
PetscErrorCode FFLinearAssignment(int n, const double cost[], int perm[]);

/* ---------- MeanFlow (Geng et al. 2025, docs/references.md §8), in this path's convention
 * (t = 0 noise, t = 1 data; theirs is reversed: their (r, t) is our (t + h, t) and their v is
 * minus ours). The average velocity over [t, s] along the flow, u(x_t, t, h = s - t), obeys
 *   u = v(x_t, t) + h du/dt,   du/dt = v . grad_x u + d_t u at fixed s
 * (differentiate h u = integral_t^s v along the path with respect to t). Training regresses
 * u(x_t, t, h) on sg(target), target = v_c + h du/dt with the conditional velocity v_c =
 * target of the batch in place of v (unbiased: the target is linear in v_c), the total
 * derivative by a central difference along (v_c, 1, -1) in (x, t, h):
 *   du/dt ~ [u(x + e v_c, t + e, h - e) - u(x - e v_c, t - e, h + e)] / (2 e). */
typedef struct {
  double fd_step;    /* e of the central difference (1e-3) */
  double adaptive_p; /* each sample's loss divided by (its mean squared error + c)^p (MeanFlow's adaptive
                        weight, made for images; here it costs the ensemble its spread: docs/pbfm.md);
                        0: plain mean squared error, the default */
  double adaptive_c; /* 1e-3 */
} FFFlowMeanFlowConfig;

void FFFlowMeanFlowConfigDefault(FFFlowMeanFlowConfig *c);
/* target (n x rows x cols) of a drawn batch: v_c + h du/dt, the derivative by the central
 * difference (two forwards without gradients on aux, reset here, for the samples with h > 0). */
PetscErrorCode FFFlowMeanFlowTarget(const FFFlowVelocity *vel, FFTape *aux, const FFFlowBatch *batch, double fd_step,
                                    float target[]);
/* Records u(x_t, t, h) on the tape and the MeanFlow loss against FFFlowMeanFlowTarget:
 * (1 / n) sum_s w_s mean_rows,cols (u - target)^2, w_s = 1 / (its mean squared error + c)^p
 * (constants). mse: the unweighted mean squared error. */
PetscErrorCode FFFlowMeanFlowLoss(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *batch,
                                  const FFFlowMeanFlowConfig *config, double *mse);

/* The predicted clean sample x1_hat of a batch whose forward is on the tape: n steps of size
 * (1 - t)/n from x_t; Euler steps whose first uses the batch's velocity (steps = 1:
 * x1_hat = x_t + (1 - t) v), or for an average velocity x + h u(x, t, h) with h the step, each
 * a new forward (steps = 1: x_t + (1 - t) u(x_t, t, 1 - t), MeanFlow's one-step sample from
 * x_t). Gradients flow through all steps, or with last_only through the last one only: the
 * earlier steps then run on `aux` (a tape on the same parameters, reset here) and their result
 * enters the main tape as a constant. */
PetscErrorCode FFFlowPredictClean(const FFFlowVelocity *vel, FFTape *tape, FFTape *aux, FFFlowBatch *batch, int steps,
                                  PetscBool last_only, FFTensor **x1_hat);
/* The unrolling schedule of training: 1 step in the first quarter of training (progress, the
 * fraction done, in [0, 1]), 2 in the second, ..., max_steps (<= 4 by default) in the last. */
int FFFlowUnrollSteps(double progress, int max_steps);

/* The physics of one generated sample (rows x cols, normalized as the model sees it):
 * r = the mean squared residual of the sample, and dr/dx (same layout; NULL: not wanted). */
typedef PetscErrorCode (*FFFlowResidualFn)(void *ctx, int sample, const float x[], double *r, float grad[]);

/* The t-weighted residual loss of a batch of predicted clean samples (docs/references.md §1):
 *   L_R = scale * sum_b t_b r_b(x1_hat_b),
 * (scale = 1/n gives the mean over the batch) and its gradient with respect to x1_hat in
 * `seeds` (x1_hat's shape) for FFTapeBackwardFrom. r_mean (may be NULL): the mean of r_b. A
 * sample whose residual is not finite makes L_R and its seeds NaN. */
PetscErrorCode FFFlowResidualLoss(FFFlowResidualFn fn, void *ctx, const FFFlowBatch *batch, const FFTensor *x1_hat,
                                  double scale, float seeds[], double *loss, double *r_mean);

/* The sampler: from x ~ N(0, I) at t = 0 to t = 1 over a grid t_0 = 0 < t_1 < ... < t_steps = 1.
 * An average-velocity model (MeanFlow) takes exact jumps x + (t_{k+1} - t_k) u(x, t_k, t_{k+1} -
 * t_k) whatever the integrator. An instantaneous one integrates the ODE dx/dt = v:
 *   euler:     x += (t_{k+1} - t_k) v;
 *   multistep: DPM-Solver++(2M) on the clean-sample prediction D = (1 - (1 - s) t) v + (1 - s) x
 *              (second order in log(alpha/sigma), alpha = t, sigma = 1 - (1 - s) t; one network
 *              evaluation per step; the first and the last step are first order, which for this
 *              path is the Euler step).
 * Grids: uniform t_k = k / steps, or logit: t_1 .. t_{steps-1} uniform in logit(t) over [lo, hi]
 * (the flow of a field whose modes have variances lambda turns at t ~ 1/sqrt(lambda): the grid
 * must resolve small t for the large-scale modes and t near 1 for the small ones; docs/pbfm.md).
 * The stochastic variant (t_star > 0) replaces each step from t_k < t_star by a jump to the
 * predicted clean sample x1_hat and re-noising, x <- (1 - (1 - s) t_{k+1}) eps + t_{k+1} x1_hat
 * (x1_hat = x + (1 - t_k) v, or u over [t_k, 1]). */
typedef enum { FF_FLOW_EULER, FF_FLOW_MULTISTEP } FFFlowIntegrator;
typedef enum { FF_FLOW_GRID_UNIFORM, FF_FLOW_GRID_LOGIT } FFFlowGrid;

typedef struct {
  int steps;                   /* network evaluations (grid intervals) */
  double t_star;               /* 0: deterministic; 0.2 is PBFM's stochastic sampler */
  double sigma_min;            /* the path's (0) */
  FFFlowIntegrator integrator; /* multistep */
  FFFlowGrid grid;             /* logit */
  double logit_lo, logit_hi;   /* the logit grid's range: -6, 4 */
} FFFlowSamplerConfig;

/* multistep on the logit grid [-6, 4], 20 steps, deterministic: within 2% of the true std for
 * Gaussian modes of variance 0.01 to 5000 with the exact velocity, where 20 uniform Euler steps
 * give 0.25 to 0.94 of it (docs/pbfm.md). */
void FFFlowSamplerConfigDefault(FFFlowSamplerConfig *config);
/* The default of a model kind: flow matching as FFFlowSamplerConfigDefault; MeanFlow one exact
 * jump over [0, 1] (uniform grid: -steps 2 jumps at t = 0.5). */
void FFFlowSamplerConfigForKind(FFFlowKind kind, FFFlowSamplerConfig *config);
/* The grid t_0 .. t_steps of a configuration (steps + 1 values). */
PetscErrorCode FFFlowSamplerGrid(const FFFlowSamplerConfig *config, double t[]);
/* Names: "euler", "multistep"; "uniform", "logit". */
const char *FFFlowIntegratorName(FFFlowIntegrator integrator);
PetscErrorCode FFFlowIntegratorFromName(const char *name, FFFlowIntegrator *integrator);
const char *FFFlowGridName(FFFlowGrid grid);
PetscErrorCode FFFlowGridFromName(const char *name, FFFlowGrid *grid);
/* Samples first .. first + n - 1 of a seed into x (n x rows x cols), all n in one batch on
 * the tape (its gradients are disabled while sampling and it is reset). Sample i draws its
 * noise from the stream (seed, i) only, so it is the same whatever the batch it is in. */
PetscErrorCode FFFlowSample(const FFFlowVelocity *vel, FFTape *tape, const FFFlowSamplerConfig *config, uint64_t seed,
                            long first, int n, float x[]);

/* ====================================================================== network */

typedef struct {
  int cols;          /* field columns: input (the noisy field) and output (the velocity) */
  int static_in;     /* static node features (node category, position, distance to walls) */
  int edge_in;       /* edge features (relative position, length) */
  int cond_in;       /* conditions (0: unconditional) */
  int width;         /* latent width */
  int blocks;        /* message-passing blocks */
  int hidden_layers; /* of every MLP */
  int time_dim;      /* sinusoidal embedding of time_scale t */
  double time_scale; /* 1000 (flow matching); 10 for MeanFlow, whose target differentiates the network
                        in t: the embedding's fastest wave, time_scale rad per unit t, must be slow
                        against the central difference's step and the target's noise */
  int interval;      /* a second embedding of time_scale h: the average velocity u(x, t, h) */
  FFActivation act;
} FFFlowNetConfig;

/* MeshGraphNets encode-process-decode (docs/references.md §2) on [x_t, static features], whose block k
 * first adds a per-sample vector g_k = MLP_k([mean over the sample's nodes of h, c]) to every
 * node latent h, with c = MLP([time embedding, interval embedding, conditions]): the time and the conditions reach
 * every block, and every node sees a summary of its whole sample (a local GNN alone cannot
 * make a field that is coherent across the mesh). */
typedef struct {
  FFFlowNetConfig config;
  FFMLP node_encoder, edge_encoder, context, decoder;
  FFMLP *edge_mlp, *node_mlp, *global_mlp; /* one per block */
} FFFlowNet;

void FFFlowNetConfigDefault(FFFlowNetConfig *config);
PetscErrorCode FFFlowNetCreate(FFParams *params, const char *prefix, const FFFlowNetConfig *config, FFFlowNet *net);
void FFFlowNetDestroy(FFFlowNet *net);

/* The inputs of one forward on a batch of n samples whose graphs form one disjoint union. */
typedef struct {
  const FFGraph *graph;        /* the union: edges senders -> receivers */
  const FFIndexMap *sample_of; /* node -> sample (n_src = n) */
  const float *inv_count;      /* n: 1 / nodes of each sample */
  const float *static_x;       /* nodes x static_in */
  const float *edge_x;         /* edges x edge_in */
  const float *cond;           /* n x cond_in (NULL when cond_in is 0) */
} FFFlowNetInputs;

/* h: the intervals of an interval network (NULL: 0); ignored otherwise. */
PetscErrorCode FFFlowNetForward(const FFFlowNet *net, FFTape *tape, const FFFlowNetInputs *in, int n, const float t[],
                                const float h[], FFTensor *x, FFTensor **v);

/* ====================================================================== model */

#define FF_FLOW_MAX_FIELDS 4
#define FF_FLOW_MAX_COLS   8
#define FF_FLOW_MAX_COND   8
#define FF_FLOW_CATEGORIES FF_NODE_CATEGORIES

/* Node-wise normalization (the default on one mesh) standardizes every node's value with the
 * mean and std of that node over the training set, so the model learns the variation between
 * samples at unit scale; global uses one mean/std per column. */
typedef enum { FF_FLOW_NORM_NODE, FF_FLOW_NORM_GLOBAL } FFFlowNormalization;

typedef struct {
  char name[FF_NAME_LEN];
  int n_comp;
  FFFieldLocation location;
} FFFlowField;

typedef struct _p_FFFlowModel *FFFlowModel;

/* What a new model is built from: the training samples (read with FF_READ_MESH |
 * FF_READ_FIELDS) on one mesh, the generated fields in the solver's node-field order, the
 * conditions (dataset parameters; none: unconditional), the network and normalization. */
typedef struct {
  FFFlowKind kind;
  FFFlowNetConfig net; /* cols, static_in, edge_in and cond_in are set by the model */
  FFFlowNormalization normalization;
  double sigma_min;
  int n_cond;
  char cond[FF_FLOW_MAX_COND][FF_NAME_LEN];
  int n_fields; /* the fields to generate, in this order; 0: every field of the samples, as stored */
  char fields[FF_FLOW_MAX_FIELDS][FF_NAME_LEN];
  uint64_t seed;
} FFFlowModelConfig;

void FFFlowModelConfigDefault(FFFlowModelConfig *config);
PetscErrorCode FFFlowModelCreate(MPI_Comm comm, const FFFlowModelConfig *config, long n, const FFSample samples[],
                                 FFFlowModel *model);
PetscErrorCode FFFlowModelDestroy(FFFlowModel *model);
/* Rows (model nodes: all mesh nodes, or only the vertices when every field lives there) and
 * columns of one generated sample. */
PetscErrorCode FFFlowModelGetSize(FFFlowModel model, int *rows, int *cols);
PetscErrorCode FFFlowModelGetParams(FFFlowModel model, FFParams **params);
PetscErrorCode FFFlowModelGetConfig(FFFlowModel model, const FFFlowModelConfig **config);
PetscErrorCode FFFlowModelGetFields(FFFlowModel model, int *n, const FFFlowField **fields);
/* The mesh the model generates on (the first training sample's). */
PetscErrorCode FFFlowModelGetMesh(FFFlowModel model, const FFSampleMesh **mesh);
/* A velocity field for batches of up to max_batch samples with the given conditions (raw
 * values, n x n_cond; NULL when unconditional); the conditions pointer is read at each call. */
PetscErrorCode FFFlowModelVelocity(FFFlowModel model, int max_batch, FFFlowVelocity *vel);
PetscErrorCode FFFlowModelSetConditions(FFFlowModel model, int n, const double cond[]);
/* The sample's fields, normalized (rows x cols), and back to raw node fields on all mesh
 * nodes (n_nodes x cols: a vertex field is extended to the edge midpoints by the mean of the
 * edge's two vertices, which is exact for P1 and ignored by the P1 solver). */
PetscErrorCode FFFlowModelNormalizeSample(FFFlowModel model, const FFSample *sample, float x[]);
PetscErrorCode FFFlowModelDenormalize(FFFlowModel model, const float x[], double field[]);
/* Chain rule of the de-normalization: dL/dx from dL/dfield. */
PetscErrorCode FFFlowModelPullBack(FFFlowModel model, const double dfield[], float dx[]);
/* The raw conditions of a sample (dataset parameters, model order). */
PetscErrorCode FFFlowModelSampleConditions(FFFlowModel model, const FFSample *sample, double cond[]);
/* Model files: configuration (+ extra keys), normalization, mesh reference, parameters and
 * optimizer state (opt may be NULL), loss history (may be NULL). Atomic; rank 0 writes. */
PetscErrorCode FFFlowModelSave(FFFlowModel model, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                               const FFNamedArrays *history);
/* Builds the model a file describes: the mesh is read from the dataset sample recorded in the
 * file (data_dir overrides the recorded directory; may be NULL). With use_ema the averaged
 * weights are loaded when the file has them (inference), else the trained ones (resume). config (may be NULL) receives
 * every key of the file. */
PetscErrorCode FFFlowModelLoad(MPI_Comm comm, const char *path, const char *data_dir, PetscBool use_ema,
                               FFFlowModel *model, FFKeyValues *config);
PetscErrorCode FFFlowModelLoadOptimizer(FFFlowModel model, const char *path, FFOptimizer *opt);
/* Samples first .. first + n - 1 (batches of at most batch) as raw node fields
 * (n x n_nodes x cols) with the given conditions (n x n_cond raw, or NULL). */
PetscErrorCode FFFlowModelGenerate(FFFlowModel model, const FFFlowSamplerConfig *config, uint64_t seed, long first,
                                   int n, int batch, const double cond[], double fields[]);
/* The mesh part of a sample from a node graph (a case meshed now): copies; free with
 * FFFlowMeshDestroy. */
PetscErrorCode FFFlowMeshFromNodeGraph(const FFNodeGraph *graph, FFSampleMesh *mesh);
PetscErrorCode FFFlowMeshDestroy(FFSampleMesh *mesh);
/* Whether two meshes have the same nodes (count, and positions within tol) and cells. */
PetscBool FFFlowMeshSame(const FFSampleMesh *a, const FFSampleMesh *b, double tol);
/* Where the training data came from (recorded in the file). */
PetscErrorCode FFFlowModelSetDataSource(FFFlowModel model, const char *data_dir, long mesh_sample);
PetscErrorCode FFFlowModelGetDataSource(FFFlowModel model, const char **data_dir, long *mesh_sample);

/* ====================================================================== physics */

typedef struct _p_FFFlowPhysics *FFFlowPhysics;

/* The residual of generated samples on the model's mesh with a solver set up for it (borrowed;
 * node graph set). Navier-Stokes: when the Reynolds number is a condition of the model the
 * residual is taken at the sample's Re; otherwise (Re unobserved) at the Re that minimizes
 * ||F(u; nu)|| for the sample (F is affine in nu = U L / Re, so this is a 1-D least squares,
 * clamped to [re_min, re_max]). Darcy: F(K, p), the state is the generated pair. */
PetscErrorCode FFFlowPhysicsCreate(FFFlowModel model, FFSolver solver, FFFlowPhysics *phys);
PetscErrorCode FFFlowPhysicsDestroy(FFFlowPhysics *phys);
PetscErrorCode FFFlowPhysicsSetReynoldsRange(FFFlowPhysics phys, double re_min, double re_max);

/* The physics of one raw node field (n_nodes x cols) with its conditions (raw, may be NULL):
 *   r = (||F||^2 + ||x_D - g||^2) / N,
 * the mean squared residual over the N free unknowns of the solver's state, the Dirichlet
 * mismatch added; dr/dfield (may be NULL); re: the Reynolds number used (NS; 0 for Darcy). */
typedef struct {
  double r;        /* mean squared residual (above) */
  double f_norm;   /* ||F|| */
  double mismatch; /* ||x_D - g|| */
  double re;       /* NS: the Re the residual was taken at */
  long n_unknowns; /* N */
} FFFlowResidual;

PetscErrorCode FFFlowPhysicsEvaluate(FFFlowPhysics phys, const double field[], const double cond[], FFFlowResidual *res,
                                     double grad[]);
/* An FFFlowResidualFn on normalized model rows (ctx = the physics; the conditions of the
 * batch come from FFFlowPhysicsSetBatchConditions). */
PetscErrorCode FFFlowPhysicsResidualFn(void *ctx, int sample, const float x[], double *r, float grad[]);
PetscErrorCode FFFlowPhysicsSetBatchConditions(FFFlowPhysics phys, int n, const double cond[]);
/* Forces of a raw node field on the solver's body (NS): C_D, C_L, with the viscosity of the
 * last FFFlowPhysicsEvaluate (the sample's Re, fitted or given). */
PetscErrorCode FFFlowPhysicsForces(FFFlowPhysics phys, const char body[], const double field[], double *cd, double *cl);

/* ====================================================================== training */

/* What the trainer (FFTrainer, ff_train.h) needs beyond its own options. */
typedef struct {
  int unroll_max;             /* most steps of x1_hat (1 -> unroll_max over the quarters); 4 */
  PetscBool unroll_last_only; /* back-propagate the residual through the last step only */
  int chunk;                  /* samples per forward (a disjoint union of graphs); 4 */
  long total_steps;           /* of the whole training (the unrolling schedule): epochs x steps per epoch */
  FFFlowTimeConfig time;      /* how t (and h) are drawn */
  FFFlowMeanFlowConfig meanflow;
  PetscBool ot; /* minibatch optimal-transport couplings over each rank's share of a batch */
} FFFlowFitOptions;

void FFFlowFitOptionsDefault(FFFlowFitOptions *o);

typedef struct _p_FFFlowFit *FFFlowFit;

/* The training task of a flow model: the flow-matching (or MeanFlow) loss of normalized
 * training samples into g_data; with physics (PBFM, PBMF) the t-weighted residual loss of x1_hat
 * into g_phys (the trainer combines them by ConFIG). Randomness (t, noise) comes from FFTrainItemRng. The
 * validation error is the flow-matching loss of the validation samples at fixed times and
 * noise (NAN without them). The samples must outlive the fit. */
PetscErrorCode FFFlowFitCreate(FFFlowModel model, long n_train, const FFSample train[], long n_val,
                               const FFSample val[], FFFlowPhysics physics, const FFFlowFitOptions *options,
                               FFFlowFit *fit);
PetscErrorCode FFFlowFitDestroy(FFFlowFit *fit);
/* A configuration key saved with the model. */
PetscErrorCode FFFlowFitSetExtra(FFFlowFit fit, const char *key, const char *value);
PetscErrorCode FFFlowFitGetTask(FFFlowFit fit, FFTrainTask *task);
/* The trainer's optimizer (FFTrainerGetOptimizer): with a time budget (-max_time) the unrolling
 * schedule then follows the budget's clock as the learning rate does (the larger of the
 * fractions of steps and of time done), so a run stopped by its budget has gone through every
 * quarter. */
PetscErrorCode FFFlowFitFollowOptimizer(FFFlowFit fit, const FFOptimizer *opt);

/* ====================================================================== the solver of a model */

/* The solver of the model's mesh and the physics on it, on PETSC_COMM_SELF: rebuilt from the
 * dataset sample the model records (FFSweepSolverFromDataset; data_dir overrides the recorded
 * directory), or meshed now from the options database (a -case file: its mesh must be the
 * model's). */
typedef struct {
  FFMesh mesh;     /* a case meshed now (else NULL) */
  FFSolver solver; /* the solver in use */
  char body[64];   /* the forces body ("" when none) */
  FFFlowPhysics phys;
  void *rebuilt; /* the dataset's solver (FFSweepSolver), when from a dataset */
} FFFlowSolver;

PetscErrorCode FFFlowSolverFromDataset(FFFlowModel model, const char *data_dir, FFFlowSolver *fs);
PetscErrorCode FFFlowSolverFromOptions(FFFlowModel model, FFFlowSolver *fs);
PetscErrorCode FFFlowSolverDestroy(FFFlowSolver *fs);

/* ====================================================================== ensembles */

/* Generated samples as raw node fields with their physics. */
typedef struct {
  long n;
  int n_nodes, cols;
  double *fields;      /* n x n_nodes x cols */
  FFFlowResidual *res; /* n; NULL without physics */
  double *cd, *cl;     /* n; NULL without forces */
  double t_generate;   /* seconds of sampling (the network), the slowest rank */
  double t_residual;   /* seconds of the residual evaluations, the slowest rank */
  double t_forces;     /* seconds of the force evaluations, the slowest rank */
} FFFlowEnsemble;

/* Samples first .. first + n - 1 of a seed, shared among the ranks of comm (each generates a
 * contiguous block in batches of `batch`; a sample depends only on the seed and its index), with
 * their residuals when phys is given and their forces on `body` when body is given too. Every
 * rank receives the whole ensemble. cond: n_sets sets of raw conditions, sample k takes set
 * k mod n_sets (NULL, 0 when unconditional; one set: the same conditions for every sample; the
 * reference's own parameters: a conditional model's pushforward of them). phys must be on
 * PETSC_COMM_SELF (each rank its own solver). */
PetscErrorCode FFFlowEnsembleGenerate(MPI_Comm comm, FFFlowModel model, FFFlowPhysics phys, const char *body,
                                      const FFFlowSamplerConfig *config, uint64_t seed, long n, int batch, long n_sets,
                                      const double cond[], FFFlowEnsemble *ens);
PetscErrorCode FFFlowEnsembleDestroy(FFFlowEnsemble *ens);

/* Fields on the model's mesh as a VTU of quadratic triangles: n_arrays raw node arrays
 * (n_nodes x comps[k]) named names[k], plus node_type and sdf. Atomic. */
PetscErrorCode FFFlowWriteVtu(FFFlowModel model, int n_arrays, const char *const names[], const int comps[],
                              const double *const values[], const char *path);
/* The model's fields (n_nodes x cols) under their names with a suffix ("u_mean", "p_std"). */
PetscErrorCode FFFlowWriteFieldsVtu(FFFlowModel model, int n_sets, const char *const suffixes[],
                                    const double *const fields[], const char *path);

/* ====================================================================== metrics */

/* W1 between two 1-D empirical distributions (any sizes): the integral over q in (0, 1) of
 * |F_a^{-1}(q) - F_b^{-1}(q)|. a and b are sorted in place. */
double FFWasserstein1(long na, double a[], long nb, double b[]);

/* Ensemble statistics of n fields (n x rows x cols): mean and (population) std per entry. */
PetscErrorCode FFEnsembleMeanStd(long n, long rows, int cols, const double fields[], double mean[], double std[]);

/* Per-node marginals of a generated ensemble against a reference one (na and nb fields of
 * rows x cols): wd[c] = the mean over the rows of the W1 distance between the two ensembles'
 * values of column c at that row, divided by the std of column c over those rows and all
 * reference samples (a dimensionless distance; 0 for a constant column). Column c is compared
 * on its first rows_of[c] rows (NULL: all rows; e.g. the vertices for a P1 field). */
PetscErrorCode FFEnsembleWasserstein(long na, const double a[], long nb, const double b[], long rows, int cols,
                                     const long rows_of[], double wd[]);

/* Calibration of an m-member ensemble against truths drawn from the distribution it should
 * represent (docs/references.md §8), over the entries (row r < rows_used, columns col0 ..
 * col0 + ncols - 1) of rows x cols fields (ens: m x rows x cols, truth: n_truth x rows x
 * cols). Entries where two or more truths do not vary (a Dirichlet value) are left out.
 *  - PIT: the truth's rank among the members (r_lo members below it, r_hi at or below),
 *    read as a uniform value on [r_lo, r_hi + 1] / (m + 1): uniform on (0, 1) when truth and
 *    members are exchangeable, for any m.
 *  - coverage50/90: the share of PIT inside the central 50% / 90% (expected over the uniform
 *    reading, so a calibrated ensemble scores 0.50 / 0.90 exactly in expectation).
 *  - rank_hist: the share of PIT in each of FF_FLOW_RANK_BINS equal bins (flat: 1/bins each;
 *    U-shaped: under-dispersed; a hump: over-dispersed).
 *  - crps: (1/m) sum_k |x_k - y| - 1/(2 m^2) sum_kl |x_k - x_l|, mean over entries and truths
 *    (field units; for Gaussian members and truths of std sigma it is sigma (1 + 1/m) / sqrt(pi)).
 *  - spread: sqrt(mean over entries of the members' variance, 1/(m-1)); rmse: sqrt(mean over
 *    entries and truths of (ensemble mean - truth)^2); spread_skill = spread / rmse *
 *    sqrt((m + 1)/m) (1 when calibrated). ref_spread: the same spread of the truths. */
#define FF_FLOW_RANK_BINS 20

typedef struct {
  long m, n_truth;
  long n_entries;  /* entries used */
  long n_constant; /* entries left out (the truths do not vary there) */
  double coverage50, coverage90, crps, spread, rmse, spread_skill, ref_spread;
  double rank_hist[FF_FLOW_RANK_BINS];
} FFEnsembleCalibration;

PetscErrorCode FFEnsembleCalibrate(long m, const double ens[], long n_truth, const double truth[], long rows, int cols,
                                   long rows_used, int col0, int ncols, FFEnsembleCalibration *cal);

/* Summary statistics of n values (NaN values skipped; count says how many were used). */
typedef struct {
  long count;
  double mean, std, min, q05, median, q95, max;
} FFFlowStatistics;

void FFFlowStatisticsCompute(long n, const double x[], FFFlowStatistics *s);
/* The statistics as a JSON object {"count", "mean", "std", "min", "q05", "median", "q95",
 * "max"} (non-finite values as null) for a report's JSON tree (ff_util.h); the caller owns it. */
json_object *FFFlowStatisticsJSON(const FFFlowStatistics *s);

/* ====================================================================== uncertainty comparison */

/* A generated ensemble against Monte Carlo reference solves (docs/pbfm.md defines every
 * number). Fields are compared on their own rows (all nodes, or the vertices of a P1 field). */
typedef struct {
  long n_gen, n_ref;
  int n_fields, cols;
  char field_names[FF_FLOW_MAX_FIELDS][FF_NAME_LEN];
  double mean_error[FF_FLOW_MAX_FIELDS]; /* ||mean_gen - mean_ref|| / ||mean_ref|| (all components) */
  double std_error[FF_FLOW_MAX_FIELDS];  /* ||std_gen - std_ref|| / ||std_ref|| */
  double wd[FF_FLOW_MAX_COLS];           /* FFEnsembleWasserstein per column */
  double wd_mean;                        /* the mean over the columns: "WD" */
  FFFlowStatistics res_gen, res_ref;     /* mean squared residual of the samples */
  int has_re;                            /* NS: the Reynolds number */
  FFFlowStatistics re_gen, re_ref;       /* fitted to the generated samples; the reference's own */
  double re_w1;                          /* W1 of the two */
  int has_forces;
  FFFlowStatistics cd_gen, cd_ref, cl_gen, cl_ref;
  double cd_w1, cl_w1;   /* W1 of the force distributions */
  double t_generate;     /* seconds to sample the ensemble */
  double t_solve_stored; /* mean seconds of a reference solve as recorded in the dataset */
  double t_solve_now;    /* mean seconds of the reference solves timed in this run (NAN: none) */
  long n_timed;
  FFEnsembleCalibration cal[FF_FLOW_MAX_FIELDS]; /* the ensemble against the reference solves */
  /* The Monte Carlo floor: the same numbers for an ensemble of n_gen reference solves (a seeded
   * draw) against the other n_floor_truth: what a perfect generator of this ensemble size
   * scores against a reference of that size (n_floor_truth = 0: the reference has fewer than
   * n_gen + 8 solves, no floor). */
  long n_floor_truth;
  double mean_error_floor[FF_FLOW_MAX_FIELDS], std_error_floor[FF_FLOW_MAX_FIELDS], wd_floor;
  FFEnsembleCalibration cal_floor[FF_FLOW_MAX_FIELDS];
} FFFlowUQ;

/* The raw node field (n_nodes x cols, model column order) of a dataset sample. */
PetscErrorCode FFFlowModelSampleField(FFFlowModel model, const FFSample *sample, double field[]);
/* Compares an ensemble generated with physics (and forces) to reference samples read with
 * FF_READ_MESH | FF_READ_FIELDS; ref_residuals: their residuals by the same physics (n_ref),
 * ref_re: their Reynolds numbers (NULL when none). Times of solves are filled by the caller. */
PetscErrorCode FFFlowUQCompare(FFFlowModel model, const FFFlowEnsemble *gen, long n_ref, const FFSample ref[],
                               const double ref_fields[], const double ref_residuals[], const double ref_re[],
                               FFFlowUQ *uq);
/* report dir: uq.json, uq.md (table), ensemble.vtu (mean and std of both ensembles and their
 * differences). Atomic files. */
PetscErrorCode FFFlowUQWriteReport(FFFlowModel model, const FFFlowUQ *uq, const FFFlowEnsemble *gen,
                                   const double ref_fields[], const char *model_path, const char *data_dir,
                                   const char *dir);

#endif
