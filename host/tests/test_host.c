/*
 * Unit tests of the image builder and the host-call server (cmocka; built
 * with ASan and UBSan by `make host-unit`). Everything happens in a fresh
 * temporary directory; nothing outside it is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../hostcall_server.h"
#include "../image.h"

static char tmp[256];    /* the test's temporary root */
static char mnt[300];    /* mounted as 0 (rw) and 1 (ro) */
static char secret[300]; /* outside the mount: must never change */

/* ---- helpers ---- */

static void path_in(char *out, size_t cap, const char *dir, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	chmod(path, mode);
}

static void rm_rf(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static int setup_all(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/nto-host-test-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	path_in(mnt, sizeof(mnt), tmp, "mnt");
	path_in(secret, sizeof(secret), tmp, "secret");
	return mkdir(mnt, 0755);
}

static int teardown_all(void **state)
{
	(void)state;
	rm_rf(tmp);
	return 0;
}

/* ---- image ---- */

struct parsed {
	struct img_header h;
	const struct img_entry *e;
	const char *str;
};

/* Parses an image per nto/image.h with every bound checked; fails the test if invalid. */
static void parse(const uint8_t *img, size_t n, struct parsed *p)
{
	assert_true(n >= sizeof(p->h));
	memcpy(&p->h, img, sizeof(p->h));
	assert_memory_equal(p->h.magic, IMG_MAGIC, 8);
	assert_int_equal(p->h.version, IMG_VERSION);
	assert_int_equal(p->h.total_size, n);
	assert_int_equal(n % IMG_DATA_ALIGN, 0);
	assert_int_equal(p->h.table_off, sizeof(struct img_header));
	assert_int_equal(p->h.str_off, p->h.table_off + p->h.count * sizeof(struct img_entry));
	assert_true(p->h.str_off + p->h.str_size <= n);
	p->e = (const struct img_entry *)(img + p->h.table_off);
	p->str = (const char *)img + p->h.str_off;
	uint64_t data_min = p->h.str_off + p->h.str_size, prev_end = 0;
	for (uint32_t i = 0; i < p->h.count; i++) {
		const struct img_entry *e = &p->e[i];
		assert_true(e->path_off + (uint64_t)e->path_len <= p->h.str_size);
		assert_int_equal(strnlen(p->str + e->path_off, e->path_len), e->path_len);
		assert_true(e->path_len >= 2 && p->str[e->path_off] == '/');
		assert_int_equal(e->reserved, 0);
		if (i > 0) { /* strictly sorted by strcmp: unique */
			const struct img_entry *q = &p->e[i - 1];
			size_t m = q->path_len < e->path_len ? q->path_len : e->path_len;
			int c = memcmp(p->str + q->path_off, p->str + e->path_off, m);
			assert_true(c < 0 || (c == 0 && q->path_len < e->path_len));
		}
		if (S_ISREG(e->mode) && e->size) {
			assert_int_equal(e->data_off % IMG_DATA_ALIGN, 0);
			assert_true(e->data_off >= data_min && e->data_off >= prev_end);
			prev_end = e->data_off + e->size;
		}
		assert_true(e->data_off + e->size <= n);
	}
}

/* Finds a guest path in a parsed image. */
static const struct img_entry *lookup(const struct parsed *p, const char *path)
{
	for (uint32_t i = 0; i < p->h.count; i++) {
		if (p->e[i].path_len == strlen(path) &&
		    !memcmp(p->str + p->e[i].path_off, path, p->e[i].path_len))
			return &p->e[i];
	}
	return NULL;
}

static void measure_hex(const uint8_t *img, size_t n, char hex[65])
{
	uint8_t d[32];

	assert_int_equal(image_measure(img, n, d), 0);
	image_hex(d, hex);
}

/* A small tree: two files, a symlink, an explicit directory. */
static int fixture_files(struct image_file *f, char paths[3][300])
{
	static const char big[] = "0123456789abcdef";
	char buf[10000];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = big[i % 16];
	path_in(paths[0], 300, tmp, "img-a");
	path_in(paths[1], 300, tmp, "img-b");
	path_in(paths[2], 300, tmp, "img-link");
	write_file(paths[0], "hello\n", 6, 0755);
	write_file(paths[1], buf, sizeof(buf), 0644);
	unlink(paths[2]);
	assert_int_equal(symlink("../lib/target", paths[2]), 0);
	f[0] = (struct image_file){.guest = "/bin/hello", .host = paths[0], .mode = S_IFREG | 0755};
	f[1] = (struct image_file){.guest = "/usr/share/data.bin", .host = paths[1], .mode = S_IFREG | 0644};
	f[2] = (struct image_file){.guest = "/usr/lib/link", .host = paths[2], .mode = S_IFLNK | 0777};
	f[3] = (struct image_file){.guest = "/usr", .host = NULL, .mode = S_IFDIR | 0700};
	return 4;
}

static void test_image_deterministic(void **state)
{
	struct image_file f[4];
	char paths[3][300], h1[65], h2[65];
	uint8_t *a, *b;
	size_t na, nb;
	int n = fixture_files(f, paths);

	(void)state;
	assert_int_equal(image_build(f, n, &a, &na), 0);
	/* a different input order must not matter either */
	struct image_file g[4] = {f[3], f[1], f[2], f[0]};
	assert_int_equal(image_build(g, n, &b, &nb), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	measure_hex(a, na, h1);
	measure_hex(b, nb, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	free(a);
	free(b);
}

/* Builds the fixture and returns its measurement. */
static void fixture_hex(struct image_file *f, int n, char hex[65])
{
	uint8_t *img;
	size_t len;

	assert_int_equal(image_build(f, n, &img, &len), 0);
	measure_hex(img, len, hex);
	free(img);
}

static void test_image_measurement_changes(void **state)
{
	struct image_file f[4];
	char paths[3][300], base[65], h[65];
	int n = fixture_files(f, paths);

	(void)state;
	fixture_hex(f, n, base);
	/* one flipped byte in a file */
	write_file(paths[0], "hellO\n", 6, 0755);
	fixture_hex(f, n, h);
	assert_string_not_equal(base, h);
	write_file(paths[0], "hello\n", 6, 0755);
	fixture_hex(f, n, h);
	assert_string_equal(base, h);
	/* a mode */
	f[0].mode = S_IFREG | 0750;
	fixture_hex(f, n, h);
	assert_string_not_equal(base, h);
	f[0].mode = S_IFREG | 0755;
	/* a path */
	f[0].guest = "/bin/hellp";
	fixture_hex(f, n, h);
	assert_string_not_equal(base, h);
	f[0].guest = "/bin/hello";
	/* host timestamps and host paths do not enter the image */
	struct timespec ts[2] = {{12345, 0}, {12345, 0}};
	utimensat(AT_FDCWD, paths[1], ts, 0);
	fixture_hex(f, n, h);
	assert_string_equal(base, h);
}

static void test_image_layout(void **state)
{
	struct image_file f[4];
	char paths[3][300];
	struct parsed p;
	uint8_t *img;
	size_t len;
	int n = fixture_files(f, paths);
	const struct img_entry *e;

	(void)state;
	assert_int_equal(image_build(f, n, &img, &len), 0);
	parse(img, len, &p);
	/* 4 listed + /bin, /usr/share, /usr/lib implied; never "/" */
	assert_int_equal(p.h.count, 7);
	assert_null(lookup(&p, "/"));
	e = lookup(&p, "/bin");
	assert_non_null(e);
	assert_int_equal(e->mode, S_IFDIR | 0755);
	e = lookup(&p, "/usr");
	assert_int_equal(e->mode, S_IFDIR | 0700); /* listed mode wins */
	assert_non_null(lookup(&p, "/usr/lib"));
	e = lookup(&p, "/bin/hello");
	assert_int_equal(e->mode, S_IFREG | 0755);
	assert_int_equal(e->size, 6);
	assert_memory_equal(img + e->data_off, "hello\n", 6);
	e = lookup(&p, "/usr/share/data.bin");
	assert_int_equal(e->size, 10000);
	assert_memory_equal(img + e->data_off + 9984, "0123456789abcdef", 16);
	e = lookup(&p, "/usr/lib/link");
	assert_int_equal(e->mode, S_IFLNK | 0777);
	assert_int_equal(e->size, strlen("../lib/target"));
	assert_memory_equal(img + e->data_off, "../lib/target", e->size);
	/* strings sort with strcmp: "/usr/lib" < "/usr/lib/link" < "/usr/share" */
	assert_true(lookup(&p, "/usr/lib") < lookup(&p, "/usr/lib/link"));
	assert_true(lookup(&p, "/usr/lib/link") < lookup(&p, "/usr/share"));
	free(img);
}

static void test_image_empty_and_sorting(void **state)
{
	char a[300];
	struct parsed p;
	uint8_t *img;
	size_t len;

	(void)state;
	assert_int_equal(image_build(NULL, 0, &img, &len), 0);
	parse(img, len, &p);
	assert_int_equal(p.h.count, 0);
	free(img);
	path_in(a, sizeof(a), tmp, "empty");
	write_file(a, "", 0, 0600);
	/* '-' sorts before '/', so /a-b lands between /a and /a/b */
	struct image_file f[] = {{"/a/b", a, S_IFREG | 0600, NULL, 0}, {"/a-b", a, S_IFREG | 0600, NULL, 0}};
	assert_int_equal(image_build(f, 2, &img, &len), 0);
	parse(img, len, &p);
	assert_int_equal(p.h.count, 3);
	assert_int_equal(lookup(&p, "/a") - p.e, 0);
	assert_int_equal(lookup(&p, "/a-b") - p.e, 1);
	assert_int_equal(lookup(&p, "/a/b") - p.e, 2);
	assert_int_equal(lookup(&p, "/a/b")->size, 0);
	free(img);
}

static void test_image_errors(void **state)
{
	char a[300];
	uint8_t *img = NULL;
	size_t len;
	static const char *bad[] = {"",      "x",    "/",    "//x",     "/x/",
				    "/x//y", "/./x", "/x/.", "/x/../y", "/.."};

	(void)state;
	path_in(a, sizeof(a), tmp, "plain");
	write_file(a, "x", 1, 0644);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct image_file f = {bad[i], a, S_IFREG | 0644, NULL, 0};
		assert_int_equal(image_build(&f, 1, &img, &len), -EINVAL);
	}
	struct image_file dup[] = {{"/x", a, S_IFREG | 0644, NULL, 0}, {"/x", a, S_IFREG | 0644, NULL, 0}};
	assert_int_equal(image_build(dup, 2, &img, &len), -EEXIST);
	struct image_file notdir[] = {{"/x", a, S_IFREG | 0644, NULL, 0}, {"/x/y", a, S_IFREG | 0644, NULL, 0}};
	assert_int_equal(image_build(notdir, 2, &img, &len), -ENOTDIR);
	struct image_file badmode = {"/x", a, S_IFCHR | 0644, NULL, 0};
	assert_int_equal(image_build(&badmode, 1, &img, &len), -EINVAL);
	struct image_file nohost = {"/x", NULL, S_IFREG | 0644, NULL, 0};
	assert_int_equal(image_build(&nohost, 1, &img, &len), -EINVAL);
	struct image_file missing = {"/x", "/nonexistent/nto/file", S_IFREG | 0644, NULL, 0};
	assert_int_equal(image_build(&missing, 1, &img, &len), -ENOENT);
	struct image_file isdir = {"/x", tmp, S_IFREG | 0755, NULL, 0};
	assert_int_equal(image_build(&isdir, 1, &img, &len), -EISDIR);
	assert_int_equal(image_build(NULL, -1, &img, &len), -EINVAL);
	assert_null(img);
}

/* ---- host-call server ---- */

struct reply {
	struct hc_msg m;
	uint8_t out[HC_MAX_DATA];
	int rc;
	int status;
};

static struct reply R;
static uint64_t seq = 100;

/* Sends a request with up to 4 arguments; the reply lands in R. Returns R.m.ret. */
static int64_t call(struct hc_server *s, uint32_t op, int64_t a0, int64_t a1, int64_t a2,
		    int64_t a3, const void *in, uint32_t len, uint32_t cap)
{
	struct hc_msg q = {.magic = HC_MAGIC,
			   .op = op,
			   .seq = ++seq,
			   .arg = {a0, a1, a2, a3},
			   .len = len,
			   .cap = cap};

	memset(&R, 0xa5, sizeof(R));
	R.rc = hc_serve(s, &q, in, &R.m, R.out, &R.status);
	assert_int_equal(R.m.magic, HC_MAGIC);
	assert_int_equal(R.m.op, op);
	assert_int_equal(R.m.seq, seq);
	assert_true(R.m.len <= cap);
	if (R.m.ret < 0)
		assert_int_equal(R.m.len, 0);
	return R.m.ret;
}

/* A path op: the payload is the string and its NUL. */
static int64_t pcall(struct hc_server *s, uint32_t op, int64_t a0, int64_t a1, int64_t a2,
		     int64_t a3, const char *path, uint32_t cap)
{
	return call(s, op, a0, a1, a2, a3, path, (uint32_t)strlen(path) + 1, cap);
}

/* A two-path op: "a\0b\0". */
static int64_t p2call(struct hc_server *s, uint32_t op, int64_t a0, int64_t a1, const char *x,
		      const char *y)
{
	char buf[600];
	size_t nx = strlen(x) + 1, ny = strlen(y) + 1;

	memcpy(buf, x, nx);
	memcpy(buf + nx, y, ny);
	return call(s, op, a0, a1, 0, 0, buf, (uint32_t)(nx + ny), 0);
}

static int server_setup(void **state)
{
	struct hc_server *s = hc_server_new();

	if (!s)
		return -1;
	rm_rf(mnt);
	mkdir(mnt, 0755);
	write_file(secret, "top secret", 10, 0600);
	if (hc_server_add_mount(s, mnt, false) != 0 || hc_server_add_mount(s, mnt, true) != 1)
		return -1;
	*state = s;
	return 0;
}

static int server_teardown(void **state)
{
	struct stat st;
	char buf[32] = {0};
	int fd = open(secret, O_RDONLY);

	/* whatever a test did, the file outside the mount is untouched */
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 10);
	close(fd);
	assert_string_equal(buf, "top secret");
	assert_int_equal(stat(secret, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	hc_server_free(*state);
	return 0;
}

static struct hc_stat get_stat(const struct reply *r)
{
	struct hc_stat st;

	assert_int_equal(r->m.len, sizeof(st));
	memcpy(&st, r->out, sizeof(st));
	return st;
}

static void test_srv_file_roundtrip(void **state)
{
	struct hc_server *s = *state;
	int64_t h;
	struct hc_stat st;

	h = pcall(s, HC_OPEN, 0, O_RDWR | O_CREAT | O_EXCL, 0640, 0, "f.txt", 0);
	assert_true(h >= 3);
	assert_int_equal(call(s, HC_WRITE, h, -1, 0, 0, "hello", 5, 0), 5);
	assert_int_equal(call(s, HC_WRITE, h, 10, 0, 0, "world", 5, 0), 5);
	assert_int_equal(call(s, HC_READ, h, 0, 100, 0, NULL, 0, 100), 15);
	assert_memory_equal(R.out, "hello\0\0\0\0\0world", 15);
	/* count and cap both bound a read */
	assert_int_equal(call(s, HC_READ, h, 1, 3, 0, NULL, 0, 100), 3);
	assert_memory_equal(R.out, "ell", 3);
	assert_int_equal(call(s, HC_READ, h, 1, 100, 0, NULL, 0, 2), 2);
	assert_int_equal(call(s, HC_READ, h, 100, 10, 0, NULL, 0, 10), 0);
	/* offset -1 reads at the current position: after "hello" */
	assert_int_equal(call(s, HC_READ, h, -1, 100, 0, NULL, 0, 100), 10);
	assert_int_equal(call(s, HC_FSTAT, h, 0, 0, 0, NULL, 0, sizeof(st)), 0);
	st = get_stat(&R);
	assert_int_equal(st.size, 15);
	assert_int_equal(st.mode, S_IFREG | 0640); /* main() set umask 022 */
	assert_true(st.mtime_ns > 0 && st.nlink == 1);
	assert_int_equal(call(s, HC_FTRUNCATE, h, 3, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(call(s, HC_FSYNC, h, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "f.txt", sizeof(st)), 0);
	assert_int_equal(get_stat(&R).size, 3);
	assert_int_equal(call(s, HC_POLL, h, POLLIN, 0, 0, NULL, 0, 0), POLLIN);
	assert_int_equal(call(s, HC_TTY, h, HC_TTY_TCGETS, 0, 0, NULL, 0, 64), -ENOTTY);
	assert_int_equal(call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0), -EBADF);
	assert_int_equal(call(s, HC_READ, h, 0, 1, 0, NULL, 0, 1), -EBADF);
	/* the mount root is "." */
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, ".", sizeof(st)), 0);
	assert_true(S_ISDIR(get_stat(&R).mode));
	/* a stat reply needs room for a struct hc_stat */
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, ".", 10), -EINVAL);
	/* existing file with O_EXCL */
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDWR | O_CREAT | O_EXCL, 0600, 0, "f.txt", 0),
			 -EEXIST);
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDONLY, 0, 0, "nope", 0), -ENOENT);
}

