/*
 * hostfs: a host directory mounted with --mount. Every operation is a host
 * call; the host's answers are untrusted, so each is checked by type here
 * before it becomes core state (sizes, modes, directory records). The data
 * itself is the host's to forge: docs/hostcall.md says so plainly.
 */
#include <nto/hostcall_core.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/vfs.h>

struct hfile {
	int64_t handle;
	uint32_t mode;
	struct mount *m;
};

static int64_t mount_id(struct mount *m)
{
	return (int64_t)(uptr)m->priv;
}

/* Checks a host stat and converts it; -EIO if the host lies implausibly. */
static int stat_from_host(const struct hc_stat *hs, uint32_t dev, struct kstat *st)
{
	uint32_t t = hs->mode & S_IFMT;

	if (t != S_IFREG && t != S_IFDIR && t != S_IFLNK && t != S_IFIFO && t != S_IFCHR &&
	    t != S_IFSOCK && t != S_IFBLK)
		return -EIO;
	if (hs->size > (uint64_t)INT64_MAX || (hs->nlink == 0 && t == S_IFDIR))
		return -EIO;
	kstat_fill(st, dev, hs->ino, hs->mode & (S_IFMT | 07777), hs->size, hs->nlink,
		   hs->atime_ns, hs->mtime_ns, hs->ctime_ns);
	st->st_blocks = (int64_t)hs->blocks;
	return 0;
}

static int h_stat(struct mount *m, const char *rel, struct kstat *st);
static int h_readlink(struct mount *m, const char *rel, char *buf, size_t cap);

static int h_walk(struct mount *m, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed)
{
	struct kstat st;
	int n;

	/* The host resolves intermediate symlinks beneath the mount itself
	 * (RESOLVE_BENEATH; links leaving the mount fail with EXDEV there).
	 * A final symlink is followed here, so it may point anywhere in the
	 * guest's namespace. */
	if (!follow || h_stat(m, rel, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = h_readlink(m, rel, link, cap - 1);
	if (n < 0)
		return n;
	link[n] = 0;
	*consumed = strlen(rel);
	return 1;
}

static bool memchr_nul_or_slash(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0 || s[i] == '/')
			return true;
	}
	return false;
}

/* A host result for an operation that returns 0 on success: anything
 * positive is a lie (and would not fit the program's int). */
static int status_of(int64_t r)
{
	return r > 0 ? -EIO : (int)r;
}

static int64_t hpath(struct mount *m, uint32_t op, int64_t a1, int64_t a2, int64_t a3,
		     const char *rel)
{
	int64_t a[4] = {mount_id(m), a1, a2, a3};

	return hc_path(op, a, rel[0] ? rel : ".");
}

static ssize_t hf_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	struct hfile *h = f->priv;
	uint8_t *buf;
	size_t done = 0;

	if (S_ISDIR(h->mode))
		return -EISDIR;
	buf = kmalloc(MIN(n, (size_t)HC_MAX_DATA) + 1);
	if (!buf)
		return -ENOMEM;
	while (done < n) {
		size_t want = MIN(n - done, (size_t)HC_MAX_DATA), got = 0;
		int64_t a[4] = {h->handle, *pos, (int64_t)want, 0};
		int64_t r = hc_call(HC_READ, a, NULL, 0, buf, want, &got);
		if (r < 0 && done == 0) {
			done = (size_t)r;
			break;
		}
		if (r < 0)
			break;
		if ((uint64_t)r != got || got > want) {
			done = done ? done : (size_t)-EIO;
			break;
		}
		if (io_put(io, done, buf, got) < 0) {
			done = done ? done : (size_t)-EFAULT;
			break;
		}
		done += got;
		*pos += (int64_t)got;
		if (got < want)
			break;
	}
	kfree(buf);
	return (ssize_t)done;
}

static ssize_t hf_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	struct hfile *h = f->priv;
	uint8_t *buf = kmalloc(MIN(n, (size_t)HC_MAX_DATA) + 1);
	size_t done = 0;
	ssize_t err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < n) {
		size_t chunk = MIN(n - done, (size_t)HC_MAX_DATA);
		bool append = f->flags & O_APPEND;
		int64_t a[4] = {h->handle, append ? -1 : *pos, 0, 0};
		if (io_get(io, done, buf, chunk) < 0) {
			err = -EFAULT;
			break;
		}
		int64_t r = hc_call(HC_WRITE, a, buf, chunk, NULL, 0, NULL);
		if (r < 0 || (uint64_t)r > chunk) {
			err = r < 0 ? r : -EIO;
			break;
		}
		done += (size_t)r;
		*pos += r;
		if ((size_t)r < chunk)
			break;
	}
	kfree(buf);
	if (done == 0 && err)
		return err;
	if (f->flags & O_APPEND) {
		struct kstat st;
		if (f->ops->stat(f, &st) == 0)
			*pos = st.st_size;
	}
	return (ssize_t)done;
}

