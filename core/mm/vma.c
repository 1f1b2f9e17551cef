/*
 * The program's mappings. The core is the only authority on what is mapped:
 * the platform just commits and releases memory on request, so a bad
 * pointer is caught here before any access.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>

int mm_init(struct mm *mm, uptr min, uptr max)
{
	memset(mm, 0, sizeof(*mm));
	mm->user_min = ALIGN_UP(min, PAGE_SIZE);
	mm->user_max = ALIGN_DOWN(max, PAGE_SIZE);
	if (mm->user_max <= mm->user_min + (64UL << 20))
		return -EINVAL;
	mm->stack_top = mm->user_max;
	/* Leave room for the stack to grow, as Linux's mmap_base does. */
	mm->mmap_top = mm->stack_top - (64UL << 20);
	return 0;
}

struct vma *vm_find(struct mm *mm, uptr addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next) {
		if (addr < v->end)
			return v;
	}
	return NULL;
}

bool vm_overlaps(struct mm *mm, uptr addr, size_t len)
{
	for (struct vma *v = mm->vmas; v && v->start < addr + len; v = v->next) {
		if (v->end > addr)
			return true;
	}
	return false;
}

bool vm_accessible(struct mm *mm, uptr addr, size_t len, int prot)
{
	uptr end = addr + len;

	if (len == 0)
		return true;
	if (end < addr || addr < mm->user_min || end > mm->user_max)
		return false;
	for (struct vma *v = mm->vmas; v && addr < end; v = v->next) {
		if (v->end <= addr)
			continue;
		if (v->start > addr || (v->prot & prot) != prot)
			return false;
		addr = v->end;
	}
	return addr >= end;
}

static void vma_free(struct vma *v);
static int map_record(struct mm *mm, uptr addr, size_t len, int prot, int hal_prot, int flags,
		      const char *name, int64_t off, struct vma **out);

static size_t vma_pages(const struct vma *v)
{
	return (v->end - v->start) / PAGE_SIZE;
}

static bool page_present(const struct vma *v, size_t i)
{
	return !v->present || (v->present[i / 8] >> (i % 8)) & 1;
}

