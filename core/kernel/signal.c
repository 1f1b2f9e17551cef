/* Signal state and default actions. Frames are built by the ISA code. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/signal.h>

static const char *const names[] = {
	NULL,	    "SIGHUP",  "SIGINT",  "SIGQUIT", "SIGILL",    "SIGTRAP",   "SIGABRT",
	"SIGBUS",   "SIGFPE",  "SIGKILL", "SIGUSR1", "SIGSEGV",   "SIGUSR2",   "SIGPIPE",
	"SIGALRM",  "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",  "SIGTSTP",
	"SIGTTIN",  "SIGTTOU", "SIGURG",  "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

const char *signal_name(int signo)
{
	if (signo > 0 && signo < (int)ARRAY_SIZE(names))
		return names[signo];
	return "SIG?";
}

/* Default action is to ignore the signal. */
static bool default_ignores(int signo)
{
	return signo == SIGCHLD || signo == SIGURG || signo == SIGWINCH || signo == SIGCONT ||
	       signo == SIGSTOP || signo == SIGTSTP || signo == SIGTTIN || signo == SIGTTOU;
}

__noreturn void proc_kill_by_signal(int signo, uint64_t addr, bool have_addr)
{
	if (have_addr)
		klog("program killed by %s at 0x%lx", signal_name(signo), addr);
	else
		klog("program killed by %s", signal_name(signo));
	proc_exit(signo);
}

#define SIGRTMIN_K  32
#define RT_QUEUE_MAX 1024

void signal_raise_self(int signo)
{
	struct proc *p = current->proc;

	if (p->sigact[signo].handler == SIG_IGN)
		return;
	if (signo >= SIGRTMIN_K && (p->pending & SIGBIT(signo)) && p->rt_queued[signo] < RT_QUEUE_MAX)
		p->rt_queued[signo]++;
	p->pending |= SIGBIT(signo);
}

/* Acts on one signal: ignore, default action, or a handler frame. */
static void deliver_one(struct nto_regs *regs, int signo, int code, uint64_t addr, bool fault)
{
	struct ksigaction *act = &current->proc->sigact[signo];
	ksigset_t old = current->sigmask;
	uptr sp;

	if (act->handler == SIG_IGN && !fault)
		return;
	if (act->handler == SIG_DFL || act->handler == SIG_IGN) {
		if (default_ignores(signo) && !fault)
			return;
		proc_kill_by_signal(signo, addr, fault);
	}
	sp = regs_sp(regs);
	if ((act->flags & SA_ONSTACK) && !(current->altstack.ss_flags & SS_DISABLE) &&
	    current->altstack.ss_size) {
		uptr lo = (uptr)current->altstack.ss_sp;
		if (sp < lo || sp >= lo + current->altstack.ss_size)
			sp = lo + current->altstack.ss_size;
	}
	if (arch_signal_frame(regs, signo, act, old, code, addr, sp) < 0)
		proc_kill_by_signal(SIGSEGV, addr, true);
	current->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER))
		current->sigmask |= SIGBIT(signo);
	current->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (act->flags & SA_RESETHAND)
		act->handler = SIG_DFL;
}

void signal_deliver_pending(struct nto_regs *regs)
{
	ksigset_t ready = current->proc->pending & ~current->sigmask;

	for (int s = 1; ready && s <= NSIG; s++) {
		if (!(ready & SIGBIT(s)))
			continue;
		if (current->proc->rt_queued[s])
			current->proc->rt_queued[s]--; /* stays pending for the next one */
		else
			current->proc->pending &= ~SIGBIT(s);
		ready &= ~SIGBIT(s);
		deliver_one(regs, s, 0 /* SI_USER */, 0, false);
	}
}

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2

void core_fault(struct nto_regs *regs, int signo, int code, uint64_t addr)
{
	/* The core owns the map, so it, not the host, knows which kind of
	 * SIGSEGV this is. */
	if (signo == SIGSEGV && code > 0)
		code = vm_find(current->proc->mm, addr) ? SEGV_ACCERR : SEGV_MAPERR;
	/* A blocked or ignored synchronous fault cannot be deferred: Linux kills. */
	if (current->sigmask & SIGBIT(signo))
		proc_kill_by_signal(signo, addr, true);
	deliver_one(regs, signo, code, addr, true);
}
