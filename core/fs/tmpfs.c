/*
 * tmpfs: the writable in-TEE file tree. The root file system is a tmpfs
 * seeded from the measured image: image files start out pointing at the
 * image's bytes and are copied on their first write, which makes the tree
 * an overlay over the read-only image.
 */
#include <nto/image.h>
#include <nto/kernel.h>
#include <nto/proc.h>
#include <nto/vfs.h>

struct tdent;

struct tnode {
	uint32_t mode;
	uint32_t nlink;
	uint64_t ino;
	int64_t atime, mtime, ctime;
	struct tdent *children; /* directory entries in creation order */
	uint64_t next_seq;      /* position cookies for new entries */
	struct tdent *dent;     /* a directory's one name (NULL for the root) */
	uint8_t *data;          /* owned bytes (file contents or symlink target) */
	const uint8_t *ro;      /* image bytes, until the first write */
	size_t size, cap;
	int opens;
};

/* A name in a directory. Files may have several (hard links). */
struct tdent {
	char *name;
	struct tnode *node;
	struct tnode *dir;
	struct tdent *next;
	uint64_t seq;
};

static uint64_t next_ino = 2;

static struct tnode *node_new(uint32_t mode)
{
	struct tnode *n = kzalloc(sizeof(*n));
	int64_t now = ktime_real();

	if (!n)
		return NULL;
	n->mode = mode;
	n->ino = next_ino++;
	n->atime = n->mtime = n->ctime = now;
	n->next_seq = 3; /* 0..2 are taken by the start, "." and ".." */
	return n;
}

/* Frees a node once it has neither names nor open files. */
static void node_drop(struct tnode *n)
{
	if (n->nlink == 0 && n->opens == 0) {
		kfree(n->data);
		kfree(n);
	}
}

static struct tdent *dent_find(struct tnode *dir, const char *name, size_t len)
{
	for (struct tdent *d = dir->children; d; d = d->next) {
		if (strncmp(d->name, name, len) == 0 && d->name[len] == 0)
			return d;
	}
	return NULL;
}

static int dent_add(struct tnode *dir, struct tnode *n, const char *name, size_t len)
{
	struct tdent *d = kzalloc(sizeof(*d)), **pp = &dir->children;

	if (!d)
		return -ENOSPC;
	d->name = kmalloc(len + 1);
	if (!d->name) {
		kfree(d);
		return -ENOSPC;
	}
	memcpy(d->name, name, len);
	d->name[len] = 0;
	d->node = n;
	d->dir = dir;
	d->seq = dir->next_seq++;
	while (*pp)
		pp = &(*pp)->next;
	*pp = d;
	if (S_ISDIR(n->mode)) {
		n->dent = d;
		n->nlink = 2;
		dir->nlink++;
	} else {
		n->nlink++;
	}
	n->ctime = dir->mtime = dir->ctime = ktime_real();
	return 0;
}

