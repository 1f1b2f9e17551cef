/* riscv64-vm: the kernel's private declarations (CSRs, SBI, boot info, memory). */
#ifndef RVVM_RV_H
#define RVVM_RV_H

#include <nto/hal.h>
#include <nto/lib.h>
#include "layout.h"
#include "../../vm-common/kernel/vm.h"

/* What trap_entry saves (entry.S): the first 32 words have struct
 * nto_regs' order (pc, x1..x31). */
struct trapframe {
	uint64_t regs[32];
	uint64_t sstatus, scause, stval, pad;
};

#define csr_read(name)                                           \
	({                                                       \
		uint64_t v_;                                     \
		__asm__ volatile("csrr %0, " #name : "=r"(v_)); \
		v_;                                              \
	})
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_set(name, v)   __asm__ volatile("csrs " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP);
}

static inline uint64_t kva_to_pa(const void *p)
{
	return (uint64_t)p - KERNEL_OFFSET;
}

/* ---- SBI (main.c) ---- */
struct sbiret {
	long error, value;
};
/* One SBI call: extension eid, function fid, arguments a0..a2. */
struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2);

/* ---- the device tree (fdt.c) ---- */
struct fdt_info {
	uint64_t ram_base, ram_size;
	uint64_t initrd_start, initrd_end; /* 0, 0: none */
	uint64_t timebase;                 /* Hz of the time CSR */
	char bootargs[256];
};
/* Reads what the kernel needs from the flattened device tree at fdt (in
 * the direct map); false if it is malformed. */
bool fdt_parse(const void *fdt, struct fdt_info *out);
/* The size the FDT header claims (0 if it is not an FDT). */
uint32_t fdt_size(const void *fdt);

/* ---- physical memory and page tables (mm.c, vm-common/kernel/frames.c) ---- */
/* Drops the boot identity map and makes the tables the core's heap needs. */
void pt_init(void);

/* Gives the untouched (demand-zero) program page at va its zeroed frame;
 * false if va is no such page (or no frame is left). */
bool mm_fill_zero(uint64_t va);
/* Resolves a write to the copy-on-write program page at va (a copy of the
 * shared frame, or W back on the last owner's); false if va is no such
 * page whose permissions allow writing (or no frame is left). */
bool mm_cow_fault(uint64_t va);

/* ---- the timer (timer.c) ---- */
/* Starts the clock at the time CSR's rate timebase_hz (from the device
 * tree), with no timer pending and the timer interrupt enabled in sie. */
void timer_init(uint64_t timebase_hz);
/* Makes the monotonic clock read host_ns now (once, before any wait: the
 * time CSR counts from boot, programs expect a clock as old as the host's). */
void timer_rebase(int64_t host_ns);
/* Handles the timer interrupt; true if the core's deadline has passed. */
bool timer_interrupt(void);

/* ---- FP state (entry.S) ---- */
/* Saves f0-f31 and fcsr into buf (struct __riscv_d_ext_state's layout). */
void fpu_save(void *buf);
/* Loads f0-f31 and fcsr from buf. */
void fpu_restore(const void *buf);

/* ---- traps (trap.c, entry.S) ---- */
/* A trap from the program (an ecall, a fault, the timer): serves it and
 * returns to trap_return with tf, which the core may have rewritten. */
void rv_trap_user(struct trapframe *tf);
/* Copies n bytes between kbuf and the running program's address uva
 * (to_user: into the program) through the direct map, serving demand-zero
 * and copy-on-write pages on the way: 0, or -EFAULT where the program could
 * not make the access itself (mm.c). */
int mm_copy_user(void *kbuf, uint64_t uva, size_t n, bool to_user);
/* Reads Zkr's seed CSR once (entry.S): OPST in bits 31:30, 16 bits of
 * entropy in 15:0 when OPST is ES16; SEED_DEAD where there is no seed CSR. */
uint64_t rv_seed_read(void);
extern char rv_seed_insn[];
#define SEED_OPST(v) (((v) >> 30) & 3)
#define SEED_ES16    2
#define SEED_DEAD    (3UL << 30)
/* A trap of the kernel itself: returns only from the seed CSR's probe
 * (trap.c), else ends the VM with a report. */
void rv_trap_kernel(struct trapframe *tf);
/* Returns to the program from frame tf (anywhere in kernel memory). */
__noreturn void trap_return(struct trapframe *tf);

#endif
