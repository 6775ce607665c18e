#!/bin/sh
# The surrogate targets of docs/surrogates.md: train a neural field and a MeshGraphNets GNN on
# the default airfoil dataset (random split: the test samples are unseen shapes) and compare
# each against the reference solves of the test split. One process, one thread (the machine
# is shared), so the training times are those of one core.
#   usage: bench/surrogate_targets.sh [field|gnn|gnn-more|compare-field|compare-gnn|compare-gnn30|all] [build-dir]
#   env:   FF_DATA (default data/airfoil, a dataset made by `fieldflow generate -case
#          cases/airfoil/sweep.opts`), FF_OUT (default out/targets)
set -eu
STAGE=${1:-all}
BUILD=${2:-build}
DATA=${FF_DATA:-data/airfoil}
OUT=${FF_OUT:-out/targets}
FF="$BUILD/fieldflow"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# a copy of the build dir runs from its own library (so a rebuild meanwhile does not touch it)
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

run() {
  echo "\$ $*"
  "$@"
}

field() {
  run "$FF" train -model field -data "$DATA" -o "$OUT/field.h5" -width 128 -depth 5 -hyper_width 128 \
    -points 4096 -batch 4 -epochs 120 -lr 1e-3 -min_lr 1e-5 -schedule cosine -clip 1 -seed 1
}

gnn() {
  run "$FF" train -model gnn -data "$DATA" -o "$OUT/gnn.h5" -width 64 -blocks 5 -depth 1 \
    -batch 1 -epochs 12 -lr 1e-3 -min_lr 1e-5 -schedule cosine -clip 1 -seed 1
}

# the GNN again from its 12-epoch file, to 30 epochs: the cosine schedule is recomputed over 30
# epochs, so the learning rate restarts at its value at epoch 12 of 30 (a warm restart)
gnn_more() {
  cp "$OUT/gnn.h5" "$OUT/gnn30.h5"
  run "$FF" train -resume "$OUT/gnn30.h5" -data "$DATA" -epochs 30 -loss_csv "$OUT/gnn30_loss.csv"
}

compare() { # $1: model name
  run "$FF" compare -model "$OUT/$1.h5" -data "$DATA" -split test -o "$OUT/report_$1" -time_solves -1
}

case "$STAGE" in
field) field ;;
gnn) gnn ;;
compare-field) compare field ;;
compare-gnn) compare gnn ;;
gnn-more) gnn_more ;;
compare-gnn30) compare gnn30 ;;
all) field && compare field && gnn && compare gnn && gnn_more && compare gnn30 ;;
*) echo "usage: $0 [field|gnn|gnn-more|compare-field|compare-gnn|compare-gnn30|all] [build-dir]" >&2 && exit 2 ;;
esac
