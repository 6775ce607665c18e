/* Private to surrogates/: the model object shared by the model, GNN, mlgnn, field and file code. */
#ifndef MODELS_PRIVATE_H
#define MODELS_PRIVATE_H

#include "ff_petsc.h"
#include "ff_surrogate.h"

/* Field forwards keep their row -> sample maps until the tape is reset; a few forwards per
 * tape (data subset, full physics pass) cycle through these. */
#define FF_SURR_FIELD_MAPS 4

struct _p_FFSurrogate {
  MPI_Comm comm;
  FFSurrogateConfig config;
  FFSurrogateSchema schema;
  uint64_t seed;
  int n_in, n_out;                             /* input-field and output columns */
  FFNormalizer raw_norm;                       /* x, y, sdf as given (centres and scales of the stretch) */
  FFNormalizer node_norm;                      /* x, y, sdf (stretched), input fields */
  FFNormalizer edge_norm;                      /* dx, dy, |d| */
  FFNormalizer cond_norm;                      /* conditions (log-transformed where so) */
  FFNormalizer out_norm;                       /* outputs */
  FFNormalizer level_norm[FF_SURR_MAX_LEVELS]; /* mlgnn: dx, dy, |d| of the edges of levels >= 1 */
  int normalizers_ready;
  FFParams *params;
  FFMeshGraphNet mgn;
  FFMultiLevelGNN mlgnn;
  FFFourierFeatures fourier;
  FFModulatedMLP field;
  FFIndexMap *maps[FF_SURR_FIELD_MAPS];
  int next_map;
  FFTape *infer_tape; /* gradients off */
};

/* GNN (gnn.c) and neural field (field.c) */
PetscErrorCode FFSurrogateGNNCreate(FFSurrogate s);
PetscErrorCode FFSurrogateGNNForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, FFTensor **out);
PetscErrorCode FFSurrogateFieldCreate(FFSurrogate s);
PetscErrorCode FFSurrogateFieldForward(FFSurrogate s, FFTape *tape, int n_graphs, FFSurrogateGraph *const *gs,
                                       int n_points, const int *points, FFTensor **out);

/* One row of normalized node inputs (model.c): [category one-hot (GNN)], x, y, sdf (stretched),
 * input fields, [conditions (GNN)]; the derivatives of its x, y, sdf columns with respect to the
 * raw x, y, sdf (each depends on its own raw value only); normalized conditions (max(n_cond, 1)). */
void FFSurrogateNodeRow(FFSurrogate s, const double xy[2], double sdf, const double *inputs, const float *cond_x,
                        unsigned char category, float *out);
void FFSurrogateNodeInputDerivative(FFSurrogate s, const double xy[2], double sdf, double d[3]);
void FFSurrogateConditionsNormalized(FFSurrogate s, const double raw[], float *cond_x);

/* Multi-level GNN (mlgnn.c): the graph's levels are built on first use and kept with it. */
PetscErrorCode FFSurrogateMLGNNCreate(FFSurrogate s);
PetscErrorCode FFSurrogateMLGNNAccumulate(FFSurrogate s, FFSurrogateGraph *g); /* level edge statistics */
PetscErrorCode FFSurrogateMLGNNPrepare(FFSurrogate s, FFSurrogateGraph *g);    /* levels, their edge inputs */
PetscErrorCode FFSurrogateMLGNNForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, FFTensor **out);

/* Node input columns of the model type (before normalization: category one-hot, then the
 * normalized x, y, sdf and input fields; the GNN appends the conditions). */
int FFSurrogateNodeColumnsOf(const FFSurrogateConfig *c, const FFSurrogateSchema *schema);

#endif
