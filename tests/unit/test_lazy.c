/* core/mm/vma.c's demand paging: mappings whose pages are read from a file
 * at first touch (program loading, and what a forked child need not be
 * sent). The hosted platform reports each page's committed protection, so
 * the tests see exactly what was filled and when. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/vfs.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"
#include "fixture.h"

#define P  PAGE_SIZE
#define A  0x20000000UL
#define RX (PROT_READ | PROT_EXEC)
#define RW (PROT_READ | PROT_WRITE)
#define FILE_BYTES (20 * P + 100) /* the mapped file: 20 pages and a bit */

static uint8_t content[FILE_BYTES];
static int reads;

static ssize_t fake_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	(void)f;
	if (*pos >= (int64_t)FILE_BYTES)
		return 0;
	n = MIN(n, (size_t)(FILE_BYTES - *pos));
	memcpy(io->p, content + *pos, n);
	*pos += (int64_t)n;
	reads++;
	return (ssize_t)n;
}

static const struct file_ops fake_ops = {.read = fake_read};

/* The same bytes, as a file with an identity (what the hot-page record of
 * core/mm/hotpages.c is keyed by). */
static int fake_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->st_dev = 77;
	st->st_ino = 4242;
	st->st_size = FILE_BYTES;
	return 0;
}

static const struct file_ops named_ops = {.read = fake_read, .stat = fake_stat};
static struct file *file;
static struct mm *mm;

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < FILE_BYTES; i++)
		content[i] = (uint8_t)(i * 7 + i / P);
	test_platform_init();
	return fixture_boot(NULL);
}

static int fresh(void **state)
{
	mm = current->proc->mm;
	file = file_alloc(&fake_ops, NULL, O_RDONLY);
	assert_non_null(file);
	vm_unmap(mm, A, 64 * P);
	reads = 0;
	return 0;
}

static int done(void **state)
{
	vm_unmap(mm, A, 64 * P);
	file_put(file);
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	return 0;
}

