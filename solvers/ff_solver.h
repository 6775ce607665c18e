/* fieldflow solvers: steady incompressible Navier-Stokes (Taylor-Hood P2-P1) and Darcy on
 * DMPlex meshes with PetscFE + SNES; forces, probes and C_p; and the residual API that
 * the surrogates call for their physics loss.
 *
 * Typical use (docs/cases.md lists every option):
 *
 *   FFSolverCreate(comm, &s);
 *   FFSolverSetMesh(s, mesh);          // or FFSolverSetDM
 *   FFSolverSetFromOptions(s);         // -problem, -re, -bc_<group>, ...
 *   FFSolverSetUp(s);
 *   FFSolverSolve(s, &stats);          // stats.converged tells whether to trust it
 *   FFSolverComputeForces(s, "cylinder", &forces);
 *   FFSolverDestroy(&s);
 */
#ifndef FF_SOLVER_H
#define FF_SOLVER_H

#include "ff_mesh.h"

#include <petscsnes.h>

/* RANS: steady incompressible Reynolds-averaged Navier-Stokes closed by the negative
 * Spalart-Allmaras model (TMR "SA-neg"); fields velocity, pressure and the SA variable nu
 * tilde, converged by pseudo-transient continuation (docs/cases.md, docs/references.md §10). */
typedef enum { FF_PROBLEM_NAVIER_STOKES, FF_PROBLEM_DARCY, FF_PROBLEM_RANS } FFProblemType;

typedef struct _p_FFSolver *FFSolver;

PetscErrorCode FFSolverCreate(MPI_Comm comm, FFSolver *solver);
/* The mesh (borrowed: it must outlive the solver). Boundary groups come from it. */
PetscErrorCode FFSolverSetMesh(FFSolver solver, FFMesh mesh);
/* Alternative to FFSolverSetMesh: any 2D simplex DMPlex whose boundary groups are labels
 * named after the groups (as DMPlexCreateGmsh makes with -dm_plex_gmsh_use_regions); the
 * first value of each label marks the group. The DM is borrowed. */
PetscErrorCode FFSolverSetDM(FFSolver solver, DM dm, PetscInt n_groups, const char *const group_names[]);
/* A prefix for every option the solver reads (none by default). */
PetscErrorCode FFSolverSetOptionsPrefix(FFSolver solver, const char prefix[]);
PetscErrorCode FFSolverSetFromOptions(FFSolver solver);
/* Builds the discretization, boundary conditions, SNES and matrices. */
PetscErrorCode FFSolverSetUp(FFSolver solver);
PetscErrorCode FFSolverDestroy(FFSolver *solver);

/* ---------- physics set in code (options set the same through FFSolverSetFromOptions) */
PetscErrorCode FFSolverSetProblem(FFSolver solver, FFProblemType problem);
/* Reynolds number Re = U L / nu with the reference velocity U and length L. */
PetscErrorCode FFSolverSetReynolds(FFSolver solver, PetscReal re);
PetscErrorCode FFSolverGetReynolds(FFSolver solver, PetscReal *re);
/* A velocity (Navier-Stokes) or pressure (Darcy) Dirichlet condition on a group given by
 * a function of (x, y) returning Nc values; replaces what options said for that group.
 * Call before FFSolverSetUp. */
typedef PetscErrorCode (*FFPointFunction)(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc,
                                          PetscScalar *u, void *ctx);
PetscErrorCode FFSolverSetBoundaryFunction(FFSolver solver, const char group[], FFPointFunction fn, void *ctx);
/* Darcy: the source f(x, y) instead of -darcy_source; the permeability K(x, y) instead of
 * the Gaussian random field. Call before FFSolverSetUp. */
PetscErrorCode FFSolverSetDarcySource(FFSolver solver, FFPointFunction fn, void *ctx);
PetscErrorCode FFSolverSetPermeability(FFSolver solver, FFPointFunction fn, void *ctx);

/* The SA-neg model at one point (docs/references.md §10): for the molecular viscosity nu, the
 * SA variable n, the vorticity magnitude Omega and the wall distance d, the source
 * S = P - D (production minus destruction) and its derivatives, the diffusivity
 * (nu + n f_n) / sigma of grad n and its derivative, and the eddy viscosity n f_v1 (0 for
 * n < 0) and its derivative. What the RANS kernels evaluate at each quadrature point. */
