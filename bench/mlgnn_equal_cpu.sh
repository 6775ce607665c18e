#!/bin/sh
# Issue 12 at a reduced, equal cost (docs/surrogates.md, "A first measurement at equal CPU
# cost"): the neural field, the flat GNN and the multi-level GNN with the recipes of
# bench/mlgnn_targets.sh, one after the other, one rank and one thread each, the same CPU
# seconds each (-budget_clock cpu: a shared machine charges no model for another's load; every
# cosine schedule ends its decay at the budget), split random; then each compared with the
# reference solves of the 20 test samples, solved again in the same run.
#   usage: bench/mlgnn_equal_cpu.sh [CPU seconds per model, default 600]
#   env:   FF_BUILD (default build), FF_DATA (data/airfoil), FF_OUT (out/mlgnn_cpu)
# Run it under the bench lock: flock /work/bench.lock bench/mlgnn_equal_cpu.sh 600
set -eu
BUDGET=${1:-600}
BUILD=${FF_BUILD:-build}
DATA=${FF_DATA:-data/airfoil}
OUT=${FF_OUT:-out/mlgnn_cpu}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"
. "$(dirname "$0")/surrogate_recipes.sh"
COMMON="-min_lr 1e-5 -schedule cosine -clip 1 -seed 1 -epochs 100000 -max_time $BUDGET -budget_clock cpu"
for m in mlgnn gnn field; do
  R=$(model_recipe $m)
  echo "\$ $FF train $R $COMMON -data $DATA -o $OUT/$m.h5"
  "$FF" train $R $COMMON -data "$DATA" -o "$OUT/$m.h5" >"$OUT/train_$m.log" 2>&1
  tail -n 1 "$OUT/train_$m.log"
  "$FF" compare -model "$OUT/$m.h5" -data "$DATA" -split test -o "$OUT/report_$m" -time_solves -1 -vtu 0 \
    >"$OUT/compare_$m.log" 2>&1
  tail -n 12 "$OUT/compare_$m.log"
done
