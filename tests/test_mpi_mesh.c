/* meshes on 2 ranks: the DFG mesh, meshed on rank 0 and distributed with the METIS partition,
 * keeps its boundary labels, cell count and curved coordinates and its migration SF (each local
 * point's point in the mesh as read); errors reach every rank. */
#include "ff_io.h"
#include "ff_mesh.h"
#include "ff_test.h"

#include <petscsf.h>
#include <string.h>

/* Points of a stratum this rank owns (not leaves of the point SF). */
static PetscInt CountOwned(DM dm, IS is)
{
  PetscSF sf;
  PetscInt nleaves, n = 0, np;
  const PetscInt *leaves, *pts;
  DMGetPointSF(dm, &sf);
  PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL);
  if (!is) return 0;
  ISGetLocalSize(is, &np);
  ISGetIndices(is, &pts);
  for (PetscInt i = 0; i < np; i++) {
    PetscInt loc = -1;
    if (nleaves > 0 && leaves) PetscFindInt(pts[i], nleaves, leaves, &loc);
    n += loc < 0;
  }
  ISRestoreIndices(is, &pts);
  return n;
}

static FFMesh MakeDfg(const char *partitioner)
{
  FFMesh mesh = NULL;
  FFGeometry g;
  FFGeometrySetDefaults(&g, FF_GEOMETRY_DFG);
  g.h = 0.05, g.h_body = 0.015;
  PetscOptionsSetValue(NULL, "-mpi_mesh_partitioner", partitioner);
  if (FFMeshCreate(PETSC_COMM_WORLD, &mesh) || FFMeshSetGeometry(mesh, &g) || FFMeshSetOptionsPrefix(mesh, "mpi_") ||
      FFMeshSetFromOptions(mesh) || FFMeshSetUp(mesh))
    CU_FAIL("mesh set-up failed");
  PetscOptionsClearValue(NULL, "-mpi_mesh_partitioner");
  return mesh;
}

static void CheckDistributed(FFMesh mesh)
{
  DM dm;
  PetscInt cS, cE, local, total, nv, ne, nc, ng;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetSizes(mesh, &nv, &ne, &nc));
  DMPlexGetHeightStratum(dm, 0, &cS, &cE);
  local = cE - cS;
  CU_ASSERT(local > 0); /* both ranks got cells */
  MPI_Allreduce(&local, &total, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
  CU_ASSERT_EQUAL(total, nc);
  FF_TEST_PETSC(FFMeshGetNumGroups(mesh, &ng));
  CU_ASSERT_EQUAL(ng, 4);
  for (PetscInt g = 0; g < ng; g++) {
    const char *name;
    DMLabel label, faceSets;
    PetscInt value, faces, owned, owned_sets, sum, sum_sets;
    IS is, is_sets;
    FF_TEST_PETSC(FFMeshGetGroupName(mesh, g, &name));
    FF_TEST_PETSC(FFMeshGetGroupSize(mesh, g, &faces));
    FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, name, &label, &value));
    CU_ASSERT_PTR_NOT_NULL_FATAL(label);
    DMLabelGetStratumIS(label, value, &is);
    DMGetLabel(dm, "Face Sets", &faceSets);
    CU_ASSERT_PTR_NOT_NULL_FATAL(faceSets);
    DMLabelGetStratumIS(faceSets, value, &is_sets);
    owned = CountOwned(dm, is);
    owned_sets = CountOwned(dm, is_sets);
    ISDestroy(&is);
    ISDestroy(&is_sets);
    MPI_Allreduce(&owned, &sum, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
    MPI_Allreduce(&owned_sets, &sum_sets, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
    CU_ASSERT_EQUAL(sum, faces);
    CU_ASSERT_EQUAL(sum_sets, faces);
  }
}

