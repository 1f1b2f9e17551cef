/* Names and metadata: stat, directories, links, renames, modes, times. */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

/* Resolves a program path: copies it in and resolves it against dirfd. */
static int resolve_user(int dirfd, const char __user *upath, int follow, bool empty_ok,
			struct vpath *vp, char **path_out)
{
	char *path;
	int r = user_path(upath, &path);

	if (r < 0)
		return r;
	if (!path[0] && !empty_ok) {
		kfree(path);
		return -ENOENT;
	}
	r = vfs_resolve(dirfd, path, follow, vp);
	if (path_out && r == 0)
		*path_out = path;
	else
		kfree(path);
	return r;
}

static int stat_path(int dirfd, const char __user *upath, int flags, struct kstat *st)
{
	char *path;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	r = user_path(upath, &path);
	if (r < 0)
		return r;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
		kfree(path);
		if (dirfd == AT_FDCWD)
			return vfs_stat(AT_FDCWD, ".", VFS_FOLLOW, st);
		if (!f)
			return -EBADF;
		return f->ops->stat ? f->ops->stat(f, st) : -EINVAL;
	}
	r = vfs_stat(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW, st);
	kfree(path);
	return r;
}

static long put_stat(struct kstat *st, struct kstat __user *ust, int r)
{
	if (r < 0)
		return r;
	return copy_to_user(ust, st, sizeof(*st));
}

long sys_newfstatat(int dirfd, const char __user *path, struct kstat __user *ust, int flags)
{
	struct kstat st;

	return put_stat(&st, ust, stat_path(dirfd, path, flags, &st));
}

