/* The sampler's options of `fieldflow sample` and `compare -mode uq`. They are read before the
 * model is loaded, so an option left out takes the model kind's default afterwards
 * (FFFlowSamplerConfigForKind: 20 multistep steps on the logit grid for flow matching, one exact
 * jump for MeanFlow). */
#include "cli_private.h"
#include "ff_petsc.h"

#include <string.h>

PetscErrorCode FFCliSamplerOptions(PetscOptionItems *PetscOptionsObject, FFCliSampler *s)
{
  PetscInt n = 2;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInt("-steps",
                            "Sampler steps = network evaluations (default: the model's, 20 flow matching, 1 MeanFlow)",
                            "", s->steps, &s->steps, NULL));
  PetscCall(PetscOptionsReal("-t_star",
                             "Stochastic sampler: jump to x1_hat and re-noise below this time (0: deterministic)", "",
                             s->t_star, &s->t_star, &s->t_star_set));
  PetscCall(PetscOptionsString("-integrator",
                               "Flow matching: multistep (DPM-Solver++(2M)) or euler (default multistep)", "",
                               s->integrator, s->integrator, sizeof s->integrator, NULL));
  PetscCall(PetscOptionsString("-grid", "Time grid: logit or uniform (default: logit, MeanFlow uniform)", "", s->grid,
                               s->grid, sizeof s->grid, NULL));
  PetscCall(PetscOptionsRealArray("-grid_range", "The logit grid's range of logit(t) (default -6,4)", "", s->range, &n,
                                  &s->range_set));
  PetscCheck(!s->range_set || n == 2, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option -grid_range: give lo,hi");
  PetscFunctionReturn(0);
}

PetscErrorCode FFCliSamplerConfig(const FFCliSampler *s, FFFlowKind kind, FFFlowSamplerConfig *c)
{
  PetscFunctionBeginUser;
  FFFlowSamplerConfigForKind(kind, c);
  if (s->steps) c->steps = (int)s->steps;
  if (s->t_star_set) c->t_star = s->t_star;
  if (s->integrator[0]) {
    PetscCheck(!strcmp(s->integrator, "euler") || !strcmp(s->integrator, "multistep"), PETSC_COMM_SELF,
               PETSC_ERR_ARG_WRONG, "option -integrator: '%s' (euler or multistep)", s->integrator);
    PetscCall(FFFlowIntegratorFromName(s->integrator, &c->integrator));
  }
  if (s->grid[0]) {
    PetscCheck(!strcmp(s->grid, "logit") || !strcmp(s->grid, "uniform"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "option -grid: '%s' (logit or uniform)", s->grid);
    PetscCall(FFFlowGridFromName(s->grid, &c->grid));
  }
  if (s->range_set) c->logit_lo = s->range[0], c->logit_hi = s->range[1];
  PetscCheck(c->steps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "option -steps: %d (at least 1)", c->steps);
  PetscCheck(c->t_star >= 0 && c->t_star <= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -t_star: %g outside [0, 1]", c->t_star);
  PetscCheck(c->logit_lo < c->logit_hi, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "option -grid_range: %g,%g (lo < hi)", c->logit_lo, c->logit_hi);
  PetscFunctionReturn(0);
}
