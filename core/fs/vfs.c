/* The mount table, path resolution and open-file plumbing. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/lock.h>
#include <nto/proc.h>
#include <nto/vfs.h>

#define MAX_MOUNTS  32
#define MAX_SYMLINKS 40

static struct mount mounts[MAX_MOUNTS];
static int nmounts;

int vfs_mount(const char *path, const struct fs_ops *ops, void *priv, bool ro)
{
	struct mount *m;

	if (nmounts == MAX_MOUNTS)
		return -ENOMEM;
	m = &mounts[nmounts];
	m->path = kstrdup(path);
	if (!m->path)
		return -ENOMEM;
	m->pathlen = strlen(path);
	m->ops = ops;
	m->priv = priv;
	m->readonly = ro;
	m->dev = (uint32_t)(nmounts + 1);
	nmounts++;
	return 0;
}

/* Longest mount whose path is a component-prefix of abs. */
static struct mount *mount_find(const char *abs, const char **rel)
{
	struct mount *best = NULL;

	for (int i = 0; i < nmounts; i++) {
		struct mount *m = &mounts[i];
		size_t n = m->pathlen;
		bool root = n == 1;
		if (!root && (strncmp(abs, m->path, n) != 0 || (abs[n] && abs[n] != '/')))
			continue;
		if (!best || n > best->pathlen)
			best = m;
	}
	if (best) {
		const char *r = abs + (best->pathlen == 1 ? 0 : best->pathlen);
		while (*r == '/')
			r++;
		*rel = r;
	}
	return best;
}

char *file_path(struct file *f)
{
	if (f->ops->getpath)
		return f->ops->getpath(f);
	return f->path ? kstrdup(f->path) : NULL;
}

/* The directory a relative path starts from (kmalloc'd into *base). */
static int base_dir(int dirfd, const char *path, char **base)
{
	struct file *f;

	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*base = kstrdup(current->proc->cwd);
		return *base ? 0 : -ENOMEM;
	}
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	struct kstat st;
	if (!f->path || !f->ops->stat || f->ops->stat(f, &st) < 0 || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*base = file_path(f);
	return *base ? 0 : -ENOMEM;
}

/* Rewrites `abs` after meeting a symlink whose target is link at prefix
 * rel[0..consumed); the rest of the path follows the target. */
static int splice_link(char *abs, struct mount *m, const char *rel, size_t consumed,
		       const char *link)
{
	char *base = kmalloc(PATH_MAX), *rest = kmalloc(PATH_MAX), *tmp = kmalloc(PATH_MAX);
	int r = -ENOMEM;
	size_t n;

	if (!base || !rest || !tmp)
		goto out;
	/* The link's directory: mount path + rel prefix minus the last component. */
	n = (size_t)(rel - abs) + consumed;
	for (rel += consumed; *rel == '/';)
		rel++;
	kstrlcpy(rest, rel, PATH_MAX);
	memcpy(base, abs, n);
	base[n] = 0;
	r = path_canon(base, "..", tmp);
	if (r < 0)
		goto out;
	r = path_canon(tmp, link, base);
	if (r < 0)
		goto out;
	r = path_canon(base, rest, abs);
out:
	(void)m;
	kfree(base);
	kfree(rest);
	kfree(tmp);
	return r;
}

static bool ends_in_dir_ref(const char *path)
{
	const char *last = strrchr(path, '/');

	last = last ? last + 1 : path;
	return !*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0;
}

