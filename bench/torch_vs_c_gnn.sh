#!/bin/sh
# The C GNN (`fieldflow train -model gnn`) and the same MeshGraphNets in PyTorch
# (docs/examples/train_torch_gnn.py, on the fieldflow Python package) trained on the same data
# for the same budget on this machine, then scored by the same `fieldflow compare` on the test
# split (docs/python.md has the table).
#
# Both train at the same moment, one thread each, for the same CPU seconds (-budget_clock cpu:
# a shared, loaded machine slows both alike and neither is charged for the other's load). Both
# cosine schedules follow the budget (they end their decay at it, whatever the step time), so
# -epochs is only an upper bound. Validation each epoch counts in the budget of both; loading
# the dataset in neither.
#   usage: bench/torch_vs_c_gnn.sh [budget CPU seconds, default 1200] [build dir, default build]
#   env:   FF_DATA (default data/airfoil), FF_OUT (default out/torch_vs_c)
# Run it under the bench lock: flock /work/bench.lock bench/torch_vs_c_gnn.sh 1200
set -eu
BUDGET=${1:-1200}
BUILD=${2:-build}
DATA=${FF_DATA:-data/airfoil}
OUT=${FF_OUT:-out/torch_vs_c}
HERE=$(cd "$(dirname "$0")/.." && pwd)
FF="$BUILD/fieldflow"
ARCH="-width 64 -blocks 5 -depth 1"
OPT="-lr 1e-3 -min_lr 1e-5 -clip 1 -seed 1 -epochs 1000 -max_time $BUDGET -budget_clock cpu"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

echo "\$ $FF train -model gnn -data $DATA -o $OUT/c_gnn.h5 $ARCH $OPT -batch 1 -schedule cosine &"
"$FF" train -model gnn -data "$DATA" -o "$OUT/c_gnn.h5" $ARCH $OPT -batch 1 -schedule cosine >"$OUT/train_c.log" 2>&1 &
c=$!
echo "\$ /usr/bin/python3 docs/examples/train_torch_gnn.py $DATA -o $OUT/torch $ARCH $OPT &"
/usr/bin/python3 "$HERE/docs/examples/train_torch_gnn.py" "$DATA" -o "$OUT/torch" $ARCH $OPT >"$OUT/train_torch.log" 2>&1 &
t=$!
wait $c
wait $t
tail -n 3 "$OUT/train_c.log" "$OUT/train_torch.log"
echo "\$ $FF compare -model $OUT/c_gnn.h5 -data $DATA -split test -o $OUT/report_c -time_solves -1"
"$FF" compare -model "$OUT/c_gnn.h5" -data "$DATA" -split test -o "$OUT/report_c" -time_solves -1 >"$OUT/compare_c.log" 2>&1
echo "\$ $FF compare -predictions $OUT/torch/predictions.h5 -data $DATA -split test -o $OUT/report_torch -time_solves -1"
"$FF" compare -predictions "$OUT/torch/predictions.h5" -data "$DATA" -split test -o "$OUT/report_torch" \
  -time_solves -1 >"$OUT/compare_torch.log" 2>&1
tail -n 15 "$OUT/compare_c.log" "$OUT/compare_torch.log"
