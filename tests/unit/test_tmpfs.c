/* tmpfs, devfs and procfs through the VFS and the system calls (nto/sys.h),
 * with every buffer in program memory. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/proc.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"

static char *B; /* a 64 KiB program buffer */

static int setup(void **state)
{
	return fixture_boot(NULL);
}

static int each(void **state)
{
	fixture_scratch_reset();
	B = (char *)ualloc(65536);
	return 0;
}

static int after(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	for (int fd = 3; fd < 64; fd++)
		SC1(NR_close, fd);
	return 0;
}

static long open_(const char *p, int flags, int mode)
{
	return SC3(NR_open, ustr(p), flags, mode);
}

static void read_all(const char *p, const char *want)
{
	long fd = open_(p, O_RDONLY, 0);

	assert_true(fd >= 3);
	long n = SC3(NR_read, fd, B, 65536);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(B, want, (size_t)n);
	SC1(NR_close, fd);
}

static void test_read_image_file(void **state)
{
	long fd = open_("/etc/passwd", O_RDONLY, 0);

	assert_int_equal(fd, 3);
	assert_int_equal(SC3(NR_read, fd, B, 4), 4);
	assert_memory_equal(B, "root", 4);
	assert_int_equal(SC3(NR_lseek, fd, 0, SEEK_END), 30);
	assert_int_equal(SC3(NR_read, fd, B, 10), 0);
	assert_int_equal(SC4(NR_pread64, fd, B, 3, 5), 3);
	assert_memory_equal(B, "x:0", 3);
	assert_int_equal(SC4(NR_pread64, fd, B, 3, -1), -EINVAL);
	assert_int_equal(SC3(NR_lseek, fd, -1, SEEK_SET), -EINVAL);
	assert_int_equal(SC3(NR_lseek, fd, INT64_MAX, SEEK_CUR), -EINVAL);
	assert_int_equal(SC3(NR_write, fd, B, 1), -EBADF); /* read-only descriptor */
	assert_int_equal(SC3(NR_read, fd, 1, 10), -EFAULT);
	assert_int_equal(SC3(NR_read, fd, 0, 0), 0);
	assert_int_equal(SC3(NR_read, 99, B, 1), -EBADF);
	assert_int_equal(SC3(NR_read, -1, B, 1), -EBADF);
}

static void test_copy_on_write(void **state)
{
	long fd = open_("/d/b", O_RDWR, 0);

	assert_true(fd >= 3);
	memcpy(B, "Z", 1);
	assert_int_equal(SC3(NR_write, fd, B, 1), 1);
	SC1(NR_close, fd);
	read_all("/d/b", "ZB");
	/* Growing past the image bytes, and a hole. */
	fd = open_("/d/a", O_WRONLY, 0);
	assert_int_equal(SC4(NR_pwrite64, fd, B, 1, 5), 1);
	SC1(NR_close, fd);
	fd = open_("/d/a", O_RDONLY, 0);
	assert_int_equal(SC3(NR_read, fd, B, 100), 6);
	assert_memory_equal(B, "A\0\0\0\0Z", 6);
}