/* Reads a whole directory through HC_GETDENTS in replies of cap bytes. */
static int list_dir(struct hc_server *s, int64_t h, uint32_t cap, char names[][64], int max)
{
	int n = 0;

	for (;;) {
		int64_t cnt = call(s, HC_GETDENTS, h, n, cap, 0, NULL, 0, cap);
		assert_true(cnt >= 0);
		if (cnt == 0)
			return n;
		size_t off = 0;
		for (int64_t i = 0; i < cnt; i++) {
			struct hc_dirent d;
			assert_true(off + sizeof(d) <= R.m.len);
			memcpy(&d, R.out + off, sizeof(d));
			off += sizeof(d);
			assert_true(d.namelen > 0 && off + d.namelen <= R.m.len && n < max);
			snprintf(names[n++], 64, "%.*s", d.namelen, (char *)R.out + off);
			off += d.namelen;
		}
		assert_int_equal(off, R.m.len);
	}
}

static bool has(char names[][64], int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], name))
			return true;
	}
	return false;
}

static void test_srv_getdents(void **state)
{
	struct hc_server *s = *state;
	char names[64][64], name[32];
	int64_t h;
	int n;

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "file-%02d", i);
		assert_true(pcall(s, HC_OPEN, 0, O_WRONLY | O_CREAT, 0644, 0, name, 0) >= 3);
		call(s, HC_CLOSE, R.m.ret, 0, 0, 0, NULL, 0, 0);
	}
	assert_int_equal(pcall(s, HC_MKDIR, 0, 0755, 0, 0, "sub", 0), 0);
	h = pcall(s, HC_OPEN, 0, O_RDONLY | O_DIRECTORY, 0, 0, ".", 0);
	assert_true(h >= 3);
	/* small replies force many index-based continuations */
	n = list_dir(s, h, 64, names, 64);
	assert_int_equal(n, 43);
	assert_true(has(names, n, ".") && has(names, n, "..") && has(names, n, "sub"));
	assert_true(has(names, n, "file-00") && has(names, n, "file-39"));
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++)
			assert_string_not_equal(names[i], names[j]);
	}
	assert_int_equal(list_dir(s, h, 4096, names, 64), 43);
	/* past the end, and a cap that fits no entry */
	assert_int_equal(call(s, HC_GETDENTS, h, 43, 4096, 0, NULL, 0, 4096), 0);
	assert_int_equal(call(s, HC_GETDENTS, h, 1000000, 4096, 0, NULL, 0, 4096), 0);
	assert_int_equal(call(s, HC_GETDENTS, h, 0, 0, 0, NULL, 0, 8), -EINVAL);
	assert_int_equal(call(s, HC_GETDENTS, h, -1, 0, 0, NULL, 0, 4096), -EINVAL);
	/* a directory handle does not read (EISDIR, or EINVAL at ext4's end-of-dir position) */
	int64_t r = call(s, HC_READ, h, -1, 10, 0, NULL, 0, 10);
	assert_true(r == -EISDIR || r == -EINVAL);
	assert_int_equal(call(s, HC_READ, h, 0, 10, 0, NULL, 0, 10), -EISDIR);
	call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0);
}

