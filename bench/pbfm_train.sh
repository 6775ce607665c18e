#!/bin/sh
# One generative model trained with a wall-clock budget (docs/pbfm.md: every variant of a
# benchmark gets the same): a calibration run measures the seconds per optimizer step of this
# variant on this machine over CAL_EPOCHS epochs (the PBFM unrolling schedule runs through all
# its quarters inside them, so the mean step cost is the whole run's), then the model trains for
# the number of epochs that fills BUDGET seconds (its cosine schedule ending there), with
# -max_time BUDGET x 1.1 as a hard stop should the machine's load change.
#   usage: bench/pbfm_train.sh MODEL DATA OUT.h5 BUDGET_SECONDS [train options...]
#   env:   BUILD (build), RANKS (2: data parallel on the two cores), CAL_EPOCHS (1), SPLIT (train)
# A model file already at OUT.h5 is kept (delete it to train again). The log is OUT.log; the
# last line of OUT.budget holds: seconds per step, epochs, steps, training seconds.
set -eu
MODEL=$1
DATA=$2
OUT=$3
BUDGET=$4
shift 4
BUILD=${BUILD:-build}
RANKS=${RANKS:-2}
CAL_EPOCHS=${CAL_EPOCHS:-1}
SPLIT=${SPLIT:-train}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ -f "$OUT" ]; then
  echo "== $OUT exists: not trained again"
  exit 0
fi
MPI=""
[ "$RANKS" -gt 1 ] && MPI="mpiexec -n $RANKS --oversubscribe"
CAL="${OUT%.h5}_calibration.h5"
rm -f "$CAL"
# shellcheck disable=SC2086
$MPI "$FF" train -model "$MODEL" -data "$DATA" -split "$SPLIT" -o "$CAL" -epochs "$CAL_EPOCHS" "$@" \
  > "${OUT%.h5}_calibration.log" 2>&1
line=$(grep "^trained after" "${OUT%.h5}_calibration.log")
# "trained after N steps (E epochs) in 1m2s (62.0 s in all runs, 60.1 CPU s of rank 0); ..."
steps=$(echo "$line" | sed 's/trained after \([0-9]*\) steps.*/\1/')
secs=$(echo "$line" | sed 's/.*(\([0-9.]*\) s in all runs.*/\1/')
per_epoch=$((steps / CAL_EPOCHS))
epochs=$(awk -v b="$BUDGET" -v s="$secs" -v n="$steps" -v e="$per_epoch" \
  'BEGIN { k = int(b / (s / n) / e); if (k < 1) k = 1; print k }')
echo "== $MODEL: $(awk -v s="$secs" -v n="$steps" 'BEGIN { printf "%.3f", s / n }') s per step over $steps steps;" \
  "$epochs epochs of $per_epoch steps fill $BUDGET s"
rm -f "$CAL" "${CAL%.h5}_loss.csv"
limit=$(awk -v b="$BUDGET" 'BEGIN { print int(1.1 * b) }')
echo "\$ $MPI $FF train -model $MODEL -data $DATA -split $SPLIT -o $OUT -epochs $epochs -max_time $limit $*"
# shellcheck disable=SC2086
$MPI "$FF" train -model "$MODEL" -data "$DATA" -split "$SPLIT" -o "$OUT" -epochs "$epochs" -max_time "$limit" "$@" \
  > "${OUT%.h5}.log" 2>&1 || true
tail -n 3 "${OUT%.h5}.log"
done_line=$(grep -E "^trained after|stopped" "${OUT%.h5}.log" | tail -n 1)
echo "$(awk -v s="$secs" -v n="$steps" 'BEGIN { printf "%.4f", s / n }') $epochs $done_line" >> "${OUT%.h5}.budget"
[ -f "$OUT" ] || { echo "pbfm_train: no $OUT (see ${OUT%.h5}.log)" >&2; exit 1; }