long sys_stat(const char __user *path, struct kstat __user *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

long sys_lstat(const char __user *path, struct kstat __user *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(int fd, struct kstat __user *ust)
{
	struct file *f = fd_get(fd);
	struct kstat st;

	if (!f)
		return -EBADF;
	if (!f->ops->stat)
		return -EINVAL;
	return put_stat(&st, ust, f->ops->stat(f, &st));
}

long sys_statx(int dirfd, const char __user *path, int flags, unsigned int mask,
	       struct statx __user *ustx)
{
	struct statx x = {0};
	struct kstat st;
	int r;

	(void)mask;
	if (mask & 0x80000000U)
		return -EINVAL;
	r = stat_path(dirfd, path, flags, &st);
	if (r < 0)
		return r;
	x.stx_mask = STATX_BASIC_STATS;
	x.stx_blksize = (uint32_t)st.st_blksize;
	x.stx_nlink = (uint32_t)st.st_nlink;
	x.stx_uid = st.st_uid;
	x.stx_gid = st.st_gid;
	x.stx_mode = (uint16_t)st.st_mode;
	x.stx_ino = st.st_ino;
	x.stx_size = (uint64_t)st.st_size;
	x.stx_blocks = (uint64_t)st.st_blocks;
	x.stx_atime.tv_sec = (int64_t)st.st_atime_sec;
	x.stx_atime.tv_nsec = (uint32_t)st.st_atime_nsec;
	x.stx_mtime.tv_sec = (int64_t)st.st_mtime_sec;
	x.stx_mtime.tv_nsec = (uint32_t)st.st_mtime_nsec;
	x.stx_ctime.tv_sec = (int64_t)st.st_ctime_sec;
	x.stx_ctime.tv_nsec = (uint32_t)st.st_ctime_nsec;
	x.stx_rdev_major = (uint32_t)(st.st_rdev >> 8);
	x.stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff);
	x.stx_dev_minor = (uint32_t)st.st_dev;
	return copy_to_user(ustx, &x, sizeof(x));
}

struct dents_ctx {
	struct dir_ctx base;
	uint8_t *buf;
	size_t cap, used;
	int64_t next_pos;
};

static bool emit_dent(struct dir_ctx *c, const char *name, size_t len, uint64_t ino,
		      unsigned type)
{
	struct dents_ctx *d = (struct dents_ctx *)c;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 *e;

	if (d->used + reclen > d->cap)
		return false;
	e = (struct linux_dirent64 *)(d->buf + d->used);
	memset(e, 0, reclen);
	e->d_ino = ino ? ino : 1;
	e->d_off = (int64_t)(d->used + reclen);
	e->d_reclen = (uint16_t)reclen;
	e->d_type = (uint8_t)type;
	memcpy(e->d_name, name, len);
	d->used += reclen;
	return true;
}

long sys_getdents64(int fd, void __user *ubuf, size_t n)
{
	struct file *f = fd_get(fd);
	struct dents_ctx d = {{emit_dent}, NULL, MIN(n, (size_t)65536), 0, 0};
	int r;

	if (!f)
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (!vm_accessible(current->proc->mm, (uptr)ubuf, n, PROT_WRITE))
		return -EFAULT;
	d.buf = kmalloc(d.cap + 1);
	if (!d.buf)
		return -ENOMEM;
	r = f->ops->getdents(f, &d.base, &f->pos);
	if (r == 0 && d.used == 0 && n > 0 && n < 280) {
		/* Nothing fit: EINVAL if an entry exists, 0 at the end. */
		struct dents_ctx probe = {{emit_dent}, NULL, 512, 0, 0};
		int64_t pos = f->pos;
		probe.buf = kmalloc(probe.cap);
		if (probe.buf && f->ops->getdents(f, &probe.base, &pos) == 0 && probe.used)
			r = -EINVAL;
		kfree(probe.buf);
	}
	if (r == 0 && copy_to_user(ubuf, d.buf, d.used) < 0)
		r = -EFAULT;
	kfree(d.buf);
	return r < 0 ? r : (long)d.used;
}

long sys_readlinkat(int dirfd, const char __user *upath, char __user *ubuf, size_t n)
{
	struct vpath vp;
	char *buf;
	int r;

	if ((int)n <= 0)
		return -EINVAL;
	r = resolve_user(dirfd, upath, 0, false, &vp, NULL);
	if (r < 0)
		return r;
	buf = kmalloc(PATH_MAX);
	r = !buf ? -ENOMEM : vp.m->ops->readlink ? vp.m->ops->readlink(vp.m, vp.rel, buf, PATH_MAX) : -EINVAL;
	if (r == -EINVAL) {
		struct kstat st;
		if (vp.m->ops->stat(vp.m, vp.rel, &st) < 0)
			r = -ENOENT;
	}
	vpath_free(&vp);
	if (r >= 0) {
		r = (int)MIN((size_t)r, n);
		if (copy_to_user(ubuf, buf, (size_t)r) < 0)
			r = -EFAULT;
	}
	kfree(buf);
	return r;
}

long sys_readlink(const char __user *path, char __user *buf, size_t n)
{
	return sys_readlinkat(AT_FDCWD, path, buf, n);
}

long sys_faccessat2(int dirfd, const char __user *path, int mode, int flags)
{
	struct kstat st;
	int r;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = stat_path(dirfd, path, flags & ~AT_EACCESS, &st);
	if (r < 0)
		return r;
	/* The program runs as root: only execute needs some x bit. */
	if ((mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
		return -EACCES;
	if (mode & W_OK) {
		struct vpath vp;
		r = resolve_user(dirfd, path, VFS_FOLLOW, (flags & AT_EMPTY_PATH) != 0, &vp, NULL);
		if (r == 0) {
			r = vp.m->readonly ? -EROFS : 0;
			vpath_free(&vp);
		}
	}
	return r;
}

long sys_faccessat(int dirfd, const char __user *path, int mode)
{
	return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(const char __user *path, int mode)
{
	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

long sys_getcwd(char __user *buf, size_t n)
{
	const char *cwd = current->proc->cwd;
	size_t len = strlen(cwd) + 1;

	if (n < len)
		return -ERANGE;
	if (copy_to_user(buf, cwd, len) < 0)
		return -EFAULT;
	return (long)len;
}

static int set_cwd(char *abs)
{
	kfree(current->proc->cwd);
	current->proc->cwd = abs;
	return 0;
}

long sys_chdir(const char __user *upath)
{
	struct vpath vp;
	struct kstat st;
	int r = resolve_user(AT_FDCWD, upath, VFS_FOLLOW, false, &vp, NULL);

	if (r < 0)
		return r;
	r = vp.m->ops->stat(vp.m, vp.rel, &st);
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r == 0) {
		set_cwd(vp.abs);
		vp.abs = NULL;
	}
	vpath_free(&vp);
	return r;
}

long sys_fchdir(int fd)
{
	struct file *f = fd_get(fd);
	struct kstat st;
	char *p;

	if (!f)
		return -EBADF;
	if (!f->ops->stat || f->ops->stat(f, &st) < 0 || !S_ISDIR(st.st_mode) || !f->path)
		return -ENOTDIR;
	p = file_path(f);
	if (!p)
		return -ENOMEM;
	return set_cwd(p);
}

/* Runs a path operation that needs a writable mount. */
static int writable(struct vpath *vp)
{
	return vp->m->readonly ? -EROFS : 0;
}

long sys_mkdirat(int dirfd, const char __user *upath, mode_t mode)
{
	struct vpath vp;
	int r = resolve_user(dirfd, upath, 0, false, &vp, NULL);

	if (r < 0)
		return r;
	r = writable(&vp);
	if (r == 0 && !vp.rel[0])
		r = -EEXIST;
	if (r == 0)
		r = vp.m->ops->mkdir ? vp.m->ops->mkdir(vp.m, vp.rel, mode & ~current->proc->umask & 07777)
				     : -EPERM;
	vpath_free(&vp);
	return r;
}

long sys_mkdir(const char __user *path, mode_t mode)
{
	return sys_mkdirat(AT_FDCWD, path, mode);
}

/* What Linux says for a last component of "." or "..", which the textual
 * resolver would otherwise fold away. */
static int dot_last(const char *path, bool dir)
{
	const char *last = strrchr(path, '/');

	last = last ? last + 1 : path;
	if (strcmp(last, ".") == 0)
		return dir ? -EINVAL : -EISDIR;
	if (strcmp(last, "..") == 0)
		return dir ? -ENOTEMPTY : -EISDIR;
	return 0;
}

long sys_unlinkat(int dirfd, const char __user *upath, int flags)
{
	struct vpath vp;
	char *path;
	int r;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	r = resolve_user(dirfd, upath, 0, false, &vp, &path);
	if (r == 0) {
		r = dot_last(path, flags & AT_REMOVEDIR);
		kfree(path);
		if (r < 0) {
			vpath_free(&vp);
			return r;
		}
	}
	if (r < 0)
		return r;
	r = writable(&vp);
	if (r == 0 && !vp.rel[0])
		r = (flags & AT_REMOVEDIR) ? -EBUSY : -EISDIR; /* a mount point */
	if (r == 0 && vp.dir_only && !(flags & AT_REMOVEDIR))
		r = -ENOTDIR;
	if (r == 0)
		r = vp.m->ops->unlink ? vp.m->ops->unlink(vp.m, vp.rel, flags & AT_REMOVEDIR) : -EPERM;
	vpath_free(&vp);
	return r;
}

long sys_unlink(const char __user *path)
{
	return sys_unlinkat(AT_FDCWD, path, 0);
}

long sys_rmdir(const char __user *path)
{
	return sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* Resolves the two paths of rename and link; both must be on one mount. */
static int resolve_pair(int ofd, const char __user *from, int follow, int nfd,
			const char __user *to, struct vpath *a, struct vpath *b)
{
	int r = resolve_user(ofd, from, follow, false, a, NULL);

	if (r < 0)
		return r;
	r = resolve_user(nfd, to, 0, false, b, NULL);
	if (r < 0) {
		vpath_free(a);
		return r;
	}
	if (a->m == b->m)
		return 0;
	vpath_free(a);
	vpath_free(b);
	return -EXDEV;
}

long sys_renameat2(int ofd, const char __user *from, int nfd, const char __user *to,
		   unsigned int flags)
{
	struct vpath a, b;
	int r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL; /* no overlay whiteouts, as on tmpfs */
	r = resolve_pair(ofd, from, 0, nfd, to, &a, &b);
	if (r < 0)
		return r;
	r = writable(&a);
	if (r == 0 && (a.dir_only || b.dir_only)) {
		struct kstat st;
		if (a.m->ops->stat(a.m, a.rel, &st) == 0 && !S_ISDIR(st.st_mode))
			r = -ENOTDIR;
	}
	if (r == 0)
		r = a.m->ops->rename ? a.m->ops->rename(a.m, a.rel, b.rel, flags) : -EPERM;
	vpath_free(&a);
	vpath_free(&b);
	return r;
}

long sys_renameat(int ofd, const char __user *from, int nfd, const char __user *to)
{
	return sys_renameat2(ofd, from, nfd, to, 0);
}

long sys_rename(const char __user *from, const char __user *to)
{
	return sys_renameat2(AT_FDCWD, from, AT_FDCWD, to, 0);
}

long sys_symlinkat(const char __user *utarget, int dirfd, const char __user *upath)
{
	struct vpath vp;
	char *target;
	int r = user_path(utarget, &target);

	if (r < 0)
		return r;
	if (!target[0]) {
		kfree(target);
		return -ENOENT;
	}
	r = resolve_user(dirfd, upath, 0, false, &vp, NULL);
	if (r == 0) {
		r = writable(&vp);
		if (r == 0)
			r = vp.m->ops->symlink ? vp.m->ops->symlink(vp.m, target, vp.rel) : -EPERM;
		vpath_free(&vp);
	}
	kfree(target);
	return r;
}

long sys_symlink(const char __user *target, const char __user *path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}

long sys_linkat(int ofd, const char __user *from, int nfd, const char __user *to, int flags)
{
	struct vpath a, b;
	int r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	r = resolve_pair(ofd, from, (flags & AT_SYMLINK_FOLLOW) ? VFS_FOLLOW : 0, nfd, to, &a, &b);
	if (r < 0)
		return r;
	r = writable(&a);
	/* devfs and procfs have no hard links */
	if (r == 0)
		r = a.m->ops->link ? a.m->ops->link(a.m, a.rel, b.rel) : -EPERM;
	vpath_free(&a);
	vpath_free(&b);
	return r;
}

long sys_link(const char __user *from, const char __user *to)
{
	return sys_linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

long sys_truncate(const char __user *upath, int64_t len)
{
	struct vpath vp;
	int r;

	if (len < 0)
		return -EINVAL;
	r = resolve_user(AT_FDCWD, upath, VFS_FOLLOW, false, &vp, NULL);
	if (r < 0)
		return r;
	r = writable(&vp);
	if (r == 0)
		r = vp.m->ops->truncate ? vp.m->ops->truncate(vp.m, vp.rel, len) : -EPERM;
	vpath_free(&vp);
	return r;
}

long sys_ftruncate(int fd, int64_t len)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (len < 0)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if (!f->ops->truncate)
		return -EINVAL;
	return f->ops->truncate(f, len);
}

long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);

	struct kstat st;

	if (!f)
		return -EBADF;
	if (f->ops->sync)
		return f->ops->sync(f);
	/* In-TEE files are always "on disk"; pipes and devices cannot sync. */
	if (f->ops->stat && f->ops->stat(f, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return 0;
	return -EINVAL;
}

long sys_fdatasync(int fd)
{
	return sys_fsync(fd);
}

long sys_syncfs(int fd)
{
	return fd_get(fd) ? 0 : -EBADF;
}

long sys_sync(void)
{
	return 0;
}

long sys_umask(mode_t mask)
{
	mode_t old = current->proc->umask;

	current->proc->umask = mask & 0777;
	return old;
}

/* chmod on a resolved location; frees it. */
static long chmod_vpath(struct vpath *vp, mode_t mode)
{
	int r = writable(vp);

	if (r == 0)
		r = vp->m->ops->chmod ? vp->m->ops->chmod(vp->m, vp->rel, mode & 07777) : -EPERM;
	vpath_free(vp);
	return r;
}

long sys_fchmodat(int dirfd, const char __user *upath, mode_t mode)
{
	struct vpath vp;
	int r = resolve_user(dirfd, upath, VFS_FOLLOW, false, &vp, NULL);

	return r < 0 ? r : chmod_vpath(&vp, mode);
}

long sys_chmod(const char __user *path, mode_t mode)
{
	return sys_fchmodat(AT_FDCWD, path, mode);
}

/* Operations on an open file by path: re-resolves its recorded path. */
static int by_file_path(int fd, struct vpath *vp)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (!f->path || f->path[0] != '/')
		return -EINVAL;
	return vfs_resolve(AT_FDCWD, f->path, 0, vp);
}

long sys_fchmod(int fd, mode_t mode)
{
	struct vpath vp;
	int r = by_file_path(fd, &vp);

	return r < 0 ? r : chmod_vpath(&vp, mode);
}

/* Ownership: everything belongs to root inside NTO; changing to root is a no-op. */
static long chown_check(uid_t uid, gid_t gid)
{
	if ((uid != 0 && uid != (uid_t)-1) || (gid != 0 && gid != (gid_t)-1))
		return -EPERM;
	return 0;
}

long sys_fchownat(int dirfd, const char __user *path, uid_t uid, gid_t gid, int flags)
{
	struct kstat st;
	int r = stat_path(dirfd, path, flags, &st);

	return r < 0 ? r : chown_check(uid, gid);
}

long sys_chown(const char __user *path, uid_t uid, gid_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

long sys_lchown(const char __user *path, uid_t uid, gid_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return fd_get(fd) ? chown_check(uid, gid) : -EBADF;
}

static int64_t ts_to_ns(const struct timespec *t, int64_t now)
{
	if (t->tv_nsec == UTIME_NOW)
		return now;
	if (t->tv_nsec == UTIME_OMIT)
		return UTIME_OMIT;
	if (t->tv_sec > INT64_MAX / 1000000000 - 1 || t->tv_sec < INT64_MIN / 1000000000 + 1)
		return t->tv_sec < 0 ? INT64_MIN / 1000000000 * 1000000000 : INT64_MAX; /* clamp */
	return t->tv_sec * 1000000000 + t->tv_nsec;
}

long sys_utimensat(int dirfd, const char __user *upath, const struct timespec __user *utimes,
		   int flags)
{
	struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	struct vpath vp;
	int64_t now = ktime_real();
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(ts, utimes, sizeof(ts)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
		    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
			return -EINVAL;
	}
	if (!upath)
		r = by_file_path(dirfd, &vp);
	else
		r = resolve_user(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW,
				 false, &vp, NULL);
	if (r < 0)
		return r;
	r = writable(&vp);
	if (r == 0)
		r = vp.m->ops->utimens ? vp.m->ops->utimens(vp.m, vp.rel, ts_to_ns(&ts[0], now),
							    ts_to_ns(&ts[1], now))
				       : -EPERM;
	vpath_free(&vp);
	return r;
}

/* Extended attributes: NTO's file systems keep none (like a tmpfs without
 * them), so reads find nothing and writes are not supported, after the
 * path itself has been checked. */
static long xattr_path(const char __user *path, bool follow)
{
	struct kstat st;

	return stat_path(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW, &st);
}

long sys_getxattr(const char __user *path, const char __user *name, void __user *v, size_t n)
{
	long r = xattr_path(path, true);

	(void)name, (void)v, (void)n;
	return r < 0 ? r : -ENODATA;
}

long sys_lgetxattr(const char __user *path, const char __user *name, void __user *v, size_t n)
{
	long r = xattr_path(path, false);

	(void)name, (void)v, (void)n;
	return r < 0 ? r : -ENODATA;
}

long sys_fgetxattr(int fd, const char __user *name, void __user *v, size_t n)
{
	(void)name, (void)v, (void)n;
	return fd_get(fd) ? -ENODATA : -EBADF;
}

long sys_listxattr(const char __user *path, char __user *list, size_t n)
{
	(void)list, (void)n;
	return xattr_path(path, true);
}

long sys_llistxattr(const char __user *path, char __user *list, size_t n)
{
	(void)list, (void)n;
	return xattr_path(path, false);
}

long sys_flistxattr(int fd, char __user *list, size_t n)
{
	(void)list, (void)n;
	return fd_get(fd) ? 0 : -EBADF;
}

long sys_setxattr(const char __user *path, const char __user *name, const void __user *v,
		  size_t n, int flags)
{
	long r = xattr_path(path, true);

	(void)name, (void)v, (void)n, (void)flags;
	return r < 0 ? r : -EOPNOTSUPP;
}

struct kstatfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

/* What statfs reports: every NTO file system is memory-backed as far as
 * the program can tell; sizes are the TEE's memory budget. */
static void fill_statfs(struct kstatfs *s, const char *abs)
{
	uint64_t total = mem_limit() / 4096, free_ = (mem_limit() - mem_used()) / 4096;

	memset(s, 0, sizeof(*s));
	s->f_type = strncmp(abs, "/proc", 5) == 0 && (abs[5] == 0 || abs[5] == '/') ? PROC_SUPER_MAGIC
										 : TMPFS_MAGIC;
	s->f_bsize = s->f_frsize = 4096;
	s->f_blocks = total;
	s->f_bfree = s->f_bavail = free_;
	s->f_files = total;
	s->f_ffree = free_;
	s->f_namelen = NAME_MAX;
}

long sys_statfs(const char __user *upath, void __user *ubuf)
{
	struct kstatfs s;
	struct vpath vp;
	int r = resolve_user(AT_FDCWD, upath, VFS_FOLLOW, false, &vp, NULL);
	struct kstat st;

	if (r < 0)
		return r;
	r = vp.m->ops->stat(vp.m, vp.rel, &st);
	if (r == 0)
		fill_statfs(&s, vp.abs);
	vpath_free(&vp);
	return r < 0 ? r : copy_to_user(ubuf, &s, sizeof(s));
}

long sys_fstatfs(int fd, void __user *ubuf)
{
	struct file *f = fd_get(fd);
	struct kstatfs s;

	if (!f)
		return -EBADF;
	fill_statfs(&s, f->path ? f->path : "/");
	return copy_to_user(ubuf, &s, sizeof(s));
}
