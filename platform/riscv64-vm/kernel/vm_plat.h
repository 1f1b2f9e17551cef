/* riscv64-vm: what the shared VM kernel code (platform/vm-common/kernel/)
 * needs from this platform: see vm-common/kernel/vm.h. */
#ifndef RVVM_VM_PLAT_H
#define RVVM_VM_PLAT_H

#include "rv.h"

#define VM_NAME "riscv64-vm"

/* QEMU virt's virtio-mmio transports */
#define VIRTIO_MMIO_BASE   0x10001000UL
#define VIRTIO_MMIO_STRIDE 0x1000
#define VIRTIO_MMIO_SLOTS  8

/* RVWMO: device memory (I/O) and RAM are ordered only by a fence that
 * names both. */
static inline void vm_dma_fence(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

static inline void vm_cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Per-thread CPU state the scheduler keeps (vm-common/kernel/sched.c): the
 * FP registers (tp is a general register, in the thread's trap frame). */
struct vm_thread_arch {
	uint64_t fp[NTO_FPU_SIZE / 8];
};

#endif
