#!/bin/sh
# make demo: fieldflow end to end in a few minutes on 2 cores.
#   1. the reference solver: mesh the built-in cases, solve the DFG 2D-1 benchmark;
#   2. the surrogate: generate a small coarse airfoil dataset (cases/airfoil/demo.opts),
#      train a neural-field surrogate on it, compare it with the reference solves of the
#      test split (unseen shapes): report.md, metrics.json, figures, a VTU per sample with
#      reference, prediction and error; then a summary table.
#   usage: scripts/demo.sh [build-dir]     (outputs in out/demo, or $FF_DEMO_OUT)
#   env:   FF_DEMO_RANKS (default 2): MPI ranks of the sweep and of the training
set -eu
BUILD=${1:-build}
OUT=${FF_DEMO_OUT:-out/demo}
RANKS=${FF_DEMO_RANKS:-2}
FF="$BUILD/fieldflow"
[ -x "$FF" ] || { echo "demo: $FF not found; run make build first" >&2; exit 1; }
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 # one thread per rank
MPI="mpiexec -n $RANKS"
[ "$(id -u)" = 0 ] && MPI="mpiexec --allow-run-as-root --oversubscribe -n $RANKS"
mkdir -p "$OUT"
T0=$(date +%s)

stage() { # title, then the command
  title=$1
  shift
  echo
  echo "== $title"
  echo "   \$ $*"
  s=$(date +%s)
  "$@"
  echo "   ($(($(date +%s) - s)) s)"
}

for case in cases/cylinder/dfg-2d1.opts cases/airfoil/naca.opts cases/darcy/square.opts; do
  name=$(basename "$case" .opts)
  stage "$case: mesh it, write $OUT/$name.msh and $OUT/$name.vtu" \
    "$FF" mesh -case "$case" -o "$OUT/$name.msh,$OUT/$name.vtu" -verify
done

stage "the DFG 2D-1 benchmark (steady Navier-Stokes, P2-P1 on curved cells, Newton + MUMPS);
   C_D, C_L and dp beside the reference values of Schaefer & Turek" \
  "$FF" solve -case cases/cylinder/dfg-2d1.opts -o "$OUT/dfg-2d1-solution.vtu"

rm -rf "$OUT/data" "$OUT/report"
stage "a small airfoil dataset: 40 coarse NACA solves over camber, thickness, angle and Re" \
  $MPI "$FF" generate -case cases/airfoil/demo.opts -n 40 -o "$OUT/data" -progress 0

stage "a neural-field surrogate trained on its train split ($RANKS ranks, data parallel)" \
  $MPI "$FF" train -model field -data "$OUT/data" -o "$OUT/field.h5" -width 96 -depth 4 -hyper_width 96 \
  -points 2048 -batch 4 -epochs 150 -lr 3e-3 -warmup 20 -min_lr 1e-5 -clip 1 -seed 1

stage "the surrogate against the solver on the test split (unseen shapes), each solve timed again" \
  "$FF" compare -model "$OUT/field.h5" -data "$OUT/data" -split test -o "$OUT/report" -time_solves -1

echo
echo "demo: done in $(($(date +%s) - T0)) s."
echo "  report:  $OUT/report/report.md (metrics.json, samples.csv, cl.png, cd.png, cp_*.png, loss.png,"
echo "           field_u_*.png and field_p_*.png: reference, predicted and error fields around the airfoil)"
echo "  fields:  $OUT/report/samples/*.vtu (u, p, their references and errors; ParaView),"
echo "           $OUT/*.vtu (meshes: node_type, sdf; the DFG solution)"
