/* Identity, limits, system information and exit. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

long sys_getpid(void)
{
	return current->proc->pid;
}

long sys_getppid(void)
{
	return current->proc->ppid;
}

long sys_gettid(void)
{
	return current->tid;
}

/* The program runs as root inside the TEE, as in a container. */
long sys_getuid(void)
{
	return 0;
}

long sys_geteuid(void)
{
	return 0;
}

long sys_getgid(void)
{
	return 0;
}

long sys_getegid(void)
{
	return 0;
}

long sys_getgroups(int n, gid_t __user *list)
{
	gid_t g = 0;

	if (n < 0)
		return -EINVAL;
	if (n == 0)
		return 1;
	return copy_to_user(list, &g, sizeof(g)) < 0 ? -EFAULT : 1;
}

static long three_zero(uint32_t __user *a, uint32_t __user *b, uint32_t __user *c)
{
	uint32_t z = 0;

	if (copy_to_user(a, &z, 4) < 0 || copy_to_user(b, &z, 4) < 0 || copy_to_user(c, &z, 4) < 0)
		return -EFAULT;
	return 0;
}

long sys_getresuid(uid_t __user *r, uid_t __user *e, uid_t __user *s)
{
	return three_zero(r, e, s);
}

long sys_getresgid(gid_t __user *r, gid_t __user *e, gid_t __user *s)
{
	return three_zero(r, e, s);
}

long sys_getpgrp(void)
{
	return current->proc->pgid;
}

/* The process pid names (0: the caller), zombies included, or NULL. */
static struct proc *target(pid_t pid)
{
	return pid == 0 ? current->proc : proc_of_id(pid);
}

long sys_getpgid(pid_t pid)
{
	struct proc *p = pid >= 0 ? target(pid) : NULL;

	return p ? p->pgid : -ESRCH;
}

long sys_getsid(pid_t pid)
{
	struct proc *p = pid >= 0 ? target(pid) : NULL;

	return p ? p->sid : -ESRCH;
}

/* True if some process of session sid is in group pgid. */
static bool group_in_session(pid_t pgid, pid_t sid)
{
	for (struct proc *p = procs; p; p = p->next) {
		if (p->pgid == pgid && p->sid == sid)
			return true;
	}
	return false;
}

/* Linux's rules, in Linux's order: the caller or a child of it, in the
 * caller's session and not exec'd yet, no session leader, and a group of
 * the caller's session (or a new one named after the process). */
