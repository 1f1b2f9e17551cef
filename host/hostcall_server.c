/*
 * Host-call server. The guest is untrusted: every request field is checked,
 * payloads are copied before they are parsed (the guest may change shared
 * memory under us), and every path is resolved beneath its mount with
 * openat2(RESOLVE_BENEATH), so neither "..", absolute paths nor symlinks can
 * reach a host file outside the mounted directory.
 */
#define _GNU_SOURCE
#include <asm/termbits.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hostcall_server.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

_Static_assert(sizeof(struct termios) == 36, "kernel struct termios is 36 bytes");

enum hstate { H_FREE, H_OPEN, H_CLOSING };

/* A guest handle. refs counts the table's own reference plus calls in
 * flight, so a close racing a blocked read cannot free the fd under it. */
struct handle {
	int fd;
	uint32_t refs;
	uint8_t state;
	bool own; /* false for the host's 0..2: never closed */
};

struct hc_server {
	pthread_mutex_t lock;     /* handle table */
	pthread_mutex_t dir_lock; /* directory offsets during HC_GETDENTS */
	int nmounts;
	int mount_fd[BOOT_MAX_MOUNTS];
	bool mount_ro[BOOT_MAX_MOUNTS];
	struct handle h[HC_SERVER_MAX_HANDLES];
};

/* One request in progress: the copied header, the payload and the reply. */
struct call {
	struct hc_server *s;
	struct hc_msg q;
	const uint8_t *in;
	uint8_t *out;
	uint32_t cap;
	uint32_t outlen;
	int slot; /* handle slot held by this call, or -1 */
};

/* Paths from a request payload, copied so the guest cannot change them. */
struct paths {
	char buf[2 * HC_MAX_PATH];
	const char *a, *b;
};

/* A mount-relative path split into an O_PATH parent directory and one name. */
struct at {
	int dirfd;
	bool dot; /* the last component was "." or ".." */
	const char *name;
	char buf[HC_MAX_PATH];
};

/* ---- handles ---- */

struct hc_server *hc_server_new(void)
{
	struct hc_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	/* The guest's umask was applied inside the TEE; modes arrive final. */
	umask(0);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->dir_lock, NULL);
	for (int i = 0; i < 3; i++)
		s->h[i] = (struct handle){.fd = i, .refs = 1, .state = H_OPEN, .own = false};
	return s;
}

void hc_server_free(struct hc_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < HC_SERVER_MAX_HANDLES; i++) {
		if (s->h[i].state != H_FREE && s->h[i].own)
			close(s->h[i].fd);
	}
	for (int i = 0; i < s->nmounts; i++)
		close(s->mount_fd[i]);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->dir_lock);
	free(s);
}

