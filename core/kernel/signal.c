/* Signal state, routing between processes, default actions, stop and
 * continue. Frames are built by the ISA code. */
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

#define STOP_SIGS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

const char *signal_name(int signo)
{
	if (signo > 0 && signo < (int)ARRAY_SIZE(names))
		return names[signo];
	return "SIG?";
}

/* Default action is to ignore the signal. */
static bool default_ignores(int signo)
{
	return signo == SIGCHLD || signo == SIGURG || signo == SIGWINCH || signo == SIGCONT;
}

static bool is_stop(int signo)
{
	return (STOP_SIGS & SIGBIT(signo)) != 0;
}

__noreturn void proc_kill_by_signal(int signo, uint64_t addr, bool have_addr)
{
	/* Only the first program's death is news: the rest die silently, as
	 * on Linux, and their parent learns it from wait. */
	if (current->proc->pid == 1) {
		if (have_addr)
			klog("program killed by %s at 0x%lx", signal_name(signo), addr);
		else
			klog("program killed by %s", signal_name(signo));
	}
	proc_exit(signo);
}

#define SIGRTMIN_K  32
#define RT_QUEUE_MAX 1024

/* Queues signo on a pending set. A standard signal pending already is not
 * queued again; each instance of a real-time signal is, with its own
 * siginfo (sigqueue's value), up to a limit (as Linux's RLIMIT_SIGPENDING). */
static void queue(struct sigpending *sp, int signo, const struct ksiginfo *info)
{
	if (!(sp->set & SIGBIT(signo))) {
		sp->set |= SIGBIT(signo);
		sp->info[signo] = *info;
		return;
	}
	if (signo < SIGRTMIN_K || sp->queued[signo] >= RT_QUEUE_MAX)
		return;
	struct sigqueued *q = kmalloc(sizeof(*q)), **tail = &sp->more;
	if (!q)
		return;
	*q = (struct sigqueued){NULL, signo, *info};
	while (*tail)
		tail = &(*tail)->next;
	*tail = q;
	sp->queued[signo]++;
}

static void unqueue_mask(struct sigpending *sp, ksigset_t mask)
{
	sp->set &= ~mask;
	for (struct sigqueued **pp = &sp->more; *pp;) {
		struct sigqueued *q = *pp;
		if (mask & SIGBIT(q->signo)) {
			sp->queued[q->signo] = 0;
			*pp = q->next;
			kfree(q);
		} else {
			pp = &q->next;
		}
	}
}

void sigpending_clear(struct sigpending *sp)
{
	unqueue_mask(sp, ~(ksigset_t)0);
}

void signal_discard(struct proc *p, ksigset_t mask)
{
	unqueue_mask(&p->pending, mask);
	for (struct thread *t = p->threads; t; t = t->next)
		unqueue_mask(&t->pending, mask);
}

/* Picks the thread of p that takes a process-directed signal: one that
 * does not block it, preferring the caller. */
static struct thread *taker(struct proc *p, int signo)
{
	if (current && current->proc == p && !(current->sigmask & SIGBIT(signo)))
		return current;
	for (struct thread *t = p->threads; t; t = t->next) {
		if (!(t->sigmask & SIGBIT(signo)))
			return t;
	}
	return NULL;
}

static void wake_threads(struct proc *p)
{
	for (struct thread *t = p->threads; t; t = t->next) {
		if (t != current)
			sched_wake(t);
	}
}

void signal_notify_parent(struct proc *p, int sig, int code, int status)
{
	struct proc *parent = p->parent;

	if (!parent || parent->state != PS_ALIVE)
		return;
	if (sig) {
		struct ksiginfo info = {.code = code, .pid = p->pid, .uid = 0};
		info.val = (uint64_t)(uint32_t)status;
		signal_post(parent, NULL, sig, &info);
	}
	wake_threads(parent); /* a thread may wait in wait4 */
}

void signal_notify_stop(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	bool quiet = parent && (parent->sigact[SIGCHLD].flags & SA_NOCLDSTOP);

	signal_notify_parent(p, quiet ? 0 : SIGCHLD, code, status);
}

/* SIGCONT: the stopped process runs again, and its parent hears of it. */
static void proc_continue(struct proc *p)
{
	p->stopped = false;
	p->report = REPORT_CONTINUED;
	signal_notify_stop(p, CLD_CONTINUED, SIGCONT);
	wake_threads(p);
}

