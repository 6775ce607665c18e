#!/bin/sh
# Surrogates on the RANS airfoil dataset (issue 14, docs/validation.md "The RANS airfoil
# dataset"): a neural field of velocity, pressure and the eddy viscosity nu_t, trained on the
# dataset's random split as far as it is generated, then `compare` against the stored RANS
# solves of the test part (a RANS solve takes minutes: the speed-up is against the solve time
# stored in each sample, not a solve of the same run).
#   usage: bench/rans_surrogate.sh [budget-seconds] [build-dir]
#   env:   FF_DATA (default data/airfoil-rans: fieldflow generate -case cases/airfoil-rans/sweep.opts),
#          FF_OUT (default out/rans_surrogate), FF_RANKS (default 2)
set -eu
BUDGET=${1:-600}
BUILD=${2:-build}
DATA=${FF_DATA:-data/airfoil-rans}
OUT=${FF_OUT:-out/rans_surrogate}
RANKS=${FF_RANKS:-2}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# a copy of the build dir runs from its own libraries (a rebuild meanwhile does not touch it)
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

run() {
  echo "\$ $*"
  "$@"
}

run "$FF" info -data "$DATA"
# the default recipe of docs/surrogates.md with nu_t among the outputs; the schedule follows the budget
[ -f "$OUT/field.done" ] || {
  run mpiexec -n "$RANKS" "$FF" train -model field -data "$DATA" -split random/train -val_split random/val \
    -fields u,p,nu_t -o "$OUT/field.h5" -width 128 -depth 5 -hyper_width 128 -points 4096 -batch 4 \
    -epochs 100000 -lr 1e-3 -min_lr 1e-5 -schedule cosine -clip 1 -seed 1 -max_time "$BUDGET"
  touch "$OUT/field.done"
}
OMP_NUM_THREADS=2 run "$FF" compare -model "$OUT/field.h5" -data "$DATA" -split random/test -o "$OUT/report" \
  -time_solves 0
