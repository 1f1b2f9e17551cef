/*
 * The fake host: what the host-call server (host/hostcall_server.c) would
 * answer, in process. It captures writes to handles 1 and 2, feeds handle 0
 * from a buffer, tells the time and serves a small directory tree under
 * mount id TEST_HOSTFS_ID:
 *
 *   hello.txt  "hello from the host\n"
 *   sub/       a ("a"), b (empty)
 *   link    -> hello.txt
 *   abs     -> /etc/passwd
 *
 * Files can be created, written, truncated, renamed and removed. Everything
 * else answers -ENOSYS. Tests reach it through hal_hostcall like the core.
 */
#include <nto/hal.h>
#include <nto/kernel.h>

#include "hal_os.h"
#include "test_libc.h"
#include "test_platform.h"

#define OUT_CAP    (1 << 20)
#define MAX_NODES  64
#define MAX_HANDLES 64
#define NAME_CAP   128

/* ---- stdio ---- */

static char outbuf[2][OUT_CAP + 1];
static size_t outlen[2];
static const uint8_t *stdin_data;
static size_t stdin_len, stdin_pos;

const char *test_host_output(int handle, size_t *len)
{
	int i = handle == HC_STDERR ? 1 : 0;

	outbuf[i][outlen[i]] = 0;
	if (len)
		*len = outlen[i];
	return outbuf[i];
}

void test_host_clear_output(void)
{
	outlen[0] = outlen[1] = 0;
}

void test_host_set_stdin(const void *data, size_t len)
{
	stdin_data = data;
	stdin_len = len;
	stdin_pos = 0;
}

void test_host_note_stderr(const void *data, size_t len);

/* ---- the host directory ---- */

struct hnode {
	bool used;
	char path[NAME_CAP]; /* relative to the mount; "." is its root */
	uint32_t mode;
	uint8_t *data;
	size_t size;
	uint64_t ino;
};

static struct hnode nodes[MAX_NODES];
static int handles[MAX_HANDLES]; /* node index + 1, 0 = free */
static uint64_t next_ino;

static struct hnode *node_add(const char *path, uint32_t mode, const char *data)
{
	for (int i = 0; i < MAX_NODES; i++) {
		struct hnode *n = &nodes[i];
		if (n->used)
			continue;
		memset(n, 0, sizeof(*n));
		n->used = true;
		kstrlcpy(n->path, path, sizeof(n->path));
		n->mode = mode;
		n->ino = next_ino++;
		if (data) {
			n->size = strlen(data);
			n->data = malloc(n->size + 1);
			memcpy(n->data, data, n->size + 1);
		}
		return n;
	}
	return NULL;
}

static void node_del(struct hnode *n)
{
	free(n->data);
	memset(n, 0, sizeof(*n));
}

void test_host_reset(void);
void test_host_reset(void)
{
	for (int i = 0; i < MAX_NODES; i++)
		if (nodes[i].used)
			node_del(&nodes[i]);
	memset(handles, 0, sizeof(handles));
	next_ino = 1000;
	node_add(".", S_IFDIR | 0755, NULL);
	node_add("hello.txt", S_IFREG | 0644, "hello from the host\n");
	node_add("sub", S_IFDIR | 0755, NULL);
	node_add("sub/a", S_IFREG | 0644, "a");
	node_add("sub/b", S_IFREG | 0600, "");
	node_add("link", S_IFLNK | 0777, "hello.txt");
	node_add("abs", S_IFLNK | 0777, "/etc/passwd");
	test_host_clear_output();
	test_host_set_stdin(NULL, 0);
}

static struct hnode *node_find(const char *path)
{
	for (int i = 0; i < MAX_NODES; i++)
		if (nodes[i].used && strcmp(nodes[i].path, path) == 0)
			return &nodes[i];
	return NULL;
}

/* The parent path of p ("." for a top-level name). */
static void parent_of(const char *p, char *out)
{
	const char *s = strrchr(p, '/');

	if (!s) {
		kstrlcpy(out, ".", NAME_CAP);
		return;
	}
	memcpy(out, p, (size_t)(s - p));
	out[s - p] = 0;
}

