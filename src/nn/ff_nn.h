/* fieldflow nn: float32 tensors, reverse-mode autodiff on a tape, layers, optimizers.
 *
 * The model of use (see docs/nn.md):
 *   FFParams   one registry of named parameters; all values live in one contiguous
 *              array, so the optimizer, the MPI allreduce and the checkpoint are single
 *              calls. Gradients live in a caller-owned flat array with the same layout.
 *   FFTape     records the operations of a forward pass; FFTapeBackward* walks it back
 *              and accumulates parameter gradients into a flat buffer the caller chooses.
 *              Activation memory comes from a pool owned by the tape and is reused by the
 *              next forward (FFTapeReset): no allocation in a steady training loop.
 *   layers     Linear, MLP, MeshGraphNets, physics attention, multi-level GNN, modulated MLP,
 *              Fourier features, time embedding.
 *   optimizer  Adam/AdamW, global-norm clipping, warm-up + cosine/plateau schedules, EMA.
 *
 * Tensors are row-major rows x cols matrices (rows = items such as nodes or edges,
 * cols = features). Weights use PyTorch's layout (out x in), y = x W^T + b.
 * Threads: OpenMP (OMP_NUM_THREADS); see docs/nn.md for how BLAS threads are used. */
#ifndef FF_NN_H
#define FF_NN_H

#include "ff_util.h"

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== parameters */

typedef enum {
  FF_INIT_ZERO,    /* 0 */
  FF_INIT_ONE,     /* 1 (LayerNorm gains) */
  FF_INIT_UNIFORM, /* U(-scale, scale) (PyTorch Linear default: scale = 1/sqrt(fan_in)) */
  FF_INIT_NORMAL   /* N(0, scale^2) (Fourier frequencies) */
} FFInitKind;

enum {
  FF_PARAM_FROZEN = 1,  /* not trained: no gradient, the optimizer leaves it alone */
  FF_PARAM_NO_DECAY = 2 /* excluded from weight decay (biases, LayerNorm) */
};

typedef struct {
  char name[FF_NAME_LEN];
  int rows, cols;
  size_t offset; /* into FFParams.values and into every gradient buffer */
  FFInitKind init;
  float init_scale;
  int flags;
} FFParamInfo;

typedef struct {
  int n, cap;
  FFParamInfo *info;
  size_t size;   /* total number of floats */
  float *values; /* allocated by FFParamsSetUp */
  int set_up;
} FFParams;

FFErrorCode FFParamsCreate(FFParams **params);
void FFParamsDestroy(FFParams **params);
/* Registers a rows x cols parameter (before FFParamsSetUp); names are unique. */
FFErrorCode FFParamsAdd(FFParams *params, const char *name, int rows, int cols, FFInitKind init, float init_scale,
                        int flags, int *index);
/* Allocates the flat array and initializes every parameter, in registration order,
 * from one random stream of the seed. */
FFErrorCode FFParamsSetUp(FFParams *params, uint64_t seed);
/* Index of a parameter by name, or -1. */
int FFParamsFind(const FFParams *params, const char *name);
static inline float *FFParamsData(FFParams *params, int index) { return params->values + params->info[index].offset; }
/* A zeroed gradient buffer with the layout of the parameters (free with FFFree). */
FFErrorCode FFParamsGradCreate(const FFParams *params, float **grad);
void FFParamsGradZero(const FFParams *params, float *grad);

/* ====================================================================== index maps
 * "Row r of the gathered side takes row idx[r] of the source side": the edge ->
 * sender/receiver maps of a graph, a random subset of nodes, or row -> sample. The
 * inverse (rows grouped by source, in increasing r) makes scatter-add deterministic
 * and parallel over sources. */
typedef struct {
  int n;        /* gathered rows */
  int n_src;    /* source rows */
  int *idx;     /* n entries in [0, n_src) */
  int *offsets; /* n_src + 1 */
  int *perm;    /* n: rows grouped by source */
  int cap_n, cap_src;
} FFIndexMap;

FFErrorCode FFIndexMapCreate(FFIndexMap **map);
void FFIndexMapDestroy(FFIndexMap **map);
/* Copies idx and builds the inverse; reallocates only when n or n_src grows. */
FFErrorCode FFIndexMapSet(FFIndexMap *map, int n_src, int n, const int *idx);

