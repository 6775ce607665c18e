/* The PDE residual of generated fields through the solver residual API: the node field goes
 * to FFSolverNodeFieldLoss (0.5 ||F||^2 + the Dirichlet mismatch, gradient J^T F), and the
 * gradient goes back through the de-normalization to the network's output.
 *
 * Navier-Stokes at an unobserved Reynolds number: the residual needs nu. The momentum
 * residual is affine in nu = U L / Re (convection and pressure do not depend on it, the
 * viscous term is linear in it), so with s = 1/Re, F(u; s) = A(u) + s B(u). Two residual
 * evaluations give A and B, and s* = -A.B / B.B minimizes ||F||: the sample is judged at the
 * Reynolds number that explains it best, and dr/du = J(u; s*)^T F(u; s*) / N by the envelope
 * theorem (the derivative through s* vanishes at the minimum; at a clamped s* it is the
 * gradient at fixed s). */
#include "flow_private.h"

#include <math.h>
#include <string.h>

struct _p_FFFlowPhysics {
  FFFlowModel model;
  FFSolver solver;
  FFProblemType problem;
  PetscInt n_nodes, n_comp;
  long n_unknowns;
  int re_cond; /* the model condition holding Re, or -1 (unobserved) */
  double re_min, re_max;
  Vec u, fa, fb;
  double *field, *grad;
  int batch_n;
  const double *batch_cond;
};