static bool parent_is_dir(const char *p)
{
	char par[NAME_CAP];
	struct hnode *d;

	parent_of(p, par);
	d = node_find(par);
	return d && S_ISDIR(d->mode);
}

/* Checks a path payload: NUL-terminated, relative, short, no "..". */
static const char *path_arg(const void *in, size_t len, size_t skip)
{
	const char *p = (const char *)in + skip;

	if (skip >= len || !memchr(p, 0, len - skip))
		return NULL;
	if (p[0] == '/' || strlen(p) >= NAME_CAP || strncmp(p, "..", 2) == 0)
		return NULL;
	return p;
}

static struct hnode *handle_node(int64_t h)
{
	if (h < 3 || h >= MAX_HANDLES + 3 || !handles[h - 3])
		return NULL;
	return &nodes[handles[h - 3] - 1];
}

static void fill_stat(const struct hnode *n, struct hc_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = n->ino;
	st->size = n->size;
	st->blocks = (n->size + 511) / 512;
	st->nlink = S_ISDIR(n->mode) ? 2 : 1;
	st->mode = n->mode;
	st->blksize = 4096;
	st->mtime_ns = st->atime_ns = st->ctime_ns = 1700000000LL * 1000000000LL;
}

static int64_t set_size(struct hnode *n, uint64_t len)
{
	uint8_t *d;

	if (len > (1 << 20))
		return -EFBIG;
	d = realloc(n->data, len + 1);
	if (!d)
		return -ENOMEM;
	if (len > n->size)
		memset(d + n->size, 0, len - n->size);
	n->data = d;
	n->size = len;
	return 0;
}

static int64_t h_open(const struct hc_msg *req, const char *p)
{
	struct hnode *n = node_find(p);
	int64_t flags = req->arg[1];

	if (n && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (!parent_is_dir(p))
			return -ENOENT;
		n = node_add(p, S_IFREG | (uint32_t)(req->arg[2] & 0777), "");
		if (!n)
			return -ENOSPC;
	}
	if (S_ISLNK(n->mode) && (flags & O_NOFOLLOW))
		return -ELOOP;
	if (S_ISDIR(n->mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode))
		return -ENOTDIR;
	if ((flags & O_TRUNC) && S_ISREG(n->mode))
		set_size(n, 0);
	for (int h = 0; h < MAX_HANDLES; h++) {
		if (!handles[h]) {
			handles[h] = (int)(n - nodes) + 1;
			return h + 3;
		}
	}
	return -EMFILE;
}

static int64_t h_getdents(const struct hc_msg *req, uint8_t *out, uint32_t *len)
{
	struct hnode *d = handle_node(req->arg[0]);
	int64_t idx = 0, start = req->arg[1], count = 0;
	size_t cap = MIN((size_t)req->arg[2], (size_t)req->cap), off = 0;

	if (!d)
		return -EBADF;
	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	for (int i = -2; i < MAX_NODES; i++) {
		const char *name;
		uint64_t ino = d->ino;
		uint8_t type = DT_DIR;
		char par[NAME_CAP];
		if (i == -2) {
			name = ".";
		} else if (i == -1) {
			name = "..";
		} else {
			struct hnode *n = &nodes[i];
			if (!n->used || strcmp(n->path, ".") == 0)
				continue;
			parent_of(n->path, par);
			if (strcmp(par, d->path) != 0)
				continue;
			name = strrchr(n->path, '/') ? strrchr(n->path, '/') + 1 : n->path;
			ino = n->ino;
			type = (uint8_t)((n->mode & S_IFMT) >> 12);
		}
		if (idx++ < start)
			continue;
		struct hc_dirent de = {ino, type, 0, (uint16_t)strlen(name), 0};
		if (off + sizeof(de) + de.namelen > cap)
			break;
		memcpy(out + off, &de, sizeof(de));
		memcpy(out + off + sizeof(de), name, de.namelen);
		off += sizeof(de) + de.namelen;
		count++;
	}
	*len = (uint32_t)off;
	return count;
}

