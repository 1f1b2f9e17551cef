/* Bounds-checked dispatch with an -ENOSYS fallback, and --strace output. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/syscall.h>

static uint8_t reported[1024 / 8];

static const char *const errnames[] = {
	[EPERM] = "EPERM",	   [ENOENT] = "ENOENT",	    [ESRCH] = "ESRCH",
	[EINTR] = "EINTR",	   [EIO] = "EIO",	    [ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",	   [ENOEXEC] = "ENOEXEC",   [EBADF] = "EBADF",
	[ECHILD] = "ECHILD",	   [EAGAIN] = "EAGAIN",	    [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",	   [EFAULT] = "EFAULT",	    [EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",	   [EXDEV] = "EXDEV",	    [ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",	   [EISDIR] = "EISDIR",	    [EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",	   [EMFILE] = "EMFILE",	    [ENOTTY] = "ENOTTY",
	[EFBIG] = "EFBIG",	   [ENOSPC] = "ENOSPC",	    [ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",	   [EPIPE] = "EPIPE",	    [ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK",	   [ENAMETOOLONG] = "ENAMETOOLONG", [ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",	    [EOVERFLOW] = "EOVERFLOW",
	[ENOTSOCK] = "ENOTSOCK",   [EOPNOTSUPP] = "EOPNOTSUPP", [ETIMEDOUT] = "ETIMEDOUT",
};

static const char *errname(long e)
{
	if (e > 0 && e < (long)ARRAY_SIZE(errnames) && errnames[e])
		return errnames[e];
	return "E?";
}

static size_t fmt_arg(char *buf, size_t cap, char kind, long v)
{
	char s[40] = {0}; /* a string cut short by a fault leaves the rest unwritten */

	switch (kind) {
	case 's':
		if (strncpy_from_user(s, (const char *)v, 33) < 0) {
			if (vm_accessible(current->proc->mm, (uptr)v, 1, PROT_READ))
				return (size_t)ksnprintf(buf, cap, "\"%.32s\"...", s);
			return (size_t)ksnprintf(buf, cap, "0x%lx", v);
		}
		return (size_t)ksnprintf(buf, cap, "\"%s\"", s);
	case 'f':
		if ((int)v == AT_FDCWD)
			return (size_t)ksnprintf(buf, cap, "AT_FDCWD");
		return (size_t)ksnprintf(buf, cap, "%d", (int)v);
	case 'd':
		return (size_t)ksnprintf(buf, cap, "%ld", v);
	case 'u':
		return (size_t)ksnprintf(buf, cap, "%lu", (unsigned long)v);
	case 'o':
		return (size_t)ksnprintf(buf, cap, "0%lo", (unsigned long)v);
	default:
		return (size_t)ksnprintf(buf, cap, v ? "0x%lx" : "NULL", v);
	}
}

static void strace_print(const struct syscall_desc *d, uint64_t nr, const long a[6], long ret,
			 bool noreturn_call)
{
	char line[512];
	size_t n = 0;
	const char *kinds = d ? d->args : "xxxxxx";

	if (d)
		n += (size_t)ksnprintf(line, sizeof(line), "[%d] %s(", current->tid, d->name);
	else
		n += (size_t)ksnprintf(line, sizeof(line), "[%d] syscall_%lu(", current->tid, nr);
	for (int i = 0; kinds[i] && i < 6 && n < sizeof(line) - 64; i++) {
		if (i)
			n += (size_t)ksnprintf(line + n, sizeof(line) - n, ", ");
		n += fmt_arg(line + n, sizeof(line) - n, kinds[i], a[i]);
	}
	if (noreturn_call)
		ksnprintf(line + n, sizeof(line) - n, ") = ?");
	else if (IS_ERR_VALUE(ret))
		ksnprintf(line + n, sizeof(line) - n, ") = -1 %s", errname(-ret));
	else
		ksnprintf(line + n, sizeof(line) - n, ") = %ld%s", ret, ret > 9 ? "" : "");
	klog("%s", line);
}

long syscall_dispatch(uint64_t nr, const long a[6])
{
	const struct syscall_desc *d = nr < syscall_table_size ? &syscall_table[nr] : NULL;
	long ret;

	/* Calls that never return are shown before they run. */
	if (g_strace && d && d->fn && strncmp(d->name, "exit", 4) == 0)
		strace_print(d, nr, a, 0, true);
	if (d && d->fn) {
		long n[6];
		/* The program may leave the upper half of a 32-bit argument as it
		 * likes: the body sees the value its C type holds. */
		for (int i = 0; i < 6; i++)
			n[i] = (d->int32 & (1 << i)) ? (long)(int32_t)a[i] : a[i];
		ret = d->fn(n[0], n[1], n[2], n[3], n[4], n[5]);
	} else {
		ret = -ENOSYS;
		if (nr < sizeof(reported) * 8 && !(reported[nr / 8] & (1 << (nr % 8)))) {
			reported[nr / 8] |= (uint8_t)(1 << (nr % 8));
			kverbose("unimplemented syscall %lu (%s): -ENOSYS", nr,
				 d && d->name ? d->name : "unknown");
		}
	}
	if (g_strace)
		strace_print(d && d->name ? d : NULL, nr, a, ret, false);
	return ret;
}

void core_syscall(struct nto_regs *regs)
{
	long a[6];
	long ret;

	core_lock();
	for (int i = 0; i < 6; i++)
		a[i] = (long)regs_arg(regs, i);
	current->regs = regs;
	ret = syscall_dispatch(regs_sysno(regs), a);
	/* rt_sigreturn restored every register itself, rax included. */
	if (!current->regs_replaced)
		regs_set_ret(regs, (uint64_t)ret);
	current->regs_replaced = false;
	if (current->killed)
		thread_exit(0);
	signal_deliver_pending(regs, ret);
	core_unlock();
}

void core_kick(struct nto_regs *regs)
{
	core_lock();
	current->regs = regs;
	if (current->killed)
		thread_exit(0);
	signal_deliver_pending(regs, 0);
	core_unlock();
}