/* A path ending in '/' that names an existing non-directory is ENOTDIR. */
static int check_dir_only(struct vpath *vp)
{
	struct kstat st;

	if (!vp->dir_only || vp->m->ops->stat(vp->m, vp->rel, &st) < 0)
		return 0;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int vfs_resolve(int dirfd, const char *path, int flags, struct vpath *out)
{
	char *base;
	char link[PATH_MAX];
	char *abs;
	int r;

	if (path[0] == 0)
		return -ENOENT;
	/* "link/", "link/." and "link/.." name what the link points to. */
	if (ends_in_dir_ref(path))
		flags |= VFS_FOLLOW;
	r = base_dir(dirfd, path, &base);
	if (r < 0)
		return r;
	abs = kmalloc(PATH_MAX);
	r = abs ? path_canon(base, path, abs) : -ENOMEM;
	kfree(base);
	for (int loops = 0; r >= 0; loops++) {
		const char *rel;
		size_t consumed = 0;
		struct mount *m = mount_find(abs, &rel);
		if (!m) {
			r = -ENOENT;
			break;
		}
		if (loops > MAX_SYMLINKS) {
			r = -ELOOP;
			break;
		}
		r = m->ops->walk(m, rel, flags & VFS_FOLLOW, link, sizeof(link), &consumed);
		if (r == 0) {
			out->m = m;
			out->abs = abs;
			out->rel = rel;
			out->dir_only = ends_in_dir_ref(path);
			r = check_dir_only(out);
			if (r == 0)
				return 0;
			break;
		}
		if (r > 0)
			r = splice_link(abs, m, rel, consumed, link);
	}
	kfree(abs);
	return r;
}

void vpath_free(struct vpath *vp)
{
	kfree(vp->abs);
	vp->abs = NULL;
}

struct file *file_alloc(const struct file_ops *ops, void *priv, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	KASSERT(f->refs > 0);
	if (--f->refs)
		return;
	lock_on_release(f);
	if (f->ops->release)
		f->ops->release(f);
	kfree(f->path);
	kfree(f);
}

static bool is_write_mode(int flags)
{
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

int vfs_open(int dirfd, const char *path, int flags, mode_t mode, struct file **out)
{
	struct vpath vp;
	int follow = (flags & O_NOFOLLOW) ? 0 : VFS_FOLLOW;
	int r;

	if ((flags & O_CREAT) && (flags & O_EXCL))
		follow = 0;
	r = vfs_resolve(dirfd, path, follow, &vp);
	if (r < 0)
		return r;
	if (vp.dir_only && (flags & O_CREAT)) {
		r = -EISDIR;
		goto out;
	}
	if (vp.m->readonly && (is_write_mode(flags) || (flags & (O_CREAT | O_TRUNC)))) {
		struct kstat st;
		r = vp.m->ops->stat(vp.m, vp.rel, &st);
		if (r == 0 || (flags & O_CREAT))
			r = -EROFS;
		goto out;
	}
	r = vp.m->ops->open(vp.m, vp.rel, flags, mode & ~current->proc->umask & 07777, out);
	if (r == 0 && !(*out)->path)
		(*out)->path = kstrdup(vp.abs); /* a short copy, not the PATH_MAX buffer */
out:
	vpath_free(&vp);
	return r;
}

int vfs_stat(int dirfd, const char *path, int flags, struct kstat *st)
{
	struct vpath vp;
	int r = vfs_resolve(dirfd, path, flags, &vp);

	if (r < 0)
		return r;
	r = vp.m->ops->stat(vp.m, vp.rel, st);
	if (r == 0)
		st->st_dev = vp.m->dev;
	vpath_free(&vp);
	return r;
}

ssize_t file_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	return f->ops->read(f, io, n, pos);
}

ssize_t file_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	return f->ops->write(f, io, n, pos);
}

int kernel_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct iobuf io = {buf, false, false};
	size_t got = 0;

	while (got < n) {
		struct iobuf part = {io.p + got, false, false};
		int64_t pos = off + (int64_t)got;
		ssize_t r = f->ops->read ? f->ops->read(f, &part, n - got, &pos) : -EINVAL;
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

void kstat_fill(struct kstat *st, uint32_t dev, uint64_t ino, uint32_t mode, uint64_t size,
		uint64_t nlink, int64_t atime, int64_t mtime, int64_t ctime)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = dev;
	st->st_ino = ino;
	st->st_mode = mode;
	st->st_nlink = nlink;
	st->st_size = (int64_t)size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)(ALIGN_UP(size, 4096) / 512);
	st->st_atime_sec = (uint64_t)(atime / 1000000000);
	st->st_atime_nsec = (uint64_t)(atime % 1000000000);
	st->st_mtime_sec = (uint64_t)(mtime / 1000000000);
	st->st_mtime_nsec = (uint64_t)(mtime % 1000000000);
	st->st_ctime_sec = (uint64_t)(ctime / 1000000000);
	st->st_ctime_nsec = (uint64_t)(ctime % 1000000000);
}

/* The root mount, for tmpfs to seed from the image. */
struct mount *vfs_root_mount(void)
{
	return nmounts ? &mounts[0] : NULL;
}