static void test_create_append_trunc(void **state)
{
	long fd = open_("/tmp/new", O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 3);
	memcpy(B, "hello", 5);
	assert_int_equal(SC3(NR_write, fd, B, 5), 5);
	SC1(NR_close, fd);
	assert_int_equal(open_("/tmp/new", O_WRONLY | O_CREAT | O_EXCL, 0600), -EEXIST);
	fd = open_("/tmp/new", O_WRONLY | O_APPEND, 0);
	assert_int_equal(SC3(NR_lseek, fd, 0, SEEK_SET), 0);
	assert_int_equal(SC3(NR_write, fd, B, 2), 2);
	SC1(NR_close, fd);
	read_all("/tmp/new", "hellohe");
	fd = open_("/tmp/new", O_RDWR | O_TRUNC, 0);
	SC1(NR_close, fd);
	read_all("/tmp/new", "");
	struct kstat *st = (struct kstat *)ualloc(sizeof(*st));
	assert_int_equal(SC2(NR_stat, ustr("/tmp/new"), st), 0);
	assert_int_equal(st->st_mode, S_IFREG | 0600);
	assert_int_equal(open_("/nodir/x", O_WRONLY | O_CREAT, 0600), -ENOENT);
	assert_int_equal(open_("/etc/passwd/x", O_WRONLY | O_CREAT, 0600), -ENOTDIR);
	assert_int_equal(open_("/d", O_WRONLY, 0), -EISDIR);
	assert_int_equal(open_("/etc/passwd", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(open_("", O_RDONLY, 0), -ENOENT);
	assert_int_equal(SC3(NR_open, 1, O_RDONLY, 0), -EFAULT);
	assert_int_equal(SC3(NR_open, ~0UL, O_RDONLY, 0), -EFAULT);
	assert_int_equal(SC1(NR_unlink, ustr("/tmp/new")), 0);
}

static void test_ftruncate(void **state)
{
	long fd = open_("/tmp/t", O_RDWR | O_CREAT, 0644);

	assert_int_equal(SC2(NR_ftruncate, fd, 10000), 0);
	assert_int_equal(SC3(NR_lseek, fd, 0, SEEK_END), 10000);
	assert_int_equal(SC2(NR_ftruncate, fd, 3), 0);
	assert_int_equal(SC3(NR_lseek, fd, 0, SEEK_END), 3);
	assert_int_equal(SC2(NR_ftruncate, fd, -1), -EINVAL);
	SC1(NR_close, fd);
	fd = open_("/tmp/t", O_RDONLY, 0);
	assert_int_equal(SC2(NR_ftruncate, fd, 0), -EINVAL);
	SC1(NR_close, fd);
	/* A write far past the end is refused, not a crash. */
	fd = open_("/tmp/t", O_RDWR, 0);
	assert_int_equal(SC3(NR_lseek, fd, INT64_MAX - 10, SEEK_SET), INT64_MAX - 10);
	long r = SC3(NR_write, fd, B, 100);
	assert_true(r < 0);
	SC1(NR_close, fd);
	assert_int_equal(SC1(NR_unlink, ustr("/tmp/t")), 0);
}

static void test_rename(void **state)
{
	SC1(NR_close, open_("/tmp/r1", O_WRONLY | O_CREAT, 0644));
	SC1(NR_close, open_("/tmp/r2", O_WRONLY | O_CREAT, 0644));
	assert_int_equal(SC2(NR_mkdir, ustr("/tmp/dir"), 0755), 0);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/r1"), ustr("/tmp/dir/moved")), 0);
	assert_int_equal(open_("/tmp/r1", O_RDONLY, 0), -ENOENT);
	SC1(NR_close, open_("/tmp/dir/moved", O_RDONLY, 0));
	assert_int_equal(SC2(NR_rename, ustr("/tmp/dir/moved"), ustr("/tmp/r2")), 0); /* replaces */
	assert_int_equal(SC5(NR_renameat2, AT_FDCWD, ustr("/tmp/r2"), AT_FDCWD, ustr("/etc/passwd"),
			     RENAME_NOREPLACE),
			 -EEXIST);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/dir"), ustr("/tmp/dir/sub")), -EINVAL);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/missing"), ustr("/tmp/x")), -ENOENT);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/r2"), ustr("/tmp/dir")), -EISDIR);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/dir"), ustr("/tmp/r2")), -ENOTDIR);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/r2"), ustr("/tmp/r2")), 0);
	assert_int_equal(SC2(NR_rename, ustr("/tmp/r2"), ustr("/dev/r2")), -EXDEV);
	assert_int_equal(SC2(NR_rename, ustr("/"), ustr("/tmp/root")), -EBUSY);
	assert_int_equal(SC1(NR_unlink, ustr("/tmp/r2")), 0);
	assert_int_equal(SC1(NR_rmdir, ustr("/tmp/dir")), 0);
}

