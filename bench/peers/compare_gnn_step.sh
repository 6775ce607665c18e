#!/bin/sh
# Runs bench/gnn_step (C) and bench/peers/torch_gnn_step.py (PyTorch) alternately in one
# session, so both see the same machine load, and prints each run and the ratios.
#   bench/peers/compare_gnn_step.sh [build dir] [rounds] [threads]
# Environment passed to both (e.g. OPENBLAS_CORETYPE) applies to both.
set -eu
BUILD=${1:-build}
ROUNDS=${2:-3}
THREADS=${3:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
C_STEPS=${C_STEPS:-10}
TORCH_STEPS=${TORCH_STEPS:-5}
export OMP_NUM_THREADS=$THREADS
results=$(mktemp)
trap 'rm -f "$results"' EXIT
i=1
while [ "$i" -le "$ROUNDS" ]; do
  "$BUILD/bench/gnn_step" -steps "$C_STEPS" | grep '^RESULT' >>"$results"
  /usr/bin/python3 "$HERE/torch_gnn_step.py" -steps "$TORCH_STEPS" | grep '^RESULT' >>"$results"
  tail -n 2 "$results"
  i=$((i + 1))
done
/usr/bin/python3 - "$results" <<'PY'
import statistics, sys
runs = [dict(kv.split("=") for kv in line.split()[1:]) for line in open(sys.argv[1])]
c = [r for r in runs if r["impl"] == "c"]
t = [r for r in runs if r["impl"] == "torch"]
ratios = [float(b["ms"]) / float(a["ms"]) for a, b in zip(c, t)]
med = lambda rs, k: statistics.median(float(r[k]) for r in rs)
print(f"threads {c[0]['threads']}, {len(c)} rounds (C then PyTorch each round)")
print(f"C:       median {med(c, 'ms'):.0f} ms/step, {med(c, 'gflops'):.1f} GFLOP/s, peak RSS {med(c, 'rss_mb'):.0f} MB")
print(f"PyTorch: median {med(t, 'ms'):.0f} ms/step, {med(t, 'gflops'):.1f} GFLOP/s, peak RSS {med(t, 'rss_mb'):.0f} MB")
print("speed-up per round (PyTorch ms / C ms): " + ", ".join(f"{r:.2f}" for r in ratios)
      + f"; median {statistics.median(ratios):.2f}")
PY
