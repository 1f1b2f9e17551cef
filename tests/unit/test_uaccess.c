/* core/mm/uaccess.c: checked copies across the program boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/vfs.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"

#define P  PAGE_SIZE
#define RO 0x20000000UL /* read-only page */
#define WO 0x20010000UL /* write-only page */
#define NO 0x20020000UL /* PROT_NONE page */
#define TW 0x20030000UL /* two adjacent pages with different mappings */

static struct mm *mm;

static int setup(void **state)
{
	assert_int_equal(fixture_boot(NULL), 0);
	mm = current->proc->mm;
	assert_int_equal(vm_map_fixed(mm, RO, P, PROT_READ, MAP_ANONYMOUS, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(mm, WO, P, PROT_WRITE, MAP_ANONYMOUS, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(mm, NO, P, PROT_NONE, MAP_ANONYMOUS, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(mm, TW, P, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(mm, TW + P, P, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, "b", 0), 0);
	return 0;
}

static int check_clean(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	return 0;
}

static void test_good_copies(void **state)
{
	char buf[64];
	uptr u = ualloc(64);

	assert_int_equal(copy_to_user((void *)u, "hello", 6), 0);
	assert_string_equal((char *)u, "hello");
	assert_int_equal(copy_from_user(buf, (void *)u, 6), 0);
	assert_string_equal(buf, "hello");
	/* Across two adjacent mappings. */
	assert_int_equal(copy_to_user((void *)(TW + P - 3), "abcdef", 6), 0);
	assert_int_equal(copy_from_user(buf, (void *)(TW + P - 3), 6), 0);
	assert_memory_equal(buf, "abcdef", 6);
	/* Zero bytes: nothing to check. */
	assert_int_equal(copy_from_user(buf, (void *)1, 0), 0);
	assert_int_equal(copy_to_user(NULL, buf, 0), 0);
}

static void test_bad_pointers(void **state)
{
	char buf[64] = {0};
	static const uptr bad[] = {0, 1, 0xfff, TEST_USER_MIN - 1, 0x20040000, TEST_USER_MAX - 1,
				   TEST_USER_MAX, 0x7fffffffffffUL, ~0UL, ~0UL - 63, 1UL << 63};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(copy_from_user(buf, (void *)bad[i], 8), -EFAULT);
		assert_int_equal(copy_to_user((void *)bad[i], buf, 8), -EFAULT);
	}
}

static void test_protections(void **state)
{
	char buf[16] = {0};

	assert_int_equal(copy_from_user(buf, (void *)RO, 8), 0);
	assert_int_equal(copy_to_user((void *)RO, buf, 8), -EFAULT);
	assert_int_equal(copy_from_user(buf, (void *)WO, 8), -EFAULT);
	assert_int_equal(copy_to_user((void *)WO, buf, 8), 0);
	assert_int_equal(copy_from_user(buf, (void *)NO, 8), -EFAULT);
	assert_int_equal(copy_to_user((void *)NO, buf, 8), -EFAULT);
}

static void test_ranges(void **state)
{
	char buf[16] = {0};
	uptr end = SCRATCH_BASE + SCRATCH_SIZE;

	assert_int_equal(copy_from_user(buf, (void *)(end - 8), 8), 0);
	assert_int_equal(copy_from_user(buf, (void *)(end - 7), 8), -EFAULT); /* one byte over */
	assert_int_equal(copy_to_user((void *)(SCRATCH_BASE - 1), buf, 2), -EFAULT);
	assert_int_equal(copy_from_user(buf, (void *)SCRATCH_BASE, (size_t)-1), -EFAULT);
	assert_int_equal(copy_from_user(buf, (void *)SCRATCH_BASE, (size_t)-SCRATCH_BASE), -EFAULT);
	assert_int_equal(copy_to_user((void *)SCRATCH_BASE, buf, (size_t)1 << 63), -EFAULT);
	assert_int_equal(copy_from_user(buf, (void *)(RO + P - 4), 8), -EFAULT); /* into a hole */
}

static void test_strings(void **state)
{
	char out[64];
	uptr end = SCRATCH_BASE + SCRATCH_SIZE;

	/* A string ending on the last byte of the mapping. */
	memcpy((void *)(end - 4), "abc", 4);
	assert_int_equal(strncpy_from_user(out, (void *)(end - 4), sizeof(out)), 3);
	assert_string_equal(out, "abc");
	/* No NUL before the mapping ends: a fault, not an over-read. */
	memcpy((void *)(end - 4), "abcd", 4);
	assert_int_equal(strncpy_from_user(out, (void *)(end - 4), sizeof(out)), -EFAULT);
	/* No NUL within cap. */
	uptr u = ualloc(100);
	memset((void *)u, 'x', 100);
	assert_int_equal(strncpy_from_user(out, (void *)u, 10), -ENAMETOOLONG);
	assert_int_equal(strncpy_from_user(out, (void *)u, 0), -ENAMETOOLONG);
	((char *)u)[9] = 0;
	assert_int_equal(strncpy_from_user(out, (void *)u, 10), 9);
	assert_int_equal(strncpy_from_user(out, (void *)u, 9), -ENAMETOOLONG);
	assert_int_equal(strncpy_from_user(out, (void *)1, 10), -EFAULT);
	assert_int_equal(strncpy_from_user(out, (void *)~0UL, 10), -EFAULT);
	assert_int_equal(strncpy_from_user(out, (void *)NO, 10), -EFAULT);
	/* A page-crossing string across adjacent mappings. */
	memcpy((void *)(TW + P - 2), "hi there", 9);
	assert_int_equal(strncpy_from_user(out, (void *)(TW + P - 2), sizeof(out)), 8);
	assert_string_equal(out, "hi there");
}

static void test_iobuf(void **state)
{
	char k[8] = "kernel!";
	struct iobuf ku = {(uint8_t *)k, false, false};
	uptr u = ualloc(16);
	struct iobuf uu = {(uint8_t *)u, true, false}, bad = {(uint8_t *)NO, true, false};
	struct iobuf mu = {(uint8_t *)u, false, true};

	assert_int_equal(io_put(&uu, 2, "ab", 2), 0);
	assert_memory_equal((char *)u + 2, "ab", 2);
	assert_int_equal(io_get(&uu, 2, k, 2), 0);
	assert_memory_equal(k, "abrnel!", 7);
	assert_int_equal(io_put(&ku, 0, "XY", 2), 0);
	assert_memory_equal(k, "XYrnel!", 7);
	assert_int_equal(io_put(&bad, 0, "ab", 2), -EFAULT);
	assert_int_equal(io_get(&bad, 0, k, 2), -EFAULT);
	/* program memory the core mapped itself goes through the HAL's copies too */
	assert_int_equal(io_put(&mu, 4, "cd", 2), 0);
	assert_memory_equal((char *)u + 4, "cd", 2);
	assert_int_equal(io_get(&mu, 2, k, 4), 0);
	assert_memory_equal(k, "abcd", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_good_copies, check_clean),
		cmocka_unit_test_teardown(test_bad_pointers, check_clean),
		cmocka_unit_test_teardown(test_protections, check_clean),
		cmocka_unit_test_teardown(test_ranges, check_clean),
		cmocka_unit_test_teardown(test_strings, check_clean),
		cmocka_unit_test_teardown(test_iobuf, check_clean),
	};

	return cmocka_run_group_tests_name("uaccess", tests, setup, NULL);
}
