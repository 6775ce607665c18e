/* Forces without a mesh against the solver's volume integral, on the samples of a dataset split:
 * for each sample, C_D and C_L of
 *   ref           the stored solution, the solver's volume-integral routine (what compare reports);
 *   solver_wall_h the stored solution (FFSolverEvaluate: the P2 field itself) integrated over the
 *                 body's panels with the wall stencil of step h: the integration's own error;
 *   solver_cont_d the same on the contour d away from the body (momentum balance);
 *   mesh          the model's prediction on the sample's mesh, the volume-integral routine;
 *   field_wall_h, field_cont_d, field_ad   the model's field without a mesh (FFSurrogateBodyForces:
 *                 wall stencil, contour, the network's own wall derivative; fieldflow predict
 *                 -designs).
 * One line per sample and way in -o (CSV), then mean relative and absolute errors.
 *   usage: surface_forces -data data/airfoil [-split test] [-model field.h5] [-panels 200]
 *          [-steps 0.0025,0.005,0.01] [-contours 0.02,0.05,0.1] [-solver_eps 1e-4] [-solver_ways 0]
 *          [-o out.csv] [-max_samples N]
 * (-solver_ways 0: only the model's ways; the solver's need FFSolverEvaluate, ~10 s per sample.) */
#include "ff_petsc.h"
#include "ff_surrogate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_STEPS 8
#define MAX_WAYS  (4 * MAX_STEPS + 2)

typedef struct {
  char name[32];
  double sum_rel_cd, sum_rel_cl, sum_abs_cd, sum_abs_cl, seconds;
  int n;
} Way;

static void Record(Way *w, const char *name, double cd, double cl, double cd_ref, double cl_ref, double seconds,
                   long index, FILE *f)
{
  snprintf(w->name, sizeof w->name, "%s", name);
  w->sum_rel_cd += fabs(cd - cd_ref) / fabs(cd_ref);
  w->sum_rel_cl += fabs(cl - cl_ref) / fabs(cl_ref);
  w->sum_abs_cd += fabs(cd - cd_ref);
  w->sum_abs_cl += fabs(cl - cl_ref);
  w->seconds += seconds;
  w->n++;
  if (f) fprintf(f, "%ld,%s,%.10g,%.10g,%.10g,%.10g,%.6g\n", index, name, cd, cl, cd_ref, cl_ref, seconds);
}

