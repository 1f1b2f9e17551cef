/*
 * The VM platforms' kernel code that does not depend on the ISA
 * (platform/vm-common/kernel/: the virtio-console driver, host calls, the
 * measurement, the start of the core), and what it needs from each
 * platform. Each kernel provides "vm_plat.h" (found on its include path),
 * which defines:
 *   VM_NAME                      the platform's name, for messages
 *   VIRTIO_MMIO_BASE, _STRIDE, _SLOTS   where to look for virtio-mmio
 *   USER_MIN, USER_MAX, KHEAP_BASE, KHEAP_SIZE   the layout
 *   void *phys_to_virt(uint64_t pa)     the direct map
 *   uint64_t kva_to_pa(const void *p)   a kernel image address's frame
 *   void vm_dma_fence(void)      orders memory the device reads or writes
 *                                 against MMIO accesses
 *   void vm_cpu_relax(void)      in a polling loop
 * and includes this header.
 */
#ifndef VM_COMMON_VM_H
#define VM_COMMON_VM_H

#include <nto/hal.h>
#include <nto/lib.h>

/* ---- provided by each platform ---- */
/* Prints the kernel's own diagnostics (the debug console). */
void dbg_printf(const char *fmt, ...) printf_like(1, 2);
/* Prints a kernel-fault report and ends the VM with status 70. */
__noreturn void vm_panic(const char *fmt, ...) printf_like(1, 2);
/* `verbose` (or a boot self-test) was on the kernel command line. */
extern bool vm_verbose;
/* dbg_printf only with `verbose` on the kernel command line. */
#define vlog(...)                                \
	do {                                     \
		if (vm_verbose)                  \
			dbg_printf(__VA_ARGS__); \
	} while (0)
/* Bytes of RAM the frame allocator holds (free now, at boot). */
uint64_t frames_total(void);

/* ---- vm-common/kernel/hostcall.c ---- */
/* Finds the virtio-console and readies the shared host-call region. */
void hostcall_init(void);

/* ---- vm-common/kernel/measure.c ---- */
/* SHA-256 of [p, p+n) into out; false if mbedTLS failed. */
bool vm_measure(const uint8_t *p, size_t n, uint8_t out[32]);

/* ---- vm-common/kernel/boot.c ---- */
/* Checks the initrd's framing at [p, p+len) (in the direct map), starts
 * host calls, measures the image and starts the core on it. */
__noreturn void boot_core(const uint8_t *p, uint64_t len);

#endif
