/* The MeshGraphNets surrogate (docs/references.md §2): encode-process-decode on the P2 node graph.
 * Node inputs: category one-hot, position, wall distance, input fields and the case
 * conditions; edge inputs: relative position and length; outputs: the normalized node
 * fields. */
#include "models_private.h"

PetscErrorCode FFSurrogateGNNCreate(FFSurrogate s)
{
  FFMeshGraphNetConfig c;

  PetscFunctionBegin;
  FFMeshGraphNetConfigDefault(&c);
  c.node_in = FFSurrogateNodeColumns(s);
  c.edge_in = 3;
  c.out = s->n_out;
  c.width = s->config.width;
  c.blocks = s->config.blocks;
  c.hidden_layers = s->config.depth;
  c.act = s->config.act;
  PetscCallFF(FFMeshGraphNetCreate(s->params, "mgn", &c, &s->mgn));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSurrogateGNNForward(FFSurrogate s, FFTape *tape, FFSurrogateGraph *g, FFTensor **out)
{
  FFTensor *x, *e;

  PetscFunctionBegin;
  PetscCheck(g->graph && g->edge_x, s->comm, PETSC_ERR_ORDER, "graph not prepared for the GNN");
  PetscCallFF(FFTapeLeaf(tape, g->n_nodes, FFSurrogateNodeColumns(s), g->node_x, 0, &x));
  PetscCallFF(FFTapeLeaf(tape, g->n_edges, 3, g->edge_x, 0, &e));
  PetscCallFF(FFMeshGraphNetForward(&s->mgn, tape, g->graph, x, e, out));
  PetscFunctionReturn(0);
}
