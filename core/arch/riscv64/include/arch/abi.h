/* riscv64 specific parts of the Linux user ABI (RV64GC, lp64d). */
#ifndef NTO_ABI_ARCH_RISCV64_H
#define NTO_ABI_ARCH_RISCV64_H

#include <nto/types.h>

#define NTO_ARCH_NAME     "riscv64"
#define NTO_ELF_MACHINE   243 /* EM_RISCV */
/* AT_HWCAP: one bit per single-letter extension ('a' is bit 0): IMAFDC,
 * what Linux reports for an RV64GC hart. */
#define NTO_HWCAP         ((1UL << ('i' - 'a')) | (1UL << ('m' - 'a')) | (1UL << ('a' - 'a')) | \
			   (1UL << ('f' - 'a')) | (1UL << ('d' - 'a')) | (1UL << ('c' - 'a')))
/* The FP state: struct __riscv_d_ext_state (f0-f31, fcsr), padded to 8;
 * always this size (no V state yet). */
#define NTO_FPU_SIZE      (32 * 8 + 8)
#define NTO_FPU_MAX       NTO_FPU_SIZE

/* There is no vDSO (Linux's handlers return through its rt_sigreturn
 * trampoline): a handler returns to this address (the last page of the
 * lower half, outside every program range), whose instruction fetch
 * faults; the platform turns that fault into rt_sigreturn. */
#define NTO_SIGRETURN_PC  0x3ffffff000UL

/* struct stat in the asm-generic layout (include/uapi/asm-generic/stat.h). */
struct kstat {
	uint64_t st_dev, st_ino;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev, __pad1;
	int64_t st_size;
	int32_t st_blksize, __pad2;
	int64_t st_blocks;
	uint64_t st_atime_sec, st_atime_nsec;
	uint64_t st_mtime_sec, st_mtime_nsec;
	uint64_t st_ctime_sec, st_ctime_nsec;
	uint32_t __unused4, __unused5;
};

/* General registers of a user thread: Linux's struct user_regs_struct
 * (pc, then x1..x31), plus the first argument as the call found it (a0 is
 * also the return register; Linux keeps orig_a0 for restarts). */
struct nto_regs {
	uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
	uint64_t orig_a0;
};

static inline uint64_t regs_sysno(const struct nto_regs *r)
{
	return r->a7;
}

static inline uint64_t regs_arg(const struct nto_regs *r, int i)
{
	switch (i) {
	case 0: return r->a0;
	case 1: return r->a1;
	case 2: return r->a2;
	case 3: return r->a3;
	case 4: return r->a4;
	default: return r->a5;
	}
}

static inline void regs_set_ret(struct nto_regs *r, uint64_t v)
{
	r->a0 = v;
}

static inline uint64_t regs_ip(const struct nto_regs *r)
{
	return r->pc;
}

/* Tells the CPU we are spinning. The Zihintpause hint is not in every
 * toolchain's -march, and the core has no assembly: a compiler barrier. */
static inline void cpu_relax(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Sets up a new thread's registers from its parent's at clone: the child
 * sees 0 from the call and runs on sp if one was given. */
static inline void regs_clone_child(struct nto_regs *r, uint64_t sp)
{
	r->a0 = 0;
	if (sp)
		r->sp = sp;
}

/* Makes the program execute its ecall again (restart): the platform has
 * moved pc past the 4-byte ecall. */
static inline void regs_restart_syscall(struct nto_regs *r)
{
	r->a0 = r->orig_a0;
	r->pc -= 4;
}

static inline uint64_t regs_sp(const struct nto_regs *r)
{
	return r->sp;
}

/* Points a fresh register set at a new program image (execve, first
 * start). a0 = 0: no rtld_fini for the static program's _start. */
static inline void regs_start(struct nto_regs *r, uint64_t ip, uint64_t sp)
{
	*r = (struct nto_regs){0};
	r->pc = ip;
	r->sp = sp;
}

#endif
