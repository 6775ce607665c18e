/* 2D plots (the figures of `fieldflow compare`) drawn with cairo: a frame with ticks at nice
 * numbers and a light grid, title and axis labels, line and scatter series, a legend and an
 * optional note in the corners the data leave free, a log scale in decades, inverted y (C_p)
 * and the diagonal y = x on equal axes (predicted vs true). */
#include "report_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 8

/* sizes in pixels (points in SVG and PDF) */
#define TITLE_SIZE 17.0
#define LABEL_SIZE 15.0
#define TICK_SIZE  13.0
#define TICK_LEN   5.0

typedef struct {
  char label[64];
  FFPlotStyle style;
  long n;
  double *x, *y;
} Series;

struct _p_FFPlot {
  int w, h;
  char title[160], xlabel[80], ylabel[80], note[256];
  int log_y, invert_y, diagonal;
  int n_series;
  Series series[MAX_SERIES];
  double left, right, top, bottom; /* the plot area */
  double x0, x1, y0, y1;           /* its data range (y in log10 when log_y) */
};

/* matplotlib's tab10: distinct, and the first two (blue, orange) apart for colour-blind readers */
static const double palette[MAX_SERIES][3] = {{0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173},
                                              {0.839, 0.153, 0.157}, {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294},
                                              {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498}};

