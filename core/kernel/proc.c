/* The process model of issue 2: one process with one thread. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/lock.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/futex.h>

#define FD_MAX_CAP 65536

static struct proc first_proc;
static struct thread first_thread;
static struct mm first_mm;
struct thread *current;

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

static pid_t last_pid = 1;

pid_t pid_alloc(void)
{
	return ++last_pid;
}

struct thread *thread_find(pid_t tid)
{
	for (struct thread *t = current->proc->threads; t; t = t->next) {
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

int thread_create(const struct nto_regs *regs, uint64_t tls, pid_t tid, uptr clear_tid,
		  struct thread **out)
{
	struct proc *p = current->proc;
	struct thread *t = kzalloc(sizeof(*t));
	int r;

	if (!t)
		return -EAGAIN;
	t->tid = tid;
	t->clear_child_tid = clear_tid;
	t->proc = p;
	t->sigmask = current->sigmask;
	t->altstack.ss_flags = SS_DISABLE; /* Linux clears it for a new thread */
	t->tls = tls;
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	r = hal_thread_start(p->mm->as, regs, tls, t);
	if (r < 0) {
		p->threads = t->next;
		p->nthreads--;
		kfree(t);
		return -EAGAIN;
	}
	*out = t;
	return 0;
}

__noreturn void thread_exit(int status)
{
	struct thread *t = current;
	struct proc *p = t->proc;

	if (p->nthreads == 1)
		proc_exit((status & 0xff) << 8);
	thread_exit_cleanup(t);
	for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	p->nthreads--;
	sched_wake_all(); /* an execve may wait for the others to be gone */
	if (t != &first_thread)
		kfree(t);
	current = NULL;
	core_unlock();
	hal_thread_exit();
}

int proc_init_first(void)
{
	struct proc *p = &first_proc;

	p->pid = p->pgid = p->sid = 1;
	p->ppid = 0;
	p->umask = 022;
	p->mm = &first_mm;
	p->cwd = kstrdup("/");
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i].rlim_cur = p->rlim[i].rlim_max = RLIM_INFINITY;
	p->rlim[RLIMIT_NOFILE].rlim_cur = 1024;
	p->rlim[RLIMIT_NOFILE].rlim_max = 1048576;
	p->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	p->rlim[RLIMIT_CORE].rlim_cur = 0;
	first_thread.tid = 1;
	first_thread.proc = p;
	p->threads = &first_thread;
	p->nthreads = 1;
	current = &first_thread;
	hal_thread_set_self(&first_thread);
	/* The first thread holds the core lock from boot until it enters the program. */
	core_lock();
	return p->cwd ? 0 : -ENOMEM;
}

__noreturn void proc_exit(int wstatus)
{
	struct fdtable *t = &current->proc->fdt;

	/* Shared file mappings reach their files before the files close. */
	filemap_writeback(current->proc->mm, current->proc->mm->user_min,
			  current->proc->mm->user_max - current->proc->mm->user_min);
	for (int fd = 0; fd < t->cap; fd++) {
		if (t->files[fd])
			fd_close(fd);
	}
	if (wstatus & 0x7f)
		hal_exit(128 + (wstatus & 0x7f));
	hal_exit((wstatus >> 8) & 0xff);
}
