#!/bin/sh
# The under-dispersion experiments of docs/pbfm.md, one hypothesis at a time, each a stage:
#   sampler     the models of the old benchmark (FM, PBFM; Darcy 600 steps, cylinder 264 steps,
#               EMA 0.99 without warm-up) sampled with the old sampler (20 uniform Euler steps,
#               t* = 0.2), plain Euler (t* = 0), and the new default (20 multistep steps on the
#               logit grid); PBFM against FM at the same budget is the residual-loss hypothesis
#   ema         the README recipe (64 solves, -epochs 10, -ema 0.99): EMA warm-up off and on
#   norm        node-wise against global normalization (FM, Darcy, 600 steps)
#   time        uniform against logit-normal training times (FM, Darcy and cylinder)
#   length      FM on Darcy for 4x the steps (2400), the ensemble after 300, 600, 1200, 2400
#   act         ReLU against SiLU (FM, Darcy, 600 steps): a ReLU network samples about 3x faster
#   mf          MeanFlow's adaptive loss weight: p = 1 (MeanFlow's) against 0 (plain MSE), Darcy
#   conditions  the cylinder model conditioned on Re, sampled at the reference's own Re values
#               (one sample per reference solve): the unconditional decision taken away
#   usage: bench/pbfm_dispersion.sh [stage ...] (default: all, in this order)
#   env:   BUILD (build-bench, copied from build when absent), OUT (out/pbfm_dispersion), N (256
#          samples per ensemble), RANKS (2)
# Data: data/darcy (500 solves), data/darcy_ref (1000 other solves, the held-out reference),
# data/cylinder_uq (96), data/cylinder_uq_ref (256); see bench/pbfm_darcy.sh and
# bench/pbfm_cylinder.sh. Models and reports already in OUT are kept.
set -eu
BUILD=${BUILD:-build-bench}
OUT=${OUT:-out/pbfm_dispersion}
N=${N:-256}
RANKS=${RANKS:-2}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[ -x "$BUILD/fieldflow" ] || { rm -rf "$BUILD" && cp -r build "$BUILD"; }
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
FF="$BUILD/fieldflow"
MPI="mpiexec -n $RANKS --oversubscribe"
mkdir -p "$OUT"

# the old benchmark's network and optimizer (docs/pbfm.md before this work); its MeanFlow runs set
# -mf_adaptive_p 1, the default when they were made (0 since)
OLD="-width 32 -blocks 4 -depth 2 -time_dim 32 -batch 8 -lr 1e-3 -ema 0.99 -seed 1 -unroll_last_only"
OLD_SAMPLER="-integrator euler -grid uniform -t_star 0.2 -steps 20"

train() { # out.h5 args...
  o=$1
  shift
  if [ -f "$o" ]; then return 0; fi
  echo "\$ $MPI $FF train $* -o $o"
  $MPI "$FF" train "$@" -o "$o" > "${o%.h5}.log" 2>&1
  tail -n 1 "${o%.h5}.log"
}

# (sh has no local variables: the names here must not be the callers' loop variables)
compare() { # model reference dir args...
  c_model=$1 c_ref=$2 c_dir=$3
  shift 3
  if [ -f "$c_dir/uq.json" ]; then return 0; fi
  echo "\$ $MPI $FF compare -mode uq -model $c_model -data $c_ref -n $N -seed 7 -time_solves 0 -o $c_dir $*"
  $MPI "$FF" compare -mode uq -model "$c_model" -data "$c_ref" -n "$N" -seed 7 -time_solves 0 -o "$c_dir" "$@" \
    > "$c_dir.log" 2>&1
  grep -E "std field|Re:" "$c_dir.log" || true
}

sampler() {
  for m in fm pbfm; do
    train "$OUT/darcy_$m.h5" -model $m -data data/darcy -split train $OLD -epochs 12 -ema_warmup 0
    train "$OUT/cyl_$m.h5" -model $m -data data/cylinder_uq -split train $OLD -epochs 24 -ema_warmup 0
    compare "$OUT/darcy_$m.h5" data/darcy_ref "$OUT/darcy_${m}_old" $OLD_SAMPLER
    compare "$OUT/darcy_$m.h5" data/darcy_ref "$OUT/darcy_${m}_euler" -integrator euler -grid uniform -t_star 0
    compare "$OUT/darcy_$m.h5" data/darcy_ref "$OUT/darcy_${m}_new"
    compare "$OUT/cyl_$m.h5" data/cylinder_uq_ref "$OUT/cyl_${m}_old" $OLD_SAMPLER
    compare "$OUT/cyl_$m.h5" data/cylinder_uq_ref "$OUT/cyl_${m}_euler" -integrator euler -grid uniform -t_star 0
    compare "$OUT/cyl_$m.h5" data/cylinder_uq_ref "$OUT/cyl_${m}_new"
  done
}

