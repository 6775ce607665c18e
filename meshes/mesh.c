/* The FFMesh object: options, set-up (geometry -> gmsh -> DMPlex -> distribution) and
 * its accessors. Work that only rank 0 can do (run gmsh, check the serial mesh) goes through
 * RunOnRank0, which turns a failure there into the same error on every rank. */
#define _POSIX_C_SOURCE 200809L
#include "mesh_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

PetscErrorCode FFGeometrySetDefaults(FFGeometry *g, FFGeometryType type)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(g, sizeof *g));
  g->type = type;
  g->order = type == FF_GEOMETRY_SQUARE ? 1 : 2;
  g->growth = 0.1;
  g->naca_m = 0.02, g->naca_p = 0.4, g->naca_t = 0.12; /* NACA 2412 */
  g->farfield = 20;
  g->h_wake = 0.03;
  g->naca_mirror = PETSC_TRUE;
  switch (type) {
  case FF_GEOMETRY_DFG: /* ~31.5k P2-P1 unknowns, as in docs/references.md §5 */
    g->h = 0.02, g->h_body = 0.005, g->growth = 0.1;
    break;
  case FF_GEOMETRY_NACA: /* ~4.2k vertices: a solve in seconds, for sweeps of hundreds */
    g->h = 1.0, g->h_body = 0.01, g->h_wake = 0.03, g->growth = 0.2;
    break;
  case FF_GEOMETRY_SQUARE: /* ~4k P2 nodes */
    g->h = 0.035, g->h_body = 0.035;
    break;
  case FF_GEOMETRY_FILE:
    g->order = 1, g->h = g->h_body = 0;
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshCreate(MPI_Comm comm, FFMesh *mesh)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(mesh));
  (*mesh)->comm = comm;
  PetscCall(FFGeometrySetDefaults(&(*mesh)->geo, FF_GEOMETRY_DFG));
  PetscCall(PetscStrncpy((*mesh)->partitioner, "metis", sizeof(*mesh)->partitioner));
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshSetOptionsPrefix(FFMesh mesh, const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscFree(mesh->prefix));
  if (prefix) PetscCall(PetscStrallocpy(prefix, &mesh->prefix));
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshSetGeometry(FFMesh mesh, const FFGeometry *geometry)
{
  PetscFunctionBegin;
  PetscCheck(!mesh->setup, mesh->comm, PETSC_ERR_ORDER, "FFMeshSetGeometry after FFMeshSetUp");
  mesh->geo = *geometry;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshRequireGroups(FFMesh mesh, PetscInt n, const char *const names[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscBool dup = PETSC_FALSE;
    for (PetscInt r = 0; r < mesh->n_required; r++) dup |= !strcmp(mesh->required[r], names[i]);
    if (dup) continue;
    PetscCheck(mesh->n_required < FF_MESH_MAX_REQUIRED, mesh->comm, PETSC_ERR_ARG_OUTOFRANGE,
               "at most %d required groups", FF_MESH_MAX_REQUIRED);
    PetscCall(PetscStrncpy(mesh->required[mesh->n_required++], names[i], FF_NAME_LEN));
  }
  PetscFunctionReturn(0);
}

/* -naca 2412: camber m = 2%, at p = 40% of the chord, thickness t = 12%. */
static PetscErrorCode ParseNacaCode(const char *code, const char *prefix, FFGeometry *g)
{
  PetscFunctionBegin;
  PetscBool ok = strlen(code) == 4;
  for (int i = 0; i < 4 && ok; i++) ok = code[i] >= '0' && code[i] <= '9';
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "option -%snaca: '%s' is not a 4-digit NACA code (e.g. 2412)",
             prefix ? prefix : "", code);
  g->naca_m = (code[0] - '0') / 100.0;
  g->naca_p = (code[1] - '0') / 10.0;
  g->naca_t = ((code[2] - '0') * 10 + (code[3] - '0')) / 100.0;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshSetFromOptions(FFMesh mesh)
{
  const char *types[] = {"dfg", "naca", "square", "file"};
  FFGeometry *g = &mesh->geo;
  PetscInt type = g->type, nreq = FF_MESH_MAX_REQUIRED;
  char code[16] = "", *req[FF_MESH_MAX_REQUIRED];
  PetscBool set;
  PetscFunctionBegin;
  PetscOptionsBegin(mesh->comm, mesh->prefix, "Mesh options", "FFMesh");
  PetscCall(PetscOptionsEList("-geometry", "Geometry: dfg (channel with cylinder), naca (airfoil), square, file (.msh)",
                              "FFMeshSetFromOptions", types, 4, types[type], &type, &set));
  if (set && type != (PetscInt)g->type) PetscCall(FFGeometrySetDefaults(g, (FFGeometryType)type));
  PetscCall(PetscOptionsString("-mesh_file", "The user's Gmsh .msh (with -geometry file)", "FFMeshSetFromOptions",
                               g->msh_file, g->msh_file, sizeof g->msh_file, NULL));
  PetscCall(PetscOptionsInt("-mesh_order", "1: straight cells, 2: curved (second-order) cells", "FFMeshSetFromOptions",
                            g->order, &g->order, NULL));
  PetscCall(PetscOptionsReal("-mesh_h", "Far-field (background) cell size", "FFMeshSetFromOptions", g->h, &g->h, NULL));
  PetscCall(PetscOptionsReal("-mesh_h_body", "Cell size on the body (cylinder, airfoil)", "FFMeshSetFromOptions",
                             g->h_body, &g->h_body, NULL));
  PetscCall(PetscOptionsReal("-mesh_growth", "Growth of the cell size per unit distance from the body",
                             "FFMeshSetFromOptions", g->growth, &g->growth, NULL));
  PetscCall(PetscOptionsString("-naca", "NACA 4-digit code (sets -naca_m, -naca_p, -naca_t)", "FFMeshSetFromOptions",
                               code, code, sizeof code, &set));
  if (set) PetscCall(ParseNacaCode(code, mesh->prefix, g));
  PetscCall(
      PetscOptionsReal("-naca_m", "NACA maximum camber (chords)", "FFMeshSetFromOptions", g->naca_m, &g->naca_m, NULL));
  PetscCall(PetscOptionsReal("-naca_p", "NACA position of maximum camber (chords)", "FFMeshSetFromOptions", g->naca_p,
                             &g->naca_p, NULL));
  PetscCall(PetscOptionsReal("-naca_t", "NACA maximum thickness (chords)", "FFMeshSetFromOptions", g->naca_t,
                             &g->naca_t, NULL));
  PetscCall(PetscOptionsReal("-naca_farfield", "NACA: width and height of the far-field box (chords)",
                             "FFMeshSetFromOptions", g->farfield, &g->farfield, NULL));
  PetscCall(PetscOptionsReal("-mesh_h_wake", "NACA: cell size in the wake behind the trailing edge",
                             "FFMeshSetFromOptions", g->h_wake, &g->h_wake, NULL));
  PetscCall(PetscOptionsBool("-naca_mirror", "NACA: mesh a symmetric airfoil (m = 0) as a half and its mirror image",
                             "FFMeshSetFromOptions", g->naca_mirror, &g->naca_mirror, NULL));
  PetscCall(PetscOptionsString("-gmsh", "The gmsh executable", "FFMeshSetFromOptions",
                               mesh->gmsh[0] ? mesh->gmsh : FF_GMSH_EXECUTABLE, mesh->gmsh, sizeof mesh->gmsh, NULL));
  PetscCall(PetscOptionsString("-mesh_workdir", "Keep the .geo, .msh and gmsh log in this directory",
                               "FFMeshSetFromOptions", mesh->workdir, mesh->workdir, sizeof mesh->workdir,
                               &mesh->keep_workdir));
  PetscCall(PetscOptionsString("-mesh_partitioner", "Partitioner on more than one rank: metis or petsc",
                               "FFMeshSetFromOptions", mesh->partitioner, mesh->partitioner, sizeof mesh->partitioner,
                               NULL));
  PetscCall(PetscOptionsStringArray("-mesh_require_groups", "Boundary groups the mesh must have (comma-separated)",
                                    "FFMeshRequireGroups", req, &nreq, &set));
  PetscOptionsEnd();
  if (set) {
    PetscCall(FFMeshRequireGroups(mesh, nreq, (const char *const *)req));
    for (PetscInt i = 0; i < nreq; i++) PetscCall(PetscFree(req[i]));
  }
  g->type = (FFGeometryType)type;
  PetscCall(FFGeometryCheck(g, mesh->prefix));
  PetscFunctionReturn(0);
}

/* ---------- errors that happen on rank 0 only ---------- */

static PetscErrorCode RunOnRank0(FFMesh mesh, PetscErrorCode (*fn)(void *))
{
  PetscFunctionBegin;
  PetscCall(FFRunOnRank0(mesh->comm, fn, mesh));
  PetscFunctionReturn(0);
}

/* ---------- set-up ---------- */

static const char *MeshSource(FFMesh mesh, char *buf, size_t len)
{
  if (mesh->geo.type == FF_GEOMETRY_FILE) return mesh->geo.msh_file;
  snprintf(buf, len, "%s (built-in geometry, meshed into %s)", FFGeometryTypeName(mesh->geo.type), mesh->msh_path);
  return buf;
}

static PetscErrorCode MakeWorkdir(FFMesh mesh)
{
  PetscFunctionBegin;
  if (mesh->keep_workdir) {
    PetscCallFF(FFMakeDirs(mesh->workdir));
    PetscFunctionReturn(0);
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(mesh->workdir, sizeof mesh->workdir, "%s/fieldflow-mesh-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  PetscCheck(mkdtemp(mesh->workdir), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "cannot create a temporary directory '%s' for gmsh (set TMPDIR or -mesh_workdir)", mesh->workdir);
  PetscFunctionReturn(0);
}

/* Rank 0: the .msh to read, either the user's or one gmsh makes from our .geo. */
static PetscErrorCode PrepareMshFile(void *ctx)
{
  FFMesh mesh = (FFMesh)ctx;
  const FFGeometry *g = &mesh->geo;
  char gmsh[PETSC_MAX_PATH_LEN];
  PetscFunctionBegin;
  if (g->type == FF_GEOMETRY_FILE) {
    double version;
    int binary;
    FILE *f = fopen(g->msh_file, "rb");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open mesh file '%s' (option -%smesh_file)", g->msh_file,
               mesh->prefix ? mesh->prefix : "");
    fclose(f);
    PetscCall(FFMeshFileVersion(g->msh_file, &version, &binary));
    if (version >= 3) {
      PetscCall(PetscStrncpy(mesh->msh_path, g->msh_file, sizeof mesh->msh_path));
      PetscFunctionReturn(0);
    }
    /* MSH 2.2: PETSc would read elementary tags as group tags; gmsh rewrites it as 4.1 */
    PetscErrorCode ierr = FFGmshFindExecutable(mesh->gmsh, gmsh, sizeof gmsh);
    PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
               "mesh file '%s' is MSH 2.2, which fieldflow converts to 4.1 with gmsh: gmsh was not found (option "
               "-gmsh), or save the mesh as MSH 4.1",
               g->msh_file);
    PetscCall(MakeWorkdir(mesh));
    int n = snprintf(mesh->msh_path, sizeof mesh->msh_path, "%s/user.msh", mesh->workdir);
    PetscCheck(n < (int)sizeof mesh->msh_path, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "work directory path too long");
    ierr = FFGmshConvert(gmsh, g->msh_file, mesh->msh_path);
    if (ierr) mesh->keep_workdir = PETSC_TRUE; /* the error message points to gmsh's log there */
    PetscCall(ierr);
    PetscFunctionReturn(0);
  }
  PetscCall(FFGmshFindExecutable(mesh->gmsh, gmsh, sizeof gmsh));
  PetscCall(MakeWorkdir(mesh));
  const char *name = FFGeometryTypeName(g->type);
  int n1 = snprintf(mesh->geo_path, sizeof mesh->geo_path, "%s/%s.geo", mesh->workdir, name);
  int n2 = snprintf(mesh->msh_path, sizeof mesh->msh_path, "%s/%s.msh", mesh->workdir, name);
  PetscCheck(n1 < (int)sizeof mesh->geo_path && n2 < (int)sizeof mesh->msh_path, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "work directory path too long: '%s'", mesh->workdir);
  FILE *f = fopen(mesh->geo_path, "w");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", mesh->geo_path);
  PetscErrorCode ierr = FFGeoWrite(g, f);
  PetscCheck(fclose(f) == 0 && !ierr, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write '%s'", mesh->geo_path);
  ierr = FFGmshRun(gmsh, mesh->geo_path, mesh->msh_path, g->order);
  if (ierr) mesh->keep_workdir = PETSC_TRUE; /* the error message points to gmsh's log there */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Rank 0, on the whole mesh: groups, checks, statistics. */
static PetscErrorCode Analyze(FFMesh mesh)
{
  char buf[PETSC_MAX_PATH_LEN + 64];
  const char *source = MeshSource(mesh, buf, sizeof buf);
  PetscFunctionBegin;
  PetscCall(FFMeshCollectGroups(mesh, source));
  PetscCall(FFMeshCheckCurvedCells(mesh->dm, source));
  PetscCall(FFMeshComputeStats(mesh->dm, &mesh->stats));
  PetscFunctionReturn(0);
}

/* On several ranks, rank 0 first reads and checks the mesh alone, so a bad file fails there
 * before all ranks enter the collective read. */
static PetscErrorCode ReadAndAnalyzeSerial(void *ctx)
{
  FFMesh mesh = (FFMesh)ctx;
  char buf[PETSC_MAX_PATH_LEN + 64];
  FFErrorCapture cap;
  PetscFunctionBegin;
  PetscInt n_reoriented = 0;
  PetscCall(FFErrorCapturePush(&cap));
  PetscErrorCode ierr = FFMeshReadGmsh(PETSC_COMM_SELF, mesh->msh_path, &mesh->dm, &n_reoriented);
  PetscCall(FFErrorCapturePop());
  PetscCheck(!ierr, PETSC_COMM_SELF, ierr, "mesh %s: %s", MeshSource(mesh, buf, sizeof buf), cap.message);
  ierr = Analyze(mesh);
  mesh->stats.n_reoriented = n_reoriented;
  PetscCall(DMDestroy(&mesh->dm));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadAndAnalyze(FFMesh mesh)
{
  char buf[PETSC_MAX_PATH_LEN + 64];
  FFErrorCapture cap;
  PetscFunctionBegin;
  PetscInt n_reoriented = 0;
  PetscCall(FFErrorCapturePush(&cap));
  PetscErrorCode ierr = FFMeshReadGmsh(mesh->comm, mesh->msh_path, &mesh->dm, &n_reoriented);
  PetscCall(FFErrorCapturePop());
  PetscCheck(!ierr, mesh->comm, ierr, "mesh %s: %s", MeshSource(mesh, buf, sizeof buf), cap.message);
  PetscCall(Analyze(mesh));
  mesh->stats.n_reoriented = n_reoriented;
  PetscFunctionReturn(0);
}

/* What rank 0 learnt (groups, statistics) to every rank. */
static PetscErrorCode BcastAnalysis(FFMesh mesh)
{
  PetscMPIInt rank;
  PetscInt n[2] = {mesh->n_groups, mesh->n_cell_groups};
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(mesh->comm, &rank));
  PetscCallMPI(MPI_Bcast(n, 2, MPIU_INT, 0, mesh->comm));
  PetscCallMPI(MPI_Bcast(mesh->msh_path, sizeof mesh->msh_path, MPI_CHAR, 0, mesh->comm));
  if (rank != 0) {
    mesh->n_groups = n[0], mesh->n_cell_groups = n[1];
    PetscCall(PetscMalloc1(n[0], &mesh->group_names));
    PetscCall(PetscMalloc2(n[0], &mesh->group_tags, n[0], &mesh->group_faces));
    PetscCall(PetscMalloc1(n[1], &mesh->cell_group_names));
  }
  PetscCallMPI(MPI_Bcast(mesh->group_names, (int)(n[0] * FF_NAME_LEN), MPI_CHAR, 0, mesh->comm));
  PetscCallMPI(MPI_Bcast(mesh->group_tags, (int)n[0], MPIU_INT, 0, mesh->comm));
  PetscCallMPI(MPI_Bcast(mesh->group_faces, (int)n[0], MPIU_INT, 0, mesh->comm));
  PetscCallMPI(MPI_Bcast(mesh->cell_group_names, (int)(n[1] * FF_NAME_LEN), MPI_CHAR, 0, mesh->comm));
  PetscCallMPI(MPI_Bcast(&mesh->stats, sizeof mesh->stats, MPI_BYTE, 0, mesh->comm));
  /* Ranks without cells have none of the group labels yet; DMPlexDistribute wants all
   * ranks to hold the same labels. */
  for (PetscInt g = 0; g < mesh->n_groups; g++) PetscCall(DMCreateLabel(mesh->dm, mesh->group_names[g]));
  for (PetscInt g = 0; g < mesh->n_cell_groups; g++) PetscCall(DMCreateLabel(mesh->dm, mesh->cell_group_names[g]));
  PetscFunctionReturn(0);
}

static PetscErrorCode RequireBuiltinGroups(FFMesh mesh)
{
  const char *dfg[] = {"inlet", "outlet", "walls", "cylinder"}, *naca[] = {"airfoil", "farfield", "outlet"};
  const char *square[] = {"left", "right", "bottom", "top"};
  PetscFunctionBegin;
  switch (mesh->geo.type) {
  case FF_GEOMETRY_DFG:
    PetscCall(FFMeshRequireGroups(mesh, 4, dfg));
    break;
  case FF_GEOMETRY_NACA:
    PetscCall(FFMeshRequireGroups(mesh, 3, naca));
    break;
  case FF_GEOMETRY_SQUARE:
    PetscCall(FFMeshRequireGroups(mesh, 4, square));
    break;
  case FF_GEOMETRY_FILE:
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshSetUp(FFMesh mesh)
{
  PetscMPIInt size;
  PetscFunctionBegin;
  if (mesh->setup) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_size(mesh->comm, &size));
  PetscCall(FFGeometryCheck(&mesh->geo, mesh->prefix));
  PetscCall(RequireBuiltinGroups(mesh));
  PetscCall(RunOnRank0(mesh, PrepareMshFile));
  if (size == 1) {
    PetscCall(ReadAndAnalyze(mesh));
  } else {
    PetscCall(RunOnRank0(mesh, ReadAndAnalyzeSerial));
    PetscCall(FFMeshReadGmsh(mesh->comm, mesh->msh_path, &mesh->dm, NULL));
    PetscCall(BcastAnalysis(mesh));
  }
  PetscCall(FFMeshAddSetLabels(mesh));
  /* A later DMSetFromOptions must not redistribute with PETSc's partitioner. */
  PetscCall(DMPlexDistributeSetDefault(mesh->dm, PETSC_FALSE));
  DM dist;
  PetscCall(FFMeshDistribute(mesh->dm, mesh->partitioner, &dist, &mesh->partition));
  if (dist) {
    PetscCall(DMDestroy(&mesh->dm));
    mesh->dm = dist;
    PetscCall(PetscObjectSetName((PetscObject)mesh->dm, "mesh"));
    PetscCall(DMPlexDistributeSetDefault(mesh->dm, PETSC_FALSE));
  }
  mesh->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* ---------- accessors ---------- */

PetscErrorCode FFMeshGetDM(FFMesh mesh, DM *dm)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  *dm = mesh->dm;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetGeometry(FFMesh mesh, const FFGeometry **geometry)
{
  PetscFunctionBegin;
  *geometry = &mesh->geo;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetNumGroups(FFMesh mesh, PetscInt *n)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  *n = mesh->n_groups;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetGroupName(FFMesh mesh, PetscInt g, const char **name)
{
  PetscFunctionBegin;
  PetscCheck(g >= 0 && g < mesh->n_groups, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "group %d out of range [0, %d)",
             (int)g, (int)mesh->n_groups);
  *name = mesh->group_names[g];
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshHasGroup(FFMesh mesh, const char *name, PetscBool *has)
{
  PetscFunctionBegin;
  *has = PETSC_FALSE;
  for (PetscInt g = 0; g < mesh->n_groups; g++)
    if (!strcmp(mesh->group_names[g], name)) *has = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetGroupLabel(FFMesh mesh, const char *name, DMLabel *label, PetscInt *value)
{
  PetscFunctionBegin;
  FF_MESH_CHECK_SETUP(mesh);
  for (PetscInt g = 0; g < mesh->n_groups; g++) {
    if (strcmp(mesh->group_names[g], name)) continue;
    PetscCall(DMGetLabel(mesh->dm, name, label));
    *value = mesh->group_tags[g];
    PetscFunctionReturn(0);
  }
  char have[1024] = "";
  for (PetscInt g = 0; g < mesh->n_groups; g++) {
    PetscCall(PetscStrlcat(have, g ? ", " : "", sizeof have));
    PetscCall(PetscStrlcat(have, mesh->group_names[g], sizeof have));
  }
  SETERRQ(mesh->comm, PETSC_ERR_ARG_WRONG, "the mesh has no boundary group '%s'; its groups are: %s", name,
          *have ? have : "none");
}

PetscBool FFMeshIsWallName(const char *name)
{
  const char *walls[] = {"wall", "walls", "cylinder", "airfoil", "body"};
  for (size_t i = 0; i < sizeof walls / sizeof walls[0]; i++)
    if (!strcasecmp(name, walls[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscBool FFMeshIsInflowName(const char *name)
{
  const char *inflow[] = {"inlet", "inflow", "farfield"};
  for (size_t i = 0; i < sizeof inflow / sizeof inflow[0]; i++)
    if (!strcasecmp(name, inflow[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscErrorCode FFMeshDestroy(FFMesh *mesh)
{
  PetscMPIInt rank;
  PetscFunctionBegin;
  if (!*mesh) PetscFunctionReturn(0);
  FFMesh m = *mesh;
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  if (rank == 0 && m->workdir[0] && !m->keep_workdir) { /* our temporary files */
    char log[PETSC_MAX_PATH_LEN + 8];
    snprintf(log, sizeof log, "%s.log", m->msh_path);
    size_t n = strlen(m->workdir); /* never touch a file outside our directory */
    if (!strncmp(m->geo_path, m->workdir, n)) unlink(m->geo_path);
    if (!strncmp(m->msh_path, m->workdir, n)) unlink(m->msh_path), unlink(log);
    rmdir(m->workdir);
  }
  PetscCall(DMDestroy(&m->dm));
  PetscCall(PetscFree(m->group_names));
  PetscCall(PetscFree2(m->group_tags, m->group_faces));
  PetscCall(PetscFree(m->cell_group_names));
  PetscCall(PetscFree(m->prefix));
  PetscCall(PetscFree(*mesh));
  PetscFunctionReturn(0);
}
