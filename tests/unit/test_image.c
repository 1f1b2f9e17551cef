/* core/fs/tmpfs.c: tmpfs_mount_image on malformed images, each in a fresh process. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/image.h>
#include <nto/kernel.h>
#include <nto/proc.h>
#include <nto/vfs.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"
#include "imgbuild.h"

static uint8_t *img;
static size_t size;

static struct img_header *hdr(void)
{
	return (struct img_header *)img;
}

static struct img_entry *ent(int i)
{
	return (struct img_entry *)(img + hdr()->table_off) + i;
}

static void build(const struct ib_entry *e, size_t n)
{
	free(img);
	img = ib_build(e, n, &size);
	assert_non_null(img);
}

static void build_default(void)
{
	static const struct ib_entry e[] = {
		{"/a", S_IFDIR | 0755, NULL, 0},
		{"/a/f", S_IFREG | 0644, "data", 4},
		{"/l", S_IFLNK | 0777, "/a/f", 4},
	};
	build(e, ARRAY_SIZE(e));
}

/* A fresh process with just what tmpfs needs, then the mount. */
static int mount_now(void)
{
	test_platform_reset();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(64UL << 20);
	assert_int_equal(proc_init_first(), 0);
	int r = tmpfs_mount_image(img, size);
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	return r;
}

static int fresh(void **state)
{
	build_default();
	return 0;
}

static void test_valid(void **state)
{
	struct kstat st;
	struct file *f;
	char buf[8] = {0};

	assert_int_equal(mount_now(), 0);
	assert_int_equal(vfs_stat(AT_FDCWD, "/a/f", 0, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(vfs_stat(AT_FDCWD, "/l", VFS_FOLLOW, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(vfs_stat(AT_FDCWD, "/tmp", 0, &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(vfs_open(AT_FDCWD, "/l", O_RDONLY, 0, &f), 0);
	assert_int_equal(kernel_read(f, buf, 4, 0), 0);
	assert_string_equal(buf, "data");
	file_put(f);
}

static void test_header(void **state)
{
	assert_int_equal(tmpfs_mount_image(img, 0), -EINVAL); /* before any reset: no state touched */
	size_t full = size;
	for (size_t n = 1; n < sizeof(struct img_header); n += 7) {
		size = n;
		assert_int_equal(mount_now(), -EINVAL);
	}
	size = full;
	hdr()->magic[0] = 'X';
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->version = 2;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->total_size = size + 1;
	assert_int_equal(mount_now(), -EINVAL);
	size -= 1; /* the image is shorter than the header says */
	hdr()->total_size = size + 1;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->count = IMG_MAX_ENTRIES + 1;
	assert_int_equal(mount_now(), -EINVAL);
}

static void test_tables(void **state)
{
	hdr()->table_off = size;
	assert_int_equal(mount_now(), -EINVAL);
	hdr()->table_off = ~0ULL;
	assert_int_equal(mount_now(), -EINVAL);
	hdr()->table_off = 60; /* misaligned */
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->count = 0x0fffffff; /* count * entry size is past the end (and over the max) */
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->count = (uint32_t)(size / sizeof(struct img_entry)); /* table overlaps the strings */
	int r = mount_now();
	assert_true(r < 0);
	fresh(state);
	hdr()->str_off = size + 1;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->str_size = ~0ULL;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	hdr()->str_off = ~0ULL - 2;
	hdr()->str_size = 4;
	assert_int_equal(mount_now(), -EINVAL);
}

static void test_entries(void **state)
{
	ent(1)->path_off = 0xfffffff0;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->path_len = 0xffffffff;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->path_len = 1; /* "/" alone is too short */
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->data_off = size;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->size = ~0ULL;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->data_off = ~0ULL - 1;
	ent(1)->size = 4;
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->mode = 0010644; /* a FIFO */
	assert_int_equal(mount_now(), -EINVAL);
	fresh(state);
	ent(1)->mode = 0; /* no type */
	assert_int_equal(mount_now(), -EINVAL);
}

static void test_paths(void **state)
{
	static const char *const bad[] = {"a/b", "/a/../b", "/a//b", "/a/", "/./a", "/a/."};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct ib_entry e[] = {{bad[i], S_IFREG | 0644, "x", 1}};
		build(e, 1);
		assert_int_equal(mount_now(), -EINVAL);
	}
	/* A NUL inside the recorded length. */
	const struct ib_entry e[] = {{"/ab", S_IFREG | 0644, "x", 1}};
	build(e, 1);
	img[hdr()->str_off + 2] = 0;
	assert_int_equal(mount_now(), -EINVAL);
	/* A name over NAME_MAX. */
	static char longp[300];
	longp[0] = '/';
	memset(longp + 1, 'n', 290);
	const struct ib_entry l[] = {{longp, S_IFREG | 0644, "x", 1}};
	build(l, 1);
	assert_true(mount_now() < 0);
}

static void test_conflicts(void **state)
{
	const struct ib_entry under_file[] = {{"/f", S_IFREG | 0644, "x", 1},
					      {"/f/g", S_IFREG | 0644, "y", 1}};
	build(under_file, 2);
	assert_true(mount_now() < 0);
	const struct ib_entry twice[] = {{"/f", S_IFREG | 0644, "x", 1},
					 {"/f", S_IFREG | 0644, "y", 1}};
	build(twice, 2);
	assert_true(mount_now() < 0);
	/* A file whose path an earlier entry made a non-empty directory. */
	const struct ib_entry over_dir[] = {{"/a/b", S_IFREG | 0644, "x", 1},
					    {"/a", S_IFREG | 0644, "y", 1}};
	build(over_dir, 2);
	assert_true(mount_now() < 0);
	/* Implicit parents are fine. */
	const struct ib_entry implicit[] = {{"/x/y/z", S_IFREG | 0644, "x", 1}};
	build(implicit, 1);
	assert_int_equal(mount_now(), 0);
}

static void test_loops(void **state)
{
	const struct ib_entry e[] = {{"/a", S_IFLNK | 0777, "/b", 2}, {"/b", S_IFLNK | 0777, "/a", 2},
				     {"/s", S_IFLNK | 0777, "s", 1}};
	struct kstat st;

	build(e, ARRAY_SIZE(e));
	assert_int_equal(mount_now(), 0);
	assert_int_equal(vfs_stat(AT_FDCWD, "/a", VFS_FOLLOW, &st), -ELOOP);
	assert_int_equal(vfs_stat(AT_FDCWD, "/s/x", 0, &st), -ELOOP);
	assert_int_equal(vfs_stat(AT_FDCWD, "/a", 0, &st), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, fresh)
	const struct CMUnitTest tests[] = {
		T(test_valid), T(test_header), T(test_tables), T(test_entries),
		T(test_paths), T(test_conflicts), T(test_loops),
	};

	test_platform_init();
	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
