# Benchmarks against native Linux: `make bench` (see docs/benchmarks.md).
# Included by the top Makefile; defines no default goal and is not part of
# `make test`. The programs are static (gcc -static -O2) so the same binary
# runs natively and under `nto run`; walltime is a host tool.

BENCH_SAVED_GOAL := $(.DEFAULT_GOAL)

BENCH_CC    ?= gcc
BENCH_BIN   := $(B)/bench
BENCH_PROGS := getpid openread bigread pwrite1 empty threads futexwake \
               pipepp pipebulk forkwait forkexec
BENCH_EXES  := $(addprefix $(BENCH_BIN)/,$(BENCH_PROGS))

$(BENCH_EXES): $(BENCH_BIN)/%: bench/%.c bench/bench.h
	@mkdir -p $(dir $@)
	$(BENCH_CC) -static -O2 -Wall -o $@ $<

# The same programs for riscv64-vm's column (bench/run.sh uses them when
# they are there).
BENCH_RV_EXES := $(addprefix $(BENCH_BIN)/riscv64/,$(BENCH_PROGS))
$(BENCH_RV_EXES): $(BENCH_BIN)/riscv64/%: bench/%.c bench/bench.h
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc -static -O2 -Wall -o $@ $<

$(BENCH_BIN)/walltime: bench/walltime.c bench/bench.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -O2 -Wall -o $@ $<

.PHONY: bench bench-progs
bench-progs: $(BENCH_EXES) $(BENCH_BIN)/walltime $(BENCH_RV_EXES)

bench: all bench-progs
	@command -v runsc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runsc >/dev/null 2>&1 || true
	NTO=$(B)/nto BENCH_BIN=$(BENCH_BIN) sh bench/run.sh

.DEFAULT_GOAL := $(BENCH_SAVED_GOAL)
