/*
 * The core heap. Small blocks come from power-of-two size classes carved
 * out of 64 KiB slabs; large blocks are page runs committed on demand and
 * released on free, so big tmpfs files give their memory back.
 * Every block carries a 16-byte header recording its class or run size.
 */
#include <nto/hal.h>
#include <nto/kernel.h>

#define HDR_SIZE    16
#define MIN_SHIFT   4
#define MAX_SHIFT   11 /* classes 16 .. 2048 bytes (with header) */
#define NCLASSES    (MAX_SHIFT - MIN_SHIFT + 1)
#define SLAB_SIZE   (64 * 1024)
#define BLOCK_MAGIC 0x6b68656170ULL

struct hdr {
	uint64_t size; /* class size for small blocks, run bytes for large ones */
	uint64_t magic;
};

struct free_block {
	struct free_block *next;
};

struct free_run {
	struct free_run *next;
	uptr va;
	size_t len;
};

static struct free_block *classes[NCLASSES];
static struct free_run *runs;  /* VA ranges freed by large blocks */
static uptr heap_next, heap_end;
static uint64_t charged, limit = UINT64_MAX;

void mem_set_limit(uint64_t l)
{
	limit = l;
}

int mem_charge(uint64_t n)
{
	if (n > limit || charged > limit - n)
		return -ENOMEM;
	charged += n;
	return 0;
}

void mem_uncharge(uint64_t n)
{
	KASSERT(n <= charged);
	charged -= n;
}

uint64_t mem_used(void)
{
	return charged;
}

uint64_t mem_limit(void)
{
	return limit;
}

void kheap_init(uptr base, size_t size)
{
	heap_next = ALIGN_UP(base, PAGE_SIZE);
	heap_end = base + size;
}

/* Takes len bytes of heap address space, reusing a freed run when one fits. */
static uptr va_take(size_t len)
{
	for (struct free_run **pp = &runs; *pp; pp = &(*pp)->next) {
		struct free_run *r = *pp;
		if (r->len < len)
			continue;
		uptr va = r->va;
		r->va += len;
		r->len -= len;
		if (r->len == 0) {
			*pp = r->next;
			kfree(r);
		}
		return va;
	}
	if (heap_end - heap_next < len)
		return 0;
	heap_next += len;
	return heap_next - len;
}

static void va_give(uptr va, size_t len)
{
	struct free_run *r = kmalloc(sizeof(*r));

	if (!r)
		return; /* the range leaks, which is safe */
	r->va = va;
	r->len = len;
	r->next = runs;
	runs = r;
}

/* Commits a fresh run of len bytes (page multiple) of heap. */
static void *run_alloc(size_t len)
{
	uptr va;

	if (mem_charge(len) < 0)
		return NULL;
	va = va_take(len);
	if (!va || hal_mem_map(va, len, PROT_READ | PROT_WRITE) < 0) {
		if (va)
			va_give(va, len);
		mem_uncharge(len);
		return NULL;
	}
	return (void *)va;
}

static void run_free(void *p, size_t len)
{
	hal_mem_unmap((uptr)p, len);
	mem_uncharge(len);
	va_give((uptr)p, len);
}

static int class_of(size_t total)
{
	int c = 0;

	while (((size_t)1 << (c + MIN_SHIFT)) < total)
		c++;
	return c;
}

static bool refill(int c)
{
	size_t bsize = (size_t)1 << (c + MIN_SHIFT);
	uint8_t *slab = run_alloc(SLAB_SIZE);

	if (!slab)
		return false;
	for (size_t off = 0; off + bsize <= SLAB_SIZE; off += bsize) {
		struct free_block *b = (struct free_block *)(slab + off);
		b->next = classes[c];
		classes[c] = b;
	}
	return true;
}

void *kmalloc(size_t n)
{
	size_t total = n + HDR_SIZE;
	struct hdr *h;

	if (n > (1ULL << 40))
		return NULL;
	if (total <= ((size_t)1 << MAX_SHIFT)) {
		int c = class_of(total);
		if (!classes[c] && !refill(c))
			return NULL;
		h = (struct hdr *)classes[c];
		classes[c] = classes[c]->next;
		h->size = (size_t)1 << (c + MIN_SHIFT);
	} else {
		size_t len = ALIGN_UP(total, PAGE_SIZE);
		h = run_alloc(len);
		if (!h)
			return NULL;
		h->size = len;
	}
	h->magic = BLOCK_MAGIC;
	return h + 1;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

void kfree(void *p)
{
	struct hdr *h;

	if (!p)
		return;
	h = (struct hdr *)p - 1;
	KASSERT(h->magic == BLOCK_MAGIC);
	h->magic = 0;
	if (h->size <= ((size_t)1 << MAX_SHIFT)) {
		int c = class_of(h->size);
		struct free_block *b = (struct free_block *)h;
		b->next = classes[c];
		classes[c] = b;
	} else {
		run_free(h, h->size);
	}
}

void *krealloc(void *p, size_t n)
{
	struct hdr *h;
	void *q;

	if (!p)
		return kmalloc(n);
	h = (struct hdr *)p - 1;
	KASSERT(h->magic == BLOCK_MAGIC);
	if (n <= h->size - HDR_SIZE)
		return p;
	q = kmalloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size - HDR_SIZE);
	kfree(p);
	return q;
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}