/* A directed graph: edge k goes from senders->idx[k] to receivers->idx[k]. Batches of
 * graphs are one disjoint union (offset the node numbers). */
typedef struct {
  int n_nodes, n_edges;
  FFIndexMap *senders, *receivers;
} FFGraph;

FFErrorCode FFGraphCreate(FFGraph **graph);
void FFGraphDestroy(FFGraph **graph);
FFErrorCode FFGraphSetEdges(FFGraph *graph, int n_nodes, int n_edges, const int *senders, const int *receivers);

/* ====================================================================== tape and tensors */

typedef enum { FF_TENSOR_ACTIVATION, FF_TENSOR_LEAF, FF_TENSOR_PARAM } FFTensorKind;

/* A tensor lives on a tape until the tape is reset. data and grad are read-only to
 * users except where a function says otherwise; grad is NULL when nothing flowed back. */
typedef struct {
  int rows, cols;
  float *data;
  float *grad;
  int requires_grad;
  FFTensorKind kind;
  int param;      /* parameter index (FF_TENSOR_PARAM) */
  int data_block; /* pool blocks, -1 when not owned by the pool */
  int grad_block;
} FFTensor;

typedef struct FFTape FFTape;

typedef struct {
  size_t pool_bytes;     /* memory held for activations, gradients and scratch */
  size_t pool_peak_used; /* the most of it in use at once */
  long pool_allocations; /* how many times the pool had to grow (malloc) */
  int n_ops, n_tensors;  /* of the current forward */
} FFTapeStats;

FFErrorCode FFTapeCreate(FFParams *params, FFTape **tape);
void FFTapeDestroy(FFTape **tape);
/* Forgets the recorded forward and returns its memory to the pool (kept for the next). */
void FFTapeReset(FFTape *tape);
/* With gradients disabled nothing is recorded (inference) and FFTapeDiscard frees
 * intermediate tensors at once. Default: enabled. */
void FFTapeSetGradEnabled(FFTape *tape, int enabled);
int FFTapeGradEnabled(const FFTape *tape);
/* A leaf that refers to the caller's data (not copied: keep it alive and unchanged until
 * FFTapeReset). With requires_grad its gradient is in t->grad after a backward. */
FFErrorCode FFTapeLeaf(FFTape *tape, int rows, int cols, const float *data, int requires_grad, FFTensor **t);
/* A leaf whose (uninitialized) data the tape owns and the caller fills before use. */
FFErrorCode FFTapeNew(FFTape *tape, int rows, int cols, int requires_grad, FFTensor **t);
/* The tensor view of a parameter (the same tensor for every use within one forward). */
FFErrorCode FFTapeParam(FFTape *tape, int index, FFTensor **t);
/* Backward from a scalar (1 x 1) loss with seed 1. Parameter gradients are ADDED to
 * param_grad (layout of FFParams; zero it yourself when a new sum starts). The tape
 * keeps the forward, so several backward passes may follow one forward (e.g. one per
 * loss, into two buffers). */
FFErrorCode FFTapeBackward(FFTape *tape, FFTensor *loss, float *param_grad);
/* Backward from caller-supplied output gradients (e.g. J^T F from a PDE residual):
 * grads[i] has the shape of outputs[i]; NULL means all ones. */
FFErrorCode FFTapeBackwardFrom(FFTape *tape, int n, FFTensor *const *outputs, const float *const *grads,
                               float *param_grad);
/* Releases an intermediate tensor's memory now; only when gradients are disabled
 * (otherwise a no-op, since the backward still needs it). */
void FFTapeDiscard(FFTape *tape, FFTensor *t);
void FFTapeGetStats(const FFTape *tape, FFTapeStats *stats);
static inline float FFTensorScalar(const FFTensor *t) { return t->data[0]; }

/* ====================================================================== operations
 * Each records itself on the tape (when gradients are enabled) and returns a new
 * tensor; its backward accumulates into the inputs that require a gradient. */

typedef enum { FF_ACT_NONE, FF_ACT_RELU, FF_ACT_SILU, FF_ACT_GELU, FF_ACT_SIN } FFActivation;

