/* The fused linear operation (see FFLinearSpec): products, gathers, bias, shift,
 * activation, LayerNorm and residual in one pass over row blocks, so each block's GEMM
 * result is finished while it is still in cache. */
#include "nn_private.h"

#include <cblas.h>

typedef struct {
  int rows, out, in_total;
  int off[FF_LINEAR_MAX_IN]; /* column offset of W_j in the weight */
  int any_direct;            /* some input is not gathered */
  int ln;
} LinearShape;

static FFErrorCode CheckSpec(const FFLinearSpec *s, LinearShape *sh)
{
  FF_ASSERT(s->n_inputs >= 1 && s->n_inputs <= FF_LINEAR_MAX_IN, FF_ERR_ARG, "linear with %d inputs (1..%d)",
            s->n_inputs, FF_LINEAR_MAX_IN);
  FF_ASSERT(s->weight, FF_ERR_ARG, "linear without a weight");
  memset(sh, 0, sizeof *sh);
  sh->rows = -1;
  for (int j = 0; j < s->n_inputs; j++) {
    const FFTensor *x = s->x[j];
    FF_ASSERT(x, FF_ERR_ARG, "linear input %d is NULL", j);
    int rows = x->rows;
    if (s->gather[j]) {
      FF_ASSERT(s->gather[j]->n_src == x->rows, FF_ERR_ARG, "linear input %d has %d rows but its gather map reads %d",
                j, x->rows, s->gather[j]->n_src);
      rows = s->gather[j]->n;
    } else {
      sh->any_direct = 1;
    }
    FF_ASSERT(sh->rows < 0 || rows == sh->rows, FF_ERR_ARG, "linear input %d gives %d rows, input 0 gives %d", j, rows,
              sh->rows);
    sh->rows = rows;
    sh->off[j] = sh->in_total;
    sh->in_total += x->cols;
  }
  sh->out = s->weight->rows;
  FF_ASSERT(s->weight->cols == sh->in_total, FF_ERR_ARG, "linear weight is %d x %d but the inputs have %d columns",
            s->weight->rows, s->weight->cols, sh->in_total);
  if (s->bias)
    FF_ASSERT(s->bias->rows == 1 && s->bias->cols == sh->out, FF_ERR_ARG, "linear bias %d x %d, needs 1 x %d",
              s->bias->rows, s->bias->cols, sh->out);
  if (s->shift) {
    int srows = s->shift_gather ? s->shift_gather->n_src : sh->rows;
    FF_ASSERT(s->shift->rows == srows && s->shift->cols == sh->out, FF_ERR_ARG, "linear shift %d x %d, needs %d x %d",
              s->shift->rows, s->shift->cols, srows, sh->out);
    if (s->shift_gather)
      FF_ASSERT(s->shift_gather->n == sh->rows, FF_ERR_ARG, "linear shift map has %d rows, the output %d",
                s->shift_gather->n, sh->rows);
    for (int j = 0; j < s->n_inputs; j++)
      FF_ASSERT(s->shift != s->x[j], FF_ERR_ARG, "linear shift must not also be an input");
  }
  sh->ln = s->ln_gamma != NULL;
  FF_ASSERT((s->ln_gamma == NULL) == (s->ln_beta == NULL), FF_ERR_ARG, "layer norm needs both gain and bias");
  if (sh->ln) {
    FF_ASSERT(s->act == FF_ACT_NONE, FF_ERR_ARG, "linear with layer norm must have no activation");
    FF_ASSERT(s->ln_gamma->rows == 1 && s->ln_gamma->cols == sh->out && s->ln_beta->rows == 1 &&
                  s->ln_beta->cols == sh->out,
              FF_ERR_ARG, "layer norm gain/bias must be 1 x %d", sh->out);
  }
  if (s->residual) {
    FF_ASSERT(s->act == FF_ACT_NONE, FF_ERR_ARG, "linear with a residual must have no activation");
    FF_ASSERT(s->residual->rows == sh->rows && s->residual->cols == sh->out, FF_ERR_ARG,
              "linear residual %d x %d, needs %d x %d", s->residual->rows, s->residual->cols, sh->rows, sh->out);
  }
  return FF_SUCCESS;
}