static int64_t serve_fs(const struct hc_msg *req, const void *in, size_t in_len, uint8_t *out,
			uint32_t *len)
{
	const char *p = NULL, *q = NULL;
	struct hnode *n;

	switch (req->op) {
	case HC_OPEN:
	case HC_STAT:
	case HC_MKDIR:
	case HC_UNLINK:
	case HC_READLINK:
	case HC_TRUNCATE:
	case HC_CHMOD:
	case HC_UTIMENS:
	case HC_RENAME:
	case HC_SYMLINK:
	case HC_LINK:
		if (req->arg[0] != TEST_HOSTFS_ID)
			return -ENOENT;
		p = path_arg(in, in_len, 0);
		if (!p)
			return -EINVAL;
		if (req->op == HC_RENAME || req->op == HC_SYMLINK || req->op == HC_LINK) {
			q = path_arg(in, in_len, strlen(p) + 1);
			if (!q && req->op != HC_SYMLINK)
				return -EINVAL;
		}
		break;
	default:
		break;
	}
	switch (req->op) {
	case HC_OPEN:
		return h_open(req, p);
	case HC_CLOSE:
		if (!handle_node(req->arg[0]))
			return -EBADF;
		handles[req->arg[0] - 3] = 0;
		return 0;
	case HC_STAT:
	case HC_FSTAT:
		n = req->op == HC_STAT ? node_find(p) : handle_node(req->arg[0]);
		if (!n)
			return req->op == HC_STAT ? -ENOENT : -EBADF;
		if (req->cap < sizeof(struct hc_stat))
			return -EINVAL;
		fill_stat(n, (struct hc_stat *)out);
		*len = sizeof(struct hc_stat);
		return 0;
	case HC_READ: {
		n = handle_node(req->arg[0]);
		if (!n)
			return -EBADF;
		if (S_ISDIR(n->mode))
			return -EISDIR;
		uint64_t off = (uint64_t)req->arg[1], want = MIN((uint64_t)req->arg[2], req->cap);
		if (off >= n->size)
			return 0;
		want = MIN(want, n->size - off);
		memcpy(out, n->data + off, want);
		*len = (uint32_t)want;
		return (int64_t)want;
	}
	case HC_WRITE: {
		n = handle_node(req->arg[0]);
		if (!n)
			return -EBADF;
		uint64_t off = req->arg[1] < 0 ? n->size : (uint64_t)req->arg[1];
		if (off + in_len > n->size && set_size(n, off + in_len) < 0)
			return -EFBIG;
		memcpy(n->data + off, in, in_len);
		return (int64_t)in_len;
	}
	case HC_GETDENTS:
		return h_getdents(req, out, len);
	case HC_READLINK:
		n = node_find(p);
		if (!n)
			return -ENOENT;
		if (!S_ISLNK(n->mode))
			return -EINVAL;
		*len = (uint32_t)MIN((size_t)req->cap, n->size);
		memcpy(out, n->data, *len);
		return *len;
	case HC_MKDIR:
		if (node_find(p))
			return -EEXIST;
		if (!parent_is_dir(p))
			return -ENOENT;
		return node_add(p, S_IFDIR | (uint32_t)(req->arg[1] & 0777), NULL) ? 0 : -ENOSPC;
	case HC_UNLINK:
		n = node_find(p);
		if (!n)
			return -ENOENT;
		if (req->arg[1] ? !S_ISDIR(n->mode) : S_ISDIR(n->mode))
			return req->arg[1] ? -ENOTDIR : -EISDIR;
		for (int i = 0; i < MAX_NODES; i++) {
			char par[NAME_CAP];
			if (!nodes[i].used || &nodes[i] == n)
				continue;
			parent_of(nodes[i].path, par);
			if (strcmp(par, p) == 0)
				return -ENOTEMPTY;
		}
		for (int h = 0; h < MAX_HANDLES; h++)
			if (handles[h] == (int)(n - nodes) + 1)
				return -EBUSY; /* keep the fake simple: no open-unlinked files */
		node_del(n);
		return 0;
	case HC_RENAME:
		n = node_find(p);
		if (!n || S_ISDIR(n->mode))
			return n ? -EXDEV : -ENOENT; /* directories stay put in the fake */
		if (node_find(q) || !parent_is_dir(q))
			return node_find(q) ? -EEXIST : -ENOENT;
		kstrlcpy(n->path, q, sizeof(n->path));
		return 0;
	case HC_SYMLINK:
		if (!q || node_find(q))
			return q ? -EEXIST : -EINVAL;
		if (!parent_is_dir(q))
			return -ENOENT;
		return node_add(q, S_IFLNK | 0777, p) ? 0 : -ENOSPC;
	case HC_TRUNCATE:
	case HC_FTRUNCATE:
		n = req->op == HC_TRUNCATE ? node_find(p) : handle_node(req->arg[0]);
		if (!n)
			return -ENOENT;
		if (!S_ISREG(n->mode))
			return -EINVAL;
		return req->arg[1] < 0 ? -EINVAL : set_size(n, (uint64_t)req->arg[1]);
	case HC_CHMOD:
		n = node_find(p);
		if (!n)
			return -ENOENT;
		n->mode = (n->mode & S_IFMT) | (uint32_t)(req->arg[1] & 07777);
		return 0;
	case HC_UTIMENS:
		return node_find(p) ? 0 : -ENOENT;
	case HC_FSYNC:
		return handle_node(req->arg[0]) ? 0 : -EBADF;
	case HC_LINK:
		return -EPERM;
	default:
		return -ENOSYS;
	}
}

