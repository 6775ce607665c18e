# The two commands of the README, and a few helpers. Each installs what is missing.
BUILD ?= build
JOBS ?= $(shell nproc)
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: all deps build test demo format sanitize sanitize-test clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_EXTRA) > $(BUILD).cmake.log 2>&1 || { cat $(BUILD).cmake.log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

test: build
	@cd $(BUILD) && ctest --output-on-failure -j 2

demo: build
	@scripts/demo.sh $(BUILD)

sanitize: deps
	@$(MAKE) --no-print-directory build BUILD=build-asan CMAKE_EXTRA=-DFF_SANITIZE=ON

# The whole suite under AddressSanitizer + UBSan (build-asan/), leak detection on. Any report
# fails its test: ASan and LSan end the program with an error, UBSan halts on the first
# finding. tests/sanitizer/lsan.supp names the third-party leaks (Open MPI, hwloc, OpenBLAS,
# HDF5 and PETSc error paths), nothing of fieldflow's (docs/reliability.md). The suppressions
# match library names anywhere in a leak's stack, so the stacks must be whole: the slow
# unwinder (libraries built without frame pointers), and Open MPI's plugins kept loaded after
# MPI_Finalize (an unloaded plugin's frames have no name).
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:abort_on_error=0:strict_string_checks=1 \
	OMPI_MCA_mca_base_component_disable_dlclose=1 PMIX_MCA_mca_base_component_disable_dlclose=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizer/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
sanitize-test: sanitize
	@cd build-asan && $(SANITIZER_ENV) ctest --output-on-failure -j 2

format:
	@clang-format -i $$(git ls-files '*.c' '*.h' '*.cxx')

clean:
	rm -rf $(BUILD) $(BUILD).cmake.log
