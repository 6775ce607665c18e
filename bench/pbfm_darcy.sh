#!/bin/sh
# The Darcy benchmark of docs/pbfm.md: FM and PBFM trained with the same budget (network,
# epochs, batch, learning rate, seed) on a Darcy dataset (joint (K, p), unconditional), then
# each model's ensemble against the dataset's solves (fieldflow compare -mode uq): RE (mean
# squared residual of the samples), WD, mean/std field errors, time.
#   usage: bench/pbfm_darcy.sh [build-dir]
#   environment: DATA (default data/darcy; fieldflow generate -case cases/darcy/sweep.opts),
#     OUT (default out/pbfm_darcy), EPOCHS (12), WIDTH (32), BLOCKS (4), BATCH (8), N (128
#     samples drawn), REF_SPLIT (all), EXTRA (more train options).
# A model file already in OUT is reused (delete OUT to train again).
# One process on one thread (OMP_NUM_THREADS=1); the tables in docs/pbfm.md come from this
# script with the defaults.
set -eu
BUILD=${1:-build}
FF="$BUILD/fieldflow"
DATA=${DATA:-data/darcy}
OUT=${OUT:-out/pbfm_darcy}
EPOCHS=${EPOCHS:-12}
WIDTH=${WIDTH:-32}
BLOCKS=${BLOCKS:-4}
BATCH=${BATCH:-8}
N=${N:-128}
REF_SPLIT=${REF_SPLIT:-all}
EXTRA=${EXTRA:-}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
[ -x "$FF" ] || { echo "pbfm_darcy: $FF not found; run make build first" >&2; exit 1; }
[ -d "$DATA" ] || { echo "pbfm_darcy: no dataset '$DATA' (set DATA)" >&2; exit 1; }
mkdir -p "$OUT"

# the same budget for both: EMA 0.99 (a horizon of ~100 steps suits runs of ~10^3 steps)
NET="-width $WIDTH -blocks $BLOCKS -depth 2 -time_dim 32 -epochs $EPOCHS -batch $BATCH -lr 1e-3 -ema 0.99 -seed 1"
for model in fm pbfm; do
  if [ -f "$OUT/$model.h5" ]; then echo "== $OUT/$model.h5 exists: not trained again"; continue; fi
  echo "== train $model: $FF train -model $model -data $DATA -o $OUT/$model.h5 $NET -unroll_last_only $EXTRA"
  /usr/bin/time -f "$model: training wall %e s, user %U s" \
    "$FF" train -model $model -data "$DATA" -o "$OUT/$model.h5" $NET -unroll_last_only $EXTRA \
    2>&1 | tee "$OUT/train_$model.log" | tail -n 4
done
for model in fm pbfm; do
  echo "== compare $model: $FF compare -mode uq -model $OUT/$model.h5 -data $DATA -split $REF_SPLIT -n $N"
  "$FF" compare -mode uq -model "$OUT/$model.h5" -data "$DATA" -split "$REF_SPLIT" -n "$N" -seed 7 -time_solves 5 \
    -o "$OUT/uq_$model" | tee "$OUT/compare_$model.log"
done
echo "pbfm_darcy: reports in $OUT/uq_fm/uq.md and $OUT/uq_pbfm/uq.md"
