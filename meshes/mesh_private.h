/* Private to the mesh module: the FFMesh object and the functions its files share. */
#ifndef MESH_PRIVATE_H
#define MESH_PRIVATE_H

#include "ff_mesh.h"
#include "ff_petsc.h"

#include <stdio.h>

#define FF_MESH_MAX_REQUIRED 16

/* Statistics of the whole (undistributed) mesh, computed once on rank 0 and broadcast. */
typedef struct {
  PetscInt n_vertices, n_edges, n_cells;
  PetscReal quality_min, quality_mean; /* normalized radius ratio 2 r_in / r_circ of the straight cells */
  PetscReal h_min, h_max;              /* shortest and longest edge */
  PetscInt n_reoriented;               /* cells that were clockwise in the file, turned over on read */
} FFMeshStats;

/* The cell partition that distributed the mesh (nparts == 1: not distributed). */
typedef struct {
  char method[16]; /* "metis", "petsc" or "none" */
  PetscInt nparts;
  PetscInt edge_cut;   /* cell-graph edges between parts (METIS objective); -1 if unknown */
  PetscReal imbalance; /* largest part / mean part */
} FFMeshPartitionInfo;

struct _p_FFMesh {
  MPI_Comm comm;
  char *prefix; /* options prefix, may be NULL */
  FFGeometry geo;
  char gmsh[PETSC_MAX_PATH_LEN];    /* the gmsh executable */
  char workdir[PETSC_MAX_PATH_LEN]; /* rank 0: where the .geo and .msh live; "" before SetUp */
  PetscBool keep_workdir;           /* -mesh_workdir given: the files stay */
  char msh_path[PETSC_MAX_PATH_LEN];
  char geo_path[PETSC_MAX_PATH_LEN]; /* "" for FF_GEOMETRY_FILE */
  char partitioner[16];              /* "metis" or "petsc" */
  PetscInt n_required;
  char required[FF_MESH_MAX_REQUIRED][FF_NAME_LEN];
  PetscBool setup;
  DM dm;
  /* Boundary groups in ascending physical tag, and the fluid (cell) groups. */
  PetscInt n_groups;
  char (*group_names)[FF_NAME_LEN];
  PetscInt *group_tags;
  PetscInt *group_faces;
  PetscInt n_cell_groups;
  char (*cell_group_names)[FF_NAME_LEN];
  FFMeshStats stats;
  FFMeshPartitionInfo partition;
};

#define FF_MESH_CHECK_SETUP(mesh) PetscCheck((mesh)->setup, (mesh)->comm, PETSC_ERR_ORDER, "call FFMeshSetUp() first")

/* A section's dof count at p, 0 outside its chart (P1 coordinates have no edge entries). */
static inline PetscInt FFSectionDof(PetscSection s, PetscInt p)
{
  PetscInt pStart, pEnd, dof = 0;
  PetscSectionGetChart(s, &pStart, &pEnd);
  if (p >= pStart && p < pEnd) PetscSectionGetDof(s, p, &dof);
  return dof;
}

/* ff_geo.c: the .geo text of a built-in geometry. */
PetscErrorCode FFGeoWrite(const FFGeometry *geo, FILE *f);
const char *FFGeometryTypeName(FFGeometryType type);
void FFGeoWriteSizeSettings(FILE *f);
PetscErrorCode FFGeometryCheck(const FFGeometry *geo, const char *prefix);

/* boundary_layer.c: wall-resolved meshes (the flat plate, the options of the NACA layers) */
PetscBool FFGeometryHasBoundaryLayer(const FFGeometry *geo);
void FFBoundaryLayerSetDefaults(FFGeometry *geo);
PetscErrorCode FFBoundaryLayerOptions(FFMesh mesh, PetscOptionItems *PetscOptionsObject);
PetscErrorCode FFBoundaryLayerCheck(const FFGeometry *geo, const char *prefix);
PetscErrorCode FFFlatPlateWriteGeo(const FFGeometry *geo, FILE *f);

/* naca.c */
PetscErrorCode FFNacaWriteGeo(const FFGeometry *geo, FILE *f);
/* A point of the NACA (or TMR) surface at chord station x; upper surface for side +1, lower -1. */
void FFNacaChordPoint(const FFGeometry *geo, double x, int side, double *X, double *Y);
/* naca_layers.c: the wall-resolved NACA mesh (structured layers built here, the rest by gmsh) as
 * a .msh at msh_path; geo_path gets the .geo of the part gmsh meshes. */
PetscErrorCode FFNacaLayersMesh(const FFGeometry *geo, const char *gmsh, const char *geo_path, const char *msh_path);
/* Whether the NACA mesh is the mirror-symmetric one (naca_mirror and m == 0). */
PetscBool FFNacaIsMirrored(const FFGeometry *geo);

/* ff_gmsh.c: run gmsh on a .geo, writing a .msh (version 4.1) of the given order. */
PetscErrorCode FFGmshFindExecutable(const char *requested, char *path, size_t len);
PetscErrorCode FFGmshRun(const char *gmsh, const char *geo, const char *msh, PetscInt order);
/* Rewrites a .msh as MSH 4.1 (PETSc 3.18 reads the elementary tags of MSH 2.2 elements as
 * if they were physical tags, which mislabels faces). */
PetscErrorCode FFGmshConvert(const char *gmsh, const char *in, const char *out);
/* The MSH format version of a file (2.2, 4.1, ...); fails naming the file if it is not one. */
PetscErrorCode FFMeshFileVersion(const char *path, double *version, int *binary);
/* The counts, tags and node references of an ASCII MSH 4.1 file's $Nodes and $Elements
 * (msh_check.c): an error naming the file and the line, before PETSc reads it. */
PetscErrorCode FFMeshCheckMsh41(const char *path);

/* read.c: read a .msh on comm (rank 0 reads) into an interpolated DMPlex with one
 * label per physical group, for second-order meshes continuous P2 coordinates, and every cell
 * counter-clockwise (n_reoriented, may be NULL: how many were clockwise in the file). */
PetscErrorCode FFMeshReadGmsh(MPI_Comm comm, const char *path, DM *dm, PetscInt *n_reoriented);
/* groups.c: the groups of a freshly read mesh; checks there are fluid cells,
 * that every boundary face is in a group and that required groups are present. */
PetscErrorCode FFMeshCollectGroups(FFMesh mesh, const char *source);
PetscErrorCode FFMeshAddSetLabels(FFMesh mesh);

/* stats.c */
PetscErrorCode FFMeshComputeStats(DM dm, FFMeshStats *stats);
PetscErrorCode FFMeshCheckCurvedCells(DM dm, const char *source);
/* The mean of the vertices of a point's closure (for messages that say where). */
PetscErrorCode FFMeshPointCentroid(DM dm, PetscInt point, PetscReal x[2]);

/* ff_partition.c: distribute with METIS (or PETSc's partitioner); fills info. */
PetscErrorCode FFMeshDistribute(DM dm, const char *method, DM *dmdist, FFMeshPartitionInfo *info);

#endif