const char *FFActivationName(FFActivation act);
FFErrorCode FFActivationFromName(const char *name, FFActivation *act);

/* y = a b, or a b^T with transpose_b */
FFErrorCode FFOpMatMul(FFTape *tape, FFTensor *a, FFTensor *b, int transpose_b, FFTensor **y);
/* y = x + b, b is 1 x cols */
FFErrorCode FFOpBias(FFTape *tape, FFTensor *x, FFTensor *b, FFTensor **y);
FFErrorCode FFOpActivation(FFTape *tape, FFTensor *x, FFActivation act, FFTensor **y);
/* Per row: (x - mean) / sqrt(var + 1e-5) * gamma + beta; gamma, beta are 1 x cols */
FFErrorCode FFOpLayerNorm(FFTape *tape, FFTensor *x, FFTensor *gamma, FFTensor *beta, FFTensor **y);
/* Columns side by side (same rows). */
FFErrorCode FFOpConcat(FFTape *tape, int n, FFTensor *const *xs, FFTensor **y);
FFErrorCode FFOpSliceCols(FFTape *tape, FFTensor *x, int start, int count, FFTensor **y);
/* y[r] = x[map->idx[r]] (map->n rows) */
FFErrorCode FFOpGather(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y);
/* y[i] = sum of x[r] over r with map->idx[r] == i (map->n_src rows), in increasing r */
FFErrorCode FFOpScatterAdd(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y);
/* Elementwise; b may also be 1 x cols or rows x 1 (broadcast). */
FFErrorCode FFOpAdd(FFTape *tape, FFTensor *a, FFTensor *b, FFTensor **y);
FFErrorCode FFOpMul(FFTape *tape, FFTensor *a, FFTensor *b, FFTensor **y);
FFErrorCode FFOpScale(FFTape *tape, FFTensor *x, float s, FFTensor **y);
/* y = x + s z (same shapes); the temporal-unrolling update x + dt v */
FFErrorCode FFOpAxpy(FFTape *tape, FFTensor *x, float s, FFTensor *z, FFTensor **y);
/* 1 x 1 results */
FFErrorCode FFOpSum(FFTape *tape, FFTensor *x, FFTensor **y);
FFErrorCode FFOpMean(FFTape *tape, FFTensor *x, FFTensor **y);
/* mean((pred - target)^2); target may require a gradient too */
FFErrorCode FFOpMSE(FFTape *tape, FFTensor *pred, FFTensor *target, FFTensor **loss);
/* sum_ij w_ij (pred - target)^2 / sum_ij w_ij, with w rows x 1 (one weight per row,
 * e.g. a node mask) or rows x cols; the weights are constants */
FFErrorCode FFOpWeightedMSE(FFTape *tape, FFTensor *pred, FFTensor *target, FFTensor *weights, FFTensor **loss);
/* Softmax over each group of `group` consecutive columns of every row (group = cols: the usual
 * row-wise softmax; group = M with H M columns: one softmax per head), computed as
 * exp(x - max of the group) / sum. */
FFErrorCode FFOpSoftmax(FFTape *tape, FFTensor *x, int group, FFTensor **y);
/* Pooling over a clustering: y[i] = mean of x[r] over the rows r with map->idx[r] == i (map->n_src
 * rows; a cluster with no rows gives 0). Unpooling is FFOpGather through the same map. */
FFErrorCode FFOpSegmentMean(FFTape *tape, FFTensor *x, const FFIndexMap *map, FFTensor **y);
/* Physics attention's slices (Transolver, docs/references.md §8). w: N x (H M) slice weights of
 * N nodes (for head h the columns [h M, (h+1) M), normally a softmax over them), f: N x (H d).
 *   aggregate:  tokens T (M x H d),  T[m, h d + j] = sum_n w[n, h M + m] f[n, h d + j] / (sum_n w[n, h M + m] + 1e-5)
 *   distribute: y (N x H d),         y[n, h d + j] = sum_m w[n, h M + m] T[m, h d + j]
 * Cost O(N M d H) each way; one graph per call (the sums run over all rows). */