static void test_unlink(void **state)
{
	long fd = open_("/tmp/u", O_RDWR | O_CREAT, 0644);

	memcpy(B, "keep", 4);
	SC3(NR_write, fd, B, 4);
	assert_int_equal(SC1(NR_unlink, ustr("/tmp/u")), 0);
	assert_int_equal(open_("/tmp/u", O_RDONLY, 0), -ENOENT);
	assert_int_equal(SC4(NR_pread64, fd, B + 100, 4, 0), 4); /* still open */
	assert_memory_equal(B + 100, "keep", 4);
	SC1(NR_close, fd);
	assert_int_equal(SC1(NR_unlink, ustr("/d")), -EISDIR);
	assert_int_equal(SC1(NR_rmdir, ustr("/d")), -ENOTEMPTY);
	assert_int_equal(SC1(NR_rmdir, ustr("/etc/passwd")), -ENOTDIR);
	assert_int_equal(SC1(NR_unlink, ustr("/nope")), -ENOENT);
	assert_int_equal(SC1(NR_rmdir, ustr("/")), -EBUSY);
	assert_int_equal(SC1(NR_rmdir, ustr("/proc")), -EBUSY); /* a mount point */
}

/* Collects the names of a getdents64 buffer into "a,b,c". */
static void names(const char *buf, long n, char *out)
{
	out[0] = 0;
	for (long off = 0; off < n;) {
		const struct linux_dirent64 *d = (const void *)(buf + off);
		assert_true(d->d_reclen >= 24 && d->d_reclen % 8 == 0);
		if (out[0])
			strcat(out, ",");
		strcat(out, d->d_name);
		off += d->d_reclen;
	}
}


static void test_getdents(void **state)
{
	char got[512];
	long fd = open_("/d", O_RDONLY | O_DIRECTORY, 0);
	long n = SC3(NR_getdents64, fd, B, 4096);

	names(B, n, got);
	assert_string_equal(got, ".,..,a,b");
	assert_int_equal(SC3(NR_getdents64, fd, B, 4096), 0); /* the end */
	/* One record at a time continues where it left off. */
	SC3(NR_lseek, fd, 0, SEEK_SET);
	got[0] = 0;
	for (int i = 0; i < 4; i++) {
		n = SC3(NR_getdents64, fd, B, 24);
		assert_int_equal(n, 24);
		strcat(got, ((struct linux_dirent64 *)B)->d_name);
	}
	assert_string_equal(got, "...ab");
	/* A buffer too small for the next record: EINVAL, and nothing written past it. */
	SC3(NR_lseek, fd, 0, SEEK_SET);
	for (size_t small = 0; small < 24; small++) {
		memset(B, 0x5a, 64);
		n = SC3(NR_getdents64, fd, B, small);
		assert_int_equal(n, small ? -EINVAL : 0);
		for (int i = 0; i < 64; i++)
			assert_int_equal((uint8_t)B[i], 0x5a);
	}
	assert_int_equal(SC3(NR_getdents64, fd, 1, 100), -EFAULT);
	assert_int_equal(SC3(NR_getdents64, fd, B, (size_t)-1), -EFAULT);
	SC1(NR_close, fd);
	fd = open_("/etc/passwd", O_RDONLY, 0);
	assert_int_equal(SC3(NR_getdents64, fd, B, 4096), -ENOTDIR);
}

