/* Mesh pipeline timings on a large DFG mesh (default ~115k P2 nodes):
 *   build/bench/bench_mesh [-mesh_h 0.007 -mesh_h_body 0.002 -mesh_order 2 -parts 8 -hops 2]
 * Prints the time of each phase: gmsh + read + checks (FFMeshSetUp), node graph, node
 * partition with halos, .vtu export; and the graph's size. All of them scale as n log n. */
#include "ff_mesh.h"
#include "ff_util.h"

int main(int argc, char **argv)
{
  FFMesh mesh;
  FFGeometry g;
  FFNodeGraph graph;
  FFNodePartition parts;
  PetscInt nparts = 8, hops = 2;
  char out[PETSC_MAX_PATH_LEN] = "";
  PetscCall(PetscInitialize(&argc, &argv, NULL, "bench_mesh: mesh pipeline timings"));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-parts", &nparts, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-hops", &hops, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-o", out, sizeof out, NULL));
  PetscCall(FFGeometrySetDefaults(&g, FF_GEOMETRY_DFG));
  g.h = 0.007, g.h_body = 0.002;
  PetscCall(FFMeshCreate(PETSC_COMM_SELF, &mesh));
  PetscCall(FFMeshSetGeometry(mesh, &g));
  PetscCall(FFMeshSetFromOptions(mesh));
  double t0 = FFTimeNow();
  PetscCall(FFMeshSetUp(mesh));
  double t1 = FFTimeNow();
  PetscCall(FFNodeGraphCreate(mesh, &graph));
  double t2 = FFTimeNow();
  PetscCall(FFNodeGraphPartition(&graph, nparts, hops, &parts));
  double t3 = FFTimeNow();
  if (out[0]) PetscCall(FFMeshWrite(mesh, out));
  double t4 = FFTimeNow();
  PetscCall(FFMeshView(mesh, PETSC_VIEWER_STDOUT_SELF));
  PetscInt halo = parts.offsets[nparts] - graph.n_nodes;
  PetscCall(PetscPrintf(PETSC_COMM_SELF,
                        "node graph: %d nodes, %d directed edges\n"
                        "node partition: %d parts, edge cut %d, imbalance %.3f, %d halo nodes (%d hops)\n"
                        "time: set-up (gmsh, read, checks) %.2f s, node graph (incl. SDF) %.3f s, "
                        "partition + halos %.3f s, write %.2f s\n",
                        (int)graph.n_nodes, (int)graph.row_ptr[graph.n_nodes], (int)nparts, (int)parts.edge_cut,
                        (double)parts.imbalance, (int)halo, (int)hops, t1 - t0, t2 - t1, t3 - t2, t4 - t3));
  PetscCall(FFNodePartitionDestroy(&parts));
  PetscCall(FFNodeGraphDestroy(&graph));
  PetscCall(FFMeshDestroy(&mesh));
  PetscCall(PetscFinalize());
  return 0;
}
