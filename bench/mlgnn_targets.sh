#!/bin/sh
# Issue 12, the mesh surrogates at equal cost (docs/surrogates.md, "Models at equal cost"):
# every model trained on 2 ranks (one thread each: the machine has 2 cores) with the same
# wall-clock budget, then compared with the reference solves of the test part of its split,
# every test sample solved again in the same run (the speedup is a ratio of one run).
#
#   usage: bench/mlgnn_targets.sh JOB...     JOB = train-MODEL-SPLIT | compare-MODEL-SPLIT | MODEL-SPLIT (both)
#          MODEL = field | gnn | mlgnn;  SPLIT = random | holdout_aoa | holdout_re
#   env:   FF_BUILD (default build-bench2: a copy of the build, so that rebuilding meanwhile does not
#          touch a running job), FF_DATA (data/airfoil), FF_OUT (out/mlgnn), FF_BUDGET (seconds,
#          default 3600), FF_LOCK (/work/bench.lock; every job holds it while it runs)
#
# Each job is resumable: a training that was stopped continues its budget from the model file
# (-resume; checkpoints every 200 steps); a finished one leaves OUT/MODEL_SPLIT.done and is
# skipped; a finished comparison leaves OUT/report_MODEL_SPLIT/metrics.json and is skipped.
# The load average is logged every minute beside each job (OUT/MODEL_SPLIT_load.log).
set -eu
BUILD=${FF_BUILD:-build-bench2}
DATA=${FF_DATA:-data/airfoil}
OUT=${FF_OUT:-out/mlgnn}
BUDGET=${FF_BUDGET:-3600}
LOCK=${FF_LOCK:-/work/bench.lock}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

# The recipes. Every model gets -epochs far beyond what the budget allows, so that the budget
# ends every run and every cosine schedule ends its decay at the budget.
COMMON="-min_lr 1e-5 -schedule cosine -clip 1 -seed 1 -epochs 100000 -checkpoint_every 200"
. "$(dirname "$0")/surrogate_recipes.sh"
recipe() {
  r=$(model_recipe "$1") || exit 2
  echo "$r $COMMON"
}

splits() { # $1: split -> the training, validation and test parts
  case "$1" in
  random) echo "train val test" ;;
  holdout_aoa | holdout_re) echo "$1/train $1/val $1/test" ;;
  *) echo "unknown split '$1'" >&2 && exit 2 ;;
  esac
}

run() {
  echo "\$ $*"
  "$@"
}

with_load_log() { # $1: log file, then the command
  log=$1
  shift
  (while :; do echo "$(date -u +%FT%TZ) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$log"; sleep 60; done) &
  watcher=$!
  status=0
  "$@" || status=$?
  kill "$watcher" 2>/dev/null || true
  return $status
}

train() { # $1 model, $2 split
  name="$1_$2"
  [ -e "$OUT/$name.done" ] && echo "$name: trained" && return 0
  set -- "$1" "$2" $(splits "$2")
  if [ -e "$OUT/$name.h5" ]; then
    args="train -resume $OUT/$name.h5 -data $DATA -max_time $BUDGET"
  else
    args="train $(recipe "$1") -data $DATA -split $3 -val_split $4 -o $OUT/$name.h5 -max_time $BUDGET"
  fi
  with_load_log "$OUT/${name}_load.log" flock "$LOCK" sh -c "echo \"\$ mpiexec -n 2 $FF $args\"; mpiexec -n 2 $FF $args" \
    >>"$OUT/$name.log" 2>&1
  touch "$OUT/$name.done"
}

compare() { # $1 model, $2 split
  name="$1_$2"
  [ -e "$OUT/report_$name/metrics.json" ] && echo "$name: compared" && return 0
  set -- "$1" "$2" $(splits "$2")
  with_load_log "$OUT/${name}_compare_load.log" flock "$LOCK" \
    "$FF" compare -model "$OUT/$name.h5" -data "$DATA" -split "$5" -o "$OUT/report_$name" -time_solves -1 \
    >>"$OUT/${name}_compare.log" 2>&1
}

for job in "$@"; do
  case "$job" in
  train-*) rest=${job#train-} && train "${rest%%-*}" "${rest#*-}" ;;
  compare-*) rest=${job#compare-} && compare "${rest%%-*}" "${rest#*-}" ;;
  *-*) train "${job%%-*}" "${job#*-}" && compare "${job%%-*}" "${job#*-}" ;;
  *) echo "usage: $0 train-MODEL-SPLIT|compare-MODEL-SPLIT|MODEL-SPLIT ..." >&2 && exit 2 ;;
  esac
done
