/* A hostile host: hostfs (core/fs/hostfs.c) and the console (core/fs/console.c)
 * must check every reply by type. The framing checks are the platform's
 * (test HAL); the core's own checks are what these tests pin down. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/proc.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"

static char *B;

/* The forged reply for the next calls of one op. */
static struct forge {
	uint32_t op;
	int64_t ret;
	uint32_t len;
	uint8_t data[512];
	int tweak; /* 1: wrong op, 2: wrong seq, 3: bad magic, 4: len over cap */
	int uses;
} fg;

static int hook(void *ctx, const struct hc_msg *req, const void *in, size_t in_len,
		struct hc_msg *resp, uint8_t *out)
{
	if (req->op != fg.op || fg.uses == 0)
		return 0;
	fg.uses--;
	test_host_default(req, in, in_len, resp, out);
	if (fg.tweak == 0 || fg.tweak >= 4) {
		resp->ret = fg.ret;
		resp->len = fg.tweak == 4 ? req->cap + 1 : fg.len;
		memcpy(out, fg.data, MIN(fg.len, sizeof(fg.data)));
	}
	if (fg.tweak == 1)
		resp->op++;
	if (fg.tweak == 2)
		resp->seq++;
	if (fg.tweak == 3)
		resp->magic = 0;
	return 1;
}

static void forge(uint32_t op, int64_t ret, const void *data, uint32_t len)
{
	memset(&fg, 0, sizeof(fg));
	fg.op = op;
	fg.ret = ret;
	fg.len = len;
	fg.uses = 1000;
	if (data)
		memcpy(fg.data, data, MIN((size_t)len, sizeof(fg.data)));
}

static int setup(void **state)
{
	struct fixture_opts o = {.hostfs = true};

	return fixture_boot(&o);
}

static int each(void **state)
{
	fixture_scratch_reset();
	B = (char *)ualloc(65536);
	memset(&fg, 0, sizeof(fg));
	test_host_set_hook(hook, NULL);
	return 0;
}

static int after(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	memset(&fg, 0, sizeof(fg));
	for (int fd = 3; fd < 64; fd++)
		SC1(NR_close, fd);
	return 0;
}

static long open_(const char *p, int flags)
{
	return SC3(NR_open, ustr(p), flags, 0644);
}

static struct kstat *st_buf(void)
{
	return (struct kstat *)ualloc(sizeof(struct kstat));
}

static void test_honest_host(void **state)
{
	struct kstat *st = st_buf();
	long fd = open_("/host/hello.txt", O_RDONLY);

	assert_true(fd >= 3);
	assert_int_equal(SC3(NR_read, fd, B, 100), 20);
	assert_memory_equal(B, "hello from the host\n", 20);
	assert_int_equal(SC2(NR_fstat, fd, st), 0);
	assert_int_equal(st->st_size, 20);
	assert_true(S_ISREG(st->st_mode));
	assert_int_equal(SC3(NR_lseek, fd, 0, SEEK_END), 20);
	SC1(NR_close, fd);
	assert_int_equal(SC2(NR_stat, ustr("/host/sub"), st), 0);
	assert_true(S_ISDIR(st->st_mode));
	/* A final symlink is followed by the core, inside the guest's namespace. */
	fd = open_("/host/link", O_RDONLY);
	assert_int_equal(SC3(NR_read, fd, B, 5), 5);
	assert_memory_equal(B, "hello", 5);
	SC1(NR_close, fd);
	fd = open_("/host/abs", O_RDONLY); /* -> /etc/passwd of the image */
	assert_int_equal(SC3(NR_read, fd, B, 4), 4);
	assert_memory_equal(B, "root", 4);
	SC1(NR_close, fd);
	assert_int_equal(SC3(NR_readlink, ustr("/host/link"), B, 100), 9);
	assert_memory_equal(B, "hello.txt", 9);
	fd = open_("/host/sub", O_RDONLY | O_DIRECTORY);
	long n = SC3(NR_getdents64, fd, B, 4096);
	assert_true(n > 0);
	int count = 0;
	for (long off = 0; off < n; off += ((struct linux_dirent64 *)(B + off))->d_reclen)
		count++;
	assert_int_equal(count, 4); /* . .. a b */
	SC1(NR_close, fd);
	/* Writing, renaming and removing. */
	fd = open_("/host/new", O_WRONLY | O_CREAT);
	memcpy(B, "xyz", 3);
	assert_int_equal(SC3(NR_write, fd, B, 3), 3);
	SC1(NR_close, fd);
	assert_int_equal(SC2(NR_rename, ustr("/host/new"), ustr("/host/sub/new")), 0);
	assert_int_equal(SC2(NR_stat, ustr("/host/sub/new"), st), 0);
	assert_int_equal(st->st_size, 3);
	assert_int_equal(SC1(NR_unlink, ustr("/host/sub/new")), 0);
	assert_int_equal(SC2(NR_mkdir, ustr("/host/d2"), 0755), 0);
	assert_int_equal(SC1(NR_rmdir, ustr("/host/d2")), 0);
	assert_int_equal(SC2(NR_rename, ustr("/host/hello.txt"), ustr("/tmp/x")), -EXDEV);
	assert_int_equal(open_("/host/missing", O_RDONLY), -ENOENT);
}

