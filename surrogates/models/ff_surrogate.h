/* fieldflow surrogate models: neural models of the reference solver's fields, trained on
 * datasets of reference solves (docs/surrogates.md). The models room of surrogates/.
 *
 *   FFSurrogateSchema  what a model maps: case parameters (conditions) and input fields in,
 *                      the solver's unknowns out (node fields in FFNodeGraph order, so a
 *                      prediction is a solver state with no interpolation).
 *   FFSurrogateGraph   one mesh with its node and edge inputs (and targets when known),
 *                      built from a dataset sample or from a freshly meshed case.
 *   FFNormalizer       per-column mean/std accumulated over the training data.
 *   FFSurrogate        the model: MeshGraphNets GNN, multi-level GNN with physics attention
 *                      (mlgnn), or neural field (Fourier features + modulated MLP), its
 *                      normalizers and parameters; save, load, predict.
 *   metrics            relative L2 errors, rank correlation, mean relative error.
 *
 * Training lives in ff_train.h, the comparison with the solver in ff_report.h.
 * Arrows: models -> {solvers, meshes, sweep, nn, io}; nothing below includes this header. */
#ifndef FF_SURROGATE_H
#define FF_SURROGATE_H

#include "ff_io.h"
#include "ff_mesh.h"
#include "ff_nn.h"
#include "ff_solver.h"
#include "ff_sweep.h"

#define FF_SURR_MAX_COND   16
#define FF_SURR_MAX_FIELDS 4
#define FF_SURR_MAX_COLS   8 /* output columns of all fields together */

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
  char name[FF_NAME_LEN]; /* the case option it is (-re, -aoa, -naca_m, ...) */
  int log_scale;          /* the model sees log(value) (a log-sampled parameter such as Re) */
  double lo, hi;          /* the range seen in training (raw values) */
} FFSurrogateCondition;

typedef struct {
  char name[FF_NAME_LEN]; /* dataset field name: "u", "p", "K" */
  int n_comp;
  FFFieldLocation location; /* where the field has values: all nodes or the vertices */
} FFSurrogateField;

typedef struct {
  char case_name[FF_NAME_LEN];
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

/* The hierarchy of graphs a multi-level model works on (surrogates/models/levels.c), built once
 * per mesh and kept with its graph:
 *   level 0  the P2 node graph itself;
 *   level 1  the mesh vertices: every edge midpoint joins one of its edge's two vertices (the one
 *            with fewer members so far), so the graph is the mesh's P1 edges;
 *   level l  METIS clusters (contiguous) of level l - 1, about `coarsen` nodes each.
 * Level l + 1's edges join two clusters whenever a level-l edge joins them (both directions,
 * sorted). cluster[l] maps every node of level l to exactly one node of level l + 1; a coarse
 * node's position is the mean of the P2 nodes it holds. */
#define FF_SURR_MAX_LEVELS FF_MLGNN_MAX_LEVELS
typedef struct {
  int n_levels, coarsen;
  int n_nodes[FF_SURR_MAX_LEVELS], n_edges[FF_SURR_MAX_LEVELS];
  int *senders[FF_SURR_MAX_LEVELS], *receivers[FF_SURR_MAX_LEVELS];
  int *cluster[FF_SURR_MAX_LEVELS]; /* levels 0 .. n_levels - 2: node -> node of the next level */
  int *members[FF_SURR_MAX_LEVELS]; /* P2 nodes each node holds */
  double *coords[FF_SURR_MAX_LEVELS];
  float *edge_x[FF_SURR_MAX_LEVELS]; /* normalized edge inputs of levels >= 1 (FFSurrogatePrepareGraph) */
  FFGraph *graph[FF_SURR_MAX_LEVELS];
  FFIndexMap *pool[FF_SURR_MAX_LEVELS];
} FFSurrogateLevels;

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
  FFSurrogateLevels *levels; /* multi-level models: built by FFSurrogatePrepareGraph, then kept */
} FFSurrogateGraph;

/* From a dataset sample read with at least FF_READ_MESH | FF_READ_FIELDS (targets and input
 * fields from its fields; conditions from its parameters). */
PetscErrorCode FFSurrogateGraphFromSample(const FFSurrogateSchema *schema, const FFSample *sample, FFSurrogateGraph *g);
/* From a node graph (a case meshed now, or a user's .msh) and condition values (schema order);
 * input fields, when the schema has any, from `inputs` (n_nodes x columns). No targets. */
PetscErrorCode FFSurrogateGraphFromNodeGraph(const FFSurrogateSchema *schema, const FFNodeGraph *ng,
                                             const double cond[], const double *inputs, FFSurrogateGraph *g);
