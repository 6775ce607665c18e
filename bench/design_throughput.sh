#!/bin/sh
# Design throughput end to end (docs/performance.md, "Many designs per call"): N new NACA designs
# drawn uniformly in the default dataset's ranges (camber 0-0.06 at 0.2-0.6, thickness 0.08-0.2,
# -5..15 degrees, Re 100-1000 log-uniform; seed 15), then, each timed as a whole process, as a
# user runs them:
#   surface  fieldflow predict -designs (one process, no mesh: forces without a mesh);
#   mesh     fieldflow predict -designs -path mesh (one process, each design meshed);
#   solve    fieldflow solve of every design, one process each (meshing included);
# and the C_D, C_L errors of both predictions against the solves (bench/design_summary.py).
#   usage: bench/design_throughput.sh <field.h5> [N=100]
#   env:   FF_BUILD (default build), FF_OUT (default out/designs), FF_PREDICT_OPTIONS (extra
#          options of predict -designs, e.g. -forces wall -forces_distance 0.005)
# Resumable: a design whose solve summary exists is not solved again (its recorded time is kept).
# Run it under the machine's lock: flock /work/bench.lock bench/design_throughput.sh ...
set -eu
MODEL=$1
N=${2:-100}
BUILD=${FF_BUILD:-build}
OUT=${FF_OUT:-out/designs}
FF="$BUILD/fieldflow"
CASE=cases/airfoil/sweep.opts
export LD_LIBRARY_PATH="$(cd "$BUILD" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$OUT/solves"

if [ ! -f "$OUT/designs.csv" ]; then
  /usr/bin/python3 - "$N" "$OUT/designs.csv" <<'EOF'
import math, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(15)
with open(path, "w") as f:
    f.write("design,naca_m,naca_p,naca_t,aoa,re\n")
    for i in range(n):
        f.write("%d,%.6f,%.6f,%.6f,%.5f,%.4f\n" % (i, rng.uniform(0, 0.06), rng.uniform(0.2, 0.6),
                rng.uniform(0.08, 0.2), rng.uniform(-5, 15), math.exp(rng.uniform(math.log(100), math.log(1000)))))
EOF
fi

now() { date +%s.%N; }

# the surrogate paths, each one process from start to exit
for path in surface mesh; do
  t0=$(now)
  "$FF" predict -model "$MODEL" -case "$CASE" -designs "$OUT/designs.csv" -o "$OUT/$path.csv" -path "$path" \
    -progress 0 ${FF_PREDICT_OPTIONS:-} | tail -1
  t1=$(now)
  echo "$path $(echo "$t1 - $t0" | bc)" > "$OUT/$path.time"
done

# the solves, one process per design, as a designer without a surrogate runs them
tail -n +2 "$OUT/designs.csv" | while IFS=, read -r id m p t aoa re; do
  json="$OUT/solves/design_$id.json"
  [ -f "$json" ] && continue
  t0=$(now)
  "$FF" solve -case "$CASE" -naca_m "$m" -naca_p "$p" -naca_t "$t" -aoa "$aoa" -re "$re" -summary "$json" > /dev/null
  t1=$(now)
  echo "$id $(echo "$t1 - $t0" | bc)" > "$OUT/solves/design_$id.time"
done

/usr/bin/python3 bench/design_summary.py "$OUT"