FFErrorCode FFOpSliceAggregate(FFTape *tape, FFTensor *w, FFTensor *f, int heads, FFTensor **tokens);
FFErrorCode FFOpSliceDistribute(FFTape *tape, FFTensor *w, FFTensor *tokens, int heads, FFTensor **y);
/* Multi-head scaled dot-product attention, no mask: q (Mq x H d), k and v (Mk x H d), head h in
 * the columns [h d, (h+1) d):  y_h = softmax(q_h k_h^T / sqrt(d)) v_h  (y: Mq x H d). Keeps the
 * H Mq Mk probabilities for the backward: for tens to hundreds of tokens, not for all nodes. */
FFErrorCode FFOpAttention(FFTape *tape, FFTensor *q, FFTensor *k, FFTensor *v, int heads, FFTensor **y);
/* [sin(2 pi x B^T), cos(2 pi x B^T), x] with B = freq (n_freq x in); x is appended
 * when include_input. */
FFErrorCode FFOpFourier(FFTape *tape, FFTensor *x, FFTensor *freq, int include_input, FFTensor **y);
/* A constant n x dim tensor [sin(t f_k), cos(t f_k)], f_k = max_period^(-k / (dim/2)). */
FFErrorCode FFTimeEmbedding(FFTape *tape, int n, const float *t, int dim, float max_period, FFTensor **y);

/* The fused linear layer all layers are built on:
 *   z = sum_j G_j(x_j W_j^T) + b + G_s(shift),   W = [W_0 | W_1 | ...] (out x sum in_j)
 *   y = act(z),  or  y = LN(z) (layer_norm, act must be NONE),  then  y += residual.
 * G_j is the identity (gather[j] == NULL) or a row gather through an index map, applied
 * after the product, so [h_sender, h_receiver, e] W^T costs node-sized products for the
 * node parts (MeshGraphNets). shift (optional) adds a per-row or gathered vector before
 * the activation (modulated MLPs). A residual requires act NONE. */
#define FF_LINEAR_MAX_IN 4
typedef struct {
  int n_inputs;
  FFTensor *x[FF_LINEAR_MAX_IN];
  const FFIndexMap *gather[FF_LINEAR_MAX_IN];
  FFTensor *weight; /* out x sum in_j */
  FFTensor *bias;   /* 1 x out, or NULL */
  FFTensor *shift;  /* rows x out, or n_src x out with shift_gather, or NULL */
  const FFIndexMap *shift_gather;
  FFActivation act;
  FFTensor *ln_gamma, *ln_beta; /* both or neither */
  FFTensor *residual;           /* rows x out, or NULL */
} FFLinearSpec;

FFErrorCode FFOpLinear(FFTape *tape, const FFLinearSpec *spec, FFTensor **y);

/* ====================================================================== layers
 * A layer registers its parameters in an FFParams at creation (names prefix.*) and
 * keeps their indices; its forward records operations on a tape bound to those params. */

typedef struct {
  int in, out;
  int weight, bias; /* parameter indices */
} FFLinear;

FFErrorCode FFLinearCreate(FFParams *params, const char *prefix, int in, int out, FFLinear *layer);
FFErrorCode FFLinearForward(const FFLinear *layer, FFTape *tape, FFTensor *x, FFActivation act, FFTensor **y);

#define FF_MLP_MAX_LAYERS 16
typedef struct {
  int in, hidden, out;
  int hidden_layers; /* layers with an activation; the MLP has hidden_layers + 1 linears */
  FFActivation act;  /* of the hidden layers */
  int layer_norm;    /* LayerNorm on the output */
} FFMLPConfig;

typedef struct {
  FFMLPConfig config;
  int n_layers;
  FFLinear layers[FF_MLP_MAX_LAYERS];
  int ln_gamma, ln_beta;
} FFMLP;

FFErrorCode FFMLPCreate(FFParams *params, const char *prefix, const FFMLPConfig *config, FFMLP *mlp);
FFErrorCode FFMLPForward(const FFMLP *mlp, FFTape *tape, FFTensor *x, FFTensor **y);
/* The first layer reads several inputs side by side (optionally gathered, see
 * FFLinearSpec), and the output may get a residual added. */
