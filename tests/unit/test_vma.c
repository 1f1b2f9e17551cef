/* core/mm/vma.c: the program's map (mapping, unmapping, protecting, searching). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/mm.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"

#define P  PAGE_SIZE
#define A  0x20000000UL /* an address well inside the test user range */
#define RW (PROT_READ | PROT_WRITE)

static struct mm mm;

static int setup(void **state)
{
	test_platform_init();
	kheap_init(test_kheap_base(), TEST_KHEAP_SIZE);
	mem_set_limit(512UL << 20);
	return 0;
}

static int fresh(void **state)
{
	assert_int_equal(mm_init(&mm, TEST_USER_MIN, TEST_USER_MAX), 0);
	return 0;
}

/* Unmaps everything and checks the map's invariants and the platform's view. */
static int teardown(void **state)
{
	uptr last_end = 0;

	for (struct vma *v = mm.vmas; v; v = v->next) {
		assert_true(v->start < v->end);
		assert_true(v->start >= last_end);
		assert_int_equal(v->start % P, 0);
		assert_int_equal(v->end % P, 0);
		for (uptr a = v->start; a < v->end; a += P)
			assert_int_equal(test_page_prot(a), v->prot);
		last_end = v->end;
	}
	assert_int_equal(vm_unmap(&mm, TEST_USER_MIN, TEST_USER_MAX - TEST_USER_MIN), 0);
	assert_null(mm.vmas);
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	mem_set_limit(512UL << 20);
	return 0;
}

static int count(void)
{
	int n = 0;

	for (struct vma *v = mm.vmas; v; v = v->next)
		n++;
	return n;
}

static void test_init(void **state)
{
	struct mm m;

	assert_int_equal(mm_init(&m, 0x10000, 0x10000 + (64UL << 20)), -EINVAL);
	assert_int_equal(mm_init(&m, 0x20000, 0x10000), -EINVAL);
	assert_int_equal(mm_init(&m, 0x10001, 0x40000fff), 0);
	assert_int_equal(m.user_min, 0x11000);
	assert_int_equal(m.user_max, 0x40000000);
	assert_true(m.mmap_top < m.stack_top);
}

static void test_map_and_find(void **state)
{
	uint64_t used = mem_used();

	assert_int_equal(vm_map_fixed(&mm, A, 4 * P, RW, MAP_PRIVATE | MAP_ANONYMOUS, "x", 0), 0);
	assert_true(mem_used() - used >= 4 * P); /* pages, plus the vma itself */
	assert_non_null(vm_find(&mm, A));
	assert_non_null(vm_find(&mm, A + 4 * P - 1));
	assert_null(vm_find(&mm, A + 4 * P));
	assert_null(vm_find(&mm, A - 1));
	assert_true(vm_overlaps(&mm, A - P, P + 1));
	assert_false(vm_overlaps(&mm, A - P, P));
	assert_false(vm_overlaps(&mm, A + 4 * P, P));
	*(volatile char *)(A + 5) = 1; /* committed for real */
	/* Length is rounded up to pages. */
	assert_int_equal(vm_map_fixed(&mm, A + 8 * P, 1, RW, MAP_PRIVATE, NULL, 0), 0);
	assert_int_equal(vm_find(&mm, A + 8 * P)->end, A + 9 * P);
}

