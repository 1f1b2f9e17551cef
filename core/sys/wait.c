/* wait4 and waitid: a parent collects its children's exits, stops and
 * continues (see core/kernel/exit.c for how they become zombies). */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/sys.h>

#define WNOHANG     0x00000001
#define WSTOPPED    0x00000002 /* WUNTRACED */
#define WEXITED     0x00000004
#define WCONTINUED  0x00000008
#define WNOWAIT     0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL      0x40000000
#define __WCLONE    0x80000000U
#define WAIT_FLAGS  (__WNOTHREAD | __WCLONE | __WALL)
#define P_ALL   0
#define P_PID   1
#define P_PGID  2
#define P_PIDFD 3

/* Which children a wait is for, and what it wants to hear of. */
struct waitq {
	int type; /* P_ALL, P_PID, P_PGID */
	pid_t id;
	unsigned int options;
};

/* One child's event, as both calls report it. */
struct wres {
	pid_t pid;
	int code;    /* CLD_* */
	int status;  /* exit code or signal */
	int wstatus; /* wait4's encoding */
};

static bool eligible(const struct waitq *q, const struct proc *c)
{
	if (c->parent != current->proc)
		return false;
	if ((q->type == P_PID && c->pid != q->id) || (q->type == P_PGID && c->pgid != q->id))
		return false;
	/* A "clone" child (exit signal other than SIGCHLD) only for __WCLONE. */
	return (q->options & __WALL) || ((c->exit_signal != SIGCHLD) == !!(q->options & __WCLONE));
}

static void exited(const struct proc *c, struct wres *r)
{
	int w = c->wstatus;

	r->wstatus = w;
	if (w & 0x7f) {
		r->code = (w & 0x80) ? CLD_DUMPED : CLD_KILLED;
		r->status = w & 0x7f;
	} else {
		r->code = CLD_EXITED;
		r->status = (w >> 8) & 0xff;
	}
}

/* Fills r if child c has an event q wants; take consumes it (a zombie is
 * reaped) unless WNOWAIT. */
static bool child_event(const struct waitq *q, struct proc *c, struct wres *r, bool take)
{
	bool keep = !take || (q->options & WNOWAIT);

	r->pid = c->pid;
	if (c->state == PS_ZOMBIE) {
		if (!(q->options & WEXITED))
			return false;
		exited(c, r);
		if (!keep)
			proc_reap(c);
		return true;
	}
	if ((c->report & REPORT_STOPPED) && c->stopped && (q->options & WSTOPPED)) {
		*r = (struct wres){c->pid, CLD_STOPPED, c->stop_sig, (c->stop_sig << 8) | 0x7f};
		if (!keep)
			c->report &= (uint8_t)~REPORT_STOPPED;
		return true;
	}
	if ((c->report & REPORT_CONTINUED) && (q->options & WCONTINUED)) {
		*r = (struct wres){c->pid, CLD_CONTINUED, SIGCONT, 0xffff};
		if (!keep)
			c->report &= (uint8_t)~REPORT_CONTINUED;
		return true;
	}
	return false;
}

/* 1 with an event in r, 0 if eligible children have none yet, -ECHILD if
 * there is no eligible child. Children are scanned oldest first. */
static int scan(const struct waitq *q, struct wres *r, bool take)
{
	bool any = false;

	for (struct proc *c = procs; c; c = c->next) {
		if (!eligible(q, c))
			continue;
		any = true;
		if (child_event(q, c, r, take))
			return 1;
	}
	return any ? 0 : -ECHILD;
}

static bool ready(void *arg)
{
	struct wres r;

	return scan(arg, &r, false) != 0;
}

/* The pid of the child whose event fills r, 0 (WNOHANG: nothing yet) or
 * -errno. Children that are reaped at once (the caller ignores SIGCHLD)
 * leave a waiter blocked until the last is gone: then -ECHILD. */
static long do_wait(struct waitq *q, struct wres *r)
{
	for (;;) {
		int n = scan(q, r, true);
		if (n != 0)
			return n < 0 ? n : r->pid;
		if (q->options & WNOHANG)
			return 0;
		if (sched_wait(ready, q, -1) == -EINTR)
			return -ERESTARTSYS;
	}
}

long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage)
{
	struct waitq q = {P_ALL, 0, (unsigned int)options | WEXITED};
	struct wres r;
	uint8_t ru[144] = {0}; /* struct rusage: no accounting is kept */
	long ret;

	if ((unsigned int)options & ~(WNOHANG | WSTOPPED | WCONTINUED | WAIT_FLAGS))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0)
		q = (struct waitq){P_PID, pid, q.options};
	else if (pid == 0 || pid < -1)
		q = (struct waitq){P_PGID, pid ? -pid : current->proc->pgid, q.options};
	ret = do_wait(&q, &r);
	if (ret <= 0)
		return ret;
	if (status && copy_to_user(status, &r.wstatus, sizeof(r.wstatus)) < 0)
		return -EFAULT;
	if (rusage && copy_to_user(rusage, ru, sizeof(ru)) < 0)
		return -EFAULT;
	return ret;
}

/* The fields of siginfo_t waitid writes, as Linux: zeros when WNOHANG
 * found nothing. */
static long put_waitid_info(void __user *info, const struct wres *r, bool found)
{
	int32_t w[8] = {0};

	if (!info)
		return 0;
	if (found) {
		w[0] = SIGCHLD;
		w[2] = r->code;
		w[4] = r->pid;
		w[6] = r->status;
	}
	return copy_to_user(info, w, sizeof(w));
}

long sys_waitid(int idtype, pid_t id, void __user *info, int options, void __user *rusage)
{
	unsigned int o = (unsigned int)options;
	struct waitq q = {idtype, id, o};
	struct wres r;
	uint8_t ru[144] = {0};
	long ret;

	if (o & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WAIT_FLAGS))
		return -EINVAL;
	if (!(o & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype == P_PIDFD)
		return id < 0 ? -EINVAL : -EBADF; /* no pidfds here */
	if (idtype < P_ALL || idtype > P_PGID || (idtype == P_PID && id <= 0) ||
	    (idtype == P_PGID && id < 0))
		return -EINVAL;
	if (idtype == P_PGID && id == 0)
		q.id = current->proc->pgid;
	ret = do_wait(&q, &r);
	if (ret < 0)
		return ret;
	if (put_waitid_info(info, &r, ret > 0) < 0)
		return -EFAULT;
	if (ret > 0 && rusage && copy_to_user(rusage, ru, sizeof(ru)) < 0)
		return -EFAULT;
	return 0;
}
