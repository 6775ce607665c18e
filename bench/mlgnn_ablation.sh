#!/bin/sh
# Issue 12's ablation (docs/surrogates.md, "Ablation"): the multi-level surrogate with 1, 2, 3 and
# 4 graph levels, each with and without global mixing (physics attention at the coarsest level),
# trained on the 40-sample demo sweep (`fieldflow generate -case cases/airfoil/demo.opts -n 40`)
# with the same budget of CPU seconds each (-budget_clock cpu: on a machine shared with other
# jobs, equal compute for every variant), 2 ranks, then compared on the test split.
#
#   usage: bench/mlgnn_ablation.sh [VARIANT...]   (default: all; VARIANT = l1, l1mix, l2, l2mix, ...)
#   env:   FF_BUILD (build-bench2), FF_DATA (data/airfoil_demo40), FF_OUT (out/mlgnn_ablation),
#          FF_BUDGET (CPU seconds of rank 0, default 600), FF_LOCK (/work/bench.lock)
#
# Resumable like bench/mlgnn_targets.sh: a stopped training continues its budget (-resume), a
# finished one leaves OUT/VARIANT.done, a finished comparison OUT/report_VARIANT/metrics.json.
set -eu
BUILD=${FF_BUILD:-build-bench2}
DATA=${FF_DATA:-data/airfoil_demo40}
OUT=${FF_OUT:-out/mlgnn_ablation}
BUDGET=${FF_BUDGET:-600}
LOCK=${FF_LOCK:-/work/bench.lock}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

# Everything but the levels and the mixing is the same for every variant; the flat variant keeps
# the six blocks of the flat GNN baseline, the others the main model's blocks per level.
COMMON="-model mlgnn -width 64 -depth 1 -fourier_freq 16 -slices 32 -heads 4 -batch 2 -lr 3e-3 -min_lr 1e-5
  -warmup 200 -schedule cosine -clip 1 -seed 1 -epochs 100000 -checkpoint_every 500 -budget_clock cpu"
variant() {
  case "$1" in
  l1) echo "-levels 1 -level_blocks 6 -mix_blocks 0" ;;
  l1mix) echo "-levels 1 -level_blocks 6 -mix_blocks 2" ;;
  l2) echo "-levels 2 -level_blocks 1,4 -mix_blocks 0" ;;
  l2mix) echo "-levels 2 -level_blocks 1,4 -mix_blocks 2" ;;
  l3) echo "-levels 3 -level_blocks 1,2,2 -mix_blocks 0" ;;
  l3mix) echo "-levels 3 -level_blocks 1,2,2 -mix_blocks 2" ;;
  l4) echo "-levels 4 -level_blocks 1,2,2,2 -mix_blocks 0" ;;
  l4mix) echo "-levels 4 -level_blocks 1,2,2,2 -mix_blocks 2" ;;
  *) echo "unknown variant '$1'" >&2 && exit 2 ;;
  esac
}

one() {
  name=$1
  if [ ! -e "$OUT/$name.done" ]; then
    if [ -e "$OUT/$name.h5" ]; then
      args="train -resume $OUT/$name.h5 -data $DATA -max_time $BUDGET -budget_clock cpu"
    else
      args="train $COMMON $(variant "$name") -data $DATA -o $OUT/$name.h5 -max_time $BUDGET"
    fi
    flock "$LOCK" sh -c "echo \"\$ mpiexec -n 2 $FF $args\"; mpiexec -n 2 $FF $args" >>"$OUT/$name.log" 2>&1
    touch "$OUT/$name.done"
  fi
  [ -e "$OUT/report_$name/metrics.json" ] ||
    flock "$LOCK" "$FF" compare -model "$OUT/$name.h5" -data "$DATA" -split test -o "$OUT/report_$name" -vtu 0 \
      >>"$OUT/${name}_compare.log" 2>&1
}

[ $# -gt 0 ] || set -- l1 l1mix l2 l2mix l3 l3mix l4 l4mix
for v in "$@"; do one "$v"; done