static void test_map_rejects(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A + 1, P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, A, 0, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, 0, P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, TEST_USER_MIN - P, P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, TEST_USER_MAX - P, 2 * P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, TEST_USER_MAX, P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, A, (size_t)-P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, A, (size_t)-1, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(vm_map_fixed(&mm, ~0UL - P + 1, P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(count(), 0);
	/* The last page of the range is fine. */
	assert_int_equal(vm_map_fixed(&mm, TEST_USER_MAX - P, P, RW, 0, NULL, 0), 0);
}

static void test_map_over_limit(void **state)
{
	mem_set_limit(mem_used() + 2 * P + 1024); /* room for the vma struct */
	assert_int_equal(vm_map_fixed(&mm, A, 3 * P, RW, 0, NULL, 0), -ENOMEM);
	assert_int_equal(count(), 0);
	assert_int_equal(test_page_prot(A), -1);
	assert_int_equal(vm_map_fixed(&mm, A, 2 * P, RW, 0, NULL, 0), 0);
}

static void test_map_replaces_middle(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A, 10 * P, RW, MAP_PRIVATE, "file", 0), 0);
	*(volatile char *)(A + 3 * P) = 7;
	assert_int_equal(vm_map_fixed(&mm, A + 3 * P, 2 * P, PROT_READ, MAP_ANONYMOUS, NULL, 0), 0);
	assert_int_equal(count(), 3);
	assert_int_equal(vm_find(&mm, A)->end, A + 3 * P);
	assert_int_equal(vm_find(&mm, A + 3 * P)->prot, PROT_READ);
	assert_int_equal(*(volatile char *)(A + 3 * P), 0); /* fresh memory */
	struct vma *tail = vm_find(&mm, A + 5 * P);
	assert_int_equal(tail->start, A + 5 * P);
	assert_int_equal(tail->off, 5 * P); /* file offset follows the split */
	assert_string_equal(tail->name, "file");
	/* Each piece owns its name: dropping one leaves the other intact. */
	assert_int_equal(vm_unmap(&mm, A, P), 0);
	assert_string_equal(vm_find(&mm, A + P)->name, "file");
}

static void test_unmap(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A, 8 * P, RW, 0, NULL, 0), 0);
	assert_int_equal(vm_unmap(&mm, A + 2 * P, 2 * P), 0);
	assert_int_equal(count(), 2);
	assert_null(vm_find(&mm, A + 2 * P));
	assert_int_equal(test_page_prot(A + 2 * P), -1);
	assert_int_equal(vm_unmap(&mm, A + 1, P), -EINVAL);
	assert_int_equal(vm_unmap(&mm, A, 0), -EINVAL);
	assert_int_equal(vm_unmap(&mm, A, (size_t)-A + P), -EINVAL); /* wraps */
	assert_int_equal(vm_unmap(&mm, A + 100 * P, P), 0);              /* nothing there */
	/* Unmapping across a hole and into the next mapping. */
	assert_int_equal(vm_unmap(&mm, A + P, 4 * P), 0);
	assert_int_equal(count(), 2);
	assert_int_equal(vm_find(&mm, A)->end, A + P);
	assert_int_equal(vm_find(&mm, A + 5 * P)->start, A + 5 * P);
}

static void test_protect_splits(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A, 6 * P, RW, 0, NULL, 0), 0);
	assert_int_equal(vm_protect(&mm, A + 2 * P, 2 * P, PROT_READ), 0);
	assert_int_equal(count(), 3);
	assert_int_equal(vm_find(&mm, A + 2 * P)->prot, PROT_READ);
	assert_int_equal(vm_find(&mm, A + 4 * P)->prot, RW);
	assert_int_equal(test_page_prot(A + 3 * P), PROT_READ);
	/* Partial page length rounds up. */
	assert_int_equal(vm_protect(&mm, A + 4 * P, 1, PROT_NONE), 0);
	assert_int_equal(vm_find(&mm, A + 4 * P)->end, A + 5 * P);
	assert_false(vm_accessible(&mm, A + 4 * P, 1, PROT_READ));
	assert_true(vm_accessible(&mm, A + 4 * P, 1, PROT_NONE));
	/* Across several mappings at once. */
	assert_int_equal(vm_protect(&mm, A, 6 * P, PROT_READ | PROT_EXEC), 0);
	for (struct vma *v = mm.vmas; v; v = v->next)
		assert_int_equal(v->prot, PROT_READ | PROT_EXEC);
}

static void test_protect_rejects(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A, 2 * P, RW, 0, NULL, 0), 0);
	assert_int_equal(vm_protect(&mm, A + 1, P, PROT_READ), -EINVAL);
	assert_int_equal(vm_protect(&mm, A, 0, PROT_READ), 0);
	assert_int_equal(vm_protect(&mm, A + 4 * P, P, PROT_READ), -ENOMEM); /* unmapped */
	assert_int_equal(vm_protect(&mm, A, 3 * P, PROT_READ), -ENOMEM);     /* runs off the end */
	assert_int_equal(vm_find(&mm, A)->prot, RW);                         /* unchanged */
	assert_int_equal(count(), 1);
	assert_int_equal(vm_protect(&mm, ~0UL & ~(P - 1), 2 * P, PROT_READ), -EINVAL);
	/* A length that wraps when rounded to pages is not a zero-length request. */
	assert_int_not_equal(vm_protect(&mm, A, (size_t)-1, PROT_READ), 0);
	assert_int_not_equal(vm_protect(&mm, A, (size_t)-P + 1, PROT_READ), 0);
	assert_int_equal(vm_find(&mm, A)->prot, RW);
}