PetscErrorCode FFPlotCreate(int width, int height, const char *title, const char *xlabel, const char *ylabel,
                            FFPlot *out)
{
  FFPlot p;

  PetscFunctionBegin;
  PetscCheck(width >= 200 && height >= 150, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "plot of %d x %d pixels", width,
             height);
  PetscCall(PetscNew(&p));
  p->w = width;
  p->h = height;
  PetscCall(PetscStrncpy(p->title, title ? title : "", sizeof p->title));
  PetscCall(PetscStrncpy(p->xlabel, xlabel ? xlabel : "", sizeof p->xlabel));
  PetscCall(PetscStrncpy(p->ylabel, ylabel ? ylabel : "", sizeof p->ylabel));
  *out = p;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotDestroy(FFPlot *pp)
{
  FFPlot p = *pp;

  PetscFunctionBegin;
  if (!p) PetscFunctionReturn(0);
  for (int k = 0; k < p->n_series; k++) PetscCall(PetscFree2(p->series[k].x, p->series[k].y));
  PetscCall(PetscFree(*pp));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotAddSeries(FFPlot p, const char *label, FFPlotStyle style, long n, const double *x, const double *y)
{
  Series *s;

  PetscFunctionBegin;
  PetscCheck(p->n_series < MAX_SERIES, PETSC_COMM_SELF, PETSC_ERR_SUP, "at most %d series per plot", MAX_SERIES);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "a series of %ld points", n);
  s = &p->series[p->n_series++];
  PetscCall(PetscStrncpy(s->label, label ? label : "", sizeof s->label));
  s->style = style;
  s->n = n;
  PetscCall(PetscMalloc2(n + 1, &s->x, n + 1, &s->y));
  PetscCall(PetscArraycpy(s->x, x, n));
  PetscCall(PetscArraycpy(s->y, y, n));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotSetLogY(FFPlot p, int log_y)
{
  PetscFunctionBegin;
  p->log_y = log_y;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotSetInvertY(FFPlot p, int invert)
{
  PetscFunctionBegin;
  p->invert_y = invert;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotAddDiagonal(FFPlot p)
{
  PetscFunctionBegin;
  p->diagonal = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotSetNote(FFPlot p, const char *note)
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(p->note, note ? note : "", sizeof p->note));
  PetscFunctionReturn(0);
}

/* ---------- data to page ---------- */

static double YValue(const FFPlot p, double y) { return p->log_y ? (y > 0 ? log10(y) : NAN) : y; }

static void Range(const FFPlot p, int axis, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int k = 0; k < p->n_series; k++)
    for (long i = 0; i < p->series[k].n; i++) {
      const double x = p->series[k].x[i], y = YValue(p, p->series[k].y[i]);
      if (!isfinite(x) || !isfinite(y)) continue;
      *lo = PetscMin(*lo, axis ? y : x);
      *hi = PetscMax(*hi, axis ? y : x);
    }
  if (!isfinite(*lo)) *lo = 0, *hi = 1;
  if (*hi - *lo < 1e-12 * PetscMax(1.0, fabs(*hi))) {
    const double d = PetscMax(fabs(*hi) * 0.05, 1e-3);
    *lo -= d;
    *hi += d;
  }
}

static double MapX(const FFPlot p, double x) { return p->left + (x - p->x0) / (p->x1 - p->x0) * (p->right - p->left); }

/* y already on the axis scale (log10 on a log axis) */
static double MapYAxis(const FFPlot p, double y)
{
  const double f = (y - p->y0) / (p->y1 - p->y0);
  return p->invert_y ? p->top + f * (p->bottom - p->top) : p->bottom - f * (p->bottom - p->top);
}

static double MapY(const FFPlot p, double y) { return MapYAxis(p, YValue(p, y)); }

/* crisp one-pixel lines: on pixel centres */
static double Snap(double v) { return floor(v) + 0.5; }

/* ---------- ticks ---------- */

typedef struct {
  int n, n_minor;
  double at[FF_MAX_TICKS], minor[4 * FF_MAX_TICKS]; /* on the axis scale */
  char label[FF_MAX_TICKS][48];
} Ticks;

static void XTicks(const FFPlot p, Ticks *t)
{
  double step;
  t->n = FFNiceTicks(p->x0, p->x1, 7, t->at, &step);
  t->n_minor = 0;
  for (int k = 0; k < t->n; k++) FFTickLabel(t->at[k], step, t->label[k], sizeof t->label[k]);
}

static void YTicks(const FFPlot p, Ticks *t)
{
  double step;
  t->n_minor = 0;
  if (!p->log_y || p->y1 - p->y0 < 1.2) {
    /* a linear axis, or a log axis spanning about one decade: nice numbers */
    double lo = p->y0, hi = p->y1;
    if (p->log_y) lo = pow(10, lo), hi = pow(10, hi);
    t->n = FFNiceTicks(lo, hi, 7, t->at, &step);
    for (int k = 0; k < t->n; k++) {
      FFTickLabel(t->at[k], step, t->label[k], sizeof t->label[k]);
      if (p->log_y) t->at[k] = log10(t->at[k]);
    }
    return;
  }
  /* decades, every one or every few; minor ticks at 2..9 when every decade has a label */
  const int every = (int)ceil((p->y1 - p->y0) / 7);
  t->n = 0;
  for (int e = (int)ceil(p->y0 - 1e-9); e <= p->y1 + 1e-9 && t->n < FF_MAX_TICKS; e++) {
    if (e % every) continue;
    t->at[t->n] = e;
    if (e == 0)
      snprintf(t->label[t->n], sizeof t->label[t->n], "1");
    else
      snprintf(t->label[t->n], sizeof t->label[t->n], "10^{%s%d}", e < 0 ? "\xe2\x88\x92" : "", abs(e));
    t->n++;
  }
  if (every == 1)
    for (int e = (int)floor(p->y0); e <= p->y1; e++)
      for (int m = 2; m <= 9 && t->n_minor < 4 * FF_MAX_TICKS; m++) {
        const double v = e + log10(m);
        if (v >= p->y0 && v <= p->y1) t->minor[t->n_minor++] = v;
      }
}

/* ---------- layout and drawing ---------- */

static void Layout(FFPlot p, cairo_t *cr, const Ticks *yt)
{
  double wmax = 0;
  for (int k = 0; k < yt->n; k++) wmax = PetscMax(wmax, FFTextWidth(cr, yt->label[k], TICK_SIZE, 0));
  p->left = 14 + (p->ylabel[0] ? 1.5 * LABEL_SIZE : 0) + wmax + 8 + TICK_LEN;
  p->right = p->w - 24;
  p->top = (p->title[0] ? 18 + 1.6 * TITLE_SIZE : 20);
  /* from the bottom: margin, the x label (capitals and descenders), a gap, tick labels, ticks */
  p->bottom = p->h - (12 + (p->xlabel[0] ? LABEL_SIZE + 10 : 0) + TICK_SIZE + 5 + TICK_LEN);
  if (p->diagonal) { /* equal axes: a square plot area, centred */
    const double side = PetscMin(p->right - p->left, p->bottom - p->top), c = 0.5 * (p->left + p->right);
    p->left = PetscMax(p->left, c - side / 2);
    p->right = p->left + side;
  }
}

static void Axes(const FFPlot p, cairo_t *cr, const Ticks *xt, const Ticks *yt)
{
  cairo_set_line_width(cr, 1);
  /* grid: minor decades faint, major lines light */
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
  for (int k = 0; k < yt->n_minor; k++) {
    const double y = Snap(MapYAxis(p, yt->minor[k]));
    cairo_move_to(cr, p->left, y);
    cairo_line_to(cr, p->right, y);
  }
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
  for (int k = 0; k < xt->n; k++) {
    const double x = Snap(MapX(p, xt->at[k]));
    cairo_move_to(cr, x, p->top);
    cairo_line_to(cr, x, p->bottom);
  }
  for (int k = 0; k < yt->n; k++) {
    const double y = Snap(MapYAxis(p, yt->at[k]));
    cairo_move_to(cr, p->left, y);
    cairo_line_to(cr, p->right, y);
  }
  cairo_stroke(cr);
  /* frame and ticks */
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_rectangle(cr, Snap(p->left), Snap(p->top), Snap(p->right) - Snap(p->left), Snap(p->bottom) - Snap(p->top));
  for (int k = 0; k < xt->n; k++) {
    const double x = Snap(MapX(p, xt->at[k]));
    cairo_move_to(cr, x, Snap(p->bottom));
    cairo_line_to(cr, x, Snap(p->bottom) + TICK_LEN);
  }
  for (int k = 0; k < yt->n; k++) {
    const double y = Snap(MapYAxis(p, yt->at[k]));
    cairo_move_to(cr, Snap(p->left) - TICK_LEN, y);
    cairo_line_to(cr, Snap(p->left), y);
  }
  for (int k = 0; k < yt->n_minor; k++) {
    const double y = Snap(MapYAxis(p, yt->minor[k]));
    cairo_move_to(cr, Snap(p->left) - 0.6 * TICK_LEN, y);
    cairo_line_to(cr, Snap(p->left), y);
  }
  cairo_stroke(cr);
  for (int k = 0; k < xt->n; k++)
    FFTextDraw(cr, xt->label[k], TICK_SIZE, 0, MapX(p, xt->at[k]), p->bottom + TICK_LEN + 5, 0.5, 0, 0);
  for (int k = 0; k < yt->n; k++)
    FFTextDraw(cr, yt->label[k], TICK_SIZE, 0, p->left - TICK_LEN - 6, MapYAxis(p, yt->at[k]), 1, 0.5, 0);
  /* labels and title */
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  if (p->xlabel[0])
    FFTextDraw(cr, p->xlabel, LABEL_SIZE, 0, 0.5 * (p->left + p->right), p->bottom + TICK_LEN + 5 + TICK_SIZE + 10, 0.5,
               0, 0);
  if (p->ylabel[0]) FFTextDraw(cr, p->ylabel, LABEL_SIZE, 0, 14, 0.5 * (p->top + p->bottom), 0.5, 0, -M_PI / 2);
  if (p->title[0]) FFTextDraw(cr, p->title, TITLE_SIZE, FF_TEXT_BOLD, 0.5 * (p->left + p->right), 18, 0.5, 0, 0);
}

static void SetColor(cairo_t *cr, const double c[3], double alpha)
{
  cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

static void Data(const FFPlot p, cairo_t *cr)
{
  cairo_save(cr);
  cairo_rectangle(cr, p->left, p->top, p->right - p->left, p->bottom - p->top);
  cairo_clip(cr);
  if (p->diagonal) {
    const double lo = PetscMin(p->x0, p->y0), hi = PetscMax(p->x1, p->y1);
    const double dash[2] = {6, 4};
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 1.2);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, MapX(p, lo), MapY(p, lo));
    cairo_line_to(cr, MapX(p, hi), MapY(p, hi));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
  }
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (int k = 0; k < p->n_series; k++) {
    const Series *s = &p->series[k];
    int have = 0;
    for (long i = 0; i < s->n; i++) {
      const double x = MapX(p, s->x[i]), y = MapY(p, s->y[i]);
      if (!isfinite(x) || !isfinite(y)) {
        have = 0;
        continue;
      }
      if (s->style == FF_PLOT_SCATTER) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
      } else if (have)
        cairo_line_to(cr, x, y);
      else
        cairo_move_to(cr, x, y);
      have = 1;
    }
    if (s->style == FF_PLOT_SCATTER) {
      SetColor(cr, palette[k], 0.75);
      cairo_fill_preserve(cr);
      SetColor(cr, palette[k], 1);
      cairo_set_line_width(cr, 1.2);
      cairo_stroke(cr);
    } else {
      SetColor(cr, palette[k], 1);
      cairo_set_line_width(cr, 2);
      cairo_stroke(cr);
    }
  }
  cairo_restore(cr);
}