long sys_setpgid(pid_t pid, pid_t pgid)
{
	struct proc *me = current->proc, *p;

	if (pid == 0)
		pid = me->pid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	p = proc_find(pid);
	if (!p || (p != me && p->parent != me))
		return -ESRCH;
	if (p != me) {
		if (p->sid != me->sid)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	}
	if (p->sid == p->pid)
		return -EPERM; /* a session leader keeps its group, even the same one */
	if (pgid != pid && !group_in_session(pgid, me->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

long sys_setsid(void)
{
	struct proc *p = current->proc;

	/* A group named after the caller exists (it leads it, or did). */
	for (struct proc *q = procs; q; q = q->next) {
		if (q->pgid == p->pid)
			return -EPERM;
	}
	p->sid = p->pgid = p->pid;
	return p->sid;
}

long sys_exit(int status)
{
	thread_exit(status);
}

long sys_exit_group(int status)
{
	proc_exit((status & 0xff) << 8);
}

long sys_set_tid_address(int __user *tidptr)
{
	current->clear_child_tid = (uptr)tidptr;
	return current->tid;
}

long sys_set_robust_list(void __user *head, size_t len)
{
	if (len != 24)
		return -EINVAL;
	current->robust_list = (uptr)head;
	return 0;
}

long sys_prlimit64(pid_t pid, int res, const struct rlimit __user *unew,
		   struct rlimit __user *uold)
{
	struct proc *p = pid >= 0 ? target(pid) : NULL;
	struct rlimit nl, *cur;

	if (!p || p->state != PS_ALIVE)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	cur = &p->rlim[res];
	if (unew) {
		if (copy_from_user(&nl, unew, sizeof(nl)) < 0)
			return -EFAULT;
		if (nl.rlim_cur > nl.rlim_max)
			return -EINVAL;
		if (res == RLIMIT_NOFILE && nl.rlim_max > 1048576)
			return -EPERM;
	}
	if (uold && copy_to_user(uold, cur, sizeof(*cur)) < 0)
		return -EFAULT;
	if (unew)
		*cur = nl;
	return 0;
}

long sys_getrlimit(int res, struct rlimit __user *rl)
{
	return sys_prlimit64(0, res, NULL, rl);
}

long sys_setrlimit(int res, const struct rlimit __user *rl)
{
	return sys_prlimit64(0, res, rl, NULL);
}

static void set_field(char *dst, const char *src)
{
	kstrlcpy(dst, src, 65);
}

long sys_uname(struct new_utsname __user *uu)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	set_field(u.sysname, "Linux");
	set_field(u.nodename, "nto");
	set_field(u.release, "6.1.0-nto");
	set_field(u.version, "#1 SMP NTO");
	set_field(u.machine, NTO_ARCH_NAME);
	set_field(u.domainname, "(none)");
	return copy_to_user(uu, &u, sizeof(u));
}

long sys_sysinfo(struct sysinfo __user *usi)
{
	struct sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = ktime_mono() / 1000000000;
	si.totalram = mem_limit();
	si.freeram = mem_limit() - mem_used();
	for (struct proc *p = procs; p; p = p->next)
		si.procs = (uint16_t)(si.procs + p->nthreads);
	si.mem_unit = 1;
	return copy_to_user(usi, &si, sizeof(si));
}

/* pid names a live thread (0: the caller; a process: its first thread). */
static bool pid_live(pid_t pid)
{
	struct proc *p = pid > 0 ? proc_find(pid) : NULL;

	return pid == 0 || (p && p->state == PS_ALIVE) || thread_lookup(pid);
}

long sys_sched_getaffinity(pid_t pid, size_t len, void __user *mask)
{
	int n = MIN(hal_cpu_count(), 64);
	uint64_t m = n >= 64 ? ~0ULL : (1ULL << n) - 1;

	if (pid < 0 || !pid_live(pid))
		return -ESRCH;
	if (len < sizeof(m) || (len & 7))
		return -EINVAL;
	return copy_to_user(mask, &m, sizeof(m)) < 0 ? -EFAULT : (long)sizeof(m);
}

long sys_sched_yield(void)
{
	return 0;
}


long sys_sched_setaffinity(pid_t pid, size_t len, const void __user *umask)
{
	uint8_t m = 0;

	if (!pid_live(pid))
		return pid < 0 ? -EINVAL : -ESRCH;
	if (len == 0 || copy_from_user(&m, umask, 1) < 0)
		return -EFAULT;
	/* Threads run where the host schedules them: a set that names one of
	 * our CPUs is accepted, an empty one is not. */
	int n = MIN(hal_cpu_count(), 8);
	return (m & ((1U << n) - 1)) ? 0 : -EINVAL;
}

#define SCHED_OTHER 0
#define SCHED_FIFO  1
#define SCHED_RR    2
#define SCHED_BATCH 3
#define SCHED_IDLE  5

long sys_sched_getscheduler(pid_t pid)
{
	if (pid < 0)
		return -EINVAL;
	return pid_live(pid) ? SCHED_OTHER : -ESRCH;
}

long sys_sched_getparam(pid_t pid, int __user *param)
{
	int prio = 0;

	if (pid < 0 || !param)
		return -EINVAL;
	if (!pid_live(pid))
		return -ESRCH;
	return copy_to_user(param, &prio, sizeof(prio));
}

/* Reads the priority a sched_set* call names, after Linux's checks. */
static long read_prio(pid_t pid, const int __user *param, int *prio)
{
	if (pid < 0 || !param)
		return -EINVAL;
	if (!pid_live(pid))
		return -ESRCH;
	return copy_from_user(prio, param, sizeof(*prio));
}

long sys_sched_setparam(pid_t pid, const int __user *param)
{
	int prio;
	long r = read_prio(pid, param, &prio);

	if (r < 0)
		return r;
	return prio == 0 ? 0 : -EINVAL;
}

long sys_sched_setscheduler(pid_t pid, int policy, const int __user *param)
{
	int prio;
	long r = read_prio(pid, param, &prio);

	if (r < 0)
		return r;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE)
		return prio == 0 ? 0 : -EINVAL;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return prio < 1 || prio > 99 ? -EINVAL : -EPERM; /* no real-time inside the TEE */
	return -EINVAL;
}

long sys_sched_get_priority_max(int policy)
{
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return 99;
	return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return 1;
	return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}

long sys_getcpu(unsigned __user *cpu, unsigned __user *node, void __user *cache)
{
	unsigned z = 0;

	(void)cache;
	if (cpu && copy_to_user(cpu, &z, sizeof(z)) < 0)
		return -EFAULT;
	if (node && copy_to_user(node, &z, sizeof(z)) < 0)
		return -EFAULT;
	return 0;
}

#define PR_SET_PDEATHSIG  1
#define PR_GET_PDEATHSIG  2
#define PR_SET_NAME       15
#define PR_GET_NAME       16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

static long put_int(unsigned long where, int v)
{
	return copy_to_user((void *)where, &v, sizeof(v));
}

long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
	       unsigned long a5)
{
	char name[16];

	(void)a3, (void)a4, (void)a5;
	switch (option) {
	case PR_SET_NAME:
		if (copy_from_user(name, (void *)a2, 1) < 0)
			return -EFAULT;
		memset(name, 0, sizeof(name));
		if (strncpy_from_user(name, (void *)a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(current->proc->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((void *)a2, current->proc->comm, sizeof(current->proc->comm));
	case PR_GET_NO_NEW_PRIVS:
		return 0;
	case PR_SET_CHILD_SUBREAPER:
		current->proc->subreaper = a2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_int(a2, current->proc->subreaper);
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -EINVAL;
		current->proc->pdeath_sig = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_int(a2, current->proc->pdeath_sig);
	default:
		return -EINVAL; /* as Linux does for an option it does not know */
	}
}
