#!/bin/sh
# Surrogates on the RANS airfoil dataset (issue 14, docs/validation.md "The RANS airfoil
# dataset"): the neural field and the multi-level GNN of velocity, pressure and the eddy
# viscosity nu_t, trained on the dataset's random split as far as it is generated, at the same
# CPU budget each (-budget_clock cpu; the two train side by side, one rank and one thread each,
# every cosine schedule ending its decay at the budget), then each compared with the stored RANS
# solves of the test part (a RANS solve takes minutes: the speed-up is against the solve time
# stored in each sample, not a solve of the same run).
#   usage: bench/rans_surrogate.sh [CPU-seconds per model, default 600] [build-dir]
#   env:   FF_DATA (default data/airfoil-rans: fieldflow generate -case cases/airfoil-rans/sweep.opts),
#          FF_OUT (default out/rans_surrogate), FF_MODELS (default "field mlgnn")
# A model whose .h5 is done is not trained again (delete out/.../<model>.done to retrain).
set -eu
BUDGET=${1:-600}
BUILD=${2:-build}
DATA=${FF_DATA:-data/airfoil-rans}
OUT=${FF_OUT:-out/rans_surrogate}
MODELS=${FF_MODELS:-field mlgnn}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# a copy of the build dir runs from its own libraries (a rebuild meanwhile does not touch it)
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"
. "$(dirname "$0")/surrogate_recipes.sh"

"$FF" info -data "$DATA" > "$OUT/info.txt" 2>&1 || true # a generate still running disagrees with its manifest
head -n 12 "$OUT/info.txt"

# the recipes of docs/surrogates.md (bench/surrogate_recipes.sh) with nu_t among the outputs
COMMON="-data $DATA -split random/train -val_split random/val -fields u,p,nu_t -min_lr 1e-5 -schedule cosine \
-clip 1 -seed 1 -epochs 100000 -max_time $BUDGET -budget_clock cpu"
for m in $MODELS; do
  R=$(model_recipe $m) || exit 2
  [ -f "$OUT/$m.done" ] && continue
  echo "\$ $FF train $R $COMMON -o $OUT/$m.h5"
  { "$FF" train $R $COMMON -o "$OUT/$m.h5" > "$OUT/train_$m.log" 2>&1 && touch "$OUT/$m.done"; } &
done
wait
for m in $MODELS; do
  [ -f "$OUT/$m.done" ] || { echo "$m: training failed (see $OUT/train_$m.log)"; continue; }
  tail -n 1 "$OUT/train_$m.log"
  echo "\$ $FF compare -model $OUT/$m.h5 -data $DATA -split random/test -o $OUT/report_$m -time_solves 0"
  "$FF" compare -model "$OUT/$m.h5" -data "$DATA" -split random/test -o "$OUT/report_$m" -time_solves 0 \
    > "$OUT/compare_$m.log" 2>&1 || echo "$m: compare failed (see $OUT/compare_$m.log)"
  tail -n 20 "$OUT/compare_$m.log"
done
