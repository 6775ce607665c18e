#!/bin/sh
# The cylinder benchmark of docs/pbfm.md: steady DFG channel flow at a Reynolds number drawn
# uniformly from [10, 40] and hidden from the model (unconditional; the residual of PBFM and PBMF
# at the Re that fits each sample). Four variants, each trained
# with the same wall-clock budget on the two cores (bench/pbfm_train.sh: 2 ranks, data
# parallel): flow matching (fm) and physics-based flow matching (pbfm), sampled in 20 steps;
# MeanFlow (mf) and its physics-based version (pbmf), sampled in 1 and 2 steps. Each ensemble
# against held-out Monte Carlo solves (fieldflow compare -mode uq): mean/std field errors,
# coverage, spread-skill, CRPS, WD, residual; the time of the samples against solves timed in
# the same run. The table: bench/pbfm_table.py OUT.
#   usage: bench/pbfm_cylinder.sh [build-dir]
#   env:   DATA (data/cylinder_uq: 96 solves, fieldflow generate -case cases/cylinder/uq.opts -n 96),
#          REF (data/cylinder_uq_ref: 256 other solves, -sweep_seed 2 -n 256), generated here when
#          absent; OUT (out/pbfm_cylinder), BUDGET (900 s of training per variant), N (256 samples
#          per ensemble), TIME_SOLVES (128),
#          NET (the network and optimizer), MODELS (fm pbfm mf pbmf), EXTRA (more train options)
# Models and reports already in OUT are kept (delete them to run again). Run it under
# flock /work/bench.lock: it keeps both cores busy for BUDGET x 4 plus about 15 minutes.
set -eu
BUILD=${1:-build}
DATA=${DATA:-data/cylinder_uq}
REF=${REF:-data/cylinder_uq_ref}
OUT=${OUT:-out/pbfm_cylinder}
BUDGET=${BUDGET:-900}
N=${N:-256}
TIME_SOLVES=${TIME_SOLVES:-128}
MODELS=${MODELS:-fm pbfm mf pbmf}
NET=${NET:--width 32 -blocks 4 -depth 2 -time_dim 32 -batch 8 -lr 1e-3 -ema 0.999 -seed 1}
EXTRA=${EXTRA:-}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
FF="$BUILD/fieldflow"
[ -x "$FF" ] || { echo "pbfm_cylinder: $FF not found; run make build first" >&2; exit 1; }
# the training set and the Monte Carlo reference: the same case (mesh), other sweep seeds;
# generate resumes a partial dataset
"$FF" generate -case cases/cylinder/uq.opts -n 96 -o "$DATA" -progress 0
"$FF" generate -case cases/cylinder/uq.opts -n 256 -sweep_seed 2 -o "$REF" -progress 0
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
