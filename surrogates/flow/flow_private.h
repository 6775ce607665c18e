/* Private to the flow-matching files of surrogates/: the model object. */
#ifndef FLOW_PRIVATE_H
#define FLOW_PRIVATE_H

#include "ff_flow.h"
#include "ff_petsc.h"

#define FF_FLOW_STATIC_IN (FF_FLOW_CATEGORIES + 3) /* category one-hot, x, y, sdf */
#define FF_FLOW_EDGE_IN   3                        /* dx, dy, length */
#define FF_FLOW_FORMAT    "fieldflow-flow"

struct _p_FFFlowModel {
  MPI_Comm comm;
  FFFlowModelConfig config;
  int n_fields;
  FFFlowField fields[FF_FLOW_MAX_FIELDS];
  int cols;
  int on_vertices; /* the model's rows are the mesh vertices (every field is a vertex field) */
  int rows;        /* model nodes of one sample */
  FFSampleMesh mesh;
  char **group_names; /* owned copies (mesh.group_names points here) */
  /* one sample's graph: static node features, edges and their features */
  float *static_x; /* rows x FF_FLOW_STATIC_IN */
  int n_edges;
  int *senders, *receivers;
  float *edge_x; /* n_edges x FF_FLOW_EDGE_IN */
  /* the union of max_batch copies, and the graph of the batch size in use */
  int max_batch, batch;
  float *u_static, *u_edge, *inv_count, *cond_x;
  int *u_send, *u_recv, *u_sample;
  FFGraph *graph;
  FFIndexMap *sample_of;
  int *mid_parent; /* 2 vertices per edge-midpoint node (node - n_vertices) */
  /* normalization: x = (field - mean) / std per model row and column */
  double *mean, *std;
  double cond_mean[FF_FLOW_MAX_COND], cond_std[FF_FLOW_MAX_COND];
  const double *cond_raw; /* the conditions of the batch in use (n x n_cond), or NULL */
  /* the network */
  FFParams *params;
  FFFlowNet net;
  FFTape *tape; /* for sampling */
  /* where the training data came from */
  char data_dir[PETSC_MAX_PATH_LEN];
  long mesh_sample;
};

/* graph.c: static features and edges of the model's rows; the batch union. */
PetscErrorCode FFFlowModelBuildGraph(FFFlowModel m);
PetscErrorCode FFFlowModelSetBatch(FFFlowModel m, int n);
PetscErrorCode FFFlowModelFreeGraph(FFFlowModel m);

/* normalize.c */
PetscErrorCode FFFlowModelBuildMidpoints(FFFlowModel m);
/* The raw values of a sample at the model's rows (rows x cols). */
PetscErrorCode FFFlowModelRawRows(FFFlowModel m, const FFSample *sample, double x[]);

/* model.c */
PetscErrorCode FFFlowMeshCopy(const FFSampleMesh *src, FFSampleMesh *dst, char ***names);
PetscErrorCode FFFlowMeshFree(FFSampleMesh *mesh, char ***names);
/* Builds everything but the normalization from config, fields and mesh (shared by Create
 * and Load). */
PetscErrorCode FFFlowModelAssemble(MPI_Comm comm, const FFFlowModelConfig *config, int n_fields,
                                   const FFFlowField fields[], const FFSampleMesh *mesh, FFFlowModel *model);

#endif
