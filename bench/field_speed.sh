#!/bin/sh
# Neural fields for the speed targets of docs/performance.md ("Neural field against the solve"):
# trained on the default airfoil dataset with the recipe of issue 12's reference run (2 ranks,
# 20 minutes: -epochs 400 -max_time 1200), at the default size and smaller, then compared with
# the reference solves of the test split, each solved again in the same run.
#   usage: bench/field_speed.sh <name>... [build-dir via FF_BUILD]
#   names: below; each trains (or resumes) out/speed/field_<name>.h5, then compares it
#   env:   FF_DATA (default data/airfoil), FF_OUT (default out/speed), FF_BUILD (default build)
# Run it under the machine's lock: flock /work/bench.lock bench/field_speed.sh w128 w64
set -eu
DATA=${FF_DATA:-data/airfoil}
OUT=${FF_OUT:-out/speed}
BUILD=${FF_BUILD:-build}
FF="$BUILD/fieldflow"
# a copy of the build dir runs from its own libraries (a rebuild meanwhile does not touch it)
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
MPI="mpiexec -n 2"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$OUT"

run() {
  echo "\$ $*"
  "$@"
}

# train <name> <budget> <options>: a finished model has <name>.done beside it; an interrupted one
# resumes (the budget, -max_time or -stop_at_step, counts all its runs)
train() {
  name=$1
  budget=$2
  shift 2
  model="$OUT/field_$name.h5"
  [ -f "$OUT/field_$name.done" ] && return 0
  if [ -f "$model" ]; then
    run $MPI "$FF" train -resume "$model" -data "$DATA" $budget
  else
    run $MPI "$FF" train -model field -data "$DATA" -o "$model" "$@" -points 4096 -batch 4 -lr 1e-3 \
      -min_lr 1e-5 -schedule cosine -clip 1 -seed 1 $budget
  fi
  touch "$OUT/field_$name.done"
}

# inference on 2 threads (the machine), the solves as they run by default
compare() {
  OMP_NUM_THREADS=2 run "$FF" compare -model "$OUT/field_$1.h5" -data "$DATA" -split test -o "$OUT/report_$1" \
    -time_solves -1 -vtu 0
}

for name in "$@"; do
  case "$name" in
  # 20 minutes of wall time, as issue 12's reference run (on a machine shared with other jobs)
  w128) train w128 "-max_time 1200" -width 128 -depth 5 -hyper_width 128 -epochs 400 ;;
  w64) train w64 "-max_time 1200" -width 64 -depth 5 -hyper_width 128 -epochs 800 ;;
  w96d4) train w96d4 "-max_time 1200" -width 96 -depth 4 -hyper_width 128 -epochs 600 ;;
  w64d4) train w64d4 "-max_time 1200" -width 64 -depth 4 -hyper_width 128 -epochs 900 ;;
  # budgets in steps, whatever the machine's load: the reference run stopped at step 9240 (epoch 231
  # of 400); w128ref continues w128 to there (the reference model, retrained with this core);
  # w64s is width 64 with the whole cosine schedule in 16,000 steps (0.4 of w128's cost a step:
  # less compute than the reference's 9,240)
  w128ref)
    [ -f "$OUT/field_w128ref.h5" ] || cp "$OUT/field_w128.h5" "$OUT/field_w128ref.h5"
    train w128ref "-stop_at_step 9240" ;;
  w64s) train w64s "" -width 64 -depth 5 -hyper_width 128 -epochs 400 ;;
  # 20 minutes with the schedule following the budget (docs/surrogates.md, "Training to a
  # budget"): every model ends its cosine decay at min_lr when its 1200 s are spent
  w128b) train w128b "-max_time 1200" -width 128 -depth 5 -hyper_width 128 -epochs 100000 ;;
  w96b) train w96b "-max_time 1200" -width 96 -depth 5 -hyper_width 128 -epochs 100000 ;;
  w64b) train w64b "-max_time 1200" -width 64 -depth 5 -hyper_width 128 -epochs 100000 ;;
  w64d3b) train w64d3b "-max_time 1200" -width 64 -depth 3 -hyper_width 128 -epochs 100000 ;;
  *) echo "usage: $0 w128|w64|w96d4|w64d4|w128ref|w64s|w128b|w96b|w64b|w64d3b ..." >&2 && exit 2 ;;
  esac
  compare "$name"
done
