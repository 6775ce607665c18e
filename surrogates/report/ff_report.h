/* fieldflow reports: a surrogate side by side with the reference solves it replaces
 * (errors, forces, residual, wall time), an ensemble against Monte Carlo solves, and the
 * figures of both (cairo: PNG, SVG or PDF). The report room of surrogates/.
 *
 * Arrows: report -> flow, train, models and below; only the CLI includes this header. */
#ifndef FF_REPORT_H
#define FF_REPORT_H

#include "ff_flow.h"

/* ====================================================================== comparison */

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
} FFSampleEval;

/* Evaluates the surrogate on a sample read with FF_READ_ALL; solver (may be NULL: no forces,
 * residuals or solve time) is the sample's own (FFSweepSolverFromSample). time_solve: solve
 * the sample again, from the solver's initial state, to time the solver in this run. */
PetscErrorCode FFSurrogateEvaluateSample(FFSurrogate s, const FFSample *sample, FFSolver solver, PetscBool time_solve,
                                         FFSampleEval *eval);
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
} FFCompareInfo;

/* report dir: metrics.json, report.md, samples.csv, figures (cl.png, cd.png, cp_<index>.png
 * for the first cp_samples samples, loss.png). Atomic files; the directory is created. */
PetscErrorCode FFCompareWriteReport(const char *dir, const FFCompareInfo *info, const FFSurrogateSchema *schema, long n,
                                    const FFSampleEval *evals, const FFCompareSummary *sum, int cp_samples);
/* Predicted node fields (n_nodes x output columns) on a mesh as VTU; with ref (same layout,
 * may be NULL) also <field>_ref and <field>_error. Atomic. */
PetscErrorCode FFSurrogateWriteVtu(const FFSurrogateSchema *schema, const FFSampleMesh *mesh, const double *pred,
                                   const double *ref, const char *path);
/* Only the figures (part of FFCompareWriteReport). */
PetscErrorCode FFCompareWriteFigures(const char *dir, const FFCompareInfo *info, long n, const FFSampleEval *evals,
                                     const FFCompareSummary *sum, int cp_samples);

/* ====================================================================== figures */

typedef struct _p_FFPlot *FFPlot;

typedef enum { FF_PLOT_LINE, FF_PLOT_SCATTER } FFPlotStyle;

/* A simple 2D plot written as PNG: axes with ticks, labels, a legend, lines and markers. */
PetscErrorCode FFPlotCreate(int width, int height, const char *title, const char *xlabel, const char *ylabel,
                            FFPlot *plot);
PetscErrorCode FFPlotDestroy(FFPlot *plot);
/* Series keep copies of the data; NaN points are skipped. */
PetscErrorCode FFPlotAddSeries(FFPlot plot, const char *label, FFPlotStyle style, long n, const double *x,
                               const double *y);
PetscErrorCode FFPlotSetLogY(FFPlot plot, int log_y);
PetscErrorCode FFPlotSetInvertY(FFPlot plot, int invert); /* C_p plots: negative up */
PetscErrorCode FFPlotAddDiagonal(FFPlot plot);            /* y = x, for predicted vs true */
PetscErrorCode FFPlotWritePNG(FFPlot plot, const char *path);

/* An RGB image as PNG (8 bits per channel, zlib-compressed); atomic. */
PetscErrorCode FFWritePNG(const char *path, int width, int height, const unsigned char *rgb);

#endif
