# tests/progs/progs.mk - build the differential test programs.
#
# Included from the top-level Makefile (`include tests/progs/progs.mk`) or
# used on its own from the repository root:
#
#     make -f tests/progs/progs.mk test-progs
#
# Every tests/progs/NAME.c is built three times:
#     build/tests/glibc/NAME           gcc -static -O1 -g -Wall -Werror
#     build/tests/musl/NAME            musl-gcc -static -O1 -Wall -Werror
#     build/tests/riscv64-glibc/NAME   riscv64-linux-gnu-gcc -static -O1 -g -Wall -Werror
# (riscv64-vm's programs; Debian has no musl cross compiler for riscv64).
#
# This fragment defines no `all` and leaves the including Makefile's
# default goal untouched. All its variables start with TESTPROGS_.

TESTPROGS_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

TESTPROGS_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TESTPROGS_OUT ?= build/tests
TESTPROGS_CC_GLIBC ?= gcc
TESTPROGS_CC_MUSL ?= musl-gcc
TESTPROGS_CFLAGS_GLIBC ?= -static -O1 -g -Wall -Werror
TESTPROGS_CFLAGS_MUSL ?= -static -O1 -Wall -Werror
TESTPROGS_CC_RV64 ?= riscv64-linux-gnu-gcc

TESTPROGS_SRCS := $(sort $(wildcard $(TESTPROGS_DIR)/*.c))
TESTPROGS_NAMES := $(basename $(notdir $(TESTPROGS_SRCS)))
TESTPROGS_GLIBC := $(addprefix $(TESTPROGS_OUT)/glibc/,$(TESTPROGS_NAMES))
TESTPROGS_MUSL := $(addprefix $(TESTPROGS_OUT)/musl/,$(TESTPROGS_NAMES))
# Programs marked `//! arch: x86_64` test calls riscv64 does not have.
TESTPROGS_X86_ONLY := $(basename $(notdir $(shell grep -l '^//! arch: x86_64' $(TESTPROGS_SRCS))))
TESTPROGS_RV64 := $(addprefix $(TESTPROGS_OUT)/riscv64-glibc/,$(filter-out $(TESTPROGS_X86_ONLY),$(TESTPROGS_NAMES)))
TESTPROGS_HDRS := $(wildcard $(TESTPROGS_DIR)/*.h)

.PHONY: test-progs test-progs-glibc test-progs-musl test-progs-riscv64 test-progs-clean

test-progs: test-progs-glibc test-progs-musl test-progs-riscv64
test-progs-glibc: $(TESTPROGS_GLIBC)
test-progs-musl: $(TESTPROGS_MUSL)
test-progs-riscv64: $(TESTPROGS_RV64)

$(TESTPROGS_GLIBC): $(TESTPROGS_OUT)/glibc/%: $(TESTPROGS_DIR)/%.c $(TESTPROGS_HDRS) | $(TESTPROGS_OUT)/glibc
	$(TESTPROGS_CC_GLIBC) $(TESTPROGS_CFLAGS_GLIBC) -o $@ $<

$(TESTPROGS_MUSL): $(TESTPROGS_OUT)/musl/%: $(TESTPROGS_DIR)/%.c $(TESTPROGS_HDRS) | $(TESTPROGS_OUT)/musl
	$(TESTPROGS_CC_MUSL) $(TESTPROGS_CFLAGS_MUSL) -o $@ $<

$(TESTPROGS_RV64): $(TESTPROGS_OUT)/riscv64-glibc/%: $(TESTPROGS_DIR)/%.c $(TESTPROGS_HDRS) | $(TESTPROGS_OUT)/riscv64-glibc
	$(TESTPROGS_CC_RV64) $(TESTPROGS_CFLAGS_GLIBC) -o $@ $<

$(TESTPROGS_OUT)/glibc $(TESTPROGS_OUT)/musl $(TESTPROGS_OUT)/riscv64-glibc:
	mkdir -p $@

test-progs-clean:
	rm -rf $(TESTPROGS_OUT)/glibc $(TESTPROGS_OUT)/musl $(TESTPROGS_OUT)/riscv64-glibc

.DEFAULT_GOAL := $(TESTPROGS_SAVED_DEFAULT_GOAL)
