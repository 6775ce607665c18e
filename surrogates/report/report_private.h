/* Private to surrogates/report: the drawing helpers the plots and the field maps share (a
 * cairo canvas that becomes a file, text with sub- and superscripts, ticks at nice numbers). */
#ifndef REPORT_PRIVATE_H
#define REPORT_PRIVATE_H

#include "ff_petsc.h"
#include "ff_report.h"

#include <cairo.h>

/* ---------- canvas (canvas.c) ---------- */

/* A figure being drawn: the cairo surface of the format named by the path's extension, in
 * pixels (PNG) or points (SVG, PDF), with a white background. */
typedef struct {
  FFFigureFormat format;
  double width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  FFAtomicFile file; /* SVG and PDF stream into it while drawing; PNG at the end */
} FFCanvas;

PetscErrorCode FFCanvasBegin(const char *path, double width, double height, FFCanvas *canvas);
/* commit: write the file (atomically; a cairo error names the file); else discard it. The
 * canvas is freed either way. */
PetscErrorCode FFCanvasEnd(FFCanvas *canvas, PetscBool commit);

/* ---------- text (canvas.c) ----------
 * DejaVu Sans. `_x` or `_{...}` is a subscript, `^x` or `^{...}` a superscript, unless
 * FF_TEXT_PLAIN. Anchors: ax 0 / 0.5 / 1 puts x at the left / centre / right of the text; ay
 * 0 / 0.5 / 1 puts y at the top of the capitals / their middle / the baseline. */
enum { FF_TEXT_BOLD = 1, FF_TEXT_PLAIN = 2 };

double FFTextWidth(cairo_t *cr, const char *text, double size, int flags);
/* Drawn in the current source colour, rotated by angle (radians) about the anchor. */
void FFTextDraw(cairo_t *cr, const char *text, double size, int flags, double x, double y, double ax, double ay,
                double angle);

/* ---------- ticks (ticks.c) ---------- */

#define FF_MAX_TICKS 32

/* Ticks at multiples of a nice step (1, 2, 2.5 or 5 times a power of ten) inside [lo, hi],
 * as near `target` of them as such a step gives. Returns how many (at most FF_MAX_TICKS) and
 * the step. */
int FFNiceTicks(double lo, double hi, int target, double ticks[FF_MAX_TICKS], double *step);
/* A tick label with the decimals the step needs (the same along an axis), a true minus sign,
 * and a power of ten in markup (2.5×10^{-4}) for very small or large numbers. */
void FFTickLabel(double value, double step, char *buf, size_t len);

#endif
