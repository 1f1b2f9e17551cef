/* The process table, fd tables, thread creation and fork's bookkeeping. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/lock.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/futex.h>

#define FD_MAX_CAP 65536

static struct proc first_proc;
static struct thread first_thread;
static struct mm first_mm;
struct thread *current;
struct proc *procs;

struct file *fd_get(int fd)
{
	struct fdtable *t = &current->proc->fdt;

	if (fd < 0 || fd >= t->cap)
		return NULL;
	return t->files[fd];
}

static int fdt_grow(struct fdtable *t, int want)
{
	int cap = t->cap ? t->cap : 64;

	while (cap <= want)
		cap *= 2;
	if (cap > FD_MAX_CAP)
		return -EMFILE;
	struct file **nf = kzalloc(sizeof(*nf) * (size_t)cap);
	uint8_t *nc = kzalloc((size_t)cap);
	if (!nf || !nc) {
		kfree(nf);
		kfree(nc);
		return -ENOMEM;
	}
	if (t->cap) {
		memcpy(nf, t->files, sizeof(*nf) * (size_t)t->cap);
		memcpy(nc, t->cloexec, (size_t)t->cap);
	}
	kfree(t->files);
	kfree(t->cloexec);
	t->files = nf;
	t->cloexec = nc;
	t->cap = cap;
	return 0;
}

static int fd_limit(void)
{
	uint64_t l = current->proc->rlim[RLIMIT_NOFILE].rlim_cur;

	return l > FD_MAX_CAP ? FD_MAX_CAP : (int)l;
}

int fd_install(struct file *f, int min_fd, bool cloexec)
{
	struct fdtable *t = &current->proc->fdt;
	int limit = fd_limit();

	for (int fd = min_fd; fd < limit; fd++) {
		if (fd >= t->cap && fdt_grow(t, fd) < 0)
			break;
		if (!t->files[fd]) {
			t->files[fd] = f;
			t->cloexec[fd] = cloexec;
			return fd;
		}
	}
	file_put(f);
	return min_fd >= limit ? -EINVAL : -EMFILE;
}

int fd_close(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	current->proc->fdt.files[fd] = NULL;
	lock_on_close(f);
	file_put(f);
	return 0;
}

int fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct fdtable *t = &current->proc->fdt;
	struct file *f = fd_get(oldfd);

	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	if (newfd >= t->cap && fdt_grow(t, newfd) < 0)
		return -EMFILE;
	file_get(f);
	if (t->files[newfd])
		file_put(t->files[newfd]);
	t->files[newfd] = f;
	t->cloexec[newfd] = cloexec;
	return newfd;
}

int fd_get_cloexec(int fd)
{
	if (!fd_get(fd))
		return -EBADF;
	return current->proc->fdt.cloexec[fd];
}

int fd_set_cloexec(int fd, bool on)
{
	if (!fd_get(fd))
		return -EBADF;
	current->proc->fdt.cloexec[fd] = on;
	return 0;
}

#define PID_MAX 4194304 /* Linux's pid_max on 64-bit */

static pid_t last_pid = 1;