static void set_present(struct vma *v, size_t i)
{
	v->present[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* A present map of `pages` bits: bits [from, from + pages) of src, or
 * none set when src is NULL. */
static uint8_t *present_map(const struct vma *src, size_t from, size_t pages)
{
	uint8_t *m = kzalloc((pages + 7) / 8);

	for (size_t i = 0; m && src && i < pages; i++) {
		if (page_present(src, from + i))
			m[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	return m;
}

/* A copy of v's record, with its own name, file reference and present map. */
static struct vma *vma_clone(const struct vma *v)
{
	struct vma *n = kmalloc(sizeof(*n));

	if (!n)
		return NULL;
	*n = *v;
	n->name = v->name ? kstrdup(v->name) : NULL;
	if (v->present) {
		n->present = present_map(v, 0, vma_pages(v));
		if (!n->present) {
			kfree(n->name);
			kfree(n);
			return NULL;
		}
	}
	if (n->file)
		file_get(n->file);
	return n;
}

/* Splits the vma containing addr so that a vma starts exactly at addr. */
static int split_at(struct mm *mm, uptr addr)
{
	struct vma *v = vm_find(mm, addr), *n;
	uint8_t *low = NULL;

	if (!v || v->start == addr)
		return 0;
	n = vma_clone(v);
	if (v->present && n) {
		size_t k = (addr - v->start) / PAGE_SIZE;
		low = present_map(v, 0, k);
		kfree(n->present);
		n->present = present_map(v, k, vma_pages(v) - k);
		if (!low || !n->present) {
			kfree(low);
			vma_free(n);
			return -ENOMEM;
		}
	}
	if (!n)
		return -ENOMEM;
	if (v->present) {
		kfree(v->present);
		v->present = low;
	}
	n->start = addr;
	if (!(v->flags & MAP_ANONYMOUS))
		n->off = v->off + (int64_t)(addr - v->start);
	v->end = addr;
	v->next = n;
	return 0;
}

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v->present);
	kfree(v->name);
	kfree(v);
}

static uint64_t charged_bytes(const struct vma *list)
{
	uint64_t n = 0;

	for (const struct vma *v = list; v; v = v->next) {
		if (v->prot != PROT_NONE)
			n += v->end - v->start;
	}
	return n;
}

static void vmas_free(struct vma *list)
{
	for (struct vma *v = list, *next; v; v = next) {
		next = v->next;
		vma_free(v);
	}
}

int mm_dup(struct mm *dst, const struct mm *src)
{
	struct vma **tail = &dst->vmas;

	*dst = *src;
	dst->vmas = NULL;
	dst->as = NULL;
	for (const struct vma *v = src->vmas; v; v = v->next) {
		struct vma *n = vma_clone(v);
		if (!n) {
			vmas_free(dst->vmas);
			dst->vmas = NULL;
			return -ENOMEM;
		}
		n->next = NULL;
		/* A page of a never-writable file mapping still holds its file's
		 * bytes: the child reads them from the file itself, when it needs
		 * them, rather than being sent a copy. */
		if (n->present && !(n->prot & PROT_WRITE))
			memset(n->present, 0, (vma_pages(n) + 7) / 8);
		*tail = n;
		tail = &n->next;
	}
	/* The child's copy is TEE memory too: the budget covers every process. */
	if (mem_charge(charged_bytes(dst->vmas)) < 0) {
		vmas_free(dst->vmas);
		dst->vmas = NULL;
		return -ENOMEM;
	}
	return 0;
}

void mm_forget(struct mm *mm)
{
	mem_uncharge(charged_bytes(mm->vmas));
	vmas_free(mm->vmas);
	mm->vmas = NULL;
}

/* Appends [s, e) with prot to r (at most cap), merging with the last
 * region when they touch with one protection; false when r is full. */
static bool add_region(struct hal_region *r, size_t *k, size_t cap, uptr s, uptr e, int prot)
{
	if (*k && r[*k - 1].end == s && r[*k - 1].prot == prot) {
		r[*k - 1].end = e;
		return true;
	}
	if (*k == cap)
		return false;
	r[(*k)++] = (struct hal_region){s, e, prot};
	return true;
}

/* Adds v's pages: runs still on demand go as PROT_NONE. */
static bool add_vma_regions(const struct vma *v, struct hal_region *r, size_t *k, size_t cap)
{
	size_t pages = vma_pages(v);

	if (!v->present)
		return add_region(r, k, cap, v->start, v->end, v->prot);
	for (size_t i = 0; i < pages;) {
		bool in = page_present(v, i);
		size_t j = i;
		while (j < pages && page_present(v, j) == in)
			j++;
		if (!add_region(r, k, cap, v->start + i * PAGE_SIZE, v->start + j * PAGE_SIZE,
				in ? v->prot : PROT_NONE))
			return false;
		i = j;
	}
	return true;
}

int mm_regions(const struct mm *mm, struct hal_region **out, size_t *n)
{
	size_t cap = 0, k = 0;
	struct hal_region *r;

	for (const struct vma *v = mm->vmas; v; v = v->next)
		cap += v->present ? vma_pages(v) : 1;
	r = kmalloc(sizeof(*r) * (cap ? cap : 1));
	if (!r)
		return -ENOMEM;
	for (const struct vma *v = mm->vmas; v; v = v->next) {
		if (!add_vma_regions(v, r, &k, cap)) {
			kfree(r);
			return -ENOMEM;
		}
	}
	*out = r;
	*n = k;
	return 0;
}

/* ---- demand paging ---- */

#define FAULT_AROUND 2 /* pages filled per fault: one round trip on a satellite */

/* Reads pages [i, j) of v from its file into program memory. The map's
 * protection does not apply: the core is filling, not the program. */
static int fill_pages(struct vma *v, size_t i, size_t j)
{
	uptr at = v->start + i * PAGE_SIZE;
	size_t len = (j - i) * PAGE_SIZE;
	int64_t off = v->off + (int64_t)(i * PAGE_SIZE);
	int64_t avail = v->file_limit - off;
	size_t n = avail <= 0 ? 0 : (size_t)MIN((uint64_t)avail, (uint64_t)len);
	uint8_t *buf = NULL;
	int r = 0;

	if (n) {
		buf = kmalloc(n);
		if (!buf)
			return -ENOMEM;
		r = kernel_read(v->file, buf, n, off);
	}
	if (r == 0)
		r = hal_mem_protect(at, len, PROT_READ | PROT_WRITE);
	if (r == 0 && n)
		r = hal_copy_to_user((void *)at, buf, n);
	/* The pages past the file's end are the fresh zeros of the commit. */
	if (r == 0 && v->prot != (PROT_READ | PROT_WRITE))
		r = hal_mem_protect(at, len, v->prot);
	kfree(buf);
	if (r < 0)
		return -EFAULT;
	for (size_t k = i; k < j; k++)
		set_present(v, k);
	hot_note(v->file, off, len);
	return 0;
}

static int fill_range(struct vma *v, size_t i, size_t j);

/* Reads in at once the pages of a new mapping that earlier runs of its
 * file touched (hotpages.c). Failing here costs nothing: the fault would
 * have read them anyway. */
static void fill_hot(struct vma *v)
{
	size_t fpages, first = (size_t)v->off / PAGE_SIZE, n = vma_pages(v);
	const uint8_t *bits = v->off >= 0 ? hot_pages(v->file, &fpages) : NULL;

	for (size_t i = 0; bits && i < n;) {
		size_t p = first + i;
		if (p >= fpages || !((bits[p / 8] >> (p % 8)) & 1)) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && first + j < fpages && ((bits[(first + j) / 8] >> ((first + j) % 8)) & 1))
			j++;
		if (fill_range(v, i, j) < 0)
			return;
		i = j;
	}
}

/* Fills the absent pages among [i, j) of v, a run at a time. */
static int fill_range(struct vma *v, size_t i, size_t j)
{
	while (i < j) {
		while (i < j && page_present(v, i))
			i++;
		size_t e = i;
		while (e < j && !page_present(v, e))
			e++;
		if (e > i && fill_pages(v, i, e) < 0)
			return -EFAULT;
		i = e;
	}
	return 0;
}

int vm_map_lazy(struct mm *mm, uptr addr, size_t len, int prot, int flags, const char *name,
		struct file *f, int64_t off, int64_t file_limit)
{
	struct vma *v;
	int r = map_record(mm, addr, len, prot, PROT_NONE, flags, name, off, &v);

	if (r < 0)
		return r;
	v->present = kzalloc((vma_pages(v) + 7) / 8);
	if (!v->present) {
		vm_unmap(mm, addr, len);
		return -ENOMEM;
	}
	file_get(f);
	v->file = f;
	v->file_limit = file_limit;
	mm->has_lazy = true;
	fill_hot(v);
	return 0;
}

int vm_populate(struct mm *mm, uptr addr, size_t len)
{
	uptr end = addr + len;

	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (!v->present || v->end <= addr)
			continue;
		size_t i = (MAX(addr, v->start) - v->start) / PAGE_SIZE;
		size_t j = (ALIGN_UP(MIN(end, v->end), PAGE_SIZE) - v->start) / PAGE_SIZE;
		if (fill_range(v, i, j) < 0)
			return -EFAULT;
	}
	return 0;
}

