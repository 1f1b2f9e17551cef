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

/* A copy of v's record, with its own name and file reference. */
static struct vma *vma_clone(const struct vma *v)
{
	struct vma *n = kmalloc(sizeof(*n));

	if (!n)
		return NULL;
	*n = *v;
	n->name = v->name ? kstrdup(v->name) : NULL;
	if (n->file)
		file_get(n->file);
	return n;
}

/* Splits the vma containing addr so that a vma starts exactly at addr. */
static int split_at(struct mm *mm, uptr addr)
{
	struct vma *v = vm_find(mm, addr), *n;

	if (!v || v->start == addr)
		return 0;
	n = vma_clone(v);
	if (!n)
		return -ENOMEM;
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

int mm_regions(const struct mm *mm, struct hal_region **out, size_t *n)
{
	size_t cap = 0, k = 0;
	struct hal_region *r;

	for (const struct vma *v = mm->vmas; v; v = v->next)
		cap++;
	r = kmalloc(sizeof(*r) * (cap ? cap : 1));
	if (!r)
		return -ENOMEM;
	/* Neighbours with one protection travel as one region. */
	for (const struct vma *v = mm->vmas; v; v = v->next) {
		if (k && r[k - 1].end == v->start && r[k - 1].prot == v->prot)
			r[k - 1].end = v->end;
		else
			r[k++] = (struct hal_region){v->start, v->end, v->prot};
	}
	*out = r;
	*n = k;
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

int vm_map_fixed(struct mm *mm, uptr addr, size_t len, int prot, int flags, const char *name,
		 int64_t off)
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
	r = hal_mem_map(addr, len, prot);
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
	return 0;
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
