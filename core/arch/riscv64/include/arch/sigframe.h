/* Linux's riscv64 signal frame (arch/riscv/kernel/signal.c's rt_sigframe,
 * from the uapi headers asm/ucontext.h, asm/sigcontext.h, asm/ptrace.h). */
#ifndef NTO_ARCH_SIGFRAME_H
#define NTO_ARCH_SIGFRAME_H

#include <nto/abi.h>

/* union __riscv_fp_state: the D state first; the Q state sizes the union
 * (f[64] aligned to 16, fcsr, reserved[3]). */
union rv_fp_state {
	struct {
		uint64_t f[32];
		uint32_t fcsr;
	} d;
	struct {
		uint64_t f[64] __attribute__((aligned(16)));
		uint32_t fcsr;
		uint32_t reserved[3];
	} q;
};

struct rv_sigcontext {
	uint64_t regs[32]; /* struct user_regs_struct: pc, x1..x31 */
	union rv_fp_state fp;
};

struct rv_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	kstack_t uc_stack;
	ksigset_t uc_sigmask;
	uint8_t reserved[1024 / 8 - sizeof(ksigset_t)]; /* glibc's 1024-bit sigset_t */
	struct rv_sigcontext uc_mcontext;             /* at 176: 16-byte aligned */
};

struct rv_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t si_addr;
	uint8_t rest[128 - 24];
};

struct rv_rt_sigframe {
	struct rv_siginfo info;
	struct rv_ucontext uc;
};

_Static_assert(offsetof(struct rv_ucontext, uc_mcontext) == 176, "riscv ucontext layout");
_Static_assert(sizeof(struct rv_ucontext) == 960, "riscv ucontext size");
_Static_assert(sizeof(struct nto_regs) == 33 * 8, "nto_regs: user_regs_struct + orig_a0");

#endif