static int hf_stat(struct file *f, struct kstat *st)
{
	struct hfile *h = f->priv;
	struct hc_stat hs;
	size_t got = 0;
	int64_t a[4] = {h->handle, 0, 0, 0};
	int64_t r = hc_call(HC_FSTAT, a, NULL, 0, &hs, sizeof(hs), &got);

	if (r < 0)
		return (int)r;
	if (got != sizeof(hs))
		return -EIO;
	return stat_from_host(&hs, h->m->dev, st);
}

/* A directory's current path: the host says where the handle is now, and
 * the answer is checked to be a plain relative path before it is used. */
static char *hf_getpath(struct file *f)
{
	struct hfile *h = f->priv;
	char rel[PATH_MAX];
	size_t got = 0;
	int64_t a[4] = {(int64_t)(uptr)h->m->priv, h->handle, 0, 0};
	int64_t r = hc_call(HC_FPATH, a, NULL, 0, rel, PATH_MAX - 1, &got);
	char *out;

	if (r < 0 || (uint64_t)r != got || !S_ISDIR(h->mode))
		return f->path ? kstrdup(f->path) : NULL;
	rel[got] = 0;
	if (strlen(rel) != got || rel[0] == '/')
		return NULL;
	out = kmalloc(PATH_MAX);
	if (out && path_canon(h->m->path, rel, out) < 0) {
		kfree(out);
		return NULL;
	}
	/* ".." inside the answer must not climb out of the mount. */
	if (out && (strncmp(out, h->m->path, h->m->pathlen) != 0 ||
		    (out[h->m->pathlen] != 0 && out[h->m->pathlen] != '/' && h->m->pathlen > 1))) {
		kfree(out);
		return NULL;
	}
	return out;
}

struct dent_state {
	uint8_t *buf;
	size_t len;
};

static int hf_getdents(struct file *f, struct dir_ctx *ctx, int64_t *pos)
{
	struct hfile *h = f->priv;
	uint8_t *buf = kmalloc(16384);
	size_t got = 0;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		int64_t a[4] = {h->handle, *pos, 16384, 0};
		int64_t cnt = hc_call(HC_GETDENTS, a, NULL, 0, buf, 16384, &got);
		if (cnt <= 0) {
			r = (int)cnt;
			break;
		}
		/* Walk the host's records with every length checked. */
		size_t off = 0;
		for (int64_t i = 0; i < cnt; i++) {
			struct hc_dirent d;
			if (got - off < sizeof(d)) {
				r = -EIO;
				goto out;
			}
			memcpy(&d, buf + off, sizeof(d));
			off += sizeof(d);
			if (d.namelen == 0 || d.namelen > NAME_MAX || got - off < d.namelen ||
			    memchr_nul_or_slash((const char *)buf + off, d.namelen)) {
				r = -EIO;
				goto out;
			}
			if (!ctx->emit(ctx, (const char *)buf + off, d.namelen, d.ino, d.type & 15))
				goto out;
			off += d.namelen;
			(*pos)++;
		}
	}
out:
	kfree(buf);
	return r;
}

static int hf_truncate(struct file *f, int64_t len)
{
	struct hfile *h = f->priv;
	int64_t a[4] = {h->handle, len, 0, 0};

	return status_of(hc_call(HC_FTRUNCATE, a, NULL, 0, NULL, 0, NULL));
}

static int hf_sync(struct file *f)
{
	struct hfile *h = f->priv;
	int64_t a[4] = {h->handle, 0, 0, 0};

	return status_of(hc_call(HC_FSYNC, a, NULL, 0, NULL, 0, NULL));
}

static int hf_poll(struct file *f, int events)
{
	(void)f;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

static void hf_release(struct file *f)
{
	struct hfile *h = f->priv;
	int64_t a[4] = {h->handle, 0, 0, 0};

	hc_call(HC_CLOSE, a, NULL, 0, NULL, 0, NULL);
	kfree(h);
}

static const struct file_ops hostfs_file_ops = {
	.read = hf_read,
	.write = hf_write,
	.stat = hf_stat,
	.getdents = hf_getdents,
	.truncate = hf_truncate,
	.sync = hf_sync,
	.poll = hf_poll,
	.release = hf_release,
	.getpath = hf_getpath,
	.seekable = true,
};

static int h_open(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out)
{
	struct hfile *h = kzalloc(sizeof(*h));
	struct kstat st;
	int64_t r;

	if (!h)
		return -ENOMEM;
	/* The host sees only the flags that shape the open; the rest stay here. */
	int hflags = flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY |
			      O_NOFOLLOW);
	struct hc_stat hs;
	size_t got = 0;
	int64_t a[4] = {mount_id(m), hflags, mode, 0};
	const char *p = rel[0] ? rel : ".";
	r = hc_call(HC_OPEN, a, p, strlen(p) + 1, &hs, sizeof(hs), &got);
	if (r < 0) {
		kfree(h);
		return (int)r;
	}
	h->handle = r;
	h->m = m;
	*out = file_alloc(&hostfs_file_ops, h, (uint32_t)flags);
	if (!*out) {
		int64_t c[4] = {r, 0, 0, 0};
		hc_call(HC_CLOSE, c, NULL, 0, NULL, 0, NULL);
		kfree(h);
		return -ENOMEM;
	}
	if (got == sizeof(hs) ? stat_from_host(&hs, m->dev, &st) == 0 : hf_stat(*out, &st) == 0)
		h->mode = st.st_mode;
	if ((flags & O_DIRECTORY) && !S_ISDIR(h->mode)) {
		file_put(*out);
		return -ENOTDIR;
	}
	return 0;
}