static void check_stat_rejected(struct hc_stat *hs, uint32_t len)
{
	struct kstat *st = st_buf();

	forge(HC_STAT, 0, hs, len);
	assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), -EIO);
	forge(HC_FSTAT, 0, hs, len);
	long fd = open_("/host/hello.txt", O_RDONLY); /* the open's own fstat fails too */
	assert_true(fd >= 3);
	assert_int_equal(SC2(NR_fstat, fd, st), -EIO);
	SC1(NR_close, fd);
	memset(&fg, 0, sizeof(fg));
}

static void test_bad_stat(void **state)
{
	struct hc_stat hs = {.ino = 5, .size = 10, .nlink = 1, .mode = S_IFREG | 0644};

	hs.mode = 0;
	check_stat_rejected(&hs, sizeof(hs)); /* no file type */
	hs.mode = 0170644;
	check_stat_rejected(&hs, sizeof(hs)); /* not a type at all */
	hs.mode = S_IFREG | 0644;
	hs.size = (uint64_t)INT64_MAX + 1;
	check_stat_rejected(&hs, sizeof(hs));
	hs.size = 10;
	hs.mode = S_IFDIR | 0755;
	hs.nlink = 0;
	check_stat_rejected(&hs, sizeof(hs)); /* a directory with no links */
	hs.mode = S_IFREG | 0644;
	hs.nlink = 1;
	check_stat_rejected(&hs, sizeof(hs) - 1); /* short record */
	check_stat_rejected(&hs, 0);
	/* Only the permission bits the host may set survive. */
	struct kstat *st = st_buf();
	hs.mode = S_IFREG | 07777;
	forge(HC_STAT, 0, &hs, sizeof(hs));
	assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), 0);
	assert_int_equal(st->st_mode, S_IFREG | 07777);
	/* Errors pass through as errors. */
	forge(HC_STAT, -EACCES, NULL, 0);
	assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), -EACCES);
}

static long list_with(const void *recs, uint32_t len, int64_t count)
{
	long fd = open_("/host/sub", O_RDONLY | O_DIRECTORY);
	long r;

	assert_true(fd >= 3);
	forge(HC_GETDENTS, count, recs, len);
	fg.uses = 1;
	r = SC3(NR_getdents64, fd, B, 4096);
	SC1(NR_close, fd);
	memset(&fg, 0, sizeof(fg));
	return r;
}

static size_t dirent(uint8_t *p, uint16_t namelen, const char *name, size_t n)
{
	struct hc_dirent d = {.ino = 9, .type = DT_REG, .namelen = namelen};

	memcpy(p, &d, sizeof(d));
	memcpy(p + sizeof(d), name, n);
	return sizeof(d) + n;
}

static void test_bad_dirents(void **state)
{
	uint8_t r[512];
	size_t n;

	n = dirent(r, 3, "abc", 3);
	assert_true(list_with(r, (uint32_t)n, 1) > 0); /* a good one */
	assert_int_equal(list_with(r, (uint32_t)n, 2), -EIO); /* count says more than there is */
	assert_int_equal(list_with(r, (uint32_t)n - 1, 1), -EIO); /* name cut short */
	assert_int_equal(list_with(r, 10, 1), -EIO);              /* header cut short */
	n = dirent(r, 0, "", 0);
	assert_int_equal(list_with(r, (uint32_t)n, 1), -EIO);     /* empty name */
	n = dirent(r, 3, "a/b", 3);
	assert_int_equal(list_with(r, (uint32_t)n, 1), -EIO);     /* a slash */
	n = dirent(r, 3, "a\0b", 3);
	assert_int_equal(list_with(r, (uint32_t)n, 1), -EIO);     /* a NUL */
	n = dirent(r, 300, "x", 1);
	assert_int_equal(list_with(r, (uint32_t)n, 1), -EIO);     /* namelen > NAME_MAX */
	n = dirent(r, 0xffff, "x", 1);
	assert_int_equal(list_with(r, (uint32_t)n, 1), -EIO);
	assert_int_equal(list_with(NULL, 0, -ENOENT), -ENOENT);
	/* A type byte out of range is masked, not trusted. */
	n = dirent(r, 1, "z", 1);
	r[8] = 0xff;
	assert_true(list_with(r, (uint32_t)n, 1) > 0);
	assert_true(((struct linux_dirent64 *)B)->d_type < 16);
}

