/* fieldflow reports: a surrogate side by side with the reference solves it replaces
 * (errors, forces, residual, wall time), an ensemble against Monte Carlo solves, and the
 * figures of both (cairo: PNG, SVG or PDF). The report room of surrogates/.
 *
 * Arrows: report -> flow, train, models and below; only the CLI includes this header. */
#ifndef FF_REPORT_H
#define FF_REPORT_H

#include "ff_flow.h"

/* ====================================================================== comparison */

/* A P2 triangle mesh as the field maps draw it (the arrays of an FFSurrogateGraph). */
typedef struct {
  int n_nodes, n_cells;
  double *coords;          /* n_nodes x 2 */
  int *cells;              /* n_cells x 6: three vertices, then the midpoints of edges 01, 12, 20 (VTK order) */
  unsigned char *category; /* n_nodes FFNodeCategory; wall edges are drawn as the body. NULL: no walls */
} FFMapMesh;

/* One dataset sample: the surrogate against its reference solve. */
typedef struct {
  long index;
  int n_nodes;
  double cond[FF_SURR_MAX_COND];
  double *pred;                            /* n_nodes x output columns (raw network output) */
  double rel_l2[FF_SURR_MAX_COLS];         /* relative L2 error per output column */
  double rel_l2_field[FF_SURR_MAX_FIELDS]; /* per field, all its components together */
  double nmse_volume[FF_SURR_MAX_COLS];    /* AirfRANS: MSE of normalized fields, all nodes */
  double nmse_surface[FF_SURR_MAX_COLS];   /* ... and the wall nodes */
  int has_forces;
  double cd_ref, cl_ref;                       /* as stored with the sample */
  double cd_pred, cl_pred;                     /* of the prediction, by the solver's force routine */
  double cd_ref_recomputed, cl_ref_recomputed; /* of the stored fields, by the same routine */
  double residual_pred, residual_ref;          /* ||F|| of prediction and reference */
  double t_features, t_network;                /* inference seconds: graph inputs, network */
  double t_solve_stored, t_solve_now;          /* the reference solve as recorded, and again now (NAN: not) */
  int solve_converged;
  int n_cp;
  double *cp_x, *cp_ref, *cp_pred; /* C_p along the body (reference, prediction) */
  /* kept for the field maps of the report by FFSampleEvalKeepFields (else zero): the sample's
   * mesh and its reference fields, n_nodes x output columns like pred */
  FFMapMesh mesh;
  double *ref;
} FFSampleEval;

/* Evaluates the surrogate on a sample read with FF_READ_ALL; solver (may be NULL: no forces,
 * residuals or solve time) is the sample's own (FFSweepSolverFromSample). time_solve: solve
 * the sample again, from the solver's initial state, to time the solver in this run. */
PetscErrorCode FFSurrogateEvaluateSample(FFSurrogate s, const FFSample *sample, FFSolver solver, PetscBool time_solve,
                                         FFSampleEval *eval);
/* Keeps the sample's mesh and reference fields in eval for the field maps of the report
 * (FFCompareWriteFigures); the sample as given to FFSurrogateEvaluateSample. */
PetscErrorCode FFSampleEvalKeepFields(const FFSurrogateSchema *schema, const FFSample *sample, FFSampleEval *eval);
PetscErrorCode FFSampleEvalDestroy(FFSampleEval *eval);

/* Aggregates over the samples of a comparison. */
typedef struct {
  long n;
  int n_cols, n_fields;
  char col_names[FF_SURR_MAX_COLS][FF_NAME_LEN];
  char field_names[FF_SURR_MAX_FIELDS][FF_NAME_LEN];
  double rel_l2[FF_SURR_MAX_COLS], rel_l2_field[FF_SURR_MAX_FIELDS]; /* means over samples */
  double rel_l2_max[FF_SURR_MAX_COLS], rel_l2_field_max[FF_SURR_MAX_FIELDS];
  double nmse_volume[FF_SURR_MAX_COLS], nmse_surface[FF_SURR_MAX_COLS];
  int has_forces;
  double cl_mre, cd_mre;           /* mean relative error (AirfRANS) */
  double cl_spearman, cd_spearman; /* rank correlation, predicted vs reference */
  double cl_mae, cd_mae;           /* mean absolute error */
  double cl_ref_mean_abs, cd_ref_mean_abs;
  double force_consistency;           /* max relative difference of recomputed and stored reference forces */
  double residual_pred, residual_ref; /* means of ||F|| */
  double t_inference;                 /* mean seconds (features + network) */
  double t_solve;                     /* mean seconds of the reference solves timed in this run (or as stored) */
  long n_timed;                       /* samples solved again in this run (0: stored times used) */
  double speedup;                     /* t_solve / t_inference over the same samples */
} FFCompareSummary;

PetscErrorCode FFCompareSummarize(const FFSurrogateSchema *schema, long n, const FFSampleEval *evals,
                                  FFCompareSummary *sum);

/* Where the comparison came from (for the report's header). */
typedef struct {
  const char *model_path, *data_dir, *split;
  const FFKeyValues *model_config; /* the model file's configuration */
  const FFNamedArrays *history;    /* its loss curves (may be NULL) */
  size_t n_params;
  double wall_time; /* of the whole comparison */
  int vtu;          /* a VTU per sample was written (samples/) */
  unsigned figures; /* formats of the figures, FFFigureFormat bits (0: PNG) */
} FFCompareInfo;

/* report dir: metrics.json, report.md, samples.csv, figures (cl.png, cd.png, cp_<index>.png
 * and field_<field>_<index>.png for the first cp_samples samples, loss.png; in each format of
 * info->figures). Atomic files; the directory is created. */
