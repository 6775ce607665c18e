#!/bin/sh
# Resolution invariance (docs/performance.md): a neural field trained on the default airfoil
# dataset, evaluated on its test samples meshed at the dataset's resolution (the control) and
# with every cell size divided by 2 and 4, against solves on those meshes (bench/resolution.c);
# then the mean errors per resolution. Resumable (samples done are skipped).
#   usage: bench/resolution.sh <field.h5> [refine...]
#   env:   FF_BUILD (default build), FF_OUT (default out/resolution), FF_DATA (default data/airfoil)
# Run it under the machine's lock: flock /work/bench.lock bench/resolution.sh ...
set -eu
MODEL=$1
shift
SIZES=${*:-1 2 4}
BUILD=${FF_BUILD:-build}
OUT=${FF_OUT:-out/resolution}
DATA=${FF_DATA:-data/airfoil}
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2
mkdir -p "$OUT"
for r in $SIZES; do
  "$BUILD/bench/resolution" -data "$DATA" -model "$MODEL" -refine "$r" -split test -o "$OUT/resolution.csv"
done
# refine, index, nodes, err_u, err_p, C_D fine, C_D pred, C_L fine, C_L pred, solve s, inference s
awk -F, '{ n[$1]++; nodes[$1] += $3; u[$1] += $4; p[$1] += $5;
           cl[$1] += ($9 - $8 < 0 ? $8 - $9 : $9 - $8); ts[$1] += $10; ti[$1] += $11;
           cda[$1] += ($7 - $6 < 0 ? $6 - $7 : $7 - $6) / ($6 < 0 ? -$6 : $6) }
         END { print "| refine | samples | P2 nodes (mean) | u rel. L2 | p rel. L2 | C_D mean rel. error | C_L mean abs. error | solve s | inference s | speedup |";
               print "|---|---|---|---|---|---|---|---|---|---|";
               for (r in n) printf "| %s | %d | %.0f | %.2f%% | %.2f%% | %.2f%% | %.4f | %.2f | %.4f | %.0fx |\n", r, n[r], nodes[r] / n[r],
                 100 * u[r] / n[r], 100 * p[r] / n[r], 100 * cda[r] / n[r], cl[r] / n[r], ts[r] / n[r], ti[r] / n[r], ts[r] / ti[r] }' \
  "$OUT/resolution.csv" | sort -t'|' -k2 -n