ema() {
  [ -d data/darcy64 ] || "$FF" generate -case cases/darcy/sweep.opts -n 64 -o data/darcy64 -progress 0
  for w in 0 1; do
    train "$OUT/readme_pbfm_warmup$w.h5" -model pbfm -data data/darcy64 -epochs 10 -width 32 -blocks 4 -ema 0.99 \
      -ema_warmup $w
    compare "$OUT/readme_pbfm_warmup$w.h5" data/darcy_ref "$OUT/readme_warmup${w}_new"
    compare "$OUT/readme_pbfm_warmup$w.h5" data/darcy_ref "$OUT/readme_warmup${w}_old" $OLD_SAMPLER
  done
}

norm() {
  train "$OUT/darcy_fm_global.h5" -model fm -data data/darcy -split train $OLD -epochs 12 -normalization global
  train "$OUT/darcy_fm_warm.h5" -model fm -data data/darcy -split train $OLD -epochs 12
  compare "$OUT/darcy_fm_global.h5" data/darcy_ref "$OUT/darcy_fm_global_new"
  compare "$OUT/darcy_fm_warm.h5" data/darcy_ref "$OUT/darcy_fm_warm_new"
}

time_sampling() {
  LN="-time_sampling logit_normal -time_mean -1 -time_std 2"
  train "$OUT/darcy_fm_ln.h5" -model fm -data data/darcy -split train $OLD -epochs 12 $LN
  train "$OUT/cyl_fm_warm.h5" -model fm -data data/cylinder_uq -split train $OLD -epochs 24
  train "$OUT/cyl_fm_ln.h5" -model fm -data data/cylinder_uq -split train $OLD -epochs 24 $LN
  compare "$OUT/darcy_fm_ln.h5" data/darcy_ref "$OUT/darcy_fm_ln_new"
  compare "$OUT/cyl_fm_warm.h5" data/cylinder_uq_ref "$OUT/cyl_fm_warm_new"
  compare "$OUT/cyl_fm_ln.h5" data/cylinder_uq_ref "$OUT/cyl_fm_ln_new"
}

length() {
  # one cosine schedule of 48 epochs (2400 steps), the model kept after 300, 600, 1200 and 2400
  for s in 300 600 1200 2400; do
    if [ ! -f "$OUT/darcy_fm_len$s.h5" ]; then
      if [ ! -f "$OUT/darcy_fm_len.h5" ]; then
        train "$OUT/darcy_fm_len.h5" -model fm -data data/darcy -split train $OLD -epochs 48 -stop_at_step $s
      else
        echo "\$ $MPI $FF train -resume $OUT/darcy_fm_len.h5 -stop_at_step $s"
        $MPI "$FF" train -resume "$OUT/darcy_fm_len.h5" -stop_at_step $s >> "$OUT/darcy_fm_len.log" 2>&1
      fi
      cp "$OUT/darcy_fm_len.h5" "$OUT/darcy_fm_len$s.h5"
    fi
    compare "$OUT/darcy_fm_len$s.h5" data/darcy_ref "$OUT/darcy_fm_len${s}_new"
  done
}

act() {
  train "$OUT/darcy_fm_relu.h5" -model fm -data data/darcy -split train $OLD -epochs 12 -act relu
  compare "$OUT/darcy_fm_relu.h5" data/darcy_ref "$OUT/darcy_fm_relu_new"
  train "$OUT/darcy_mf_relu.h5" -model mf -data data/darcy -split train $OLD -epochs 12 -act relu -mf_adaptive_p 1
  train "$OUT/darcy_mf_silu.h5" -model mf -data data/darcy -split train $OLD -epochs 12 -mf_adaptive_p 1
  compare "$OUT/darcy_mf_relu.h5" data/darcy_ref "$OUT/darcy_mf_relu_1"
  compare "$OUT/darcy_mf_silu.h5" data/darcy_ref "$OUT/darcy_mf_silu_1"
}

mf() {
  train "$OUT/darcy_mf_silu.h5" -model mf -data data/darcy -split train $OLD -epochs 12 -mf_adaptive_p 1
  train "$OUT/darcy_mf_p0.h5" -model mf -data data/darcy -split train $OLD -epochs 12 -mf_adaptive_p 0
  compare "$OUT/darcy_mf_silu.h5" data/darcy_ref "$OUT/darcy_mf_silu_1"
  compare "$OUT/darcy_mf_p0.h5" data/darcy_ref "$OUT/darcy_mf_p0_1"
  compare "$OUT/darcy_mf_p0.h5" data/darcy_ref "$OUT/darcy_mf_p0_2" -steps 2
  compare "$OUT/darcy_mf_silu.h5" data/darcy_ref "$OUT/darcy_mf_silu_2" -steps 2
}

conditions() {
  train "$OUT/cyl_fm_re.h5" -model fm -data data/cylinder_uq -split train $OLD -epochs 24 -conditions re
  compare "$OUT/cyl_fm_re.h5" data/cylinder_uq_ref "$OUT/cyl_fm_re_new" -n 0
}

STAGES=${*:-sampler ema norm time length act mf conditions}
for stage in $STAGES; do
  echo "== $stage"
  case $stage in
  sampler) sampler ;;
  ema) ema ;;
  norm) norm ;;
  time) time_sampling ;;
  length) length ;;
  act) act ;;
  mf) mf ;;
  conditions) conditions ;;
  *) echo "pbfm_dispersion: unknown stage '$stage'" >&2 && exit 2 ;;
  esac
done
