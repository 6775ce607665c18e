/* Adam / AdamW over the flat parameter array, with global-norm clipping, learning-rate
 * schedules, an EMA of the weights, and refusal of non-finite steps. */
#include "nn_private.h"

#include <math.h>
#include <stdlib.h>

struct FFOptimizer {
  FFOptimizerConfig config;
  FFOptimizerState state;
  const FFParams *params;
  float *decay_mask; /* 1 where weight decay applies, 0 elsewhere (and in padding) */
  float *train_mask; /* 1 for trainable entries */
};

void FFOptimizerConfigDefault(FFOptimizerConfig *c)
{
  *c = (FFOptimizerConfig){.type = FF_OPT_ADAM,
                           .lr = 1e-3,
                           .beta1 = 0.9,
                           .beta2 = 0.999,
                           .eps = 1e-8,
                           .weight_decay = 0.0,
                           .clip_norm = 0.0,
                           .ema_decay = 0.0,
                           .schedule = {.type = FF_SCHEDULE_CONSTANT,
                                        .min_lr = 0.0,
                                        .plateau_factor = 0.5,
                                        .plateau_patience = 10,
                                        .plateau_threshold = 1e-4}};
}

static FFErrorCode CheckConfig(const FFOptimizerConfig *c)
{
  FF_ASSERT(c->lr > 0 && c->beta1 >= 0 && c->beta1 < 1 && c->beta2 >= 0 && c->beta2 < 1 && c->eps > 0, FF_ERR_ARG,
            "optimizer: lr %g, beta1 %g, beta2 %g, eps %g out of range", c->lr, c->beta1, c->beta2, c->eps);
  FF_ASSERT(c->weight_decay >= 0 && c->clip_norm >= 0 && c->ema_decay >= 0 && c->ema_decay < 1, FF_ERR_ARG,
            "optimizer: weight decay %g, clip norm %g, EMA decay %g out of range", c->weight_decay, c->clip_norm,
            c->ema_decay);
  const FFScheduleConfig *s = &c->schedule;
  FF_ASSERT(s->warmup_steps >= 0 && s->min_lr >= 0, FF_ERR_ARG, "schedule: warm-up %ld, min lr %g", s->warmup_steps,
            s->min_lr);
  if (s->type == FF_SCHEDULE_COSINE)
    FF_ASSERT(s->total_steps > s->warmup_steps, FF_ERR_ARG, "cosine schedule: total steps %ld must exceed warm-up %ld",
              s->total_steps, s->warmup_steps);
  if (s->type == FF_SCHEDULE_PLATEAU)
    FF_ASSERT(s->plateau_factor > 0 && s->plateau_factor < 1 && s->plateau_patience >= 0, FF_ERR_ARG,
              "plateau schedule: factor %g (0..1), patience %ld", s->plateau_factor, s->plateau_patience);
  return FF_SUCCESS;
}

FFErrorCode FFOptimizerCreate(const FFParams *params, const FFOptimizerConfig *config, FFOptimizer **opt)
{
  FF_ASSERT(params->set_up, FF_ERR_STATE, "optimizer created before FFParamsSetUp");
  FF_CHECK(CheckConfig(config));
  FF_CHECK(FFCalloc(1, sizeof(FFOptimizer), opt));
  FFOptimizer *o = *opt;
  o->config = *config;
  o->params = params;
  size_t n = params->size;
  o->state.n = n;
  o->state.plateau_lr = config->lr;
  o->state.plateau_best = INFINITY;
  FF_CHECK(FFCalloc(n, sizeof(float), &o->state.m));
  FF_CHECK(FFCalloc(n, sizeof(float), &o->state.v));
  FF_CHECK(FFCalloc(n, sizeof(float), &o->decay_mask));
  FF_CHECK(FFCalloc(n, sizeof(float), &o->train_mask));
  for (int i = 0; i < params->n; i++) {
    const FFParamInfo *p = &params->info[i];
    for (size_t k = 0; k < (size_t)p->rows * p->cols; k++) {
      o->train_mask[p->offset + k] = (p->flags & FF_PARAM_FROZEN) ? 0.0f : 1.0f;
      o->decay_mask[p->offset + k] = (p->flags & (FF_PARAM_FROZEN | FF_PARAM_NO_DECAY)) ? 0.0f : 1.0f;
    }
  }
  if (config->ema_decay > 0) {
    FF_CHECK(FFMalloc(n * sizeof(float), &o->state.ema));
    memcpy(o->state.ema, params->values, n * sizeof(float));
  }
  return FF_SUCCESS;
}

