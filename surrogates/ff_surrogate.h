/* fieldflow surrogates: neural models of the reference solver's fields, trained on
 * datasets of reference solves (docs/surrogates.md).
 *
 *   FFSurrogateSchema  what a model maps: case parameters (conditions) and input fields in,
 *                      the solver's unknowns out (node fields in FFNodeGraph order, so a
 *                      prediction is a solver state with no interpolation).
 *   FFSurrogateGraph   one mesh with its node and edge inputs (and targets when known),
 *                      built from a dataset sample or from a freshly meshed case.
 *   FFNormalizer       per-column mean/std accumulated over the training data.
 *   FFSurrogate        the model: MeshGraphNets GNN or neural field (Fourier features +
 *                      modulated MLP), its normalizers and parameters; save, load, predict.
 *   FFTrainer          the training loop shared by every model (and by flow matching):
 *                      batches, optimizer, schedules, ConFIG with a physics gradient,
 *                      data parallel MPI, progress, loss history, checkpoints, resume.
 *   FFConFIGCombine    conflict-free combination of two gradients (REFERENCES §1).
 *   FFPhysicsLoss      the PETSc residual of predicted node fields and its gradient J^T F.
 *   metrics, report    relative errors, AirfRANS-style errors, forces, rank correlation,
 *                      report.md / metrics.json / PNG figures.
 *
 * Arrows: surrogates -> {solvers, meshes, nn, io}; nothing here is used by those. */
#ifndef FF_SURROGATE_H
#define FF_SURROGATE_H

#include "ff_checkpoint.h"
#include "ff_dataset.h"
#include "ff_mesh.h"
#include "ff_nn.h"
#include "ff_solver.h"
#include "ff_sweep.h"

#define FF_SURR_MAX_COND   16
#define FF_SURR_MAX_FIELDS 4
#define FF_SURR_MAX_COLS   8 /* output columns of all fields together */
#define FF_SURR_NAME       64

/* ====================================================================== schema */

/* Node categories of the one-hot node type, by boundary group name, so that a model trained
 * on one mesh family reads any mesh whose groups follow the naming rules of docs/meshes.md. */
typedef enum {
  FF_NODE_INTERIOR,
  FF_NODE_WALL,    /* FFMeshIsWallName: wall, walls, cylinder, airfoil, body */
  FF_NODE_INFLOW,  /* FFMeshIsInflowName: inlet, inflow, farfield */
  FF_NODE_OUTFLOW, /* outlet, outflow */
  FF_NODE_OTHER,
  FF_NODE_CATEGORIES
} FFNodeCategory;

FFNodeCategory FFNodeCategoryOfGroup(const char *group_name);

typedef struct {
  char name[FF_SURR_NAME]; /* the case option it is (-re, -aoa, -naca_m, ...) */
  int log_scale;           /* the model sees log(value) (a log-sampled parameter such as Re) */
  double lo, hi;           /* the range seen in training (raw values) */
} FFSurrogateCondition;

typedef struct {
  char name[FF_SURR_NAME]; /* dataset field name: "u", "p", "K" */
  int n_comp;
  FFFieldLocation location; /* where the field has values: all nodes or the vertices */
} FFSurrogateField;

typedef struct {
  char case_name[FF_SURR_NAME];
  char fingerprint[24]; /* of the dataset trained on */
  int n_cond;
  FFSurrogateCondition cond[FF_SURR_MAX_COND];
  int n_inputs; /* node fields given to the model (e.g. Darcy's K) */
  FFSurrogateField inputs[FF_SURR_MAX_FIELDS];
  int n_fields; /* node fields the model predicts, in the solver's node-field order */
  FFSurrogateField fields[FF_SURR_MAX_FIELDS];
} FFSurrogateSchema;

/* Columns of all input fields / output fields together. */
int FFSurrogateSchemaInputColumns(const FFSurrogateSchema *schema);
int FFSurrogateSchemaOutputColumns(const FFSurrogateSchema *schema);
/* The model's view of a condition value (log for log-scaled ones). */
double FFSurrogateConditionTransform(const FFSurrogateCondition *c, double value);
/* From a dataset: conditions = the planned parameters that are not seeds, with the ranges of
 * the given samples; outputs = `fields` (comma-separated names; NULL or "": every field of the
 * first sample that is not an input), inputs = `inputs` (NULL or "": none). Every sample must
 * hold the named fields with the same components; errors name the sample and the field. */
