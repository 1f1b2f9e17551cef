/*
 * Which pages of a program file its runs touched, so that the next exec of
 * that file reads them in at once instead of taking a fault for each. On a
 * satellite enclave a fault is a round trip to the core's enclave, while a
 * batch of pages filled at exec goes out with the program's first resume
 * (docs/satellites.md): the same bytes, without the round trips. Nothing
 * here changes what a program sees; a wrong guess only reads a page early.
 */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/vfs.h>

#define HOT_FILES     32
#define HOT_MAX_PAGES ((256UL << 20) / PAGE_SIZE) /* files past 256 MiB are not kept */

struct hot {
	uint64_t dev, ino, size; /* the file, as it was: a changed size starts afresh */
	uint8_t *bits;           /* one per page of the file */
	size_t pages;
	uint64_t used;           /* for eviction: the least recently used goes */
};

static struct hot hot[HOT_FILES];
static uint64_t hot_clock;

static struct hot *hot_find(struct file *f, bool create)
{
	struct kstat st;
	struct hot *h = NULL, *old = &hot[0];

	if (!f->ops->stat || f->ops->stat(f, &st) < 0)
		return NULL;
	for (int i = 0; i < HOT_FILES; i++) {
		struct hot *c = &hot[i];
		if (c->bits && c->dev == st.st_dev && c->ino == st.st_ino && c->size == (uint64_t)st.st_size)
			h = c;
		if (!c->bits || c->used < old->used)
			old = c;
	}
	if (!h && create) {
		size_t pages = ALIGN_UP(st.st_size, PAGE_SIZE) / PAGE_SIZE;
		if (pages == 0 || pages > HOT_MAX_PAGES)
			return NULL;
		uint8_t *bits = kzalloc((pages + 7) / 8);
		if (!bits)
			return NULL;
		kfree(old->bits);
		*old = (struct hot){st.st_dev, st.st_ino, (uint64_t)st.st_size, bits, pages, 0};
		h = old;
	}
	if (h)
		h->used = ++hot_clock;
	return h;
}

void hot_note(struct file *f, int64_t off, size_t len)
{
	struct hot *h = hot_find(f, true);

	if (!h || off < 0)
		return;
	for (size_t p = (size_t)off / PAGE_SIZE; p < h->pages && p * PAGE_SIZE < (size_t)off + len;
	     p++)
		h->bits[p / 8] |= (uint8_t)(1u << (p % 8));
}

const uint8_t *hot_pages(struct file *f, size_t *pages)
{
	struct hot *h = hot_find(f, false);

	if (!h)
		return NULL;
	*pages = h->pages;
	return h->bits;
}
