#!/bin/sh
# The Darcy benchmark of docs/pbfm.md: joint (K, p), unconditional. Four variants, each trained
# with the same wall-clock budget on the two cores (bench/pbfm_train.sh: 2 ranks, data
# parallel): flow matching (fm) and physics-based flow matching (pbfm), sampled in 20 steps;
# MeanFlow (mf) and its physics-based version (pbmf), sampled in 1 and 2 steps. Each ensemble
# against held-out Monte Carlo solves (fieldflow compare -mode uq): mean/std field errors,
# coverage, spread-skill, CRPS, WD, residual; the time of the samples against solves timed in
# the same run. The table: bench/pbfm_table.py OUT.
#   usage: bench/pbfm_darcy.sh [build-dir]
#   env:   DATA (data/darcy: 500 solves, fieldflow generate -case cases/darcy/sweep.opts -n 500),
#          REF (data/darcy_ref: 1000 other solves, -sweep_seed 2 -n 1000), OUT (out/pbfm_darcy),
#          BUDGET (900 s of training per variant), N (512 samples per ensemble), TIME_SOLVES (128),
#          NET (the network and optimizer), MODELS (fm pbfm mf pbmf), EXTRA (more train options)
# Models and reports already in OUT are kept (delete them to run again). Run it under
# flock /work/bench.lock: it keeps both cores busy for BUDGET x 4 plus about 15 minutes.
set -eu
BUILD=${1:-build}
DATA=${DATA:-data/darcy}
REF=${REF:-data/darcy_ref}
OUT=${OUT:-out/pbfm_darcy}
BUDGET=${BUDGET:-900}
N=${N:-512}
TIME_SOLVES=${TIME_SOLVES:-128}
MODELS=${MODELS:-fm pbfm mf pbmf}
NET=${NET:--width 32 -blocks 4 -depth 2 -time_dim 32 -batch 8 -lr 1e-3 -ema 0.999 -seed 1}
EXTRA=${EXTRA:-}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
FF="$BUILD/fieldflow"
[ -x "$FF" ] || { echo "pbfm_darcy: $FF not found; run make build first" >&2; exit 1; }
[ -d "$DATA" ] || { echo "pbfm_darcy: no dataset '$DATA' (set DATA)" >&2; exit 1; }
[ -d "$REF" ] || { echo "pbfm_darcy: no reference dataset '$REF' (set REF)" >&2; exit 1; }
mkdir -p "$OUT"
HERE=$(dirname "$0")

for model in $MODELS; do
  case $model in
  pbfm) opts="-unroll_last_only" ;;
  pbmf) opts="-unroll_last_only -unroll_max 2" ;;
  *) opts="" ;;
  esac
  # shellcheck disable=SC2086
  BUILD=$BUILD "$HERE/pbfm_train.sh" $model "$DATA" "$OUT/$model.h5" "$BUDGET" $NET $opts $EXTRA
done

# the ensembles: one process (the sampler on one core, like each solve), time of N samples against
# TIME_SOLVES solves of the reference timed in the same run
evaluate() { # model label sampler options...
  model=$1 label=$2
  shift 2
  [ -f "$OUT/uq_$label/uq.json" ] && return 0
  echo "== compare $label: $FF compare -mode uq -model $OUT/$model.h5 -data $REF -n $N -seed 7 -time_solves $TIME_SOLVES $*"
  "$FF" compare -mode uq -model "$OUT/$model.h5" -data "$REF" -n "$N" -seed 7 -time_solves "$TIME_SOLVES" \
    -o "$OUT/uq_$label" "$@" > "$OUT/compare_$label.log" 2>&1
  grep -E "field rel|residual|time:" "$OUT/compare_$label.log"
}
for model in $MODELS; do
  case $model in
  fm | pbfm) evaluate $model "$model@20" -steps 20 ;;
  *) evaluate $model "$model@1" -steps 1 && evaluate $model "$model@2" -steps 2 ;;
  esac
done
/usr/bin/python3 "$HERE/pbfm_table.py" "$OUT" | tee "$OUT/table.md"