PetscErrorCode FFSurrogateSchemaFromDataset(FFDataset ds, long n, const FFSample *samples, const char *fields,
                                            const char *inputs, FFSurrogateSchema *schema);
/* Stored in and read back from a model's configuration. */
PetscErrorCode FFSurrogateSchemaToKeyValues(const FFSurrogateSchema *schema, FFKeyValues *kv);
PetscErrorCode FFSurrogateSchemaFromKeyValues(const FFKeyValues *kv, FFSurrogateSchema *schema);
/* Prints a warning for every condition outside the training range (extrapolation) and for
 * non-finite values (error). */
PetscErrorCode FFSurrogateCheckConditions(MPI_Comm comm, const FFSurrogateSchema *schema, const double cond[],
                                          const char *what);

/* ====================================================================== one graph */

typedef struct {
  long index; /* sample index in its dataset; -1 when not from a dataset */
  int n_nodes, n_vertices, n_cells, n_edges;
  double *coords;          /* n_nodes x 2 */
  double *sdf;             /* n_nodes */
  unsigned char *category; /* n_nodes, FFNodeCategory */
  int *cells;              /* n_cells x 6 (VTK quadratic triangles) */
  int *senders, *receivers;
  double cond[FF_SURR_MAX_COND]; /* raw values, schema order */
  double *inputs;                /* n_nodes x input columns (NULL when none) */
  double *target;                /* n_nodes x output columns, raw; NULL when unknown */
  /* normalized views for the networks (FFSurrogatePrepareGraph) */
  float *node_x;   /* n_nodes x FFSurrogate node columns */
  float *edge_x;   /* n_edges x 3 */
  float *cond_x;   /* max(n_cond, 1) */
  float *target_x; /* n_nodes x output columns */
  FFGraph *graph;
} FFSurrogateGraph;

/* From a dataset sample read with at least FF_READ_MESH | FF_READ_FIELDS (targets and input
 * fields from its fields; conditions from its parameters). */
PetscErrorCode FFSurrogateGraphFromSample(const FFSurrogateSchema *schema, const FFSample *sample, FFSurrogateGraph *g);
/* From a node graph (a case meshed now, or a user's .msh) and condition values (schema order);
 * input fields, when the schema has any, from `inputs` (n_nodes x columns). No targets. */
PetscErrorCode FFSurrogateGraphFromNodeGraph(const FFSurrogateSchema *schema, const FFNodeGraph *ng,
                                             const double cond[], const double *inputs, FFSurrogateGraph *g);
/* The directed edges of the P2 node graph from the cells: the edges of each cell's four
 * sub-triangles, both directions, sorted by (receiver, sender) (FFNodeGraph's edges). */
PetscErrorCode FFSurrogateGraphBuildEdges(FFSurrogateGraph *g);
PetscErrorCode FFSurrogateGraphDestroy(FFSurrogateGraph *g);
/* Graphs of dataset samples (FFSurrogateGraphFromSample each); free with FFSurrogateGraphsDestroy. */
PetscErrorCode FFSurrogateGraphsFromSamples(const FFSurrogateSchema *schema, long n, const FFSample *samples,
                                            FFSurrogateGraph **graphs);
PetscErrorCode FFSurrogateGraphsDestroy(long n, FFSurrogateGraph **graphs);

/* ====================================================================== normalizers */

typedef struct {
  int n;          /* columns */
  long count;     /* rows seen */
  double *mean_d; /* running (Welford), double */
  double *m2;
  float *mean, *std; /* final (FFNormalizerFinish); std >= a floor */
} FFNormalizer;

PetscErrorCode FFNormalizerCreate(int n, FFNormalizer *nz);
PetscErrorCode FFNormalizerDestroy(FFNormalizer *nz);
/* Accumulates rows x n values (stride: doubles between rows, >= n; columns [0, n)). */
PetscErrorCode FFNormalizerAccumulate(FFNormalizer *nz, long rows, const double *x, int stride);
/* Fixes mean and std; a column with std below floor (constant) gets std 1. */
PetscErrorCode FFNormalizerFinish(FFNormalizer *nz, double floor);
static inline float FFNormalize(const FFNormalizer *nz, int j, double v)
{
  return (float)((v - nz->mean[j]) / nz->std[j]);
}
static inline double FFDenormalize(const FFNormalizer *nz, int j, float v)
{
  return (double)v * nz->std[j] + nz->mean[j];
}
/* Saved as <prefix>_mean, <prefix>_std. */
PetscErrorCode FFNormalizerSave(const FFNormalizer *nz, const char *prefix, FFNamedArrays *na);
PetscErrorCode FFNormalizerLoad(FFNormalizer *nz, const char *prefix, const FFNamedArrays *na);