static void test_accessible(void **state)
{
	assert_int_equal(vm_map_fixed(&mm, A, 2 * P, RW, 0, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(&mm, A + 2 * P, P, PROT_READ, 0, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(&mm, A + 4 * P, P, RW, 0, NULL, 0), 0);
	assert_true(vm_accessible(&mm, A, 3 * P, PROT_READ));    /* two adjacent mappings */
	assert_false(vm_accessible(&mm, A, 3 * P, PROT_WRITE));  /* the second is read-only */
	assert_true(vm_accessible(&mm, A + 1, 2 * P - 1, PROT_WRITE));
	assert_false(vm_accessible(&mm, A, 2 * P + 1, PROT_WRITE));
	assert_false(vm_accessible(&mm, A, 5 * P, PROT_READ));   /* a hole at A+3P */
	assert_false(vm_accessible(&mm, A - 1, 2, PROT_READ));
	assert_true(vm_accessible(&mm, 0, 0, PROT_WRITE));       /* empty: always fine */
	assert_true(vm_accessible(&mm, ~0UL, 0, PROT_WRITE));
	assert_false(vm_accessible(&mm, A, (size_t)-1, PROT_READ));   /* wraps */
	assert_false(vm_accessible(&mm, A, (size_t)-A, PROT_READ));   /* ends exactly at 2^64 */
	assert_false(vm_accessible(&mm, ~0UL - 3, 8, PROT_READ));
	assert_false(vm_accessible(&mm, 1, 1, PROT_READ));
	assert_false(vm_accessible(&mm, TEST_USER_MAX - 1, 2, PROT_NONE));
	assert_false(vm_accessible(&mm, A + 5 * P, P, PROT_NONE));
	assert_true(vm_accessible(&mm, A + 5 * P - 1, 1, PROT_READ | PROT_WRITE));
}

static void test_find_free(void **state)
{
	uptr a = vm_find_free(&mm, 3 * P, 0);

	assert_true(a);
	assert_int_equal(a + 3 * P, mm.mmap_top); /* top-down */
	assert_int_equal(vm_map_fixed(&mm, a, 3 * P, RW, 0, NULL, 0), 0);
	uptr b = vm_find_free(&mm, P, 0);
	assert_int_equal(b + P, a);
	/* A free hint is honored (rounded down to a page). */
	assert_int_equal(vm_find_free(&mm, P, A + 123), A);
	/* A hint that overlaps falls back to top-down. */
	assert_int_equal(vm_find_free(&mm, P, a + P), b);
	assert_int_equal(vm_find_free(&mm, P, TEST_USER_MAX), b); /* hint past the range */
	/* A gap too small is skipped. */
	assert_int_equal(vm_map_fixed(&mm, b, P, RW, 0, NULL, 0), 0);
	assert_int_equal(vm_map_fixed(&mm, b - 2 * P, P, RW, 0, NULL, 0), 0); /* gap at b - P */
	assert_int_equal(vm_find_free(&mm, 2 * P, 0), b - 4 * P);
	assert_int_equal(vm_find_free(&mm, P, 0), b - P);
	/* Impossible requests give 0. */
	assert_int_equal(vm_find_free(&mm, TEST_USER_MAX, 0), 0);
	assert_int_equal(vm_find_free(&mm, (size_t)-1, 0), 0);
	assert_int_equal(vm_find_free(&mm, (size_t)-P, 0), 0);
	assert_int_equal(vm_find_free(&mm, P, ~0UL - P), b - P); /* hint + len wraps: ignored */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fresh, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init),          T(test_map_and_find),   T(test_map_rejects),
		T(test_map_over_limit), T(test_map_replaces_middle), T(test_unmap),
		T(test_protect_splits), T(test_protect_rejects), T(test_accessible),
		T(test_find_free),
	};

	return cmocka_run_group_tests_name("vma", tests, setup, NULL);
}