static void test_bad_read(void **state)
{
	long fd = open_("/host/hello.txt", O_RDONLY);

	forge(HC_READ, 5, "abcdefgh", 3); /* says 5, sent 3 */
	assert_int_equal(SC3(NR_read, fd, B, 100), -EIO);
	forge(HC_READ, 3, "abcdefgh", 8); /* says 3, sent 8 */
	assert_int_equal(SC3(NR_read, fd, B, 100), -EIO);
	forge(HC_READ, 8, "abcdefgh", 8); /* more than asked for */
	assert_int_equal(SC3(NR_read, fd, B, 4), -EIO);
	forge(HC_READ, -EACCES, NULL, 0);
	assert_int_equal(SC3(NR_read, fd, B, 4), -EACCES);
	forge(HC_READ, 2, "ok", 2); /* a short read is fine */
	assert_int_equal(SC3(NR_read, fd, B, 100), 2);
	forge(HC_READ, INT64_MAX, NULL, 0);
	assert_int_equal(SC3(NR_read, fd, B, 100), -EIO);
	SC1(NR_close, fd);
}

static void test_framing(void **state)
{
	struct kstat *st = st_buf();
	uint64_t before = test_host_framing_errors();

	for (int t = 1; t <= 4; t++) {
		forge(HC_STAT, 0, NULL, 0);
		fg.tweak = t;
		assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), -EIO);
	}
	forge(HC_STAT, -MAX_ERRNO - 1, NULL, 0); /* not an errno */
	assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), -EIO);
	forge(HC_STAT, INT64_MIN, NULL, 0);
	assert_int_equal(SC2(NR_stat, ustr("/host/hello.txt"), st), -EIO);
	assert_true(test_host_framing_errors() - before >= 6); /* walk and stat each ask */
}

static void test_bad_readlink(void **state)
{
	forge(HC_READLINK, 5, "abc", 3);
	assert_int_equal(SC3(NR_readlink, ustr("/host/link"), B, 100), -EIO);
	forge(HC_READLINK, 3, "abcdef", 6);
	assert_int_equal(SC3(NR_readlink, ustr("/host/link"), B, 100), -EIO);
	/* A link target as long as the core accepts, followed: no overflow. */
	static uint8_t big[PATH_MAX];
	memset(big, 'a', sizeof(big));
	forge(HC_READLINK, 500, big, 500);
	assert_int_equal(SC3(NR_readlink, ustr("/host/link"), B, 4096), 500);
}

static void test_positive_results_rejected(void **state)
{
	forge(HC_MKDIR, 5, NULL, 0);
	assert_int_equal(SC2(NR_mkdir, ustr("/host/m"), 0755), -EIO);
	forge(HC_RENAME, 0x80000000LL, NULL, 0);
	assert_int_equal(SC2(NR_rename, ustr("/host/hello.txt"), ustr("/host/h2")), -EIO);
	forge(HC_UNLINK, 1LL << 40, NULL, 0);
	assert_int_equal(SC1(NR_unlink, ustr("/host/hello.txt")), -EIO);
	forge(HC_OPEN, -ENOSPC, NULL, 0);
	assert_int_equal(open_("/host/x", O_WRONLY | O_CREAT), -ENOSPC);
}

static void test_console(void **state)
{
	test_host_set_stdin("typed\n", 6);
	assert_int_equal(SC3(NR_read, 0, B, 100), 6);
	assert_memory_equal(B, "typed\n", 6);
	assert_int_equal(SC3(NR_read, 0, B, 100), 0); /* EOF */
	forge(HC_READ, 10, "0123456789", 10); /* more than asked for */
	assert_int_equal(SC3(NR_read, 0, B, 4), -EIO);
	forge(HC_READ, 4, "0123456789", 10); /* ret and len disagree */
	assert_int_equal(SC3(NR_read, 0, B, 100), -EIO);
	forge(HC_READ, 4, "0123", 4);
	assert_int_equal(SC3(NR_read, 0, 1, 100), -EFAULT);
	forge(HC_READ, -EINTR, NULL, 0);
	assert_int_equal(SC3(NR_read, 0, B, 100), -EINTR);
	/* Writes: the host may not claim more than it was given. */
	forge(HC_WRITE, 100, NULL, 0);
	assert_int_equal(SC3(NR_write, 1, B, 10), -EIO);
	memset(&fg, 0, sizeof(fg));
	test_host_clear_output();
	memcpy(B, "out", 3);
	assert_int_equal(SC3(NR_write, 1, B, 3), 3);
	assert_string_equal(test_host_output(1, NULL), "out");
	/* Terminal ioctls check the reply size. */
	forge(HC_TTY, 0, "short", 5);
	assert_int_equal(SC3(NR_ioctl, 1, TCGETS, B), -EIO);
	forge(HC_TTY, 0, B, sizeof(struct winsize));
	assert_int_equal(SC3(NR_ioctl, 1, TIOCGWINSZ, B), 0);
	assert_int_equal(SC3(NR_ioctl, 1, TIOCGWINSZ, 1), -EFAULT);
	memset(&fg, 0, sizeof(fg));
	assert_int_equal(SC3(NR_ioctl, 1, TCGETS, B), -ENOTTY);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, each, after)
	const struct CMUnitTest tests[] = {
		T(test_honest_host), T(test_bad_stat),	 T(test_bad_dirents),
		T(test_bad_read),    T(test_framing),	 T(test_bad_readlink),
		T(test_positive_results_rejected), T(test_console),
	};

	return cmocka_run_group_tests_name("hostfs", tests, setup, NULL);
}
