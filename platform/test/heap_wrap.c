/*
 * An ASan-visible core heap. Linked with
 *   -Wl,--wrap=kmalloc,--wrap=kzalloc,--wrap=kfree,--wrap=krealloc,--wrap=kstrdup
 * every core call to the heap lands here instead of core/mm/kheap.c, so each
 * block is a separate malloc: ASan reports overflows, use-after-free and
 * double frees in the core the moment they happen (the core's own slab heap
 * hides them inside its pages). The TEE memory budget still applies: each
 * block is charged with mem_charge, so limits behave as in the real heap.
 *
 * Live blocks are kept on a list, so test_platform_reset can free them all
 * (a fuzzer's fresh process leaks nothing) and tests can count them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal_os.h"

int mem_charge(uint64_t n);
void mem_uncharge(uint64_t n);

#define MAGIC 0x6e746f68656170ULL

struct blk {
	struct blk *prev, *next;
	size_t n;
	uint64_t magic;
};

static struct blk head = {&head, &head, 0, 0};
static size_t live;

static uint64_t charge_of(size_t n)
{
	return ((uint64_t)n + 15) / 16 * 16 + 16;
}

void *__wrap_kmalloc(size_t n);
void *__wrap_kzalloc(size_t n);
void __wrap_kfree(void *p);
void *__wrap_krealloc(void *p, size_t n);
char *__wrap_kstrdup(const char *s);
void test_heap_reset(void);
size_t test_heap_live(void);

void *__wrap_kmalloc(size_t n)
{
	struct blk *b;

	if (n > (1ULL << 40) || mem_charge(charge_of(n)) < 0)
		return NULL;
	b = malloc(sizeof(*b) + n);
	if (!b) {
		mem_uncharge(charge_of(n));
		return NULL;
	}
	b->n = n;
	b->magic = MAGIC;
	b->next = head.next;
	b->prev = &head;
	head.next->prev = b;
	head.next = b;
	live++;
	/* Fresh kmalloc memory is not zeroed: make reliance on that visible. */
	memset(b + 1, 0xbe, n);
	return b + 1;
}

void *__wrap_kzalloc(size_t n)
{
	void *p = __wrap_kmalloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

static struct blk *blk_of(void *p, const char *who)
{
	struct blk *b = (struct blk *)p - 1;

	if (b->magic != MAGIC) {
		os_log("heap_wrap: %s of %p, which is not a live kmalloc block\n", who, p);
		os_abort();
	}
	return b;
}

void __wrap_kfree(void *p)
{
	struct blk *b;

	if (!p)
		return;
	b = blk_of(p, "kfree");
	b->magic = 0;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	live--;
	mem_uncharge(charge_of(b->n));
	free(b);
}

void *__wrap_krealloc(void *p, size_t n)
{
	struct blk *b;
	void *q;

	if (!p)
		return __wrap_kmalloc(n);
	b = blk_of(p, "krealloc");
	/* Always move: a caller that keeps using the old pointer is caught. */
	q = __wrap_kmalloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, b->n < n ? b->n : n);
	__wrap_kfree(p);
	return q;
}

char *__wrap_kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_kmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* Frees every live block without touching the core's accounting (the core's
 * globals are restored from a snapshot right after). */
void test_heap_reset(void)
{
	while (head.next != &head) {
		struct blk *b = head.next;
		head.next = b->next;
		b->magic = 0;
		free(b);
	}
	head.prev = &head;
	live = 0;
}

size_t test_heap_live(void)
{
	return live;
}