struct proc *proc_find(pid_t pid)
{
	for (struct proc *p = procs; p; p = p->next) {
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

struct thread *thread_lookup(pid_t tid)
{
	for (struct proc *p = procs; p; p = p->next) {
		for (struct thread *t = p->threads; t; t = t->next) {
			if (t->tid == tid)
				return t;
		}
	}
	return NULL;
}

struct proc *proc_of_id(pid_t id)
{
	struct proc *p = proc_find(id);
	struct thread *t = p ? NULL : thread_lookup(id);

	return p ? p : t ? t->proc : NULL;
}

int threads_alive(void)
{
	int n = 0;

	for (struct proc *p = procs; p; p = p->next)
		n += p->nthreads;
	return n;
}

pid_t pid_alloc(void)
{
	/* A process keeps its pid after its first thread is gone, and a
	 * zombie until it is reaped: skip both when the ids wrap. */
	do {
		last_pid = last_pid >= PID_MAX - 1 ? 2 : last_pid + 1;
	} while (proc_find(last_pid) || thread_lookup(last_pid));
	return last_pid;
}

struct thread *thread_find(pid_t tid)
{
	for (struct thread *t = current->proc->threads; t; t = t->next) {
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

void thread_unlink(struct thread *t)
{
	struct proc *p = t->proc;

	for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	p->nthreads--;
}

int thread_create(struct proc *p, const struct thread_start *s, struct thread **out)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return -EAGAIN;
	t->tid = s->tid;
	t->clear_child_tid = s->clear_tid;
	t->proc = p;
	t->sigmask = s->sigmask;
	t->altstack = s->altstack;
	t->tls = s->tls;
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	if (hal_thread_start(p->mm->as, s->regs, s->tls, t) < 0) {
		thread_unlink(t);
		kfree(t);
		return -EAGAIN;
	}
	*out = t;
	return 0;
}

/* Appends p to the process table (the order wait scans children in). */
static void proc_link(struct proc *p)
{
	struct proc **pp = &procs;

	while (*pp)
		pp = &(*pp)->next;
	p->next = NULL;
	*pp = p;
}

static void proc_unlink(struct proc *p)
{
	for (struct proc **pp = &procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

static void init_limits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i].rlim_cur = p->rlim[i].rlim_max = RLIM_INFINITY;
	p->rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	p->rlim[RLIMIT_NOFILE].rlim_max = 1048576;
	p->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	p->rlim[RLIMIT_CORE].rlim_cur = 0;
}

int proc_init_first(void)
{
	struct proc *p = &first_proc;

	p->pid = p->pgid = p->sid = 1;
	p->ppid = 0;
	p->umask = 022;
	p->mm = &first_mm;
	p->cwd = kstrdup("/");
	p->exit_signal = SIGCHLD;
	init_limits(p);
	first_thread.tid = 1;
	first_thread.proc = p;
	p->threads = &first_thread;
	p->nthreads = 1;
	proc_link(p);
	current = &first_thread;
	hal_thread_set_self(&first_thread);
	/* The first thread holds the core lock from boot until it enters the program. */
	core_lock();
	return p->cwd ? 0 : -ENOMEM;
}

#define CMDLINE_MAX 4096

void proc_set_cmdline(struct proc *p, const char *const *argv)
{
	size_t n = 0;
	char *c = kmalloc(CMDLINE_MAX);

	for (size_t i = 0; c && argv && argv[i] && n < CMDLINE_MAX; i++) {
		size_t len = MIN(strlen(argv[i]) + 1, CMDLINE_MAX - n);
		memcpy(c + n, argv[i], len);
		n += len;
	}
	kfree(p->cmdline);
	p->cmdline = c;
	p->cmdline_len = c ? n : 0;
}

/* Copies the parent's descriptors: each open file gets one more reference. */
static int fdt_dup(struct fdtable *dst, const struct fdtable *src)
{
	if (src->cap && fdt_grow(dst, src->cap - 1) < 0)
		return -ENOMEM;
	for (int fd = 0; fd < src->cap; fd++) {
		if (!src->files[fd])
			continue;
		file_get(src->files[fd]);
		dst->files[fd] = src->files[fd];
		dst->cloexec[fd] = src->cloexec[fd];
	}
	return 0;
}

/* Closes every descriptor of a table that is not current's (a child that
 * never ran holds no locks). */
static void fdt_drop(struct fdtable *t)
{
	for (int fd = 0; fd < t->cap; fd++) {
		if (t->files[fd])
			file_put(t->files[fd]);
	}
	kfree(t->files);
	kfree(t->cloexec);
	*t = (struct fdtable){0};
}

/* Frees what a process owns in the core besides its threads and memory. */
static void proc_free(struct proc *p)
{
	sigpending_clear(&p->pending);
	kfree(p->cwd);
	kfree(p->exe);
	kfree(p->cmdline);
	kfree(p->mm);
	kfree(p);
}

static char *strdup_or_null(const char *s)
{
	return s ? kstrdup(s) : NULL;
}

/* The state fork copies, apart from descriptors and memory. */
static void copy_state(struct proc *c, const struct proc *parent)
{
	c->ppid = parent->pid;
	c->parent = (struct proc *)parent;
	c->pgid = parent->pgid;
	c->sid = parent->sid;
	c->umask = parent->umask;
	memcpy(c->rlim, parent->rlim, sizeof(c->rlim));
	memcpy(c->sigact, parent->sigact, sizeof(c->sigact));
	memcpy(c->comm, parent->comm, sizeof(c->comm));
	c->arg_start = parent->arg_start;
	c->arg_end = parent->arg_end;
	c->env_start = parent->env_start;
	c->env_end = parent->env_end;
	c->cwd = kstrdup(parent->cwd);
	c->exe = strdup_or_null(parent->exe);
	if (parent->cmdline && (c->cmdline = kmalloc(parent->cmdline_len + 1))) {
		memcpy(c->cmdline, parent->cmdline, parent->cmdline_len);
		c->cmdline_len = parent->cmdline_len;
	}
}

int proc_fork(pid_t pid, int exit_signal, struct proc **out)
{
	struct proc *parent = current->proc;
	struct proc *c = kzalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->pid = pid;
	c->exit_signal = exit_signal;
	copy_state(c, parent);
	c->mm = kzalloc(sizeof(*c->mm));
	if (!c->cwd || (parent->exe && !c->exe) || !c->mm || mm_dup(c->mm, parent->mm) < 0) {
		proc_free(c);
		return -ENOMEM;
	}
	if (fdt_dup(&c->fdt, &parent->fdt) < 0) {
		mm_forget(c->mm);
		fdt_drop(&c->fdt);
		proc_free(c);
		return -ENOMEM;
	}
	proc_link(c);
	*out = c;
	return 0;
}

void proc_unfork(struct proc *p)
{
	proc_unlink(p);
	fdt_drop(&p->fdt);
	mm_forget(p->mm);
	proc_free(p);
}

void proc_reap(struct proc *p)
{
	KASSERT(p->state == PS_ZOMBIE && p != &first_proc);
	proc_unlink(p);
	proc_free(p);
}

void thread_free(struct thread *t)
{
	sigpending_clear(&t->pending);
	if (t != &first_thread)
		kfree(t);
}

void proc_close_files(void)
{
	struct fdtable *t = &current->proc->fdt;

	for (int fd = 0; fd < t->cap; fd++) {
		if (t->files[fd])
			fd_close(fd);
	}
	kfree(t->files);
	kfree(t->cloexec);
	*t = (struct fdtable){0};
}
