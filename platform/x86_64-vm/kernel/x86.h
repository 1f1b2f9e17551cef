/* x86_64-vm: the kernel's private declarations (CPU access, boot info, memory). */
#ifndef X86VM_X86_H
#define X86VM_X86_H

#include <nto/hal.h>
#include <nto/lib.h>
#include "layout.h"
#include "../../vm-common/kernel/vm.h"

/* What the trap stubs push (entry.S): lowest address first. The first 15
 * words have struct nto_regs' order. */
struct trapframe {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The per-CPU block, GS base while in the kernel (one CPU for now). */
struct percpu {
	uint64_t kstack_top; /* PERCPU_KSTACK */
	uint64_t scratch;    /* PERCPU_SCRATCH: the user rsp during SYSCALL entry */
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP);
}

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_FMASK          0xc0000084

/* ---- console and exit (main.c; dbg_printf, vm_panic: vm-common/kernel/vm.h) ---- */
/* Leaves QEMU through isa-debug-exit: its status is (v << 1) | 1. */
__noreturn void vm_poweroff(int v);

/* ---- physical memory and page tables (mm.c) ---- */
/* Adds RAM [pa, pa+len) to the frame allocator. */
void frames_add(uint64_t pa, uint64_t len);
/* A zeroed 4 KiB frame, or 0. */
uint64_t frame_alloc(void);
void frame_free(uint64_t pa);
/* Takes over the boot page tables (drops the identity map) and extends the
 * direct map to ram_end. */
void pt_init(uint64_t ram_end);

/* Resolves a page fault at program address va that is the kernel's to
 * serve: a demand-zero page's first touch, or a write to a copy-on-write
 * page. 1 if resolved (retry the access), 0 if it is a real fault, -ENOMEM
 * if no frame is left. */
int mm_fault(uint64_t va, bool write);

/* Loads the page tables of as (NULL: the boot address space). */
void mm_switch(struct hal_as *as);

/* ---- the local APIC timer (timer.c) ---- */
void lapic_init(void);
/* Handles the timer vector; true if the core's deadline has passed. */
bool timer_interrupt(void);
/* Counts down delta ns (<= 0: stop), at most a time slice while there are
 * other threads. */
void lapic_arm(int64_t delta);
/* The host's monotonic clock (0 if the host does not answer). */
int64_t now_ns(void);
/* The core's armed deadline (0: none). */
int64_t timer_deadline(void);

/* ---- threads on the one CPU (sched.c) ---- */
void sched_init(void);
/* Threads started and not yet ended (the boot thread included). */
int sched_nthreads(void);
/* Called on a timer interrupt from the program: runs another ready thread
 * for a while; true when the core asked to kick this one meanwhile. */
bool sched_preempt(void);
/* Clears this thread's pending kick (it is entering the core anyway). */
void sched_entering_core(void);
/* The kernel stack of the running thread changed (trap.c sets rsp0). */
void set_kernel_stack(uint64_t top);

/* ---- the program's FPU/SSE/AVX state (fpu.c) ---- */
/* Bytes reserved for one thread's saved state (XSAVE of x87+SSE+AVX is 832). */
#define FPU_AREA 1024
/* Turns on XSAVE with x87, SSE and AVX where the CPU has them. */
void fpu_init(void);
/* Saves the live state into / loads it from a 64-byte aligned FPU_AREA. */
void fpu_save(void *area);
void fpu_load(const void *area);

/* ---- traps (trap.c) ---- */
void cpu_init(void);
void x86_trap(struct trapframe *tf);
/* Serves a SYSCALL; 1 if the return may use sysretq (entry.S), 0 for iretq. */
int x86_syscall(struct trapframe *tf);
__noreturn void enter_frame(struct trapframe *tf);
/* Copies n bytes between kernel and program memory (entry.S): 0, or
 * -EFAULT if a program page faults and mm_fault cannot resolve it. */
long user_copy(void *dst, const void *src, size_t n);
/* The fault-able instructions of user_copy and where their faults resume. */
extern char user_copy_insn[], user_copy_insn8[], user_copy_fixup[];
/* Set when CR4.SMAP is on: user_copy brackets its access with stac/clac. */
extern uint8_t smap_on;

#endif
