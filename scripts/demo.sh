#!/bin/sh
# make demo: what fieldflow does today. Meshes the three built-in cases with gmsh, reads
# them into PETSc (DMPlex), and writes each as Gmsh .msh and as .vtu for ParaView (P2 nodes,
# quadratic triangles, node type, signed distance to the walls), then reads every .vtu back
# through VTK to check it holds quadratic triangles.
#   usage: scripts/demo.sh [build-dir]     (outputs in out/demo, or $FF_DEMO_OUT)
set -eu
BUILD=${1:-build}
OUT=${FF_DEMO_OUT:-out/demo}
FF="$BUILD/fieldflow"
[ -x "$FF" ] || { echo "demo: $FF not found; run make build first" >&2; exit 1; }
mkdir -p "$OUT"

for case in cases/cylinder/dfg-2d1.opts cases/airfoil/naca.opts cases/darcy/square.opts; do
  name=$(basename "$case" .opts)
  echo
  echo "== $case: mesh it, write $OUT/$name.msh and $OUT/$name.vtu"
  echo "   \$ $FF mesh -case $case -o $OUT/$name.msh,$OUT/$name.vtu -verify"
  "$FF" mesh -case "$case" -o "$OUT/$name.msh,$OUT/$name.vtu" -verify
done

echo
echo "== cases/cylinder/dfg-2d1.opts: solve the DFG 2D-1 benchmark (steady Navier-Stokes, P2-P1 on"
echo "   curved cells, Newton + MUMPS); C_D, C_L and dp beside the reference values of Schaefer & Turek"
echo "   \$ $FF solve -case cases/cylinder/dfg-2d1.opts -o $OUT/dfg-2d1-solution.vtu"
"$FF" solve -case cases/cylinder/dfg-2d1.opts -o "$OUT/dfg-2d1-solution.vtu"

echo
echo "demo: done. Open $OUT/*.vtu in ParaView (color by node_type or sdf;"
echo "      the cells are quadratic triangles, so curved boundaries show curved)."
