/* Threads and processes: clone, fork, vfork, futex, thread exit and robust lists. */
#include <nto/futex.h>
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/sys.h>

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_PIDFD          0x00001000
#define CLONE_VFORK          0x00004000
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_NEWNS          0x00020000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_PTRACE         0x00002000
#define CLONE_UNTRACED       0x00800000
#define CLONE_IO             0x80000000
#define CLONE_NAMESPACES     0x7e020000 /* every CLONE_NEW* */
#define CSIGNAL              0x000000ff

/* What a thread of this process must share with its parent. */
#define THREAD_NEEDS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

static long put_tid(uptr where, pid_t tid)
{
	return copy_to_user((void *)where, &tid, sizeof(tid));
}

/* CLONE_CHILD_SETTID at fork: the child must find its tid at ctid in its
 * own memory from its first instruction, and the core may only write the
 * memory of the calling process. So the tid goes into the parent's word,
 * hal_as_fork copies it into the child, and the parent's old value is put
 * back, all under the core lock; only another thread of the parent reading
 * that word (glibc: the forking thread's own tid field) during the fork
 * could see the child's tid for a moment. */
static int fork_as(unsigned long flags, uptr ctid, pid_t pid, const struct hal_region *r,
		   size_t n, struct hal_as **as)
{
	pid_t old;
	bool set = (flags & CLONE_CHILD_SETTID) &&
		   copy_from_user(&old, (void *)ctid, sizeof(old)) == 0 && put_tid(ctid, pid) == 0;
	int ret = hal_as_fork(r, n, as);

	if (set)
		put_tid(ctid, old);
	return ret;
}

/* Gives child c its copy of the caller's memory and its first thread. */
static int fork_start(struct proc *c, unsigned long flags, uptr newsp, uptr ctid, uptr tls)
{
	struct nto_regs regs = *current->regs;
	struct hal_region *r;
	struct thread *t;
	size_t n;
	int ret = mm_regions(c->mm, &r, &n);

	if (ret < 0)
		return ret;
	ret = fork_as(flags, ctid, c->pid, r, n, &c->mm->as);
	kfree(r);
	if (ret < 0)
		return ret;
	regs_clone_child(&regs, newsp);
	struct thread_start s = {
		.regs = &regs,
		.tls = (flags & CLONE_SETTLS) ? tls : current->tls,
		.tid = c->pid,
		.clear_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0,
		.sigmask = current->sigmask,
		.altstack = current->altstack,
	};
	ret = thread_create(c, &s, &t);
	if (ret < 0) {
		hal_as_destroy(c->mm->as);
		c->mm->as = NULL;
	}
	return ret;
}

static bool vfork_done(void *arg)
{
	(void)arg;
	return current->vfork_child == 0;
}

/* The vfork parent waits until its child execs or exits; only a fatal
 * signal ends the wait sooner (as Linux's killable wait). */
static void vfork_wait(struct proc *c)
{
	current->vfork_child = c->pid;
	c->vfork_parent = current;
	if (sched_wait_killable(vfork_done, NULL) == 0)
		return;
	c = proc_find(current->vfork_child);
	if (c && c->vfork_parent == current)
		c->vfork_parent = NULL;
	current->vfork_child = 0;
}

/* Flags a new process may come with. Memory is always copied: with
 * CLONE_VM|CLONE_VFORK (posix_spawn) the child gets a copy too, as no
 * memory can be shared between processes' address spaces. */
#define FORK_FLAGS                                                                                 \
	(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT | CLONE_SETTLS | CLONE_PARENT_SETTID |   \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_SYSVSEM |              \
	 CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO)

/* clone without CLONE_THREAD: fork, vfork, posix_spawn. */
static long clone_process(unsigned long flags, uptr newsp, uptr ptid, uptr ctid, uptr tls)
{
	struct proc *c;
	long r;

	flags &= 0xffffffffUL; /* as Linux: clone's flags are an int */
	if ((flags & ~FORK_FLAGS) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) ||
	    (flags & CSIGNAL) > NSIG)
		return -EINVAL;
	if ((flags & CLONE_PARENT) && current->proc->pid == 1)
		return -EINVAL; /* init has no parent to share */
	pid_t pid = pid_alloc();
	r = proc_fork(pid, (int)(flags & CSIGNAL), &c);
	if (r < 0)
		return r;
	if (flags & CLONE_PARENT) {
		c->parent = current->proc->parent;
		c->ppid = current->proc->ppid;
	}
	r = fork_start(c, flags, newsp, ctid, tls);
	if (r < 0) {
		proc_unfork(c);
		return r;
	}
	/* Only the parent sees it: the child's memory was copied already. */
	if (flags & CLONE_PARENT_SETTID)
		put_tid(ptid, pid);
	if (flags & CLONE_VFORK)
		vfork_wait(c);
	return pid;
}