static PetscErrorCode Flow(const FFSweepSolver *ss, FFBodyFlow *flow)
{
  PetscReal v;
  PetscBool set;
  const char *names[5] = {"-re", "-aoa", "-ref_velocity", "-ref_length", "-p_ref"};
  double *dst[5] = {&flow->re, &flow->aoa_deg, &flow->ref_velocity, &flow->ref_length, &flow->p_ref};
  const double defaults[5] = {NAN, 0, 1, 1, 0};

  PetscFunctionBeginUser;
  for (int k = 0; k < 5; k++) {
    PetscCall(PetscOptionsGetReal(ss->options, NULL, names[k], &v, &set));
    *dst[k] = set ? v : defaults[k];
  }
  PetscCheck(isfinite(flow->re), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the sample has no -re");
  PetscFunctionReturn(0);
}

/* The rebuilt mesh reads the stored .msh (a file geometry): the shape from the sample's options. */
static PetscErrorCode NacaOfSample(const FFSweepSolver *ss, const FFGeometry *geo, FFGeometry *naca)
{
  const char *names[3] = {"-naca_m", "-naca_p", "-naca_t"};
  PetscReal *dst[3];
  PetscBool set;

  PetscFunctionBeginUser;
  *naca = *geo;
  naca->type = FF_GEOMETRY_NACA;
  dst[0] = &naca->naca_m, dst[1] = &naca->naca_p, dst[2] = &naca->naca_t;
  for (int k = 0; k < 3; k++) {
    PetscCall(PetscOptionsGetReal(ss->options, NULL, names[k], dst[k], &set));
    PetscCheck(set, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the sample has no %s: not a NACA sweep", names[k]);
  }
  PetscFunctionReturn(0);
}

/* The solver's P2 field on the stencil points of the body: forces by the surface integral. The
 * exact surface lies up to ~1e-5 inside the mesh's wall (a spline through the mesher's points,
 * P2 edges; more on coarse meshes: -solver_eps), so the points sit at eps, eps + h, eps + 2 h and
 * the quadratic through them is
 * evaluated (p) and differentiated (u) at the wall, t = 0. */
static PetscErrorCode SolverSurfaceForces(FFSolver solver, const FFBodySurface *b, const FFBodyFlow *flow, double h,
                                          double eps, FFBodyForces *f)
{
  const double t[3] = {eps, eps + h, eps + 2 * h};
  double L[3], dL[3]; /* Lagrange basis on t and its derivative, at 0 */
  PetscReal *xy, *val;
  double *p, *dudn;

  PetscFunctionBeginUser;
  for (int m = 0; m < 3; m++) {
    const int a = (m + 1) % 3, c = (m + 2) % 3;
    const double den = (t[m] - t[a]) * (t[m] - t[c]);
    L[m] = (0 - t[a]) * (0 - t[c]) / den;
    dL[m] = ((0 - t[a]) + (0 - t[c])) / den;
  }
  PetscCall(PetscMalloc4(6 * b->n, &xy, 9 * b->n, &val, b->n, &p, 2 * b->n, &dudn));
  for (int i = 0; i < b->n; i++)
    for (int m = 0; m < 3; m++)
      for (int d = 0; d < 2; d++) xy[2 * (3 * i + m) + d] = b->xy[2 * i + d] + t[m] * b->normal[2 * i + d];
  PetscCall(FFSolverEvaluate(solver, 3 * b->n, xy, val));
  for (int i = 0; i < b->n; i++) {
    const PetscReal *v = &val[9 * i]; /* (u, v, p) at the three points */
    p[i] = L[0] * v[2] + L[1] * v[5] + L[2] * v[8];
    for (int d = 0; d < 2; d++) dudn[2 * i + d] = dL[0] * v[d] + dL[1] * v[3 + d] + dL[2] * v[6 + d];
  }
  FFBodyForcesIntegrate(b, flow, p, NULL, dudn, f);
  PetscCall(PetscFree4(xy, val, p, dudn));
  PetscFunctionReturn(0);
}

/* The solver's P2 field on a contour d away from the body: momentum balance (the contour lies in
 * the fluid, so no offset is needed). */
static PetscErrorCode SolverContourForces(FFSolver solver, const FFBodySurface *b, const FFBodyFlow *flow, double dist,
                                          FFBodyForces *f)
{
  FFBodySurface c;
  PetscReal *xy, *val;
  double *p, *u, *dudn;
  const double eta = 0.125 * dist; /* as FFSurrogateBodyForces */

  PetscFunctionBeginUser;
  PetscCall(FFBodySurfaceOffset(b, dist, &c));
  PetscCall(PetscMalloc5(6 * c.n, &xy, 9 * c.n, &val, c.n, &p, 2 * c.n, &u, 2 * c.n, &dudn));
  for (int i = 0; i < c.n; i++)
    for (int m = 0; m < 3; m++)
      for (int d = 0; d < 2; d++)
        xy[2 * (3 * i + m) + d] = c.xy[2 * i + d] + (m == 0 ? 0 : m == 1 ? eta : -eta) * c.normal[2 * i + d];
  PetscCall(FFSolverEvaluate(solver, 3 * c.n, xy, val));
  for (int i = 0; i < c.n; i++) {
    const PetscReal *v = &val[9 * i];
    p[i] = v[2];
    for (int d = 0; d < 2; d++) u[2 * i + d] = v[d], dudn[2 * i + d] = (v[3 + d] - v[6 + d]) / (2 * eta);
  }
  FFBodyForcesIntegrate(&c, flow, p, u, dudn, f);
  PetscCall(PetscFree5(xy, val, p, u, dudn));
  PetscCall(FFBodySurfaceDestroy(&c));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(const char *data, const char *split, const char *model, int panels, int n_steps,
                          const double *steps, int n_cont, const double *conts, double eps, int solver_ways,
                          const char *out, long max_samples)
{
  FFDataset ds;
  long *idx, n;
  FFSurrogate s = NULL;
  const FFSurrogateSchema *schema = NULL;
  Way ways[MAX_WAYS];
  FILE *f = NULL;

  PetscFunctionBeginUser;
  memset(ways, 0, sizeof ways);
  PetscCallFF(FFDatasetOpen(data, &ds));
  PetscCallFF(FFDatasetSplit(ds, split, &idx, &n));
  if (max_samples > 0 && n > max_samples) n = max_samples;
  if (model[0]) {
    PetscCall(FFSurrogateLoad(PETSC_COMM_SELF, model, &s, NULL, NULL));
    PetscCall(FFSurrogateGetSchema(s, &schema));
  }
  if (out[0]) {
    f = fopen(out, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", out);
    fprintf(f, "index,way,C_D,C_L,C_D_ref,C_L_ref,seconds\n");
  }
  for (long i = 0; i < n; i++) {
    FFSample sample;
    FFSweepSolver ss;
    FFBodySurface body;
    FFBodyFlow flow;
    FFForces ref, fm;
    FFBodyForces bf;
    const FFGeometry *geo;
    FFGeometry naca;
    Vec u;
    double *x, t0;
    int w = 0;
    char name[32];

    PetscCallFF(FFDatasetReadSample(ds, idx[i], FF_READ_ALL, &sample));
    PetscCall(FFSweepSolverFromSample(PETSC_COMM_SELF, &sample, &ss));
    PetscCall(Flow(&ss, &flow));
    PetscCall(FFMeshGetGeometry(ss.mesh, &geo));
    PetscCall(NacaOfSample(&ss, geo, &naca));
    PetscCall(FFBodySurfaceNaca(&naca, panels, &body));
    PetscCall(PetscMalloc1((size_t)ss.n_nodes * ss.n_components, &x));
    PetscCall(FFSolverCreateState(ss.solver, &u));
    PetscCall(FFSweepSampleNodeField(&ss, &sample, x));
    PetscCall(FFSolverNodeFieldToState(ss.solver, x, u));
    PetscCall(FFSolverSetState(ss.solver, u));
    PetscCall(FFSolverComputeForces(ss.solver, ss.body, &ref));
    for (int k = 0; solver_ways && k < n_steps; k++) {
      t0 = FFTimeNow();
      PetscCall(SolverSurfaceForces(ss.solver, &body, &flow, steps[k], eps, &bf));
      snprintf(name, sizeof name, "solver_wall_%g", steps[k]);
      Record(&ways[w++], name, bf.cd, bf.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
    }
    for (int k = 0; solver_ways && k < n_cont; k++) {
      t0 = FFTimeNow();
      PetscCall(SolverContourForces(ss.solver, &body, &flow, conts[k], &bf));
      snprintf(name, sizeof name, "solver_cont_%g", conts[k]);
      Record(&ways[w++], name, bf.cd, bf.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
    }
    if (s) {
      FFSurrogateGraph g;
      double *pred;
      FFBodySurface *bp = &body;
      PetscCall(FFSurrogateGraphFromSample(schema, &sample, &g));
      PetscCall(FFSurrogatePrepareGraph(s, &g));
      PetscCall(PetscMalloc1((size_t)g.n_nodes * FFSurrogateSchemaOutputColumns(schema), &pred));
      t0 = FFTimeNow();
      PetscCall(FFSurrogatePredict(s, &g, pred, NULL));
      PetscCall(FFSolverNodeFieldToState(ss.solver, pred, u));
      PetscCall(FFSolverSetState(ss.solver, u));
      PetscCall(FFSolverComputeForces(ss.solver, ss.body, &fm));
      Record(&ways[w++], "mesh", fm.cd, fm.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
      for (int k = 0; k < n_steps; k++) {
        t0 = FFTimeNow();
        PetscCall(FFSurrogateBodyForces(s, 1, g.cond, &bp, &flow, FF_FORCES_WALL_STENCIL, steps[k], &bf, NULL));
        snprintf(name, sizeof name, "field_wall_%g", steps[k]);
        Record(&ways[w++], name, bf.cd, bf.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
      }
      for (int k = 0; k < n_cont; k++) {
        t0 = FFTimeNow();
        PetscCall(FFSurrogateBodyForces(s, 1, g.cond, &bp, &flow, FF_FORCES_CONTOUR, conts[k], &bf, NULL));
        snprintf(name, sizeof name, "field_cont_%g", conts[k]);
        Record(&ways[w++], name, bf.cd, bf.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
      }
      t0 = FFTimeNow();
      PetscCall(FFSurrogateBodyForces(s, 1, g.cond, &bp, &flow, FF_FORCES_WALL_AUTODIFF, 0, &bf, NULL));
      Record(&ways[w++], "field_ad", bf.cd, bf.cl, ref.cd, ref.cl, FFTimeNow() - t0, idx[i], f);
      PetscCall(PetscFree(pred));
      PetscCall(FFSurrogateGraphDestroy(&g));
    }
    printf("sample %ld: C_D %.5f C_L %.5f (volume integral of the stored solution)\n", idx[i], ref.cd, ref.cl);
    fflush(stdout);
    PetscCall(VecDestroy(&u));
    PetscCall(PetscFree(x));
    PetscCall(FFBodySurfaceDestroy(&body));
    PetscCall(FFSweepSolverDestroy(&ss));
    FFSampleDestroy(&sample);
  }
  printf("\n%-14s %12s %12s %12s %12s %10s   (%ld samples of split '%s', %d panels)\n", "way", "C_D mean rel",
         "C_L mean rel", "C_D mean abs", "C_L mean abs", "s/sample", n, split, 2 * panels);
  for (int w = 0; w < MAX_WAYS && ways[w].n; w++)
    printf("%-14s %11.3f%% %11.3f%% %12.5f %12.5f %10.4f\n", ways[w].name, 100 * ways[w].sum_rel_cd / ways[w].n,
           100 * ways[w].sum_rel_cl / ways[w].n, ways[w].sum_abs_cd / ways[w].n, ways[w].sum_abs_cl / ways[w].n,
           ways[w].seconds / ways[w].n);
  if (f) fclose(f);
  PetscCall(FFSurrogateDestroy(&s));
  free(idx);
  FFDatasetDestroy(&ds);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char data[PETSC_MAX_PATH_LEN] = "", split[64] = "test", model[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscInt panels = 200, max_samples = 0, n_steps = MAX_STEPS;
  PetscReal steps[MAX_STEPS] = {0.0025, 0.005, 0.01}, conts[MAX_STEPS] = {0.02, 0.05, 0.1};
  PetscInt n_cont = MAX_STEPS;
  PetscReal eps = 1e-4;
  PetscBool set, solver_ways = PETSC_TRUE;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "forces without a mesh against the volume integral"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-data", data, sizeof data, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-split", split, sizeof split, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-model", model, sizeof model, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-panels", &panels, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-solver_eps", &eps, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-solver_ways", &solver_ways, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-max_samples", &max_samples, NULL));
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-steps", steps, &n_steps, &set));
  if (!set) n_steps = 3;
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-contours", conts, &n_cont, &set));
  if (!set) n_cont = 3;
  PetscCheck(data[0] && panels >= 4 && n_steps >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG,
             "usage: surface_forces -data <dataset> [-split test] [-model field.h5] [-panels 200] [-steps h1,h2,..] "
             "[-contours d1,d2,..] [-solver_eps 1e-4] [-solver_ways 0] [-o out.csv] [-max_samples N]");
  double st[MAX_STEPS], ct[MAX_STEPS];
  for (int k = 0; k < n_steps; k++) st[k] = steps[k];
  for (int k = 0; k < n_cont; k++) ct[k] = conts[k];
  PetscCall(
      Run(data, split, model, (int)panels, (int)n_steps, st, (int)n_cont, ct, eps, solver_ways, out, max_samples));
  PetscCall(PetscFinalize());
  return 0;
}
