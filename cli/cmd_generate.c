/* fieldflow generate: a parameter sweep of reference solves into a dataset directory
 * (sweep/ff_sweep.h does the work): draw the plan, mesh and solve every sample, spread over
 * the MPI ranks, resume after an interruption, record failures, print a summary. */
#include "cli_private.h"
#include "ff_mesh.h"
#include "ff_solver.h"
#include "ff_sweep.h"

static PetscErrorCode PrintSummary(MPI_Comm comm, const char *dir, const FFSweepSummary *s)
{
  char t[32];
  long now = s->solved_now + s->failed_now;
  PetscFunctionBeginUser;
  FFFormatDuration(s->wall_time, t, sizeof t);
  PetscCall(PetscPrintf(comm, "%s: %ld planned samples: %ld ok, %ld failed%s", dir, s->planned, s->ok, s->failed,
                        s->corrupt ? "," : "\n"));
  if (s->corrupt) PetscCall(PetscPrintf(comm, " %ld corrupt (see fieldflow info)\n", s->corrupt));
  PetscCall(PetscPrintf(comm, "this run: %ld solved, %ld failed, %ld kept from before; %s on %d rank%s (%d at a time)",
                        s->solved_now, s->failed_now, s->done_before, t, s->ranks, s->ranks > 1 ? "s" : "", s->groups));
  if (now > 0 && s->wall_time > 0)
    PetscCall(PetscPrintf(comm, ": %.2f samples/min\n", 60.0 * (double)now / s->wall_time));
  else
    PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

PetscErrorCode FFCmdGenerate(MPI_Comm comm)
{
  PetscBool help;
  FFSweep sweep;
  FFSweepSummary summary;
  char dir[PETSC_MAX_PATH_LEN] = "";

  PetscFunctionBeginUser;
  PetscCall(FFCliHelpRequested(&help));
  PetscCall(FFSweepCreate(comm, &sweep));
  PetscErrorCode ierr = FFSweepSetFromOptions(sweep);
  if (!ierr && help) ierr = FFCliCaseHelp(comm);
  if (!ierr && !help) ierr = FFSweepRun(sweep, &summary);
  PetscCall(FFSweepDestroy(&sweep));
  PetscCall(ierr);
  if (help) PetscFunctionReturn(0);
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", dir, sizeof dir, NULL));
  PetscCall(PrintSummary(comm, dir, &summary));
  PetscFunctionReturn(0);
}