static int SpecRequiresGrad(const FFLinearSpec *s)
{
  FFTensor *t[FF_LINEAR_MAX_IN + 6] = {s->weight, s->bias, s->shift, s->ln_gamma, s->ln_beta, s->residual};
  for (int j = 0; j < s->n_inputs; j++) t[6 + j] = s->x[j];
  return FFAnyRequiresGrad(6 + s->n_inputs, t);
}

/* z (one row) += gathered products, bias and shift */
static inline void AddRowTerms(const FFLinearSpec *s, const LinearShape *sh, float *const *P, int r, float *z)
{
  int out = sh->out;
  for (int j = 0; j < s->n_inputs; j++)
    if (s->gather[j]) {
      const float *p = P[j] + (size_t)s->gather[j]->idx[r] * out;
#pragma omp simd
      for (int k = 0; k < out; k++) z[k] += p[k];
    }
  if (s->bias)
#pragma omp simd
    for (int k = 0; k < out; k++) z[k] += s->bias->data[k];
  if (s->shift) {
    const float *sv = s->shift->data + (size_t)(s->shift_gather ? s->shift_gather->idx[r] : r) * out;
#pragma omp simd
    for (int k = 0; k < out; k++) z[k] += sv[k];
  }
}

FF_KERNEL static void ForwardBlock(const FFLinearSpec *s, const LinearShape *sh, float *const *P, int r0, int r1,
                                   float *y, float *zsave, float *xhat, float *rstd, float *scratch)
{
  int out = sh->out, nb = r1 - r0;
  /* where z of this block goes */
  float *z;
  size_t ldz = out;
  if (sh->ln || (s->act != FF_ACT_NONE && s->act != FF_ACT_RELU && !zsave))
    z = scratch;
  else if (s->act != FF_ACT_NONE && s->act != FF_ACT_RELU)
    z = zsave + (size_t)r0 * out;
  else
    z = y + (size_t)r0 * out;
  float beta = 0.0f;
  for (int j = 0; j < s->n_inputs; j++) {
    if (s->gather[j]) continue;
    const FFTensor *x = s->x[j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, out, x->cols, 1.0f, x->data + (size_t)r0 * x->cols,
                x->cols, s->weight->data + sh->off[j], sh->in_total, beta, z, out);
    beta = 1.0f;
  }
  if (!sh->any_direct) memset(z, 0, (size_t)nb * out * sizeof(float));
  for (int i = 0; i < nb; i++) {
    int r = r0 + i;
    /* gathered rows arrive in graph order: fetch a few rows ahead */
    for (int j = 0; j < s->n_inputs; j++)
      if (s->gather[j] && r + 4 < r1) {
        const char *next = (const char *)(P[j] + (size_t)s->gather[j]->idx[r + 4] * out);
        for (int b = 0; b < out * (int)sizeof(float); b += 64) __builtin_prefetch(next + b);
      }
    float *zr = z + (size_t)i * ldz;
    float *yr = y + (size_t)r * out;
    AddRowTerms(s, sh, P, r, zr);
    const float *res = s->residual ? s->residual->data + (size_t)r * out : NULL;
    if (sh->ln) {
      float rs =
          FFLayerNormRow(out, zr, s->ln_gamma->data, s->ln_beta->data, res, xhat ? xhat + (size_t)r * out : NULL, yr);
      if (rstd) rstd[r] = rs;
    } else if (res) {
#pragma omp simd
      for (int k = 0; k < out; k++) yr[k] = zr[k] + res[k];
    } else {
      FFActApply(s->act, out, zr, yr);
    }
  }
}