static void test_nothing_read_until_touched(void **state)
{
	assert_int_equal(vm_map_lazy(mm, A, 16 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(reads, 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(test_page_prot(A + i * P), PROT_NONE);
	assert_true(vm_accessible(mm, A, 16 * P, PROT_READ)); /* to the program it is there */
}

static void test_fault_fills_a_window(void **state)
{
	assert_int_equal(vm_map_lazy(mm, A, 16 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(vm_fault_in(mm, A + 9 * P + 5), 1);
	int filled = 0;
	for (int i = 0; i < 16; i++)
		filled += test_page_prot(A + i * P) == RX;
	assert_true(filled >= 1 && filled < 16);
	assert_int_equal(test_page_prot(A + 9 * P), RX);
	assert_memory_equal((void *)(A + 9 * P), content + 9 * P, P);
	assert_int_equal(vm_fault_in(mm, A + 9 * P), 2); /* present: retried once, then real */
	assert_int_equal(vm_fault_in(mm, A + 40 * P), 0); /* unmapped: a real fault */
}

static void test_file_end_reads_as_zeros(void **state)
{
	uint8_t zero[P] = {0};

	/* Bytes from the file up to limit, zeros after (a segment's bss). */
	assert_int_equal(vm_map_lazy(mm, A, 4 * P, RW, MAP_PRIVATE, "f", file, 2 * P, 3 * P + 10),
			 0);
	assert_int_equal(vm_populate(mm, A, 4 * P), 0);
	assert_memory_equal((void *)A, content + 2 * P, P + 10);
	assert_memory_equal((void *)(A + P + 10), zero, P - 10);
	assert_memory_equal((void *)(A + 2 * P), zero, P);
}

static void test_copies_fill_first(void **state)
{
	uint8_t buf[64];

	assert_int_equal(vm_map_lazy(mm, A, 8 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(copy_from_user(buf, (void *)(A + 3 * P + 100), sizeof(buf)), 0);
	assert_memory_equal(buf, content + 3 * P + 100, sizeof(buf));
	assert_int_equal(copy_to_user((void *)(A + 3 * P), buf, 1), -EFAULT); /* not writable */
}

static void test_split_keeps_what_was_filled(void **state)
{
	assert_int_equal(vm_map_lazy(mm, A, 16 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(vm_populate(mm, A + 12 * P, P), 0);
	int before = reads;
	/* Unmapping the middle splits the mapping; filled pages stay filled. */
	assert_int_equal(vm_unmap(mm, A + 4 * P, 4 * P), 0);
	assert_int_equal(test_page_prot(A + 12 * P), RX);
	assert_int_equal(vm_populate(mm, A + 12 * P, P), 0);
	assert_int_equal(reads, before);
	assert_int_equal(vm_fault_in(mm, A + 9 * P), 1); /* the other part still on demand */
	assert_memory_equal((void *)(A + 9 * P), content + 9 * P, P);
}

static void test_protect_fills_everything(void **state)
{
	assert_int_equal(vm_map_lazy(mm, A, 4 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(vm_protect(mm, A, 4 * P, RW), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(test_page_prot(A + i * P), RW);
	assert_memory_equal((void *)A, content, 4 * P);
	assert_null(vm_find(mm, A)->present);
}

static void test_fork_sends_only_what_may_differ(void **state)
{
	struct mm child;
	struct hal_region *r;
	size_t n;

	/* Code (never writable) and data (writable), a page of each touched. */
	assert_int_equal(vm_map_lazy(mm, A, 4 * P, RX, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(vm_map_lazy(mm, A + 4 * P, 4 * P, RW, MAP_PRIVATE, "f", file, 4 * P,
				     FILE_BYTES), 0);
	assert_int_equal(vm_populate(mm, A + P, P), 0);
	assert_int_equal(vm_populate(mm, A + 5 * P, P), 0);
	assert_int_equal(mm_dup(&child, mm), 0);
	assert_int_equal(mm_regions(&child, &r, &n), 0);
	/* The child reads its code from the file again; the touched data page
	 * (maybe written since) travels; nothing else is accessible. */
	size_t live = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i].start >= A + 8 * P || r[i].end <= A)
			continue;
		if (r[i].prot == PROT_NONE)
			continue;
		assert_int_equal(r[i].start, A + 5 * P);
		assert_int_equal(r[i].end, A + 6 * P);
		assert_int_equal(r[i].prot, RW);
		live++;
	}
	assert_int_equal(live, 1);
	kfree(r);
	mm_forget(&child);
}

static void test_dontneed_reads_the_file_again(void **state)
{
	assert_int_equal(vm_map_lazy(mm, A, 4 * P, RW, MAP_PRIVATE, "f", file, 0, FILE_BYTES), 0);
	assert_int_equal(vm_populate(mm, A, 4 * P), 0);
	memset((void *)A, 0xee, P);
	vm_forget_pages(vm_find(mm, A), A, A + P);
	assert_int_equal(test_page_prot(A), PROT_NONE);
	assert_int_equal(vm_populate(mm, A, P), 0);
	assert_memory_equal((void *)A, content, P);
}

static void test_next_run_reads_hot_pages_at_once(void **state)
{
	/* A page a run touched is read at once by the next mapping of the file
	 * (the next exec), without waiting for its fault. */
	struct file *other = file_alloc(&named_ops, NULL, O_RDONLY);
	assert_int_equal(vm_map_lazy(mm, A, 16 * P, RX, MAP_PRIVATE, "f", other, 0, FILE_BYTES), 0);
	assert_int_equal(vm_populate(mm, A + 6 * P, P), 0);
	vm_unmap(mm, A, 16 * P);
	assert_int_equal(vm_map_lazy(mm, A, 16 * P, RX, MAP_PRIVATE, "f", other, 0, FILE_BYTES), 0);
	assert_int_equal(test_page_prot(A + 6 * P), RX);
	assert_memory_equal((void *)(A + 6 * P), content + 6 * P, P);
	assert_int_equal(test_page_prot(A + 12 * P), PROT_NONE); /* never touched: still on demand */
	file_put(other);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fresh, done)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nothing_read_until_touched), T(test_fault_fills_a_window),
		T(test_file_end_reads_as_zeros),    T(test_copies_fill_first),
		T(test_split_keeps_what_was_filled), T(test_protect_fills_everything),
		T(test_fork_sends_only_what_may_differ), T(test_dontneed_reads_the_file_again),
		T(test_next_run_reads_hot_pages_at_once),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