/* ====================================================================== the model */

typedef enum { FF_SURROGATE_GNN, FF_SURROGATE_FIELD } FFSurrogateType;

const char *FFSurrogateTypeName(FFSurrogateType type); /* "gnn", "field" */
PetscErrorCode FFSurrogateTypeFromName(const char *name, FFSurrogateType *type);

typedef struct {
  FFSurrogateType type;
  int width;        /* latent width (GNN) / trunk width (field) */
  int depth;        /* hidden layers of every MLP (GNN) / of the trunk (field) */
  int blocks;       /* GNN processor blocks */
  FFActivation act; /* hidden activation */
  int fourier_freq; /* field: frequencies per scale */
  int n_scales;     /* field: Fourier scales */
  float scales[FF_FOURIER_MAX_SCALES];
  int hyper_width;  /* field: hypernetwork width */
  int hyper_layers; /* field: hypernetwork hidden layers */
  int points;       /* field: random nodes per sample per training step */
  double ema;       /* evaluate with the EMA weights when the optimizer kept them */
  double stretch;   /* > 0: positions and wall distance enter as asinh((v - c) / (stretch * std)), which
                       spreads the nodes crowded near a body over the input range */
} FFSurrogateConfig;

void FFSurrogateConfigDefault(FFSurrogateType type, FFSurrogateConfig *config);
/* -width, -depth, -blocks, -act, -fourier_freq, -fourier_scales, -hyper_width, -hyper_layers,
 * -points, -stretch (inside the caller's PetscOptionsBegin/End). */
PetscErrorCode FFSurrogateConfigOptions(PetscOptionItems *PetscOptionsObject, FFSurrogateConfig *config);

/* The configuration a model file records (its seed too). */
PetscErrorCode FFSurrogateConfigFromKeyValues(const FFKeyValues *kv, FFSurrogateConfig *config, uint64_t *seed);

typedef struct _p_FFSurrogate *FFSurrogate;

/* A new model for a schema: networks created and initialized from the seed. Normalizers are
 * fitted with FFSurrogateFitNormalizers before training. */
PetscErrorCode FFSurrogateCreate(MPI_Comm comm, const FFSurrogateConfig *config, const FFSurrogateSchema *schema,
                                 uint64_t seed, FFSurrogate *s);
PetscErrorCode FFSurrogateDestroy(FFSurrogate *s);
PetscErrorCode FFSurrogateGetConfig(FFSurrogate s, const FFSurrogateConfig **config);
PetscErrorCode FFSurrogateGetSchema(FFSurrogate s, const FFSurrogateSchema **schema);
PetscErrorCode FFSurrogateGetParams(FFSurrogate s, FFParams **params);
/* Node input columns (one-hot category, x, y, sdf, input fields, conditions for the GNN). */
int FFSurrogateNodeColumns(FFSurrogate s);
/* Mean/std of node inputs, edge inputs, conditions and outputs over the graphs. */
PetscErrorCode FFSurrogateFitNormalizers(FFSurrogate s, long n, FFSurrogateGraph *graphs);
/* Fills the graph's normalized arrays (and its FFGraph) for this model. */
PetscErrorCode FFSurrogatePrepareGraph(FFSurrogate s, FFSurrogateGraph *g);

/* Forward on a tape: the normalized outputs (rows x output columns).
 *   GNN:   all nodes of one graph; rows = g->n_nodes.
 *   field: the nodes `nodes[0..n_points)` of one graph (NULL: all nodes, n_points ignored). */
PetscErrorCode FFSurrogateForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, int n_points, const int *nodes,
                                  FFTensor **out);
/* Neural field on a batch of graphs at once: n_points nodes of each (points[k * n_points + i]).
 * The rows of the output are graph-major. */
PetscErrorCode FFSurrogateFieldForwardBatch(FFSurrogate s, FFTape *tape, int n_graphs, FFSurrogateGraph *const *gs,
                                            int n_points, const int *points, FFTensor **out);
/* Inference: the de-normalized node fields (n_nodes x output columns) of a prepared graph;
 * time_s (may be NULL): seconds of the forward and de-normalization. */
