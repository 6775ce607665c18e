/* The initial state from another solve's .vtu (-initial): its velocity, pressure and, for RANS,
 * nu tilde interpolated at this mesh's nodes by the file's own cells (VTK, src/io/vtk.cxx). A
 * solution on a coarser mesh of the same geometry is a start close to this mesh's solution
 * (grid sequencing), where the continuation from the free stream may not find the way. */
#include "ff_io.h"
#include "solver_private.h"

/* Farther than this from the file's mesh (in units of L_ref), a node is not of the same geometry.
 * Two meshes of one geometry differ at most by their curved walls' chordal error (the NACA 0012's
 * level 0.5 nodes lie within 3e-14 of level 0's mesh, -info prints it); a wrong file is usually
 * off by far more. A guard against the wrong file, not a proof of the right one. */
#define FF_INITIAL_MAX_DISTANCE 1e-2

typedef struct {
  FFVtkProbe probe;
  const char *field;
  PetscReal max_distance; /* the largest distance met */
  FFErrorCode rc;
} Source;

static PetscErrorCode FromFile(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u,
                               void *ctx)
{
  Source *src = (Source *)ctx;
  const double at[3] = {x[0], dim > 1 ? x[1] : 0, 0};
  double v[3] = {0, 0, 0}, distance;
  (void)time;
  if (src->rc) return 0; /* reported after the projection */
  src->rc = FFVtkProbeEvaluate(src->probe, src->field, at, v, &distance);
  src->max_distance = PetscMax(src->max_distance, distance);
  for (PetscInt c = 0; c < Nc; c++) u[c] = v[c];
  return 0;
}

PetscErrorCode FFSolverProjectInitialFile(FFSolver s)
{
  const char *names[3] = {"velocity", "pressure", "nu_tilde"};
  const PetscInt nf = s->problem == FF_PROBLEM_RANS ? 3 : 2;
  Source src[3];
  PetscErrorCode (*fns[3])(PetscInt, PetscReal, const PetscReal[], PetscInt, PetscScalar *,
                           void *) = {FromFile, FromFile, FromFile};
  void *ctxs[3] = {&src[0], &src[1], &src[2]};
  FFVtkProbe probe;
  PetscReal far = 0;

  PetscFunctionBegin;
  PetscCheck(FFSolverIsFlow(s), s->comm, PETSC_ERR_SUP,
             "option -%sinitial: a flow problem's option (Darcy has no initial state)", s->prefix);
  if (FFVtkProbeCreate(s->initial, &probe))
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "option -%sinitial: %s", s->prefix, FFErrorMessage());
  for (PetscInt f = 0; f < nf; f++) {
    const int want = f == 0 ? s->dim : 1;
    if (FFVtkProbeComponents(probe, names[f]) < want) {
      FFVtkProbeDestroy(&probe);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
              "option -%sinitial: '%s' has no point field '%s' with %d component(s)", s->prefix, s->initial, names[f],
              want);
    }
    src[f] = (Source){probe, names[f], 0, FF_SUCCESS};
  }
  PetscCall(DMProjectFunction(s->dm, 0.0, fns, ctxs, INSERT_VALUES, s->u));
  FFVtkProbeDestroy(&probe);
  for (PetscInt f = 0; f < nf; f++) {
    if (src[f].rc)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "option -%sinitial: '%s': %s", s->prefix, s->initial,
              FFErrorMessage());
    far = PetscMax(far, src[f].max_distance);
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &far, 1, MPIU_REAL, MPIU_MAX, s->comm));
  PetscCall(PetscInfo(s->dm, "initial state from %s: the farthest node %g from its mesh\n", s->initial, (double)far));
  PetscCheck(far <= FF_INITIAL_MAX_DISTANCE * s->ref_length, s->comm, PETSC_ERR_ARG_INCOMP,
             "option -%sinitial: '%s' is not a solution on this geometry: a node lies %g from its mesh (more than "
             "%g L_ref)",
             s->prefix, s->initial, (double)far, (double)FF_INITIAL_MAX_DISTANCE);
  PetscFunctionReturn(0);
}