/* What Linux does when the signal is sent, before anyone takes it. */
static void on_send(struct proc *p, int signo)
{
	if (is_stop(signo)) {
		signal_discard(p, SIGBIT(SIGCONT));
	} else if (signo == SIGCONT) {
		signal_discard(p, STOP_SIGS);
		if (p->stopped)
			proc_continue(p);
	} else if (signo == SIGKILL && p->stopped) {
		wake_threads(p); /* to die: a stop does not hold off SIGKILL */
	}
}

/* A signal nobody would act on is not queued (as Linux): an ignored one,
 * or one whose default is to ignore it unless it is blocked (its handler
 * may change before it is unblocked). Else a SIGCHLD nobody wants would
 * interrupt the parent's sleeps. */
static bool dropped(struct proc *p, struct thread *t, int signo)
{
	uint64_t h = p->sigact[signo].handler;

	if (signo == SIGKILL || (h != SIG_IGN && (h != SIG_DFL || !default_ignores(signo))))
		return false;
	if (h == SIG_IGN)
		return true;
	return t ? !(t->sigmask & SIGBIT(signo)) : taker(p, signo) != NULL;
}

void signal_post(struct proc *p, struct thread *t, int signo, const struct ksiginfo *info)
{
	if (p->state != PS_ALIVE)
		return;
	on_send(p, signo);
	if (dropped(p, t, signo))
		return;
	queue(t ? &t->pending : &p->pending, signo, info);
	/* Make the thread that will take it notice: wake it if it sleeps in
	 * the core, interrupt it if it runs program code. */
	struct thread *who = t ? t : taker(p, signo);
	if (who && who != current) {
		sched_wake(who);
		if (who->state == T_RUNNING)
			hal_thread_kick(who);
	}
}

void signal_send(struct thread *t, int signo)
{
	struct ksiginfo info = {.code = t ? SI_TKILL : SI_USER, .pid = current->proc->pid};

	signal_post(t ? t->proc : current->proc, t, signo, &info);
}

void signal_raise_self(int signo)
{
	struct ksiginfo info = {.code = SI_USER, .pid = current->proc->pid};

	signal_post(current->proc, current, signo, &info);
}

bool signal_pending_unblocked(void)
{
	return ((current->pending.set | current->proc->pending.set) & ~current->sigmask) != 0;
}

bool signal_fatal_pending(void)
{
	return ((current->pending.set | current->proc->pending.set) & SIGBIT(SIGKILL)) != 0;
}

/* A stop signal's default action: the whole process stops. The others
 * notice on their way out of the core (kicked if they run program code). */
static void proc_stop(int signo)
{
	struct proc *p = current->proc;

	if (p->stopped)
		return;
	p->stopped = true;
	p->stop_sig = signo;
	p->report = REPORT_STOPPED;
	signal_notify_stop(p, CLD_STOPPED, signo);
	for (struct thread *t = p->threads; t; t = t->next) {
		if (t != current && t->state == T_RUNNING)
			hal_thread_kick(t);
	}
}

static bool resumed(void *arg)
{
	(void)arg;
	return !current->proc->stopped;
}

/* Waits while the process is stopped: only SIGCONT or SIGKILL end it. */
static void stop_wait(void)
{
	sched_wait_killable(resumed, NULL);
	if (current->killed)
		thread_exit(0);
}

/* Acts on one signal; returns true if a handler frame was built. */
static bool deliver_one(struct nto_regs *regs, int signo, const struct ksiginfo *info, bool fault)
{
	struct ksigaction *act = &current->proc->sigact[signo];
	ksigset_t old = current->restore_mask ? current->saved_mask : current->sigmask;
	uptr sp;

	if (act->handler == SIG_IGN && !fault)
		return false;
	if (act->handler == SIG_DFL || act->handler == SIG_IGN) {
		if (!fault && is_stop(signo)) {
			/* The terminal's stops do nothing to an orphaned group
			 * (nobody could continue it), as POSIX says. */
			if (signo == SIGSTOP || !pgrp_orphaned(current->proc->pgid))
				proc_stop(signo);
			return false;
		}
		if (default_ignores(signo) && !fault)
			return false;
		proc_kill_by_signal(signo, info->addr, fault);
	}
	sp = regs_sp(regs);
	if ((act->flags & SA_ONSTACK) && !(current->altstack.ss_flags & SS_DISABLE) &&
	    current->altstack.ss_size) {
		uptr lo = (uptr)current->altstack.ss_sp;
		if (sp < lo || sp >= lo + current->altstack.ss_size)
			sp = lo + current->altstack.ss_size;
	}
	if (arch_signal_frame(regs, signo, act, old, info, sp) < 0)
		proc_kill_by_signal(SIGSEGV, fault ? info->addr : 0, true);
	current->restore_mask = false;
	current->sigmask = old | act->mask;
	if (!(act->flags & SA_NODEFER))
		current->sigmask |= SIGBIT(signo);
	current->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (act->flags & SA_RESETHAND)
		act->handler = SIG_DFL;
	return true;
}