/* ---------- legend and note: where they hide the least data ---------- */

/* How much of the data a box covers: its points, and (less) the diagonal. */
static int Covered(const FFPlot p, double x0, double y0, double x1, double y1)
{
  int n = 0;
  for (int k = 0; k < p->n_series; k++)
    for (long i = 0; i < p->series[k].n; i++) {
      const double x = MapX(p, p->series[k].x[i]), y = MapY(p, p->series[k].y[i]);
      n += 10 * (x >= x0 - 6 && x <= x1 + 6 && y >= y0 - 6 && y <= y1 + 6);
    }
  if (p->diagonal)
    for (int i = 0; i <= 50; i++) {
      const double v = p->x0 + (p->x1 - p->x0) * i / 50.0, x = MapX(p, v), y = MapY(p, v);
      n += x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }
  return n;
}

/* The place for a box of w x h that covers the least data and not the box `avoid` (x, y, w,
 * h; NULL: none): the four corners first (top right, top left, bottom right, bottom left),
 * then the middles of the sides. Its top left in *x, *y; 0 when there is no place. */
static int Place(const FFPlot p, double w, double h, const double *avoid, double *x, double *y)
{
  const double pad = 10, cx = 0.5 * (p->left + p->right - w), cy = 0.5 * (p->top + p->bottom - h);
  const double at[8][2] = {{p->right - pad - w, p->top + pad},
                           {p->left + pad, p->top + pad},
                           {p->right - pad - w, p->bottom - pad - h},
                           {p->left + pad, p->bottom - pad - h},
                           {cx, p->top + pad},
                           {cx, p->bottom - pad - h},
                           {p->left + pad, cy},
                           {p->right - pad - w, cy}};
  int best = -1, best_n = 0;
  for (int c = 0; c < 8; c++) {
    if (avoid && at[c][0] < avoid[0] + avoid[2] + pad && avoid[0] < at[c][0] + w + pad &&
        at[c][1] < avoid[1] + avoid[3] + pad && avoid[1] < at[c][1] + h + pad)
      continue;
    const int n = Covered(p, at[c][0], at[c][1], at[c][0] + w, at[c][1] + h);
    if (best < 0 || n < best_n) best = c, best_n = n, *x = at[c][0], *y = at[c][1];
  }
  return best >= 0;
}