long sys_clone(unsigned long flags, uptr newsp, uptr parent_tid, uptr child_tid, uptr tls)
{
	struct nto_regs child;
	struct thread *t;
	long r;

	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_NAMESPACES)
		return -EPERM;
	if (!(flags & CLONE_THREAD))
		return clone_process(flags, newsp, parent_tid, child_tid, tls);
	if ((flags & THREAD_NEEDS) != THREAD_NEEDS || (flags & CLONE_VFORK))
		return -ENOSYS;
	child = *current->regs;
	regs_clone_child(&child, newsp);
	/* Both tid words hold the new tid before the child's first instruction:
	 * libcs read them from the new thread at once. */
	pid_t tid = pid_alloc();
	if ((flags & CLONE_PARENT_SETTID) && put_tid(parent_tid, tid) < 0)
		return -EFAULT;
	if ((flags & CLONE_CHILD_SETTID) && put_tid(child_tid, tid) < 0)
		return -EFAULT;
	struct thread_start s = {
		.regs = &child,
		.tls = (flags & CLONE_SETTLS) ? tls : current->tls,
		.tid = tid,
		.clear_tid = (flags & CLONE_CHILD_CLEARTID) ? child_tid : 0,
		.sigmask = current->sigmask,
		.altstack = {NULL, SS_DISABLE, 0}, /* Linux clears it for a new thread */
	};
	r = thread_create(current->proc, &s, &t);
	if (r < 0)
		return r;
	return t->tid;
}