PetscErrorCode FFFlowPhysicsCreate(FFFlowModel model, FFSolver solver, FFFlowPhysics *out)
{
  FFFlowPhysics p;
  FFProblemType problem;
  PetscInt N, n_nodes, n_comp;

  PetscFunctionBegin;
  *out = NULL;
  /* checked before anything is allocated: a refused model leaves nothing behind */
  PetscCall(FFSolverGetProblem(solver, &problem));
  PetscCall(FFSolverGetNodeFieldLayout(solver, &n_nodes, &n_comp));
  PetscCheck(n_nodes == model->mesh.n_nodes && n_comp == model->cols, model->comm, PETSC_ERR_ARG_INCOMP,
             "flow physics: the solver's node fields are %d x %d, the model generates %d x %d", (int)n_nodes,
             (int)n_comp, model->mesh.n_nodes, model->cols);
  const char *expect[2][2] = {{"u", "p"}, {"K", "p"}};
  const int k = problem == FF_PROBLEM_NAVIER_STOKES ? 0 : 1;
  PetscCheck(model->n_fields == 2 && !strcmp(model->fields[0].name, expect[k][0]) &&
                 !strcmp(model->fields[1].name, expect[k][1]),
             model->comm, PETSC_ERR_ARG_INCOMP, "flow physics: the model's fields must be (%s, %s) in that order",
             expect[k][0], expect[k][1]);
  PetscCall(PetscNew(&p));
  p->model = model;
  p->solver = solver;
  p->problem = problem;
  p->n_nodes = n_nodes;
  p->n_comp = n_comp;
  p->re_cond = -1;
  for (int j = 0; j < model->config.n_cond; j++)
    if (!strcmp(model->config.cond[j], "re")) p->re_cond = j;
  p->re_min = 1.0;
  p->re_max = 1000.0;
  PetscCall(FFSolverCreateState(solver, &p->u));
  PetscCall(VecDuplicate(p->u, &p->fa));
  PetscCall(VecDuplicate(p->u, &p->fb));
  PetscCall(VecGetSize(p->u, &N));
  p->n_unknowns = N;
  PetscCall(PetscMalloc2(p->n_nodes * p->n_comp, &p->field, p->n_nodes * p->n_comp, &p->grad));
  *out = p;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsDestroy(FFFlowPhysics *phys)
{
  FFFlowPhysics p = *phys;

  PetscFunctionBegin;
  if (!p) PetscFunctionReturn(0);
  PetscCall(VecDestroy(&p->u));
  PetscCall(VecDestroy(&p->fa));
  PetscCall(VecDestroy(&p->fb));
  PetscCall(PetscFree2(p->field, p->grad));
  PetscCall(PetscFree(*phys));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsSetReynoldsRange(FFFlowPhysics p, double re_min, double re_max)
{
  PetscFunctionBegin;
  PetscCheck(re_min > 0 && re_max >= re_min, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "flow physics: Reynolds range [%g, %g]", re_min, re_max);
  p->re_min = re_min;
  p->re_max = re_max;
  PetscFunctionReturn(0);
}

/* The Reynolds number minimizing ||F(u; 1/Re)|| over [re_min, re_max]. */
static PetscErrorCode FitReynolds(FFFlowPhysics p, const double field[], double *re)
{
  const double sa = 1.0 / p->re_max, sb = 1.0 / p->re_min;
  PetscScalar ab, bb;

  PetscFunctionBegin;
  PetscCall(FFSolverNodeFieldToState(p->solver, field, p->u));
  PetscCall(FFSolverSetReynolds(p->solver, p->re_max));
  PetscCall(FFSolverComputeResidual(p->solver, p->u, p->fa));
  PetscCall(FFSolverSetReynolds(p->solver, p->re_min));
  PetscCall(FFSolverComputeResidual(p->solver, p->u, p->fb));
  /* B = (F_b - F_a) / (s_b - s_a) into fb, A = F_a - s_a B into fa */
  PetscCall(VecAXPY(p->fb, -1.0, p->fa));
  PetscCall(VecScale(p->fb, 1.0 / (sb - sa)));
  PetscCall(VecAXPY(p->fa, -sa, p->fb));
  PetscCall(VecDot(p->fa, p->fb, &ab));
  PetscCall(VecDot(p->fb, p->fb, &bb));
  double s = PetscRealPart(bb) > 0 ? -PetscRealPart(ab) / PetscRealPart(bb) : sa;
  if (!(s >= sa)) s = sa; /* also NaN */
  if (s > sb) s = sb;
  *re = 1.0 / s;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsEvaluate(FFFlowPhysics p, const double field[], const double cond[], FFFlowResidual *res,
                                     double grad[])
{
  PetscReal loss, fnorm;
  double re = 0;

  PetscFunctionBegin;
  if (p->problem == FF_PROBLEM_NAVIER_STOKES) {
    if (p->re_cond >= 0) {
      PetscCheck(cond, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL,
                 "flow physics: the Reynolds number (a condition) is missing");
      re = cond[p->re_cond];
    } else
      PetscCall(FitReynolds(p, field, &re));
    PetscCall(FFSolverSetReynolds(p->solver, re));
  }
  PetscCall(FFSolverNodeFieldLoss(p->solver, field, &loss, &fnorm, grad));
  const double N = (double)p->n_unknowns;
  res->r = 2.0 * loss / N;
  res->f_norm = fnorm;
  res->mismatch = sqrt(PetscMax(2.0 * loss - fnorm * fnorm, 0.0));
  res->re = re;
  res->n_unknowns = p->n_unknowns;
  if (grad)
    for (PetscInt i = 0; i < p->n_nodes * p->n_comp; i++) grad[i] *= 2.0 / N;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsSetBatchConditions(FFFlowPhysics p, int n, const double cond[])
{
  PetscFunctionBegin;
  p->batch_n = n;
  p->batch_cond = cond;
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsResidualFn(void *ctx, int sample, const float x[], double *r, float grad[])
{
  FFFlowPhysics p = (FFFlowPhysics)ctx;
  FFFlowResidual res;
  const double *cond = p->batch_cond ? p->batch_cond + (size_t)sample * p->model->config.n_cond : NULL;

  PetscFunctionBegin;
  PetscCall(FFFlowModelDenormalize(p->model, x, p->field));
  PetscCall(FFFlowPhysicsEvaluate(p, p->field, cond, &res, grad ? p->grad : NULL));
  *r = res.r;
  if (grad) PetscCall(FFFlowModelPullBack(p->model, p->grad, grad));
  PetscFunctionReturn(0);
}

PetscErrorCode FFFlowPhysicsForces(FFFlowPhysics p, const char body[], const double field[], double *cd, double *cl)
{
  FFForces f;

  PetscFunctionBegin;
  PetscCheck(p->problem == FF_PROBLEM_NAVIER_STOKES, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "flow physics: forces need a Navier-Stokes solver");
  PetscCall(FFSolverNodeFieldToState(p->solver, field, p->u));
  PetscCall(FFSolverSetState(p->solver, p->u));
  PetscCall(FFSolverComputeForces(p->solver, body, &f));
  *cd = f.cd;
  *cl = f.cl;
  PetscFunctionReturn(0);
}
