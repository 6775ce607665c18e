/* The neural-field surrogate (docs/references.md §3, Aero-Nef/MARIO): Gaussian Fourier features of
 * the normalized (x, y, sdf[, input fields]) feed an MLP trunk whose hidden layers are shifted
 * by a hypernetwork of the case conditions. It is evaluated point by point, so it trains on
 * random node subsets and predicts on any set of points. */
#include "models_private.h"

PetscErrorCode FFSurrogateFieldCreate(FFSurrogate s)
{
  const FFSurrogateConfig *c = &s->config;

  PetscFunctionBegin;
  PetscCallFF(FFFourierFeaturesCreate(s->params, "field.fourier", FFSurrogateNodeColumns(s), c->fourier_freq,
                                      c->n_scales, c->scales, 1, &s->fourier));
  FFModulatedMLPConfig m = {.in = s->fourier.out,
                            .width = c->width,
                            .depth = c->depth,
                            .out = s->n_out,
                            .act = c->act,
                            .cond_in = s->schema.n_cond > 0 ? s->schema.n_cond : 1,
                            .hyper_width = c->hyper_width,
                            .hyper_hidden_layers = c->hyper_layers,
                            .hyper_act = FF_ACT_SILU};
  PetscCallFF(FFModulatedMLPCreate(s->params, "field.net", &m, &s->field));
  PetscFunctionReturn(0);
}

/* Rows: n_points nodes of each graph (points[k * n_points + i]; NULL: every node of the one
 * graph), graph-major. */
PetscErrorCode FFSurrogateFieldForward(FFSurrogate s, FFTape *tape, int n_graphs, FFSurrogateGraph *const *gs,
                                       int n_points, const int *points, FFTensor **out)
{
  const int nc = FFSurrogateNodeColumns(s), ncond = s->schema.n_cond > 0 ? s->schema.n_cond : 1;
  const long rows = (long)n_graphs * n_points;
  FFTensor *x, *cond, *feat;
  FFIndexMap *map = s->maps[s->next_map];
  int *idx;

  PetscFunctionBegin;
  PetscCheck(points || n_graphs == 1, s->comm, PETSC_ERR_ARG_WRONG, "several graphs need point lists");
  s->next_map = (s->next_map + 1) % FF_SURR_FIELD_MAPS;
  PetscCallFF(FFTapeNew(tape, (int)rows, nc, 0, &x));
  PetscCallFF(FFTapeNew(tape, n_graphs, ncond, 0, &cond));
  PetscCall(PetscMalloc1(rows + 1, &idx));
  for (int k = 0; k < n_graphs; k++) {
    const FFSurrogateGraph *g = gs[k];
    PetscCheck(g->node_x && g->cond_x, s->comm, PETSC_ERR_ORDER, "graph not prepared for the neural field");
    for (int c = 0; c < ncond; c++) cond->data[k * ncond + c] = g->cond_x[c];
    for (int i = 0; i < n_points; i++) {
      const int node = points ? points[(size_t)k * n_points + i] : i;
      PetscCheck(node >= 0 && node < g->n_nodes, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "point %d is node %d of %d", i,
                 node, g->n_nodes);
      PetscCall(PetscArraycpy(&x->data[((size_t)k * n_points + i) * nc], &g->node_x[(size_t)node * nc], nc));
      idx[(size_t)k * n_points + i] = k;
    }
  }
  PetscCallFF(FFIndexMapSet(map, n_graphs, (int)rows, idx));
  PetscCall(PetscFree(idx));
  PetscCallFF(FFFourierFeaturesForward(&s->fourier, tape, x, &feat));
  PetscCallFF(FFModulatedMLPForward(&s->field, tape, feat, cond, map, out));
  FFTapeDiscard(tape, feat);
  PetscFunctionReturn(0);
}