long sys_fork(void)
{
	return clone_process(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(void)
{
	return clone_process(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long sys_get_robust_list(int tid, uptr __user *head, size_t __user *len)
{
	struct thread *t = tid ? thread_lookup(tid) : current;
	size_t n = 24;

	if (!t)
		return -ESRCH;
	if (copy_to_user(head, &t->robust_list, sizeof(t->robust_list)) < 0 ||
	    copy_to_user(len, &n, sizeof(n)) < 0)
		return -EFAULT;
	return 0;
}

long sys_clone3(void __user *args, size_t size)
{
	(void)args, (void)size;
	return -ENOSYS; /* libcs fall back to clone */
}

/* ---- futexes ---- */

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_BITSET_ANY      0xffffffffU
#define FUTEX_WAITERS         0x80000000U
#define FUTEX_OWNER_DIED      0x40000000U
#define FUTEX_TID_MASK        0x3fffffffU

/* A thread waiting on a futex; lives on the waiter's stack while it waits.
 * A futex is a word of one process's memory: (mm, addr) is its key, so the
 * same address in two processes names two futexes. Shared futexes across
 * processes (MAP_SHARED memory) cannot exist: fork copies memory. */
struct fwaiter {
	const struct mm *mm;
	uptr addr;
	uint32_t bitset;
	bool woken;
	struct thread *t;
	struct fwaiter *next;
};

static struct fwaiter *waiters;

static void unqueue(struct fwaiter *w)
{
	for (struct fwaiter **pp = &waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

int futex_wake(uptr uaddr, int n, uint32_t bitset)
{
	int woken = 0;

	for (struct fwaiter **pp = &waiters; *pp && woken < n;) {
		struct fwaiter *w = *pp;
		if (w->addr != uaddr || w->mm != current->proc->mm || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		sched_wake(w->t);
		woken++;
	}
	return woken;
}

static bool woken(void *arg)
{
	return ((struct fwaiter *)arg)->woken;
}

static int read_word(uptr uaddr, uint32_t *v)
{
	if (uaddr & 3)
		return -EINVAL;
	return copy_from_user(v, (void *)uaddr, sizeof(*v));
}

/* Converts a futex timeout into a monotonic deadline (-1: none). */
static int deadline_of(uptr utime, bool absolute, bool realtime, int64_t *deadline)
{
	struct timespec ts;

	*deadline = -1;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, (void *)utime, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	int64_t ns = ts.tv_sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX / 2
							    : ts.tv_sec * 1000000000 + ts.tv_nsec;
	int64_t now = ktime_mono();
	if (!absolute)
		*deadline = now + ns;
	else if (realtime)
		*deadline = now + (ns - ktime_real());
	else
		*deadline = ns;
	/* A deadline already past times out at once; never the "none" of -1
	 * (a realtime one maps below 0 when the monotonic clock is young,
	 * as riscv64-vm's, which counts from boot). */
	if (*deadline < 0)
		*deadline = 0;
	return 0;
}

static long futex_wait(uptr uaddr, uint32_t val, int64_t deadline, uint32_t bitset)
{
	struct fwaiter w = {current->proc->mm, uaddr, bitset, false, current, waiters};
	uint32_t cur;
	int r;

	if (!bitset)
		return -EINVAL;
	r = read_word(uaddr, &cur);
	if (r < 0)
		return r;
	if (cur != val)
		return -EAGAIN;
	waiters = &w;
	r = sched_wait(woken, &w, deadline);
	if (!w.woken)
		unqueue(&w);
	if (w.woken)
		return 0;
	return r == -EINTR ? -ERESTARTSYS : r;
}

static long requeue(uptr uaddr, int nwake, int nmove, uptr uaddr2)
{
	long done = futex_wake(uaddr, nwake, FUTEX_BITSET_ANY);

	for (struct fwaiter *w = waiters; w && nmove > 0; w = w->next) {
		if (w->addr == uaddr && w->mm == current->proc->mm) {
			w->addr = uaddr2;
			nmove--;
			done++;
		}
	}
	return done;
}

/* FUTEX_WAKE_OP: changes *uaddr2, wakes on uaddr, and on uaddr2 if the old
 * value passes the encoded comparison. */
static long wake_op(uptr uaddr, int nwake, int nwake2, uptr uaddr2, uint32_t enc)
{
	int op = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
	int32_t oparg = (int32_t)(enc << 8) >> 20, cmparg = (int32_t)(enc << 20) >> 20;
	uint32_t old, nv;
	long n;

	if ((enc >> 28) & 8)
		oparg = (oparg >= 0 && oparg < 32) ? 1 << oparg : 0;
	if (read_word(uaddr2, &old) < 0)
		return -EFAULT;
	switch (op) {
	case 0: nv = (uint32_t)oparg; break;
	case 1: nv = old + (uint32_t)oparg; break;
	case 2: nv = old | (uint32_t)oparg; break;
	case 3: nv = old & ~(uint32_t)oparg; break;
	case 4: nv = old ^ (uint32_t)oparg; break;
	default: return -ENOSYS;
	}
	if (copy_to_user((void *)uaddr2, &nv, sizeof(nv)) < 0)
		return -EFAULT;
	n = futex_wake(uaddr, nwake, FUTEX_BITSET_ANY);
	bool hit;
	switch (cmp) {
	case 0: hit = (int32_t)old == cmparg; break;
	case 1: hit = (int32_t)old != cmparg; break;
	case 2: hit = (int32_t)old < cmparg; break;
	case 3: hit = (int32_t)old <= cmparg; break;
	case 4: hit = (int32_t)old > cmparg; break;
	case 5: hit = (int32_t)old >= cmparg; break;
	default: return -ENOSYS;
	}
	if (hit)
		n += futex_wake(uaddr2, nwake2, FUTEX_BITSET_ANY);
	return n;
}

long sys_futex(uptr uaddr, int op, uint32_t val, uptr utime, uptr uaddr2, uint32_t val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	int64_t deadline;
	uint32_t cur;
	long r;

	/* As Linux: the clock flag goes with WAIT_BITSET only (and PI ops). */
	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		r = deadline_of(utime, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (r < 0)
			return r;
		return futex_wait(uaddr, val, deadline, cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (uaddr & 3)
			return -EINVAL;
		if (cmd == FUTEX_WAKE_BITSET && !val3)
			return -EINVAL;
		/* Linux counts before it compares, so a count of 0 wakes one. */
		return futex_wake(uaddr, (int)MAX(MIN(val, (uint32_t)INT32_MAX), 1U),
				  cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : val3);
	case FUTEX_CMP_REQUEUE:
		r = read_word(uaddr, &cur);
		if (r < 0)
			return r;
		if (cur != val3)
			return -EAGAIN;
		/* fall through */
	case FUTEX_REQUEUE:
		if ((uaddr & 3) || (uaddr2 & 3) || (int)val < 0 || (int)utime < 0)
			return -EINVAL;
		return requeue(uaddr, (int)val, (int)utime, uaddr2);
	case FUTEX_WAKE_OP:
		if ((uaddr & 3) || (uaddr2 & 3))
			return -EINVAL;
		return wake_op(uaddr, (int)val, (int)utime, uaddr2, val3);
	default:
		return -ENOSYS; /* PI futexes are not implemented */
	}
}

/* ---- thread exit ---- */

struct robust_list_head {
	uptr list;
	int64_t futex_offset;
	uptr list_op_pending;
};

/* Marks one robust futex of a dying thread as OWNER_DIED and wakes a waiter. */
static void robust_release(uptr entry, int64_t offset, pid_t tid)
{
	uptr word = entry + (uptr)offset;
	uint32_t v;

	if (read_word(word, &v) < 0 || (v & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)word, &nv, sizeof(nv)) == 0 && (v & FUTEX_WAITERS))
		futex_wake(word, 1, FUTEX_BITSET_ANY);
}

void thread_exit_cleanup(struct thread *t)
{
	struct robust_list_head head;

	if (t->clear_child_tid) {
		pid_t zero = 0;
		if (copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->clear_child_tid, 1, FUTEX_BITSET_ANY);
	}
	if (!t->robust_list || copy_from_user(&head, (void *)t->robust_list, sizeof(head)) < 0)
		return;
	uptr e = head.list;
	/* The list is the program's: bound the walk against cycles. */
	for (int i = 0; i < 2048 && e && e != t->robust_list; i++) {
		uptr next;
		if (copy_from_user(&next, (void *)e, sizeof(next)) < 0)
			break;
		if (e != head.list_op_pending)
			robust_release(e, head.futex_offset, t->tid);
		e = next;
	}
	if (head.list_op_pending)
		robust_release(head.list_op_pending, head.futex_offset, t->tid);
}