/* The directed edges of the P2 node graph from the cells (FFMeshEdges, in its order: each
 * undirected edge {a, b}, a < b, once in ascending (a, b), as a -> b then b -> a). */
PetscErrorCode FFSurrogateGraphBuildEdges(FFSurrogateGraph *g);
PetscErrorCode FFSurrogateGraphDestroy(FFSurrogateGraph *g);
/* Graphs of dataset samples (FFSurrogateGraphFromSample each); free with FFSurrogateGraphsDestroy. */
PetscErrorCode FFSurrogateGraphsFromSamples(const FFSurrogateSchema *schema, long n, const FFSample *samples,
                                            FFSurrogateGraph **graphs);
PetscErrorCode FFSurrogateGraphsDestroy(long n, FFSurrogateGraph **graphs);
/* The levels of a graph with edges (FFSurrogateGraphBuildEdges done): n_levels >= 1, coarsen >= 2
 * (the nodes per cluster from level 2 on). Errors name the level that cannot be made. */
PetscErrorCode FFSurrogateLevelsBuild(const FFSurrogateGraph *g, int n_levels, int coarsen, FFSurrogateLevels *levels);
PetscErrorCode FFSurrogateLevelsDestroy(FFSurrogateLevels *levels);

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

typedef enum { FF_SURROGATE_GNN, FF_SURROGATE_FIELD, FF_SURROGATE_MLGNN } FFSurrogateType;

const char *FFSurrogateTypeName(FFSurrogateType type); /* "gnn", "field", "mlgnn" */
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
  int levels;       /* mlgnn: graph levels (FFSurrogateLevels) */
  int level_blocks[FF_SURR_MAX_LEVELS]; /* mlgnn: message-passing blocks per level (down, and up again) */
  int coarsen;                          /* mlgnn: nodes per METIS cluster from level 2 on */
  int mix_blocks, slices, heads;        /* mlgnn: physics-attention blocks at the coarsest level */
} FFSurrogateConfig;

void FFSurrogateConfigDefault(FFSurrogateType type, FFSurrogateConfig *config);
/* -width, -depth, -blocks, -act, -fourier_freq, -fourier_scales, -hyper_width, -hyper_layers,
 * -points, -stretch, -levels, -level_blocks, -coarsen, -mix_blocks, -slices, -heads (inside the
 * caller's PetscOptionsBegin/End). */
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
PetscErrorCode FFSurrogateGetComm(FFSurrogate s, MPI_Comm *comm);
/* The normalizer of the outputs (after FFSurrogateFitNormalizers or a load). */
PetscErrorCode FFSurrogateGetOutputNormalizer(FFSurrogate s, const FFNormalizer **nz);
/* Node input columns (one-hot category, x, y, sdf, input fields, conditions for the GNN). */
int FFSurrogateNodeColumns(FFSurrogate s);
/* Mean/std of node inputs, edge inputs, conditions and outputs over the graphs. */
PetscErrorCode FFSurrogateFitNormalizers(FFSurrogate s, long n, FFSurrogateGraph *graphs);
/* Fills the graph's normalized arrays (and its FFGraph) for this model. */
PetscErrorCode FFSurrogatePrepareGraph(FFSurrogate s, FFSurrogateGraph *g);

/* Forward on a tape: the normalized outputs (rows x output columns).
 *   GNN, mlgnn: all nodes of one graph; rows = g->n_nodes.
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
/* Neural field only, at arbitrary points of n_cases cases in one call: case k has the conditions
 * cond[k * n_cond ...] (raw, schema order) and the points [offsets[k], offsets[k + 1]) with raw
 * positions xy (2 per point), wall distances sdf and input fields (NULL when the schema has none).
 * values: points x output columns, de-normalized. grad (may be NULL): d values / d(x, y, sdf),
 * points x output columns x 3, the network's own derivative (the tape's backward, one seed per
 * output column; several times the cost of the values alone). */
PetscErrorCode FFSurrogateFieldEvaluateCases(FFSurrogate s, int n_cases, const double cond[], const int offsets[],
                                             const double *xy, const double *sdf, const double *inputs, double *values,
                                             double *grad);
/* Neural field only: the outputs at arbitrary points (x, y, sdf, inputs given raw) of one case. */
PetscErrorCode FFSurrogateFieldEvaluate(FFSurrogate s, const double cond[], int n, const double *xy, const double *sdf,
                                        const double *inputs, double *values);

