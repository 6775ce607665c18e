#!/bin/sh
# One generative model trained with a time budget (docs/pbfm.md: every variant of a benchmark
# gets the same): `fieldflow train -max_time BUDGET`, whose cosine learning-rate decay and, for
# the physics-based variants, the unrolling schedule of x1_hat follow the budget's clock, so each
# run stops at the budget with its schedule completed, whatever its cost per step. -epochs is
# only a ceiling far beyond any budget.
#   usage: bench/pbfm_train.sh MODEL DATA OUT.h5 BUDGET_SECONDS [train options...]
#   env:   BUILD (build), RANKS (2: data parallel on the two cores), SPLIT (train),
#          CLOCK (wall: seconds on the clock; cpu: CPU seconds of rank 0, for a machine shared
#          with other jobs)
# A model file already at OUT.h5 is kept (delete it to train again). The log is OUT.log; the
# last line of OUT.budget holds: clock, budget, and the trainer's closing line (steps, seconds).
set -eu
MODEL=$1
DATA=$2
OUT=$3
BUDGET=$4
shift 4
BUILD=${BUILD:-build}
RANKS=${RANKS:-2}
SPLIT=${SPLIT:-train}
CLOCK=${CLOCK:-wall}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ -f "$OUT" ]; then
  echo "== $OUT exists: not trained again"
  exit 0
fi
MPI=""
[ "$RANKS" -gt 1 ] && MPI="mpiexec -n $RANKS --oversubscribe"
echo "\$ $MPI $FF train -model $MODEL -data $DATA -split $SPLIT -o $OUT -epochs 1000000 -max_time $BUDGET -budget_clock $CLOCK $*"
# shellcheck disable=SC2086
$MPI "$FF" train -model "$MODEL" -data "$DATA" -split "$SPLIT" -o "$OUT" -epochs 1000000 -max_time "$BUDGET" \
  -budget_clock "$CLOCK" "$@" > "${OUT%.h5}.log" 2>&1 || true
tail -n 3 "${OUT%.h5}.log"
done_line=$(grep -E "^trained after|stopped" "${OUT%.h5}.log" | tail -n 1)
echo "$CLOCK $BUDGET $done_line" >> "${OUT%.h5}.budget"
[ -f "$OUT" ] || { echo "pbfm_train: no $OUT (see ${OUT%.h5}.log)" >&2; exit 1; }
