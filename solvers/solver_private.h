/* Private to solvers/: the solver object and the functions its files share. */
#ifndef SOLVER_PRIVATE_H
#define SOLVER_PRIVATE_H

#include "ff_solver.h"
#include "ff_util.h" /* json_object of the summary writers */

#include <petscds.h>
#include <petscfe.h>

#define FF_MAX_GROUPS 32

typedef enum {
  FF_BC_UNSET,      /* no option given: a default by group name applies */
  FF_BC_NOSLIP,     /* u = 0 */
  FF_BC_VELOCITY,   /* u = constant vector */
  FF_BC_PARABOLIC,  /* u = 4 U s (1 - s) along the inward normal of a straight segment */
  FF_BC_FREESTREAM, /* u = U_inf (cos a, sin a) */
  FF_BC_OUTFLOW,    /* do-nothing: (nu grad u - p I) n = 0 */
  FF_BC_DIRICHLET,  /* Darcy: p = constant */
  FF_BC_NEUMANN,    /* Darcy: zero flux K grad p . n = 0 */
  FF_BC_FUNCTION,   /* Dirichlet from FFSolverSetBoundaryFunction */
  FF_BC_SYMMETRY    /* u.n = 0 on a straight axis-aligned group, zero shear and flux */
} FFBoundaryType;

extern const char *const FFBoundaryTypeNames[];

/* One boundary group and the condition on it. */
typedef struct {
  char name[FF_NAME_LEN];
  DMLabel label; /* the solver DM's label marking the group (borrowed) */
  PetscInt value;
  FFBoundaryType type;
  PetscReal velocity[2];                              /* FF_BC_VELOCITY, FF_BC_FREESTREAM */
  PetscReal peak;                                     /* FF_BC_PARABOLIC */
  PetscReal origin[2], tangent[2], normal[2], length; /* FF_BC_PARABOLIC segment */
  PetscReal pressure;                                 /* FF_BC_DIRICHLET */
  PetscInt normal_component;                          /* FF_BC_SYMMETRY: 0 (x = const) or 1 */
  FFPointFunction fn;                                 /* FF_BC_FUNCTION */
  void *fn_ctx;
} FFBoundary;

typedef struct _n_FFRans *FFRans; /* RANS state and options (rans.c) */

struct _p_FFSolver {
  MPI_Comm comm;
  char prefix[FF_NAME_LEN];
  FFMesh mesh; /* borrowed, may be NULL when set by FFSolverSetDM */
  DM mesh_dm;  /* borrowed */
  DM dm;       /* clone of mesh_dm carrying the fields */
  DM aux_dm;   /* Darcy: target permeability and source */
  Vec aux;     /* local vector of aux_dm */
  SNES snes;
  Mat J; /* the Jacobian (assembled, exact) */
  Vec u; /* the state: global vector */
  PetscBool setup, solved;
  FFSolveStats stats;

  FFProblemType problem;
  PetscInt dim, velocity_degree, pressure_degree, darcy_degree, quadrature_degree;

  /* Navier-Stokes: Re = U L / nu */
  PetscReal re, ref_velocity, ref_length, density, nu;
  PetscReal u_inf, aoa_deg, p_ref;
  char initial[PETSC_MAX_PATH_LEN]; /* -initial: the initial state from this .vtu ("": the free stream) */
  /* what a solve reports */
  char forces_body[FF_NAME_LEN];
  PetscReal dp_probes[4];
  PetscBool has_dp_probes;
  PetscReal ref_cd, ref_cl, ref_dp;
  PetscBool has_ref_cd, has_ref_cl, has_ref_dp;
  /* continuation */
  PetscReal re_start, re_growth; /* re_start 0: Re / 8 */
  PetscInt max_continuation, first_max_it;

  /* Darcy */
  char darcy_source[FF_NAME_LEN];
  PetscReal source_strength, source_width, source_smoothing;
  FFPointFunction source_fn, permeability_fn;
  void *source_ctx, *permeability_ctx;
  PetscReal grf_length, grf_variance, grf_mean;
  PetscInt grf_modes;
  char grf_kernel[FF_NAME_LEN];
  PetscInt seed;

  PetscInt n_groups;
  FFBoundary bc[FF_MAX_GROUPS];
  PetscBool has_nullspace; /* no outflow / Dirichlet pressure boundary: pressure up to a constant */
  MatNullSpace nullspace;

