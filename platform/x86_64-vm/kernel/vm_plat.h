/* x86_64-vm: what the shared VM kernel code (platform/vm-common/kernel/)
 * needs from this platform: see vm-common/kernel/vm.h. */
#ifndef X86VM_VM_PLAT_H
#define X86VM_VM_PLAT_H

#include "x86.h"

#define VM_NAME "x86_64-vm"

/* microvm's virtio-mmio transports (docs/platform-x86_64-vm.md) */
#define VIRTIO_MMIO_BASE   0xfeb00000UL
#define VIRTIO_MMIO_STRIDE 0x200
#define VIRTIO_MMIO_SLOTS  32

static inline uint64_t kva_to_pa(const void *p)
{
	return (uint64_t)p - KERNEL_VMA;
}

/* x86 keeps stores in order and MMIO is uncached: a compiler and CPU
 * fence is all the device needs. */
static inline void vm_dma_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void vm_cpu_relax(void)
{
	__asm__ volatile("pause");
}

/* Per-thread CPU state the scheduler keeps (vm-common/kernel/sched.c):
 * the FPU/SSE/AVX registers (fpu.c's area) and the FS base. */
struct vm_thread_arch {
	uint8_t fpu[FPU_AREA] __attribute__((aligned(64)));
	uint64_t fs;
};

#endif
