#!/bin/sh
# The cylinder benchmark of docs/pbfm.md: steady DFG channel flow at a Reynolds number drawn
# uniformly from [10, 40] and hidden from the model (unconditional). FM and PBFM (the
# Navier-Stokes residual at the Re that fits each sample) trained with the same budget, then
# each ensemble against Monte Carlo reference solves of another seed (fieldflow compare
# -mode uq): mean/std field errors, per-node WD, NS residual, W1 of C_D/C_L, time.
#   usage: bench/pbfm_cylinder.sh [build-dir]
#   environment: DATA (default data/cylinder_uq), REF (data/cylinder_uq_ref): generated here
#     from cases/cylinder/uq.opts when absent (NTRAIN 96, NREF 64 solves); OUT
#     (out/pbfm_cylinder), EPOCHS (24), WIDTH (32), BLOCKS (4), BATCH (8), N (128 samples
#     drawn), EXTRA (more train options).
# A model file already in OUT is reused (delete OUT to train again).
# One process on one thread; the tables in docs/pbfm.md come from this script with the defaults.
set -eu
BUILD=${1:-build}
FF="$BUILD/fieldflow"
DATA=${DATA:-data/cylinder_uq}
REF=${REF:-data/cylinder_uq_ref}
NTRAIN=${NTRAIN:-96}
NREF=${NREF:-64}
OUT=${OUT:-out/pbfm_cylinder}
EPOCHS=${EPOCHS:-24}
WIDTH=${WIDTH:-32}
BLOCKS=${BLOCKS:-4}
BATCH=${BATCH:-8}
N=${N:-128}
EXTRA=${EXTRA:-}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
[ -x "$FF" ] || { echo "pbfm_cylinder: $FF not found; run make build first" >&2; exit 1; }
mkdir -p "$OUT"

# the training set and the Monte Carlo reference: the same case (mesh), other sweep seeds;
# generate resumes a partial dataset
"$FF" generate -case cases/cylinder/uq.opts -n "$NTRAIN" -o "$DATA" -progress 0
"$FF" generate -case cases/cylinder/uq.opts -n "$NREF" -sweep_seed 2 -o "$REF" -progress 0

NET="-width $WIDTH -blocks $BLOCKS -depth 2 -time_dim 32 -epochs $EPOCHS -batch $BATCH -lr 1e-3 -ema 0.99 -seed 1"
for model in fm pbfm; do
  if [ -f "$OUT/$model.h5" ]; then echo "== $OUT/$model.h5 exists: not trained again"; continue; fi
  echo "== train $model: $FF train -model $model -data $DATA -split train -o $OUT/$model.h5 $NET -unroll_last_only $EXTRA"
  /usr/bin/time -f "$model: training wall %e s, user %U s" \
    "$FF" train -model $model -data "$DATA" -split train -o "$OUT/$model.h5" $NET -unroll_last_only $EXTRA \
    2>&1 | tee "$OUT/train_$model.log" | tail -n 4
done
for model in fm pbfm; do
  echo "== compare $model: $FF compare -mode uq -model $OUT/$model.h5 -data $REF -split all -n $N"
  "$FF" compare -mode uq -model "$OUT/$model.h5" -data "$REF" -split all -n "$N" -seed 7 -time_solves 5 \
    -o "$OUT/uq_$model" | tee "$OUT/compare_$model.log"
done
echo "pbfm_cylinder: reports in $OUT/uq_fm/uq.md and $OUT/uq_pbfm/uq.md"
