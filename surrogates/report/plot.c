/* Simple 2D plots as PNG (the figures of `fieldflow compare`): a frame with ticks and grid,
 * title and axis labels in a 5 x 7 bitmap font, line and scatter series, a legend, optional
 * log scale, inverted y (C_p) and the diagonal y = x (predicted vs true). */
#include "ff_petsc.h"
#include "ff_report.h"
#include "report_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 8
#define TEXT_SCALE 2
#define CHAR_W     (6 * TEXT_SCALE)

typedef struct {
  char label[64];
  FFPlotStyle style;
  long n;
  double *x, *y;
} Series;

struct _p_FFPlot {
  int w, h;
  char title[160], xlabel[80], ylabel[80];
  int log_y, invert_y, diagonal;
  int n_series;
  Series series[MAX_SERIES];
  unsigned char *rgb;
  int left, right, top, bottom; /* the plot area in pixels */
  double x0, x1, y0, y1;        /* its data range (y in log10 when log_y) */
};

static const unsigned char palette[MAX_SERIES][3] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127}};

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
  PetscCall(PetscFree(p->rgb));
  PetscCall(PetscFree(*pp));
  PetscFunctionReturn(0);
}

PetscErrorCode FFPlotAddSeries(FFPlot p, const char *label, FFPlotStyle style, long n, const double *x, const double *y)
{
  Series *s;

  PetscFunctionBegin;
  PetscCheck(p->n_series < MAX_SERIES, PETSC_COMM_SELF, PETSC_ERR_SUP, "at most %d series per plot", MAX_SERIES);
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

/* ---------- raster ---------- */

static void Pixel(FFPlot p, int x, int y, const unsigned char c[3])
{
  if (x < 0 || y < 0 || x >= p->w || y >= p->h) return;
  memcpy(&p->rgb[3 * ((size_t)y * p->w + x)], c, 3);
}

static void Rect(FFPlot p, int x0, int y0, int x1, int y1, const unsigned char c[3])
{
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) Pixel(p, x, y, c);
}

static int InArea(FFPlot p, int x, int y) { return x >= p->left && x <= p->right && y >= p->top && y <= p->bottom; }

/* A line of the given thickness (Bresenham), clipped to the plot area when clip is set. */
static void Line(FFPlot p, int x0, int y0, int x1, int y1, int thick, int clip, const unsigned char c[3])
{
  int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
  for (int guard = 0; guard < 100000; guard++) {
    for (int a = 0; a < thick; a++)
      for (int b = 0; b < thick; b++)
        if (!clip || InArea(p, x0 + a - thick / 2, y0 + b - thick / 2))
          Pixel(p, x0 + a - thick / 2, y0 + b - thick / 2, c);
    if (x0 == x1 && y0 == y1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) err += dy, x0 += sx;
    if (e2 <= dx) err += dx, y0 += sy;
  }
}

static void Disc(FFPlot p, int cx, int cy, int r, const unsigned char c[3])
{
  for (int y = -r; y <= r; y++)
    for (int x = -r; x <= r; x++)
      if (x * x + y * y <= r * r + r && InArea(p, cx + x, cy + y)) Pixel(p, cx + x, cy + y, c);
}

static void Text(FFPlot p, int x, int y, const char *s, const unsigned char c[3])
{
  for (; *s; s++, x += CHAR_W) {
    const int ch = (unsigned char)*s;
    if (ch < 32 || ch > 126) continue;
    for (int r = 0; r < 7; r++)
      for (int b = 0; b < 5; b++)
        if (FFFont5x7[ch - 32][r] & (0x10 >> b))
          Rect(p, x + b * TEXT_SCALE, y + r * TEXT_SCALE, x + b * TEXT_SCALE + TEXT_SCALE - 1,
               y + r * TEXT_SCALE + TEXT_SCALE - 1, c);
  }
}

static int TextWidth(const char *s) { return (int)strlen(s) * CHAR_W; }

/* ---------- axes ---------- */

static double NiceStep(double range, int target)
{
  const double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

static void Range(FFPlot p, int axis, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int k = 0; k < p->n_series; k++)
    for (long i = 0; i < p->series[k].n; i++) {
      double v = axis ? p->series[k].y[i] : p->series[k].x[i];
      if (axis && p->log_y) v = v > 0 ? log10(v) : NAN;
      if (!isfinite(v) || !isfinite(axis ? p->series[k].x[i] : p->series[k].y[i])) continue;
      *lo = PetscMin(*lo, v);
      *hi = PetscMax(*hi, v);
    }
  if (!isfinite(*lo)) *lo = 0, *hi = 1;
  if (*hi - *lo < 1e-12 * PetscMax(1.0, fabs(*hi))) {
    const double d = PetscMax(fabs(*hi) * 0.05, 1e-3);
    *lo -= d;
    *hi += d;
  }
}

static double MapX(FFPlot p, double x) { return p->left + (x - p->x0) / (p->x1 - p->x0) * (p->right - p->left); }

static double MapY(FFPlot p, double y)
{
  if (p->log_y) y = y > 0 ? log10(y) : NAN;
  const double f = (y - p->y0) / (p->y1 - p->y0);
  return p->invert_y ? p->top + f * (p->bottom - p->top) : p->bottom - f * (p->bottom - p->top);
}

static void FormatTick(double v, double step, char *buf, size_t len)
{
  if (fabs(v) < 1e-9 * step) v = 0;
  if (fabs(v) >= 1e5 || (v != 0 && fabs(v) < 1e-3))
    snprintf(buf, len, "%.1e", v);
  else
    snprintf(buf, len, "%.*f", step >= 1 ? 0 : (int)PetscMin(6, ceil(-log10(step) - 1e-9)), v);
}