PetscErrorCode FFSurrogatePredict(FFSurrogate s, FFSurrogateGraph *g, double *fields, double *time_s);
/* Neural field only: the outputs at arbitrary points (x, y, sdf, inputs given raw). */
PetscErrorCode FFSurrogateFieldEvaluate(FFSurrogate s, const double cond[], int n, const double *xy, const double *sdf,
                                        const double *inputs, double *values);

/* Model files: configuration (model keys, schema, `extra`), normalizers, parameters, and the
 * optimizer state when opt is given; `history` arrays (loss curves) are stored beside the
 * normalizers. Atomic; rank 0 writes. */
PetscErrorCode FFSurrogateSave(FFSurrogate s, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                               const FFNamedArrays *history);
/* Builds the model a file describes and loads its parameters (EMA weights when it was
 * trained with them). config (may be NULL) receives every key of the file; history (may be
 * NULL) the loss curves. A file that is not a surrogate model is an error naming it. */
PetscErrorCode FFSurrogateLoad(MPI_Comm comm, const char *path, FFSurrogate *s, FFKeyValues *config,
                               FFNamedArrays *history);
/* Loads the optimizer state of a model file into opt (resume). */
PetscErrorCode FFSurrogateLoadOptimizer(FFSurrogate s, const char *path, FFOptimizer *opt);

/* ====================================================================== ConFIG */

typedef struct {
  double norm1, norm2; /* |g1|, |g2| */
  double cosine;       /* cos(g1, g2) */
  double dot1, dot2;   /* g . g1, g . g2 of the combined update */
  int used;            /* 2: combined; 1: only g1 (g2 not finite or zero); 0: g1 was zero (g = g2) */
} FFConFIGInfo;

/* ConFIG (Liu, Chu, Thuerey 2024; REFERENCES §1):
 *   O(a, b) = b - (a.b / |a|^2) a,  g_v = unit(unit(O(g1, g2)) + unit(O(g2, g1))),
 *   g = (g1.g_v + g2.g_v) g_v,
 * an update with a non-negative dot product with both gradients and no weight to tune. If g2
 * is not finite or zero, g = g1. Parallel gradients (O = 0): g_v = unit(unit(g1) + unit(g2)).
 * Sums in double, in a fixed order (deterministic). g may alias g1. */
PetscErrorCode FFConFIGCombine(size_t n, const float *g1, const float *g2, float *g, FFConFIGInfo *info);

/* ====================================================================== physics */

typedef struct _p_FFPhysicsLoss *FFPhysicsLoss;

/* The residual loss of predicted node fields for the samples of a dataset: each sample's own
 * solver rebuilt from its file (FFSweepSolverFromDataset) on first use and kept, one per
 * sample, on PETSC_COMM_SELF. */
PetscErrorCode FFPhysicsLossCreate(FFDataset ds, const FFSurrogateSchema *schema, FFPhysicsLoss *pl);
PetscErrorCode FFPhysicsLossDestroy(FFPhysicsLoss *pl);
/* For sample `index` and raw node fields x (n_nodes x columns): loss = (0.5 ||F||^2 + the
 * Dirichlet mismatch) / n_nodes, grad = d loss / d x (may be NULL), residual = ||F||. */
PetscErrorCode FFPhysicsLossEvaluate(FFPhysicsLoss pl, long index, const double *x, double *loss, double *residual,
                                     double *grad);

/* ====================================================================== training */

typedef struct {
  int epochs, batch;
  double lr, min_lr, weight_decay, clip_norm, ema;
  FFScheduleType schedule;
  long warmup;
  double plateau_factor;
  long plateau_patience;
  FFOptimizerType optimizer;
  uint64_t seed;
  long checkpoint_every; /* steps; 0: only at the end (and on a signal) */
  double max_time;       /* seconds of this run; 0: no limit (stops after a step, saving) */
  long stop_step;        /* stop (saving) once this many steps are done in all; 0: run to the end */
  int physics;           /* combine the physics gradient by ConFIG */
  int progress;          /* print a line per epoch */
} FFTrainOptions;

void FFTrainOptionsDefault(FFTrainOptions *o);
/* -epochs, -batch, -lr, -min_lr, -weight_decay, -clip, -ema, -schedule, -warmup, -optimizer,
 * -plateau_factor, -plateau_patience, -seed, -checkpoint_every, -max_time, -stop_at_step (inside
 * the caller's PetscOptionsBegin/End). max_time and stop_step belong to one run: they are not
 * recorded in the model file. */
