/* Wall quantities along a body group, for Navier-Stokes and RANS (docs/references.md §10):
 * the traction on the wall faces evaluated in the cell next to each face, through the
 * cell's own (possibly curved) geometry. The force on the body per unit depth and density is
 *   F = integral over the wall of p n - nu (grad u + grad u^T) n,   n out of the fluid,
 * split into its pressure and friction parts (3-point Gauss per face: the pressure is P1,
 * the velocity gradient P1 on straight cells, so the rule is exact there). The eddy viscosity
 * vanishes at a wall (nu tilde = 0), so the friction is the laminar stress. C_f is the
 * friction traction along the unit tangent whose x-component is >= 0, over 0.5 U_ref^2; y+ of
 * the first cell is its height normal to the face (2 area / face length) times u_tau / nu,
 * u_tau = sqrt(|friction traction|). */
#include "ff_petsc.h"
#include "solver_private.h"

#include <petscsf.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  PetscReal x, y, p;
  PetscReal friction[2]; /* traction on the body from the viscous stress */
  PetscReal tangent[2];  /* unit, x-component >= 0 */
  PetscReal normal[2];   /* unit, out of the fluid */
  PetscReal ds_dt;       /* |dx/dt| along the face, t in [0, 1] */
  PetscReal h;           /* the cell's height normal to the face */
} WallPoint;

