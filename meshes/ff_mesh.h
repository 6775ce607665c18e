/* fieldflow meshes: built-in geometries and user .msh files -> Gmsh -> DMPlex; the node
 * graph of the surrogates; METIS partitions.
 *
 * This header is the contract between the mesh module and its users (solvers,
 * datasets, surrogates). Extend it; do not rename without updating every user. */
#ifndef FF_MESH_H
#define FF_MESH_H

#include <petscdmplex.h>

typedef enum { FF_GEOMETRY_DFG, FF_GEOMETRY_NACA, FF_GEOMETRY_SQUARE, FF_GEOMETRY_FILE } FFGeometryType;

/* What to mesh. Filled by FFMeshSetFromOptions (options prefixed by the mesh's
 * options prefix, none by default); every length is non-dimensional. */
typedef struct {
  FFGeometryType type;
  PetscInt order;                        /* 1: straight cells, 2: curved (second-order) cells */
  PetscReal h;                           /* far-field / background cell size */
  PetscReal h_body;                      /* cell size on the body (cylinder, airfoil) */
  PetscReal naca_m, naca_p, naca_t;      /* NACA 4-digit camber, camber position, thickness */
  PetscReal farfield;                    /* NACA: far-field extent in chords */
  char msh_file[PETSC_MAX_PATH_LEN];     /* FF_GEOMETRY_FILE: the user's .msh */
} FFGeometry;

typedef struct _p_FFMesh *FFMesh;

PetscErrorCode FFMeshCreate(MPI_Comm comm, FFMesh *mesh);
/* -geometry dfg|naca|square|file, -mesh_file, -mesh_order, -mesh_h, -mesh_h_body, -naca NNNN, ... */
PetscErrorCode FFMeshSetFromOptions(FFMesh mesh);
/* Writes the .geo, runs gmsh, reads the .msh into a DMPlex (one label per physical group,
 * named after it) and, on more than one rank, distributes it with the METIS partition. */
PetscErrorCode FFMeshSetUp(FFMesh mesh);
PetscErrorCode FFMeshGetDM(FFMesh mesh, DM *dm); /* borrowed reference */
PetscErrorCode FFMeshGetGeometry(FFMesh mesh, const FFGeometry **geometry);
/* Boundary physical groups (not the fluid surface), in a fixed order. */
PetscErrorCode FFMeshGetNumGroups(FFMesh mesh, PetscInt *n);
PetscErrorCode FFMeshGetGroupName(FFMesh mesh, PetscInt g, const char **name);
PetscErrorCode FFMeshHasGroup(FFMesh mesh, const char *name, PetscBool *has);
/* The label and value marking a group's boundary faces; an error naming the group and
 * the groups the mesh has when it is missing. */
PetscErrorCode FFMeshGetGroupLabel(FFMesh mesh, const char *name, DMLabel *label, PetscInt *value);
/* Groups that are no-slip walls by name: wall, walls, cylinder, airfoil (and body). */
PetscBool FFMeshIsWallName(const char *name);
/* .msh (the Gmsh file) or .vtu (through the VTK bridge), by extension; atomic. */
PetscErrorCode FFMeshWrite(FFMesh mesh, const char *path);
/* Vertices, cells, P2 nodes, groups with sizes, min/mean cell quality. */
PetscErrorCode FFMeshView(FFMesh mesh, PetscViewer viewer);
PetscErrorCode FFMeshDestroy(FFMesh *mesh);

/* The node graph of the surrogates (DESIGN "Field layout"): the P2 nodes, i.e. the mesh
 * vertices (numbered first) and the edge midpoints. Velocity lives on all nodes,
 * pressure on nodes [0, n_vertices). Built on one rank from an undistributed mesh. */
typedef struct {
  PetscInt n_nodes, n_vertices, n_cells, n_groups;
  PetscReal *coords;     /* 2 per node: x, y (on curved cells, the P2 node position) */
  PetscInt *plex_point;  /* the DMPlex point (vertex or edge) holding the node's dofs */
  PetscInt *type;        /* 0: interior fluid; g + 1: on boundary group g (see group_names) */
  char **group_names;    /* n_groups names, as FFMeshGetGroupName */
  PetscReal *sdf;        /* distance to the nearest wall: 0 on walls, > 0 in the fluid */
  PetscInt *cells;       /* 6 nodes per triangle in VTK quadratic-triangle order */
  PetscInt *row_ptr;     /* symmetric CSR adjacency: no self-loops, no duplicates */
  PetscInt *col;
} FFNodeGraph;

PetscErrorCode FFNodeGraphCreate(FFMesh mesh, FFNodeGraph *graph);
PetscErrorCode FFNodeGraphDestroy(FFNodeGraph *graph);

#endif
