/* The x86-64 signal frame (struct rt_sigframe as Linux lays it out). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/signal.h>
#include <arch/sigframe.h>

/* Synchronous faults report their address in cr2 as well as in si_addr. */
static bool is_fault(int signo, const struct ksiginfo *info)
{
	return info->code > 0 && (signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE ||
				  signo == SIGILL || signo == SIGTRAP);
}

int arch_signal_frame(struct nto_regs *r, int signo, const struct ksigaction *act,
		      ksigset_t old_mask, const struct ksiginfo *info, uptr sp)
{
	struct rt_sigframe64 f = {0};
	uint8_t fpu[HAL_FPU_MAX] __attribute__((aligned(64)));
	size_t fpu_n = hal_fpu_save(fpu);
	uptr fp, fpu_at;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT; /* x86-64 libcs always give a restorer */
	/* The FPU state goes first (64-byte aligned, as Linux puts it), the
	 * frame below it. */
	if (fpu_n < HAL_FPU_SIZE || fpu_n > HAL_FPU_MAX)
		return -EFAULT; /* a broken platform: no frame rather than a wrong one */
	fpu_at = ALIGN_DOWN(sp - 128 - fpu_n, 64);
	if (copy_to_user((void *)fpu_at, fpu, fpu_n) < 0)
		return -EFAULT;
	if (fpu_n > HAL_FPU_SIZE)
		f.uc.uc_flags |= UC_FP_XSTATE;
	fp = ALIGN_DOWN(fpu_at - sizeof(f), 16) - 8;
	f.pretcode = act->restorer;
	f.uc.uc_stack = current->altstack;
	struct sigcontext64 *m = &f.uc.uc_mcontext;
	m->r8 = r->r8, m->r9 = r->r9, m->r10 = r->r10, m->r11 = r->r11;
	m->r12 = r->r12, m->r13 = r->r13, m->r14 = r->r14, m->r15 = r->r15;
	m->rdi = r->rdi, m->rsi = r->rsi, m->rbp = r->rbp, m->rbx = r->rbx;
	m->rdx = r->rdx, m->rax = r->rax, m->rcx = r->rcx, m->rsp = r->rsp;
	m->rip = r->rip, m->eflags = r->rflags;
	m->cs = 0x33, m->ss = 0x2b;
	m->cr2 = is_fault(signo, info) ? info->addr : 0;
	m->fpstate = fpu_at;
	m->oldmask = old_mask;
	f.uc.uc_sigmask = old_mask;
	siginfo_fill(&f.info, signo, info);
	if (copy_to_user((void *)fp, &f, sizeof(f)) < 0)
		return -EFAULT;
	r->rsp = fp;
	r->rip = act->handler;
	r->rdi = (uint64_t)signo;
	r->rsi = fp + offsetof(struct rt_sigframe64, info);
	r->rdx = fp + offsetof(struct rt_sigframe64, uc);
	r->rax = 0;
	return 0;
}

/* Reads the frame's fpstate: the FXSAVE area, and the XSAVE rest that its
 * software bytes announce (Linux's format), when that fits HAL_FPU_MAX. */
static int restore_fpstate(uptr at)
{
	uint8_t fpu[HAL_FPU_MAX] __attribute__((aligned(64)));
	struct fpx_sw_bytes sw;
	size_t n = HAL_FPU_SIZE;

	if (copy_from_user(fpu, (void *)at, HAL_FPU_SIZE) < 0)
		return -EFAULT;
	memcpy(&sw, fpu + FPX_SW_OFFSET, sizeof(sw));
	if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size > HAL_FPU_SIZE &&
	    sw.extended_size == sw.xstate_size + 4 && sw.extended_size <= HAL_FPU_MAX) {
		n = sw.extended_size;
		if (copy_from_user(fpu + HAL_FPU_SIZE, (void *)(at + HAL_FPU_SIZE),
				   n - HAL_FPU_SIZE) < 0)
			return -EFAULT;
	}
	hal_fpu_restore(fpu, n);
	return 0;
}

int arch_sigreturn(struct nto_regs *r, ksigset_t *mask)
{
	struct rt_sigframe64 f;
	/* The handler's ret popped pretcode, so the frame starts 8 bytes below. */
	uptr fp = r->rsp - 8;

	if (copy_from_user(&f, (void *)fp, sizeof(f)) < 0)
		return -EFAULT;
	const struct sigcontext64 *m = &f.uc.uc_mcontext;
	r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
	r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
	r->rdi = m->rdi, r->rsi = m->rsi, r->rbp = m->rbp, r->rbx = m->rbx;
	r->rdx = m->rdx, r->rax = m->rax, r->rcx = m->rcx, r->rsp = m->rsp;
	r->rip = m->rip;
	/* Only the user-modifiable flags come back from the frame. */
	r->rflags = (r->rflags & ~0x0dd5UL) | (m->eflags & 0x0dd5UL);
	*mask = f.uc.uc_sigmask;
	if (m->fpstate)
		return restore_fpstate(m->fpstate);
	return 0;
}
