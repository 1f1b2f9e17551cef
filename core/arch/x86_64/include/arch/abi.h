/* x86-64 specific parts of the Linux user ABI. */
#ifndef NTO_ABI_ARCH_X86_64_H
#define NTO_ABI_ARCH_X86_64_H

#include <nto/types.h>

#define NTO_ARCH_NAME     "x86_64"
#define NTO_ELF_MACHINE   62 /* EM_X86_64 */
#define NTO_HWCAP         0x178bfbffUL
#define NTO_FPU_SIZE      512  /* the FXSAVE area (HAL_FPU_SIZE) */
#define NTO_FPU_MAX       4096 /* XSAVE, x87..AVX-512: 2432 + 4 bytes (HAL_FPU_MAX) */

struct kstat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, __pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t st_atime_sec, st_atime_nsec;
	uint64_t st_mtime_sec, st_mtime_nsec;
	uint64_t st_ctime_sec, st_ctime_nsec;
	int64_t __unused[3];
};

/* General registers of a user thread, as the platform hands them to the core. */
struct nto_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t orig_rax, rip, rflags, rsp;
};

static inline uint64_t regs_sysno(const struct nto_regs *r)
{
	return r->orig_rax;
}

static inline uint64_t regs_arg(const struct nto_regs *r, int i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->r10;
	case 4: return r->r8;
	default: return r->r9;
	}
}

static inline void regs_set_ret(struct nto_regs *r, uint64_t v)
{
	r->rax = v;
}

static inline uint64_t regs_ip(const struct nto_regs *r)
{
	return r->rip;
}

/* Tells the CPU we are spinning (a builtin, not assembly). */
static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* Sets up a new thread's registers from its parent's at clone: the child
 * sees 0 from the call and runs on sp if one was given. */
static inline void regs_clone_child(struct nto_regs *r, uint64_t sp)
{
	r->rax = 0;
	if (sp)
		r->rsp = sp;
}

/* Makes the program execute its syscall instruction again (restart). */
static inline void regs_restart_syscall(struct nto_regs *r)
{
	r->rax = r->orig_rax;
	r->rip -= 2; /* the length of `syscall` */
}

static inline uint64_t regs_sp(const struct nto_regs *r)
{
	return r->rsp;
}

/* Points a fresh register set at a new program image (execve, first start). */
static inline void regs_start(struct nto_regs *r, uint64_t ip, uint64_t sp)
{
	*r = (struct nto_regs){0};
	r->rip = ip;
	r->rsp = sp;
	r->rflags = 0x202;
}

#endif