int hc_server_add_mount(struct hc_server *s, const char *host_dir, bool ro)
{
	int fd;

	if (s->nmounts >= BOOT_MAX_MOUNTS)
		return -ENOSPC;
	fd = open(host_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	s->mount_fd[s->nmounts] = fd;
	s->mount_ro[s->nmounts] = ro;
	return s->nmounts++;
}

/* Takes a reference on guest handle hnum; the fd stays valid until handle_put. */
static int handle_get(struct call *c, int64_t hnum)
{
	struct hc_server *s = c->s;
	int fd = -EBADF;

	if (hnum < 0 || hnum >= HC_SERVER_MAX_HANDLES)
		return -EBADF;
	pthread_mutex_lock(&s->lock);
	if (s->h[hnum].state == H_OPEN) {
		s->h[hnum].refs++;
		fd = s->h[hnum].fd;
		c->slot = (int)hnum;
	}
	pthread_mutex_unlock(&s->lock);
	return fd;
}

/* Drops a reference; the last one closes the host fd and frees the slot. */
static void slot_put(struct hc_server *s, int slot)
{
	struct handle *h = &s->h[slot];
	int fd = -1;

	pthread_mutex_lock(&s->lock);
	if (--h->refs == 0) {
		fd = h->own ? h->fd : -1;
		h->state = H_FREE;
	}
	pthread_mutex_unlock(&s->lock);
	if (fd >= 0)
		close(fd);
}

static void handle_put(struct call *c)
{
	if (c->slot >= 0)
		slot_put(c->s, c->slot);
	c->slot = -1;
}

/* Gives fd a handle number (3 and up: 0..2 are never reused); closes fd on failure. */
static int64_t handle_new(struct hc_server *s, int fd)
{
	pthread_mutex_lock(&s->lock);
	for (int i = 3; i < HC_SERVER_MAX_HANDLES; i++) {
		if (s->h[i].state == H_FREE) {
			s->h[i] =
				(struct handle){.fd = fd, .refs = 1, .state = H_OPEN, .own = true};
			pthread_mutex_unlock(&s->lock);
			return i;
		}
	}
	pthread_mutex_unlock(&s->lock);
	close(fd);
	return -EMFILE;
}

/* ---- request checks ---- */

/* Copies one ("a\0") or two ("a\0b\0") strings that must fill the payload exactly. */
static int get_paths(const struct call *c, int count, struct paths *p)
{
	size_t len = c->q.len, n1;

	if (len == 0 || len > sizeof(p->buf))
		return len ? -ENAMETOOLONG : -EINVAL;
	memcpy(p->buf, c->in, len);
	if (p->buf[len - 1] != 0)
		return -EINVAL;
	p->a = p->buf;
	n1 = strlen(p->a) + 1;
	p->b = count == 2 ? p->buf + n1 : NULL;
	if ((count == 1 && n1 != len) ||
	    (count == 2 && (n1 >= len || n1 + strlen(p->b) + 1 != len)))
		return -EINVAL;
	if (n1 > HC_MAX_PATH || (p->b && strlen(p->b) >= HC_MAX_PATH))
		return -ENAMETOOLONG;
	if (!p->a[0] || (p->b && !p->b[0]))
		return -ENOENT;
	return 0;
}

/* Returns the mount's directory fd for arg0; -EROFS if write and the mount is read-only. */
static int mount_get(const struct call *c, bool write)
{
	int64_t id = c->q.arg[0];

	if (id < 0 || id >= c->s->nmounts)
		return -ENODEV;
	if (write && c->s->mount_ro[id])
		return -EROFS;
	return c->s->mount_fd[id];
}

/* ---- resolving beneath a mount ---- */

/* openat2 confined beneath dirfd; intermediate symlinks are followed only inside. */
static int beneath(int dirfd, const char *path, uint64_t flags, uint64_t mode)
{
	struct open_how how = {.flags = flags | O_CLOEXEC,
			       .mode = mode,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	long r;

	/* openat2 rejects O_NOCTTY together with O_PATH */
	if (!(flags & O_PATH))
		how.flags |= O_NOCTTY;
	do {
		r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : (int)r;
}

/*
 * Splits path into its parent directory, opened beneath the mount, and the
 * last component, for ops that act on a name without following it. A name
 * of "." or ".." would act on a directory the parent open did not check,
 * so it is refused.
 */
static int split_at(int mountfd, const char *path, struct at *at)
{
	size_t n = strlen(path);
	char *slash;

	at->dirfd = -1;
	at->dot = false;
	if (path[0] == '/')
		return -EXDEV; /* what RESOLVE_BENEATH says about absolute paths */
	memcpy(at->buf, path, n + 1);
	while (n > 1 && at->buf[n - 1] == '/')
		at->buf[--n] = 0;
	slash = strrchr(at->buf, '/');
	at->name = slash ? slash + 1 : at->buf;
	if (slash)
		*slash = 0;
	at->dot = !strcmp(at->name, ".") || !strcmp(at->name, "..");
	if (at->dot)
		return -EINVAL;
	at->dirfd = beneath(mountfd, slash ? at->buf : ".", O_PATH | O_DIRECTORY, 0);
	return at->dirfd < 0 ? at->dirfd : 0;
}

static void at_close(struct at *at)
{
	if (at->dirfd >= 0)
		close(at->dirfd);
	at->dirfd = -1;
}

/* ---- replies ---- */

static int64_t put_out(struct call *c, const void *p, size_t n)
{
	if (n > c->cap)
		return -EINVAL;
	memcpy(c->out, p, n);
	c->outlen = (uint32_t)n;
	return 0;
}

static int64_t ts_ns(struct timespec t)
{
	if (t.tv_sec > INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	if (t.tv_sec < INT64_MIN / 1000000000 + 1)
		return INT64_MIN;
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t put_stat(struct call *c, const struct stat *st)
{
	struct hc_stat hs = {
		.ino = st->st_ino,
		.size = (uint64_t)st->st_size,
		.blocks = (uint64_t)st->st_blocks,
		.nlink = st->st_nlink,
		.mode = st->st_mode,
		.uid = st->st_uid,
		.gid = st->st_gid,
		.blksize = (uint32_t)st->st_blksize,
		.atime_ns = ts_ns(st->st_atim),
		.mtime_ns = ts_ns(st->st_mtim),
		.ctime_ns = ts_ns(st->st_ctim),
	};

	return put_out(c, &hs, sizeof(hs));
}

static int64_t ret_errno(long r)
{
	return r < 0 ? -errno : r;
}

/* ---- handle ops ---- */

static int64_t op_read(struct call *c)
{
	int64_t off = c->q.arg[1], count = c->q.arg[2];
	int fd;
	ssize_t r;

	if (off < -1 || count < 0)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	if ((uint64_t)count > c->cap)
		count = c->cap;
	r = off == -1 ? read(fd, c->out, (size_t)count) : pread(fd, c->out, (size_t)count, off);
	if (r < 0)
		return -errno;
	c->outlen = (uint32_t)r;
	return r;
}

static int64_t op_write(struct call *c)
{
	int64_t off = c->q.arg[1];
	int fd;

	if (off < -1)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	if (off == -1)
		return ret_errno(write(fd, c->in, c->q.len));
	return ret_errno(pwrite(fd, c->in, c->q.len, off));
}

static int64_t op_close(struct call *c)
{
	int64_t hnum = c->q.arg[0];
	struct hc_server *s = c->s;
	bool ok = false;

	if (hnum < 0 || hnum >= HC_SERVER_MAX_HANDLES)
		return -EBADF;
	pthread_mutex_lock(&s->lock);
	if (s->h[hnum].state == H_OPEN) {
		s->h[hnum].state = H_CLOSING;
		ok = true;
	}
	pthread_mutex_unlock(&s->lock);
	if (!ok)
		return -EBADF;
	slot_put(s, (int)hnum); /* the table's reference */
	return 0;
}

static int64_t op_fstat(struct call *c)
{
	struct stat st;
	int fd = handle_get(c, c->q.arg[0]);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	return put_stat(c, &st);
}

static int64_t op_ftruncate(struct call *c)
{
	int fd;

	if (c->q.arg[1] < 0)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	return ret_errno(ftruncate(fd, c->q.arg[1]));
}

static int64_t op_fsync(struct call *c)
{
	int fd = handle_get(c, c->q.arg[0]);

	if (fd < 0)
		return fd;
	return ret_errno(fsync(fd));
}

static int64_t op_tty(struct call *c)
{
	struct termios t;
	struct winsize w;
	int fd;

	if (c->q.arg[1] != HC_TTY_TCGETS && c->q.arg[1] != HC_TTY_WINSZ)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	if (c->q.arg[1] == HC_TTY_TCGETS) {
		if (ioctl(fd, TCGETS, &t) < 0)
			return -errno;
		return put_out(c, &t, sizeof(t));
	}
	if (ioctl(fd, TIOCGWINSZ, &w) < 0)
		return -errno;
	return put_out(c, &w, sizeof(w));
}

static int64_t op_poll(struct call *c)
{
	int64_t ev = c->q.arg[1], tmo = c->q.arg[2];
	struct pollfd p;
	int fd, r;

	if (ev < 0 || ev > 0xffff)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	p = (struct pollfd){.fd = fd, .events = (short)ev};
	r = poll(&p, 1, tmo < 0 ? -1 : (int)(tmo > INT_MAX ? INT_MAX : tmo));
	if (r < 0)
		return -errno;
	return r ? p.revents : 0;
}

/* Appends one hc_dirent record if it fits; false when the reply is full. */
static bool emit_dirent(struct call *c, uint64_t ino, uint8_t type, const char *name)
{
	size_t n = strlen(name);
	struct hc_dirent d = {.ino = ino, .type = type, .namelen = (uint16_t)n};

	if (sizeof(d) + n > c->cap - c->outlen)
		return false;
	memcpy(c->out + c->outlen, &d, sizeof(d));
	memcpy(c->out + c->outlen + sizeof(d), name, n);
	c->outlen += (uint32_t)(sizeof(d) + n);
	return true;
}

/*
 * Positions are entry indexes: rewind and skip `index` entries. Quadratic
 * in a huge directory, but stateless and never wrong about where it is.
 */
static int64_t scan_dir(struct call *c, int fd, int64_t index, uint8_t *buf, size_t bufsz)
{
	int64_t seen = 0, count = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ssize_t n = getdents64(fd, buf, bufsz);
		if (n < 0)
			return -errno;
		if (n == 0)
			return count;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (seen++ < index)
				continue;
			if (!emit_dirent(c, d->d_ino, d->d_type, d->d_name))
				return count ? count : -EINVAL; /* cap too small for one entry */
			count++;
		}
	}
}

static int64_t op_getdents(struct call *c)
{
	const size_t bufsz = 32768;
	uint8_t *buf;
	int64_t r;
	int fd;

	if (c->q.arg[1] < 0)
		return -EINVAL;
	fd = handle_get(c, c->q.arg[0]);
	if (fd < 0)
		return fd;
	buf = malloc(bufsz);
	if (!buf)
		return -ENOMEM;
	pthread_mutex_lock(&c->s->dir_lock);
	r = scan_dir(c, fd, c->q.arg[1], buf, bufsz);
	pthread_mutex_unlock(&c->s->dir_lock);
	free(buf);
	if (r < 0)
		c->outlen = 0;
	return r;
}

/* ---- path ops ---- */

static bool wants_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC));
}

