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

struct tnode {
	uint32_t mode;
	uint32_t nlink;
	uint64_t ino;
	int64_t atime, mtime, ctime;
	struct tnode *parent;
	char *name;
	struct tnode *child, *sibling; /* directory entries in creation order */
	uint64_t seq;                  /* position cookie within the parent */
	uint64_t next_seq;
	uint8_t *data; /* owned bytes (file contents or symlink target) */
	const uint8_t *ro; /* image bytes, until the first write */
	size_t size, cap;
	int opens;
	bool unlinked;
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
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->atime = n->mtime = n->ctime = now;
	n->next_seq = 3; /* 0..2 are taken by the start, "." and ".." */
	return n;
}

static void node_free(struct tnode *n)
{
	kfree(n->data);
	kfree(n->name);
	kfree(n);
}

static struct tnode *child_find(struct tnode *dir, const char *name, size_t len)
{
	for (struct tnode *c = dir->child; c; c = c->sibling) {
		if (strncmp(c->name, name, len) == 0 && c->name[len] == 0)
			return c;
	}
	return NULL;
}

static int child_add(struct tnode *dir, struct tnode *n, const char *name, size_t len)
{
	struct tnode **pp = &dir->child;

	n->name = kmalloc(len + 1);
	if (!n->name)
		return -ENOMEM;
	memcpy(n->name, name, len);
	n->name[len] = 0;
	n->parent = dir;
	n->seq = dir->next_seq++;
	while (*pp)
		pp = &(*pp)->sibling;
	*pp = n;
	if (S_ISDIR(n->mode))
		dir->nlink++;
	dir->mtime = dir->ctime = ktime_real();
	return 0;
}

static void child_remove(struct tnode *dir, struct tnode *n)
{
	for (struct tnode **pp = &dir->child; *pp; pp = &(*pp)->sibling) {
		if (*pp == n) {
			*pp = n->sibling;
			break;
		}
	}
	n->sibling = NULL;
	n->parent = NULL; /* an unlinked node may outlive its parent (an open directory) */
	if (S_ISDIR(n->mode))
		dir->nlink--;
	dir->mtime = dir->ctime = ktime_real();
}

/* Frees an unlinked node once nothing refers to it. */
static void node_drop(struct tnode *n)
{
	if (n->unlinked && n->opens == 0)
		node_free(n);
}

/*
 * Looks rel up without following a final symlink. Intermediate symlinks
 * are reported (return 1) so the VFS can splice them.
 */
static int lookup(struct tnode *root, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed, struct tnode **out, struct tnode **parent)
{
	struct tnode *n = root, *par = root;
	const char *p = rel;

	*out = NULL;
	while (*p) {
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if (!S_ISDIR(n->mode))
			return -ENOTDIR;
		struct tnode *c = child_find(n, s, (size_t)(p - s));
		bool last = *p == 0;
		while (*p == '/')
			p++;
		if (!c) {
			if (!last)
				return -ENOENT;
			if (parent)
				*parent = n;
			return 0;
		}
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
		par = n;
		n = c;
	}
	*out = n;
	if (parent)
		*parent = n == root ? root : par;
	return 0;
}

static struct tnode *root_of(struct mount *m)
{
	return m->priv;
}

/* Finds an existing node for rel; -ENOENT when missing. */
static int find(struct mount *m, const char *rel, struct tnode **out)
{
	int r = lookup(root_of(m), rel, false, NULL, 0, NULL, out, NULL);

	if (r == 0 && !*out)
		return -ENOENT;
	return r;
}

static int t_walk(struct mount *m, const char *rel, bool follow, char *link, size_t cap,
		  size_t *consumed)
{
	struct tnode *n;
	int r = lookup(root_of(m), rel, follow, link, cap, consumed, &n, NULL);

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
		struct tnode *p = n->parent ? n->parent : n;
		if (!ctx->emit(ctx, "..", 2, p->ino, DT_DIR))
			return 0;
		*pos = 2;
	}
	for (struct tnode *c = n->child; c; c = c->sibling) {
		if ((int64_t)c->seq <= *pos)
			continue;
		if (!ctx->emit(ctx, c->name, strlen(c->name), c->ino, dtype(c->mode)))
			return 0;
		*pos = (int64_t)c->seq;
	}
	return 0;
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
	.seekable = true,
};

