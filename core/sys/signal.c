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
		if (act.handler == SIG_IGN) {
			/* Ignoring a signal discards it wherever it is pending. */
			current->proc->pending &= ~SIGBIT(sig);
			for (struct thread *t = current->proc->threads; t; t = t->next)
				t->pending &= ~SIGBIT(sig);
		}
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
	ksigset_t p = (current->pending | current->proc->pending) & current->sigmask;

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

long sys_kill(pid_t pid, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	/* One process until fork lands: every target that names it is it. */
	if (pid != current->proc->pid && pid != 0 && pid != -1 && pid != -current->proc->pgid)
		return -ESRCH;
	if (sig)
		signal_send(NULL, sig);
	return 0;
}

/* Sends sig to one thread of this process. */
static long to_thread(pid_t tid, int sig)
{
	struct thread *t = thread_find(tid);

	if (!t)
		return -ESRCH;
	if (sig)
		signal_send(t, sig);
	return 0;
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	if (tgid != current->proc->pid)
		return -ESRCH;
	return to_thread(tid, sig);
}

long sys_tkill(pid_t tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	return to_thread(tid, sig);
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

	return ((current->pending | current->proc->pending) & set) != 0;
}

#define SI_USER  0
#define SI_TKILL (-6)

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
		bool mine = current->pending & bit;
		if (!(set & bit) || !((current->pending | current->proc->pending) & bit))
			continue;
		signal_take(mine ? &current->pending : &current->proc->pending, s);
		if (uinfo) {
			int32_t info[32] = {s, 0, mine ? SI_TKILL : SI_USER, 0, current->proc->pid, 0};
			if (copy_to_user(uinfo, info, sizeof(info)) < 0)
				return -EFAULT;
		}
		return s;
	}
	return -EAGAIN;
}
