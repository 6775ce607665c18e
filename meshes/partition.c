/* Distributing a mesh read on rank 0. PETSc here is built without METIS, so METIS enters
 * through the shell partitioner: the cell graph from DMPlexCreatePartitionerGraph goes to
 * METIS_PartGraphKway on rank 0, and the parts to PetscPartitionerShellSetPartition. */
#include "mesh_private.h"

#include <metis.h>
#include <petscsf.h>
#include <string.h>

/* METIS parts of the cells of this rank (all of the mesh's cells: the graph must be whole). */
static PetscErrorCode MetisCells(DM dm, PetscInt nparts, PetscInt *ncells, PetscInt **part, PetscInt *edge_cut)
{
  PetscInt nv, *offsets = NULL, *adjacency = NULL;
  IS numbering;
  PetscFunctionBegin;
  PetscCall(DMPlexCreatePartitionerGraph(dm, 0, &nv, &offsets, &adjacency, &numbering));
  PetscCall(ISDestroy(&numbering));
  PetscCall(PetscMalloc1(nv, part));
  *ncells = nv, *edge_cut = 0;
  if (nv > 0 && nparts > 1) {
    idx_t n = (idx_t)nv, ncon = 1, np = (idx_t)nparts, objval = 0, options[METIS_NOPTIONS];
    idx_t *xadj, *adj, *p;
    PetscCall(PetscMalloc3(nv + 1, &xadj, offsets[nv], &adj, nv, &p));
    for (PetscInt i = 0; i <= nv; i++) xadj[i] = (idx_t)offsets[i];
    for (PetscInt i = 0; i < offsets[nv]; i++) adj[i] = (idx_t)adjacency[i];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = 42; /* the same partition every run */
    int rc = METIS_PartGraphKway(&n, &ncon, xadj, adj, NULL, NULL, NULL, &np, NULL, NULL, options, &objval, p);
    PetscCheck(rc == METIS_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "METIS_PartGraphKway failed (code %d) on %d cells", rc,
               (int)nv);
    for (PetscInt i = 0; i < nv; i++) (*part)[i] = p[i];
    *edge_cut = objval;
    PetscCall(PetscFree3(xadj, adj, p));
  } else {
    for (PetscInt i = 0; i < nv; i++) (*part)[i] = 0;
  }
  PetscCall(PetscFree(offsets));
  PetscCall(PetscFree(adjacency));
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshPartitionCells(FFMesh mesh, PetscInt n_parts, PetscInt part[], PetscInt *edge_cut,
                                    PetscReal *imbalance)
{
  DM dm;
  PetscMPIInt size;
  PetscInt n, *p, cut, *sizes, largest = 0;
  PetscFunctionBegin;
  PetscCall(FFMeshGetDM(mesh, &dm));
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)dm), &size));
  PetscCheck(size == 1, PETSC_COMM_SELF, PETSC_ERR_SUP, "FFMeshPartitionCells needs an undistributed mesh");
  PetscCheck(n_parts >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "number of parts must be >= 1, got %d",
             (int)n_parts);
  PetscCall(MetisCells(dm, n_parts, &n, &p, &cut));
  PetscCall(PetscCalloc1(n_parts, &sizes));
  for (PetscInt i = 0; i < n; i++) part[i] = p[i], sizes[p[i]]++;
  for (PetscInt k = 0; k < n_parts; k++) largest = PetscMax(largest, sizes[k]);
  if (edge_cut) *edge_cut = cut;
  if (imbalance) *imbalance = n ? (PetscReal)largest * n_parts / n : 1;
  PetscCall(PetscFree(sizes));
  PetscCall(PetscFree(p));
  PetscFunctionReturn(0);
}

/* Cells of rank 0 grouped by METIS part, for the shell partitioner: sizes[p] cells, listed in
 * points (local cell numbers). */