static FFErrorCode GatheredProducts(FFTape *tape, const FFLinearSpec *s, const LinearShape *sh, float **P, int *blocks)
{
  for (int j = 0; j < s->n_inputs; j++) {
    P[j] = NULL;
    blocks[j] = -1;
    if (!s->gather[j]) continue;
    const FFTensor *x = s->x[j];
    FF_CHECK(FFTapeScratch(tape, (size_t)x->rows * sh->out, &P[j], &blocks[j]));
    FFGemmRows(1, x->rows, sh->out, x->cols, x->data, x->cols, s->weight->data + sh->off[j], sh->in_total, 0.0f, P[j],
               sh->out);
  }
  return FF_SUCCESS;
}

static FFErrorCode LinearBackward(FFTape *tape, FFOp *op);

FFErrorCode FFOpLinear(FFTape *tape, const FFLinearSpec *spec, FFTensor **y)
{
  LinearShape sh;
  FF_CHECK(CheckSpec(spec, &sh));
  int rg = SpecRequiresGrad(spec);
  FF_CHECK(FFTapeNewActivation(tape, sh.rows, sh.out, rg, y));
  int record = rg && tape->grad_enabled;
  float *zsave = NULL, *xhat = NULL, *rstd = NULL, *scratch = NULL, *P[FF_LINEAR_MAX_IN];
  int sblock = -1, pblocks[FF_LINEAR_MAX_IN];
  if (record && spec->act != FF_ACT_NONE && spec->act != FF_ACT_RELU)
    FF_CHECK(FFTapeSaved(tape, (size_t)sh.rows * sh.out, &zsave));
  if (record && sh.ln) {
    FF_CHECK(FFTapeSaved(tape, (size_t)sh.rows * sh.out, &xhat));
    FF_CHECK(FFTapeSaved(tape, (size_t)sh.rows, &rstd));
  }
  FF_CHECK(FFTapeScratch(tape, (size_t)FFNNThreads() * FF_BLOCK_ROWS * sh.out, &scratch, &sblock));
  FF_CHECK(GatheredProducts(tape, spec, &sh, P, pblocks));
  int nblocks = (sh.rows + FF_BLOCK_ROWS - 1) / FF_BLOCK_ROWS;
  int saved = FFBlasSerialBegin();
  float *yd = (*y)->data;
#pragma omp parallel for schedule(dynamic) if (nblocks > 1)
  for (int b = 0; b < nblocks; b++) {
    int r0 = b * FF_BLOCK_ROWS, r1 = r0 + FF_BLOCK_ROWS < sh.rows ? r0 + FF_BLOCK_ROWS : sh.rows;
    ForwardBlock(spec, &sh, P, r0, r1, yd, zsave, xhat, rstd,
                 scratch + (size_t)FFThreadIndex() * FF_BLOCK_ROWS * sh.out);
  }
  FFBlasSerialEnd(saved);
  for (int j = 0; j < spec->n_inputs; j++) FFTapeScratchRelease(tape, pblocks[j]);
  FFTapeScratchRelease(tape, sblock);
  FFOp *op;
  FF_CHECK(FFTapeRecord(tape, LinearBackward, *y, &op));
  if (op) {
    op->lin = *spec;
    op->saved[0] = zsave ? zsave : xhat;
    op->saved[1] = rstd;
  }
  return FF_SUCCESS;
}

/* ---------------------------------------------------------------- backward */

typedef struct {
  const FFLinearSpec *s;
  LinearShape sh;
  const float *y, *zsave, *xhat, *rstd, *dy;
  float *dz_full;                 /* full dZ when gathered terms or the shift need it */
  int dz_is_dy;                   /* dZ == dY: no activation, no layer norm */
  float beta_x[FF_LINEAR_MAX_IN]; /* 0 for the first write into a fresh gradient */
  int res_mode;                   /* 0 none, 1 accumulate in the block loop, 2 take over dY */
  float beta_res;
  int nchunks;
  float *pw, *pb, *pln; /* per-chunk partials of dW (direct inputs), db, dgamma|dbeta */
  float *scratch;       /* per-thread dZ block */
} BackCtx;

