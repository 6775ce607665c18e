/* A cairo canvas that becomes a figure file (PNG, SVG or PDF by the extension), and the
 * text of the figures: DejaVu Sans through cairo's toy text API, with sub- and superscripts
 * (C_p, 10^{-3}) so that labels read like the quantities they name. */
#include "report_private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  FFFigureFormat format;
} formats[] = {{"png", FF_FIGURE_PNG}, {"svg", FF_FIGURE_SVG}, {"pdf", FF_FIGURE_PDF}};

PetscErrorCode FFFigureFormatsFromString(const char *list, unsigned *out)
{
  char buf[256], *save = NULL;

  PetscFunctionBegin;
  *out = 0;
  PetscCall(PetscStrncpy(buf, list ? list : "", sizeof buf));
  for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
    unsigned f = 0;
    for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
      if (!strcasecmp(tok, formats[k].name)) f = formats[k].format;
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "unknown figure format '%s' (png, svg, pdf)", tok);
    *out |= f;
  }
  PetscCheck(*out, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "no figure format in '%s' (png, svg, pdf)", list ? list : "");
  PetscFunctionReturn(0);
}

const char *FFFigureFormatExtension(FFFigureFormat format)
{
  for (size_t k = 0; k < sizeof formats / sizeof *formats; k++)
    if (formats[k].format == format) return formats[k].name;
  return "png";
}

/* cairo's writers call this with each chunk; a short write fails the surface. */
static cairo_status_t Write(void *closure, const unsigned char *data, unsigned int length)
{
  FILE *f = closure;
  return fwrite(data, 1, length, f) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

PetscErrorCode FFCanvasBegin(const char *path, double width, double height, FFCanvas *c)
{
  const char *dot = strrchr(path, '.');

  PetscFunctionBegin;
  memset(c, 0, sizeof *c);
  c->width = width;
  c->height = height;
  for (size_t k = 0; dot && k < sizeof formats / sizeof *formats; k++)
    if (!strcasecmp(dot + 1, formats[k].name)) c->format = formats[k].format;
  PetscCheck(c->format, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "figure '%s': the extension names no format (.png, .svg, .pdf)", path);
  PetscCallFF(FFAtomicOpen(path, "wb", &c->file));
  if (c->format == FF_FIGURE_PNG)
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width), (int)ceil(height));
  else if (c->format == FF_FIGURE_SVG)
    c->surface = cairo_svg_surface_create_for_stream(Write, c->file.f, width, height);
  else
    c->surface = cairo_pdf_surface_create_for_stream(Write, c->file.f, width, height);
  /* what SVG cannot express (mesh gradients) is rasterized: at twice the point size it stays
   * sharp on a screen without making the file heavy */
  if (c->format == FF_FIGURE_SVG) cairo_surface_set_fallback_resolution(c->surface, 144, 144);
  c->cr = cairo_create(c->surface);
  const cairo_status_t st = cairo_status(c->cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(c->cr);
    cairo_surface_destroy(c->surface);
    FFAtomicAbort(&c->file);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "figure '%s': cairo: %s", path, cairo_status_to_string(st));
  }
  cairo_set_source_rgb(c->cr, 1, 1, 1);
  cairo_paint(c->cr);
  PetscFunctionReturn(0);
}

PetscErrorCode FFCanvasEnd(FFCanvas *c, PetscBool commit)
{
  cairo_status_t st;

  PetscFunctionBegin;
  st = cairo_status(c->cr);
  cairo_destroy(c->cr);
  if (commit && st == CAIRO_STATUS_SUCCESS) {
    if (c->format == FF_FIGURE_PNG) {
      cairo_surface_flush(c->surface);
      st = cairo_surface_write_to_png_stream(c->surface, Write, c->file.f);
    } else {
      cairo_surface_finish(c->surface); /* the vector formats write their last bytes here */
      st = cairo_surface_status(c->surface);
    }
  }
  cairo_surface_destroy(c->surface);
  if (!commit || st != CAIRO_STATUS_SUCCESS) {
    FFAtomicAbort(&c->file);
    PetscCheck(!commit, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write figure '%s': cairo: %s", c->file.path,
               cairo_status_to_string(st));
    PetscFunctionReturn(0);
  }
  PetscCallFF(FFAtomicCommit(&c->file));
  PetscFunctionReturn(0);
}

