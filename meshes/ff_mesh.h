/* fieldflow meshes: built-in geometries and user .msh files -> Gmsh -> DMPlex; the node
 * graph of the surrogates; METIS partitions.
 *
 * This header is the contract between the mesh module and its users (solvers,
 * datasets, surrogates). Extend it; do not rename without updating every user. */
#ifndef FF_MESH_H
#define FF_MESH_H

#include "ff_util.h"

#include <petscdmplex.h>

typedef enum {
  FF_GEOMETRY_DFG,
  FF_GEOMETRY_NACA,
  FF_GEOMETRY_SQUARE,
  FF_GEOMETRY_FILE,
  FF_GEOMETRY_FLATPLATE /* TMR zero-pressure-gradient flat plate (docs/meshes.md) */
} FFGeometryType;

/* What to mesh. Filled by FFMeshSetFromOptions (options prefixed by the mesh's
 * options prefix, none by default); every length is non-dimensional. */
typedef struct {
  FFGeometryType type;
  PetscInt order;                    /* 1: straight cells, 2: curved (second-order) cells */
  PetscReal h;                       /* far-field / background cell size */
  PetscReal h_body;                  /* cell size on the body (cylinder, airfoil) */
  PetscReal naca_m, naca_p, naca_t;  /* NACA 4-digit camber, camber position, thickness */
  PetscReal farfield;                /* NACA: far-field extent in chords (box width and height) */
  char msh_file[PETSC_MAX_PATH_LEN]; /* FF_GEOMETRY_FILE: the user's .msh */
  /* Extensions (mesh module): */
  PetscReal growth; /* how fast the cell size grows with the distance from the body (dh/dd) */
  PetscReal h_wake; /* NACA: cell size in the wake just behind the trailing edge */
  /* NACA: mesh a symmetric airfoil (naca_m == 0) as the upper half and its mirror image, so
   * the mesh is mirror-symmetric about y = 0 (C_L = 0 at 0 degrees to rounding). No effect on
   * cambered airfoils. FFGeometrySetDefaults: PETSC_TRUE (-naca_mirror). */
  PetscBool naca_mirror;
  /* Wall-resolved (boundary-layer) meshes, docs/meshes.md: layers of cells on the walls whose
   * first height gives y+ = bl_yplus at the Reynolds number bl_re per unit length (the
   * solver's -re unless -mesh_bl_re), each layer bl_growth (<= 1.2) times the one below.
   * The flat plate always has them; NACA with bl_yplus > 0 (0: the plain mesh). */
  PetscReal bl_yplus, bl_growth, bl_re;
  PetscInt bl_layers;         /* NACA: layers in the structured block (0: until they reach h_body) */
  PetscInt bl_surface_points; /* NACA: wall nodes per side of the airfoil */
  PetscReal bl_wake_length;   /* NACA: length of the structured wake block behind the trailing edge */
  PetscReal
      refine; /* boundary-layer meshes: level k has 2^k times the cells along each direction (nested for whole k) */
  PetscBool naca_tmr; /* NACA: the TMR NACA 0012 section (docs/references.md §9) */
  /* flat plate: plate [0, plate_length] on y = 0 behind a symmetry plane from -plate_upstream,
   * height plate_height; plate_nx cells along the plate, growing by plate_growth_x from its
   * leading edge (ahead of it they grow by bl_growth from the same first cell) */
  PetscReal plate_length, plate_upstream, plate_height, plate_growth_x;
  PetscInt plate_nx;
} FFGeometry;

typedef struct _p_FFMesh *FFMesh;

/* The defaults of a built-in geometry (sizes, NACA 2412, ...). */
PetscErrorCode FFGeometrySetDefaults(FFGeometry *geometry, FFGeometryType type);

/* A point of a NACA 4-digit airfoil's surface by the mesher's formula (chord 1, leading edge at
 * the origin, closed trailing edge at (1, 0)): s in [0, 2] runs from the trailing edge over the
 * upper side to the leading edge (s = 1) and back along the lower side, at chord station
 * x = (1 + cos(pi s)) / 2, the cosine spacing of the mesher's points for uniform s; the contour
 * is counter-clockwise and smooth in s but at the trailing edge. dxy (may be NULL) gets d(xy)/ds,
 * one-sided at s = 0, 1, 2 (the sides' ends). */
PetscErrorCode FFNacaSurfacePoint(const FFGeometry *geometry, PetscReal s, PetscReal xy[2], PetscReal dxy[2]);