/* Creates a node of mode at rel; -EEXIST if rel exists. */
static int create(struct mount *m, const char *rel, uint32_t mode, struct tnode **out)
{
	struct tnode *n, *parent = NULL;
	const char *last;
	int r = lookup(root_of(m), rel, false, NULL, 0, NULL, &n, &parent);

	if (r < 0)
		return r;
	if (n)
		return -EEXIST;
	if (!parent || !S_ISDIR(parent->mode))
		return -ENOENT;
	last = strrchr(rel, '/');
	last = last ? last + 1 : rel;
	n = node_new(mode);
	if (!n)
		return -ENOMEM;
	r = child_add(parent, n, last, strlen(last));
	if (r < 0) {
		node_free(n);
		return r;
	}
	*out = n;
	return 0;
}

static int t_open(struct mount *m, const char *rel, int flags, mode_t mode, struct file **out)
{
	struct tnode *n;
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
	if ((flags & O_TRUNC) && S_ISREG(n->mode) && acc != O_RDONLY) {
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
	struct tnode *n;
	int r = find(m, rel, &n);

	if (r == 0)
		node_stat(n, st);
	return r;
}

static int t_mkdir(struct mount *m, const char *rel, mode_t mode)
{
	struct tnode *n;

	return create(m, rel, S_IFDIR | (mode & 07777), &n);
}

static int t_unlink(struct mount *m, const char *rel, bool dir)
{
	struct tnode *n;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	if (!n->parent)
		return -EBUSY; /* the root */
	if (dir && !S_ISDIR(n->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(n->mode))
		return -EISDIR;
	if (dir && n->child)
		return -ENOTEMPTY;
	child_remove(n->parent, n);
	n->unlinked = true;
	n->nlink = 0;
	node_drop(n);
	return 0;
}

static bool is_ancestor(struct tnode *a, struct tnode *n)
{
	for (; n; n = n->parent) {
		if (n == a)
			return true;
	}
	return false;
}

static int t_rename(struct mount *m, const char *from, const char *to, unsigned int flags)
{
	struct tnode *src, *dst, *dparent = NULL;
	const char *last;
	int r = find(m, from, &src);

	if (r < 0)
		return r;
	r = lookup(root_of(m), to, false, NULL, 0, NULL, &dst, &dparent);
	if (r < 0)
		return r;
	if (!src->parent)
		return -EBUSY;
	if (!dst && (!dparent || !S_ISDIR(dparent->mode)))
		return -ENOENT;
	if (dst == src)
		return 0;
	if (dst && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (S_ISDIR(src->mode) && is_ancestor(src, dst ? dst->parent : dparent))
		return -EINVAL;
	if (dst) {
		if (S_ISDIR(dst->mode) && !S_ISDIR(src->mode))
			return -EISDIR;
		if (!S_ISDIR(dst->mode) && S_ISDIR(src->mode))
			return -ENOTDIR;
		if (dst->child)
			return -ENOTEMPTY;
		dparent = dst->parent;
		child_remove(dparent, dst);
		dst->unlinked = true;
		node_drop(dst);
	}
	last = strrchr(to, '/');
	last = last ? last + 1 : to;
	child_remove(src->parent, src);
	kfree(src->name);
	src->ctime = ktime_real();
	return child_add(dparent, src, last, strlen(last));
}

static int t_symlink(struct mount *m, const char *target, const char *rel)
{
	struct tnode *n;
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
	struct tnode *n;
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
	struct tnode *n;
	int r = find(m, rel, &n);

	if (r < 0)
		return r;
	n->mode = (n->mode & S_IFMT) | (mode & 07777);
	n->ctime = ktime_real();
	return 0;
}

static int t_utimens(struct mount *m, const char *rel, int64_t atime, int64_t mtime)
{
	struct tnode *n;
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
	struct tnode *n;
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
	struct tnode *n;
	int r;

	memcpy(path, img + h->str_off + e->path_off, e->path_len);
	path[e->path_len] = 0;
	if (strlen(path) != e->path_len || path[0] != '/')
		return -EINVAL;
	r = path_canon("/", path, canon);
	if (r < 0 || strcmp(canon, path) != 0 || strcmp(canon, "/") == 0)
		return -EINVAL;
	r = mkdir_p(root_mount, canon + 1);
	if (r < 0)
		return r;
	if ((e->mode & S_IFMT) == S_IFDIR) {
		if (find(root_mount, canon + 1, &n) == 0)
			n->mode = e->mode;
		return 0;
	}
	if (find(root_mount, canon + 1, &n) == 0) {
		/* mkdir_p made it a directory: replace with the file */
		if (!S_ISDIR(n->mode) || n->child)
			return -EINVAL;
		t_unlink(root_mount, canon + 1, true);
	}
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