static void test_srv_namespace_ops(void **state)
{
	struct hc_server *s = *state;
	int64_t h;
	char p[400];
	struct stat st;

	assert_int_equal(pcall(s, HC_MKDIR, 0, 0700, 0, 0, "d", 0), 0);
	assert_int_equal(pcall(s, HC_MKDIR, 0, 0700, 0, 0, "d", 0), -EEXIST);
	assert_int_equal(pcall(s, HC_MKDIR, 0, 0700, 0, 0, "d/e/f", 0), -ENOENT);
	h = pcall(s, HC_OPEN, 0, O_WRONLY | O_CREAT, 0644, 0, "d/a", 0);
	call(s, HC_WRITE, h, -1, 0, 0, "abc", 3, 0);
	call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0);
	assert_int_equal(p2call(s, HC_RENAME, 0, 0, "d/a", "b"), 0);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "d/a", 100), -ENOENT);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "b", 100), 0);
	assert_int_equal(get_stat(&R).size, 3);
	assert_int_equal(p2call(s, HC_RENAME, 0, RENAME_NOREPLACE, "b", "b"), -EEXIST);
	assert_int_equal(p2call(s, HC_RENAME, 0, 0x100, "b", "c"), -EINVAL);
	/* symlinks are stored as text and read back */
	assert_int_equal(p2call(s, HC_SYMLINK, 0, 0, "b", "ln"), 0);
	assert_int_equal(pcall(s, HC_READLINK, 0, 0, 0, 0, "ln", 100), 1);
	assert_memory_equal(R.out, "b", 1);
	assert_int_equal(pcall(s, HC_READLINK, 0, 0, 0, 0, "b", 100), -EINVAL);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "ln", 100), 0);
	assert_true(S_ISLNK(get_stat(&R).mode));
	assert_int_equal(pcall(s, HC_STAT, 0, 0, 0, 0, "ln", 100), 0);
	assert_true(S_ISREG(get_stat(&R).mode));
	assert_int_equal(p2call(s, HC_LINK, 0, 0, "b", "hard"), 0);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "hard", 100), 0);
	assert_int_equal(get_stat(&R).nlink, 2);
	assert_int_equal(pcall(s, HC_TRUNCATE, 0, 1, 0, 0, "hard", 0), 0);
	assert_int_equal(pcall(s, HC_CHMOD, 0, 04751, 0, 0, "b", 0), 0);
	path_in(p, sizeof(p), mnt, "b");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 1);
	assert_int_equal(st.st_mode & 07777, 04751); /* Linux semantics: the bits are kept */
	assert_int_equal(pcall(s, HC_UTIMENS, 0, 5000000007LL, 9000000011LL, 1, "b", 0), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_atim.tv_sec, 5);
	assert_int_equal(st.st_atim.tv_nsec, 7);
	assert_int_equal(st.st_mtim.tv_sec, 9);
	assert_int_equal(pcall(s, HC_UTIMENS, 0, -1, 1000000000LL, 1, "b", 0), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_atim.tv_sec, 5); /* -1 left atime alone */
	assert_int_equal(st.st_mtim.tv_sec, 1);
	/* before 1970 */
	assert_int_equal(pcall(s, HC_UTIMENS, 0, -1500000000LL, -1, 1, "b", 0), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_atim.tv_sec, -2);
	assert_int_equal(st.st_atim.tv_nsec, 500000000);
	assert_int_equal(pcall(s, HC_UTIMENS, 0, 0, 0, 7, "b", 0), -EINVAL);
	/* nofollow touches the link itself; follow reaches its target */
	char lp[400];
	path_in(lp, sizeof(lp), mnt, "ln");
	assert_int_equal(pcall(s, HC_UTIMENS, 0, 3000000000LL, 3000000000LL, 1, "ln", 0), 0);
	assert_int_equal(lstat(lp, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 3);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1);
	assert_int_equal(pcall(s, HC_UTIMENS, 0, -1, 4000000000LL, 0, "ln", 0), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 4);
	/* unlink and rmdir */
	assert_int_equal(pcall(s, HC_UNLINK, 0, 0, 0, 0, "d", 0), -EISDIR);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 1, 0, 0, "d", 0), 0);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 0, 0, 0, "ln", 0), 0);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 0, 0, 0, "hard", 0), 0);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 0, 0, 0, "hard", 0), -ENOENT);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 2, 0, 0, "b", 0), -EINVAL);
	assert_int_equal(pcall(s, HC_MKDIR, 0, 0755, 0, 0, ".", 0), -EEXIST);
	assert_int_equal(pcall(s, HC_UNLINK, 0, 1, 0, 0, "..", 0), -EINVAL);
}

