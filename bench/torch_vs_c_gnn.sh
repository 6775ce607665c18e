#!/bin/sh
# The C GNN (`fieldflow train -model gnn`) and the same MeshGraphNets in PyTorch
# (docs/examples/train_torch_gnn.py, on the fieldflow Python package) trained on the same data
# for the same wall-clock budget on this machine, one thread each, then scored by the same
# `fieldflow compare` on the test split (docs/python.md has the table).
#
# Each trainer first runs 20 steps to measure its step time; its cosine schedule is then planned
# over the epochs that fit the budget (C: a whole number, rounded; PyTorch: a fraction), and
# -max_time stops it at the budget either way. Validation each epoch counts in the budget of
# both (planned as a third of a step per validation sample); loading the dataset in neither.
#   usage: bench/torch_vs_c_gnn.sh [budget seconds, default 1200] [build dir, default build]
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
OPT="-lr 1e-3 -min_lr 1e-5 -clip 1 -seed 1"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT"

run() {
  echo "\$ $*"
  "$@"
}

# seconds of 20 steps, from each trainer's closing line
run "$FF" train -model gnn -data "$DATA" -o "$OUT/calib_c.h5" $ARCH $OPT -batch 1 -epochs 100 -stop_at_step 20 \
  -val_split none | tee "$OUT/calib_c.log"
t_c=$(sed -n 's/.*after 20 steps .*(\([0-9.]*\) s in all runs).*/\1/p' "$OUT/calib_c.log")
run /usr/bin/python3 "$HERE/docs/examples/train_torch_gnn.py" "$DATA" -o "$OUT/calib_torch" $ARCH $OPT -epochs 100 \
  -stop_at_step 20 -split val | tee "$OUT/calib_torch.log"
t_t=$(sed -n 's/^trained 20 steps in \([0-9.]*\) s.*/\1/p' "$OUT/calib_torch.log")
# an epoch: its training steps, and the validation (forwards only: about a third of a step each)
sizes=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, '$HERE/python'); import fieldflow; \
d = fieldflow.open_dataset('$DATA'); print(len(d.split('train')), len(d.split('val')))")
epoch="* (${sizes% *} + ${sizes#* } / 3) / 20"
e_c=$(/usr/bin/python3 -c "print(max(1, round($BUDGET / ($t_c $epoch))))")
e_t=$(/usr/bin/python3 -c "print(round($BUDGET / ($t_t $epoch), 2))")
echo "20 steps: C $t_c s, PyTorch $t_t s; epochs in $BUDGET s: C $e_c, PyTorch $e_t"

run "$FF" train -model gnn -data "$DATA" -o "$OUT/c_gnn.h5" $ARCH $OPT -batch 1 -epochs "$e_c" -schedule cosine \
  -max_time "$BUDGET" | tee "$OUT/train_c.log"
run /usr/bin/python3 "$HERE/docs/examples/train_torch_gnn.py" "$DATA" -o "$OUT/torch" $ARCH $OPT -epochs "$e_t" \
  -max_time "$BUDGET" | tee "$OUT/train_torch.log"
run "$FF" compare -model "$OUT/c_gnn.h5" -data "$DATA" -split test -o "$OUT/report_c" -time_solves -1 \
  | tee "$OUT/compare_c.log"
run "$FF" compare -predictions "$OUT/torch/predictions.h5" -data "$DATA" -split test -o "$OUT/report_torch" \
  -time_solves -1 | tee "$OUT/compare_torch.log"