PetscErrorCode FFTrainOptionsFromOptions(PetscOptionItems *PetscOptionsObject, FFTrainOptions *o);
PetscErrorCode FFTrainOptionsToKeyValues(const FFTrainOptions *o, FFKeyValues *kv);
PetscErrorCode FFTrainOptionsFromKeyValues(const FFKeyValues *kv, FFTrainOptions *o);

/* Losses of one step, summed over the step's local samples with their weights. */
typedef struct {
  double data;    /* the data loss (e.g. normalized MSE, flow-matching loss) */
  double physics; /* the physics loss (0 without) */
  double residual;
} FFTrainLosses;

/* What a model plugs into the trainer. The trainer owns the optimizer, the order of the
 * samples, the step loop, ConFIG, MPI and files; the task computes gradients and evaluates.
 *   loss:     for the local samples items[0..n) (positions in the training set) add
 *             weight * d(loss_i)/d(theta) into g_data and, when physics is on,
 *             weight * d(physics_i)/d(theta) into g_phys; add weight * loss_i to *losses.
 *             Randomness (random nodes, noise, times) must come from FFTrainItemRng(seed,
 *             step, item): the same on a resumed run and however the batch is split over
 *             the ranks.
 *   validate: a validation error (the same on every rank), or NAN when there is none.
 *   save:     write the model file with the optimizer state, `extra` configuration keys
 *             (the trainer's counters and options) and the loss history. */
typedef struct {
  void *ctx;
  long n_train;
  FFParams *params;
  PetscErrorCode (*loss)(void *ctx, uint64_t seed, long step, int n, const long *items, double weight, float *g_data,
                         float *g_phys, FFTrainLosses *losses);
  PetscErrorCode (*validate)(void *ctx, double *error);
  PetscErrorCode (*save)(void *ctx, const char *path, FFOptimizer *opt, const FFKeyValues *extra,
                         const FFNamedArrays *history);
} FFTrainTask;

/* The random stream of one training sample at one step. */
void FFTrainItemRng(uint64_t seed, long step, long item, FFRng *rng);

typedef struct {
  long step, epoch;  /* completed */
  double train_loss; /* mean over the last epoch */
  double val_error;  /* after the last epoch (NAN when none) */
  double seconds;    /* training time of this run (excluding a resumed run's past) */
  double total_seconds;
  int interrupted;  /* stopped by SIGINT/SIGTERM (saved) */
  int time_limited; /* stopped by max_time or stop_step (saved) */
} FFTrainResult;

typedef struct _p_FFTrainer *FFTrainer;

PetscErrorCode FFTrainerCreate(MPI_Comm comm, const FFTrainOptions *options, const FFTrainTask *task,
                               FFTrainer *trainer);
PetscErrorCode FFTrainerDestroy(FFTrainer *trainer);
/* Files: the model (checkpoints go to the same path, atomically) and the loss curves (CSV,
 * rewritten each epoch; NULL: none). */
PetscErrorCode FFTrainerSetOutput(FFTrainer trainer, const char *model_path, const char *csv_path);
/* Continue from a model file written by this trainer: optimizer state, counters and history
 * (the task's parameters must already hold the file's). */
PetscErrorCode FFTrainerResume(FFTrainer trainer, const char *path);
PetscErrorCode FFTrainerGetOptimizer(FFTrainer trainer, FFOptimizer **opt);
/* Runs to the last epoch, or until a signal (SIGINT, SIGTERM) or max_time: then saves and
 * returns with result->interrupted / time_limited set. */
PetscErrorCode FFTrainerRun(FFTrainer trainer, FFTrainResult *result);

/* The loss curves as named arrays history_epoch, history_step, history_train_loss,
 * history_physics_loss, history_val_error, history_lr, history_seconds. */
PetscErrorCode FFTrainerGetHistory(FFTrainer trainer, const FFNamedArrays **history);

/* ---------- a dataset loaded for training ----------
 * Graphs of a training split and a validation split (none when val_split is NULL, "" or
 * "none"); the schema is derived from the training samples (fields, inputs: see
 * FFSurrogateSchemaFromDataset) unless `known` gives it (a model being resumed: the dataset
 * must then be the one it was trained on). Every rank loads everything. */