static void test_srv_beneath(void **state)
{
	struct hc_server *s = *state;
	char p[400];
	static const char *escapes[] = {"../secret",  "/etc/passwd", "sub/../../secret", "..",
					"esc/passwd", "up/secret",   "sub/up2/secret"};

	assert_int_equal(pcall(s, HC_MKDIR, 0, 0755, 0, 0, "sub", 0), 0);
	/* host-made symlinks that point out of the mount */
	path_in(p, sizeof(p), mnt, "esc");
	assert_int_equal(symlink("/etc", p), 0);
	path_in(p, sizeof(p), mnt, "up");
	assert_int_equal(symlink("..", p), 0);
	path_in(p, sizeof(p), mnt, "sub/up2");
	assert_int_equal(symlink("../..", p), 0);
	path_in(p, sizeof(p), mnt, "sec");
	assert_int_equal(symlink("../secret", p), 0);
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		const char *e = escapes[i];
		assert_int_equal(pcall(s, HC_OPEN, 0, O_RDONLY, 0, 0, e, 0), -EXDEV);
		assert_int_equal(pcall(s, HC_OPEN, 0, O_RDWR | O_TRUNC, 0, 0, e, 0), -EXDEV);
		assert_int_equal(pcall(s, HC_STAT, 0, 0, 0, 0, e, 200), -EXDEV);
		assert_int_equal(pcall(s, HC_CHMOD, 0, 0777, 0, 0, e, 0), -EXDEV);
		assert_int_equal(pcall(s, HC_TRUNCATE, 0, 0, 0, 0, e, 0), -EXDEV);
		assert_int_equal(pcall(s, HC_UTIMENS, 0, 0, 0, 0, e, 0), -EXDEV);
		assert_true(pcall(s, HC_UNLINK, 0, 0, 0, 0, e, 0) < 0);
		assert_true(pcall(s, HC_READLINK, 0, 0, 0, 0, e, 100) < 0);
		assert_true(p2call(s, HC_RENAME, 0, 0, e, "x") < 0);
		assert_true(p2call(s, HC_RENAME, 0, 0, "sub", e) < 0);
		assert_true(p2call(s, HC_LINK, 0, 0, e, "x") < 0);
		assert_true(p2call(s, HC_SYMLINK, 0, 0, "t", e) < 0);
		assert_true(pcall(s, HC_MKDIR, 0, 0755, 0, 0, e, 0) < 0);
	}
	/* a final symlink out of the mount: the link itself is fine, following it is not */
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "sec", 200), 0);
	assert_int_equal(pcall(s, HC_READLINK, 0, 0, 0, 0, "sec", 200), 9);
	assert_int_equal(pcall(s, HC_STAT, 0, 0, 0, 0, "sec", 200), -EXDEV);
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDWR, 0, 0, "sec", 0), -EXDEV);
	assert_int_equal(pcall(s, HC_CHMOD, 0, 0777, 0, 0, "sec", 0), -EXDEV);
	assert_int_equal(pcall(s, HC_TRUNCATE, 0, 0, 0, 0, "sec", 0), -EXDEV);
	/* hard-linking the symlink links the link, not its target */
	assert_int_equal(p2call(s, HC_LINK, 0, 0, "sec", "sec2"), 0);
	assert_int_equal(pcall(s, HC_STAT, 0, 1, 0, 0, "sec2", 200), 0);
	assert_true(S_ISLNK(get_stat(&R).mode));
	/* unlinking the link removes only the link */
	assert_int_equal(pcall(s, HC_UNLINK, 0, 0, 0, 0, "sec", 0), 0);
	/* symlink targets are text: creating one that points out is harmless */
	assert_int_equal(p2call(s, HC_SYMLINK, 0, 0, "/etc/shadow", "sub/x"), 0);
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDONLY, 0, 0, "sub/x", 0), -EXDEV);
}