void FFOptimizerDestroy(FFOptimizer **opt)
{
  if (!opt || !*opt) return;
  FFOptimizer *o = *opt;
  free(o->state.m);
  free(o->state.v);
  free(o->state.ema);
  free(o->decay_mask);
  free(o->train_mask);
  FFFree(opt);
}

double FFGradNorm(const float *grad, size_t n) { return sqrt(FFSumSquaresDouble(grad, n)); }

double FFScheduleLearningRateAt(const FFScheduleConfig *s, double base_lr, double plateau_lr, long step, double clock)
{
  double lr = base_lr;
  if (s->type == FF_SCHEDULE_PLATEAU) lr = plateau_lr;
  if (s->type == FF_SCHEDULE_COSINE && step >= s->warmup_steps) {
    double p = (double)(step - s->warmup_steps) / (double)(s->total_steps - s->warmup_steps);
    if (clock > p) p = clock; /* a time budget that ends before the steps do */
    if (p > 1.0) p = 1.0;
    lr = s->min_lr + 0.5 * (base_lr - s->min_lr) * (1.0 + cos(M_PI * p));
  }
  if (step < s->warmup_steps) lr *= (double)(step + 1) / (double)s->warmup_steps;
  return lr;
}

double FFScheduleLearningRate(const FFScheduleConfig *s, double base_lr, double plateau_lr, long step)
{
  return FFScheduleLearningRateAt(s, base_lr, plateau_lr, step, 0.0);
}

double FFOptimizerLearningRate(const FFOptimizer *opt)
{
  return FFScheduleLearningRateAt(&opt->config.schedule, opt->config.lr, opt->state.plateau_lr, opt->state.step,
                                  opt->state.clock);
}

void FFOptimizerSetClock(FFOptimizer *opt, double fraction)
{
  if (!(fraction > 0)) return; /* also NaN */
  if (fraction > 1.0) fraction = 1.0;
  if (fraction > opt->state.clock) opt->state.clock = fraction;
}

double FFOptimizerGetClock(const FFOptimizer *opt) { return opt->state.clock; }

void FFOptimizerObserve(FFOptimizer *opt, double metric)
{
  const FFScheduleConfig *s = &opt->config.schedule;
  FFOptimizerState *st = &opt->state;
  if (s->type != FF_SCHEDULE_PLATEAU || !isfinite(metric)) return;
  if (metric < st->plateau_best * (1.0 - s->plateau_threshold)) {
    st->plateau_best = metric;
    st->plateau_bad = 0;
    return;
  }
  if (++st->plateau_bad > s->plateau_patience) {
    double next = st->plateau_lr * s->plateau_factor;
    st->plateau_lr = next > s->min_lr ? next : s->min_lr;
    st->plateau_bad = 0;
  }
}

