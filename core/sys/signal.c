/* Signal system calls. */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/sys.h>

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

long sys_rt_sigaction(int sig, const struct ksigaction __user *uact,
		      struct ksigaction __user *uold, size_t size)
{
	struct ksigaction act, *cur;

	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	cur = &current->proc->sigact[sig];
	if (uact) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&act, uact, sizeof(act)) < 0)
			return -EFAULT;
	}
	if (uold && copy_to_user(uold, cur, sizeof(*cur)) < 0)
		return -EFAULT;
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		*cur = act;
		/* Ignoring a signal discards it wherever it is pending. */
		if (act.handler == SIG_IGN)
			signal_discard(current->proc, SIGBIT(sig));
	}
	return 0;
}

long sys_rt_sigprocmask(int how, const ksigset_t __user *uset, ksigset_t __user *uold,
			size_t size)
{
	ksigset_t set, *mask = &current->sigmask;

	if (size != sizeof(ksigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)) < 0)
			return -EFAULT;
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
	}
	if (uold && copy_to_user(uold, mask, sizeof(*mask)) < 0)
		return -EFAULT;
	if (!uset)
		return 0;
	if (how == SIG_BLOCK)
		*mask |= set;
	else if (how == SIG_UNBLOCK)
		*mask &= ~set;
	else
		*mask = set;
	*mask &= ~UNBLOCKABLE;
	return 0;
}

long sys_rt_sigpending(ksigset_t __user *uset, size_t size)
{
	ksigset_t p = (current->pending.set | current->proc->pending.set) & current->sigmask;

	if (size > sizeof(ksigset_t))
		return -EINVAL;
	return copy_to_user(uset, &p, size);
}

long sys_sigaltstack(const kstack_t __user *uss, kstack_t __user *uold)
{
	kstack_t ss, old = current->altstack;
	uptr sp = regs_sp(current->regs);

	if (!old.ss_size)
		old.ss_flags = SS_DISABLE;
	else if (sp >= (uptr)old.ss_sp && sp < (uptr)old.ss_sp + old.ss_size)
		old.ss_flags = SS_ONSTACK;
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)) < 0)
			return -EFAULT;
		if (old.ss_flags == SS_ONSTACK)
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | (int32_t)0x80000000))
			return -EINVAL;
		if (!(ss.ss_flags & SS_DISABLE) && ss.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	if (uss) {
		if (ss.ss_flags & SS_DISABLE)
			ss = (kstack_t){NULL, SS_DISABLE, 0};
		current->altstack = ss;
	}
	return 0;
}

long sys_rt_sigreturn(void)
{
	ksigset_t mask;

	if (arch_sigreturn(current->regs, &mask) < 0)
		proc_kill_by_signal(SIGSEGV, regs_sp(current->regs), true);
	current->sigmask = mask & ~UNBLOCKABLE;
	current->regs_replaced = true;
	return 0;
}

/* Sends sig (0: none, an existence check) from the caller to process p. */
static void kill_proc(struct proc *p, int sig)
{
	struct ksiginfo info = {.code = SI_USER, .pid = current->proc->pid, .uid = 0};

	if (sig)
		signal_post(p, NULL, sig, &info);
}

long sys_kill(pid_t pid, int sig)
{
	struct proc *next;
	bool found = false;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_of_id(pid);
		if (!p)
			return -ESRCH;
		kill_proc(p, sig);
		return 0;
	}
	if (pid == INT32_MIN)
		return -ESRCH; /* as Linux: -INT_MIN names no group */
	/* 0: the caller's group; -1: everyone but pid 1 and the caller (as
	 * Linux); < -1: group -pid. Zombies count as found but take nothing. */
	pid_t pgid = pid == 0 ? current->proc->pgid : -pid;
	for (struct proc *p = procs; p; p = next) {
		next = p->next;
		if (pid == -1 ? (p->pid == 1 || p == current->proc) : p->pgid != pgid)
			continue;
		found = true;
		kill_proc(p, sig);
	}
	return found ? 0 : -ESRCH;
}