  /* RANS (NULL otherwise) */
  FFRans rans;

  /* node map (FFSolverSetNodeGraph) */
  PetscInt n_nodes, n_components;
  PetscInt *point_node;   /* local point -> node of the graph, or -1 */
  PetscBool *point_owned; /* not a ghost of another rank's point */
};

/* The argument lists of PetscDS pointwise functions (3.18) */
#define FF_POINTWISE_ARGS                                                                                              \
  PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[],    \
      const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[],                \
      const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t
#define FF_UNUSED_POINTWISE                                                                                            \
  (void)Nf, (void)NfAux, (void)uOff, (void)uOff_x, (void)u, (void)u_t, (void)u_x, (void)aOff, (void)aOff_x, (void)a,   \
      (void)a_t, (void)a_x, (void)t

#define FF_JACOBIAN_ARGS   FF_POINTWISE_ARGS, PetscReal u_tShift, const PetscReal x[]
#define FF_UNUSED_JACOBIAN FF_UNUSED_POINTWISE, (void)u_tShift, (void)x

/* Pointwise functions (ns_pointwise.c, darcy_pointwise.c) */
PetscErrorCode FFNavierStokesSetPointwise(PetscDS ds);
PetscErrorCode FFDarcySetPointwise(PetscDS ds);
/* Objectives for DMPlexComputeIntegralFEM: field 0 and field 1 get one each */
PetscErrorCode FFNavierStokesSetForceObjectives(PetscDS ds);
PetscErrorCode FFSetMeanObjectives(PetscDS ds);

/* Constants of the PetscDS: Navier-Stokes [nu, drag direction x, y]; Darcy [K-row weight];
 * RANS: Navier-Stokes's, then 1 / CFL of the pseudo-time term (0: the steady residual) and
 * the weight of the SA rows */
enum { FF_NS_NU, FF_NS_DRAG_X, FF_NS_DRAG_Y, FF_NS_NUM_CONSTANTS };
enum {
  FF_RANS_INV_CFL = FF_NS_NUM_CONSTANTS,
  FF_RANS_NT_WEIGHT,
  FF_RANS_GRAD_DIV,       /* gamma U_ref L_ref */
  FF_RANS_GRAD_DIV_SCALE, /* an FFRansGradDivScale */
  FF_RANS_REF_U,          /* U_ref and L_ref: gamma = FF_RANS_GRAD_DIV / (U_ref L_ref) */
  FF_RANS_REF_L,
  FF_RANS_GRAD_DIV_VISCOUS, /* C: tau_c >= C (nu + nu_t) */
  FF_RANS_NUM_CONSTANTS
};
/* -rans_grad_div_scale: gamma U_ref L_ref, gamma U_ref h_min, gamma |u| h_u (h_u the cell's
 * length along u), 0 (the LSIC part of tau_c only) */
typedef enum {
  FF_RANS_GRAD_DIV_NONE,
  FF_RANS_GRAD_DIV_HMIN,
  FF_RANS_GRAD_DIV_FLOW,
  FF_RANS_GRAD_DIV_LSIC
} FFRansGradDivScale;
enum { FF_DARCY_K_WEIGHT, FF_DARCY_NUM_CONSTANTS };
PetscErrorCode FFSolverUpdateConstants(FFSolver solver, PetscReal nu_or_weight);

/* Navier-Stokes or RANS: velocity (and pressure) fields 0 and 1 */
#define FFSolverIsFlow(s) ((s)->problem != FF_PROBLEM_DARCY)
/* Number of fields of the problem's DS, and of components of its node fields */
#define FFSolverNumFields(s)     ((s)->problem == FF_PROBLEM_RANS ? 3 : 2)
#define FFSolverNumComponents(s) (FFSolverIsFlow(s) ? (s)->dim + FFSolverNumFields(s) - 1 : FFSolverNumFields(s))

/* A Lagrange element (setup.c) with nc components whose quadrature, on cells and faces, is exact
 * for polynomials of degree `exact` on straight cells (Xiao-Gimbutas points: 7 for degree 5). */
PetscErrorCode FFSolverCreateElement(FFSolver s, PetscInt nc, PetscInt degree, PetscInt exact, const char *name,
                                     PetscFE *fe);