static void Axes(FFPlot p)
{
  const unsigned char black[3] = {0, 0, 0}, grid[3] = {225, 225, 225};
  char buf[32];
  /* x ticks */
  const double sx = NiceStep(p->x1 - p->x0, 6);
  for (double t = ceil(p->x0 / sx) * sx; t <= p->x1 + 1e-9 * sx; t += sx) {
    const int px = (int)lround(MapX(p, t));
    Line(p, px, p->top, px, p->bottom, 1, 1, grid);
    Line(p, px, p->bottom, px, p->bottom + 5, 1, 0, black);
    FormatTick(t, sx, buf, sizeof buf);
    Text(p, px - TextWidth(buf) / 2, p->bottom + 10, buf, black);
  }
  /* y ticks: decades on a log axis */
  const double sy = p->log_y ? PetscMax(1.0, round(NiceStep(p->y1 - p->y0, 6))) : NiceStep(p->y1 - p->y0, 6);
  for (double t = ceil(p->y0 / sy) * sy; t <= p->y1 + 1e-9 * sy; t += sy) {
    const double v = p->log_y ? pow(10, t) : t;
    const int py = (int)lround(MapY(p, v));
    Line(p, p->left, py, p->right, py, 1, 1, grid);
    Line(p, p->left - 5, py, p->left, py, 1, 0, black);
    if (p->log_y)
      snprintf(buf, sizeof buf, "1e%d", (int)lround(t));
    else
      FormatTick(t, sy, buf, sizeof buf);
    Text(p, p->left - 10 - TextWidth(buf), py - 7, buf, black);
  }
  Line(p, p->left, p->top, p->right, p->top, 1, 0, black);
  Line(p, p->left, p->bottom, p->right, p->bottom, 1, 0, black);
  Line(p, p->left, p->top, p->left, p->bottom, 1, 0, black);
  Line(p, p->right, p->top, p->right, p->bottom, 1, 0, black);
  Text(p, (p->w - TextWidth(p->title)) / 2, 10, p->title, black);
  Text(p, (p->left + p->right - TextWidth(p->xlabel)) / 2, p->h - 24, p->xlabel, black);
  Text(p, 10, p->top - 22, p->ylabel, black);
}

static void Legend(FFPlot p)
{
  const unsigned char black[3] = {0, 0, 0}, white[3] = {255, 255, 255};
  int width = 0, n = 0;
  for (int k = 0; k < p->n_series; k++)
    if (p->series[k].label[0]) width = PetscMax(width, TextWidth(p->series[k].label)), n++;
  if (!n) return;
  const int x1 = p->right - 8, x0 = x1 - width - 50, y0 = p->top + 8, y1 = y0 + 22 * n + 6;
  Rect(p, x0, y0, x1, y1, white);
  Line(p, x0, y0, x1, y0, 1, 0, black);
  Line(p, x0, y1, x1, y1, 1, 0, black);
  Line(p, x0, y0, x0, y1, 1, 0, black);
  Line(p, x1, y0, x1, y1, 1, 0, black);
  for (int k = 0, row = 0; k < p->n_series; k++) {
    if (!p->series[k].label[0]) continue;
    const int y = y0 + 14 + 22 * row++;
    if (p->series[k].style == FF_PLOT_LINE)
      Line(p, x0 + 8, y, x0 + 36, y, 3, 0, palette[k]);
    else
      Rect(p, x0 + 18, y - 4, x0 + 26, y + 4, palette[k]);
    Text(p, x0 + 44, y - 7, p->series[k].label, black);
  }
}

PetscErrorCode FFPlotWritePNG(FFPlot p, const char *path)
{
  const unsigned char gray[3] = {110, 110, 110};

  PetscFunctionBegin;
  PetscCall(PetscFree(p->rgb));
  PetscCall(PetscMalloc1(3 * (size_t)p->w * p->h, &p->rgb));
  memset(p->rgb, 255, 3 * (size_t)p->w * p->h);
  p->left = 110;
  p->right = p->w - 25;
  p->top = 60;
  p->bottom = p->h - 70;
  Range(p, 0, &p->x0, &p->x1);
  Range(p, 1, &p->y0, &p->y1);
  if (p->diagonal) {
    p->x0 = p->y0 = PetscMin(p->x0, p->y0);
    p->x1 = p->y1 = PetscMax(p->x1, p->y1);
  }
  const double mx = 0.04 * (p->x1 - p->x0), my = 0.06 * (p->y1 - p->y0);
  p->x0 -= mx, p->x1 += mx, p->y0 -= my, p->y1 += my;
  Axes(p);
  if (p->diagonal)
    Line(p, (int)MapX(p, p->x0), (int)MapY(p, p->x0), (int)MapX(p, p->x1), (int)MapY(p, p->x1), 1, 1, gray);
  for (int k = 0; k < p->n_series; k++) {
    const Series *s = &p->series[k];
    int have = 0, px = 0, py = 0;
    for (long i = 0; i < s->n; i++) {
      const double fx = MapX(p, s->x[i]), fy = MapY(p, s->y[i]);
      if (!isfinite(fx) || !isfinite(fy)) {
        have = 0;
        continue;
      }
      const int x = (int)lround(fx), y = (int)lround(fy);
      if (s->style == FF_PLOT_SCATTER)
        Disc(p, x, y, 4, palette[k]);
      else if (have)
        Line(p, px, py, x, y, 2, 1, palette[k]);
      have = 1, px = x, py = y;
    }
  }
  Legend(p);
  PetscCall(FFWritePNG(path, p->w, p->h, p->rgb));
  PetscFunctionReturn(0);
}