FFErrorCode FFMLPForwardMulti(const FFMLP *mlp, FFTape *tape, int n_inputs, FFTensor *const *xs,
                              const FFIndexMap *const *gathers, FFTensor *residual, FFTensor **y);
/* Floating-point operations (2 per multiply-add) of the products of one forward pass
 * over rows items; the backward costs about twice that. */
double FFMLPForwardFlops(const FFMLP *mlp, long rows);

/* MeshGraphNets encode-process-decode (Pfaff et al. 2021, docs/references.md §2):
 *   h = enc_node(x), e = enc_edge(x_e)
 *   per block: e' = e + MLP_e([h_s, h_r, e]),  h' = h + MLP_n([h, sum_incoming e'])
 *   out = dec(h). MLPs have hidden_layers layers of width `width`, LayerNorm on every
 *   MLP but the decoder, separate weights per block. */
typedef struct {
  int node_in, edge_in, out;
  int width, blocks, hidden_layers;
  FFActivation act;
} FFMeshGraphNetConfig;

typedef struct {
  FFMeshGraphNetConfig config;
  FFMLP node_encoder, edge_encoder, decoder;
  FFMLP *edge_mlp, *node_mlp; /* one per block */
} FFMeshGraphNet;

void FFMeshGraphNetConfigDefault(FFMeshGraphNetConfig *config);
FFErrorCode FFMeshGraphNetCreate(FFParams *params, const char *prefix, const FFMeshGraphNetConfig *config,
                                 FFMeshGraphNet *net);
void FFMeshGraphNetDestroy(FFMeshGraphNet *net);
/* node_x: n_nodes x node_in, edge_x: n_edges x edge_in; out: n_nodes x out */
FFErrorCode FFMeshGraphNetForward(const FFMeshGraphNet *net, FFTape *tape, const FFGraph *graph, FFTensor *node_x,
                                  FFTensor *edge_x, FFTensor **out);
/* One processor block on latents h (n_nodes x w) and e (n_edges x w), residual updates of both
 * (edge, then node); replaces *h and *e. For networks built around MeshGraphNets blocks. */
FFErrorCode FFMeshGraphNetBlockForward(const FFMLP *edge_mlp, const FFMLP *node_mlp, FFTape *tape, const FFGraph *graph,
                                       FFTensor **h, FFTensor **e);
/* Floating-point operations of one training step (forward + backward) as implemented. */
double FFMeshGraphNetStepFlops(const FFMeshGraphNet *net, long n_nodes, long n_edges);

/* Physics attention (Transolver, Wu et al. 2024; docs/references.md §8), a pre-norm residual block
 * that mixes all rows of its input (the nodes of one graph) at a cost linear in their number:
 *   x = LN(h),  w = softmax over each head's M slices of (x W_s^T + b_s)   (N x H M)
 *   T = FFOpSliceAggregate(w, x W_f^T + b_f)                              (M x width tokens)
 *   h' = h + FFOpSliceDistribute(w, MHA(T W_q^T, T W_k^T, T W_v^T)) W_o^T + b_o
 *   out = h' + MLP(LN(h'))   (hidden_layers of `width`, activation act)
 * One graph per forward: the slices pool over every row. */
typedef struct {
  int width, heads, slices; /* width: a multiple of heads (head dimension width / heads) */
  int hidden_layers;
  FFActivation act;
} FFPhysicsAttentionConfig;

typedef struct {
  FFPhysicsAttentionConfig config;
  int ln1_gamma, ln1_beta, ln2_gamma, ln2_beta;
  FFLinear values, slice_logits, out;
  int qkv[3]; /* weights of the query, key and value projections (no biases) */
  FFMLP mlp;
} FFPhysicsAttention;

void FFPhysicsAttentionConfigDefault(FFPhysicsAttentionConfig *config); /* 64 wide, 4 heads, 32 slices */
FFErrorCode FFPhysicsAttentionCreate(FFParams *params, const char *prefix, const FFPhysicsAttentionConfig *config,
                                     FFPhysicsAttention *block);
FFErrorCode FFPhysicsAttentionForward(const FFPhysicsAttention *block, FFTape *tape, FFTensor *h, FFTensor **y);