/* dZ of rows [r0, r1) from dY, and the bias / layer-norm partials. */
FF_KERNEL static void BlockDz(const BackCtx *c, int r0, int r1, float *dz, float *pb, float *pln)
{
  const FFLinearSpec *s = c->s;
  int out = c->sh.out;
  for (int r = r0; r < r1; r++) {
    const float *dyr = c->dy + (size_t)r * out;
    float *dzr = dz + (size_t)(r - r0) * out;
    if (c->sh.ln) {
      FFLayerNormRowBackward(out, dyr, c->xhat + (size_t)r * out, c->rstd[r], s->ln_gamma->data, dzr, pln,
                             pln ? pln + out : NULL);
    } else if (s->act == FF_ACT_RELU) {
      const float *yr = c->y + (size_t)r * out; /* y > 0 exactly where z > 0 */
#pragma omp simd
      for (int k = 0; k < out; k++) dzr[k] = yr[k] > 0.0f ? dyr[k] : 0.0f;
    } else if (s->act != FF_ACT_NONE) {
      const float *zr = c->zsave + (size_t)r * out;
      for (int k = 0; k < out; k++) dzr[k] = dyr[k] * FFActDerivative(s->act, zr[k]);
    }
    if (pb)
#pragma omp simd
      for (int k = 0; k < out; k++) pb[k] += dzr[k];
  }
}

static void BackwardChunk(const BackCtx *c, int chunk)
{
  const FFLinearSpec *s = c->s;
  int out = c->sh.out, in_total = c->sh.in_total;
  int c0 = chunk * FF_CHUNK_ROWS, c1 = c0 + FF_CHUNK_ROWS < c->sh.rows ? c0 + FF_CHUNK_ROWS : c->sh.rows;
  float *pw = c->pw ? c->pw + (size_t)chunk * out * in_total : NULL;
  float *pb = c->pb ? c->pb + (size_t)chunk * out : NULL;
  float *pln = c->pln ? c->pln + (size_t)chunk * 2 * out : NULL;
  if (pb) memset(pb, 0, (size_t)out * sizeof(float));
  if (pln) memset(pln, 0, (size_t)2 * out * sizeof(float));
  for (int r0 = c0; r0 < c1; r0 += FF_BLOCK_ROWS) {
    int r1 = r0 + FF_BLOCK_ROWS < c1 ? r0 + FF_BLOCK_ROWS : c1, nb = r1 - r0;
    float *dz;
    if (c->dz_is_dy)
      dz = (float *)c->dy + (size_t)r0 * out;
    else if (c->dz_full)
      dz = c->dz_full + (size_t)r0 * out;
    else
      dz = c->scratch + (size_t)FFThreadIndex() * FF_BLOCK_ROWS * out;
    BlockDz(c, r0, r1, dz, pb, pln);
    for (int j = 0; j < s->n_inputs; j++) {
      if (s->gather[j]) continue;
      FFTensor *x = s->x[j];
      int in = x->cols;
      if (x->requires_grad)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, in, out, 1.0f, dz, out,
                    s->weight->data + c->sh.off[j], in_total, c->beta_x[j], x->grad + (size_t)r0 * in, in);
      if (pw)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, nb, 1.0f, dz, out, x->data + (size_t)r0 * in, in,
                    r0 == c0 ? 0.0f : 1.0f, pw + c->sh.off[j], in_total);
    }
    if (c->res_mode == 1) {
      float *g = s->residual->grad + (size_t)r0 * out;
      const float *dy = c->dy + (size_t)r0 * out;
      size_t n = (size_t)nb * out;
      if (c->beta_res == 0.0f)
        memcpy(g, dy, n * sizeof(float));
      else
        for (size_t k = 0; k < n; k++) g[k] += dy[k];
    }
  }
}

/* Gathered inputs and the shift: their gradients come from the full dZ, scattered to
 * source rows (nodes) and multiplied there. */