typedef struct {
  FFDataset ds;
  char dir[PETSC_MAX_PATH_LEN];
  long n_train, n_val;
  FFSurrogateGraph *train, *val;
  FFSurrogateSchema schema;
} FFSurrogateData;

PetscErrorCode FFSurrogateDataLoad(MPI_Comm comm, const char *dir, const char *train_split, const char *val_split,
                                   const FFSurrogateSchema *known, const char *fields, const char *inputs,
                                   FFSurrogateData *data);
PetscErrorCode FFSurrogateDataDestroy(FFSurrogateData *data);

/* ---------- the task of a GNN or neural-field surrogate ----------
 * Graphs prepared for the model (FFSurrogatePrepareGraph), training graphs with targets;
 * physics may be NULL (no physics loss). The graphs must outlive the fit. */
typedef struct _p_FFSurrogateFit *FFSurrogateFit;

PetscErrorCode FFSurrogateFitCreate(FFSurrogate s, long n_train, FFSurrogateGraph *train, long n_val,
                                    FFSurrogateGraph *val, FFPhysicsLoss physics, FFSurrogateFit *fit);
PetscErrorCode FFSurrogateFitDestroy(FFSurrogateFit *fit);
/* A configuration key saved with the model (e.g. the dataset it was trained on). */
PetscErrorCode FFSurrogateFitSetExtra(FFSurrogateFit fit, const char *key, const char *value);
PetscErrorCode FFSurrogateFitGetTask(FFSurrogateFit fit, FFTrainTask *task);
/* Relative L2 error of each field of a prediction (n_nodes x output columns) against the
 * graph's targets, over the field's own rows (vertices for the P1 pressure). */
PetscErrorCode FFSurrogateGraphError(FFSurrogate s, const FFSurrogateGraph *g, const double *pred, double *err);
/* The mean over graphs and fields of those errors (graphs shared among the ranks). */
PetscErrorCode FFSurrogateValidationError(FFSurrogate s, long n, FFSurrogateGraph *graphs, double *error);

/* ====================================================================== metrics */

/* sqrt(sum (a - b)^2 / sum b^2) over rows x the columns [c0, c0 + nc) of n_cols-wide arrays,
 * rows limited to the first n_rows. */
double FFRelativeL2(long n_rows, int n_cols, int c0, int nc, const double *pred, const double *ref);
/* Spearman rank correlation (ties get their mean rank); NAN for n < 2 or constant data. */
double FFSpearman(long n, const double *a, const double *b);
/* mean |a - b| / |b| */
double FFMeanRelativeError(long n, const double *pred, const double *ref);

/* ====================================================================== comparison */

/* One dataset sample: the surrogate against its reference solve. */
typedef struct {
  long index;
  int n_nodes;
  double cond[FF_SURR_MAX_COND];
  double *pred;                            /* n_nodes x output columns (raw network output) */
  double rel_l2[FF_SURR_MAX_COLS];         /* relative L2 error per output column */
  double rel_l2_field[FF_SURR_MAX_FIELDS]; /* per field, all its components together */
  double nmse_volume[FF_SURR_MAX_COLS];    /* AirfRANS: MSE of normalized fields, all nodes */
  double nmse_surface[FF_SURR_MAX_COLS];   /* ... and the wall nodes */
  int has_forces;
  double cd_ref, cl_ref;                       /* as stored with the sample */
  double cd_pred, cl_pred;                     /* of the prediction, by the solver's force routine */
  double cd_ref_recomputed, cl_ref_recomputed; /* of the stored fields, by the same routine */
  double residual_pred, residual_ref;          /* ||F|| of prediction and reference */
  double t_features, t_network;                /* inference seconds: graph inputs, network */
  double t_solve_stored, t_solve_now;          /* the reference solve as recorded, and again now (NAN: not) */
  int solve_converged;
  int n_cp;
  double *cp_x, *cp_ref, *cp_pred; /* C_p along the body (reference, prediction) */
} FFSampleEval;

/* Evaluates the surrogate on a sample read with FF_READ_ALL; solver (may be NULL: no forces,
 * residuals or solve time) is the sample's own (FFSweepSolverFromSample). time_solve: solve
 * the sample again, from the solver's initial state, to time the solver in this run. */
PetscErrorCode FFSurrogateEvaluateSample(FFSurrogate s, const FFSample *sample, FFSolver solver, PetscBool time_solve,
                                         FFSampleEval *eval);