/* Multi-level mesh GNN (docs/references.md §11): MeshGraphNets blocks on a hierarchy of graphs
 * (level 0 the mesh graph, level l + 1 the clusters of level l), arranged as a U-Net:
 *   h = enc_node(x);  per level l: e_l = enc_edge_l(x_e,l)
 *   down, l = 0 .. L-1:  (l > 0: h = cluster mean of the level l - 1 latents), blocks[l] blocks
 *                        (FFMeshGraphNetBlockForward), skip_l = h
 *   coarsest:            mix_blocks physics-attention blocks (global mixing)
 *   up, l = L-2 .. 0:    h = skip_l + MLP_l([skip_l, h of the node's cluster]) (LayerNorm), then
 *                        blocks[l] more blocks with their own weights (edge latents continue)
 *   out = dec(h)
 * Every MLP has hidden_layers layers of `width` (act) and LayerNorm but the decoder's. With one
 * level and no mixing blocks this is MeshGraphNets with blocks[0] blocks. */
#define FF_MLGNN_MAX_LEVELS 6
typedef struct {
  int node_in, edge_in, out;
  int width, hidden_layers;
  FFActivation act;
  int levels;
  int blocks[FF_MLGNN_MAX_LEVELS]; /* message-passing blocks per level (each way but at the coarsest) */
  int mix_blocks, slices, heads;   /* physics attention at the coarsest level */
} FFMultiLevelGNNConfig;

typedef struct {
  FFMultiLevelGNNConfig config;
  FFMLP node_encoder, decoder;
  FFMLP edge_encoder[FF_MLGNN_MAX_LEVELS], unpool[FF_MLGNN_MAX_LEVELS];
  int n_blocks;
  FFMLP *edge_mlp, *node_mlp; /* level by level: down blocks, then up blocks */
  FFPhysicsAttention *mix;
} FFMultiLevelGNN;

void FFMultiLevelGNNConfigDefault(FFMultiLevelGNNConfig *config); /* 3 levels of 2 blocks, 1 mixing block */
FFErrorCode FFMultiLevelGNNCreate(FFParams *params, const char *prefix, const FFMultiLevelGNNConfig *config,
                                  FFMultiLevelGNN *net);
void FFMultiLevelGNNDestroy(FFMultiLevelGNN *net);
/* graphs[l] (levels of them), pools[l]: level l node -> level l + 1 node (levels - 1 of them, each
 * covering every node of level l), node_x: graphs[0]->n_nodes x node_in, edge_x[l]:
 * graphs[l]->n_edges x edge_in; out: graphs[0]->n_nodes x out. */
FFErrorCode FFMultiLevelGNNForward(const FFMultiLevelGNN *net, FFTape *tape, const FFGraph *const *graphs,
                                   const FFIndexMap *const *pools, FFTensor *node_x, FFTensor *const *edge_x,
                                   FFTensor **out);

/* Gaussian Fourier features (Tancik et al.; multi-scale as in Aero-Nef): frozen random
 * frequencies B_s ~ N(0, scale_s^2) for each scale, output [sin 2 pi xB, cos 2 pi xB, x]. */
#define FF_FOURIER_MAX_SCALES 8
typedef struct {
  int in, n_freq, n_scales, include_input;
  float scales[FF_FOURIER_MAX_SCALES];
  int freq; /* parameter index: (n_freq * n_scales) x in, frozen */
  int out;  /* output width */
} FFFourierFeatures;

FFErrorCode FFFourierFeaturesCreate(FFParams *params, const char *prefix, int in, int n_freq, int n_scales,
                                    const float *scales, int include_input, FFFourierFeatures *ff);
FFErrorCode FFFourierFeaturesForward(const FFFourierFeatures *ff, FFTape *tape, FFTensor *x, FFTensor **y);

/* Modulated MLP (neural field, Aero-Nef/MARIO, docs/references.md §3): a trunk
 *   z_l = act(W_l z_{l-1} + b_l + s_l(c)),  out = W_L z_{L-1} + b_L
 * whose hidden layers are shifted by s = hyper(c), an MLP of the per-sample
 * conditioning c; rows (points) map to samples through an index map. */