static void test_srv_readonly(void **state)
{
	struct hc_server *s = *state;
	int64_t h;

	h = pcall(s, HC_OPEN, 0, O_WRONLY | O_CREAT, 0644, 0, "file", 0);
	call(s, HC_WRITE, h, -1, 0, 0, "data", 4, 0);
	call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0);
	assert_int_equal(pcall(s, HC_OPEN, 1, O_WRONLY, 0, 0, "file", 0), -EROFS);
	assert_int_equal(pcall(s, HC_OPEN, 1, O_RDWR, 0, 0, "file", 0), -EROFS);
	assert_int_equal(pcall(s, HC_OPEN, 1, O_RDONLY | O_CREAT, 0644, 0, "new", 0), -EROFS);
	assert_int_equal(pcall(s, HC_OPEN, 1, O_RDONLY | O_TRUNC, 0, 0, "file", 0), -EROFS);
	assert_int_equal(pcall(s, HC_MKDIR, 1, 0755, 0, 0, "d", 0), -EROFS);
	assert_int_equal(pcall(s, HC_UNLINK, 1, 0, 0, 0, "file", 0), -EROFS);
	assert_int_equal(p2call(s, HC_RENAME, 1, 0, "file", "f2"), -EROFS);
	assert_int_equal(p2call(s, HC_SYMLINK, 1, 0, "file", "f2"), -EROFS);
	assert_int_equal(p2call(s, HC_LINK, 1, 0, "file", "f2"), -EROFS);
	assert_int_equal(pcall(s, HC_TRUNCATE, 1, 0, 0, 0, "file", 0), -EROFS);
	assert_int_equal(pcall(s, HC_CHMOD, 1, 0777, 0, 0, "file", 0), -EROFS);
	assert_int_equal(pcall(s, HC_UTIMENS, 1, 0, 0, 1, "file", 0), -EROFS);
	/* reading works, and the read-only handle cannot write */
	h = pcall(s, HC_OPEN, 1, O_RDONLY, 0, 0, "file", 0);
	assert_true(h >= 3);
	assert_int_equal(call(s, HC_READ, h, 0, 10, 0, NULL, 0, 10), 4);
	assert_int_equal(call(s, HC_WRITE, h, 0, 0, 0, "x", 1, 0), -EBADF);
	assert_int_equal(call(s, HC_FTRUNCATE, h, 0, 0, 0, NULL, 0, 0), -EINVAL);
	call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0);
	assert_int_equal(pcall(s, HC_STAT, 1, 1, 0, 0, "file", 100), 0);
	assert_int_equal(get_stat(&R).size, 4);
}