static int64_t op_open(struct call *c)
{
	const int allowed = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY |
			    O_NOFOLLOW | O_NONBLOCK | O_DSYNC | O_SYNC;
	int64_t fl = c->q.arg[1];
	struct paths p;
	int mfd, fd, r;

	if (fl < 0 || fl > INT_MAX || (fl & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	r = get_paths(c, 1, &p);
	if (r < 0)
		return r;
	mfd = mount_get(c, wants_write((int)fl));
	if (mfd < 0)
		return mfd;
	/* Other flags (O_PATH, O_TMPFILE, O_DIRECT, ...) have no business on the host. */
	fl &= allowed;
	fd = beneath(mfd, p.a, (uint64_t)fl, (fl & O_CREAT) ? (uint64_t)(c->q.arg[2] & 07777) : 0);
	if (fd < 0)
		return fd;
	/* The reply may carry the new file's stat: it saves an HC_FSTAT. */
	struct stat st;
	if (c->cap >= sizeof(struct hc_stat) && fstat(fd, &st) == 0)
		put_stat(c, &st);
	return handle_new(c->s, fd);
}

static int64_t op_stat(struct call *c)
{
	struct paths p;
	struct stat st;
	int mfd, fd, r;

	if (c->q.arg[1] != 0 && c->q.arg[1] != 1)
		return -EINVAL;
	r = get_paths(c, 1, &p);
	if (r < 0)
		return r;
	mfd = mount_get(c, false);
	if (mfd < 0)
		return mfd;
	fd = beneath(mfd, p.a, O_PATH | (c->q.arg[1] ? O_NOFOLLOW : 0), 0);
	if (fd < 0)
		return fd;
	r = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	return r < 0 ? r : put_stat(c, &st);
}

static int64_t op_readlink(struct call *c)
{
	char buf[HC_MAX_PATH];
	struct paths p;
	struct stat st;
	ssize_t n;
	int mfd, fd, r;

	r = get_paths(c, 1, &p);
	if (r < 0)
		return r;
	mfd = mount_get(c, false);
	if (mfd < 0)
		return mfd;
	fd = beneath(mfd, p.a, O_PATH | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		n = -errno;
	else if (!S_ISLNK(st.st_mode))
		n = -EINVAL;
	else
		n = ret_errno(readlinkat(fd, "", buf, sizeof(buf)));
	close(fd);
	if (n < 0)
		return n;
	/* like readlink(2): silently truncated to the caller's buffer */
	if ((size_t)n > c->cap)
		n = c->cap;
	memcpy(c->out, buf, (size_t)n);
	c->outlen = (uint32_t)n;
	return n;
}

/* Opens the object at a path for the name-only ops (chmod, utimens, truncate). */
static int obj_open(struct call *c, bool write, uint64_t flags)
{
	struct paths p;
	int mfd, r;

	r = get_paths(c, 1, &p);
	if (r < 0)
		return r;
	mfd = mount_get(c, write);
	if (mfd < 0)
		return mfd;
	return beneath(mfd, p.a, flags, 0);
}

static int64_t op_chmod(struct call *c)
{
	char proc[64];
	int fd = obj_open(c, true, O_PATH);
	long r;

	if (fd < 0)
		return fd;
	r = syscall(SYS_fchmodat2, fd, "", (mode_t)(c->q.arg[1] & 07777), AT_EMPTY_PATH);
	if (r < 0 && errno == ENOSYS) {
		/* before Linux 6.6: the fd's /proc link names exactly the object opened */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		r = chmod(proc, (mode_t)(c->q.arg[1] & 07777));
	}
	r = ret_errno(r);
	close(fd);
	return r;
}

/* -1 is "leave alone"; other negative times are before 1970 and valid. */
static void to_timespec(int64_t ns, struct timespec *t)
{
	*t = (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
	if (ns == -1)
		t->tv_nsec = UTIME_OMIT;
	else if (t->tv_nsec < 0) {
		t->tv_sec--;
		t->tv_nsec += 1000000000;
	}
}

static int64_t op_utimens(struct call *c)
{
	struct timespec ts[2];
	int fd;
	long r;

	if (c->q.arg[3] != 0 && c->q.arg[3] != 1)
		return -EINVAL;
	to_timespec(c->q.arg[1], &ts[0]);
	to_timespec(c->q.arg[2], &ts[1]);
	fd = obj_open(c, true, O_PATH | (c->q.arg[3] ? O_NOFOLLOW : 0));
	if (fd < 0)
		return fd;
	r = ret_errno(utimensat(fd, "", ts, AT_EMPTY_PATH));
	close(fd);
	return r;
}

static int64_t op_truncate(struct call *c)
{
	int fd;
	long r;

	if (c->q.arg[1] < 0)
		return -EINVAL;
	/* O_NONBLOCK: opening a FIFO for writing must not hang the server */
	fd = obj_open(c, true, O_WRONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	r = ret_errno(ftruncate(fd, c->q.arg[1]));
	close(fd);
	return r;
}

/* Parses one path and splits it beneath a writable mount. */
static int one_at(struct call *c, struct at *at)
{
	struct paths p;
	int mfd, r;

	at->dirfd = -1;
	at->dot = false;
	r = get_paths(c, 1, &p);
	if (r < 0)
		return r;
	mfd = mount_get(c, true);
	if (mfd < 0)
		return mfd;
	return split_at(mfd, p.a, at);
}

static int64_t op_mkdir(struct call *c)
{
	struct at at;
	int64_t r = one_at(c, &at);

	if (at.dot) /* "." and ".." always exist */
		r = -EEXIST;
	if (r == 0)
		r = ret_errno(mkdirat(at.dirfd, at.name, (mode_t)(c->q.arg[1] & 07777)));
	at_close(&at);
	return r;
}

static int64_t op_unlink(struct call *c)
{
	struct at at;
	int64_t r;

	if (c->q.arg[1] != 0 && c->q.arg[1] != 1)
		return -EINVAL;
	r = one_at(c, &at);
	if (r == 0)
		r = ret_errno(unlinkat(at.dirfd, at.name, c->q.arg[1] ? AT_REMOVEDIR : 0));
	at_close(&at);
	return r;
}

/* Two-path ops: both names beneath the same writable mount. */
static int64_t two_at(struct call *c, struct paths *p, struct at *x, struct at *y)
{
	int mfd, r;

	x->dirfd = y->dirfd = -1;
	r = get_paths(c, 2, p);
	if (r < 0)
		return r;
	mfd = mount_get(c, true);
	if (mfd < 0)
		return mfd;
	r = split_at(mfd, p->a, x);
	return r < 0 ? r : split_at(mfd, p->b, y);
}

static int64_t op_rename(struct call *c)
{
	const int64_t known = RENAME_NOREPLACE | RENAME_EXCHANGE;
	struct paths p;
	struct at x, y;
	int64_t r;

	if (c->q.arg[1] & ~known || c->q.arg[1] == known)
		return -EINVAL;
	r = two_at(c, &p, &x, &y);
	if (r == 0)
		r = ret_errno(renameat2(x.dirfd, x.name, y.dirfd, y.name, (unsigned)c->q.arg[1]));
	at_close(&x);
	at_close(&y);
	return r;
}

static int64_t op_link(struct call *c)
{
	struct paths p;
	struct at x, y;
	int64_t r = two_at(c, &p, &x, &y);

	/* flags 0: a symlink is linked as itself, never followed out of the mount */
	if (r == 0)
		r = ret_errno(linkat(x.dirfd, x.name, y.dirfd, y.name, 0));
	at_close(&x);
	at_close(&y);
	return r;
}

static int64_t op_symlink(struct call *c)
{
	struct paths p;
	struct at at = {.dirfd = -1};
	int mfd;
	int64_t r = get_paths(c, 2, &p);

	/* the target is only text: it is never resolved on the host side */
	if (r == 0) {
		mfd = mount_get(c, true);
		r = mfd < 0 ? mfd : split_at(mfd, p.b, &at);
	}
	if (r == 0)
		r = ret_errno(symlinkat(p.a, at.dirfd, at.name));
	at_close(&at);
	return r;
}

/* ---- misc ops ---- */

static int64_t op_clock(struct call *c)
{
	struct timespec t;
	int64_t id = c->q.arg[0];

	/* the fixed system clocks only; negative ids name other processes' CPU clocks */
	if (id < CLOCK_REALTIME || id > CLOCK_BOOTTIME)
		return -EINVAL;
	if (clock_gettime((clockid_t)id, &t) < 0)
		return -errno;
	return ts_ns(t);
}

/* Where an open handle is now, relative to its mount: directories move. */
static int64_t op_fpath(struct call *c)
{
	char link[64], at[PATH_MAX], root[PATH_MAX];
	int mfd = mount_get(c, false), fd;
	ssize_t n, m;

	if (mfd < 0)
		return mfd;
	fd = handle_get(c, c->q.arg[1]);
	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, at, sizeof(at) - 1);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", mfd);
	m = readlink(link, root, sizeof(root) - 1);
	if (n < 0 || m < 0)
		return -EIO;
	at[n] = root[m] = 0;
	if (strcmp(at, root) == 0)
		n = snprintf(at, sizeof(at), ".");
	else if (strncmp(at, root, (size_t)m) == 0 && at[m] == '/')
		memmove(at, at + m + 1, (size_t)(n - m));
	else
		return -EXDEV; /* moved out of the mount, or deleted */
	n = (ssize_t)strlen(at);
	if ((size_t)n > c->cap)
		return -ENAMETOOLONG;
	memcpy(c->out, at, (size_t)n);
	c->outlen = (uint32_t)n;
	return n;
}

static int64_t op_nop(struct call *c)
{
	(void)c;
	return 0;
}

enum payload { P_NONE, P_ANY };

static const struct {
	int64_t (*fn)(struct call *c);
	enum payload in;
} ops[HC_OP_COUNT] = {
	[HC_NOP] = {op_nop, P_NONE},
	[HC_READ] = {op_read, P_NONE},
	[HC_WRITE] = {op_write, P_ANY},
	[HC_OPEN] = {op_open, P_ANY},
	[HC_CLOSE] = {op_close, P_NONE},
	[HC_STAT] = {op_stat, P_ANY},
	[HC_FSTAT] = {op_fstat, P_NONE},
	[HC_GETDENTS] = {op_getdents, P_NONE},
	[HC_MKDIR] = {op_mkdir, P_ANY},
	[HC_UNLINK] = {op_unlink, P_ANY},
	[HC_RENAME] = {op_rename, P_ANY},
	[HC_SYMLINK] = {op_symlink, P_ANY},
	[HC_READLINK] = {op_readlink, P_ANY},
	[HC_TRUNCATE] = {op_truncate, P_ANY},
	[HC_FTRUNCATE] = {op_ftruncate, P_NONE},
	[HC_FSYNC] = {op_fsync, P_NONE},
	[HC_CHMOD] = {op_chmod, P_ANY},
	[HC_UTIMENS] = {op_utimens, P_ANY},
	[HC_CLOCK] = {op_clock, P_NONE},
	[HC_TTY] = {op_tty, P_NONE},
	[HC_POLL] = {op_poll, P_NONE},
	[HC_EXIT] = {op_nop, P_NONE},
	[HC_LINK] = {op_link, P_ANY},
	[HC_FPATH] = {op_fpath, P_NONE},
};

/* Framing checks common to every op. */
static int64_t check_frame(const struct call *c, const void *in, const void *out)
{
	if (c->q.magic != HC_MAGIC || c->q.len > HC_MAX_DATA || c->q.cap > HC_MAX_DATA)
		return -EINVAL;
	if ((c->q.len && !in) || (c->q.cap && !out))
		return -EINVAL;
	if (c->q.op >= HC_OP_COUNT || !ops[c->q.op].fn)
		return -ENOSYS;
	if (ops[c->q.op].in == P_NONE && c->q.len != 0)
		return -EINVAL;
	return 0;
}

int hc_serve(struct hc_server *s, const struct hc_msg *req, const void *in, struct hc_msg *resp,
	     void *out, int *exit_status)
{
	struct call c = {.s = s, .in = in, .out = out, .slot = -1};
	int64_t r;

	/* one read of the header: the guest may rewrite it while we work */
	memcpy(&c.q, req, sizeof(c.q));
	c.cap = c.q.cap;
	r = check_frame(&c, in, out);
	if (r == 0)
		r = ops[c.q.op].fn(&c);
	handle_put(&c);
	if (r < 0)
		c.outlen = 0;
	memset(resp, 0, sizeof(*resp));
	resp->magic = HC_MAGIC;
	resp->op = c.q.op;
	resp->seq = c.q.seq;
	resp->ret = r;
	resp->len = c.outlen;
	if (r == 0 && c.q.op == HC_EXIT && c.q.magic == HC_MAGIC) {
		if (exit_status)
			*exit_status = (int)(c.q.arg[0] & 0xff);
		return 1;
	}
	return 0;
}
