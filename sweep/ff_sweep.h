/* fieldflow sweeps: parameter sweeps of reference solves stored as datasets (`fieldflow
 * generate`), and the solver of a stored sample, rebuilt without gmsh, for the surrogates'
 * forces and PDE residuals. Uses meshes, solvers and io (src/io/ff_io.h); solvers know
 * nothing of it. docs/datasets.md is the user guide, docs/formats.md the file layout.
 *
 * A sweep is a case (an options file) plus these options:
 *   -sweep_params aoa[deg]:-4:8,re:100:1000:log,...  the swept parameters: each one sets the
 *                                   case option of its name (-aoa, -re, -naca_m, -seed, ...)
 *   -n N  -o dir  -sweep_sampling lhs|sobol  -sweep_seed S
 *   -sweep_holdout aoa:6:,...       extrapolation splits (beside the seeded random split)
 *   -sweep_val_fraction, -sweep_test_fraction, -ranks_per_sample, -progress, -sweep_case
 * Every other option (mesh, physics, solver) defines the solves: it is recorded in the
 * dataset, and a rerun with other values is refused (a different dataset).
 *
 * Every sample is meshed and solved from the case's options with its parameters set, in an
 * options database of its own, so a sample depends only on the options text stored in it
 * (the `/options` of its file) and on its mesh (`/mesh/msh`): FFSweepSolverFromSample
 * rebuilds exactly that solver. */
#ifndef FF_SWEEP_H
#define FF_SWEEP_H

#include "ff_io.h"
#include "ff_solver.h"

/* ---------- the sweep ---------- */
typedef struct _p_FFSweep *FFSweep;

typedef struct {
  long planned;      /* n */
  long done_before;  /* samples whose valid file was there at the start (kept, not redone) */
  long solved_now;   /* written by this run: solved */
  long failed_now;   /* written by this run: recorded as failed */
  long ok, failed;   /* the dataset at the end, as its manifest says */
  long corrupt;      /* files found corrupt at the end (0 unless something else damages them) */
  double wall_time;  /* seconds of this run, from the start of the first solve */
  int ranks, groups; /* MPI ranks, and the groups that each solved one sample at a time */
} FFSweepSummary;

PetscErrorCode FFSweepCreate(MPI_Comm comm, FFSweep *sweep);
/* Reads the sweep's options (above) and records the options that define the solves. Under
 * -help it only lists the options. */
PetscErrorCode FFSweepSetFromOptions(FFSweep sweep);
/* Creates the dataset (or resumes it: samples with a valid file are kept), then meshes,
 * solves and writes every pending sample, spreading them over the ranks (a shared counter;
 * each group of -ranks_per_sample ranks solves one sample at a time on its own
 * communicator). A failed sample (mesh or solve) is written as failed with its reason and
 * the sweep goes on. Rank 0 writes the manifest. Collective. */
PetscErrorCode FFSweepRun(FFSweep sweep, FFSweepSummary *summary);
PetscErrorCode FFSweepDestroy(FFSweep *sweep);

/* ---------- the solver of a stored sample ----------
 * What the sweep solved, rebuilt from the sample file alone: the mesh read from the stored
 * Gmsh file (`/mesh/msh`, no gmsh run) and the solver set up from the stored options text
 * (`/options`: the case, the sample's parameters, the solver tolerances). The node graph of
 * the rebuilt mesh is checked against the stored one (sizes, coordinates, node types) and
 * set on the solver, so node fields in the sample's layout map to solver states at once:
 *
 *   FFSample s;                        // read with FF_READ_ALL (at least FF_READ_MESH |
 *   FFDatasetReadSample(ds, i, FF_READ_ALL, &s);      //  FF_READ_OPTIONS | FF_READ_MESH_FILE)
 *   FFSweepSolver ss;
 *   FFSweepSolverFromSample(PETSC_COMM_SELF, &s, &ss);
 *   PetscReal *x;                      // ss.n_nodes x ss.n_components (NS: u, v, p; Darcy: K, p)
 *   PetscMalloc1(ss.n_nodes * ss.n_components, &x);
 *   FFSweepSampleNodeField(&ss, &s, x);                 // the stored solution, or a prediction
 *   FFSolverNodeFieldLoss(ss.solver, x, &loss, &rnorm, grad);   // residual at solver tolerance
 *   FFSolverNodeFieldToState(ss.solver, x, u); FFSolverComputeForces(ss.solver, body, &f); ...
 *   FFSweepSolverDestroy(&ss);
 *
 * The solver's options come only from the sample (a private options database while it is set
 * up), not from the caller's command line. On several ranks the mesh is distributed as usual
 * and node fields live on rank 0 (ff_solver.h). */
typedef struct {
  MPI_Comm comm;
  FFMesh mesh;     /* the sample's mesh */
  FFSolver solver; /* set up, node graph set; not solved */
  FFProblemType problem;
  PetscInt n_nodes, n_components;    /* the node-field layout (FFSolverGetNodeFieldLayout) */
  char body[64];                     /* the forces body of the case ("" when none) */
  char msh_path[PETSC_MAX_PATH_LEN]; /* the temporary copy of the .msh the mesh reads; removed by Destroy */
  PetscOptions options;              /* the sample's options (FFSweepSolverSolve solves with them) */
} FFSweepSolver;

/* Errors name the sample and what is missing: not solved (status failed), no stored mesh file
 * (datasets written before it existed, or read without FF_READ_MESH_FILE), no options or mesh
 * arrays read, a rebuilt node graph that differs from the stored one. Collective on comm. */
PetscErrorCode FFSweepSolverFromSample(MPI_Comm comm, const FFSample *sample, FFSweepSolver *ss);
/* The same from a dataset: reads sample `index` (FF_READ_ALL) on every rank of comm. */
PetscErrorCode FFSweepSolverFromDataset(MPI_Comm comm, FFDataset ds, long index, FFSweepSolver *ss);
PetscErrorCode FFSweepSolverDestroy(FFSweepSolver *ss);
/* FFSolverSolve (from the solver's current state: e.g. a prediction set with FFSolverSetState,
 * to warm-start) with the sample's options as the default database, so that options PETSc
 * reads only when it first factors the Jacobian (-mat_mumps_icntl_24 of the Darcy case, ...)
 * are the sample's too. Use it rather than FFSolverSolve on a rebuilt solver. */
PetscErrorCode FFSweepSolverSolve(FFSweepSolver *ss, FFSolveStats *stats);
/* The sample's stored fields as the solver's node field (n_nodes x n_components, row-major;
 * Navier-Stokes u_x, u_y, p; Darcy K, p), vertex fields extended to edge midpoints as
 * FFFieldToNodes does. Needs FF_READ_MESH | FF_READ_FIELDS. On rank 0 (others may pass NULL). */
PetscErrorCode FFSweepSampleNodeField(const FFSweepSolver *ss, const FFSample *sample, PetscReal field[]);

#endif
