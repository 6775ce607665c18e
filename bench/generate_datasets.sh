#!/bin/bash
# The default datasets and their generation times on 1 and 2 ranks (docs/datasets.md).
# For each case: the full sweep on 1 rank into $SCRATCH/<case>-1rank, then the same sweep on 2
# ranks (mpiexec -n 2) into data/<case>: the two runs are back to back, so their ratio is
# measured under the same load; then the 2-rank dataset is compared with the 1-rank one
# (fieldflow info, and bench/compare_datasets.py) and the 1-rank copy removed.
#
#   bench/generate_datasets.sh [build] [cases...]      (default: airfoil cylinder darcy)
#
# BLAS and OpenMP threads are 1 per rank, so that 2 ranks use the 2 cores and not more.
set -e
BUILD=${1:-build}
shift || true
CASES=${*:-airfoil cylinder darcy}
F=$BUILD/fieldflow
SCRATCH=${SCRATCH:-/tmp/fieldflow-generate}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
declare -A N=([airfoil]=200 [cylinder]=100 [darcy]=500)
mkdir -p "$SCRATCH" data
for c in $CASES; do
  echo "=== $c: ${N[$c]} samples"
  rm -rf "$SCRATCH/$c-1rank" "data/$c"
  /usr/bin/time -f "$c 1 rank: %e s wall" $F generate -case cases/$c/sweep.opts -n ${N[$c]} -o "$SCRATCH/$c-1rank" -progress 0
  /usr/bin/time -f "$c 2 ranks: %e s wall" mpiexec -n 2 $F generate -case cases/$c/sweep.opts -n ${N[$c]} -o data/$c -progress 0
  $F info data/$c -max_lines 5 | head -40
  du -sh data/$c
  /usr/bin/python3 bench/compare_datasets.py "$SCRATCH/$c-1rank" data/$c
  rm -rf "$SCRATCH/$c-1rank"
done