void test_host_default(const struct hc_msg *req, const void *in, size_t in_len,
		       struct hc_msg *resp, uint8_t *out)
{
	uint32_t len = 0;
	int64_t ret;

	if (!next_ino)
		test_host_reset();
	switch (req->op) {
	case HC_WRITE:
		if (req->arg[0] == HC_STDOUT || req->arg[0] == HC_STDERR) {
			int i = req->arg[0] == HC_STDERR;
			size_t n = MIN(in_len, (size_t)OUT_CAP - outlen[i]);
			memcpy(outbuf[i] + outlen[i], in, n);
			outlen[i] += n;
			if (i)
				test_host_note_stderr(in, in_len);
			ret = (int64_t)in_len;
		} else {
			ret = serve_fs(req, in, in_len, out, &len);
		}
		break;
	case HC_READ:
		if (req->arg[0] == HC_STDIN) {
			size_t n = MIN(MIN((size_t)req->arg[2], (size_t)req->cap), stdin_len - stdin_pos);
			if (n)
				memcpy(out, stdin_data + stdin_pos, n);
			stdin_pos += n;
			len = (uint32_t)n;
			ret = (int64_t)n;
		} else {
			ret = req->arg[0] < 3 ? -EBADF : serve_fs(req, in, in_len, out, &len);
		}
		break;
	case HC_FSTAT:
		if (req->arg[0] >= 0 && req->arg[0] < 3) {
			struct hc_stat st = {.ino = 1, .nlink = 1, .mode = S_IFCHR | 0620};
			if (req->cap < sizeof(st)) {
				ret = -EINVAL;
				break;
			}
			memcpy(out, &st, sizeof(st));
			len = sizeof(st);
			ret = 0;
		} else {
			ret = serve_fs(req, in, in_len, out, &len);
		}
		break;
	case HC_CLOCK: {
		int64_t ns = 0;
		ret = os_clock_ns((int)req->arg[0], &ns) < 0 ? -EINVAL : ns;
		break;
	}
	case HC_TTY:
		ret = -ENOTTY;
		break;
	case HC_POLL:
		ret = req->arg[0] == HC_STDIN ? (req->arg[1] & POLLIN) : (req->arg[1] & POLLOUT);
		break;
	default:
		ret = serve_fs(req, in, in_len, out, &len);
		break;
	}
	resp->magic = HC_MAGIC;
	resp->op = req->op;
	resp->seq = req->seq;
	resp->ret = ret;
	resp->len = len;
}