/* Relative L2 error of each field of a prediction (n_nodes x output columns) against the
 * graph's targets, over the field's own rows (vertices for the P1 pressure). */
PetscErrorCode FFSurrogateGraphError(FFSurrogate s, const FFSurrogateGraph *g, const double *pred, double *err);
/* The mean over graphs and fields of those errors (graphs shared among the ranks). */
PetscErrorCode FFSurrogateValidationError(FFSurrogate s, long n, FFSurrogateGraph *graphs, double *error);

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

/* ====================================================================== forces without a mesh
 * A neural field's forces on a body and its C_p from panels on the body's exact surface, without
 * a volume mesh: the field integrated over the panels (pressure and wall shear) or over a closed
 * contour a little away from the body (momentum balance; surface.c states both and why they
 * are the solver's volume-integral forces in the limit). */

/* Panels of a closed contour around a body, counter-clockwise; for the body itself the
 * midpoints lie on its exact surface. */
typedef struct {
  int n;            /* panels */
  double *xy;       /* n x 2: panel midpoints */
  double *normal;   /* n x 2: unit normals pointing away from the body */
  double *ds;       /* n: panel lengths */
  double *vertices; /* (n + 1) x 2: the panels' ends, a closed polygon (the last is the first) */
} FFBodySurface;

/* A NACA 4-digit airfoil (FFNacaSurfacePoint) in 2 n_per_side panels, uniform in the surface
 * parameter: cosine spacing in x, fine at both edges. */
PetscErrorCode FFBodySurfaceNaca(const FFGeometry *geometry, int n_per_side, FFBodySurface *body);
/* The contour delta away from a body: its vertices moved along their panels' mean normal (the
 * bisector at a corner), one panel per body panel; an error when it folds (delta too large). */
PetscErrorCode FFBodySurfaceOffset(const FFBodySurface *body, double delta, FFBodySurface *contour);
PetscErrorCode FFBodySurfaceDestroy(FFBodySurface *surface);

typedef struct {
  double re, aoa_deg;              /* nu = U_ref L_ref / Re; free stream at aoa */
  double ref_velocity, ref_length; /* C = 2 F / (U_ref^2 L_ref), per unit density */
  double p_ref;                    /* C_p = (p - p_ref) / (0.5 U_ref^2) */
} FFBodyFlow;

typedef struct {
  double cd, cl;                   /* all of it */
  double cd_pressure, cl_pressure; /* the pressure's part */
} FFBodyForces;

/*   CONTOUR        momentum balance on the contour h away from the body: the field's values
 *                  there, du/dn by a central difference across it (step h / 8);
 *   WALL_STENCIL   on the body's panels: the pressure and du/dn from the field at 0, h, 2 h along
 *                  the normal (second-order one-sided);
 *   WALL_AUTODIFF  on the body's panels, du/dn the network's own derivative (tape backward). */
typedef enum { FF_FORCES_CONTOUR, FF_FORCES_WALL_STENCIL, FF_FORCES_WALL_AUTODIFF } FFBodyForceMethod;

/* F = sum over the panels of ds (-p n + nu du/dn - u (u . n)): p (n values), u (n x 2; NULL on
 * the body's wall, where u = 0) and du/dn (n x 2) at the panel midpoints of a closed contour. */
void FFBodyForcesIntegrate(const FFBodySurface *contour, const FFBodyFlow *flow, const double *p, const double *u,
                           const double *dudn, FFBodyForces *forces);
/* Forces of n_cases cases in one batched evaluation of the field: case k has the conditions
 * cond[k * n_cond ...], the body bodies[k], the flow flows[k]; cp[k] (cp or cp[k] may be NULL)
 * receives C_p at the body's panel midpoints. The model must predict u (2 components) and p. */
PetscErrorCode FFSurrogateBodyForces(FFSurrogate s, int n_cases, const double cond[], FFBodySurface *const bodies[],
                                     const FFBodyFlow flows[], FFBodyForceMethod how, double h, FFBodyForces forces[],
                                     double *cp[]);

/* ====================================================================== metrics */

/* sqrt(sum (a - b)^2 / sum b^2) over rows x the columns [c0, c0 + nc) of n_cols-wide arrays,
 * rows limited to the first n_rows. */
double FFRelativeL2(long n_rows, int n_cols, int c0, int nc, const double *pred, const double *ref);
/* Spearman rank correlation (ties get their mean rank); NAN for n < 2 or constant data. */
double FFSpearman(long n, const double *a, const double *b);
/* mean |a - b| / |b| */
double FFMeanRelativeError(long n, const double *pred, const double *ref);

#endif
