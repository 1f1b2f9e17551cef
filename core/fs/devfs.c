/* /dev: the few device files programs expect. */
#include <nto/hal.h>
#include <nto/hostcall_core.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/vfs.h>

enum dev_kind { DEV_DIR, DEV_NULL, DEV_ZERO, DEV_FULL, DEV_RANDOM, DEV_URANDOM, DEV_TTY, DEV_LINK };

struct devnode {
	const char *name;
	enum dev_kind kind;
	uint32_t mode;
	uint32_t rdev;
	const char *target;
};

static const struct devnode nodes[] = {
	{"", DEV_DIR, S_IFDIR | 0755, 0, NULL},
	{"null", DEV_NULL, S_IFCHR | 0666, 0x103, NULL},
	{"zero", DEV_ZERO, S_IFCHR | 0666, 0x105, NULL},
	{"full", DEV_FULL, S_IFCHR | 0666, 0x107, NULL},
	{"random", DEV_RANDOM, S_IFCHR | 0666, 0x108, NULL},
	{"urandom", DEV_URANDOM, S_IFCHR | 0666, 0x109, NULL},
	{"tty", DEV_TTY, S_IFCHR | 0666, 0x500, NULL},
	{"stdin", DEV_LINK, S_IFLNK | 0777, 0, "/proc/self/fd/0"},
	{"stdout", DEV_LINK, S_IFLNK | 0777, 0, "/proc/self/fd/1"},
	{"stderr", DEV_LINK, S_IFLNK | 0777, 0, "/proc/self/fd/2"},
	{"fd", DEV_LINK, S_IFLNK | 0777, 0, "/proc/self/fd"},
};

static const struct devnode *dev_find(const char *rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		if (strcmp(nodes[i].name, rel) == 0)
			return &nodes[i];
	}
	return NULL;
}

static int d_walk(struct mount *m, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed)
{
	const char *slash = strchr(rel, '/');
	char first[32];
	size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
	const struct devnode *d;

	(void)m;
	if (n >= sizeof(first))
		return slash ? -ENOENT : 0;
	memcpy(first, rel, n);
	first[n] = 0;
	d = dev_find(first);
	if (!d)
		return slash ? -ENOENT : 0;
	if (d->kind == DEV_LINK && (slash || follow)) {
		kstrlcpy(link, d->target, cap);
		*consumed = n;
		return 1;
	}
	if (slash && d->kind != DEV_DIR)
		return -ENOTDIR;
	return 0;
}

static ssize_t dev_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	const struct devnode *d = f->priv;
	uint8_t buf[256];
	size_t done = 0;

	(void)pos;
	if (d->kind == DEV_NULL)
		return 0;
	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));
		if (d->kind == DEV_RANDOM || d->kind == DEV_URANDOM) {
			if (hal_random(buf, chunk) < 0)
				return done ? (ssize_t)done : -EIO;
		} else {
			memset(buf, 0, chunk);
		}
		if (io_put(io, done, buf, chunk) < 0)
			return done ? (ssize_t)done : -EFAULT;
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t dev_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	const struct devnode *d = f->priv;

	(void)io;
	(void)pos;
	if (d->kind == DEV_FULL)
		return -ENOSPC;
	return (ssize_t)n;
}

static void node_stat(const struct devnode *d, struct kstat *st)
{
	kstat_fill(st, 2, (uint64_t)(d - nodes) + 1, d->mode, d->target ? strlen(d->target) : 0,
		   d->kind == DEV_DIR ? 2 : 1, 0, 0, 0);
	st->st_rdev = d->rdev;
}

static int dev_stat(struct file *f, struct kstat *st)
{
	node_stat(f->priv, st);
	return 0;
}

static int dev_getdents(struct file *f, struct dir_ctx *ctx, int64_t *pos)
{
	(void)f;
	for (; *pos < (int64_t)ARRAY_SIZE(nodes) + 1; (*pos)++) {
		const char *name = *pos == 0 ? "." : *pos == 1 ? ".." : nodes[*pos - 1].name;
		unsigned type = *pos < 2 ? DT_DIR : (nodes[*pos - 1].mode & S_IFMT) >> 12;
		if (!ctx->emit(ctx, name, strlen(name), (uint64_t)*pos + 1, type))
			return 0;
	}
	return 0;
}

static int dev_poll(struct file *f, int events)
{
	(void)f;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

static int dev_ioctl(struct file *f, unsigned int cmd, uptr arg)
{
	(void)f;
	(void)cmd;
	(void)arg;
	return -ENOTTY;
}

static const struct file_ops dev_ops = {
	.read = dev_read,
	.write = dev_write,
	.stat = dev_stat,
	.getdents = dev_getdents,
	.poll = dev_poll,
	.ioctl = dev_ioctl,
	.seekable = true,
};

/* /dev/tty is the host's terminal when there is one; ENXIO otherwise, as on Linux. */
static int tty_open(int flags, struct file **out)
{
	uint8_t buf[64];
	size_t got;

	for (int h = 0; h < 3; h++) {
		int64_t a[4] = {h, HC_TTY_TCGETS, 0, 0};
		if (hc_call(HC_TTY, a, NULL, 0, buf, sizeof(buf), &got) == 0) {
			*out = console_open(h == 0 ? 0 : 1, (uint32_t)flags);
			return *out ? 0 : -ENOMEM;
		}
	}
	return -ENXIO;
}

static int d_open(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out)
{
	const struct devnode *d = dev_find(rel);

	(void)m;
	(void)mode;
	if (!d)
		return (flags & O_CREAT) ? -EACCES : -ENOENT;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (d->kind == DEV_DIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (d->kind != DEV_DIR && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (d->kind == DEV_LINK)
		return -ELOOP;
	if (d->kind == DEV_TTY)
		return tty_open(flags, out);
	*out = file_alloc(&dev_ops, (void *)d, (uint32_t)flags);
	return *out ? 0 : -ENOMEM;
}

static int d_stat(struct mount *m, const char *rel, struct kstat *st)
{
	const struct devnode *d = dev_find(rel);

	(void)m;
	if (!d)
		return -ENOENT;
	node_stat(d, st);
	return 0;
}

static int d_readlink(struct mount *m, const char *rel, char *buf, size_t cap)
{
	const struct devnode *d = dev_find(rel);
	size_t n;

	(void)m;
	if (!d)
		return -ENOENT;
	if (d->kind != DEV_LINK)
		return -EINVAL;
	n = MIN(strlen(d->target), cap);
	memcpy(buf, d->target, n);
	return (int)n;
}

static const struct fs_ops devfs_ops = {
	.walk = d_walk,
	.open = d_open,
	.stat = d_stat,
	.readlink = d_readlink,
};

int devfs_init(void)
{
	return vfs_mount("/dev", &devfs_ops, NULL, false);
}