PetscErrorCode FFMeshCreate(MPI_Comm comm, FFMesh *mesh);
PetscErrorCode FFMeshSetOptionsPrefix(FFMesh mesh, const char prefix[]);
/* Sets the geometry directly (before SetFromOptions, whose options then override it). */
PetscErrorCode FFMeshSetGeometry(FFMesh mesh, const FFGeometry *geometry);
/* Boundary groups the mesh must have (in addition to a built-in geometry's own); SetUp fails
 * naming the missing ones. Also -mesh_require_groups a,b,c. */
PetscErrorCode FFMeshRequireGroups(FFMesh mesh, PetscInt n, const char *const names[]);
/* -geometry dfg|naca|square|file|flatplate, -mesh_file, -mesh_order, -mesh_h, -mesh_h_body, -naca NNNN, -naca_mirror,
 * -mesh_bl_yplus, ... */
PetscErrorCode FFMeshSetFromOptions(FFMesh mesh);
/* Writes the .geo, runs gmsh, reads the .msh into a DMPlex (one label per physical group,
 * named after it and valued by its physical tag, plus "Face Sets"/"Cell Sets" with the same
 * tags) and, on more than one rank, distributes it with the METIS partition. Order-2 meshes
 * get a continuous P2 coordinate field (vertex and edge dofs: curved, isoparametric cells).
 * Every cell is counter-clockwise (clockwise cells of the file are turned over on read).
 * A distributed DM keeps its migration SF (DMPlexGetMigrationSF): each local point's point in
 * the mesh as read, which is the numbering of a serial FFMesh of the same .msh.
 * The DM's DMPlexDistributeSetDefault is off, so DMSetFromOptions does not redistribute it. */
PetscErrorCode FFMeshSetUp(FFMesh mesh);
PetscErrorCode FFMeshGetDM(FFMesh mesh, DM *dm); /* borrowed reference */
/* The migration SF of a DM that FFMeshSetUp distributed (NULL: not distributed): each local
 * point's point in the mesh as read. Composed with the DM rather than set with
 * DMPlexSetMigrationSF, whose reference PETSc 3.18's DMDestroy releases only under
 * DMSetUseNatural (a leak found by make sanitize-test). Borrowed reference. */
PetscErrorCode FFMeshGetMigrationSF(DM dm, PetscSF *migration);
PetscErrorCode FFMeshGetGeometry(FFMesh mesh, const FFGeometry **geometry);
/* Boundary physical groups (not the fluid surface), in ascending physical tag (the built-in
 * geometries: dfg inlet outlet walls cylinder; naca airfoil farfield outlet; square left
 * right bottom top; flatplate inlet symmetry wall outlet top). */
PetscErrorCode FFMeshGetNumGroups(FFMesh mesh, PetscInt *n);
PetscErrorCode FFMeshGetGroupName(FFMesh mesh, PetscInt g, const char **name);
PetscErrorCode FFMeshHasGroup(FFMesh mesh, const char *name, PetscBool *has);
/* The label and value marking a group's boundary faces; an error naming the group and
 * the groups the mesh has when it is missing. */
PetscErrorCode FFMeshGetGroupLabel(FFMesh mesh, const char *name, DMLabel *label, PetscInt *value);
/* Groups that are no-slip walls by name: wall, walls, cylinder, airfoil (and body). */
PetscBool FFMeshIsWallName(const char *name);
/* Groups where a Dirichlet inflow / free stream is imposed, by name: inlet, inflow, farfield. */
PetscBool FFMeshIsInflowName(const char *name);
/* .msh (the Gmsh file read), .vtu (P2 nodes, quadratic triangles, node_type, sdf, quality;
 * through the VTK bridge) or .geo (a built-in geometry), by extension; atomic. Collective;
 * rank 0 writes. */
PetscErrorCode FFMeshWrite(FFMesh mesh, const char *path);
/* Rank 0 only: the whole mesh as a new undistributed FFMesh on PETSC_COMM_SELF, read again
 * from the .msh the mesh was read from (no gmsh run), so numbered as the mesh was read (see
 * FFMeshSetUp). For what needs every cell on one rank (the node graph, a .vtu) when the mesh
 * is distributed. FFMeshDestroy it. */