FFErrorCode FFOptimizerStep(FFOptimizer *opt, FFParams *params, float *grad, double loss, FFStepInfo *info)
{
  FF_ASSERT(params == opt->params && params->size == opt->state.n, FF_ERR_ARG,
            "optimizer stepped with parameters other than those it was created for");
  const FFOptimizerConfig *c = &opt->config;
  FFOptimizerState *st = &opt->state;
  size_t n = st->n;
  double norm = FFGradNorm(grad, n);
  FFStepInfo local = {.applied = 0, .grad_norm = norm, .lr = FFOptimizerLearningRate(opt)};
  if (!isfinite(loss) || !isfinite(norm)) {
    st->skipped++;
    FFWarn("optimizer step %ld skipped: %s is not finite (loss %g, gradient norm %g); %ld skipped so far", st->step + 1,
           isfinite(loss) ? "the gradient" : "the loss", loss, norm, st->skipped);
    if (info) *info = local;
    return FF_SUCCESS;
  }
  float clip = 1.0f;
  if (c->clip_norm > 0 && norm > c->clip_norm) clip = (float)(c->clip_norm / (norm + 1e-6));
  st->step++;
  double lr = local.lr, b1 = c->beta1, b2 = c->beta2;
  double bc1 = 1.0 - pow(b1, (double)st->step), bc2 = 1.0 - pow(b2, (double)st->step);
  float step_size = (float)(lr / bc1), inv_sqrt_bc2 = (float)(1.0 / sqrt(bc2)), eps = (float)c->eps;
  float wd = (float)c->weight_decay, decoupled = (float)(1.0 - lr * c->weight_decay);
  int adamw = c->type == FF_OPT_ADAMW;
  float *p = params->values, *m = st->m, *v = st->v;
  float fb1 = (float)b1, fb2 = (float)b2;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
  for (size_t i = 0; i < n; i++) {
    if (opt->train_mask[i] == 0.0f) continue;
    if (clip != 1.0f) grad[i] *= clip;
    float g = grad[i];
    if (!adamw)
      g += wd * opt->decay_mask[i] * p[i];
    else if (opt->decay_mask[i] != 0.0f)
      p[i] *= decoupled;
    m[i] = fb1 * m[i] + (1.0f - fb1) * g;
    v[i] = fb2 * v[i] + (1.0f - fb2) * g * g;
    float denom = sqrtf(v[i]) * inv_sqrt_bc2 + eps;
    p[i] -= step_size * m[i] / denom;
  }
  if (st->ema) {
    double dk = c->ema_decay;
    if (c->ema_warmup) dk = fmin(dk, (1.0 + (double)st->step) / (10.0 + (double)st->step));
    const float d = (float)dk;
#pragma omp parallel for schedule(static) if (n > FF_PAR_MIN)
    for (size_t i = 0; i < n; i++) st->ema[i] = d * st->ema[i] + (1.0f - d) * p[i];
  }
  local.applied = 1;
  if (info) *info = local;
  return FF_SUCCESS;
}

const FFOptimizerConfig *FFOptimizerGetConfig(const FFOptimizer *opt) { return &opt->config; }

void FFOptimizerGetState(FFOptimizer *opt, FFOptimizerState *state) { *state = opt->state; }

FFErrorCode FFOptimizerSetCounters(FFOptimizer *opt, const FFOptimizerState *state)
{
  opt->state.step = state->step;
  opt->state.skipped = state->skipped;
  opt->state.plateau_lr = state->plateau_lr;
  opt->state.plateau_best = state->plateau_best;
  opt->state.plateau_bad = state->plateau_bad;
  opt->state.clock = state->clock;
  return FF_SUCCESS;
}

FFErrorCode FFOptimizerSwapEMA(FFOptimizer *opt, FFParams *params)
{
  FF_ASSERT(opt->state.ema, FF_ERR_STATE, "no EMA of the weights (set ema_decay > 0)");
  FF_ASSERT(params->size == opt->state.n, FF_ERR_ARG, "EMA swap with other parameters");
  float *a = params->values, *b = opt->state.ema;
  for (size_t i = 0; i < opt->state.n; i++) {
    float t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
  return FF_SUCCESS;
}

FFErrorCode FFAllreduceMean(MPI_Comm comm, float *buf, size_t n)
{
  int size;
  MPI_Comm_size(comm, &size);
  if (size == 1 || n == 0) return FF_SUCCESS;
  FF_ASSERT(n <= (size_t)2147483647, FF_ERR_ARG, "allreduce of %zu floats exceeds one MPI message", n);
  int rc = MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_FLOAT, MPI_SUM, comm);
  FF_ASSERT(rc == MPI_SUCCESS, FF_ERR_EXTERNAL, "MPI_Allreduce of %zu floats failed (code %d)", n, rc);
  float inv = 1.0f / (float)size;
  for (size_t i = 0; i < n; i++) buf[i] *= inv;
  return FF_SUCCESS;
}
