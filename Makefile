# NTO build. One entry point: `make` builds every platform that exists.
# Platform selection is by folder: platform/<name>/ holds each one.

ARCH      ?= x86_64
PLATFORMS := sgx-sim
B         := build
Q         ?= @

CC        ?= gcc
HOST_CC   ?= gcc
WARN      := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-cast-function-type
GCC_INC   := $(shell $(CC) -print-file-name=include)

# The core: freestanding, no libc, no host headers, no assembly.
CORE_DIRS := core/lib core/kernel core/syscall core/sys core/fs core/mm core/loader \
             core/arch/$(ARCH)
CORE_SRCS := $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c))
CORE_INC  := -Icore/include -Icore/arch/$(ARCH)/include
CORE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc -isystem $(GCC_INC) \
             -fno-stack-protector -fPIE -fvisibility=hidden -mno-red-zone -mgeneral-regs-only \
             -fno-asynchronous-unwind-tables -fno-omit-frame-pointer $(CORE_INC) -MMD -MP

HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Ihost -Icore/include -Icore/arch/$(ARCH)/include -MMD -MP

.PHONY: all clean test demo bench deps check-core unit fuzz integration
all: $(B)/nto

# Both README commands start here: Debian packages, installed if missing.
deps:
	@sh scripts/install-deps.sh

# ---- sgx-sim: the enclave runtime (core + trusted platform) ----
SGX_ENCL_SRCS := $(wildcard platform/sgx-sim/enclave/*.c) $(wildcard platform/sgx-sim/enclave/*.S)
SGX_CORE_OBJS := $(patsubst %.c,$(B)/sgx-sim/%.o,$(CORE_SRCS))
SGX_ENCL_OBJS := $(patsubst %,$(B)/sgx-sim/%.o,$(basename $(SGX_ENCL_SRCS)))

$(B)/sgx-sim/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	$(Q)$(CC) $(CORE_CFLAGS) -c $< -o $@

$(B)/sgx-sim/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CORE_INC) -c $< -o $@

# mbedTLS, from Debian's source package, built freestanding into the runtime.
MBEDTLS     := $(B)/third_party/mbedtls
MBEDTLS_SRC := sha256.c
MBEDTLS_OBJS := $(patsubst %.c,$(B)/sgx-sim/mbedtls/%.o,$(MBEDTLS_SRC))
MBEDTLS_CFLAGS := -std=gnu11 -O3 -funroll-loops -ffreestanding -nostdinc -isystem $(GCC_INC) \
             -fno-stack-protector -fPIE -fvisibility=hidden -mno-red-zone -mgeneral-regs-only \
             -Iplatform/sgx-sim/enclave/mbedtls/shim -Iplatform/sgx-sim/enclave/mbedtls \
             -I$(MBEDTLS)/include -Icore/include -DMBEDTLS_CONFIG_FILE='"nto_mbedtls_config.h"'

$(MBEDTLS)/include/mbedtls/sha256.h:
	@sh scripts/fetch-mbedtls.sh $(MBEDTLS)

$(B)/sgx-sim/mbedtls/%.o: $(MBEDTLS)/include/mbedtls/sha256.h
	@mkdir -p $(dir $@)
	@echo '  CC      mbedtls/$*.c'
	$(Q)$(CC) $(MBEDTLS_CFLAGS) -c $(MBEDTLS)/library/$*.c -o $@

$(SGX_ENCL_OBJS): $(MBEDTLS)/include/mbedtls/sha256.h
$(B)/sgx-sim/platform/sgx-sim/enclave/%.o: CORE_CFLAGS += -I$(MBEDTLS)/include \
	-Iplatform/sgx-sim/enclave/mbedtls -Iplatform/sgx-sim/enclave/mbedtls/shim \
	-DMBEDTLS_CONFIG_FILE='"nto_mbedtls_config.h"'

$(B)/sgx-sim/enclave.elf: $(SGX_CORE_OBJS) $(SGX_ENCL_OBJS) $(MBEDTLS_OBJS) platform/sgx-sim/enclave.ld
	$(CC) -nostdlib -static -no-pie -Wl,-T,platform/sgx-sim/enclave.ld -Wl,--build-id=none \
		-Wl,-z,noexecstack -o $@ $(SGX_CORE_OBJS) $(SGX_ENCL_OBJS) $(MBEDTLS_OBJS) -lgcc

# ---- host side: the nto CLI, image builder, host-call server, launchers ----
-include host/host.mk
SGX_HOST_SRCS := $(wildcard platform/sgx-sim/host/*.c)
SGX_HOST_OBJS := $(patsubst %.c,$(B)/hostobj/%.o,$(SGX_HOST_SRCS)) \
                 $(B)/hostobj/platform/sgx-sim/host/trampolines.o

$(B)/hostobj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  HOSTCC  $<'
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(B)/hostobj/platform/sgx-sim/host/trampolines.o: platform/sgx-sim/host/trampolines.S $(B)/sgx-sim/enclave.elf
	@mkdir -p $(dir $@)
	$(HOST_CC) -DENCLAVE_ELF='"$(B)/sgx-sim/enclave.elf"' -c $< -o $@

$(B)/nto: $(HOST_OBJS) $(SGX_HOST_OBJS)
	$(HOST_CC) -o $@ $^ -lcrypto

-include tests/progs/progs.mk
-include tests/unit/unit.mk
-include bench/bench.mk

PYTEST := /usr/bin/python3 -m pytest -p no:cacheprovider
# Multi-process tests (issue 3: fork, wait, pipes between processes, busybox
# sh pipelines) carry the pytest marker `multiproc`. They are deselected until
# fork lands; to switch them on, empty this line:
# `MULTIPROC :=`. To run only them: pytest -m multiproc tests
MULTIPROC := -m "not multiproc"

integration: all test-progs
	NTO_TEST_NO_BUILD=1 $(PYTEST) -q $(MULTIPROC) tests

# The README's test command: everything, from a fresh clone.
test: deps
	$(MAKE) all test-progs
	sh tests/check_core_objects.sh
	$(MAKE) host-unit
	$(MAKE) unit
	$(MAKE) fuzz-replay
	NTO_TEST_NO_BUILD=1 $(PYTEST) -q $(MULTIPROC) tests

# The README's demo command.
demo: deps
	$(MAKE) all
	@sh scripts/demo.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' -type f -not -path '*/third_party/*' 2>/dev/null)
