/* Signal state and default actions. Frames are built by the ISA code. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
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

/* Queues signo on a pending set, counting repeats of real-time signals. */
static void queue(ksigset_t *pending, uint16_t *rtq, int signo)
{
	if (signo >= SIGRTMIN_K && (*pending & SIGBIT(signo)) && rtq[signo] < RT_QUEUE_MAX)
		rtq[signo]++;
	*pending |= SIGBIT(signo);
}

/* Picks the thread that takes a process-directed signal: one that does
 * not block it, preferring the caller. */
static struct thread *taker(int signo)
{
	if (!(current->sigmask & SIGBIT(signo)))
		return current;
	for (struct thread *t = current->proc->threads; t; t = t->next) {
		if (!(t->sigmask & SIGBIT(signo)))
			return t;
	}
	return NULL;
}

void signal_send(struct thread *t, int signo)
{
	struct proc *p = current->proc;

	if (p->sigact[signo].handler == SIG_IGN && signo != SIGKILL)
		return;
	if (t)
		queue(&t->pending, p->rt_queued, signo);
	else
		queue(&p->pending, p->rt_queued, signo);
	/* Make the thread that will take it notice: wake it if it sleeps in
	 * the core, interrupt it if it runs program code. */
	struct thread *who = t ? t : taker(signo);
	if (who && who != current) {
		sched_wake(who);
		if (who->state == T_RUNNING)
			hal_thread_kick(who);
	}
}

void signal_raise_self(int signo)
{
	signal_send(current, signo);
}

bool signal_pending_unblocked(void)
{
	return ((current->pending | current->proc->pending) & ~current->sigmask) != 0;
}

/* Acts on one signal: ignore, default action, or a handler frame. */
/* Acts on one signal; returns true if a handler frame was built. */
static bool deliver_one(struct nto_regs *regs, int signo, int code, uint64_t addr, bool fault)
{
	struct ksigaction *act = &current->proc->sigact[signo];
	ksigset_t old = current->restore_mask ? current->saved_mask : current->sigmask;
	uptr sp;

	if (act->handler == SIG_IGN && !fault)
		return false;
	if (act->handler == SIG_DFL || act->handler == SIG_IGN) {
		if (default_ignores(signo) && !fault)
			return false;
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
	current->restore_mask = false;
	current->sigmask = old | act->mask;
	if (!(act->flags & SA_NODEFER))
		current->sigmask |= SIGBIT(signo);
	current->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (act->flags & SA_RESETHAND)
		act->handler = SIG_DFL;
	return true;
}

/* Takes one pending signal off a set (a queued real-time one stays). */
void signal_take(ksigset_t *pending, int s)
{
	uint16_t *rtq = current->proc->rt_queued;

	if (rtq[s])
		rtq[s]--;
	else
		*pending &= ~SIGBIT(s);
}

void signal_mask_until_delivery(ksigset_t mask)
{
	if (!current->restore_mask)
		current->saved_mask = current->sigmask;
	current->restore_mask = true;
	current->sigmask = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
}

/* The syscall the signal interrupted returns -EINTR, or runs again. */
static void interrupted(struct nto_regs *regs, long *ret, const struct ksigaction *act)
{
	if (*ret == -ERESTARTSYS && (act->flags & SA_RESTART))
		regs_restart_syscall(regs);
	else if (*ret == -ERESTARTSYS || *ret == -ERESTARTNOHAND)
		regs_set_ret(regs, (uint64_t)-EINTR);
	*ret = 0;
}

void signal_deliver_pending(struct nto_regs *regs, long ret)
{
	/* The common case on every syscall: nothing to do. */
	if (!((current->pending | current->proc->pending) & ~current->sigmask) &&
	    ret != -ERESTARTSYS && ret != -ERESTARTNOHAND && !current->restore_mask)
		return;
	for (int s = 1; s <= NSIG; s++) {
		ksigset_t bit = SIGBIT(s);
		if (current->sigmask & bit)
			continue;
		if (current->pending & bit)
			signal_take(&current->pending, s);
		else if (current->proc->pending & bit)
			signal_take(&current->proc->pending, s);
		else
			continue;
		/* Decide the interrupted call's fate before the frame saves regs. */
		struct ksigaction act = current->proc->sigact[s];
		bool handler = act.handler != SIG_DFL && act.handler != SIG_IGN;
		if (handler)
			interrupted(regs, &ret, &act);
		deliver_one(regs, s, 0 /* SI_USER */, 0, false);
	}
	/* No handler ran: an interrupted call just runs again. */
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOHAND)
		regs_restart_syscall(regs);
	if (current->restore_mask) {
		current->sigmask = current->saved_mask;
		current->restore_mask = false;
	}
}

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2

static void fault(struct nto_regs *regs, int signo, int code, uint64_t addr)
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

void core_fault(struct nto_regs *regs, int signo, int code, uint64_t addr)
{
	core_lock();
	current->regs = regs;
	fault(regs, signo, code, addr);
	signal_deliver_pending(regs, 0);
	core_unlock();
}
