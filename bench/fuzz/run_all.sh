#!/usr/bin/env bash
# Every fuzz harness in turn, each for the given time (docs/reliability.md's runs: 600 s):
#   flock /work/bench.lock bench/fuzz/run_all.sh 600
# One summary line per harness at the end; the logs are in build-fuzz/logs/.
set -uo pipefail
seconds=${1:?usage: run_all.sh <seconds per harness>}
cd "$(dirname "$0")/../.."
status=0
for h in msh options checkpoint json sample dataset manifest; do
  bench/fuzz/run.sh "$h" "$seconds" || status=1
done
exit $status