static int h_stat(struct mount *m, const char *rel, struct kstat *st)
{
	struct hc_stat hs;
	size_t got = 0;
	int64_t a[4] = {mount_id(m), 1, 0, 0};
	const char *p = rel[0] ? rel : ".";
	int64_t r = hc_call(HC_STAT, a, p, strlen(p) + 1, &hs, sizeof(hs), &got);

	if (r < 0)
		return (int)r;
	if (got != sizeof(hs))
		return -EIO;
	return stat_from_host(&hs, m->dev, st);
}

static int h_mkdir(struct mount *m, const char *rel, mode_t mode)
{
	return status_of(hpath(m, HC_MKDIR, mode, 0, 0, rel));
}

static int h_unlink(struct mount *m, const char *rel, bool dir)
{
	if (!rel[0])
		return -EBUSY;
	return status_of(hpath(m, HC_UNLINK, dir, 0, 0, rel));
}

/* Sends two paths "a\0b\0" as one payload. */
static int two_paths(struct mount *m, uint32_t op, int64_t a1, const char *x, const char *y)
{
	size_t nx = strlen(x) + 1, ny = strlen(y) + 1;
	char *buf = kmalloc(nx + ny);
	int64_t a[4] = {mount_id(m), a1, 0, 0};
	int64_t r;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, x, nx);
	memcpy(buf + nx, y, ny);
	r = hc_call(op, a, buf, nx + ny, NULL, 0, NULL);
	kfree(buf);
	return status_of(r);
}

static int h_rename(struct mount *m, const char *from, const char *to, unsigned int flags)
{
	if (!from[0] || !to[0])
		return -EBUSY;
	return two_paths(m, HC_RENAME, flags, from, to);
}

static int h_symlink(struct mount *m, const char *target, const char *rel)
{
	return two_paths(m, HC_SYMLINK, 0, target, rel);
}

static int h_link(struct mount *m, const char *from, const char *to)
{
	return two_paths(m, HC_LINK, 0, from, to);
}

static int h_readlink(struct mount *m, const char *rel, char *buf, size_t cap)
{
	size_t got = 0;
	int64_t a[4] = {mount_id(m), 0, 0, 0};
	const char *p = rel[0] ? rel : ".";
	int64_t r = hc_call(HC_READLINK, a, p, strlen(p) + 1, buf, MIN(cap, (size_t)PATH_MAX),
			    &got);

	if (r < 0)
		return (int)r;
	if ((uint64_t)r != got)
		return -EIO;
	return (int)r;
}

static int h_chmod(struct mount *m, const char *rel, mode_t mode)
{
	return status_of(hpath(m, HC_CHMOD, mode & 07777, 0, 0, rel));
}

static int h_utimens(struct mount *m, const char *rel, int64_t atime, int64_t mtime)
{
	return status_of(hpath(m, HC_UTIMENS, atime == UTIME_OMIT ? -1 : atime,
			  mtime == UTIME_OMIT ? -1 : mtime, 1, rel));
}

static int h_truncate(struct mount *m, const char *rel, int64_t len)
{
	return status_of(hpath(m, HC_TRUNCATE, len, 0, 0, rel));
}

static const struct fs_ops hostfs_ops = {
	.walk = h_walk,
	.open = h_open,
	.stat = h_stat,
	.mkdir = h_mkdir,
	.unlink = h_unlink,
	.rename = h_rename,
	.symlink = h_symlink,
	.readlink = h_readlink,
	.chmod = h_chmod,
	.utimens = h_utimens,
	.truncate = h_truncate,
	.link = h_link,
};

int hostfs_mount(const char *guest, uint32_t host_id, bool ro)
{
	int r = tmpfs_mkdir_p(guest);

	if (r < 0)
		return r;
	return vfs_mount(guest, &hostfs_ops, (void *)(uptr)host_id, ro);
}
