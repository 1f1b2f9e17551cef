/* The riscv64 signal frame (struct rt_sigframe as Linux lays it out). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/signal.h>
#include <arch/sigframe.h>

int arch_signal_frame(struct nto_regs *r, int signo, const struct ksigaction *act,
		      ksigset_t old_mask, const struct ksiginfo *info, uptr sp)
{
	struct rv_rt_sigframe f = {0};
	uptr fp = ALIGN_DOWN(sp - sizeof(f), 16);

	f.uc.uc_stack = current->altstack;
	f.uc.uc_sigmask = old_mask;
	/* struct nto_regs starts with user_regs_struct: pc, x1..x31. */
	memcpy(f.uc.uc_mcontext.regs, r, sizeof(f.uc.uc_mcontext.regs));
	_Static_assert(sizeof(f.uc.uc_mcontext.fp.d) >= HAL_FPU_MAX, "the D state holds HAL_FPU_MAX");
	(void)hal_fpu_save(&f.uc.uc_mcontext.fp.d);
	siginfo_fill(&f.info, signo, info);
	if (copy_to_user((void *)fp, &f, sizeof(f)) < 0)
		return -EFAULT;
	r->sp = fp;
	r->pc = act->handler;
	/* Linux returns through its vDSO's trampoline whatever the flags say
	 * (riscv has no SA_RESTORER); NTO has no vDSO: see NTO_SIGRETURN_PC. */
	r->ra = NTO_SIGRETURN_PC;
	r->a0 = (uint64_t)signo;
	r->a1 = fp + offsetof(struct rv_rt_sigframe, info);
	r->a2 = fp + offsetof(struct rv_rt_sigframe, uc);
	return 0;
}

int arch_sigreturn(struct nto_regs *r, ksigset_t *mask)
{
	struct rv_rt_sigframe f;

	/* The handler returned with sp where the frame was built. */
	if (copy_from_user(&f, (void *)r->sp, sizeof(f)) < 0)
		return -EFAULT;
	memcpy(r, f.uc.uc_mcontext.regs, sizeof(f.uc.uc_mcontext.regs));
	r->orig_a0 = r->a0;
	*mask = f.uc.uc_sigmask;
	hal_fpu_restore(&f.uc.uc_mcontext.fp.d, HAL_FPU_SIZE);
	return 0;
}