typedef struct {
  PetscReal source, dsource_dn, dsource_domega;
  PetscReal production, destruction;
  PetscReal diffusivity, ddiffusivity_dn;
  PetscReal nu_t, dnu_t;
  PetscReal s_tilde, r, fw; /* the modified vorticity (TMR Note 1(c)), r and f_w (n >= 0) */
} FFSpalartAllmarasTerms;
void FFSpalartAllmarasPoint(PetscReal nu, PetscReal n, PetscReal omega, PetscReal d, FFSpalartAllmarasTerms *terms);

/* ---------- solve ---------- */
typedef struct {
  PetscBool converged;        /* SNES converged at the target Re (never trust a solution otherwise) */
  SNESConvergedReason reason; /* of the last SNES solve */
  PetscInt newton_iterations; /* over all continuation steps */
  PetscInt linear_iterations;
  PetscInt continuation_steps; /* 0: Newton converged from the initial guess at the target Re */
  PetscReal reynolds_reached;  /* the highest Re with a converged solution (0: none) */
  PetscReal residual_norm;     /* ||F|| at the end */
  PetscReal wall_time;         /* seconds */
  PetscInt pseudo_steps;       /* RANS: pseudo-time steps taken (rejected ones included) */
  PetscReal cfl;               /* RANS: the CFL number of the last pseudo-time step */
} FFSolveStats;

/* Solves from the current state (zero, or what FFSolverSetState/SetInitialNodeField set);
 * Navier-Stokes steps Re up from a lower value when Newton fails at the target (Reynolds
 * continuation). Returns 0 also when it did not converge: stats->converged says so, and the
 * solver then refuses to write outputs. */
PetscErrorCode FFSolverSolve(FFSolver solver, FFSolveStats *stats);
PetscErrorCode FFSolverGetSolveStats(FFSolver solver, FFSolveStats *stats);
/* RANS: why the last solve stopped without converging ("" when it converged or before a
 * solve), and the residual history of its pseudo-time continuation: for each step the
 * steady residual norm ||F|| after it and the CFL number it ran at (arrays borrowed, valid
 * until the next solve; n = 0 for Navier-Stokes and Darcy). */
PetscErrorCode FFSolverGetFailureReason(FFSolver solver, const char **reason);
PetscErrorCode FFSolverGetResidualHistory(FFSolver solver, PetscInt *n, const PetscReal **residual,
                                          const PetscReal **cfl);
/* The state (global vector of the unknowns, Dirichlet values excluded), borrowed. */
PetscErrorCode FFSolverGetSolution(FFSolver solver, Vec *u);
PetscErrorCode FFSolverGetDM(FFSolver solver, DM *dm); /* the solver's DM (fields set), borrowed */
PetscErrorCode FFSolverGetSNES(FFSolver solver, SNES *snes);
PetscErrorCode FFSolverGetProblem(FFSolver solver, FFProblemType *problem);

/* ---------- forces, probes, C_p (Navier-Stokes) ---------- */
typedef struct {
  PetscReal drag, lift; /* along and across the free-stream direction, per unit depth */
  PetscReal cd, cl;     /* 2 F / (rho U_ref^2 L_ref) */
} FFForces;

/* Forces on a named body group by the volume integral with a cut-off function that is 1 on
 * the body and 0 one cell layer away (docs/references.md §5). */
PetscErrorCode FFSolverComputeForces(FFSolver solver, const char body[], FFForces *forces);
/* The fields at n points (x, y pairs): values[n * Nc], Nc = 3 (u, v, p) or 2 (K, p); on
 * every rank. A point outside the mesh is an error naming it. */
PetscErrorCode FFSolverEvaluate(FFSolver solver, PetscInt n, const PetscReal xy[], PetscReal values[]);
/* C_p = (p - p_ref) / (0.5 rho U_ref^2) at the body's boundary nodes, ordered by angle
 * around the body's centroid; *xy_cp holds n triples (x, y, C_p), on every rank;
 * free with PetscFree. */
PetscErrorCode FFSolverComputePressureCoefficient(FFSolver solver, const char body[], PetscInt *n, PetscReal **xy_cp);

/* Wall quantities along a body group (Navier-Stokes and RANS): surface integrals of the
 * traction on its faces (3-point Gauss per face, through the cell next to it). The
 * force on the body is the integral of p n - nu (grad u + grad u^T) n (n out of the fluid);
 * its pressure and friction parts along and across the free stream, as coefficients. They
 * add up to the volume-integral C_D, C_L of FFSolverComputeForces up to the discretization
 * error. y+ of the first cell: its height normal to the wall face times u_tau / nu,
 * u_tau = sqrt(|tau_w|) (per unit density). */