typedef struct {
  int in, width, depth, out; /* depth hidden layers of the trunk */
  FFActivation act;
  int cond_in, hyper_width, hyper_hidden_layers;
  FFActivation hyper_act;
} FFModulatedMLPConfig;

typedef struct {
  FFModulatedMLPConfig config;
  FFLinear trunk[FF_MLP_MAX_LAYERS]; /* depth hidden + 1 output */
  FFMLP hyper;                       /* cond_in -> depth * width */
} FFModulatedMLP;

FFErrorCode FFModulatedMLPCreate(FFParams *params, const char *prefix, const FFModulatedMLPConfig *config,
                                 FFModulatedMLP *net);
/* x: rows x in; cond: n_samples x cond_in; sample_of_row: rows -> n_samples */
FFErrorCode FFModulatedMLPForward(const FFModulatedMLP *net, FFTape *tape, FFTensor *x, FFTensor *cond,
                                  const FFIndexMap *sample_of_row, FFTensor **y);
/* Inference of a neural field (Fourier features ff, then net) in one pass, for a tape with
 * gradients disabled: each block of 256 points goes through the features and every layer while
 * it is in cache, blocks spread over the nn threads, and nothing is recorded (the tape gives
 * the scratch memory: 3 blocks of activations per thread). x: rows x ff->in (raw, before the
 * features); cond: n_samples x cond_in; point r belongs to sample sample_of_row[r]; y: rows x
 * out, caller-owned. Equals FFFourierFeaturesForward + FFModulatedMLPForward to float rounding. */
FFErrorCode FFModulatedMLPInfer(const FFFourierFeatures *ff, const FFModulatedMLP *net, FFTape *tape, int rows,
                                const float *x, int n_samples, const float *cond, const int *sample_of_row, float *y);

/* ====================================================================== optimizer */

typedef enum { FF_OPT_ADAM, FF_OPT_ADAMW } FFOptimizerType;
typedef enum { FF_SCHEDULE_CONSTANT, FF_SCHEDULE_COSINE, FF_SCHEDULE_PLATEAU } FFScheduleType;

typedef struct {
  FFScheduleType type;
  long warmup_steps; /* linear ramp lr * (s + 1) / warmup over the first steps */
  long total_steps;  /* cosine: decays from lr to min_lr at total_steps (or at the end of a time
                        budget, FFOptimizerSetClock, whichever comes first) */
  double min_lr;
  double plateau_factor;    /* lr *= factor ... */
  long plateau_patience;    /* ... after this many observations without improvement */
  double plateau_threshold; /* relative improvement that counts */
} FFScheduleConfig;

typedef struct {
  FFOptimizerType type;
  double lr, beta1, beta2, eps;
  double weight_decay; /* Adam: L2 added to the gradient; AdamW: decoupled */
  double clip_norm;    /* global gradient norm limit; 0 = off */
  double ema_decay;    /* exponential moving average of the weights; 0 = off */
  int ema_warmup;      /* decay min(ema_decay, (1 + k) / (10 + k)) at step k, so that the average
                        * forgets the initial weights within tens of steps (a plain EMA of decay d
                        * keeps d^k of them: 0.999^600 = 55% after 600 steps) */
  FFScheduleConfig schedule;
} FFOptimizerConfig;

/* The mutable state, exposed for checkpoints. Arrays point into the optimizer. */
typedef struct {
  long step;    /* applied steps */
  long skipped; /* steps refused for a non-finite loss or gradient */
  double plateau_lr, plateau_best;
  long plateau_bad;
  double clock; /* fraction of a time budget spent (FFOptimizerSetClock); 0 without one */
  size_t n;
  float *m, *v, *ema; /* ema is NULL when off */
} FFOptimizerState;

typedef struct {
  int applied;      /* 0 when skipped */
  double grad_norm; /* before clipping */
  double lr;
} FFStepInfo;

typedef struct FFOptimizer FFOptimizer;

void FFOptimizerConfigDefault(FFOptimizerConfig *config);
FFErrorCode FFOptimizerCreate(const FFParams *params, const FFOptimizerConfig *config, FFOptimizer **opt);
void FFOptimizerDestroy(FFOptimizer **opt);
/* One update from a gradient (layout of params): refused, with a warning, when loss or
 * gradient is not finite. Clipping scales grad in place. */
