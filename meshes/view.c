/* What a mesh is (FFMeshView), and writing it: the .msh gmsh made (or the user gave), the
 * .geo of a built-in geometry, or a .vtu of the P2 nodes with node types and SDF. */
#define _POSIX_C_SOURCE 200809L
#include "mesh_private.h"
#include "ff_io.h"

#include <errno.h>
#include <string.h>

PetscErrorCode FFMeshGetPartitionInfo(FFMesh mesh, const char **method, PetscInt *edge_cut, PetscReal *imbalance)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  if (method) *method = mesh->partition.method;
  if (edge_cut) *edge_cut = mesh->partition.edge_cut;
  if (imbalance) *imbalance = mesh->partition.imbalance;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetSizes(FFMesh mesh, PetscInt *n_vertices, PetscInt *n_edges, PetscInt *n_cells)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  if (n_vertices) *n_vertices = mesh->stats.n_vertices;
  if (n_edges) *n_edges = mesh->stats.n_edges;
  if (n_cells) *n_cells = mesh->stats.n_cells;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetGroupSize(FFMesh mesh, PetscInt g, PetscInt *n_faces)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  PetscCheck(g >= 0 && g < mesh->n_groups, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "group %d out of range [0, %d)",
             (int)g, (int)mesh->n_groups);
  *n_faces = mesh->group_faces[g];
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetQuality(FFMesh mesh, PetscReal *min, PetscReal *mean)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  if (min) *min = mesh->stats.quality_min;
  if (mean) *mean = mesh->stats.quality_mean;
  PetscFunctionReturn(0);
}

static void Describe(const FFGeometry *g, char *buf, size_t len)
{
  switch (g->type) {
  case FF_GEOMETRY_DFG:
    snprintf(buf, len, "DFG 2D-1 channel with cylinder (h %g, h_body %g, growth %g)", (double)g->h, (double)g->h_body,
             (double)g->growth);
    break;
  case FF_GEOMETRY_NACA:
    snprintf(buf, len, "NACA airfoil m %g p %g t %g in a %g-chord box (h %g, h_body %g, h_wake %g, growth %g)%s",
             (double)g->naca_m, (double)g->naca_p, (double)g->naca_t, (double)g->farfield, (double)g->h,
             (double)g->h_body, (double)g->h_wake, (double)g->growth,
             FFNacaIsMirrored(g) ? ", mirror-symmetric mesh" : "");
    break;
  case FF_GEOMETRY_SQUARE:
    snprintf(buf, len, "unit square (h %g)", (double)g->h);
    break;
  case FF_GEOMETRY_FILE:
    snprintf(buf, len, "user mesh %s", g->msh_file);
    break;
  }
}

PetscErrorCode FFMeshView(FFMesh mesh, PetscViewer viewer)
{
  char what[PETSC_MAX_PATH_LEN + 128];
  const FFMeshStats *s = &mesh->stats;
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(mesh->comm, &viewer));
  Describe(&mesh->geo, what, sizeof what);
  PetscInt edge_dofs;
  {
    DM cdm;
    PetscSection cs;
    PetscInt eStart, eEnd;
    PetscCall(DMGetCoordinateDM(mesh->dm, &cdm));
    PetscCall(DMGetLocalSection(cdm, &cs));
    PetscCall(DMPlexGetDepthStratum(mesh->dm, 1, &eStart, &eEnd));
    edge_dofs = eEnd > eStart ? FFSectionDof(cs, eStart) : 0;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &edge_dofs, 1, MPIU_INT, MPI_MAX, mesh->comm));
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "mesh: %s\n", what));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  cells: %s (coordinates P%d)\n",
                                   edge_dofs ? "curved, second order" : "straight", edge_dofs ? 2 : 1));
  if (s->n_reoriented)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  %d cells were clockwise in the file: reoriented counter-clockwise\n",
                                     (int)s->n_reoriented));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  vertices %d, cells %d, edges %d, P2 nodes %d\n", (int)s->n_vertices,
                                   (int)s->n_cells, (int)s->n_edges, (int)(s->n_vertices + s->n_edges)));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  boundary groups (faces):"));
  for (PetscInt g = 0; g < mesh->n_groups; g++)
    PetscCall(
        PetscViewerASCIIPrintf(viewer, "%s %s %d", g ? "," : "", mesh->group_names[g], (int)mesh->group_faces[g]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n  node types: 0 fluid"));
  for (PetscInt g = 0; g < mesh->n_groups; g++)
    PetscCall(PetscViewerASCIIPrintf(viewer, ", %d %s", (int)(g + 1), mesh->group_names[g]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n  fluid groups:"));
  for (PetscInt g = 0; g < mesh->n_cell_groups; g++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " %s", mesh->cell_group_names[g]));
  PetscCall(PetscViewerASCIIPrintf(viewer,
                                   "\n  cell quality (2 r_in / r_circ, 1 = equilateral): min %.3f, mean %.3f\n"
                                   "  edge length: %.4g .. %.4g\n",
                                   (double)s->quality_min, (double)s->quality_mean, (double)s->h_min,
                                   (double)s->h_max));
  if (mesh->partition.nparts > 1)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  partition: %s over %d ranks, edge cut %d faces, imbalance %.3f\n",
                                     mesh->partition.method, (int)mesh->partition.nparts, (int)mesh->partition.edge_cut,
                                     (double)mesh->partition.imbalance));
  PetscFunctionReturn(0);
}

