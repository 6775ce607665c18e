#!/bin/sh
# Cost against mesh size (docs/performance.md, "Cost against mesh size"): the NACA 2412 at 4
# degrees and Re 500 of cases/airfoil/sweep.opts, with every cell size divided by 1, 2, 4, 8 and
# 12 (8.4k to ~600k P2 nodes): meshing, neural-field and GNN inference, set-up and solve, each
# with its time and the memory it adds (bench/scaling.c, one process per size); then the figures
# and fitted slopes (bench/scaling_plot.c). Resumable: a size with a solve line is kept.
#   usage: bench/scaling.sh <field.h5> <gnn.h5> [refine...]
#   env:   FF_BUILD (default build), FF_OUT (default out/scaling), FF_SOLVER_OPTIONS (extra
#          options for the solve, e.g. the fieldsplit preconditioner of docs/cases.md)
# Run it under the machine's lock: flock /work/bench.lock bench/scaling.sh ...
set -eu
FIELD=$1
GNN=$2
shift 2
SIZES=${*:-1 2 4 8 12}
BUILD=${FF_BUILD:-build}
OUT=${FF_OUT:-out/scaling}
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# the whole machine for every stage: the nn threads, OpenBLAS's threads under MUMPS
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
mkdir -p "$OUT"
CSV="$OUT/scaling.csv"
touch "$CSV"
for r in $SIZES; do
  if grep -q "^$r,solve," "$CSV"; then
    echo "refine $r: done"
    continue
  fi
  grep -v "^$r," "$CSV" > "$CSV.tmp" || true
  mv "$CSV.tmp" "$CSV"
  echo "\$ scaling -refine $r"
  "$BUILD/bench/scaling" -options_file cases/airfoil/sweep.opts -naca_m 0.02 -naca_p 0.4 -naca_t 0.12 -aoa 4 \
    -re 500 -refine "$r" -field "$FIELD" -gnn "$GNN" -repeats 5 -o "$CSV" ${FF_SOLVER_OPTIONS:-} ||
    echo "refine $r: failed (see above); the sizes measured are kept"
done
"$BUILD/bench/scaling_plot" -i "$CSV" -o "$OUT/scaling"
