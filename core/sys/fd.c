/* Opening, closing and duplicating descriptors; fcntl; pipes; ioctl. */
#include <nto/kernel.h>
#include <nto/lock.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

/* Copies a path from the program into a fresh core buffer. */
int user_path(const char __user *upath, char **out)
{
	char *p = kmalloc(PATH_MAX);
	int r;

	if (!p)
		return -ENOMEM;
	r = strncpy_from_user(p, upath, PATH_MAX);
	if (r < 0) {
		kfree(p);
		return r;
	}
	*out = p;
	return 0;
}

#define OPEN_VALID                                                                                 \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |     \
	 O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |     \
	 O_SYNC | O_PATH | O_TMPFILE)

long sys_openat(int dirfd, const char __user *upath, int flags, mode_t mode)
{
	struct file *f;
	char *path;
	int r;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	r = user_path(upath, &path);
	if (r < 0)
		return r;
	r = vfs_open(dirfd, path, flags & OPEN_VALID, mode, &f);
	kfree(path);
	if (r < 0)
		return r;
	f->flags &= ~(uint32_t)(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	return fd_install(f, 0, flags & O_CLOEXEC);
}

long sys_open(const char __user *path, int flags, mode_t mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_creat(const char __user *path, mode_t mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd_close(fd);
}

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

long sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	int cap = current->proc->fdt.cap;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	for (unsigned int fd = first; fd <= last && fd < (unsigned int)cap; fd++) {
		if (!fd_get((int)fd))
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec((int)fd, true);
		else
			fd_close((int)fd);
	}
	return 0;
}

long sys_dup(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_get(f);
	return fd_install(f, 0, false);
}

long sys_dup2(int oldfd, int newfd)
{
	if (!fd_get(oldfd))
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	return fd_dup_to(oldfd, newfd, false);
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(oldfd, newfd, flags & O_CLOEXEC);
}


#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)arg < 0)
			return -EINVAL;
		file_get(f);
		return fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)arg & SETFL_MASK);
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return lock_fcntl(f, cmd, (void *)arg);
	case F_GETPIPE_SZ:
		return f->ops->seekable ? -EBADF : 65536;
	default:
		return -EINVAL;
	}
}

long sys_flock(int fd, int op)
{
	struct file *f = fd_get(fd);

	return f ? lock_flock(f, op) : -EBADF;
}

long sys_pipe2(int __user *ufds, int flags)
{
	struct file *rd, *wr;
	int fds[2];
	int r;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!vm_accessible(current->proc->mm, (uptr)ufds, sizeof(fds), PROT_WRITE))
		return -EFAULT;
	r = pipe_create(&rd, &wr, (uint32_t)flags);
	if (r < 0)
		return r;
	fds[0] = fd_install(rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(int __user *fds)
{
	return sys_pipe2(fds, 0);
}

long sys_ioctl(int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIONBIO:
		if (copy_from_user(&on, (void *)arg, sizeof(on)) < 0)
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	case FIOCLEX:
	case FIONCLEX:
		return fd_set_cloexec(fd, cmd == FIOCLEX);
	case FIONREAD:
		if (f->ops->seekable && f->ops->stat) {
			struct kstat st;
			int r = f->ops->stat(f, &st);
			if (r < 0)
				return r;
			if (S_ISDIR(st.st_mode))
				return -ENOTTY;
			int32_t n = (int32_t)MAX(0, st.st_size - f->pos);
			return copy_to_user((void *)arg, &n, sizeof(n));
		}
		break;
	}
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}