void vm_forget_pages(struct vma *v, uptr s, uptr e)
{
	hal_mem_unmap(s, e - s);
	if (hal_mem_map(s, e - s, PROT_NONE) < 0)
		kpanic("cannot recommit memory the core just released");
	for (uptr a = s; a < e; a += PAGE_SIZE) {
		size_t i = (a - v->start) / PAGE_SIZE;
		v->present[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
}

int vm_fault_in(struct mm *mm, uptr addr)
{
	struct vma *v = mm->has_lazy ? vm_find(mm, addr) : NULL;
	size_t i, from, to;

	if (!v || !v->present)
		return 0;
	i = (addr - v->start) / PAGE_SIZE;
	if (page_present(v, i))
		return 2; /* filled by another thread since, or refused: see core_fault */
	from = ALIGN_DOWN(i, FAULT_AROUND);
	to = MIN(from + FAULT_AROUND, vma_pages(v));
	return fill_range(v, from, to) == 0 ? 1 : -EIO;
}

/* Fills the whole of v and makes it an ordinary mapping: for changes of
 * protection or place, which on-demand pages would complicate for little. */
static int make_present(struct vma *v)
{
	if (!v->present)
		return 0;
	if (fill_range(v, 0, vma_pages(v)) < 0)
		return -ENOMEM;
	kfree(v->present);
	v->present = NULL;
	return 0;
}

void vm_set_file(struct mm *mm, uptr addr, struct file *f)
{
	struct vma *v = vm_find(mm, addr);

	if (v && !v->file) {
		file_get(f);
		v->file = f;
	}
}

int vm_unmap(struct mm *mm, uptr addr, size_t len)
{
	uptr end = addr + len;
	struct vma **pp = &mm->vmas;

	if ((addr & (PAGE_SIZE - 1)) || len == 0 || end < addr)
		return -EINVAL;
	if (split_at(mm, addr) < 0 || split_at(mm, end) < 0)
		return -ENOMEM;
	filemap_writeback(mm, addr, len);
	while (*pp) {
		struct vma *v = *pp;
		if (v->start >= addr && v->end <= end) {
			hal_mem_unmap(v->start, v->end - v->start);
			if (v->prot != PROT_NONE)
				mem_uncharge(v->end - v->start);
			*pp = v->next;
			vma_free(v);
			continue;
		}
		pp = &v->next;
	}
	return 0;
}

/* Records and commits a mapping: prot is what the program may do, hal_prot
 * what the platform commits (PROT_NONE for pages on demand). */
static int map_record(struct mm *mm, uptr addr, size_t len, int prot, int hal_prot, int flags,
		      const char *name, int64_t off, struct vma **out)
{
	struct vma *n, **pp;
	int r;

	len = ALIGN_UP(len, PAGE_SIZE);
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr < mm->user_min ||
	    addr + len > mm->user_max || addr + len < addr)
		return -ENOMEM;
	if (vm_overlaps(mm, addr, len)) {
		r = vm_unmap(mm, addr, len);
		if (r < 0)
			return r;
	}
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	/* Only accessible memory counts against the TEE's budget: a PROT_NONE
	 * reservation (a thread stack's guard, a malloc arena) needs no pages
	 * until it is opened (as with SGX2's EAUG on demand). */
	uint64_t charge = prot == PROT_NONE ? 0 : len;
	if (mem_charge(charge) < 0) {
		kfree(n);
		return -ENOMEM;
	}
	r = hal_mem_map(addr, len, hal_prot);
	if (r < 0) {
		mem_uncharge(charge);
		kfree(n);
		return r;
	}
	n->start = addr;
	n->end = addr + len;
	n->prot = prot;
	n->flags = flags;
	n->off = off;
	n->name = name ? kstrdup(name) : NULL;
	for (pp = &mm->vmas; *pp && (*pp)->start < addr; pp = &(*pp)->next)
		;
	n->next = *pp;
	*pp = n;
	if (out)
		*out = n;
	return 0;
}

int vm_map_fixed(struct mm *mm, uptr addr, size_t len, int prot, int flags, const char *name,
		 int64_t off)
{
	return map_record(mm, addr, len, prot, prot, flags, name, off, NULL);
}

uptr vm_find_free(struct mm *mm, size_t len, uptr hint)
{
	uptr top = mm->mmap_top;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0)
		return 0; /* nothing asked for, or a length that wrapped when rounded */
	if (hint && hint >= mm->user_min && hint + len <= mm->user_max && hint + len > hint &&
	    !vm_overlaps(mm, ALIGN_DOWN(hint, PAGE_SIZE), len))
		return ALIGN_DOWN(hint, PAGE_SIZE);
	/* Top-down first fit: walk the gaps from high addresses downward. */
	for (;;) {
		if (top < mm->user_min || top - mm->user_min < len)
			return 0;
		uptr start = top - len;
		struct vma *clash = NULL;
		for (struct vma *v = mm->vmas; v && v->start < top; v = v->next) {
			if (v->end > start)
				clash = v; /* keep the highest clash */
		}
		if (!clash)
			return start;
		top = clash->start;
	}
}