PetscErrorCode FFSampleEvalDestroy(FFSampleEval *eval);

/* Aggregates over the samples of a comparison. */
typedef struct {
  long n;
  int n_cols, n_fields;
  char col_names[FF_SURR_MAX_COLS][FF_SURR_NAME];
  char field_names[FF_SURR_MAX_FIELDS][FF_SURR_NAME];
  double rel_l2[FF_SURR_MAX_COLS], rel_l2_field[FF_SURR_MAX_FIELDS]; /* means over samples */
  double rel_l2_max[FF_SURR_MAX_COLS], rel_l2_field_max[FF_SURR_MAX_FIELDS];
  double nmse_volume[FF_SURR_MAX_COLS], nmse_surface[FF_SURR_MAX_COLS];
  int has_forces;
  double cl_mre, cd_mre;           /* mean relative error (AirfRANS) */
  double cl_spearman, cd_spearman; /* rank correlation, predicted vs reference */
  double cl_mae, cd_mae;           /* mean absolute error */
  double cl_ref_mean_abs, cd_ref_mean_abs;
  double force_consistency;           /* max relative difference of recomputed and stored reference forces */
  double residual_pred, residual_ref; /* means of ||F|| */
  double t_inference;                 /* mean seconds (features + network) */
  double t_solve;                     /* mean seconds of the reference solves timed in this run (or as stored) */
  long n_timed;                       /* samples solved again in this run (0: stored times used) */
  double speedup;                     /* t_solve / t_inference over the same samples */
} FFCompareSummary;

PetscErrorCode FFCompareSummarize(const FFSurrogateSchema *schema, long n, const FFSampleEval *evals,
                                  FFCompareSummary *sum);

/* Where the comparison came from (for the report's header). */
typedef struct {
  const char *model_path, *data_dir, *split;
  const FFKeyValues *model_config; /* the model file's configuration */
  const FFNamedArrays *history;    /* its loss curves (may be NULL) */
  size_t n_params;
  double wall_time; /* of the whole comparison */
  int vtu;          /* a VTU per sample was written (samples/) */
} FFCompareInfo;

/* report dir: metrics.json, report.md, samples.csv, figures (cl.png, cd.png, cp_<index>.png
 * for the first cp_samples samples, loss.png). Atomic files; the directory is created. */
PetscErrorCode FFCompareWriteReport(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                    const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples);
/* Predicted node fields (n_nodes x output columns) on a mesh as VTU; with ref (same layout,
 * may be NULL) also <field>_ref and <field>_error. Atomic. */
PetscErrorCode FFSurrogateWriteVtu(const FFSurrogateSchema *schema, const FFSampleMesh *mesh, const double *pred,
                                   const double *ref, const char *path);
/* Only the figures (part of FFCompareWriteReport). */
PetscErrorCode FFCompareWriteFigures(const char *dir, const FFCompareInfo *info, long n, const FFSampleEval *evals,
                                     const FFCompareSummary *sum, int cp_samples);

/* ====================================================================== figures */

typedef struct _p_FFPlot *FFPlot;

typedef enum { FF_PLOT_LINE, FF_PLOT_SCATTER } FFPlotStyle;

/* A simple 2D plot written as PNG: axes with ticks, labels, a legend, lines and markers. */
PetscErrorCode FFPlotCreate(int width, int height, const char *title, const char *xlabel, const char *ylabel,
                            FFPlot *plot);
PetscErrorCode FFPlotDestroy(FFPlot *plot);
/* Series keep copies of the data; NaN points are skipped. */
PetscErrorCode FFPlotAddSeries(FFPlot plot, const char *label, FFPlotStyle style, long n, const double *x,
                               const double *y);
PetscErrorCode FFPlotSetLogY(FFPlot plot, int log_y);
PetscErrorCode FFPlotSetInvertY(FFPlot plot, int invert); /* C_p plots: negative up */
PetscErrorCode FFPlotAddDiagonal(FFPlot plot);            /* y = x, for predicted vs true */
PetscErrorCode FFPlotWritePNG(FFPlot plot, const char *path);

/* An RGB image as PNG (8 bits per channel, zlib-compressed); atomic. */
PetscErrorCode FFWritePNG(const char *path, int width, int height, const unsigned char *rgb);

/* ====================================================================== flow matching */
/* Generative models of whole fields (flow matching, PBFM): surrogates/ff_flow.h. */
#include "ff_flow.h"

#endif