/* Removes a name; the node goes when its last name and open file do. */
static void dent_remove(struct tdent *d)
{
	struct tnode *dir = d->dir, *n = d->node;

	for (struct tdent **pp = &dir->children; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	if (S_ISDIR(n->mode)) {
		dir->nlink--;
		n->nlink = 0;
		n->dent = NULL;
	} else {
		n->nlink--;
	}
	n->ctime = dir->mtime = dir->ctime = ktime_real();
	kfree(d->name);
	kfree(d);
	node_drop(n);
}

/* Moves dentry d to dir under name (the target name is free). */
static int dent_move(struct tdent *d, struct tnode *dir, const char *name)
{
	size_t len = strlen(name);
	char *nm = kmalloc(len + 1);
	struct tnode *old = d->dir;

	if (!nm)
		return -ENOSPC;
	memcpy(nm, name, len + 1);
	for (struct tdent **pp = &old->children; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	kfree(d->name);
	d->name = nm;
	d->dir = dir;
	d->next = NULL;
	d->seq = dir->next_seq++;
	struct tdent **pp = &dir->children;
	while (*pp)
		pp = &(*pp)->next;
	*pp = d;
	if (S_ISDIR(d->node->mode) && old != dir) {
		old->nlink--;
		dir->nlink++;
	}
	d->node->ctime = old->mtime = old->ctime = dir->mtime = dir->ctime = ktime_real();
	return 0;
}

/*
 * Looks rel up without following a final symlink. Intermediate symlinks
 * are reported (return 1) so the VFS can splice them. On success *out is
 * the node's dentry (NULL for the root or a missing last component) and
 * *parent the directory that holds (or would hold) the last component.
 */
static int lookup(struct tnode *root, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed, struct tdent **out, struct tnode **parent)
{
	struct tnode *n = root;
	const char *p = rel;

	*out = NULL;
	if (parent)
		*parent = root;
	while (*p) {
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if (!S_ISDIR(n->mode))
			return -ENOTDIR;
		struct tdent *d = dent_find(n, s, (size_t)(p - s));
		bool last = *p == 0;
		while (*p == '/')
			p++;
		if (parent)
			*parent = n;
		if (!d) {
			*out = NULL;
			return last ? 0 : -ENOENT;
		}
		struct tnode *c = d->node;
		if (S_ISLNK(c->mode) && (!last || follow) && link) {
			if (c->size >= cap)
				return -ENAMETOOLONG;
			memcpy(link, c->data ? c->data : c->ro, c->size);
			link[c->size] = 0;
			*consumed = (size_t)(s - rel) + (size_t)(p - s);
			while (*consumed && rel[*consumed - 1] == '/')
				(*consumed)--;
			return 1;
		}
		n = c;
		*out = d;
	}
	return 0;
}

static struct tnode *root_of(struct mount *m)
{
	return m->priv;
}

/* Finds an existing node for rel; -ENOENT when missing. */
static int find_dent(struct mount *m, const char *rel, struct tdent **out)
{
	int r = lookup(root_of(m), rel, false, NULL, 0, NULL, out, NULL);

	if (r == 0 && !*out)
		return -ENOENT;
	return r;
}

static int find(struct mount *m, const char *rel, struct tnode **out)
{
	struct tdent *d;
	int r;

	if (!rel[0]) {
		*out = root_of(m);
		return 0;
	}
	r = find_dent(m, rel, &d);
	if (r == 0)
		*out = d->node;
	return r;
}

static int t_walk(struct mount *m, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed)
{
	struct tdent *d;
	int r = lookup(root_of(m), rel, follow, link, cap, consumed, &d, NULL);

	return r == -ENOENT ? 0 : r; /* a missing path is for the operation to report */
}

static const uint8_t *bytes(const struct tnode *n)
{
	return n->data ? n->data : n->ro;
}

/* Makes the node's bytes private and at least cap long. */
static int make_room(struct tnode *n, size_t want)
{
	if (n->data && n->cap >= want)
		return 0;
	size_t cap = MAX(want, n->cap + n->cap / 2);
	cap = MAX(cap, (size_t)64);
	uint8_t *d = n->data ? krealloc(n->data, cap) : kmalloc(cap);
	if (!d)
		return -ENOSPC;
	if (!n->data && n->ro)
		memcpy(d, n->ro, n->size);
	n->ro = NULL;
	n->data = d;
	n->cap = cap;
	return 0;
}

static int set_size(struct tnode *n, int64_t len)
{
	if (len < 0)
		return -EINVAL;
	if ((uint64_t)len > n->size) {
		int r = make_room(n, (size_t)len);
		if (r < 0)
			return r;
		memset(n->data + n->size, 0, (size_t)len - n->size);
	} else if (n->ro && !n->data) {
		/* Shrinking an image file keeps pointing at the image. */
	}
	n->size = (size_t)len;
	n->mtime = n->ctime = ktime_real();
	return 0;
}

static ssize_t tf_read(struct file *f, const struct iobuf *io, size_t len, int64_t *pos)
{
	struct tnode *n = f->priv;
	size_t off = (size_t)*pos;

	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (*pos < 0)
		return -EINVAL;
	if (off >= n->size)
		return 0;
	len = MIN(len, n->size - off);
	if (io_put(io, 0, bytes(n) + off, len) < 0)
		return -EFAULT;
	*pos += (int64_t)len;
	return (ssize_t)len;
}

static ssize_t tf_write(struct file *f, const struct iobuf *io, size_t len, int64_t *pos)
{
	struct tnode *n = f->priv;
	size_t off;
	int r;

	if (f->flags & O_APPEND)
		*pos = (int64_t)n->size;
	if (*pos < 0)
		return -EINVAL;
	off = (size_t)*pos;
	if (len == 0)
		return 0;
	if (off + len < off)
		return -EFBIG;
	r = make_room(n, MAX(off + len, n->size));
	if (r < 0)
		return r;
	if (off > n->size)
		memset(n->data + n->size, 0, off - n->size);
	if (io_get(io, 0, n->data + off, len) < 0)
		return -EFAULT;
	n->size = MAX(n->size, off + len);
	n->mtime = n->ctime = ktime_real();
	*pos += (int64_t)len;
	return (ssize_t)len;
}

static void node_stat(struct tnode *n, struct kstat *st)
{
	kstat_fill(st, 1, n->ino, n->mode, n->size, n->nlink, n->atime, n->mtime, n->ctime);
}

static int tf_stat(struct file *f, struct kstat *st)
{
	node_stat(f->priv, st);
	return 0;
}

static unsigned dtype(uint32_t mode)
{
	return (mode & S_IFMT) >> 12;
}

static int tf_getdents(struct file *f, struct dir_ctx *ctx, int64_t *pos)
{
	struct tnode *n = f->priv;

	if (!S_ISDIR(n->mode))
		return -ENOTDIR;
	if (*pos < 1) {
		if (!ctx->emit(ctx, ".", 1, n->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos < 2) {
		struct tnode *p = n->dent ? n->dent->dir : n;
		if (!ctx->emit(ctx, "..", 2, p->ino, DT_DIR))
			return 0;
		*pos = 2;
	}
	for (struct tdent *d = n->children; d; d = d->next) {
		if ((int64_t)d->seq <= *pos)
			continue;
		if (!ctx->emit(ctx, d->name, strlen(d->name), d->node->ino, dtype(d->node->mode)))
			return 0;
		*pos = (int64_t)d->seq;
	}
	return 0;
}

/* A directory's current path, rebuilt from its names (it may have moved). */
static char *tf_getpath(struct file *f)
{
	struct tnode *n = f->priv;
	char *buf = kmalloc(PATH_MAX);
	size_t at = PATH_MAX - 1;

	if (!buf)
		return NULL;
	buf[at] = 0;
	if (!S_ISDIR(n->mode) || (n->nlink == 0)) {
		kfree(buf);
		return f->path ? kstrdup(f->path) : NULL;
	}
	for (struct tdent *d = n->dent; d; d = d->dir->dent) {
		size_t len = strlen(d->name);
		if (len + 1 > at) {
			kfree(buf);
			return NULL;
		}
		at -= len;
		memcpy(buf + at, d->name, len);
		buf[--at] = '/';
	}
	if (at == PATH_MAX - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, PATH_MAX - at);
	return buf;
}

static int tf_truncate(struct file *f, int64_t len)
{
	struct tnode *n = f->priv;

	if (!S_ISREG(n->mode))
		return -EINVAL;
	return set_size(n, len);
}

static int tf_poll(struct file *f, int events)
{
	(void)f;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

static void tf_release(struct file *f)
{
	struct tnode *n = f->priv;

	n->opens--;
	node_drop(n);
}

static const struct file_ops tmpfs_file_ops = {
	.read = tf_read,
	.write = tf_write,
	.stat = tf_stat,
	.getdents = tf_getdents,
	.truncate = tf_truncate,
	.poll = tf_poll,
	.release = tf_release,
	.getpath = tf_getpath,
	.seekable = true,
};

/* Creates a node of mode at rel; -EEXIST if rel exists. */
static const char *last_name(const char *rel)
{
	const char *last = strrchr(rel, '/');

	return last ? last + 1 : rel;
}

/* Creates a node of mode at rel; -EEXIST if rel exists. */
static int create(struct mount *m, const char *rel, uint32_t mode, struct tnode **out)
{
	struct tdent *d;
	struct tnode *n, *parent = NULL;
	const char *last = last_name(rel);
	int r = lookup(root_of(m), rel, false, NULL, 0, NULL, &d, &parent);

	if (r < 0)
		return r;
	if (d || !rel[0])
		return -EEXIST;
	if (!S_ISDIR(parent->mode))
		return -ENOTDIR;
	if (parent->nlink == 0)
		return -ENOENT; /* the directory was removed */
	n = node_new(mode);
	if (!n)
		return -ENOSPC;
	r = dent_add(parent, n, last, strlen(last));
	if (r < 0) {
		kfree(n);
		return r;
	}
	*out = n;
	return 0;
}

static int t_open(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out)
{
	struct tnode *n = NULL;
	int acc = flags & O_ACCMODE;
	int r = find(m, rel, &n);

	if (r == -ENOENT && (flags & O_CREAT)) {
		r = create(m, rel, S_IFREG | (mode & 07777), &n);
	} else if (r == 0 && (flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	}
	if (r < 0)
		return r;
	if (S_ISLNK(n->mode) && !(flags & O_PATH))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode))
		return -ENOTDIR;
	if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	/* Linux truncates on O_TRUNC whatever the access mode. */
	if ((flags & O_TRUNC) && S_ISREG(n->mode)) {
		r = set_size(n, 0);
		if (r < 0)
			return r;
	}
	*out = file_alloc(&tmpfs_file_ops, n, (uint32_t)flags);
	if (!*out)
		return -ENOMEM;
	n->opens++;
	return 0;
}

static int t_stat(struct mount *m, const char *rel, struct kstat *st)
{
	struct tnode *n = NULL;
	int r = find(m, rel, &n);

	if (r == 0)
		node_stat(n, st);
	return r;
}

static int t_mkdir(struct mount *m, const char *rel, mode_t mode)
{
	struct tnode *n = NULL;

	return create(m, rel, S_IFDIR | (mode & 07777), &n);
}

static int t_unlink(struct mount *m, const char *rel, bool dir)
{
	struct tdent *d;
	int r;

	if (!rel[0])
		return -EBUSY; /* the root */
	r = find_dent(m, rel, &d);
	if (r < 0)
		return r;
	if (dir && !S_ISDIR(d->node->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(d->node->mode))
		return -EISDIR;
	if (dir && d->node->children)
		return -ENOTEMPTY;
	dent_remove(d);
	return 0;
}

static int t_link(struct mount *m, const char *from, const char *to)
{
	struct tdent *src, *dst;
	struct tnode *parent;
	const char *last = last_name(to);
	int r = find_dent(m, from, &src);

	if (r < 0)
		return r;
	if (S_ISDIR(src->node->mode))
		return -EPERM;
	r = lookup(root_of(m), to, false, NULL, 0, NULL, &dst, &parent);
	if (r < 0)
		return r;
	if (dst || !to[0])
		return -EEXIST;
	if (!S_ISDIR(parent->mode))
		return -ENOTDIR;
	return dent_add(parent, src->node, last, strlen(last));
}

static bool is_ancestor(struct tnode *a, struct tnode *n)
{
	for (;;) {
		if (n == a)
			return true;
		if (!n->dent)
			return false;
		n = n->dent->dir;
	}
}

/* RENAME_EXCHANGE: the two names swap the nodes they point at. */
static int exchange(struct mount *m, const char *from, const char *to)
{
	struct tdent *a, *b;
	int r = find_dent(m, from, &a);

	if (r == 0)
		r = find_dent(m, to, &b);
	if (r < 0)
		return r;
	if (a == b)
		return 0;
	if ((S_ISDIR(a->node->mode) && is_ancestor(a->node, b->dir)) ||
	    (S_ISDIR(b->node->mode) && is_ancestor(b->node, a->dir)))
		return -EINVAL;
	struct tnode *na = a->node, *nb = b->node;
	if (S_ISDIR(na->mode) != S_ISDIR(nb->mode) && a->dir != b->dir) {
		int d = S_ISDIR(na->mode) ? 1 : -1; /* a's dir moves to b's parent */
		a->dir->nlink -= d;
		b->dir->nlink += d;
	}
	a->node = nb;
	b->node = na;
	if (S_ISDIR(na->mode))
		na->dent = b;
	if (S_ISDIR(nb->mode))
		nb->dent = a;
	na->ctime = nb->ctime = ktime_real();
	return 0;
}

static int t_rename(struct mount *m, const char *from, const char *to, unsigned int flags)
{
	if (flags & RENAME_EXCHANGE)
		return exchange(m, from, to);

	struct tdent *src, *dst;
	struct tnode *dparent;
	int r;

	if (!from[0] || !to[0])
		return -EBUSY;
	r = find_dent(m, from, &src);
	if (r < 0)
		return r;
	r = lookup(root_of(m), to, false, NULL, 0, NULL, &dst, &dparent);
	if (r < 0)
		return r;
	if (!S_ISDIR(dparent->mode))
		return -ENOTDIR;
	if (dst && dst->node == src->node)
		return 0;
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (S_ISDIR(src->node->mode) && is_ancestor(src->node, dparent))
		return -EINVAL;
	if (dst) {
		if (S_ISDIR(dst->node->mode) && !S_ISDIR(src->node->mode))
			return -EISDIR;
		if (!S_ISDIR(dst->node->mode) && S_ISDIR(src->node->mode))
			return -ENOTDIR;
		if (dst->node->children)
			return -ENOTEMPTY;
		dent_remove(dst);
	}
	return dent_move(src, dparent, last_name(to));
}

static int t_symlink(struct mount *m, const char *target, const char *rel)
{
	struct tnode *n = NULL;
	size_t len = strlen(target);
	int r = create(m, rel, S_IFLNK | 0777, &n);

	if (r < 0)
		return r;
	r = make_room(n, len + 1);
	if (r < 0)
		return r;
	memcpy(n->data, target, len);
	n->size = len;
	return 0;
}

static int t_readlink(struct mount *m, const char *rel, char *buf, size_t cap)
{
	struct tnode *n = NULL;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	if (!S_ISLNK(n->mode))
		return -EINVAL;
	size_t len = MIN(cap, n->size);
	memcpy(buf, bytes(n), len);
	return (int)len;
}

static int t_chmod(struct mount *m, const char *rel, mode_t mode)
{
	struct tnode *n = NULL;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	n->mode = (n->mode & S_IFMT) | (mode & 07777);
	n->ctime = ktime_real();
	return 0;
}

static int t_utimens(struct mount *m, const char *rel, int64_t atime, int64_t mtime)
{
	struct tnode *n = NULL;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	if (atime != UTIME_OMIT)
		n->atime = atime;
	if (mtime != UTIME_OMIT)
		n->mtime = mtime;
	n->ctime = ktime_real();
	return 0;
}

static int t_truncate(struct mount *m, const char *rel, int64_t len)
{
	struct tnode *n = NULL;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	return set_size(n, len);
}

static const struct fs_ops tmpfs_ops = {
	.walk = t_walk,
	.open = t_open,
	.stat = t_stat,
	.mkdir = t_mkdir,
	.unlink = t_unlink,
	.rename = t_rename,
	.symlink = t_symlink,
	.readlink = t_readlink,
	.chmod = t_chmod,
	.utimens = t_utimens,
	.truncate = t_truncate,
	.link = t_link,
};

/* Creates every directory on the way to rel (like mkdir -p). */
static int mkdir_p(struct mount *m, const char *rel)
{
	char buf[PATH_MAX];
	size_t n = strlen(rel);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, rel, n + 1);
	for (size_t i = 0; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != 0)
			continue;
		char c = buf[i];
		buf[i] = 0;
		if (buf[0]) {
			int r = t_mkdir(m, buf, 0755);
			if (r < 0 && r != -EEXIST)
				return r;
		}
		buf[i] = c;
	}
	return 0;
}

/* Validates one image entry; the image is untrusted until checked. */
/* Creates the directories that lead to rel, but not rel itself. */
static int mkdir_parents(struct mount *m, const char *rel)
{
	char buf[PATH_MAX];
	const char *last = strrchr(rel, '/');

	if (!last)
		return 0;
	memcpy(buf, rel, (size_t)(last - rel));
	buf[last - rel] = 0;
	return mkdir_p(m, buf);
}

static int entry_check(const struct img_header *h, const struct img_entry *e, size_t size)
{
	if (e->path_off > h->str_size || e->path_len > h->str_size - e->path_off ||
	    e->path_len < 2 || e->path_len >= PATH_MAX)
		return -EINVAL;
	if (e->data_off > size || e->size > size - e->data_off)
		return -EINVAL;
	uint32_t t = e->mode & S_IFMT;
	if (t != S_IFREG && t != S_IFDIR && t != S_IFLNK)
		return -EINVAL;
	return 0;
}

static struct mount *root_mount;

static int add_entry(const uint8_t *img, const struct img_header *h, const struct img_entry *e)
{
	char path[PATH_MAX], canon[PATH_MAX];
	struct tnode *n = NULL;
	int r;

	memcpy(path, img + h->str_off + e->path_off, e->path_len);
	path[e->path_len] = 0;
	if (strlen(path) != e->path_len || path[0] != '/')
		return -EINVAL;
	r = path_canon("/", path, canon);
	if (r < 0 || strcmp(canon, path) != 0 || strcmp(canon, "/") == 0)
		return -EINVAL;
	r = mkdir_parents(root_mount, canon + 1);
	if (r < 0)
		return r;
	if ((e->mode & S_IFMT) == S_IFDIR) {
		if (find(root_mount, canon + 1, &n) == 0) {
			n->mode = e->mode;
			return 0;
		}
		return t_mkdir(root_mount, canon + 1, e->mode & 07777);
	}
	if (find(root_mount, canon + 1, &n) == 0)
		return -EINVAL; /* a duplicate entry */
	r = create(root_mount, canon + 1, e->mode, &n);
	if (r < 0)
		return r;
	n->ro = img + e->data_off;
	n->size = e->size;
	n->atime = n->mtime = n->ctime = 0;
	return 0;
}

int tmpfs_mount_image(const uint8_t *img, size_t size)
{
	const struct img_header *h = (const void *)img;
	struct tnode *root;
	int r;

	if (size < sizeof(*h) || memcmp(h->magic, IMG_MAGIC, 8) != 0 ||
	    h->version != IMG_VERSION || h->total_size != size || h->count > IMG_MAX_ENTRIES)
		return -EINVAL;
	if (h->table_off > size || (uint64_t)h->count * sizeof(struct img_entry) > size - h->table_off ||
	    h->str_off > size || h->str_size > size - h->str_off || (h->table_off & 7))
		return -EINVAL;
	root = node_new(S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->nlink = 2;
	r = vfs_mount("/", &tmpfs_ops, root, false);
	if (r < 0)
		return r;
	root_mount = vfs_root_mount();
	const struct img_entry *tab = (const void *)(img + h->table_off);
	for (uint32_t i = 0; i < h->count; i++) {
		r = entry_check(h, &tab[i], size);
		if (r == 0)
			r = add_entry(img, h, &tab[i]);
		if (r < 0)
			return r;
	}
	for (const char *d = "tmp\0dev\0proc\0"; *d; d += strlen(d) + 1) {
		r = mkdir_p(root_mount, d);
		if (r < 0)
			return r;
	}
	t_chmod(root_mount, "tmp", 01777);
	return 0;
}

/* Creates the directory that a later mount will cover. */
int tmpfs_mkdir_p(const char *abs)
{
	return mkdir_p(root_mount, abs + 1);
}