PetscErrorCode FFMeshCreateSerial(FFMesh mesh, FFMesh *serial);
/* The text of the .msh the mesh was read from (MSH 4.1; the converted file for a user's MSH
 * 2.2), NUL-terminated, on rank 0 (PetscFree it); NULL on the other ranks. Collective: a read
 * failure on rank 0 is an error on every rank. */
PetscErrorCode FFMeshGetFileText(FFMesh mesh, char **text);
/* Vertices, cells, P2 nodes, groups with sizes (faces), node types, min/mean cell quality
 * (normalized radius ratio 2 r_in / r_circ), the partition. */
PetscErrorCode FFMeshView(FFMesh mesh, PetscViewer viewer);
PetscErrorCode FFMeshDestroy(FFMesh *mesh);

/* The directed edge graph of a triangle mesh, the one builder behind FFNodeGraph's adjacency,
 * the surrogates' graphs and the flow model's rows. cells: n_cells rows of `stride` node
 * numbers in [0, n_nodes). nodes_per_cell 6: the first six of a row are a P2 triangle in VTK
 * quadratic-triangle order (v0 v1 v2 m01 m12 m20), and its edges are those of its four
 * sub-triangles (vertex-midpoint along each side, midpoint-midpoint inside); 3: the first
 * three are a triangle (or the vertices of a P2 one, stride 6), and its edges are its sides.
 * Out: every undirected edge {a, b}, a < b, once, in ascending (a, b), as two directed edges,
 * a -> b then b -> a; so the edges into any node come in ascending sender order. Trained
 * models depend on this order. senders and receivers hold n_edges each (PetscFree them). A
 * node number out of range or an edge from a node to itself is an error naming the cell. */
PetscErrorCode FFMeshEdges(int n_nodes, int n_cells, int nodes_per_cell, int stride, const int cells[], int *n_edges,
                           int **senders, int **receivers);

/* The node graph of the surrogates (docs/design.md, "Field layout"): the P2 nodes, i.e. the mesh
 * vertices (numbered first) and the edge midpoints. Velocity lives on all nodes,
 * pressure on nodes [0, n_vertices). Built on one rank from an undistributed mesh. */
typedef struct {
  PetscInt n_nodes, n_vertices, n_cells, n_groups;
  PetscReal *coords;    /* 2 per node: x, y (on curved cells, the P2 node position) */
  PetscInt *plex_point; /* the DMPlex point (vertex or edge) holding the node's dofs */
  PetscInt *type;       /* 0: interior fluid; g + 1: on boundary group g (see group_names) */
  char **group_names;   /* n_groups names, as FFMeshGetGroupName */
  PetscReal *sdf;       /* distance to the nearest wall: 0 on walls, > 0 in the fluid */
  PetscInt *cells;      /* 6 nodes per triangle in VTK quadratic-triangle order */
  PetscInt *row_ptr;    /* symmetric CSR adjacency: no self-loops, no duplicates */
  PetscInt *col;
} FFNodeGraph;

/* Node types: 0 interior fluid, 1 + g on boundary group g. A node on several groups (a
 * corner) takes the first of them in this order: walls (FFMeshIsWallName), then inflow
 * groups (FFMeshIsInflowName), then the others; ties go to the lower group index.
 * Edges: FFMeshEdges of the cells (P2), as CSR: row i lists the senders of the edges into
 * node i, ascending.
 * SDF: the distance to the nearest wall segment (the boundary through the P2 nodes); when
 * the mesh has no wall group (the Darcy square), the distance to the whole boundary. */
PetscErrorCode FFNodeGraphCreate(FFMesh mesh, FFNodeGraph *graph);
PetscErrorCode FFNodeGraphDestroy(FFNodeGraph *graph);
/* For each node, the offset in dm's local section (a DM on the same plex: the solver's) of
 * the first dof of `field` at the node's plex point, and that point's number of dofs of the
 * field (ndofs may be NULL): offset -1 and 0 dofs where the field has none (pressure on edge
 * midpoints). A state vector entry is local_array[offset + component]. */
PetscErrorCode FFNodeGraphGetLocalDofs(const FFNodeGraph *graph, DM dm, PetscInt field, PetscInt offsets[],
                                       PetscInt ndofs[]);

/* Distance from points to segments (4 reals per segment: x0 y0 x1 y1) through a bounding
 * volume hierarchy: O((n_points + n_segments) log n_segments). */