PetscErrorCode FFCompareWriteReport(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                    const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples);
/* Predicted node fields (n_nodes x output columns) on a mesh as VTU; with ref (same layout,
 * may be NULL) also <field>_ref and <field>_error. Atomic. */
PetscErrorCode FFSurrogateWriteVtu(const FFSurrogateSchema *schema, const FFSampleMesh *mesh, const double *pred,
                                   const double *ref, const char *path);
/* Only the figures (part of FFCompareWriteReport). The field maps: for each of the first
 * cp_samples samples whose fields were kept and each predicted field (velocity: its magnitude),
 * the reference, the prediction (one colour scale) and their difference. */
PetscErrorCode FFCompareWriteFigures(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema,
                                     long n, const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples);

/* ====================================================================== figures
 * Drawn with cairo; the format of a figure is the extension of the file written: .png
 * (pixels), .svg or .pdf (vector; one unit is a point). Files are written atomically. Text
 * takes a small markup: "C_p", "C_{L,ref}" subscript, "10^{-3}" superscript. */

typedef enum { FF_FIGURE_PNG = 1, FF_FIGURE_SVG = 2, FF_FIGURE_PDF = 4 } FFFigureFormat;

/* "png,svg" -> FF_FIGURE_PNG | FF_FIGURE_SVG; an unknown name is an error naming it. */
PetscErrorCode FFFigureFormatsFromString(const char *list, unsigned *formats);
/* The file extension of one format ("png", "svg", "pdf"). */
const char *FFFigureFormatExtension(FFFigureFormat format);

typedef struct _p_FFPlot *FFPlot;

typedef enum { FF_PLOT_LINE, FF_PLOT_SCATTER } FFPlotStyle;

/* A 2D plot: axes with ticks at nice numbers and a grid, title, axis labels, a legend of the
 * labelled series, lines and markers. width x height: pixels of the PNG (points of SVG/PDF). */
PetscErrorCode FFPlotCreate(int width, int height, const char *title, const char *xlabel, const char *ylabel,
                            FFPlot *plot);
PetscErrorCode FFPlotDestroy(FFPlot *plot);
/* Series keep copies of the data; NaN points are skipped (and break a line). */
PetscErrorCode FFPlotAddSeries(FFPlot plot, const char *label, FFPlotStyle style, long n, const double *x,
                               const double *y);
PetscErrorCode FFPlotSetLogY(FFPlot plot, int log_y);     /* decades, minor ticks at 2..9 */
PetscErrorCode FFPlotSetInvertY(FFPlot plot, int invert); /* C_p plots: negative up */
PetscErrorCode FFPlotAddDiagonal(FFPlot plot);            /* y = x on equal axes, for predicted vs true */
/* A short text in a box in the corner the legend leaves free ('\n' separates lines). */
PetscErrorCode FFPlotSetNote(FFPlot plot, const char *note);
/* Writes the plot; the format from the extension of path. */
PetscErrorCode FFPlotWrite(FFPlot plot, const char *path);

/* ---------- colour maps of fields on a mesh (FFMapMesh above) ---------- */

typedef enum {
  FF_COLORMAP_SEQUENTIAL, /* viridis: dark blue (low) to yellow (high), perceptually uniform */
  FF_COLORMAP_DIVERGING   /* blue (negative) - white (0.5) - red (positive), for signed errors */
} FFColormap;

/* The colour (sRGB, each in [0, 1]) of t in [0, 1] (clamped), linear between 11 stops. */
void FFColormapColor(FFColormap map, double t, double rgb[3]);

typedef struct _p_FFFieldMap *FFFieldMap;

/* A figure of n_panels colour maps side by side of node fields on one mesh (not copied: it
 * must outlive the map), each with its title and a colour bar with ticks, under a figure
 * title. Each P2 cell is drawn as its four sub-triangles with Gouraud shading, split in four
 * again (up to 4 times) while the field spans more than 1/24 of the colour range over one,
 * so that the colours follow the map rather than a straight line through RGB; the walls
 * are drawn as the body (filled where they close). The window is, by default, the body's box
 * widened by about 0.6 of its length upstream, above and below and 0.9 downstream (the
 * whole mesh when no wall closes). */
PetscErrorCode FFFieldMapCreate(const FFMapMesh *mesh, int n_panels, const char *title, FFFieldMap *map);
PetscErrorCode FFFieldMapDestroy(FFFieldMap *map);
/* The window in mesh coordinates: x0, x1, y0, y1. */
PetscErrorCode FFFieldMapSetWindow(FFFieldMap map, const double window[4]);
PetscErrorCode FFFieldMapGetWindow(FFFieldMap map, double window[4]);
/* A colour range for n fields that share it (each n_nodes values): their values inside the
 * window, leaving out the lowest and the highest `tail` of the window's area (0: min and
 * max), so that a peak on a few small cells (a stagnation point) does not flatten the rest;
 * an end is cut only where that frees more than 15% of the full range (else it is the
 * extreme). The colour bar shows an arrow at an end that clips. */
PetscErrorCode FFFieldMapRange(FFFieldMap map, int n, const double *const values[], double tail, double *lo,
                               double *hi);
/* Panel k: title, colour bar label, node values (copied), colour map and the values at its
 * ends (lo < hi; values outside take the end colours, and the bar gets an arrow there). */
PetscErrorCode FFFieldMapSetPanel(FFFieldMap map, int k, const char *title, const char *bar_label, const double *values,
                                  FFColormap cmap, double lo, double hi);
/* Writes the figure; the format from the extension of path. */
PetscErrorCode FFFieldMapWrite(FFFieldMap map, const char *path);
/* Where mesh point (x, y) lands in panel k, in pixels (PNG) from the top left. */
PetscErrorCode FFFieldMapToPixel(FFFieldMap map, int k, double x, double y, double *px, double *py);

#endif