typedef struct {
  PetscReal cd_pressure, cd_friction, cl_pressure, cl_friction;
  PetscReal yplus_max, yplus_mean; /* mean weighted by face length */
} FFWallForces;
PetscErrorCode FFSolverComputeWallForces(FFSolver solver, const char body[], FFWallForces *wall);
/* Along the body's wall, at its P2 nodes ordered by angle around the body's centroid (as
 * C_p), n rows of FF_WALL_COLUMNS values: x, y, C_p, C_f, C_f x-component, y+ of the first
 * cell; on every rank; PetscFree the array. C_f = tau_w . t / (0.5 rho U_ref^2) with the unit
 * tangent t whose x-component is >= 0 (downstream on a flat plate and on both sides of an
 * airfoil at small angles); values at a vertex are the mean over its two faces. */
#define FF_WALL_COLUMNS 6
PetscErrorCode FFSolverComputeWallDistribution(FFSolver solver, const char body[], PetscInt *n, PetscReal **data);
/* C_f at the point of the body's wall nearest to (x, y) (evaluated in the cell next to it). */
PetscErrorCode FFSolverComputeSkinFrictionAt(FFSolver solver, const char body[], const PetscReal xy[2], PetscReal *cf);

/* ---------- what a solve reports (Navier-Stokes: forces on -forces_body, dp between the
 * two -dp_probes points; reference values -ref_cd, -ref_cl, -ref_dp when the case has them) */
typedef struct {
  PetscBool has_forces;
  char body[64];
  FFForces forces;
  PetscBool has_dp;
  PetscReal dp;
  PetscBool has_ref_cd, has_ref_cl, has_ref_dp;
  PetscReal ref_cd, ref_cl, ref_dp;
  /* Darcy: ranges of the permeability and the pressure (over the nodes) */
  PetscReal k_min, k_max, p_min, p_max;
  /* RANS: the drag split and y+ on the body, C_f at the -cf_probe points (with -ref_cf) */
  PetscBool has_wall;
  FFWallForces wall;
  PetscInt n_cf_probes;
  PetscReal cf_probe[4][2], cf[4];
  PetscBool has_ref_cf;
  PetscReal ref_cf;
} FFSolveSummary;

PetscErrorCode FFSolverComputeSummary(FFSolver solver, FFSolveSummary *summary);
/* The summary, solve statistics and parameters as JSON (atomic write); refuses to write a
 * solution that did not converge. */
PetscErrorCode FFSolverWriteSummary(FFSolver solver, const FFSolveSummary *summary, const char path[]);
/* C_p along the body as CSV: x, y, cp (atomic write). */
PetscErrorCode FFSolverWritePressureCoefficient(FFSolver solver, const char body[], const char path[]);
/* C_p, C_f and y+ along the body's wall as CSV: x, y, cp, cf, cf_x, yplus
 * (FFSolverComputeWallDistribution; atomic write). */
PetscErrorCode FFSolverWriteWallDistribution(FFSolver solver, const char body[], const char path[]);

/* The node graph of the solver's mesh (FFSolverSetMesh): FFNodeGraphCreate on one rank; on
 * several, rank 0 builds it from a serial copy of the mesh and the others get an empty graph
 * (what FFSolverSetNodeGraph expects). Destroy with FFNodeGraphDestroy. */
PetscErrorCode FFSolverCreateNodeGraph(FFSolver solver, FFNodeGraph *graph);
/* The converged solution as a .vtu on the P2 nodes (quadratic triangles): velocity,
 * pressure, vorticity (Navier-Stokes; RANS adds nu_tilde, the eddy viscosity nu_t and
 * y_plus = d u_tau / nu with the u_tau of the nearest wall node) or permeability, pressure
 * (Darcy). Refuses to write a
 * solution that did not converge. Sets the node graph if none was set. */
PetscErrorCode FFSolverWriteVTU(FFSolver solver, const char path[]);

/* ---------- residual API: what the surrogates call for physics losses ----------
 * The state u is the solver's global vector: every unknown except the Dirichlet dofs, whose
 * values the boundary conditions supply whenever the residual is evaluated. For any state
 * (converged or not):
 *   F(u)       FFSolverComputeResidual
 *   J(u)       FFSolverComputeJacobian (assembled, exact; kept until the next call)
 *   J(u)^T v   FFSolverJacobianTransposeMult (MatMultTranspose), J v: FFSolverJacobianMult
 * so the gradient of 0.5 ||F(u)||^2 is J(u)^T F(u). Navier-Stokes: F is the SNES residual
 * at the solver's Re. Darcy: the state is (K, p) and F is the physics residual only (the
 * rows that pin K to the given field in a solve are zero here), so J^T v holds the
 * gradients with respect to both K and p. */
