#!/usr/bin/env bash
# Replays every finding of a fuzz run and says where it stops:   bench/fuzz/triage.sh <harness>
# For each input of build-fuzz/crashes/<harness>/: the kind (crash, leak, timeout, oom) and the
# top frames of the report, so that a finding inside a third-party library (libhdf5, PETSc,
# json-c) is told from one in fieldflow's code (src/, meshes/, sweep/, surrogates/, bench/fuzz/).
set -uo pipefail
harness=${1:?usage: triage.sh <harness>}
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1:fast_unwind_on_malloc=0
export OMPI_MCA_mca_base_component_disable_dlclose=1 PMIX_MCA_mca_base_component_disable_dlclose=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for f in build-fuzz/crashes/"$harness"/*; do
  [[ -f $f ]] || continue
  out=$(timeout 30 build-fuzz/bench/fuzz/fuzz_"$harness" -timeout=10 "$f" 2>&1)
  status=$?
  kind=$(grep -m1 -oE "ERROR: (AddressSanitizer: [A-Za-z-]+|LeakSanitizer|libFuzzer: [a-z-]+)|runtime error|fuzz: [a-zA-Z ]+" <<< "$out")
  [[ $status -eq 124 ]] && kind="hang (still running after 30 s)"
  [[ -z $kind ]] && kind="no failure on replay (exit $status)"
  echo "== $(basename "$f") ($(stat -c %s "$f") bytes): $kind"
  grep -E "^ +#[0-9]+ " <<< "$out" | grep -vE "__interceptor|__asan|__sanitizer|fuzzer::|libc_start|_start " |
    sed -E 's/ \(BuildId.*//; s/^ +//' | head -n 6
done