int vm_protect(struct mm *mm, uptr addr, size_t len, int prot)
{
	uptr end = addr + ALIGN_UP(len, PAGE_SIZE);
	int r;

	if ((addr & (PAGE_SIZE - 1)) || end < addr)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (ALIGN_UP(len, PAGE_SIZE) < len)
		return -ENOMEM; /* wrapped when rounded to pages */
	if (!vm_accessible(mm, addr, end - addr, PROT_NONE))
		return -ENOMEM;
	if (split_at(mm, addr) < 0 || split_at(mm, end) < 0)
		return -ENOMEM;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->start >= addr && make_present(v) < 0)
			return -ENOMEM;
	}
	/* Opening reserved memory charges it; closing it gives it back. */
	uint64_t opened = 0, closed = 0;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->start < addr)
			continue;
		if (v->prot == PROT_NONE && prot != PROT_NONE)
			opened += v->end - v->start;
		else if (v->prot != PROT_NONE && prot == PROT_NONE)
			closed += v->end - v->start;
	}
	if (mem_charge(opened) < 0)
		return -ENOMEM;
	r = hal_mem_protect(addr, end - addr, prot);
	if (r < 0) {
		mem_uncharge(opened);
		return r;
	}
	mem_uncharge(closed);
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		if (v->start >= addr)
			v->prot = prot;
	}
	return 0;
}
