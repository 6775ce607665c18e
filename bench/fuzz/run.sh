#!/usr/bin/env bash
# Runs one fuzz harness for a given time:   bench/fuzz/run.sh <harness> <seconds> [libFuzzer options]
#   harnesses: msh sample dataset manifest checkpoint options json (bench/fuzz/fuzz_<harness>.c)
# Builds build-fuzz/ with clang (-fsanitize=fuzzer,address,undefined; CMake FF_FUZZ), makes the
# seed corpus once (bench/fuzz/seeds.sh, with the normal build/), and fuzzes with one process
# into build-fuzz/corpus/<harness>/ (kept between runs: each run goes on from the last).
# A crash, leak, timeout or out-of-memory input is written to build-fuzz/crashes/<harness>/;
# the log (build-fuzz/logs/<harness>-<date>.log) ends with the executions, coverage and
# corpus of the run. Run it under the bench lock: flock /work/bench.lock bench/fuzz/run.sh ...
set -euo pipefail
harness=${1:?usage: run.sh <harness> <seconds> [libFuzzer options]}
seconds=${2:?usage: run.sh <harness> <seconds> [libFuzzer options]}
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

scripts/install-deps.sh --fuzz
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DFF_FUZZ=ON > build-fuzz.cmake.log
fi
cmake --build build-fuzz -j 2 --target "fuzz_$harness" -- --no-print-directory > /dev/null
if [[ ! -d build-fuzz/seeds ]]; then
  make --no-print-directory build > /dev/null
  rm -rf build-fuzz/seeds.tmp
  bench/fuzz/seeds.sh build build-fuzz/seeds.tmp
  mv build-fuzz/seeds.tmp build-fuzz/seeds
fi

corpus=build-fuzz/corpus/$harness
crashes=build-fuzz/crashes/$harness
log=build-fuzz/logs/$harness-$(date +%Y%m%d-%H%M%S).log
mkdir -p "$corpus" "$crashes" build-fuzz/logs
seeds=build-fuzz/seeds/$harness
if [[ $harness == manifest ]]; then
  export FF_FUZZ_SEED_DIR=$seeds # the harness's own dataset's manifest
fi
# allocator_may_return_null with max_allocation_size_mb: an allocation over 1 GB that an input
# asks for comes back NULL, which the readers refuse with a message (FFMalloc) and libhdf5 with
# an error, in the harness's process and in the probe reads' children alike. libhdf5 allocates
# what a crafted size says (2-4 GiB seen), and an allocation under the cap is then made again by
# the parent's read, which is what the 2 GB RSS limit must not see twice. libFuzzer's own
# -malloc_limit_mb hook, set above the cap, would otherwise report it from a child. detect_leaks: on; the suppressions name the third-party leaks (Open MPI's
# initialization, ...) that are not an input's.
# (Whole stacks for the suppressions: the Makefile's sanitize-test says why.)
export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024:detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=0
export OMPI_MCA_mca_base_component_disable_dlclose=1 PMIX_MCA_mca_base_component_disable_dlclose=1
export LSAN_OPTIONS=suppressions=$src/tests/sanitizer/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The HDF5 readers read each file first in a child process (src/io/h5_probe.c), which contains
# what libhdf5 does on a crafted file (crash, hang). Its time limit is 2 s here, under the 5 s
# timeout of an input; its child keeps its output (a sanitizer's report of what it hit lands in
# the log). PROBE=0 bench/fuzz/run.sh ... fuzzes the readers without the probe, in this process:
# a finding inside our own reading code then shows as such, beside libhdf5's.
export FIELDFLOW_H5_PROBE=${PROBE:-verbose} FIELDFLOW_H5_PROBE_TIMEOUT=2
# The inputs are written to scratch files: on /dev/shm (memory) the harnesses' fsync (the seal
# of a dataset file) and HDF5's reads cost no disk time.
if [[ -d /dev/shm && -w /dev/shm ]]; then export TMPDIR=/dev/shm; fi
# The options harness runs with one worker process (-fork=1) that libFuzzer restarts after a
# finding, so a run goes on and collects every finding in $crashes: PETSc's options-file reader
# leaks about 12 KB on every case it refuses (tests/sanitizer/lsan.supp), which in one process
# passed the 2 GB limit after 316k inputs (200 s). So do the HDF5 harnesses when PROBE=0 (libhdf5
# crashes and hangs on crafted files: docs/reliability.md). The others run in one process (a
# worker's restart costs them MPI and PETSc's start-up): a finding ends the run.
# A timeout is 5 s on one input (a sample is read in milliseconds, under ASan in tens of them;
# each hang costs the whole timeout). -use_value_profile and a 64 KiB cap on mutated inputs
# (larger seeds are still read whole).
mode=()
case $harness in
options) mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) ;;
sample | dataset | manifest | checkpoint)
  [[ $FIELDFLOW_H5_PROBE == 0 ]] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) ;;
esac
echo "fuzz_$harness for $seconds s: corpus $corpus, crashes in $crashes, log $log"
set +e
build-fuzz/bench/fuzz/fuzz_$harness "${mode[@]}" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -malloc_limit_mb=4096 -max_len=65536 -use_value_profile=1 -print_final_stats=1 -artifact_prefix="$crashes/" "$@" "$corpus" "$seeds" \
  > "$log" 2>&1
status=$?
set -e
grep -E "^#[0-9]+(: cov|[[:space:]]+(DONE|pulse|REDUCE|NEW))" "$log" | tail -n 1
grep -E "^(stat::|INFO: fuzzed for|INFO: exiting)|SUMMARY" "$log" | sort | uniq -c | tail -n 12
echo "fuzz_$harness: exit $status; $(ls "$crashes" | wc -l) inputs in $crashes"
exit $status