/* Curved coordinates survive distribution: the cylinder's edge nodes stay on the circle. */
static void CheckCurved(FFMesh mesh)
{
  DM dm;
  DMLabel label;
  PetscInt value, np, count = 0, total;
  IS is;
  const PetscInt *pts;
  PetscSection cs;
  Vec c;
  const PetscScalar *a;
  PetscReal worst = 0;
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetGroupLabel(mesh, "cylinder", &label, &value));
  DMGetCoordinateSection(dm, &cs);
  DMGetCoordinatesLocal(dm, &c);
  VecGetArrayRead(c, &a);
  DMLabelGetStratumIS(label, value, &is);
  if (is) {
    ISGetLocalSize(is, &np);
    ISGetIndices(is, &pts);
    for (PetscInt i = 0; i < np; i++) {
      PetscInt dof, off;
      PetscSectionGetDof(cs, pts[i], &dof);
      if (dof != 2) {
        worst = 1;
        continue;
      }
      PetscSectionGetOffset(cs, pts[i], &off);
      worst = PetscMax(worst, PetscAbsReal(PetscHypotReal(a[off] - 0.2, a[off + 1] - 0.2) - 0.05));
      count++;
    }
    ISRestoreIndices(is, &pts);
    ISDestroy(&is);
  }
  VecRestoreArrayRead(c, &a);
  MPI_Allreduce(&count, &total, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD);
  CU_ASSERT(total > 0);
  CU_ASSERT(worst < 1e-12);
}

/* The coordinate dofs of point p (a vertex, or an edge of a curved mesh); n = 0 when it has none. */
static PetscInt PointXY(DM dm, PetscInt p, PetscReal x[2])
{
  PetscSection cs;
  Vec c;
  const PetscScalar *a;
  PetscInt pStart, pEnd, dof = 0, off;
  DMGetCoordinateSection(dm, &cs);
  PetscSectionGetChart(cs, &pStart, &pEnd);
  if (p >= pStart && p < pEnd) PetscSectionGetDof(cs, p, &dof);
  if (dof != 2) return 0;
  PetscSectionGetOffset(cs, p, &off);
  DMGetCoordinatesLocal(dm, &c);
  VecGetArrayRead(c, &a);
  x[0] = PetscRealPart(a[off]), x[1] = PetscRealPart(a[off + 1]);
  VecRestoreArrayRead(c, &a);
  return 2;
}

/* The distributed DM keeps the migration SF: one leaf per local point, rooted on rank 0 (which
 * read the mesh) at the point with the same number in a serial read of the same .msh: same
 * depth, same coordinates (vertices and curved edge nodes). */
static void CheckMigrationSF(FFMesh mesh)
{
  DM dm, serial_dm;
  PetscSF migration = NULL;
  FFMesh serial;
  FFGeometry g;
  PetscInt pStart, pEnd, nroots, nleaves, bad = 0, compared = 0;
  const PetscInt *ilocal;
  const PetscSFNode *iremote;
  char path[4096];
  FF_TEST_PETSC(FFMeshGetDM(mesh, &dm));
  FF_TEST_PETSC(FFMeshGetMigrationSF(dm, &migration));
  CU_ASSERT_PTR_NOT_NULL_FATAL(migration);
  snprintf(path, sizeof path, "%s/migration.msh", FFTestTempDir("mpi_mesh"));
  FF_TEST_PETSC(FFMeshWrite(mesh, path)); /* the .msh that was read */
  FFGeometrySetDefaults(&g, FF_GEOMETRY_FILE);
  snprintf(g.msh_file, sizeof g.msh_file, "%s", path);
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_SELF, &serial));
  FF_TEST_PETSC(FFMeshSetGeometry(serial, &g));
  FF_TEST_PETSC(FFMeshSetUp(serial));
  FF_TEST_PETSC(FFMeshGetDM(serial, &serial_dm));
  DMPlexGetChart(dm, &pStart, &pEnd);
  PetscSFGetGraph(migration, &nroots, &nleaves, &ilocal, &iremote);
  CU_ASSERT_EQUAL(nleaves, pEnd - pStart);
  for (PetscInt i = 0; i < nleaves; i++) {
    const PetscInt q = ilocal ? ilocal[i] : i, o = iremote[i].index;
    PetscInt dq, dorig, sStart, sEnd;
    PetscReal xq[2], xo[2];
    DMPlexGetChart(serial_dm, &sStart, &sEnd);
    if (iremote[i].rank != 0 || o < sStart || o >= sEnd) {
      bad++;
      continue;
    }
    DMPlexGetPointDepth(dm, q, &dq);
    DMPlexGetPointDepth(serial_dm, o, &dorig);
    bad += dq != dorig;
    if (PointXY(dm, q, xq) && PointXY(serial_dm, o, xo)) {
      bad += PetscAbsReal(xq[0] - xo[0]) + PetscAbsReal(xq[1] - xo[1]) > 1e-14;
      compared++;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &compared, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD);
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(compared > 0);
  FF_TEST_PETSC(FFMeshDestroy(&serial));
}