/* Sends sig to thread tid (of any process; of process tgid if tgid > 0). */
static long to_thread(pid_t tgid, pid_t tid, int sig)
{
	struct thread *t = thread_lookup(tid);

	if (!t || (tgid > 0 && t->proc->pid != tgid))
		return -ESRCH;
	if (sig)
		signal_send(t, sig);
	return 0;
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	return to_thread(tgid, tid, sig);
}

long sys_tkill(pid_t tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	return to_thread(0, tid, sig);
}

/* Reads the siginfo of rt_sigqueueinfo: only the caller may claim to be
 * the kernel or tgkill when it signals someone else (as Linux). */
static long queued_info(pid_t target, const void __user *uinfo, struct ksiginfo *info)
{
	int32_t w[32];

	if (copy_from_user(w, uinfo, sizeof(w)) < 0)
		return -EFAULT;
	info->code = w[2];
	memcpy((char *)info + offsetof(struct ksiginfo, pid), &w[4], 16);
	if ((info->code >= 0 || info->code == SI_TKILL) && target != current->proc->pid)
		return -EPERM;
	return 0;
}

long sys_rt_sigqueueinfo(pid_t tgid, int sig, const void __user *uinfo)
{
	struct ksiginfo info;
	struct proc *p;
	long r;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	r = queued_info(tgid, uinfo, &info);
	if (r < 0)
		return r;
	p = tgid > 0 ? proc_of_id(tgid) : NULL;
	if (!p)
		return -ESRCH;
	if (sig)
		signal_post(p, NULL, sig, &info);
	return 0;
}

long sys_rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, const void __user *uinfo)
{
	struct ksiginfo info;
	struct thread *t;
	long r;

	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	r = queued_info(tgid, uinfo, &info);
	if (r < 0)
		return r;
	t = thread_lookup(tid);
	if (!t || t->proc->pid != tgid)
		return -ESRCH;
	if (sig)
		signal_post(t->proc, t, sig, &info);
	return 0;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

long sys_rt_sigsuspend(const ksigset_t __user *umask, size_t size)
{
	ksigset_t mask;
	int r;

	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	signal_mask_until_delivery(mask);
	r = sched_wait(never, NULL, -1);
	return r == -EINTR ? -ERESTARTNOHAND : r;
}

long sys_pause(void)
{
	int r = sched_wait(never, NULL, -1);

	return r == -EINTR ? -ERESTARTNOHAND : r;
}

static bool pending_in(void *arg)
{
	ksigset_t set = *(ksigset_t *)arg;

	return ((current->pending.set | current->proc->pending.set) & set) != 0;
}

long sys_rt_sigtimedwait(const ksigset_t __user *uset, void __user *uinfo,
			 const struct timespec __user *uts, size_t size)
{
	ksigset_t set;
	struct timespec ts;
	int64_t deadline = -1;
	int r;

	if (size != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	set &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		int64_t ns = ts.tv_sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX / 2
								    : ts.tv_sec * 1000000000 + ts.tv_nsec;
		deadline = ns ? ktime_mono() + ns : 0;
	}
	r = deadline == 0 ? (pending_in(&set) ? 0 : -ETIMEDOUT) : sched_wait(pending_in, &set, deadline);
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	if (r < 0)
		return r == -EINTR ? -ERESTARTNOHAND : r;
	for (int s = 1; s <= NSIG; s++) {
		ksigset_t bit = SIGBIT(s);
		bool mine = current->pending.set & bit;
		struct ksiginfo info;
		uint8_t out[128];
		if (!(set & bit) || !((current->pending.set | current->proc->pending.set) & bit))
			continue;
		signal_take(mine ? &current->pending : &current->proc->pending, s, &info);
		siginfo_fill(out, s, &info);
		if (uinfo && copy_to_user(uinfo, out, sizeof(out)) < 0)
			return -EFAULT;
		return s;
	}
	return -EAGAIN;
}
