/* Linux's x86-64 signal frame layout: used by the core to build program
 * frames and by platforms that receive host signals in the same format. */
#ifndef NTO_ARCH_SIGFRAME_H
#define NTO_ARCH_SIGFRAME_H

#include <nto/abi.h>

struct sigcontext64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct ucontext64 {
	uint64_t uc_flags;
	uint64_t uc_link;
	kstack_t uc_stack;
	struct sigcontext64 uc_mcontext;
	ksigset_t uc_sigmask;
};

struct siginfo64 {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t si_addr;
	uint8_t rest[128 - 24];
};

/* uc_flags: the fpstate is an XSAVE area with the software bytes below. */
#define UC_FP_XSTATE 0x1

/* Linux's software bytes in the FXSAVE area's reserved tail (byte 464),
 * telling that an XSAVE area follows and how big it is; FP_XSTATE_MAGIC2
 * sits right after the xstate_size bytes of the area. */
#define FPX_SW_OFFSET    464
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size; /* xstate_size + 4 (MAGIC2) */
	uint64_t xfeatures;     /* the XSAVE features enabled (XCR0) */
	uint32_t xstate_size;   /* bytes of the XSAVE area */
	uint32_t padding[7];
};

struct rt_sigframe64 {
	uint64_t pretcode;
	struct ucontext64 uc;
	struct siginfo64 info;
};

#endif
