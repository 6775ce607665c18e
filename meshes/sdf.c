/* Exact point-to-segment distances through a bounding volume hierarchy: the segments are
 * split at the median along the longer side of their box until a leaf holds a few; a query
 * visits the nearer child first and skips boxes farther than the best distance so far.
 * Far points (the airfoil far field) prune almost everything, so a query costs ~log n. */
#include "mesh_private.h"

#define LEAF_SIZE 4

typedef struct {
  PetscReal lo[2], hi[2];
  PetscInt left, right; /* children, or -1 for a leaf */
  PetscInt begin, end;  /* leaf: segments order[begin .. end) */
} BvhNode;

typedef struct {
  PetscReal key;
  PetscInt index;
} Keyed;

typedef struct {
  const PetscReal *seg;
  PetscInt *order;
  Keyed *scratch;
  BvhNode *nodes;
  PetscInt n_nodes;
} Bvh;

static int CompareKeys(const void *a, const void *b)
{
  const Keyed *x = (const Keyed *)a, *y = (const Keyed *)b;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* Orders segments [begin, end) by their centroid along axis k. */
static void SortRange(Bvh *t, PetscInt begin, PetscInt end, int k)
{
  for (PetscInt i = begin; i < end; i++) {
    const PetscReal *s = &t->seg[4 * t->order[i]];
    t->scratch[i - begin].key = s[k] + s[2 + k];
    t->scratch[i - begin].index = t->order[i];
  }
  qsort(t->scratch, (size_t)(end - begin), sizeof(Keyed), CompareKeys);
  for (PetscInt i = begin; i < end; i++) t->order[i] = t->scratch[i - begin].index;
}

static PetscInt Build(Bvh *t, PetscInt begin, PetscInt end)
{
  PetscInt id = t->n_nodes++;
  BvhNode *n = &t->nodes[id];
  n->lo[0] = n->lo[1] = PETSC_MAX_REAL;
  n->hi[0] = n->hi[1] = -PETSC_MAX_REAL;
  for (PetscInt i = begin; i < end; i++) {
    const PetscReal *s = &t->seg[4 * t->order[i]];
    for (int k = 0; k < 2; k++) {
      n->lo[k] = PetscMin(n->lo[k], PetscMin(s[k], s[2 + k]));
      n->hi[k] = PetscMax(n->hi[k], PetscMax(s[k], s[2 + k]));
    }
  }
  n->begin = begin, n->end = end, n->left = n->right = -1;
  if (end - begin <= LEAF_SIZE) return id;
  SortRange(t, begin, end, n->hi[0] - n->lo[0] >= n->hi[1] - n->lo[1] ? 0 : 1);
  PetscInt mid = begin + (end - begin) / 2;
  PetscInt left = Build(t, begin, mid), right = Build(t, mid, end);
  t->nodes[id].left = left, t->nodes[id].right = right;
  return id;
}

static inline PetscReal SegmentDist2(const PetscReal *s, const PetscReal p[2])
{
  PetscReal dx = s[2] - s[0], dy = s[3] - s[1], len2 = dx * dx + dy * dy, t = 0;
  if (len2 > 0) t = PetscMax(0, PetscMin(1, ((p[0] - s[0]) * dx + (p[1] - s[1]) * dy) / len2));
  PetscReal ex = s[0] + t * dx - p[0], ey = s[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}

static inline PetscReal BoxDist2(const BvhNode *n, const PetscReal p[2])
{
  PetscReal d2 = 0;
  for (int k = 0; k < 2; k++) {
    PetscReal d = p[k] < n->lo[k] ? n->lo[k] - p[k] : (p[k] > n->hi[k] ? p[k] - n->hi[k] : 0);
    d2 += d * d;
  }
  return d2;
}

static PetscReal Query(const Bvh *t, const PetscReal p[2])
{
  PetscInt stack[128], top = 0;
  PetscReal best = PETSC_MAX_REAL;
  stack[top++] = 0;
  while (top) {
    const BvhNode *n = &t->nodes[stack[--top]];
    if (BoxDist2(n, p) >= best) continue;
    if (n->left < 0) {
      for (PetscInt i = n->begin; i < n->end; i++) best = PetscMin(best, SegmentDist2(&t->seg[4 * t->order[i]], p));
      continue;
    }
    PetscReal dl = BoxDist2(&t->nodes[n->left], p), dr = BoxDist2(&t->nodes[n->right], p);
    /* push the farther child first so the nearer one is popped next */
    stack[top++] = dl < dr ? n->right : n->left;
    stack[top++] = dl < dr ? n->left : n->right;
  }
  return PetscSqrtReal(best);
}

PetscErrorCode FFSegmentDistance(PetscInt n_segments, const PetscReal segments[], PetscInt n_points,
                                 const PetscReal points[], PetscReal distance[])
{
  Bvh t = {segments, NULL, NULL, NULL, 0};
  PetscFunctionBegin;
  PetscCheck(n_segments > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "distance to an empty set of segments");
  PetscCall(PetscMalloc3(n_segments, &t.order, n_segments, &t.scratch, 2 * n_segments, &t.nodes));
  for (PetscInt i = 0; i < n_segments; i++) t.order[i] = i;
  Build(&t, 0, n_segments);
  for (PetscInt i = 0; i < n_points; i++) distance[i] = Query(&t, &points[2 * i]);
  PetscCall(PetscFree3(t.order, t.scratch, t.nodes));
  PetscFunctionReturn(0);
}