/* The faces of a group this rank owns (not ghosts of another rank's faces). */
static PetscErrorCode OwnedFaces(FFSolver s, FFBoundary *bc, PetscInt *n, PetscInt **faces)
{
  IS is;
  const PetscInt *fp = NULL;
  PetscInt nf = 0, pEnd, nleaves, eStart, eEnd;
  const PetscInt *leaves;
  PetscSF sf;
  PetscBool *ghost;

  PetscFunctionBegin;
  PetscCall(DMPlexGetChart(s->dm, NULL, &pEnd));
  PetscCall(DMPlexGetDepthStratum(s->dm, 1, &eStart, &eEnd));
  PetscCall(PetscCalloc1(pEnd + 1, &ghost));
  PetscCall(DMGetPointSF(s->dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  for (PetscInt i = 0; i < nleaves && nleaves > 0; i++) ghost[leaves ? leaves[i] : i] = PETSC_TRUE;
  PetscCall(DMLabelGetStratumIS(bc->label, bc->value, &is));
  if (is) {
    PetscCall(ISGetLocalSize(is, &nf));
    PetscCall(ISGetIndices(is, &fp));
  }
  PetscCall(PetscMalloc1(nf + 1, faces));
  *n = 0;
  for (PetscInt i = 0; i < nf; i++)
    if (fp[i] >= eStart && fp[i] < eEnd && !ghost[fp[i]]) (*faces)[(*n)++] = fp[i];
  if (is) {
    PetscCall(ISRestoreIndices(is, &fp));
    PetscCall(ISDestroy(&is));
  }
  PetscCall(PetscFree(ghost));
  PetscFunctionReturn(0);
}

/* The wall quantities at the points t[0..npts) (0: the face's first cone vertex, 1: its
 * second) of a boundary face, from its cell and the local state. */
static PetscErrorCode EvaluateOnFace(FFSolver s, Vec local, PetscInt face, PetscInt npts, const PetscReal t[],
                                     WallPoint out[])
{
  const PetscReal corner[3][2] = {{-1, -1}, {1, -1}, {-1, 1}};
  const PetscInt *support, *cone;
  PetscInt pts[6], k0 = -1, k1 = -1, n;
  PetscReal xy[12], *ref, *J, *invJ, *detJ, *X;
  PetscDS ds;
  PetscFE fe_u, fe_p;
  PetscTabulation Tu, Tp;
  PetscQuadrature quad;
  PetscReal *qp, *qw;
  PetscScalar *x = NULL;

  PetscFunctionBegin;
  PetscCall(DMPlexGetSupport(s->dm, face, &support));
  PetscCall(DMPlexGetCone(s->dm, face, &cone));
  PetscCall(FFCellNodeCoordinates(s->dm, support[0], pts, xy));
  for (PetscInt k = 0; k < 3; k++) {
    if (pts[k] == cone[0]) k0 = k;
    if (pts[k] == cone[1]) k1 = k;
  }
  PetscCheck(k0 >= 0 && k1 >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "face %d: its vertices are not its cell's",
             (int)face);
  /* straight-cell height normal to the face: 2 area / length */
  const PetscInt k2 = 3 - k0 - k1;
  const PetscReal ex = xy[2 * k1] - xy[2 * k0], ey = xy[2 * k1 + 1] - xy[2 * k0 + 1];
  const PetscReal area2 = PetscAbsReal(ex * (xy[2 * k2 + 1] - xy[2 * k0 + 1]) - ey * (xy[2 * k2] - xy[2 * k0]));
  const PetscReal h = area2 / PetscSqrtReal(ex * ex + ey * ey);

  PetscCall(PetscMalloc5(2 * npts, &ref, 4 * npts, &J, 4 * npts, &invJ, npts, &detJ, 2 * npts, &X));
  const PetscReal dxi[2] = {corner[k1][0] - corner[k0][0], corner[k1][1] - corner[k0][1]};
  for (PetscInt i = 0; i < npts; i++) {
    ref[2 * i] = corner[k0][0] + t[i] * dxi[0];
    ref[2 * i + 1] = corner[k0][1] + t[i] * dxi[1];
  }
  PetscCall(PetscQuadratureCreate(PETSC_COMM_SELF, &quad));
  PetscCall(PetscMalloc1(2 * npts, &qp));
  PetscCall(PetscMalloc1(npts, &qw));
  PetscCall(PetscArraycpy(qp, ref, 2 * npts));
  for (PetscInt i = 0; i < npts; i++) qw[i] = 1;
  PetscCall(PetscQuadratureSetData(quad, 2, 1, npts, qp, qw));
  PetscCall(DMPlexComputeCellGeometryFEM(s->dm, support[0], quad, NULL, J, invJ, detJ));
  PetscCall(PetscQuadratureDestroy(&quad));
  PetscCall(DMPlexReferenceToCoordinates(s->dm, support[0], npts, ref, X));

  PetscCall(DMGetDS(s->dm, &ds));
  PetscCall(PetscDSGetDiscretization(ds, 0, (PetscObject *)&fe_u));
  PetscCall(PetscDSGetDiscretization(ds, 1, (PetscObject *)&fe_p));
  PetscCall(PetscFECreateTabulation(fe_u, 1, npts, ref, 1, &Tu));
  PetscCall(PetscFECreateTabulation(fe_p, 1, npts, ref, 0, &Tp));
  PetscCall(DMPlexVecGetClosure(s->dm, NULL, local, support[0], &n, &x));
  for (PetscInt i = 0; i < npts; i++) {
    PetscReal gref[2][2] = {{0, 0}, {0, 0}}, g[2][2] = {{0, 0}, {0, 0}}, p = 0;
    for (PetscInt b = 0; b < Tu->Nb; b++)
      for (PetscInt c = 0; c < 2; c++)
        for (PetscInt d = 0; d < 2; d++)
          gref[c][d] += PetscRealPart(x[b]) * Tu->T[1][((i * Tu->Nb + b) * 2 + c) * 2 + d];
    for (PetscInt c = 0; c < 2; c++)
      for (PetscInt j = 0; j < 2; j++)
        for (PetscInt d = 0; d < 2; d++) g[c][j] += gref[c][d] * invJ[4 * i + 2 * d + j];
    for (PetscInt b = 0; b < Tp->Nb; b++) p += PetscRealPart(x[Tu->Nb + b]) * Tp->T[0][i * Tp->Nb + b];
    /* dx/dt = J dxi; the normal out of the fluid points away from the cell's third vertex, as
     * measured across the face's chord (a thin cell's centroid lies within its curved face's
     * bulge, so it cannot tell) */
    const PetscReal tx = J[4 * i] * dxi[0] + J[4 * i + 1] * dxi[1], ty = J[4 * i + 2] * dxi[0] + J[4 * i + 3] * dxi[1];
    const PetscReal len = PetscSqrtReal(tx * tx + ty * ty);
    WallPoint *w = &out[i];
    w->x = X[2 * i], w->y = X[2 * i + 1], w->p = p, w->ds_dt = len, w->h = h;
    w->normal[0] = ty / len, w->normal[1] = -tx / len;
    const PetscReal side =
        -ey * (xy[2 * k2] - xy[2 * k0]) + ex * (xy[2 * k2 + 1] - xy[2 * k0 + 1]); /* (-ey, ex).(C-A) */
    if ((w->normal[0] * -ey + w->normal[1] * ex) * side > 0) w->normal[0] = -w->normal[0], w->normal[1] = -w->normal[1];
    w->tangent[0] = tx / len, w->tangent[1] = ty / len;
    if (w->tangent[0] < 0 || (w->tangent[0] == 0 && w->tangent[1] < 0))
      w->tangent[0] = -w->tangent[0], w->tangent[1] = -w->tangent[1];
    for (PetscInt c = 0; c < 2; c++)
      w->friction[c] = -s->nu * ((g[c][0] + g[0][c]) * w->normal[0] + (g[c][1] + g[1][c]) * w->normal[1]);
  }
  PetscCall(DMPlexVecRestoreClosure(s->dm, NULL, local, support[0], &n, &x));
  PetscCall(PetscTabulationDestroy(&Tu));
  PetscCall(PetscTabulationDestroy(&Tp));
  PetscCall(PetscFree5(ref, J, invJ, detJ, X));
  PetscFunctionReturn(0);
}

static PetscErrorCode FindWallGroup(FFSolver s, const char body[], FFBoundary **bc)
{
  PetscFunctionBegin;
  PetscCall(FFSolverCheckSetUp(s, "wall quantities"));
  PetscCheck(FFSolverIsFlow(s), s->comm, PETSC_ERR_ARG_WRONG, "wall quantities need Navier-Stokes or RANS");
  PetscCheck(body && body[0], s->comm, PETSC_ERR_ARG_WRONG, "no wall group given (option -forces_body)");
  *bc = FFSolverFindGroup(s, body);
  PetscCheck(*bc, s->comm, PETSC_ERR_ARG_WRONG, "wall '%s': the mesh has no such boundary group", body);
  PetscFunctionReturn(0);
}

static PetscReal YPlus(FFSolver s, const WallPoint *w)
{
  return w->h * PetscSqrtReal(PetscSqrtReal(PetscSqr(w->friction[0]) + PetscSqr(w->friction[1]))) / s->nu;
}

PetscErrorCode FFSolverComputeWallForces(FFSolver s, const char body[], FFWallForces *wall)
{
  FFBoundary *bc;
  PetscInt nf, *faces;
  Vec local;
  /* 3-point Gauss-Legendre on [0, 1] */
  const PetscReal gt[3] = {0.5 - 0.5 * PetscSqrtReal(0.6), 0.5, 0.5 + 0.5 * PetscSqrtReal(0.6)};
  const PetscReal gw[3] = {5.0 / 18, 8.0 / 18, 5.0 / 18};
  PetscReal sums[6] = {0, 0, 0, 0, 0, 0}, gsums[6], ymax = 0, gymax; /* Fp, Ff, y+ length, length */

  PetscFunctionBegin;
  PetscCall(FindWallGroup(s, body, &bc));
  PetscCall(OwnedFaces(s, bc, &nf, &faces));
  PetscCall(FFSolverGetLocalState(s, s->u, &local));
  for (PetscInt i = 0; i < nf; i++) {
    WallPoint w[3];
    PetscCall(EvaluateOnFace(s, local, faces[i], 3, gt, w));
    for (int q = 0; q < 3; q++) {
      const PetscReal ds = gw[q] * w[q].ds_dt;
      for (int c = 0; c < 2; c++) {
        sums[c] += ds * w[q].p * w[q].normal[c];
        sums[2 + c] += ds * w[q].friction[c];
      }
      sums[4] += ds * YPlus(s, &w[q]);
      sums[5] += ds;
      ymax = PetscMax(ymax, YPlus(s, &w[q]));
    }
  }
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(PetscFree(faces));
  PetscCall(MPIU_Allreduce(sums, gsums, 6, MPIU_REAL, MPIU_SUM, s->comm));
  PetscCall(MPIU_Allreduce(&ymax, &gymax, 1, MPIU_REAL, MPIU_MAX, s->comm));
  const PetscReal a = s->aoa_deg * PETSC_PI / 180, ed[2] = {PetscCosReal(a), PetscSinReal(a)}, el[2] = {-ed[1], ed[0]};
  const PetscReal scale = 2.0 / (s->ref_velocity * s->ref_velocity * s->ref_length);
  wall->cd_pressure = scale * (gsums[0] * ed[0] + gsums[1] * ed[1]);
  wall->cl_pressure = scale * (gsums[0] * el[0] + gsums[1] * el[1]);
  wall->cd_friction = scale * (gsums[2] * ed[0] + gsums[3] * ed[1]);
  wall->cl_friction = scale * (gsums[2] * el[0] + gsums[3] * el[1]);
  wall->yplus_max = gymax;
  wall->yplus_mean = gsums[5] > 0 ? gsums[4] / gsums[5] : 0;
  PetscFunctionReturn(0);
}

/* ---------- distributions ---------- */

typedef struct {
  PetscReal key, v[FF_WALL_COLUMNS];
} Row;

static int CompareKey(const void *a, const void *b)
{
  const Row *p = (const Row *)a, *q = (const Row *)b;
  return (p->key > q->key) - (p->key < q->key);
}

static int CompareXY(const void *a, const void *b)
{
  const Row *p = (const Row *)a, *q = (const Row *)b;
  if (p->v[0] != q->v[0]) return (p->v[0] > q->v[0]) - (p->v[0] < q->v[0]);
  return (p->v[1] > q->v[1]) - (p->v[1] < q->v[1]);
}

/* Rows at the face's vertices and midpoint on every rank; a vertex shared by two faces gets
 * the mean of its two rows (the gradient of the P2 velocity jumps across cells). */
PetscErrorCode FFSolverComputeWallDistribution(FFSolver s, const char body[], PetscInt *n, PetscReal **data)
{
  FFBoundary *bc;
  PetscInt nf, *faces, total = 0;
  Vec local;
  const PetscReal tn[3] = {0, 0.5, 1};
  PetscReal *mine, *all;
  PetscMPIInt size, *counts, *displs, nmine;
  const PetscReal q = 0.5 * s->ref_velocity * s->ref_velocity;

  PetscFunctionBegin;
  PetscCall(FindWallGroup(s, body, &bc));
  PetscCall(OwnedFaces(s, bc, &nf, &faces));
  PetscCall(FFSolverGetLocalState(s, s->u, &local));
  PetscCall(PetscMalloc1(3 * FF_WALL_COLUMNS * nf + 1, &mine));
  for (PetscInt i = 0; i < nf; i++) {
    WallPoint w[3];
    PetscCall(EvaluateOnFace(s, local, faces[i], 3, tn, w));
    for (int k = 0; k < 3; k++) {
      PetscReal *r = &mine[(3 * i + k) * FF_WALL_COLUMNS];
      r[0] = w[k].x, r[1] = w[k].y, r[2] = (w[k].p - s->p_ref) / q;
      r[3] = (w[k].friction[0] * w[k].tangent[0] + w[k].friction[1] * w[k].tangent[1]) / q;
      r[4] = w[k].friction[0] / q;
      r[5] = YPlus(s, &w[k]);
    }
  }
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(PetscFree(faces));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  nmine = (PetscMPIInt)(3 * FF_WALL_COLUMNS * nf);
  PetscCallMPI(MPI_Allgather(&nmine, 1, MPI_INT, counts, 1, MPI_INT, s->comm));
  for (PetscMPIInt r = 0; r < size; r++) displs[r] = (PetscMPIInt)total, total += counts[r];
  PetscCall(PetscMalloc1(total + 1, &all));
  PetscCallMPI(MPI_Allgatherv(mine, nmine, MPIU_REAL, all, counts, displs, MPIU_REAL, s->comm));
  PetscCall(PetscFree2(counts, displs));
  PetscCall(PetscFree(mine));

  /* merge the rows of shared vertices (same position to rounding) */
  const PetscInt nrows = total / FF_WALL_COLUMNS;
  Row *rows;
  PetscReal lo[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, hi[2] = {-PETSC_MAX_REAL, -PETSC_MAX_REAL};
  PetscCall(PetscMalloc1(nrows + 1, &rows));
  for (PetscInt i = 0; i < nrows; i++) {
    PetscCall(PetscArraycpy(rows[i].v, &all[i * FF_WALL_COLUMNS], FF_WALL_COLUMNS));
    for (int d = 0; d < 2; d++) lo[d] = PetscMin(lo[d], rows[i].v[d]), hi[d] = PetscMax(hi[d], rows[i].v[d]);
  }
  PetscCall(PetscFree(all));
  qsort(rows, (size_t)nrows, sizeof *rows, CompareXY);
  const PetscReal tol = 1e-10 * PetscMax(1, PetscMax(hi[0] - lo[0], hi[1] - lo[1]));
  PetscInt m = 0;
  for (PetscInt i = 0; i < nrows;) {
    PetscInt j = i + 1, count = 1;
    Row acc = rows[i];
    /* rows within tol may be separated by rows of nearby x: look ahead while x is close */
    for (; j < nrows && rows[j].v[0] - rows[i].v[0] <= tol; j++)
      if (PetscAbsReal(rows[j].v[1] - rows[i].v[1]) <= tol) {
        for (int c = 0; c < FF_WALL_COLUMNS; c++) acc.v[c] += rows[j].v[c];
        rows[j].v[0] = PETSC_MAX_REAL; /* merged */
        count++;
      }
    if (rows[i].v[0] < PETSC_MAX_REAL) {
      for (int c = 0; c < FF_WALL_COLUMNS; c++) acc.v[c] /= count;
      rows[m++] = acc;
    }
    i++;
    while (i < nrows && rows[i].v[0] == PETSC_MAX_REAL) i++;
  }
  /* order: along a straight wall by its coordinate, else by angle around the centroid */
  PetscReal cx = 0, cy = 0;
  for (PetscInt i = 0; i < m; i++) cx += rows[i].v[0] / m, cy += rows[i].v[1] / m;
  const PetscBool along_x = hi[1] - lo[1] <= tol, along_y = hi[0] - lo[0] <= tol;
  for (PetscInt i = 0; i < m; i++)
    rows[i].key =
        along_x ? rows[i].v[0] : (along_y ? rows[i].v[1] : PetscAtan2Real(rows[i].v[1] - cy, rows[i].v[0] - cx));
  qsort(rows, (size_t)m, sizeof *rows, CompareKey);
  PetscCall(PetscMalloc1(m * FF_WALL_COLUMNS + 1, data));
  for (PetscInt i = 0; i < m; i++) PetscCall(PetscArraycpy(&(*data)[i * FF_WALL_COLUMNS], rows[i].v, FF_WALL_COLUMNS));
  PetscCall(PetscFree(rows));
  *n = m;
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverComputeSkinFrictionAt(FFSolver s, const char body[], const PetscReal xy[2], PetscReal *cf)
{
  FFBoundary *bc;
  PetscInt nf, *faces, best = -1;
  PetscReal bt = 0;
  PetscMPIInt rank;
  Vec local;
  struct {
    double d;
    int rank;
  } mine = {PETSC_MAX_REAL, 0}, win;

  PetscFunctionBegin;
  PetscCall(FindWallGroup(s, body, &bc));
  PetscCall(OwnedFaces(s, bc, &nf, &faces));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  for (PetscInt i = 0; i < nf; i++) {
    const PetscInt *cone;
    PetscReal a[2], b[2];
    PetscCall(DMPlexGetCone(s->dm, faces[i], &cone));
    PetscCall(FFVertexCoordinates(s->dm, cone[0], a));
    PetscCall(FFVertexCoordinates(s->dm, cone[1], b));
    const PetscReal dx = b[0] - a[0], dy = b[1] - a[1];
    const PetscReal t = PetscMax(0, PetscMin(1, ((xy[0] - a[0]) * dx + (xy[1] - a[1]) * dy) / (dx * dx + dy * dy)));
    const PetscReal d = PetscSqrtReal(PetscSqr(a[0] + t * dx - xy[0]) + PetscSqr(a[1] + t * dy - xy[1]));
    if (d < mine.d) mine.d = d, best = faces[i], bt = t;
  }
  mine.rank = rank;
  PetscCallMPI(MPI_Allreduce(&mine, &win, 1, MPI_DOUBLE_INT, MPI_MINLOC, s->comm));
  PetscCheck(win.d < PETSC_MAX_REAL, s->comm, PETSC_ERR_ARG_WRONG, "wall '%s' has no faces", body);
  *cf = 0;
  PetscCall(FFSolverGetLocalState(s, s->u, &local)); /* collective: on every rank */
  if (win.rank == rank) {
    WallPoint w = {0};
    PetscCall(EvaluateOnFace(s, local, best, 1, &bt, &w));
    *cf = (w.friction[0] * w.tangent[0] + w.friction[1] * w.tangent[1]) / (0.5 * s->ref_velocity * s->ref_velocity);
  }
  PetscCall(DMRestoreLocalVector(s->dm, &local));
  PetscCall(PetscFree(faces));
  PetscCallMPI(MPI_Bcast(cf, 1, MPIU_REAL, win.rank, s->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode FFSolverWriteWallDistribution(FFSolver s, const char body[], const char path[])
{
  PetscInt n;
  PetscReal *d;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCheck(s->solved, s->comm, PETSC_ERR_NOT_CONVERGED, "%s: the solve did not converge; nothing written", path);
  PetscCall(FFSolverComputeWallDistribution(s, body, &n, &d));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  if (!rank) {
    char tmp[PETSC_MAX_PATH_LEN + 16];
    PetscCallFF(FFCheckWritable(path));
    PetscCallFF(FFTempPathFor(path, tmp, sizeof tmp));
    FILE *f = fopen(tmp, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot write", path);
    fprintf(f, "x,y,cp,cf,cf_x,yplus\n");
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal *r = &d[i * FF_WALL_COLUMNS];
      fprintf(f, "%.10g,%.10g,%.10g,%.10g,%.10g,%.6g\n", (double)r[0], (double)r[1], (double)r[2], (double)r[3],
              (double)r[4], (double)r[5]);
    }
    PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: write failed", path);
    PetscCallFF(FFCommitTemp(tmp, path));
  }
  PetscCall(PetscFree(d));
  PetscFunctionReturn(0);
}

/* ---------- y+ at the nodes ---------- */

typedef struct {
  PetscReal x, y, utau;
} WallNode;

static int CompareWallX(const void *a, const void *b)
{
  const WallNode *p = (const WallNode *)a, *q = (const WallNode *)b;
  return (p->x > q->x) - (p->x < q->x);
}

/* y+ = d u_tau / nu at every node of the graph (rank 0), d the graph's distance to the walls
 * and u_tau that of the nearest wall node of the no-slip groups. */
PetscErrorCode FFRansComputeYPlusNodes(FFSolver s, const FFNodeGraph *graph, PetscReal yplus[])
{
  PetscMPIInt rank;
  WallNode *w = NULL;
  PetscInt nw = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  for (PetscInt g = 0; g < s->n_groups; g++) {
    PetscInt n;
    PetscReal *d;
    if (s->bc[g].type != FF_BC_NOSLIP) continue;
    PetscCall(FFSolverComputeWallDistribution(s, s->bc[g].name, &n, &d));
    WallNode *bigger;
    PetscCall(PetscMalloc1(nw + n + 1, &bigger));
    if (nw) PetscCall(PetscArraycpy(bigger, w, nw));
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal *r = &d[i * FF_WALL_COLUMNS];
      /* u_tau from |C_f| = |tau_w| / (0.5 U^2) */
      bigger[nw + i] = (WallNode){r[0], r[1], PetscSqrtReal(PetscAbsReal(r[3]) * 0.5) * s->ref_velocity};
    }
    PetscCall(PetscFree(w));
    PetscCall(PetscFree(d));
    w = bigger, nw += n;
  }
  if (rank) {
    PetscCall(PetscFree(w));
    PetscFunctionReturn(0);
  }
  if (!nw) {
    for (PetscInt i = 0; i < graph->n_nodes; i++) yplus[i] = 0;
    PetscFunctionReturn(0);
  }
  qsort(w, (size_t)nw, sizeof *w, CompareWallX);
  for (PetscInt i = 0; i < graph->n_nodes; i++) {
    const PetscReal x = graph->coords[2 * i], y = graph->coords[2 * i + 1];
    PetscInt lo = 0, hi = nw, best = 0;
    PetscReal bd = PETSC_MAX_REAL;
    while (lo < hi) { /* first wall node with x >= the node's */
      const PetscInt mid = (lo + hi) / 2;
      if (w[mid].x < x)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (PetscInt k = lo; k < nw && PetscSqr(w[k].x - x) < bd; k++) {
      const PetscReal d2 = PetscSqr(w[k].x - x) + PetscSqr(w[k].y - y);
      if (d2 < bd) bd = d2, best = k;
    }
    for (PetscInt k = lo - 1; k >= 0 && PetscSqr(w[k].x - x) < bd; k--) {
      const PetscReal d2 = PetscSqr(w[k].x - x) + PetscSqr(w[k].y - y);
      if (d2 < bd) bd = d2, best = k;
    }
    yplus[i] = graph->sdf[i] * w[best].utau / s->nu;
  }
  PetscCall(PetscFree(w));
  PetscFunctionReturn(0);
}

/* ---------- what a RANS solve reports ---------- */

PetscErrorCode FFRansSummary(FFSolver s, FFSolveSummary *sum)
{
  PetscFunctionBegin;
  if (!sum->has_forces) PetscFunctionReturn(0);
  PetscCall(FFSolverComputeWallForces(s, sum->body, &sum->wall));
  sum->has_wall = PETSC_TRUE;
  PetscCall(FFRansSummaryProbes(s, sum));
  PetscFunctionReturn(0);
}