PetscErrorCode FFSegmentDistance(PetscInt n_segments, const PetscReal segments[], PetscInt n_points,
                                 const PetscReal points[], PetscReal distance[]);
/* The wall segments the SDF uses (PetscFree the array), for distances at other points. */
PetscErrorCode FFNodeGraphGetWallSegments(FFMesh mesh, PetscInt *n_segments, PetscReal **segments);

/* A partition of the node graph into parts with their halos (for mini-batches and data
 * parallel training): part p owns nodes[offsets[p] .. offsets[p] + n_owned[p]) and sees the
 * halo nodes[offsets[p] + n_owned[p] .. offsets[p + 1]) within halo_hops graph hops. */
typedef struct {
  PetscInt n_parts, n_nodes;
  PetscInt *part; /* n_nodes: the owner of each node */
  PetscInt *offsets;
  PetscInt *n_owned;
  PetscInt *nodes;
  PetscInt edge_cut;   /* undirected graph edges between parts */
  PetscReal imbalance; /* largest part / mean part */
} FFNodePartition;

PetscErrorCode FFNodeGraphPartition(const FFNodeGraph *graph, PetscInt n_parts, PetscInt halo_hops,
                                    FFNodePartition *partition);
PetscErrorCode FFNodePartitionDestroy(FFNodePartition *partition);

/* Clusters of a graph in CSR form (symmetric, no self-loops) by METIS k-way with n_parts parts
 * (1 <= n_parts <= n): part[i] in [0, *n_clusters), numbered in the order of their first node,
 * none empty (METIS may leave a part empty: it is dropped, so *n_clusters <= n_parts), each
 * contiguous where the graph is connected. Deterministic (a fixed METIS seed). */
PetscErrorCode FFGraphClusters(PetscInt n, const PetscInt row_ptr[], const PetscInt col[], PetscInt n_parts,
                               PetscInt part[], PetscInt *n_clusters);

/* How the mesh was distributed: "metis", "petsc" or "none" (one rank), edge cut (faces
 * between ranks) and imbalance (largest part / mean). */
PetscErrorCode FFMeshGetPartitionInfo(FFMesh mesh, const char **method, PetscInt *edge_cut, PetscReal *imbalance);
/* METIS partition of the cells of an undistributed mesh into n_parts (part[c - cStart]),
 * with the edge cut (faces between parts) and imbalance (largest part / mean part). */
PetscErrorCode FFMeshPartitionCells(FFMesh mesh, PetscInt n_parts, PetscInt part[], PetscInt *edge_cut,
                                    PetscReal *imbalance);
/* Counts of the whole mesh: vertices, edges, cells; P2 nodes = vertices + edges. */
PetscErrorCode FFMeshGetSizes(FFMesh mesh, PetscInt *n_vertices, PetscInt *n_edges, PetscInt *n_cells);
/* Faces of a boundary group over the whole mesh. */
PetscErrorCode FFMeshGetGroupSize(FFMesh mesh, PetscInt g, PetscInt *n_faces);
PetscErrorCode FFMeshGetQuality(FFMesh mesh, PetscReal *min, PetscReal *mean);

/* The height of the first cell of a boundary-layer mesh for y+ = yplus at the Reynolds number
 * re per unit length: yplus / (re u_tau) with u_tau = sqrt(C_f / 2) from the turbulent
 * flat-plate correlation C_f = 0.026 Re_x^(-1/7) at x = 1 (White; docs/references.md §10). */
PetscReal FFBoundaryLayerFirstHeight(PetscReal yplus, PetscReal re);

/* Cell orientation. PETSc integrates with the signed Jacobian determinant, so a clockwise cell
 * negates its share of every integral. Every FFMesh has counter-clockwise cells (clockwise
 * cells of a .msh are turned over on read); these are for a DMPlex made elsewhere
 * (FFSolverSetDM). A cell is clockwise when its Jacobian determinant at the centroid is < 0.
 * OrientCells turns the clockwise cells of this rank over (a reflection of the cone: vertices,
 * edges, labels and coordinates stay), n_flipped (may be NULL) gets their number; it needs
 * vertex (and edge) coordinates, not per-cell ones. Not collective. */
PetscErrorCode FFPlexOrientCells(DM dm, PetscInt *n_flipped);
/* The number of clockwise cells of this rank and the first of them (-1 if none; may be NULL). */
PetscErrorCode FFPlexCountClockwise(DM dm, PetscInt *n_clockwise, PetscInt *first);

#endif
