# The two commands of the README, and a few helpers. Each installs what is missing.
BUILD ?= build
JOBS ?= $(shell nproc)
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: all deps build test demo format sanitize clean

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

format:
	@clang-format -i $$(git ls-files '*.c' '*.h' '*.cxx')

clean:
	rm -rf $(BUILD) $(BUILD).cmake.log
