/* execve: a new program in the same process (and the same TEE). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/loader.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/sys.h>
#include <nto/timer.h>

#define ARG_BYTES_MAX (2UL << 20) /* argv + envp, as Linux with an 8 MiB stack */
#define ARG_COUNT_MAX 65536

/* Copies a NULL-terminated array of program strings into the core. */
static int copy_strings(const char __user *const __user *uv, const char ***out, size_t *budget)
{
	const char **v = NULL;
	size_t n = 0;

	*out = NULL;
	for (;; n++) {
		uptr p;
		if (n >= ARG_COUNT_MAX)
			return -E2BIG;
		if (!uv)
			break;
		if (copy_from_user(&p, &uv[n], sizeof(p)) < 0)
			return -EFAULT;
		if (!p)
			break;
		char *s = kmalloc(PATH_MAX * 2);
		int len = s ? strncpy_from_user(s, (const char *)p, PATH_MAX * 2) : -ENOMEM;
		if (len < 0) {
			kfree(s);
			return len == -ENAMETOOLONG ? -E2BIG : len;
		}
		if ((size_t)len + 1 > *budget) {
			kfree(s);
			return -E2BIG;
		}
		*budget -= (size_t)len + 1;
		const char **nv = krealloc(v, sizeof(char *) * (n + 2));
		if (!nv) {
			kfree(s);
			return -ENOMEM;
		}
		v = nv;
		v[n] = s;
		v[n + 1] = NULL;
		*out = v;
	}
	if (!v) {
		v = kzalloc(sizeof(char *));
		if (!v)
			return -ENOMEM;
		*out = v;
	}
	return 0;
}

static void free_strings(const char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		kfree((void *)v[i]);
	kfree(v);
}

static bool alone(void *arg)
{
	(void)arg;
	return current->proc->nthreads == 1;
}

/* The point of no return: the other threads end, the old image goes. */
static void drop_old_image(void)
{
	struct proc *p = current->proc;
	struct mm *mm = p->mm;

	/* Another thread got here first (execve, exit_group): it wins. */
	if (current->killed)
		thread_exit(0);
	proc_end_other_threads(p);
	/* Ordinary signals wait for the new program; SIGKILL does not. */
	if (sched_wait_killable(alone, NULL) < 0) {
		if (current->killed)
			thread_exit(0);
		proc_kill_by_signal(SIGKILL, 0, false);
	}
	vm_unmap(mm, mm->user_min, mm->user_max - mm->user_min);
	mm->brk_start = mm->brk = 0;
}

/* What survives an exec and what does not (man 2 execve). */
static void after_exec(void)
{
	struct proc *p = current->proc;

	for (int fd = 0; fd < p->fdt.cap; fd++) {
		if (p->fdt.files[fd] && p->fdt.cloexec[fd])
			fd_close(fd);
	}
	for (int s = 1; s <= NSIG; s++) {
		if (p->sigact[s].handler != SIG_IGN)
			p->sigact[s] = (struct ksigaction){0};
	}
	current->altstack = (kstack_t){NULL, SS_DISABLE, 0};
	current->robust_list = 0;
	current->clear_child_tid = 0;
	current->tls = 0;
	hal_set_tls(0);
	p->did_exec = true;
	timers_exec(p);
	proc_vfork_release(p); /* the vfork parent goes on */
}

long sys_execve(const char __user *upath, const char __user *const __user *uargv,
		const char __user *const __user *uenvp)
{
	const char **argv = NULL, **envp = NULL;
	size_t budget = ARG_BYTES_MAX;
	const char *why;
	bool gone = false;
	char *path;
	long r = user_path(upath, &path);

	if (r < 0)
		return r;
	r = copy_strings(uargv, &argv, &budget);
	if (r == 0)
		r = copy_strings(uenvp, &envp, &budget);
	if (r == 0)
		r = exec_program(path, argv, envp, current->regs, &why, drop_old_image, &gone);
	if (r == 0) {
		after_exec();
		current->regs_replaced = true;
	} else if (gone) {
		/* Nothing of the old program is left to return to. */
		klog("execve of %s failed after the old image was gone: %s", path,
		     why ? why : "load failed");
		proc_kill_by_signal(SIGSEGV, 0, false);
	}
	kfree(path);
	free_strings(argv);
	free_strings(envp);
	return r;
}

long sys_execveat(int dirfd, const char __user *upath, const char __user *const __user *argv,
		  const char __user *const __user *envp, int flags)
{
	/* Only the plain form: a path resolved from the working directory. */
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (dirfd != AT_FDCWD || flags)
		return -ENOSYS;
	return sys_execve(upath, argv, envp);
}