static FFErrorCode BackwardGathered(FFTape *tape, const BackCtx *c)
{
  const FFLinearSpec *s = c->s;
  int out = c->sh.out, in_total = c->sh.in_total;
  for (int j = 0; j < s->n_inputs; j++) {
    FFTensor *x = s->x[j];
    if (!s->gather[j] || !(x->requires_grad || s->weight->requires_grad)) continue;
    float *dP;
    int block, fresh;
    FF_CHECK(FFTapeScratch(tape, (size_t)x->rows * out, &dP, &block));
    FFScatterRows(s->gather[j], out, c->dz_full, out, dP, out, 0);
    FFErrorCode rc = FF_SUCCESS;
    if (x->requires_grad) {
      rc = FFTensorGradAcquire(tape, x, &fresh);
      if (!rc)
        FFGemmRows(0, x->rows, x->cols, out, dP, out, s->weight->data + c->sh.off[j], in_total, fresh ? 0.0f : 1.0f,
                   x->grad, x->cols);
    }
    if (!rc && s->weight->requires_grad)
      rc = FFGemmAtBAdd(tape, x->rows, out, x->cols, dP, out, x->data, x->cols, s->weight->grad + c->sh.off[j],
                        in_total);
    FFTapeScratchRelease(tape, block);
    FF_CHECK(rc);
  }
  if (s->shift && s->shift->requires_grad) {
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, s->shift, &fresh));
    if (s->shift_gather) {
      FFScatterRows(s->shift_gather, out, c->dz_full, out, s->shift->grad, out, !fresh);
    } else {
      long n = (long)c->sh.rows * out;
      for (long k = 0; k < n; k++) s->shift->grad[k] = fresh ? c->dz_full[k] : s->shift->grad[k] + c->dz_full[k];
    }
  }
  return FF_SUCCESS;
}

/* Sums the per-chunk partials, in chunk order, into the parameter gradients. */
static FFErrorCode ReducePartials(FFTape *tape, const BackCtx *c)
{
  const FFLinearSpec *s = c->s;
  int out = c->sh.out, in_total = c->sh.in_total;
  if (c->pw) {
    FF_CHECK(FFTensorGradZeroed(tape, s->weight));
    float *gw = s->weight->grad;
#pragma omp parallel for schedule(static) if ((size_t)out * in_total * c->nchunks > FF_PAR_MIN)
    for (int i = 0; i < out; i++)
      for (int j = 0; j < s->n_inputs; j++) {
        if (s->gather[j]) continue;
        int o = c->sh.off[j], n = s->x[j]->cols;
        for (int ch = 0; ch < c->nchunks; ch++) {
          const float *p = c->pw + (size_t)ch * out * in_total + (size_t)i * in_total + o;
          float *g = gw + (size_t)i * in_total + o;
          for (int k = 0; k < n; k++) g[k] += p[k];
        }
      }
  }
  if (c->pb) {
    FF_CHECK(FFTensorGradZeroed(tape, s->bias));
    for (int ch = 0; ch < c->nchunks; ch++)
      for (int k = 0; k < out; k++) s->bias->grad[k] += c->pb[(size_t)ch * out + k];
  }
  if (c->pln) {
    if (s->ln_gamma->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, s->ln_gamma));
    if (s->ln_beta->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, s->ln_beta));
    for (int ch = 0; ch < c->nchunks; ch++)
      for (int k = 0; k < out; k++) {
        if (s->ln_gamma->requires_grad) s->ln_gamma->grad[k] += c->pln[(size_t)ch * 2 * out + k];
        if (s->ln_beta->requires_grad) s->ln_beta->grad[k] += c->pln[(size_t)ch * 2 * out + out + k];
      }
  }
  return FF_SUCCESS;
}

static int IsInput(const FFLinearSpec *s, const FFTensor *t)
{
  for (int j = 0; j < s->n_inputs; j++)
    if (s->x[j] == t) return 1;
  return 0;
}

/* Which writes into input gradients come first: the first write into a fresh gradient
 * stores, every later one adds. */
