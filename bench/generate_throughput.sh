#!/bin/bash
# Throughput of fieldflow generate on 1 and 2 ranks (samples/min), on the first samples of
# each default sweep (docs/datasets.md). The runs alternate 1 rank, 2 ranks, 1 rank, 2 ranks,
# so that both see the same load on a shared machine; each line gives the wall time, the CPU
# time (user + system, all processes) and samples/min.
#
#   bench/generate_throughput.sh [build] [rounds]
set -e
BUILD=${1:-build}
ROUNDS=${2:-2}
F=$BUILD/fieldflow
SCRATCH=${SCRATCH:-/tmp/fieldflow-throughput}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
declare -A N=([airfoil]=24 [cylinder]=40 [darcy]=100)
mkdir -p "$SCRATCH"
run() { # case ranks
  local c=$1 k=$2 d="$SCRATCH/$1-$2" launch=""
  rm -rf "$d"
  [ "$k" -gt 1 ] && launch="mpiexec -n $k"
  /usr/bin/time -o "$SCRATCH/time" -f "%e %U %S" $launch $F generate -case cases/$c/sweep.opts -n ${N[$c]} -o "$d" \
    -progress 0 > /dev/null 2>&1
  read -r wall user sys < "$SCRATCH/time"
  awk -v c=$c -v k=$k -v n=${N[$c]} -v w=$wall -v u=$user -v s=$sys \
    'BEGIN { printf "%-9s %d rank%s %4d samples  wall %7.1f s  cpu %7.1f s  %6.2f samples/min  %.2f cpu s/sample\n", c, k, (k > 1 ? "s" : " "), n, w, u + s, 60 * n / w, (u + s) / n }'
  rm -rf "$d"
}
uptime
for r in $(seq 1 $ROUNDS); do
  for c in airfoil cylinder darcy; do
    run $c 1
    run $c 2
  done
done
uptime