PetscErrorCode FFSolverCreateState(FFSolver solver, Vec *u); /* a zero state; destroy with VecDestroy */
PetscErrorCode FFSolverComputeResidual(FFSolver solver, Vec u, Vec F);
PetscErrorCode FFSolverComputeJacobian(FFSolver solver, Vec u);
PetscErrorCode FFSolverJacobianMult(FFSolver solver, Vec v, Vec y);
PetscErrorCode FFSolverJacobianTransposeMult(FFSolver solver, Vec v, Vec y);
/* Replaces the solver's state (e.g. a surrogate's prediction to warm-start FFSolverSolve). */
PetscErrorCode FFSolverSetState(FFSolver solver, Vec u);

/* Node fields (docs/design.md, "Field layout"): an array of n_nodes x n_components doubles, row-major,
 * nodes in FFNodeGraph order (vertices first, then edge midpoints).
 *   Navier-Stokes: components (u, v, p); velocity on all nodes, pressure on the vertices.
 *   RANS:          components (u, v, p, nu_tilde); nu_tilde on all nodes.
 *   Darcy:         components (K, p).
 * A component whose field has no dof at a node (P1 pressure, or Darcy degree 1, at an edge
 * midpoint) is ignored on input and written as the mean of the edge's two vertices on
 * output. Dirichlet dofs: the state does not contain them; on output they hold the boundary
 * values; in the loss they enter as the mismatch to the boundary values (below).
 * On several ranks the arrays live on rank 0 (others may pass NULL). The graph is the one of
 * the undistributed mesh; local points find their nodes through the mesh DM's migration SF
 * (DMPlexGetMigrationSF) when it has one, else by matching node positions on rank 0. */
PetscErrorCode FFSolverSetNodeGraph(FFSolver solver, const FFNodeGraph *graph); /* after FFSolverSetUp */
PetscErrorCode FFSolverGetNodeFieldLayout(FFSolver solver, PetscInt *n_nodes, PetscInt *n_components);
PetscErrorCode FFSolverNodeFieldToState(FFSolver solver, const PetscReal field[], Vec u);
PetscErrorCode FFSolverStateToNodeField(FFSolver solver, Vec u, PetscReal field[]);
/* The vorticity dv/dx - du/dy of the solver's state at the nodes (n_nodes values on rank 0;
 * at each node the mean over its cells). */
PetscErrorCode FFSolverComputeVorticity(FFSolver solver, PetscReal vorticity[]);
/* RANS: the eddy viscosity nu_t = nu_tilde f_v1 (0 where nu_tilde < 0) of the solver's state
 * at the nodes (n_nodes values on rank 0). */
PetscErrorCode FFSolverComputeEddyViscosity(FFSolver solver, PetscReal nu_t[]);
/* The physics loss of a node field x and its gradient (same layout as x, on rank 0):
 *   loss = 0.5 ||F(u(x))||^2 + 0.5 sum_{Dirichlet dofs d} (x_d - g_d)^2,
 *   grad = J^T F at the state's dofs, x_d - g_d at the Dirichlet dofs, 0 at ignored entries.
 * residual_norm = ||F(u(x))||. Any output pointer may be NULL. */
PetscErrorCode FFSolverNodeFieldLoss(FFSolver solver, const PetscReal field[], PetscReal *loss,
                                     PetscReal *residual_norm, PetscReal grad[]);

/* ---------- Gaussian random fields (the Darcy permeability is K = exp(g)) ---------- */
typedef enum { FF_GRF_GAUSSIAN, FF_GRF_EXPONENTIAL } FFGrfKernel;
typedef struct {
  FFGrfKernel kernel; /* covariance variance * exp(-r^2 / (2 length^2)) or variance * exp(-r / length) */
  PetscReal length, variance, mean;
  PetscInt modes; /* random Fourier modes (the covariance error is ~ 1/sqrt(modes)) */
  PetscInt seed;
  PetscReal *omega, *coef; /* set by FFGrfSetUp; zero-initialize the struct before */
} FFGrf;

/* Draws the field's random modes from the seed (same field on every rank). */
PetscErrorCode FFGrfSetUp(FFGrf *grf);
/* The field at a point; any point of the plane. */
PetscReal FFGrfEvaluate(const FFGrf *grf, const PetscReal x[2]);
PetscErrorCode FFGrfDestroy(FFGrf *grf);

#endif