static FFErrorCode PlanWrites(FFTape *tape, BackCtx *c)
{
  const FFLinearSpec *s = c->s;
  for (int j = 0; j < s->n_inputs; j++) {
    c->beta_x[j] = 1.0f;
    FFTensor *x = s->x[j];
    if (s->gather[j] || !x->requires_grad) continue;
    int fresh;
    FF_CHECK(FFTensorGradAcquire(tape, x, &fresh));
    if (fresh) c->beta_x[j] = 0.0f; /* later direct uses of the same tensor see it as not fresh */
  }
  c->res_mode = 0;
  if (s->residual && s->residual->requires_grad) {
    if (!s->residual->grad && !IsInput(s, s->residual) && s->residual != s->shift) {
      c->res_mode = 2;
    } else {
      int fresh;
      FF_CHECK(FFTensorGradAcquire(tape, s->residual, &fresh));
      c->res_mode = 1;
      c->beta_res = fresh ? 0.0f : 1.0f;
    }
  }
  return FF_SUCCESS;
}

static FFErrorCode LinearBackward(FFTape *tape, FFOp *op)
{
  const FFLinearSpec *s = &op->lin;
  BackCtx c = {.s = s};
  FF_CHECK(CheckSpec(s, &c.sh));
  int out = c.sh.out, rows = c.sh.rows;
  c.y = op->out->data;
  c.dy = op->out->grad;
  c.zsave = (!c.sh.ln) ? op->saved[0] : NULL;
  c.xhat = c.sh.ln ? op->saved[0] : NULL;
  c.rstd = op->saved[1];
  c.nchunks = FFChunks(rows);
  c.dz_is_dy = s->act == FF_ACT_NONE && !c.sh.ln;
  int need_full = s->shift && s->shift->requires_grad;
  for (int j = 0; j < s->n_inputs; j++)
    if (s->gather[j] && (s->x[j]->requires_grad || s->weight->requires_grad)) need_full = 1;
  FF_CHECK(PlanWrites(tape, &c));
  if (s->weight->requires_grad) FF_CHECK(FFTensorGradZeroed(tape, s->weight));
  int blocks[5] = {-1, -1, -1, -1, -1};
  if (need_full) {
    if (c.dz_is_dy)
      c.dz_full = op->out->grad;
    else if (!s->residual)
      c.dz_full = op->out->grad; /* dY is not read again: dZ overwrites it */
    else
      FF_CHECK(FFTapeScratch(tape, (size_t)rows * out, &c.dz_full, &blocks[0]));
  }
  if (!c.dz_is_dy && !c.dz_full)
    FF_CHECK(FFTapeScratch(tape, (size_t)FFNNThreads() * FF_BLOCK_ROWS * out, &c.scratch, &blocks[1]));
  if (s->weight->requires_grad && c.sh.any_direct)
    FF_CHECK(FFTapeScratch(tape, (size_t)c.nchunks * out * c.sh.in_total, &c.pw, &blocks[2]));
  if (s->bias && s->bias->requires_grad) FF_CHECK(FFTapeScratch(tape, (size_t)c.nchunks * out, &c.pb, &blocks[3]));
  if (c.sh.ln && (s->ln_gamma->requires_grad || s->ln_beta->requires_grad))
    FF_CHECK(FFTapeScratch(tape, (size_t)c.nchunks * 2 * out, &c.pln, &blocks[4]));
  int saved = FFBlasSerialBegin();
#pragma omp parallel for schedule(dynamic) if (c.nchunks > 1)
  for (int ch = 0; ch < c.nchunks; ch++) BackwardChunk(&c, ch);
  FFErrorCode rc = BackwardGathered(tape, &c);
  if (!rc) rc = ReducePartials(tape, &c);
  FFBlasSerialEnd(saved);
  for (int k = 0; k < 5; k++) FFTapeScratchRelease(tape, blocks[k]);
  FF_CHECK(rc);
  if (c.res_mode == 2) { /* the residual's gradient is dY itself: hand the buffer over */
    s->residual->grad = op->out->grad;
    s->residual->grad_block = op->out->grad_block;
    op->out->grad = NULL;
    op->out->grad_block = -1;
  }
  return FF_SUCCESS;
}