static void test_srv_malformed(void **state)
{
	struct hc_server *s = *state;
	struct hc_msg q = {.magic = HC_MAGIC ^ 1, .op = HC_NOP, .seq = 7};
	struct hc_msg resp;
	uint8_t out[16];
	int st;

	/* bad magic */
	assert_int_equal(hc_serve(s, &q, NULL, &resp, out, &st), 0);
	assert_int_equal(resp.ret, -EINVAL);
	assert_int_equal(resp.seq, 7);
	/* ops out of range */
	assert_int_equal(call(s, HC_OP_COUNT, 0, 0, 0, 0, NULL, 0, 0), -ENOSYS);
	assert_int_equal(call(s, HC_PLATFORM, 0, 0, 0, 0, NULL, 0, 0), -ENOSYS);
	assert_int_equal(call(s, 0xffffffffu, 0, 0, 0, 0, NULL, 0, 0), -ENOSYS);
	assert_int_equal(call(s, HC_NOP, 0, 0, 0, 0, NULL, 0, 0), 0);
	/* paths: not NUL-terminated, bytes after the NUL, empty, a missing second path */
	assert_int_equal(call(s, HC_OPEN, 0, O_RDONLY, 0, 0, "abc", 3, 0), -EINVAL);
	assert_int_equal(call(s, HC_OPEN, 0, O_RDONLY, 0, 0, "a\0bc", 5, 0), -EINVAL);
	assert_int_equal(call(s, HC_OPEN, 0, O_RDONLY, 0, 0, "", 1, 0), -ENOENT);
	assert_int_equal(call(s, HC_OPEN, 0, O_RDONLY, 0, 0, NULL, 0, 0), -EINVAL);
	assert_int_equal(call(s, HC_RENAME, 0, 0, 0, 0, "a", 2, 0), -EINVAL);
	assert_int_equal(call(s, HC_RENAME, 0, 0, 0, 0, "a\0b\0c", 6, 0), -EINVAL);
	assert_int_equal(call(s, HC_RENAME, 0, 0, 0, 0, "a\0b", 3, 0), -EINVAL);
	/* payload on an op that takes none; sizes over the protocol limits */
	assert_int_equal(call(s, HC_READ, 0, 0, 1, 0, "x", 1, 1), -EINVAL);
	assert_int_equal(call(s, HC_NOP, 0, 0, 0, 0, NULL, HC_MAX_DATA + 1, 0), -EINVAL);
	assert_int_equal(call(s, HC_NOP, 0, 0, 0, 0, NULL, 0, HC_MAX_DATA + 1), -EINVAL);
	/* a path of HC_MAX_PATH bytes plus its NUL */
	char *longp = malloc(HC_MAX_PATH + 1);
	memset(longp, 'a', HC_MAX_PATH);
	longp[HC_MAX_PATH] = 0;
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDONLY, 0, 0, longp, 0), -ENAMETOOLONG);
	free(longp);
	/* handles */
	static const int64_t bad[] = {-1, 3, 4095, 4096, 1LL << 40, INT64_MIN};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(call(s, HC_READ, bad[i], 0, 1, 0, NULL, 0, 1), -EBADF);
		assert_int_equal(call(s, HC_WRITE, bad[i], 0, 0, 0, "x", 1, 0), -EBADF);
		assert_int_equal(call(s, HC_CLOSE, bad[i], 0, 0, 0, NULL, 0, 0), -EBADF);
		assert_int_equal(call(s, HC_FSTAT, bad[i], 0, 0, 0, NULL, 0, 100), -EBADF);
		assert_int_equal(call(s, HC_GETDENTS, bad[i], 0, 0, 0, NULL, 0, 100), -EBADF);
		assert_int_equal(call(s, HC_POLL, bad[i], POLLIN, 0, 0, NULL, 0, 0), -EBADF);
	}
	/* mounts, flags and other arguments */
	assert_int_equal(pcall(s, HC_OPEN, 2, O_RDONLY, 0, 0, "x", 0), -ENODEV);
	assert_int_equal(pcall(s, HC_OPEN, -1, O_RDONLY, 0, 0, "x", 0), -ENODEV);
	assert_int_equal(pcall(s, HC_OPEN, 0, O_ACCMODE, 0, 0, "x", 0), -EINVAL);
	assert_int_equal(pcall(s, HC_OPEN, 0, -1, 0, 0, "x", 0), -EINVAL);
	assert_int_equal(pcall(s, HC_STAT, 0, 2, 0, 0, ".", 100), -EINVAL);
	assert_int_equal(call(s, HC_READ, 1, -2, 1, 0, NULL, 0, 1), -EINVAL);
	assert_int_equal(call(s, HC_READ, 1, 0, -1, 0, NULL, 0, 1), -EINVAL);
	assert_int_equal(call(s, HC_CLOCK, 99, 0, 0, 0, NULL, 0, 0), -EINVAL);
	assert_int_equal(call(s, HC_CLOCK, -2, 0, 0, 0, NULL, 0, 0), -EINVAL);
	assert_int_equal(call(s, HC_TTY, 0, 99, 0, 0, NULL, 0, 64), -EINVAL);
	assert_int_equal(call(s, HC_POLL, 1, 1 << 20, 0, 0, NULL, 0, 0), -EINVAL);
	/* reply header over its own request (shared buffers) */
	q = (struct hc_msg){.magic = HC_MAGIC, .op = HC_CLOCK, .seq = 9, .arg = {CLOCK_MONOTONIC}};
	assert_int_equal(hc_serve(s, &q, NULL, &q, NULL, &st), 0);
	assert_true(q.ret > 0);
	assert_int_equal(q.seq, 9);
	assert_int_equal(q.op, HC_CLOCK);
}