static void TestMetisDistribution(void)
{
  FFMesh mesh = MakeDfg("metis");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  const char *method;
  PetscInt cut;
  PetscReal imbalance;
  FF_TEST_PETSC(FFMeshGetPartitionInfo(mesh, &method, &cut, &imbalance));
  CU_ASSERT_STRING_EQUAL(method, "metis");
  CU_ASSERT(cut > 0);
  CU_ASSERT(imbalance >= 1 && imbalance <= 1.05);
  CheckDistributed(mesh);
  CheckCurved(mesh);
  CheckMigrationSF(mesh);
  FF_TEST_PETSC(FFMeshView(mesh, PETSC_VIEWER_STDOUT_WORLD));
  /* .vtu of a distributed mesh: rank 0 writes the whole mesh */
  char path[4096];
  PetscInt nc;
  snprintf(path, sizeof path, "%s/dfg.vtu", FFTestTempDir("mpi_mesh"));
  FF_TEST_PETSC(FFMeshWrite(mesh, path));
  FF_TEST_PETSC(FFMeshGetSizes(mesh, NULL, NULL, &nc));
  FFVtkData d;
  FF_TEST_CALL(FFVtkRead(path, &d));
  CU_ASSERT_EQUAL(d.n_cells, nc);
  FFVtkDataFree(&d);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

static void TestPetscPartitioner(void)
{
  FFMesh mesh = MakeDfg("petsc");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mesh);
  const char *method;
  FF_TEST_PETSC(FFMeshGetPartitionInfo(mesh, &method, NULL, NULL));
  CU_ASSERT_STRING_EQUAL(method, "petsc");
  CheckDistributed(mesh);
  CheckMigrationSF(mesh);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

/* A bad file fails on rank 0 (it alone reads); every rank gets the error, nobody hangs. */
static void TestErrorOnAllRanks(void)
{
  FFMesh mesh;
  FFGeometry g;
  FFGeometrySetDefaults(&g, FF_GEOMETRY_FILE);
  snprintf(g.msh_file, sizeof g.msh_file, "%s", FF_SOURCE_DIR "/tests/data/truncated41.msh");
  FF_TEST_PETSC(FFMeshCreate(PETSC_COMM_WORLD, &mesh));
  FF_TEST_PETSC(FFMeshSetGeometry(mesh, &g));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  PetscErrorCode ierr = FFMeshSetUp(mesh);
  PetscPopErrorHandler();
  CU_ASSERT(ierr != 0);
  FF_TEST_PETSC(FFMeshDestroy(&mesh));
}

int main(int argc, char **argv)
{
  const FFTest tests[] = {
      {"DFG distributed with METIS keeps labels, cells, curved nodes, migration SF", TestMetisDistribution},
      {"PETSc's partitioner as the alternative", TestPetscPartitioner},
      {"a bad mesh file fails on every rank", TestErrorOnAllRanks},
      {NULL, NULL},
  };
  return FFTestRunPetsc(argc, argv, "mpi_mesh", tests);
}
