/* ConFIG: conflict-free combination of two loss gradients (Liu, Chu, Thuerey 2024; the form
 * PBFM uses, docs/references.md §1). The direction g_v bisects the two directions that are each
 * orthogonal to one gradient, so it has a non-negative dot product with both, and the length
 * is the sum of the projections; there is no loss weight to tune. Used by the physics loss of
 * the deterministic surrogates and by flow matching with its residual loss. */
#include "ff_train.h"

#include <math.h>

/* Dot products in double over fixed chunks, summed in order: the same bits on every run. */
static double Dot(size_t n, const float *a, const float *b)
{
  double total = 0.0;
  for (size_t start = 0; start < n; start += 4096) {
    const size_t end = start + 4096 < n ? start + 4096 : n;
    double part = 0.0;
    for (size_t i = start; i < end; i++) part += (double)a[i] * (double)b[i];
    total += part;
  }
  return total;
}

static int AllFinite(size_t n, const float *a)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(a[i])) return 0;
  return 1;
}

PetscErrorCode FFConFIGCombine(size_t n, const float *g1, const float *g2, float *g, FFConFIGInfo *info)
{
  FFConFIGInfo in = {0};

  PetscFunctionBegin;
  const double n11 = Dot(n, g1, g1), n22 = AllFinite(n, g2) ? Dot(n, g2, g2) : NAN, n12 = Dot(n, g1, g2);
  in.norm1 = sqrt(n11);
  in.norm2 = sqrt(n22);
  if (!(n22 > 0) || !isfinite(n22)) { /* no usable second gradient: plain g1 */
    if (g != g1)
      for (size_t i = 0; i < n; i++) g[i] = g1[i];
    in.used = 1;
    in.dot1 = n11;
    if (info) *info = in;
    PetscFunctionReturn(0);
  }
  if (!(n11 > 0)) { /* nothing from g1: plain g2 */
    for (size_t i = 0; i < n; i++) g[i] = g2[i];
    in.used = 0;
    in.dot2 = n22;
    if (info) *info = in;
    PetscFunctionReturn(0);
  }
  in.cosine = n12 / sqrt(n11 * n22);
  /* O(g1, g2) = g2 - (g1.g2/|g1|^2) g1 and O(g2, g1) = g1 - (g1.g2/|g2|^2) g2 have norms
   * |g2| sin and |g1| sin; their unit sum is a combination a g1 + b g2 with: */
  const double sin2 = 1.0 - in.cosine * in.cosine;
  double a, b;
  if (sin2 > 1e-12) {
    const double o12 = sqrt(n22 * sin2), o21 = sqrt(n11 * sin2);
    a = 1.0 / o21 - (n12 / n11) / o12; /* coefficient of g1 */
    b = 1.0 / o12 - (n12 / n22) / o21; /* coefficient of g2 */
  } else {                             /* (anti)parallel: the bisector of the two unit vectors */
    a = 1.0 / sqrt(n11);
    b = 1.0 / sqrt(n22);
  }
  /* g_v = (a g1 + b g2) / |a g1 + b g2|, g = (g1.g_v + g2.g_v) g_v, all in closed form */
  const double vv = a * a * n11 + 2 * a * b * n12 + b * b * n22;
  if (!(vv > 0)) { /* opposite gradients of equal direction: no conflict-free update exists */
    for (size_t i = 0; i < n; i++) g[i] = 0.0f;
    in.used = 2;
    if (info) *info = in;
    PetscFunctionReturn(0);
  }
  const double v1 = a * n11 + b * n12, v2 = a * n12 + b * n22; /* (a g1 + b g2) . g1, . g2 */
  const double scale = (v1 + v2) / vv;
  const double c1 = scale * a, c2 = scale * b;
  for (size_t i = 0; i < n; i++) g[i] = (float)(c1 * g1[i] + c2 * g2[i]);
  in.dot1 = scale * v1;
  in.dot2 = scale * v2;
  in.used = 2;
  if (info) *info = in;
  PetscFunctionReturn(0);
}