/* ---------- writing ---------- */

static PetscErrorCode CopyFile(const char *from, const char *to)
{
  char buf[65536];
  FFAtomicFile af;
  size_t n;
  PetscFunctionBegin;
  FILE *in = fopen(from, "rb");
  PetscCheck(in, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read '%s': %s", from, strerror(errno));
  FFErrorCode rc = FFAtomicOpen(to, "wb", &af);
  if (rc) fclose(in);
  PetscCallFF(rc);
  while ((n = fread(buf, 1, sizeof buf, in)) > 0 && fwrite(buf, 1, n, af.f) == n) continue;
  int bad = ferror(in);
  fclose(in);
  if (bad) FFAtomicAbort(&af);
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read '%s'", from);
  PetscCallFF(FFAtomicCommit(&af)); /* a failed write shows here */
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteGeo(const FFGeometry *geo, const char *path)
{
  FFAtomicFile af;
  PetscFunctionBegin;
  PetscCheck(geo->type != FF_GEOMETRY_FILE, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "cannot write '%s': a user mesh has no .geo", path);
  PetscCallFF(FFAtomicOpen(path, "w", &af));
  PetscErrorCode ierr = FFGeoWrite(geo, af.f);
  if (ierr) FFAtomicAbort(&af);
  PetscCall(ierr);
  PetscCallFF(FFAtomicCommit(&af));
  PetscFunctionReturn(0);
}

/* P2 nodes as points, quadratic triangles, node type and SDF; cell quality per cell. */
static PetscErrorCode WriteVtuSerial(FFMesh mesh, const char *path)
{
  FFNodeGraph g;
  int64_t *conn;
  int32_t *type;
  double *quality;
  PetscFunctionBegin;
  PetscCall(FFNodeGraphCreate(mesh, &g));
  PetscCall(PetscMalloc3(6 * g.n_cells, &conn, g.n_nodes, &type, g.n_cells, &quality));
  for (PetscInt i = 0; i < 6 * g.n_cells; i++) conn[i] = g.cells[i];
  for (PetscInt i = 0; i < g.n_nodes; i++) type[i] = (int32_t)g.type[i];
  for (PetscInt c = 0; c < g.n_cells; c++) {
    const PetscReal *x[3] = {&g.coords[2 * g.cells[6 * c]], &g.coords[2 * g.cells[6 * c + 1]],
                             &g.coords[2 * g.cells[6 * c + 2]]};
    PetscReal e[3], A = 0.5 * ((x[1][0] - x[0][0]) * (x[2][1] - x[0][1]) - (x[2][0] - x[0][0]) * (x[1][1] - x[0][1]));
    for (int k = 0; k < 3; k++)
      e[k] = PetscSqrtReal(PetscSqr(x[(k + 1) % 3][0] - x[k][0]) + PetscSqr(x[(k + 1) % 3][1] - x[k][1]));
    quality[c] = 16 * A * A / (e[0] * e[1] * e[2] * (e[0] + e[1] + e[2]));
  }
  FFVtkField point_fields[2] = {{"node_type", 1, NULL, type}, {"sdf", 1, g.sdf, NULL}};
  FFVtkField cell_fields[1] = {{"quality", 1, quality, NULL}};
  FFVtkMesh vm = {g.n_nodes, 2, g.coords, g.n_cells, FF_VTK_QUADRATIC_TRIANGLE, conn, 2, point_fields, 1, cell_fields};
  FFErrorCode rc = FFVtkWrite(path, &vm);
  PetscCall(PetscFree3(conn, type, quality));
  PetscCall(FFNodeGraphDestroy(&g));
  PetscCallFF(rc);
  PetscFunctionReturn(0);
}

/* On several ranks rank 0 rereads the .msh alone and writes from that serial copy. */
static PetscErrorCode WriteVtu(FFMesh mesh, const char *path)
{
  PetscMPIInt size;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)mesh->dm), &size));
  if (size == 1) {
    PetscCall(WriteVtuSerial(mesh, path));
    PetscFunctionReturn(0);
  }
  FFMesh serial;
  PetscCall(FFMeshCreateSerial(mesh, &serial));
  PetscErrorCode ierr = WriteVtuSerial(serial, path);
  PetscCall(FFMeshDestroy(&serial));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

typedef struct {
  FFMesh mesh;
  const char *path;
} WriteCtx;

static PetscErrorCode WriteOnRank0(void *ctx)
{
  FFMesh mesh = ((WriteCtx *)ctx)->mesh;
  const char *path = ((WriteCtx *)ctx)->path, *ext = FFPathExtension(path);
  PetscFunctionBegin;
  PetscCallFF(FFCheckWritable(path));
  if (!strcmp(ext, ".msh"))
    PetscCall(CopyFile(mesh->msh_path, path));
  else if (!strcmp(ext, ".geo"))
    PetscCall(WriteGeo(&mesh->geo, path));
  else if (!strcmp(ext, ".vtu"))
    PetscCall(WriteVtu(mesh, path));
  else
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "cannot write '%s': unknown extension (use .msh, .vtu or .geo)",
            path);
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshWrite(FFMesh mesh, const char *path)
{
  WriteCtx ctx = {mesh, path};
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  PetscCall(FFRunOnRank0(mesh->comm, WriteOnRank0, &ctx));
  PetscFunctionReturn(0);
}