static void Box(cairo_t *cr, double x, double y, double w, double h)
{
  const double r = 4;
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 1.5 * M_PI);
  cairo_close_path(cr);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
}

/* The legend; its box in box[4] (x, y, w, h), or 0 when there is none. */
static int Legend(const FFPlot p, cairo_t *cr, double box[4])
{
  const double row = 1.55 * TICK_SIZE, sample = 28;
  double width = 0, x, y;
  int n = 0;
  for (int k = 0; k < p->n_series; k++)
    if (p->series[k].label[0]) width = PetscMax(width, FFTextWidth(cr, p->series[k].label, TICK_SIZE, 0)), n++;
  if (p->diagonal) width = PetscMax(width, FFTextWidth(cr, "y = x", TICK_SIZE, FF_TEXT_PLAIN)), n++;
  if (!n) return 0;
  const double w = width + sample + 26, h = n * row + 10;
  Place(p, w, h, NULL, &x, &y);
  Box(cr, x, y, w, h);
  box[0] = x, box[1] = y, box[2] = w, box[3] = h;
  int r = 0;
  for (int k = 0; k <= p->n_series; k++) {
    const int diag = k == p->n_series;
    if (diag ? !p->diagonal : !p->series[k].label[0]) continue;
    const double cy = y + 5 + (r++ + 0.5) * row, sx = x + 8;
    if (diag) {
      const double dash[2] = {6, 4};
      cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
      cairo_set_line_width(cr, 1.2);
      cairo_set_dash(cr, dash, 2, 0);
      cairo_move_to(cr, sx, cy);
      cairo_line_to(cr, sx + sample, cy);
      cairo_stroke(cr);
      cairo_set_dash(cr, NULL, 0, 0);
    } else if (p->series[k].style == FF_PLOT_LINE) {
      SetColor(cr, palette[k], 1);
      cairo_set_line_width(cr, 2);
      cairo_move_to(cr, sx, cy);
      cairo_line_to(cr, sx + sample, cy);
      cairo_stroke(cr);
    } else {
      cairo_new_path(cr); /* the text left a current point */
      cairo_arc(cr, sx + sample / 2, cy, 5, 0, 2 * M_PI);
      SetColor(cr, palette[k], 0.75);
      cairo_fill_preserve(cr);
      SetColor(cr, palette[k], 1);
      cairo_set_line_width(cr, 1.2);
      cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    FFTextDraw(cr, diag ? "y = x" : p->series[k].label, TICK_SIZE, diag ? FF_TEXT_PLAIN : 0, sx + sample + 8, cy, 0,
               0.5, 0);
  }
  return 1;
}

static void Note(const FFPlot p, cairo_t *cr, const double *avoid)
{
  char lines[8][128];
  int n = 0;
  double width = 0, x, y;
  const double row = 1.55 * TICK_SIZE;
  for (const char *s = p->note; *s && n < 8;) {
    const char *e = strchr(s, '\n');
    const size_t len = PetscMin(e ? (size_t)(e - s) : strlen(s), sizeof lines[n] - 1);
    memcpy(lines[n], s, len);
    lines[n][len] = '\0';
    width = PetscMax(width, FFTextWidth(cr, lines[n], TICK_SIZE, 0));
    n++;
    s = e ? e + 1 : s + len;
  }
  if (!n) return;
  if (!Place(p, width + 20, n * row + 10, avoid, &x, &y)) return;
  Box(cr, x, y, width + 20, n * row + 10);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  for (int k = 0; k < n; k++) FFTextDraw(cr, lines[k], TICK_SIZE, 0, x + 10, y + 5 + (k + 0.5) * row, 0, 0.5, 0);
}

PetscErrorCode FFPlotWrite(FFPlot p, const char *path)
{
  FFCanvas c;
  Ticks xt, yt;

  PetscFunctionBegin;
  Range(p, 0, &p->x0, &p->x1);
  Range(p, 1, &p->y0, &p->y1);
  if (p->diagonal) {
    p->x0 = p->y0 = PetscMin(p->x0, p->y0);
    p->x1 = p->y1 = PetscMax(p->x1, p->y1);
  }
  const double mx = 0.04 * (p->x1 - p->x0), my = (p->diagonal ? 0.04 : 0.06) * (p->y1 - p->y0);
  p->x0 -= mx, p->x1 += mx, p->y0 -= my, p->y1 += my;
  XTicks(p, &xt);
  YTicks(p, &yt);
  PetscCall(FFCanvasBegin(path, p->w, p->h, &c));
  Layout(p, c.cr, &yt);
  Axes(p, c.cr, &xt, &yt);
  Data(p, c.cr);
  double legend[4];
  Note(p, c.cr, Legend(p, c.cr, legend) ? legend : NULL);
  PetscCall(FFCanvasEnd(&c, PETSC_TRUE));
  PetscFunctionReturn(0);
}