static void test_srv_misc(void **state)
{
	struct hc_server *s = *state;
	struct timespec t;
	int64_t h;

	clock_gettime(CLOCK_REALTIME, &t);
	int64_t r = call(s, HC_CLOCK, CLOCK_REALTIME, 0, 0, 0, NULL, 0, 0);
	assert_true(r / 1000000000 >= t.tv_sec && r / 1000000000 <= t.tv_sec + 5);
	/* exit: the status is the low 8 bits; no reply needed but the header is sane */
	assert_int_equal(call(s, HC_EXIT, 0x1234, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(R.rc, 1);
	assert_int_equal(R.status, 0x34);
	assert_int_equal(call(s, HC_NOP, 0, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(R.rc, 0);
	/* a console handle is a real host fd: fstat works */
	assert_int_equal(call(s, HC_FSTAT, 2, 0, 0, 0, NULL, 0, 100), 0);
	/* a pseudo-terminal answers the tty queries with the kernel's layouts */
	int d = hc_server_add_mount(s, "/dev", false);
	h = d >= 0 ? pcall(s, HC_OPEN, d, O_RDWR | O_NOCTTY, 0, 0, "ptmx", 0) : -1;
	if (h >= 0) {
		assert_int_equal(call(s, HC_TTY, h, HC_TTY_TCGETS, 0, 0, NULL, 0, 64), 0);
		assert_int_equal(R.m.len, 36);
		assert_int_equal(call(s, HC_TTY, h, HC_TTY_WINSZ, 0, 0, NULL, 0, 64), 0);
		assert_int_equal(R.m.len, 8);
		assert_int_equal(call(s, HC_TTY, h, HC_TTY_TCGETS, 0, 0, NULL, 0, 35), -EINVAL);
		call(s, HC_CLOSE, h, 0, 0, 0, NULL, 0, 0);
	}
}

/* Closing a console handle forgets it but keeps the host's fd open. */
static void test_srv_console_close(void **state)
{
	struct hc_server *s = hc_server_new();

	(void)state;
	assert_non_null(s);
	assert_int_equal(call(s, HC_CLOSE, 2, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(call(s, HC_WRITE, 2, -1, 0, 0, "x", 1, 0), -EBADF);
	assert_true(fcntl(2, F_GETFD) >= 0);
	/* new handles never reuse 0..2 */
	assert_int_equal(hc_server_add_mount(s, mnt, false), 0);
	assert_int_equal(pcall(s, HC_OPEN, 0, O_RDONLY, 0, 0, ".", 0), 3);
	hc_server_free(s);
	assert_true(fcntl(2, F_GETFD) >= 0);
}

struct poller {
	struct hc_server *s;
	int64_t h;
	struct hc_msg resp;
};

static void *poll_thread(void *arg)
{
	struct poller *p = arg;
	struct hc_msg q = {.magic = HC_MAGIC, .op = HC_POLL, .seq = 1, .arg = {p->h, POLLIN, 300}};
	int st;

	hc_serve(p->s, &q, NULL, &p->resp, NULL, &st);
	return NULL;
}

/* A close while another thread waits on the handle: the wait finishes on the
 * same host fd, and only then is the fd closed and the slot reused. */
static void test_srv_close_during_poll(void **state)
{
	struct poller p = {.s = *state};
	char fifo[400];
	pthread_t t;

	path_in(fifo, sizeof(fifo), mnt, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	p.h = pcall(p.s, HC_OPEN, 0, O_RDONLY | O_NONBLOCK, 0, 0, "fifo", 0);
	assert_true(p.h >= 3);
	assert_int_equal(pthread_create(&t, NULL, poll_thread, &p), 0);
	usleep(50000);
	assert_int_equal(call(p.s, HC_CLOSE, p.h, 0, 0, 0, NULL, 0, 0), 0);
	assert_int_equal(call(p.s, HC_POLL, p.h, POLLIN, 0, 0, NULL, 0, 0), -EBADF);
	pthread_join(t, NULL);
	assert_true(p.resp.ret >= 0);
	assert_int_equal(pcall(p.s, HC_OPEN, 0, O_RDONLY, 0, 0, ".", 0), p.h);
}

/* Random requests (with the console handles left out, so nothing blocks or
 * prints) must only ever produce clean replies. */
static void test_srv_fuzz(void **state)
{
	struct hc_server *s = *state;
	static uint8_t in[HC_MAX_DATA];
	static const char *words[] = {"a", "b/c", "..", ".", "/", "a/../..", "d", "d/e", ""};
	unsigned seed = 12345;

	assert_int_equal(pcall(s, HC_MKDIR, 0, 0755, 0, 0, "d", 0), 0);
	for (int i = 0; i < 20000; i++) {
		uint32_t op = (uint32_t)rand_r(&seed) % (HC_OP_COUNT + 2), len = 0;
		int64_t a[4];
		for (int k = 0; k < 4; k++)
			a[k] = rand_r(&seed) % 3 ? rand_r(&seed) % 16
						 : (int64_t)rand_r(&seed) << 20;
		if (op == HC_READ || op == HC_WRITE || op == HC_POLL || op == HC_TTY ||
		    op == HC_CLOSE || op == HC_FSTAT || op == HC_FSYNC || op == HC_FTRUNCATE ||
		    op == HC_GETDENTS)
			a[0] = a[0] < 3 ? a[0] + 3 : a[0];
		if (op == HC_POLL)
			a[2] = 0;
		if (op == HC_TRUNCATE || op == HC_FTRUNCATE)
			a[1] &= 0xffff;
		if (op == HC_OPEN)
			a[1] = rand_r(&seed) &
			       (O_ACCMODE | O_CREAT | O_TRUNC | O_DIRECTORY | O_APPEND);
		if (rand_r(&seed) % 2) {
			/* one or two plausible strings */
			int n = sprintf((char *)in, "%s", words[rand_r(&seed) % 9]) + 1;
			if (rand_r(&seed) % 2)
				n += sprintf((char *)in + n, "%s", words[rand_r(&seed) % 9]) + 1;
			len = (uint32_t)n;
		} else {
			len = (uint32_t)rand_r(&seed) % 64;
			for (uint32_t k = 0; k < len; k++)
				in[k] = (uint8_t)rand_r(&seed);
		}
		call(s, op, a[0], a[1], a[2], a[3], in, len, (uint32_t)rand_r(&seed) % 512);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_deterministic),
		cmocka_unit_test(test_image_measurement_changes),
		cmocka_unit_test(test_image_layout),
		cmocka_unit_test(test_image_empty_and_sorting),
		cmocka_unit_test(test_image_errors),
		cmocka_unit_test_setup_teardown(test_srv_file_roundtrip, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_getdents, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_namespace_ops, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_beneath, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_readonly, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_malformed, server_setup, server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_misc, server_setup, server_teardown),
		cmocka_unit_test(test_srv_console_close),
		cmocka_unit_test_setup_teardown(test_srv_close_during_poll, server_setup,
						server_teardown),
		cmocka_unit_test_setup_teardown(test_srv_fuzz, server_setup, server_teardown),
	};

	umask(022);
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
