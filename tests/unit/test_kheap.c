/* core/mm/kheap.c: the core heap itself (this suite runs over the real heap). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"

static int setup(void **state)
{
	test_platform_init();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(64UL << 20);
	return 0;
}

static int check_clean(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	mem_set_limit(64UL << 20);
	return 0;
}

static void test_small_sizes(void **state)
{
	void *p[64];

	for (int i = 0; i < 64; i++) {
		size_t n = (size_t)i * 37;
		p[i] = kmalloc(n);
		assert_non_null(p[i]);
		assert_int_equal((uptr)p[i] & 15, 0);
		memset(p[i], i, n);
	}
	for (int i = 0; i < 64; i++) {
		uint8_t *b = p[i];
		for (size_t j = 0; j < (size_t)i * 37; j++)
			assert_int_equal(b[j], i);
		kfree(p[i]);
	}
	kfree(NULL);
}

static void test_reuse_and_zero(void **state)
{
	uint8_t *a = kmalloc(100);

	memset(a, 0xff, 100);
	kfree(a);
	uint8_t *b = kzalloc(100);
	assert_ptr_equal(a, b); /* LIFO free lists reuse the block */
	for (int i = 0; i < 100; i++)
		assert_int_equal(b[i], 0);
	kfree(b);
}

static void test_large_runs_return_memory(void **state)
{
	uint64_t used = mem_used(), committed = test_committed_bytes();
	/* Bigger than the heap's cache of committed runs: given back on free. */
	size_t n = 32UL << 20;
	uint8_t *big = kmalloc(n);

	assert_non_null(big);
	assert_true(mem_used() >= used + n);
	big[0] = 1;
	big[n - 1] = 2;
	kfree(big);
	assert_true(mem_used() <= used + (16UL << 20));
	assert_true(test_committed_bytes() <= committed + (16UL << 20) + (1UL << 20));
	/* A freed 1 MiB run is handed out again. */
	uint8_t *a = kmalloc(1 << 20);
	kfree(a);
	uint8_t *again = kmalloc(1 << 20);
	assert_ptr_equal(again, a);
	kfree(again);
}

static void test_krealloc(void **state)
{
	char *p = krealloc(NULL, 10);

	assert_non_null(p);
	memcpy(p, "0123456789", 10);
	char *q = krealloc(p, 5); /* shrinking keeps the block */
	assert_ptr_equal(p, q);
	q = krealloc(q, 5000); /* small to large */
	assert_non_null(q);
	assert_memory_equal(q, "0123456789", 10);
	memset(q + 10, 'x', 4990);
	char *r = krealloc(q, 100000);
	assert_non_null(r);
	assert_memory_equal(r, "0123456789", 10);
	assert_int_equal(r[4999], 'x');
	kfree(r);
}

static void test_krealloc_failure_keeps_block(void **state)
{
	char *p = kmalloc(64);

	strcpy(p, "still here");
	mem_set_limit(mem_used());
	assert_null(krealloc(p, 48UL << 20)); /* more than any cached run */
	assert_string_equal(p, "still here");
	mem_set_limit(64UL << 20);
	kfree(p);
}

static void test_limit_gives_null(void **state)
{
	uint64_t used = mem_used();

	mem_set_limit(used + (256 << 10));
	assert_null(kmalloc(8 << 20)); /* no cached run that size */
	assert_int_equal(mem_used(), used);
	/* Fill the budget with small blocks until it says no; never crash. */
	void **list = NULL;
	int n = 0;
	for (;;) {
		void **b = kmalloc(1000);
		if (!b)
			break;
		*b = list;
		list = b;
		n++;
		assert_true(n < 100000);
	}
	assert_true(n > 10);
	assert_true(mem_used() <= mem_limit());
	while (list) {
		void **next = *list;
		kfree(list);
		list = next;
	}
	mem_set_limit(64UL << 20);
	void *ok = kmalloc(1 << 20);
	assert_non_null(ok);
	kfree(ok);
}

static void test_huge_requests(void **state)
{
	assert_null(kmalloc((size_t)-1));
	assert_null(kmalloc((size_t)-16));
	assert_null(kmalloc(1ULL << 41));
	assert_null(kzalloc((size_t)-1));
	assert_null(kmalloc(128UL << 20)); /* over the 64 MiB budget */
	void *p = kmalloc(8);
	assert_null(krealloc(p, (size_t)-1));
	kfree(p);
}

static void test_charge_accounting(void **state)
{
	uint64_t used = mem_used();

	mem_set_limit(used + 4096);
	assert_int_equal(mem_charge(4096), 0);
	assert_int_equal(mem_charge(1), -ENOMEM);
	assert_int_equal(mem_charge(UINT64_MAX), -ENOMEM);
	mem_uncharge(4096);
	assert_int_equal(mem_used(), used);
	mem_set_limit(UINT64_MAX);
	assert_int_equal(mem_charge(UINT64_MAX - used), 0);
	assert_int_equal(mem_charge(1), -ENOMEM); /* no wraparound */
	mem_uncharge(UINT64_MAX - used);
	assert_int_equal(mem_used(), used);
}

static void test_strdup(void **state)
{
	char *s = kstrdup("hello");

	assert_string_equal(s, "hello");
	kfree(s);
	s = kstrdup("");
	assert_string_equal(s, "");
	kfree(s);
}

static void double_free(void *arg)
{
	void *p = kmalloc(32);

	kfree(p);
	kfree(p);
}

static void bad_free(void *arg)
{
	static uint64_t not_heap[4];

	kfree(&not_heap[2]);
}

static void test_double_free_panics(void **state)
{
	assert_int_equal(test_catch(double_free, NULL), TEST_EXITED);
	assert_int_equal(test_exit_status, 70);
	assert_true(test_panicked());
	assert_int_equal(test_catch(bad_free, NULL), TEST_EXITED);
	assert_int_equal(test_exit_status, 70);
}

static void test_many_sizes_churn(void **state)
{
	void *slot[128] = {0};
	uint32_t x = 12345;

	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		int s = (x >> 8) % 128;
		if (slot[s]) {
			kfree(slot[s]);
			slot[s] = NULL;
		} else {
			size_t n = (x >> 16) % 9000;
			slot[s] = kmalloc(n);
			assert_non_null(slot[s]);
			memset(slot[s], s, n);
		}
	}
	for (int s = 0; s < 128; s++)
		kfree(slot[s]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_small_sizes, check_clean),
		cmocka_unit_test_teardown(test_reuse_and_zero, check_clean),
		cmocka_unit_test_teardown(test_large_runs_return_memory, check_clean),
		cmocka_unit_test_teardown(test_krealloc, check_clean),
		cmocka_unit_test_teardown(test_krealloc_failure_keeps_block, check_clean),
		cmocka_unit_test_teardown(test_limit_gives_null, check_clean),
		cmocka_unit_test_teardown(test_huge_requests, check_clean),
		cmocka_unit_test_teardown(test_charge_accounting, check_clean),
		cmocka_unit_test_teardown(test_strdup, check_clean),
		cmocka_unit_test_teardown(test_many_sizes_churn, check_clean),
		cmocka_unit_test_teardown(test_double_free_panics, check_clean),
	};

	return cmocka_run_group_tests_name("kheap", tests, setup, NULL);
}
