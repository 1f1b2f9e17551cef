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
/* Writes n bytes to the debug console. */
void vm_dbg_puts(const char *s, size_t n);
/* Ends the VM with exit status v (as far as the machine can carry it). */
__noreturn void vm_poweroff(int v);
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

/* Reads clock clk from the host (HC_CLOCK). */
int vm_host_clock(int clk, int64_t *ns);
/* Tells the host the program's exit status (HC_EXIT), then powers off. */
__noreturn void vm_host_exit(int status);

/* ---- vm-common/kernel/frames.c ---- */
/* Adds RAM [pa, pa+len) to the frame allocator. */
void frames_add(uint64_t pa, uint64_t len);
/* A zeroed 4 KiB frame, or 0. */
uint64_t frame_alloc(void);
/* Lets go of frame pa: frees it, or drops one share of a shared one. */
void frame_free(uint64_t pa);
/* Gives frame pa one more owner (copy-on-write); false if it cannot count
 * more (the caller copies instead). */
bool frame_share(uint64_t pa);
/* Whether frame pa has more than one owner. */
bool frame_shared(uint64_t pa);

/* ---- vm-common/kernel/sched.c: threads on the one CPU ---- */
void sched_init(void);
/* Threads started and not yet ended (the boot thread included). */
int sched_nthreads(void);
/* Called on a timer interrupt from the program: runs another ready thread
 * for a while; true when the core asked to kick this one meanwhile. */
bool sched_preempt(void);
/* Clears this thread's pending kick (it is entering the core anyway). */
void sched_entering_core(void);

/* What sched.c needs from the platform (vm_plat.h defines struct
 * vm_thread_arch, the per-thread CPU state kept across a switch). */
struct vm_thread_arch;
/* Saves the running thread's CPU state into prev and loads next's. */
void vm_arch_switch(struct vm_thread_arch *prev, const struct vm_thread_arch *next);
/* Readies a new thread's state: the creator's FP state, and TLS base tls
 * (on an ISA whose TLS register is a general one, put into regs). */
void vm_arch_thread_init(struct vm_thread_arch *a, struct nto_regs *regs, uint64_t tls);
/* Lays out a fresh kernel stack ending at top so that switch_stack to the
 * returned stack pointer calls entry. */
uint64_t vm_arch_first_stack(uint64_t top, void (*entry)(void));
/* Saves the callee-saved registers on this stack into *save_sp and
 * resumes the stack at sp (assembly). */
void switch_stack(uint64_t *save_sp, uint64_t sp);
/* The kernel stack the next trap from the program uses. */
void set_kernel_stack(uint64_t top);
/* Loads the page tables of as (NULL: the boot address space). */
void mm_switch(struct hal_as *as);
/* Sleeps until an interrupt is pending (with interrupts off in the kernel). */
void vm_idle(void);
/* Makes the timer interrupt in delta ns (<= 0: stop), at most a time slice
 * while there are other threads. */
void timer_arm(int64_t delta);
/* The monotonic clock in ns. */
int64_t now_ns(void);
/* The core's armed deadline (0: none). */
int64_t timer_deadline(void);

/* ---- vm-common/kernel/console.c ---- */
/* Prints the kernel's own diagnostics (the debug console). */
void dbg_printf(const char *fmt, ...) printf_like(1, 2);
/* Prints a kernel-fault report and ends the VM with status 70. */
__noreturn void vm_panic(const char *fmt, ...) printf_like(1, 2);
/* Whether the space-separated command line s holds the word w. */
bool vm_has_word(const char *s, const char *w);

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