FFErrorCode FFOptimizerStep(FFOptimizer *opt, FFParams *params, float *grad, double loss, FFStepInfo *info);
/* Plateau schedule: feed the monitored metric (e.g. validation loss) once per epoch. */
void FFOptimizerObserve(FFOptimizer *opt, double metric);
/* Training to a time budget: the fraction of it spent so far (clamped to [0, 1]; it never goes
 * back). The cosine schedule's progress is then the larger of this fraction and the fraction of
 * total_steps done, so a run reaches min_lr when its budget or its steps end, whichever is
 * first. The caller supplies the clock so that all ranks of a data-parallel run agree on it. */
void FFOptimizerSetClock(FFOptimizer *opt, double fraction);
double FFOptimizerGetClock(const FFOptimizer *opt); /* the fraction set last; 0 without a budget */
double FFOptimizerLearningRate(const FFOptimizer *opt);
const FFOptimizerConfig *FFOptimizerGetConfig(const FFOptimizer *opt);
void FFOptimizerGetState(FFOptimizer *opt, FFOptimizerState *state);
/* Restores the counters (step, skipped, plateau state) of a saved state; the arrays are
 * written in place through FFOptimizerGetState's pointers. */
FFErrorCode FFOptimizerSetCounters(FFOptimizer *opt, const FFOptimizerState *state);
/* Exchanges the EMA weights with the live parameters (evaluate with the average, then
 * swap back). */
FFErrorCode FFOptimizerSwapEMA(FFOptimizer *opt, FFParams *params);
/* The learning rate a schedule gives at a step (plateau_lr is the plateau's current base). */
double FFScheduleLearningRate(const FFScheduleConfig *schedule, double base_lr, double plateau_lr, long step);
/* The same with a time budget of which the fraction `clock` is spent (see FFOptimizerSetClock). */
double FFScheduleLearningRateAt(const FFScheduleConfig *schedule, double base_lr, double plateau_lr, long step,
                                double clock);

/* Global L2 norm of a flat array (double accumulation, fixed order). */
double FFGradNorm(const float *grad, size_t n);

/* ====================================================================== data parallel
 * Averages a flat array over the ranks of comm with one MPI_Allreduce (in place). */
FFErrorCode FFAllreduceMean(MPI_Comm comm, float *buf, size_t n);

/* ====================================================================== elementary functions
 * Over arrays, for the activations and the Fourier features: SLEEF's vectorized routines in the
 * widest instruction set of the CPU (AVX-512, AVX2 + FMA, or SSE2; plain libm off x86-64),
 * chosen at each call. Error bounds (SLEEF's, checked against libm in double by
 * tests/test_nn_vmath.c): exp 1.0 ulp; sin(pi x), cos(pi x) 0.506 ulp; SiLU and its derivative
 * a few ulp (docs/nn.md). Outputs may overwrite inputs (y == x, c == x, dz == dy). */
typedef struct {
  const char *isa; /* "avx512f", "avx2", "sse2" or "libm" */
  void (*exp)(long n, const float *x, float *y);
  void (*sincospi)(long n, const float *x, float *s, float *c);              /* sin(pi x), cos(pi x) */
  void (*silu)(long n, const float *x, float *y);                            /* x / (1 + exp(-x)) */
  void (*silu_backward)(long n, const float *z, const float *dy, float *dz); /* dz = dy silu'(z) */
} FFVecMath;

/* The routines of an instruction set, or NULL when this CPU lacks it; isa NULL: the best. */
const FFVecMath *FFVecMathGet(const char *isa);
void FFVecExp(long n, const float *x, float *y);
void FFVecSinCosPi(long n, const float *x, float *s, float *c);
void FFVecSiLU(long n, const float *x, float *y);
void FFVecSiLUBackward(long n, const float *z, const float *dy, float *dz);

/* ====================================================================== threads */
/* Threads the nn kernels use (omp_get_max_threads, i.e. OMP_NUM_THREADS by default). */
int FFNNThreads(void);
/* Sets them (omp_set_num_threads) for the calling thread's later nn calls. */
void FFNNSetThreads(int n);

#ifdef __cplusplus
}
#endif

#endif
