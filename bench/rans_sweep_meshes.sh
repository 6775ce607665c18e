#!/usr/bin/env bash
# Meshes N random sections of the RANS airfoil sweep's box (cases/airfoil-rans/sweep.opts:
# camber, its position, thickness, Re; the wall-resolved mesh depends on Re through the first
# cell) and reports each: every one must mesh (docs/validation.md §9).
#   bench/rans_sweep_meshes.sh [N (60)] [build-dir (build)] [seed (3)]
set -u
n=${1:-60}
build=${2:-build}
seed=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
while read -r m p t re; do
  if log=$("$build/fieldflow" mesh -case cases/airfoil-rans/sweep.opts -naca_m "$m" -naca_p "$p" -naca_t "$t" -re "$re" \
    -o "$out/m.msh" 2>&1); then
    echo "ok   m $m p $p t $t re $re: $(echo "$log" | grep -o 'P2 nodes [0-9]*')"
  else
    echo "FAIL m $m p $p t $t re $re: $(echo "$log" | grep error)"
    fails=$((fails + 1))
  fi
done < <(python3 -c "
import random
random.seed($seed)
for i in range($n):
    print(random.uniform(0, 0.06), random.uniform(0.2, 0.6), random.uniform(0.08, 0.2), 2e6 * 3 ** random.random())
")
echo "$n sections, $fails failed"
[[ $fails == 0 ]]
