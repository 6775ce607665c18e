/* Progress of long work: a live line on a terminal, sparse plain lines in logs. */
#include "ff_util.h"

#include <string.h>
#include <unistd.h>

void FFFormatDuration(double s, char *buf, size_t len)
{
  if (s < 0) s = 0;
  if (s < 60)
    snprintf(buf, len, "%.1fs", s);
  else if (s < 3600)
    snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
  else
    snprintf(buf, len, "%dh%02dm", (int)(s / 3600), ((int)s % 3600) / 60);
}

void FFProgressStart(FFProgress *p, const char *label, long total, int enabled)
{
  memset(p, 0, sizeof *p);
  snprintf(p->label, sizeof p->label, "%s", label);
  p->total = total;
  p->stream = stderr;
  p->enabled = enabled;
  p->tty = isatty(fileno(stderr));
  p->start = p->last_print = FFTimeNow();
  p->last_decile = -1;
}

static void Print(FFProgress *p, const char *detail, int final)
{
  double elapsed = FFTimeNow() - p->start;
  char el[32], eta[48] = "";
  FFFormatDuration(elapsed, el, sizeof el);
  if (!final && p->done > 0 && p->total > p->done) {
    char t[32];
    FFFormatDuration(elapsed / p->done * (p->total - p->done), t, sizeof t);
    snprintf(eta, sizeof eta, " ETA %s", t);
  }
  int pct = p->total > 0 ? (int)(100.0 * p->done / p->total) : 100;
  fprintf(p->stream, "%s%s %ld/%ld (%3d%%) %s%s%s%s%s", p->tty ? "\r\033[K" : "", p->label, p->done, p->total, pct, el,
          eta, detail && *detail ? "  " : "", detail ? detail : "", p->tty && !final ? "" : "\n");
  fflush(p->stream);
}

void FFProgressUpdate(FFProgress *p, long done, const char *detail)
{
  if (!p->enabled) return;
  p->done = done;
  double now = FFTimeNow();
  int decile = p->total > 0 ? (int)(10 * done / p->total) : 0;
  int due = p->tty ? (now - p->last_print > 0.2) : (decile > p->last_decile || now - p->last_print > 30.0);
  if (!due) return;
  p->last_print = now;
  p->last_decile = decile;
  Print(p, detail, 0);
}

void FFProgressEnd(FFProgress *p, const char *detail)
{
  if (!p->enabled) return;
  p->done = p->total;
  Print(p, detail, 1);
}