static PetscErrorCode MetisCellParts(DM dm, PetscInt nparts, PetscInt **sizes, PetscInt **points)
{
  PetscInt nv, *part, cut, *next;
  PetscFunctionBegin;
  PetscCall(MetisCells(dm, nparts, &nv, &part, &cut));
  PetscCall(PetscCalloc1(nparts, sizes));
  PetscCall(PetscMalloc1(nv, points));
  for (PetscInt i = 0; i < nv; i++) (*sizes)[part[i]]++;
  PetscCall(PetscMalloc1(nparts, &next));
  next[0] = 0;
  for (PetscInt p = 1; p < nparts; p++) next[p] = next[p - 1] + (*sizes)[p - 1];
  for (PetscInt i = 0; i < nv; i++) (*points)[next[part[i]]++] = i;
  PetscCall(PetscFree(next));
  PetscCall(PetscFree(part));
  PetscFunctionReturn(0);
}

/* Edge cut (faces shared by two ranks: each is a leaf of the point SF on one of them) and
 * imbalance (largest cell count over the mean) of a distributed mesh. */
static PetscErrorCode MeasurePartition(DM dm, FFMeshPartitionInfo *info)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)dm);
  PetscSF sf;
  PetscInt fStart, fEnd, cStart, cEnd, nleaves, cut = 0, cells;
  const PetscInt *leaves;
  PetscMPIInt size;
  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(DMGetPointSF(dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  PetscCall(DMPlexGetHeightStratum(dm, 1, &fStart, &fEnd));
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  for (PetscInt i = 0; i < nleaves; i++) {
    PetscInt p = leaves ? leaves[i] : i;
    if (p >= fStart && p < fEnd) cut++;
  }
  cells = cEnd - cStart;
  PetscInt total, largest;
  PetscCallMPI(MPI_Allreduce(&cut, &info->edge_cut, 1, MPIU_INT, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(&cells, &total, 1, MPIU_INT, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(&cells, &largest, 1, MPIU_INT, MPI_MAX, comm));
  info->nparts = size;
  info->imbalance = total ? (PetscReal)largest * size / total : 1;
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshDistribute(DM dm, const char *method, DM *dmdist, FFMeshPartitionInfo *info)
{
  MPI_Comm comm = PetscObjectComm((PetscObject)dm);
  PetscMPIInt size;
  PetscPartitioner part;
  PetscFunctionBegin;
  *dmdist = NULL;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscStrncpy(info->method, size > 1 ? method : "none", sizeof info->method));
  info->nparts = 1, info->edge_cut = 0, info->imbalance = 1;
  if (size == 1) PetscFunctionReturn(0);
  PetscCall(DMPlexGetPartitioner(dm, &part));
  if (!strcmp(method, "metis")) {
    PetscInt cStart, cEnd, local, total, *sizes, *points;
    PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
    local = cEnd - cStart;
    PetscCallMPI(MPI_Allreduce(&local, &total, 1, MPIU_INT, MPI_SUM, comm));
    PetscCheck(local == total || local == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "the METIS partitioner needs all cells on one rank (this rank has %d of %d)", (int)local, (int)total);
    PetscCall(MetisCellParts(dm, size, &sizes, &points));
    PetscCall(PetscPartitionerSetType(part, PETSCPARTITIONERSHELL));
    PetscCall(PetscPartitionerShellSetPartition(part, size, sizes, points));
    PetscCall(PetscFree(sizes));
    PetscCall(PetscFree(points));
  } else {
    PetscCheck(!strcmp(method, "petsc"), comm, PETSC_ERR_ARG_OUTOFRANGE,
               "unknown mesh partitioner '%s' (option -mesh_partitioner: metis or petsc)", method);
    PetscCall(PetscPartitionerSetFromOptions(part));
  }
  PetscSF migration = NULL;
  PetscCall(DMPlexDistribute(dm, 0, &migration, dmdist));
  /* Kept on the distributed DM: it names each local point's point in the mesh as read (the
   * numbering of a serial FFMesh of the same file), which the node maps of the solvers use. */
  if (*dmdist) {
    PetscCall(PetscObjectCompose((PetscObject)*dmdist, "fieldflow_migration_sf", (PetscObject)migration));
    PetscCall(MeasurePartition(*dmdist, info));
  }
  PetscCall(PetscSFDestroy(&migration));
  PetscFunctionReturn(0);
}

PetscErrorCode FFMeshGetMigrationSF(DM dm, PetscSF *migration)
{
  PetscObject obj = NULL;

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)dm, "fieldflow_migration_sf", &obj));
  *migration = (PetscSF)obj;
  PetscFunctionReturn(0);
}
