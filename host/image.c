/*
 * Root image builder (format: nto/image.h). Two passes: lay out every entry
 * from the host files' sizes, then allocate the image once and read each
 * file straight into its place, so a 256 MiB program costs one copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "image.h"
#include "nto_compat.h"

/* One image entry while building; path points into the caller's strings. */
struct node {
	const char *path;
	size_t len;
	uint32_t mode;
	int src; /* index into files[], or -1 for an implied parent directory */
	uint64_t size;
	uint64_t data_off;
	char *target; /* symlink target read from the host */
};

struct layout {
	struct node *v;
	size_t n;
	uint64_t str_off, str_size, total;
};

bool image_path_ok(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n < 2 || n >= HC_MAX_PATH || p[n - 1] == '/')
		return false;
	for (const char *c = p; *c; c++) {
		if (c[0] != '/')
			continue;
		/* every component must be non-empty and not "." or ".." */
		if (c[1] == '/' || (c[1] == '.' && (c[2] == '/' || c[2] == 0)) ||
		    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || c[3] == 0)))
			return false;
	}
	return true;
}

static bool mode_ok(uint32_t mode)
{
	uint32_t t = mode & S_IFMT;

	if (mode & ~(uint32_t)(S_IFMT | 07777))
		return false;
	return t == S_IFREG || t == S_IFDIR || t == S_IFLNK;
}

static int node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;
	size_t m = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->path, y->path, m);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* listed entries before implied ones, then input order: stable dedup */
	return x->src - y->src == 0 ? 0 : ((unsigned)x->src < (unsigned)y->src ? -1 : 1);
}

/* Adds files[i] and every parent directory of it as nodes. */
static void add_nodes(struct layout *L, const struct image_file *f, int i)
{
	size_t len = strlen(f->guest);

	L->v[L->n++] = (struct node){.path = f->guest, .len = len, .mode = f->mode, .src = i};
	for (size_t k = len - 1; k > 0; k--) {
		if (f->guest[k] == '/')
			L->v[L->n++] = (struct node){
				.path = f->guest, .len = k, .mode = S_IFDIR | 0755, .src = -1};
	}
}

/* Sorts the nodes and merges duplicates; listed entries win over implied. */
static int dedup(struct layout *L)
{
	size_t out = 0;

	qsort(L->v, L->n, sizeof(*L->v), node_cmp);
	for (size_t i = 0; i < L->n; i++) {
		struct node *prev = out ? &L->v[out - 1] : NULL;
		if (prev && prev->len == L->v[i].len &&
		    memcmp(prev->path, L->v[i].path, prev->len) == 0) {
			if (L->v[i].src >= 0)
				return -EEXIST;
			if ((prev->mode & S_IFMT) != S_IFDIR)
				return -ENOTDIR;
			continue;
		}
		L->v[out++] = L->v[i];
	}
	L->n = out;
	return L->n > IMG_MAX_ENTRIES ? -E2BIG : 0;
}

/* Names the host file in the message: the caller only sees an errno. */
static int report(const char *host, int err)
{
	const char *why =
		err == -ESTALE ? "file changed while it was being packed" : strerror(-err);

	fprintf(stderr, "nto: %s: %s\n", host, why);
	return err;
}

/* Finds a node's data size from the host file (pass one). */
static int size_node(struct node *nd, const struct image_file *f)
{
	struct stat st;
	char buf[HC_MAX_PATH];
	ssize_t r;

	switch (nd->mode & S_IFMT) {
	case S_IFREG:
		if (f->data) {
			nd->size = f->len;
			return 0;
		}
		if (stat(f->host, &st) < 0)
			return report(f->host, -errno);
		if (!S_ISREG(st.st_mode))
			return report(f->host, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL);
		nd->size = (uint64_t)st.st_size;
		return 0;
	case S_IFLNK:
		r = readlink(f->host, buf, sizeof(buf));
		if (r < 0)
			return report(f->host, -errno);
		if (r == 0 || (size_t)r >= sizeof(buf) || memchr(buf, 0, (size_t)r))
			return report(f->host, -ENAMETOOLONG);
		nd->target = strndup(buf, (size_t)r);
		nd->size = (uint64_t)r;
		return nd->target ? 0 : -ENOMEM;
	default:
		return 0;
	}
}