void signal_take(struct sigpending *sp, int s, struct ksiginfo *info)
{
	*info = sp->info[s];
	if (!sp->queued[s]) {
		sp->set &= ~SIGBIT(s);
		return;
	}
	/* The next instance moves up, with its own siginfo. */
	for (struct sigqueued **pp = &sp->more; *pp; pp = &(*pp)->next) {
		struct sigqueued *q = *pp;
		if (q->signo == s) {
			sp->info[s] = q->info;
			*pp = q->next;
			kfree(q);
			break;
		}
	}
	sp->queued[s]--;
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

/* Takes signal s if it is pending for the thread or its process. */
static bool take_pending(int s, struct ksiginfo *info)
{
	if (current->pending.set & SIGBIT(s))
		signal_take(&current->pending, s, info);
	else if (current->proc->pending.set & SIGBIT(s))
		signal_take(&current->proc->pending, s, info);
	else
		return false;
	return true;
}

void signal_deliver_pending(struct nto_regs *regs, long ret)
{
	struct proc *p = current->proc;
	struct ksiginfo info;

	/* The common case on every syscall: nothing to do. */
	if (!((current->pending.set | p->pending.set) & ~current->sigmask) &&
	    ret != -ERESTARTSYS && ret != -ERESTARTNOHAND && !current->restore_mask && !p->stopped)
		return;
	for (int s = 1; s <= NSIG; s++) {
		if (p->stopped)
			stop_wait();
		if ((current->sigmask & SIGBIT(s)) || !take_pending(s, &info))
			continue;
		/* Decide the interrupted call's fate before the frame saves regs. */
		struct ksigaction act = p->sigact[s];
		bool handler = act.handler != SIG_DFL && act.handler != SIG_IGN;
		if (handler)
			interrupted(regs, &ret, &act);
		deliver_one(regs, s, &info, false);
	}
	if (p->stopped)
		stop_wait();
	/* No handler ran: an interrupted call just runs again. */
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOHAND)
		regs_restart_syscall(regs);
	if (current->restore_mask) {
		current->sigmask = current->saved_mask;
		current->restore_mask = false;
	}
}

void siginfo_fill(void *out, int signo, const struct ksiginfo *info)
{
	int32_t *w = out;

	memset(out, 0, 128);
	w[0] = signo;
	w[2] = info->code;
	/* The union starts at byte 16 on 64-bit Linux, laid out as ksiginfo's. */
	memcpy(&w[4], (const char *)info + offsetof(struct ksiginfo, pid), 16);
}

#define SEGV_MAPERR 1
#define BUS_ADRERR  2
#define SEGV_ACCERR 2

static void fault(struct nto_regs *regs, int signo, int code, uint64_t addr)
{
	struct ksiginfo info = {.code = code, .addr = addr};

	/* The core owns the map, so it, not the host, knows which kind of
	 * SIGSEGV this is. */
	if (signo == SIGSEGV && code > 0)
		info.code = vm_find(current->proc->mm, addr) ? SEGV_ACCERR : SEGV_MAPERR;
	/* A blocked or ignored synchronous fault cannot be deferred: Linux kills. */
	if (current->sigmask & SIGBIT(signo))
		proc_kill_by_signal(signo, addr, true);
	deliver_one(regs, signo, &info, true);
}

void core_fault(struct nto_regs *regs, int signo, int code, uint64_t addr)
{
	core_lock();
	current->regs = regs;
	/* A page only waiting for its file's bytes is no fault of the program.
	 * Two threads can fault on one such page at once: the second finds it
	 * filled, and retries once before the fault counts as the program's. */
	int in = signo == SIGSEGV ? vm_fault_in(current->proc->mm, addr) : 0;
	if (in == 2 && current->fault_retry != addr)
		current->fault_retry = addr;
	else if (in < 0)
		fault(regs, SIGBUS, BUS_ADRERR, addr);
	else if (in != 1)
		fault(regs, signo, code, addr);
	if (in != 2)
		current->fault_retry = 0;
	signal_deliver_pending(regs, 0);
	core_unlock();
}
