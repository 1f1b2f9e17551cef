/*
 * The core heap. Blocks up to 32 KiB come from power-of-two size classes
 * carved out of slabs; larger blocks are page runs committed on demand.
 * Freed runs are kept committed in a small cache (committing memory is a
 * host call on some platforms), and past that released, so big tmpfs files
 * give their memory back. Free address ranges are kept sorted and merged.
 * Every block carries a 16-byte header recording its class or run size.
 */
#include <nto/hal.h>
#include <nto/kernel.h>

#define HDR_SIZE    16
#define MIN_SHIFT   4
#define MAX_SHIFT   15 /* classes 16 .. 32768 bytes (with header) */
#define NCLASSES    (MAX_SHIFT - MIN_SHIFT + 1)
#define SLAB_MIN    (64 * 1024)
#define CACHE_RUNS  16
#define CACHE_BYTES (16UL << 20)
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
static struct free_run *runs;  /* free address ranges, sorted, never adjacent */
static struct {
	void *p;
	size_t len;
} cache[CACHE_RUNS];           /* freed runs still committed */
static size_t cached_bytes;
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

/* Takes len bytes of heap address space: the lowest free range that fits. */
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

/* Returns a range: merged with its neighbours, or given back to the top. */
static void va_give(uptr va, size_t len)
{
	/* Allocate first: kmalloc may itself take address space from the list. */
	struct free_run *spare = kmalloc(sizeof(*spare));
	struct free_run **pp = &runs, *prev = NULL;

	while (*pp && (*pp)->va < va) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (prev && prev->va + prev->len == va) {
		prev->len += len;
		if (*pp && prev->va + prev->len == (*pp)->va) {
			struct free_run *n = *pp;
			prev->len += n->len;
			prev->next = n->next;
			kfree(n);
		}
	} else if (*pp && va + len == (*pp)->va) {
		(*pp)->va = va;
		(*pp)->len += len;
	} else if (spare) {
		spare->va = va;
		spare->len = len;
		spare->next = *pp;
		*pp = spare;
		spare = NULL;
	} /* else the range leaks, which is safe */
	kfree(spare);
	/* A free range at the top shrinks the heap instead. */
	struct free_run *last = runs, **lp = &runs;
	while (last && last->next) {
		lp = &last->next;
		last = last->next;
	}
	if (last && last->va + last->len == heap_next) {
		heap_next = last->va;
		*lp = NULL;
		kfree(last);
	}
}

/* Commits a fresh run of len bytes (page multiple) of heap. */
static void *run_alloc(size_t len)
{
	uptr va;

	for (int i = 0; i < CACHE_RUNS; i++) {
		if (cache[i].p && cache[i].len == len) {
			void *p = cache[i].p;
			cache[i].p = NULL;
			cached_bytes -= len;
			return p;
		}
	}

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
	/* Keep it committed for the next run of this size if there is room. */
	if (cached_bytes + len <= CACHE_BYTES) {
		for (int i = 0; i < CACHE_RUNS; i++) {
			if (!cache[i].p) {
				cache[i].p = p;
				cache[i].len = len;
				cached_bytes += len;
				return;
			}
		}
	}
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
	size_t slab_size = MAX((size_t)SLAB_MIN, 8 * bsize);
	uint8_t *slab = run_alloc(slab_size);

	if (!slab)
		return false;
	for (size_t off = 0; off + bsize <= slab_size; off += bsize) {
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