/* RANS (rans.c, rans_pointwise.c, rans_wall.c) */
PetscErrorCode FFRansSetPointwise(PetscDS ds);
PetscErrorCode FFRansSetForceObjectives(PetscDS ds);
PetscErrorCode FFRansCreate(FFSolver solver);
PetscErrorCode FFRansDestroy(FFSolver solver);
PetscErrorCode FFRansOptions(FFSolver solver, PetscOptionItems *PetscOptionsObject);
PetscErrorCode FFRansSetUpFields(FFSolver solver, PetscInt quadrature_degree);
PetscErrorCode FFRansAddBoundaries(FFSolver solver);
PetscErrorCode FFRansSetUpAux(FFSolver solver);
PetscErrorCode FFRansInitialState(FFSolver solver);
PetscErrorCode FFRansSetConstants(FFSolver solver, PetscScalar constants[]);
PetscErrorCode FFRansSolve(FFSolver solver, PetscBool *converged);
PetscErrorCode FFRansUseSteadyResidual(FFSolver solver);
PetscErrorCode FFRansRestoreAux(FFSolver solver);
PetscErrorCode FFRansIntegrateForces(FFSolver solver, DMLabel label, PetscInt value, PetscScalar integral[]);
PetscErrorCode FFRansSummary(FFSolver solver, FFSolveSummary *summary);
PetscErrorCode FFRansSummaryProbes(FFSolver solver, FFSolveSummary *summary);
PetscErrorCode FFRansSummaryJSON(FFSolver solver, const FFSolveSummary *summary, json_object *doc);
PetscErrorCode FFRansComputeYPlusNodes(FFSolver solver, const FFNodeGraph *graph, PetscReal yplus[]);

/* The initial state from -initial's .vtu (initial_file.c) */
PetscErrorCode FFSolverProjectInitialFile(FFSolver solver);

/* Boundary conditions (bc.c) */
PetscErrorCode FFBoundaryOptions(FFSolver solver, PetscOptionItems *PetscOptionsObject);
PetscErrorCode FFBoundaryCheckUnknownGroups(FFSolver solver);
PetscErrorCode FFBoundaryAddToDM(FFSolver solver);
FFBoundary *FFSolverFindGroup(FFSolver solver, const char name[]);

/* Darcy: the auxiliary fields K* and f (darcy.c) */
PetscErrorCode FFDarcySetUpAux(FFSolver solver);
PetscErrorCode FFDarcyResetPermeability(FFSolver solver, Vec u);

/* Node arrays of other P2 scalar fields (vorticity.c, nodemap.c) */
PetscErrorCode FFSolverCreateNodeScalarDM(FFSolver solver, DM *sdm);
PetscErrorCode FFSolverLocalScalarToNodes(FFSolver solver, DM sdm, Vec local, PetscReal nodes[]);

/* Helpers shared by the solver files */
PetscErrorCode FFSolverCheckSetUp(FFSolver solver, const char *caller);
PetscErrorCode FFSolverGetLocalState(FFSolver solver, Vec u,
                                     Vec *local); /* with Dirichlet values; restore with DMRestoreLocalVector */
PetscErrorCode FFSolverIntegrate(FFSolver solver, Vec u, PetscScalar integral[]);
PetscErrorCode FFSolverRemoveMeanPressure(FFSolver solver, Vec u);
PetscErrorCode FFVecISShift(Vec v, IS is, PetscScalar shift);
/* Coordinates that work with any coordinate layout (Gmsh's curved meshes have per-cell P2
 * coordinates, so the FVM geometry routines and vertex coordinate dofs do not apply). */
PetscErrorCode FFVertexCoordinates(DM dm, PetscInt vertex, PetscReal x[2]);
PetscErrorCode FFPointCentroid(DM dm, PetscInt point, PetscReal centroid[2]);
/* The six P2 nodes of a triangle (closure points) at the reference points
 * FFCellNodeReference (corners, then the midpoints of edges 01, 12, 20), and their physical
 * positions (on curved cells the edge nodes lie on the curved edges). */
extern const PetscReal FFCellNodeReference[12];
PetscErrorCode FFCellNodes(DM dm, PetscInt cell, PetscInt points[6]);
PetscErrorCode FFCellNodeCoordinates(DM dm, PetscInt cell, PetscInt points[6], PetscReal xy[12]);

#endif