/* Assigns string and data offsets; data of each file starts on a 4 KiB boundary. */
static int place(struct layout *L)
{
	uint64_t off;

	L->str_off = sizeof(struct img_header) + L->n * sizeof(struct img_entry);
	L->str_size = 0;
	for (size_t i = 0; i < L->n; i++)
		L->str_size += L->v[i].len + 1;
	off = ALIGN_UP(L->str_off + L->str_size, IMG_DATA_ALIGN);
	for (size_t i = 0; i < L->n; i++) {
		struct node *nd = &L->v[i];
		if ((nd->mode & S_IFMT) == S_IFDIR || nd->size == 0)
			continue;
		if (nd->size > UINT64_MAX / 2 - off)
			return -EFBIG;
		nd->data_off = off;
		off = ALIGN_UP(off + nd->size, IMG_DATA_ALIGN);
	}
	if (off > (uint64_t)SIZE_MAX / 2 || L->str_size > UINT32_MAX)
		return -EFBIG;
	L->total = off;
	return 0;
}

/* Reads exactly n bytes of a regular file; it must not have changed size. */
static int read_exact(const char *host, uint8_t *dst, uint64_t n)
{
	struct stat st;
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int err = 0;
	char extra;

	if (fd < 0)
		return report(host, -errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != n) {
		err = report(host, -ESTALE);
		goto out;
	}
	while (n > 0) {
		ssize_t r = read(fd, dst, n > (1u << 30) ? (1u << 30) : (size_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = report(host, r < 0 ? -errno : -ESTALE);
			goto out;
		}
		dst += r;
		n -= (uint64_t)r;
	}
	/* a file that grew since stat would make the image depend on timing */
	if (read(fd, &extra, 1) != 0)
		err = report(host, -ESTALE);
out:
	close(fd);
	return err;
}

static int fill(const struct layout *L, const struct image_file *files, uint8_t *img)
{
	struct img_header h = {.magic = IMG_MAGIC, .version = IMG_VERSION};
	char *str = (char *)img + L->str_off;
	uint32_t soff = 0;

	h.count = (uint32_t)L->n;
	h.table_off = sizeof(h);
	h.str_off = L->str_off;
	h.str_size = L->str_size;
	h.total_size = L->total;
	memcpy(img, &h, sizeof(h));
	for (size_t i = 0; i < L->n; i++) {
		const struct node *nd = &L->v[i];
		struct img_entry e = {.path_off = soff,
				      .path_len = (uint32_t)nd->len,
				      .mode = nd->mode,
				      .data_off = nd->data_off,
				      .size = nd->size};
		memcpy(img + sizeof(h) + i * sizeof(e), &e, sizeof(e));
		memcpy(str + soff, nd->path, nd->len); /* NUL comes from calloc */
		soff += (uint32_t)nd->len + 1;
		if ((nd->mode & S_IFMT) == S_IFLNK)
			memcpy(img + nd->data_off, nd->target, nd->size);
		if ((nd->mode & S_IFMT) == S_IFREG && nd->size && files[nd->src].data) {
			memcpy(img + nd->data_off, files[nd->src].data, nd->size);
		} else if ((nd->mode & S_IFMT) == S_IFREG && nd->size) {
			int r = read_exact(files[nd->src].host, img + nd->data_off, nd->size);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int check_input(const struct image_file *files, int n)
{
	if (n < 0 || n > IMG_MAX_ENTRIES || (n && !files))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		const struct image_file *f = &files[i];
		if (!f->guest || !image_path_ok(f->guest) || !mode_ok(f->mode))
			return -EINVAL;
		if ((f->mode & S_IFMT) != S_IFDIR && !f->host && !f->data)
			return -EINVAL;
	}
	return 0;
}

static size_t max_nodes(const struct image_file *files, int n)
{
	size_t total = 0;

	for (int i = 0; i < n; i++) {
		total++;
		for (const char *c = files[i].guest + 1; *c; c++)
			total += *c == '/';
	}
	return total;
}

int image_build(const struct image_file *files, int n, uint8_t **out, size_t *outlen)
{
	struct layout L = {0};
	uint8_t *img = NULL;
	int r = check_input(files, n);

	if (r < 0)
		return r;
	L.v = calloc(max_nodes(files, n) + 1, sizeof(*L.v));
	if (!L.v)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		add_nodes(&L, &files[i], i);
	r = dedup(&L);
	for (size_t i = 0; i < L.n && r == 0; i++) {
		if (L.v[i].src >= 0)
			r = size_node(&L.v[i], &files[L.v[i].src]);
	}
	if (r == 0)
		r = place(&L);
	if (r == 0) {
		img = calloc(1, (size_t)L.total);
		r = img ? fill(&L, files, img) : -ENOMEM;
	}
	for (size_t i = 0; i < L.n; i++)
		free(L.v[i].target);
	free(L.v);
	if (r < 0) {
		free(img);
		return r;
	}
	*out = img;
	*outlen = (size_t)L.total;
	return 0;
}

int image_measure(const uint8_t *img, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	if (!EVP_Digest(img, n, out, &len, EVP_sha256(), NULL) || len != 32)
		return -EIO;
	return 0;
}

void image_hex(const uint8_t digest[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = 0;
}
