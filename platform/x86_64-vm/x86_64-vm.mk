# platform/x86_64-vm: the core as a ring-0 kernel in a QEMU VM (issue 4).
# Included by the top Makefile. Builds build/x86_64-vm/kernel.elf: the same
# core sources as sgx-sim, compiled again for the higher half
# (-mcmodel=kernel, no PIE), plus platform/x86_64-vm/kernel/.

X86VM_B      := $(B)/x86_64-vm
X86VM_CFLAGS := $(filter-out -fPIE,$(CORE_CFLAGS)) -fno-pie -mcmodel=kernel -Iplatform/x86_64-vm/kernel
# platform/vm-common/kernel: the virtio driver, host calls, measurement and
# boot code, console, frame allocator and scheduler shared with riscv64-vm
# (its vm_plat.h is found through -I above).
X86VM_KSRCS  := $(wildcard platform/x86_64-vm/kernel/*.c) $(wildcard platform/x86_64-vm/kernel/*.S) \
                $(addprefix platform/vm-common/kernel/,boot.c console.c frames.c hostcall.c \
                  measure.c sched.c virtio.c)
# SHA-256 from the same mbedTLS as sgx-sim: the kernel measures the image.
X86VM_MBEDTLS_OBJS := $(X86VM_B)/mbedtls/sha256.o $(X86VM_B)/mbedtls/platform_util.o
X86VM_OBJS   := $(patsubst %.c,$(X86VM_B)/%.o,$(CORE_SRCS)) \
                $(patsubst %,$(X86VM_B)/%.o,$(basename $(X86VM_KSRCS))) $(X86VM_MBEDTLS_OBJS)
X86VM_KERNEL := $(X86VM_B)/kernel.elf

$(X86VM_B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $< (x86_64-vm)'
	$(Q)$(CC) $(X86VM_CFLAGS) -c $< -o $@

$(X86VM_B)/mbedtls/%.o: $(MBEDTLS)/include/mbedtls/build_info.h \
		platform/sgx-sim/enclave/mbedtls/nto_mbedtls_config.h
	@mkdir -p $(dir $@)
	@echo '  CC      mbedtls/$*.c (x86_64-vm)'
	$(Q)$(CC) $(filter-out -fPIE,$(MBEDTLS_CFLAGS)) -fno-pie -mcmodel=kernel \
		-c $(MBEDTLS)/library/$*.c -o $@

$(X86VM_B)/platform/vm-common/kernel/measure.o: $(MBEDTLS)/include/mbedtls/build_info.h
$(X86VM_B)/platform/vm-common/kernel/measure.o: X86VM_CFLAGS += -Iplatform/sgx-sim/enclave/mbedtls/shim $(MBEDTLS_INC)

$(X86VM_B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -Iplatform/x86_64-vm/kernel -c $< -o $@

$(X86VM_KERNEL): $(X86VM_OBJS) platform/x86_64-vm/kernel/kernel.ld
	$(CC) -nostdlib -static -no-pie -Wl,-T,platform/x86_64-vm/kernel/kernel.ld \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments \
		-o $@ $(X86VM_OBJS) -lgcc

.PHONY: x86vm-kernel
x86vm-kernel: $(X86VM_KERNEL)