/* ---------- text ---------- */

/* One run of text at one level: 0 normal, -1 subscript, +1 superscript. */
typedef struct {
  const char *s;
  size_t n;
  int level;
} Run;

/* Splits the markup into runs; at most max of them. */
static int Runs(const char *text, int flags, Run *runs, int max)
{
  int n = 0;
  const char *p = text;
  while (*p && n < max) {
    if (!(flags & FF_TEXT_PLAIN) && (*p == '_' || *p == '^') && p[1]) {
      const int level = *p == '_' ? -1 : 1;
      if (p[1] == '{') {
        const char *end = strchr(p + 2, '}');
        if (end) {
          runs[n++] = (Run){p + 2, (size_t)(end - p - 2), level};
          p = end + 1;
          continue;
        }
      } else {
        /* a single character: one UTF-8 sequence */
        size_t len = 1;
        while (((unsigned char)p[1 + len] & 0xc0) == 0x80) len++;
        runs[n++] = (Run){p + 1, len, level};
        p += 1 + len;
        continue;
      }
    }
    const char *q = p + 1;
    while (*q && ((flags & FF_TEXT_PLAIN) || (*q != '_' && *q != '^'))) q++;
    runs[n++] = (Run){p, (size_t)(q - p), 0};
    p = q;
  }
  return n;
}

static void SetFont(cairo_t *cr, double size, int flags)
{
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         flags & FF_TEXT_BOLD ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

/* Width of the runs, and of each. */
static double Measure(cairo_t *cr, const Run *runs, int n, double size, int flags, double *widths)
{
  double total = 0;
  char buf[512];
  for (int k = 0; k < n; k++) {
    cairo_text_extents_t te;
    const size_t len = PetscMin(runs[k].n, sizeof buf - 1);
    memcpy(buf, runs[k].s, len);
    buf[len] = '\0';
    SetFont(cr, runs[k].level ? 0.72 * size : size, flags);
    cairo_text_extents(cr, buf, &te);
    widths[k] = te.x_advance;
    total += te.x_advance;
  }
  return total;
}

#define MAX_RUNS 32

double FFTextWidth(cairo_t *cr, const char *text, double size, int flags)
{
  Run runs[MAX_RUNS];
  double widths[MAX_RUNS];
  const int n = Runs(text, flags, runs, MAX_RUNS);
  return Measure(cr, runs, n, size, flags, widths);
}

void FFTextDraw(cairo_t *cr, const char *text, double size, int flags, double x, double y, double ax, double ay,
                double angle)
{
  Run runs[MAX_RUNS];
  double widths[MAX_RUNS];
  char buf[512];
  const int n = Runs(text, flags, runs, MAX_RUNS);
  const double width = Measure(cr, runs, n, size, flags, widths);
  /* the height of the capitals of DejaVu Sans is 0.729 em */
  const double cap = 0.729 * size;

  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  double pen = -ax * width;
  const double base = (1 - ay) * cap;
  for (int k = 0; k < n; k++) {
    const size_t len = PetscMin(runs[k].n, sizeof buf - 1);
    memcpy(buf, runs[k].s, len);
    buf[len] = '\0';
    SetFont(cr, runs[k].level ? 0.72 * size : size, flags);
    cairo_move_to(cr, pen, base + (runs[k].level < 0 ? 0.22 * size : runs[k].level > 0 ? -0.42 * size : 0));
    cairo_show_text(cr, buf);
    pen += widths[k];
  }
  cairo_restore(cr);
}