static void test_getdents_removed_dir(void **state)
{
	assert_int_equal(SC2(NR_mkdir, ustr("/tmp/x"), 0755), 0);
	assert_int_equal(SC2(NR_mkdir, ustr("/tmp/x/y"), 0755), 0);
	long fd = open_("/tmp/x/y", O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(SC1(NR_rmdir, ustr("/tmp/x/y")), 0);
	assert_int_equal(SC1(NR_rmdir, ustr("/tmp/x")), 0);
	/* The directory and its parent are gone; listing the open one must not
	 * touch the freed parent. */
	long n = SC3(NR_getdents64, fd, B, 4096);
	assert_true(n >= 0);
	SC1(NR_close, fd);
}

static void test_symlinks(void **state)
{
	struct kstat *st = (struct kstat *)ualloc(sizeof(*st));

	/* An intermediate symlink: /l -> /etc. */
	read_all("/l/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	assert_int_equal(SC2(NR_stat, ustr("/l/passwd"), st), 0);
	assert_int_equal(SC2(NR_stat, ustr("/l/../d/a"), st), 0); /* ".." is textual, as in the VFS */
	assert_int_equal(SC2(NR_symlink, ustr("../etc/passwd"), ustr("/tmp/rel")), 0);
	read_all("/tmp/rel", "root:x:0:0:root:/root:/bin/sh\n");
	assert_int_equal(SC2(NR_lstat, ustr("/tmp/rel"), st), 0);
	assert_true(S_ISLNK(st->st_mode));
	assert_int_equal(st->st_size, 13);
	assert_int_equal(SC3(NR_readlink, ustr("/tmp/rel"), B, 100), 13);
	assert_memory_equal(B, "../etc/passwd", 13);
	assert_int_equal(SC3(NR_readlink, ustr("/tmp/rel"), B, 3), 3);
	assert_int_equal(SC3(NR_readlink, ustr("/tmp/rel"), B, 0), -EINVAL);
	assert_int_equal(SC3(NR_readlink, ustr("/etc/passwd"), B, 10), -EINVAL);
	assert_int_equal(SC3(NR_readlink, ustr("/tmp/rel"), 1, 10), -EFAULT);
	assert_int_equal(SC2(NR_symlink, ustr("x"), ustr("/tmp/rel")), -EEXIST);
	assert_int_equal(SC2(NR_symlink, ustr(""), ustr("/tmp/e")), -ENOENT);
	assert_int_equal(SC2(NR_symlink, ustr("/nowhere"), ustr("/tmp/dangling")), 0);
	assert_int_equal(SC2(NR_stat, ustr("/tmp/dangling"), st), -ENOENT);
	assert_int_equal(SC2(NR_symlink, ustr("/tmp/loop"), ustr("/tmp/loop")), 0);
	assert_int_equal(SC2(NR_stat, ustr("/tmp/loop"), st), -ELOOP);
	assert_int_equal(open_("/tmp/loop", O_RDONLY, 0), -ELOOP);
	assert_int_equal(open_("/tmp/rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	assert_int_equal(SC2(NR_stat, ustr("/tmp/loop/x"), st), -ELOOP);
	for (const char *p = "/tmp/rel\0/tmp/dangling\0/tmp/loop\0"; *p; p += strlen(p) + 1)
		assert_int_equal(SC1(NR_unlink, ustr(p)), 0);
}

static void test_cwd(void **state)
{
	long buf = (long)B;

	assert_int_equal(SC2(NR_mkdir, ustr("/tmp/w"), 0700), 0);
	assert_int_equal(SC2(NR_mkdir, ustr("/tmp/w"), 0700), -EEXIST);
	assert_int_equal(SC2(NR_mkdir, ustr("/etc/passwd/x"), 0700), -ENOTDIR);
	assert_int_equal(SC1(NR_chdir, ustr("/tmp/w")), 0);
	assert_int_equal(SC2(NR_getcwd, buf, 100), 7);
	assert_string_equal(B, "/tmp/w");
	assert_int_equal(SC2(NR_getcwd, buf, 3), -ERANGE);
	SC1(NR_close, open_("rel", O_WRONLY | O_CREAT, 0644));
	SC1(NR_close, open_("/tmp/w/rel", O_RDONLY, 0));
	assert_int_equal(SC1(NR_chdir, ustr("..")), 0);
	assert_int_equal(SC2(NR_getcwd, buf, 100), 5);
	assert_int_equal(SC1(NR_chdir, ustr("/etc/passwd")), -ENOTDIR);
	assert_int_equal(SC1(NR_chdir, ustr("/l")), 0); /* through a symlink */
	assert_int_equal(SC2(NR_getcwd, buf, 100), 5);
	assert_string_equal(B, "/etc");
	assert_int_equal(SC1(NR_chdir, ustr("/")), 0);
	assert_int_equal(SC1(NR_unlink, ustr("/tmp/w/rel")), 0);
	assert_int_equal(SC1(NR_rmdir, ustr("/tmp/w")), 0);
}

static void test_dev(void **state)
{
	long fd = open_("/dev/zero", O_RDONLY, 0);

	memset(B, 1, 600);
	assert_int_equal(SC3(NR_read, fd, B, 600), 600);
	for (int i = 0; i < 600; i++)
		assert_int_equal(B[i], 0);
	SC1(NR_close, fd);
	fd = open_("/dev/null", O_RDWR, 0);
	assert_int_equal(SC3(NR_read, fd, B, 10), 0);
	assert_int_equal(SC3(NR_write, fd, B, 10), 10);
	SC1(NR_close, fd);
	fd = open_("/dev/full", O_WRONLY, 0);
	assert_int_equal(SC3(NR_write, fd, B, 10), -ENOSPC);
	SC1(NR_close, fd);
	assert_int_equal(open_("/dev/tty", O_RDWR, 0), -ENXIO); /* the fake host has no terminal */
	assert_int_equal(open_("/dev/nope", O_RDONLY, 0), -ENOENT);
	/* The console through its /dev and /proc names. */
	fd = open_("/dev/stdout", O_WRONLY, 0);
	assert_true(fd >= 3);
	memcpy(B, "via /dev/stdout\n", 16);
	test_host_clear_output();
	assert_int_equal(SC3(NR_write, fd, B, 16), 16);
	assert_string_equal(test_host_output(1, NULL), "via /dev/stdout\n");
	SC1(NR_close, fd);
}

static void test_proc(void **state)
{
	long fd = open_("/proc/self/maps", O_RDONLY, 0);
	long n = SC3(NR_read, fd, B, 65535);

	assert_true(n > 0);
	B[n] = 0;
	assert_non_null(strstr(B, "[scratch]"));
	SC1(NR_close, fd);
	assert_int_equal(SC3(NR_readlink, ustr("/proc/self"), B, 100), 1);
	assert_int_equal(B[0], '1');
	assert_int_equal(SC3(NR_readlink, ustr("/proc/self/cwd"), B, 100), 1);
	fd = open_("/proc/self/status", O_RDONLY, 0);
	assert_true(SC3(NR_read, fd, B, 65535) > 0);
	SC1(NR_close, fd);
	fd = open_("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
	char got[512];
	names(B, SC3(NR_getdents64, fd, B, 4096), got);
	assert_string_equal(got, ".,..,0,1,2,3");
	SC1(NR_close, fd);
	assert_int_equal(open_("/proc/self/maps", O_WRONLY, 0), -EACCES);
	assert_int_equal(open_("/proc/2/maps", O_RDONLY, 0), -ENOENT);
	assert_int_equal(open_("/proc/new", O_WRONLY | O_CREAT, 0644), -EACCES);
	/* A program started by a relative name has an exe without a '/'. */
	kfree(current->proc->exe);
	current->proc->exe = kstrdup("prog");
	for (const char *p = "/proc/self/comm\0/proc/self/status\0/proc/self/stat\0"; *p;
	     p += strlen(p) + 1) {
		fd = open_(p, O_RDONLY, 0);
		assert_true(fd >= 3);
		assert_true(SC3(NR_read, fd, B, 4096) > 0);
		SC1(NR_close, fd);
	}
}


static void test_no_leaks(void **state)
{
	/* Warm up once, then the same work must not grow the heap. */
	for (int round = 0; round < 2; round++) {
		size_t before = fixture_heap_live();
		for (int i = 0; i < 50; i++) {
			long fd = open_("/l/passwd", O_RDONLY, 0);
			SC3(NR_read, fd, B, 10);
			SC1(NR_close, fd);
			fd = open_("/proc/self/maps", O_RDONLY, 0);
			SC1(NR_close, fd);
			fd = open_("/d", O_RDONLY, 0);
			SC3(NR_getdents64, fd, B, 4096);
			SC1(NR_close, fd);
			SC2(NR_stat, ustr("/nope/x"), B);
			fixture_scratch_reset();
			B = (char *)ualloc(65536);
		}
		if (round == 1)
			assert_int_equal(fixture_heap_live(), before);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, each, after)
	const struct CMUnitTest tests[] = {
		T(test_read_image_file), T(test_copy_on_write), T(test_create_append_trunc),
		T(test_ftruncate),	 T(test_rename),	T(test_unlink),
		T(test_getdents),	 T(test_getdents_removed_dir), T(test_symlinks),
		T(test_cwd),		 T(test_dev),		T(test_proc),
		T(test_no_leaks),
	};

	return cmocka_run_group_tests_name("tmpfs", tests, setup, NULL);
}
