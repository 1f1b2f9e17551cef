# platform/riscv64-vm: the core as an S-mode RISC-V kernel on QEMU virt +
# OpenSBI (issue 5). Included by the top Makefile. Builds
# build/riscv64-vm/kernel.elf with Debian's riscv64-unknown-elf-gcc: the
# same core sources, with core/arch/riscv64 in place of core/arch/x86_64,
# plus platform/riscv64-vm/kernel/ and the VMs' shared code
# (platform/vm-common/kernel/). No FP in the kernel (rv64imac, lp64): the
# program's FP registers stay live across traps and are switched per thread.

RV_CC        ?= riscv64-unknown-elf-gcc
RVVM_B       := $(B)/riscv64-vm
RV_MARCH     := -march=rv64imac_zicsr_zifencei -mabi=lp64
RV_GCC_INC   := $(shell $(RV_CC) -print-file-name=include 2>/dev/null)
RV_LIBGCC    := $(shell $(RV_CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name 2>/dev/null)
RV_CORE_SRCS := $(filter-out core/arch/$(ARCH)/%,$(CORE_SRCS)) $(wildcard core/arch/riscv64/*.c)
RVVM_CFLAGS  := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc -isystem $(RV_GCC_INC) \
                -fno-stack-protector -fno-pie $(RV_MARCH) -mcmodel=medany -mno-relax \
                -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
                -Icore/include -Icore/arch/riscv64/include -Iplatform/riscv64-vm/kernel -MMD -MP
RVVM_KSRCS   := $(wildcard platform/riscv64-vm/kernel/*.c) platform/riscv64-vm/kernel/entry.S \
                $(wildcard platform/vm-common/kernel/*.c)
RVVM_MBEDTLS_OBJS := $(RVVM_B)/mbedtls/sha256.o $(RVVM_B)/mbedtls/platform_util.o
RVVM_OBJS    := $(patsubst %.c,$(RVVM_B)/%.o,$(RV_CORE_SRCS)) \
                $(patsubst %,$(RVVM_B)/%.o,$(basename $(RVVM_KSRCS))) $(RVVM_MBEDTLS_OBJS)
RVVM_KERNEL  := $(RVVM_B)/kernel.elf

$(RVVM_B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $< (riscv64-vm)'
	$(Q)$(RV_CC) $(RVVM_CFLAGS) -c $< -o $@

# The FP save/restore in entry.S needs the D extension's instructions.
$(RVVM_B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(RV_CC) -march=rv64imafdc_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax \
		-Iplatform/riscv64-vm/kernel -c $< -o $@

$(RVVM_B)/mbedtls/%.o: $(MBEDTLS)/include/mbedtls/build_info.h \
		platform/sgx-sim/enclave/mbedtls/nto_mbedtls_config.h
	@mkdir -p $(dir $@)
	@echo '  CC      mbedtls/$*.c (riscv64-vm)'
	$(Q)$(RV_CC) -std=gnu11 -O2 -ffreestanding -nostdinc -isystem $(RV_GCC_INC) \
		-fno-stack-protector -fno-pie $(RV_MARCH) -mcmodel=medany -mno-relax \
		-Iplatform/sgx-sim/enclave/mbedtls/shim $(MBEDTLS_INC) \
		-c $(MBEDTLS)/library/$*.c -o $@

$(RVVM_B)/platform/vm-common/kernel/measure.o: $(MBEDTLS)/include/mbedtls/build_info.h
$(RVVM_B)/platform/vm-common/kernel/measure.o: RVVM_CFLAGS += -Iplatform/sgx-sim/enclave/mbedtls/shim $(MBEDTLS_INC)

$(RVVM_KERNEL): $(RVVM_OBJS) platform/riscv64-vm/kernel/kernel.ld
	$(RV_CC) $(RV_MARCH) -nostdlib -static -no-pie -Wl,-T,platform/riscv64-vm/kernel/kernel.ld \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments \
		-Wl,-N -o $@ $(RVVM_OBJS) $(RV_LIBGCC)

.PHONY: riscv64vm-kernel
riscv64vm-kernel: $(RVVM_KERNEL)
