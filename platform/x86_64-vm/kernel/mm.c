/*
 * x86_64-vm: physical frames and the page tables.
 *
 * Frames (vm-common/kernel/frames.c, with their share counts) come from
 * the PVH memory map (RAM above 1 MiB that holds neither
 * the kernel nor the initrd) through a bump allocator plus a free list.
 * One address space for now: the boot PML4 with the identity map dropped.
 * Program pages are 4 KiB PTEs with U set; the core's heap lives in
 * PML4 slot 384, supervisor only. A page committed PROT_NONE keeps its frame
 * in a non-present PTE marked PTE_COMMITTED, so demand paging can turn it
 * on later (hal_mem_protect) without losing it.
 *
 * Program memory is demand-zero: hal_mem_map only writes PTEs marked
 * PTE_ZERO (no frame; the wanted protection kept in the PTE), and the
 * first touch, by the program or by a copy routine, takes a zeroed frame
 * (mm_fault). A glibc thread's 8 MiB stack so costs the pages it uses.
 * Fork shares frames copy-on-write: both PTEs lose W and gain PTE_COW, the
 * frame's share count goes up, and the first write copies it (or, once it
 * is no longer shared, just sets W again).
 */
#include <nto/kernel.h>
#include "x86.h"

#define PTE_P   0x1UL
#define PTE_W   0x2UL
#define PTE_U   0x4UL
#define PTE_PS  0x80UL
#define PTE_COMMITTED 0x200UL /* software bit: a frame is held here */
#define PTE_ZERO  0x400UL     /* software: no frame yet, zero at first touch */
#define PTE_COW   0x800UL     /* software: writable once it is no longer shared */
#define PTE_SOFTP (1UL << 52) /* software: a PTE_ZERO page is accessible once filled */
#define PTE_NX  (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

static uint64_t *pml4;         /* the boot address space's (kernel half shared by all) */
static uint64_t *cur_pml4;     /* the running thread's */
static uint64_t boot_pml4_pa, cur_pml4_pa;

/* An address space of a forked process: its own PML4, the kernel half
 * copied from the boot one (whose kernel entries never change after boot). */
struct hal_as {
	bool used;
	uint64_t pml4_pa;
};
static struct hal_as spaces[256];

static bool owned(uptr va, size_t len);

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static void flush_tlb(void)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(cur_pml4_pa) : "memory");
}

void pt_init(uint64_t ram_end)
{
	extern uint64_t boot_pml4[];

	(void)ram_end; /* RAM above 4 GiB: not used yet (main.c stops at 4 GiB) */
	uint64_t pa;

	boot_pml4_pa = cur_pml4_pa = (uint64_t)boot_pml4;
	pml4 = cur_pml4 = phys_to_virt(boot_pml4_pa);
	pml4[0] = 0; /* the identity map served only the jump to the higher half */
	/* the core heap's PDPT now, so every later PML4 shares it */
	pa = frame_alloc();
	if (!pa)
		vm_panic("no frame for the heap's page tables");
	pml4[(KHEAP_BASE >> 39) & 511] = pa | 0x3;
	__asm__ volatile("mov %0, %%cr3" ::"r"(boot_pml4_pa) : "memory");
}

/* The PTE of va, making the tables on the way if create. NULL if absent
 * (or out of frames). */
static uint64_t *pte_in(uint64_t *top, uint64_t va, bool create)
{
	uint64_t *t = top;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			uint64_t pa;
			if (!create || !(pa = frame_alloc()))
				return NULL;
			/* intermediate tables allow everything; the leaf decides */
			*e = pa | PTE_P | PTE_W | (va < DIRECT_MAP ? PTE_U : 0);
		}
		if (*e & PTE_PS)
			return NULL; /* a large page of the kernel's own maps */
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* The PTE of va in the running thread's address space. */
static uint64_t *pte_of(uint64_t va, bool create)
{
	return pte_in(va < DIRECT_MAP ? cur_pml4 : pml4, va, create);
}

void mm_switch(struct hal_as *as)
{
	uint64_t pa = as ? as->pml4_pa : boot_pml4_pa;

	if (pa == cur_pml4_pa)
		return;
	cur_pml4_pa = pa;
	cur_pml4 = phys_to_virt(pa);
	__asm__ volatile("mov %0, %%cr3" ::"r"(pa) : "memory");
}

/* Frees the program half of a PML4: leaf frames, then the tables. */
static void free_user_half(uint64_t *t, int level)
{
	for (int i = 0; i < (level == 4 ? 256 : 512); i++) {
		uint64_t e = t[i];
		if (level == 1) {
			if (e & PTE_COMMITTED)
				frame_free(e & PTE_ADDR);
		} else if (e & PTE_P) {
			free_user_half(phys_to_virt(e & PTE_ADDR), level - 1);
			frame_free(e & PTE_ADDR);
		}
		t[i] = 0;
	}
}

void hal_as_destroy(struct hal_as *as)
{
	if (!as || !as->used)
		return;
	if (cur_pml4_pa == as->pml4_pa)
		mm_switch(NULL); /* never run on tables being freed */
	free_user_half(phys_to_virt(as->pml4_pa), 4);
	frame_free(as->pml4_pa);
	as->used = false;
}

/* Carries the pages of [start, end) into the tables at top: frames are
 * shared copy-on-write, demand-zero PTEs are copied as they are. */
static int share_range(uint64_t *top, uptr start, uptr end)
{
	for (uptr p = start; p < end; p += PAGE_SIZE) {
		uint64_t *e = pte_in(cur_pml4, p, false), *d;
		if (!e || !(*e & (PTE_COMMITTED | PTE_ZERO)))
			continue;
		d = pte_in(top, p, true);
		if (!d)
			return -ENOMEM;
		if (*e & PTE_COMMITTED) {
			if (!frame_share(*e & PTE_ADDR))
				return -ENOMEM; /* 65535 sharers: no more forks of it */
			if (*e & PTE_W)
				*e = (*e & ~PTE_W) | PTE_COW;
		}
		*d = *e;
	}
	return 0;
}

int hal_as_fork(const struct hal_region *r, size_t n, struct hal_as **out)
{
	struct hal_as *as = NULL;
	uint64_t *top;

	for (size_t i = 0; i < ARRAY_SIZE(spaces) && !as; i++)
		if (!spaces[i].used)
			as = &spaces[i];
	if (!as || !(as->pml4_pa = frame_alloc()))
		return -EAGAIN;
	as->used = true;
	top = phys_to_virt(as->pml4_pa);
	memcpy(top + 256, pml4 + 256, 256 * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++) {
		if (!owned(r[i].start, r[i].end - r[i].start) || r[i].start >= DIRECT_MAP ||
		    share_range(top, r[i].start, r[i].end) < 0) {
			hal_as_destroy(as);
			flush_tlb();
			return -ENOMEM;
		}
	}
	flush_tlb(); /* the parent's pages lost W */
	*out = as;
	return 0;
}

static uint64_t leaf_flags(uint64_t va, int prot)
{
	uint64_t f = PTE_COMMITTED;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		f |= PTE_P;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC))
		f |= PTE_NX;
	if (va < DIRECT_MAP)
		f |= PTE_U;
	return f;
}

static bool owned(uptr va, size_t len)
{
	if ((va | len) & (PAGE_SIZE - 1) || va + len < va)
		return false;
	return (va >= USER_MIN && va + len <= USER_MAX) ||
	       (va >= KHEAP_BASE && va + len <= KHEAP_BASE + KHEAP_SIZE);
}


/* A demand-zero PTE for va that will have protection prot once filled. */
static uint64_t zero_pte(uint64_t va, int prot)
{
	uint64_t f = leaf_flags(va, prot);

	return (f & ~(PTE_COMMITTED | PTE_P)) | PTE_ZERO | (f & PTE_P ? PTE_SOFTP : 0);
}

/* The PTE of a committed frame pa at va with protection prot: a frame other
 * address spaces still map stays read-only until its first write. */
static uint64_t frame_pte(uint64_t va, uint64_t pa, int prot)
{
	uint64_t f = leaf_flags(va, prot);

	if ((f & PTE_W) && frame_shared(pa))
		f = (f & ~PTE_W) | PTE_COW;
	return pa | f;
}

/* TLB upkeep for a run of PTE changes: only a page that was present can be
 * cached; past FLUSH_ALL of them one CR3 reload is cheaper than invlpg
 * each (under TCG an invlpg costs about as much as a syscall). */
#define FLUSH_ALL 16
struct tlb_batch {
	uptr pages[FLUSH_ALL];
	int n;
	bool all;
};

static void tlb_note(struct tlb_batch *b, uptr va, uint64_t old)
{
	if (!(old & PTE_P) || b->all)
		return;
	if (b->n == FLUSH_ALL)
		b->all = true;
	else
		b->pages[b->n++] = va;
}

static void tlb_done(const struct tlb_batch *b)
{
	if (b->all)
		flush_tlb();
	else
		for (int i = 0; i < b->n; i++)
			invlpg(b->pages[i]);
}

/* Gives every committed page of [va, va+len) protection prot, or (release)
 * frees its frame and clears the PTE. */
static int set_committed(uptr va, size_t len, int prot, bool release)
{
	struct tlb_batch tlb = {.n = 0};

	if (!owned(va, len))
		return -EINVAL;
	for (uptr p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(p, false), pa, old;
		if (!e || !(*e & (PTE_COMMITTED | PTE_ZERO)))
			continue;
		old = *e;
		pa = old & PTE_ADDR;
		if (old & PTE_ZERO) {
			*e = release ? 0 : zero_pte(p, prot);
		} else if (release) {
			frame_free(pa);
			*e = 0;
		} else {
			*e = frame_pte(p, pa, prot);
		}
		tlb_note(&tlb, p, old);
	}
	tlb_done(&tlb);
	return 0;
}

int hal_mem_unmap(uptr va, size_t len)
{
	return set_committed(va, len, 0, true);
}

int hal_mem_protect(uptr va, size_t len, int prot)
{
	return set_committed(va, len, prot, false);
}

/* The core's heap is backed at once: the kernel must never fault on it. */
static int map_eager(uptr va, size_t len, int prot)
{
	for (uptr p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(p, true);
		uint64_t pa;
		if (e && (*e & PTE_COMMITTED)) {
			pa = *e & PTE_ADDR;
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
		} else if (!e || !(pa = frame_alloc())) {
			hal_mem_unmap(va, p - va);
			return -ENOMEM;
		}
		*e = pa | leaf_flags(p, prot);
		invlpg(p);
	}
	return 0;
}

int hal_mem_map(uptr va, size_t len, int prot)
{
	struct tlb_batch tlb = {.n = 0};

	if (!owned(va, len))
		return -EINVAL;
	if (va >= DIRECT_MAP)
		return map_eager(va, len, prot);
	for (uptr p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(p, true), old;
		if (!e) {
			tlb_done(&tlb);
			hal_mem_unmap(va, p - va);
			return -ENOMEM;
		}
		old = *e;
		if (old & PTE_COMMITTED)
			frame_free(old & PTE_ADDR);
		*e = zero_pte(p, prot);
		tlb_note(&tlb, p, old);
	}
	tlb_done(&tlb);
	return 0;
}

int mm_fault(uint64_t va, bool write)
{
	uint64_t *e, pa, n;

	if (va < USER_MIN || va >= USER_MAX || !(e = pte_in(cur_pml4, va, false)))
		return 0;
	if ((*e & PTE_ZERO) && (*e & PTE_SOFTP)) {
		if (!(pa = frame_alloc()))
			return -ENOMEM;
		*e = pa | (*e & ~(PTE_ADDR | PTE_ZERO | PTE_SOFTP)) | PTE_P | PTE_COMMITTED;
	} else if (write && (*e & PTE_P) && (*e & PTE_COW)) {
		pa = *e & PTE_ADDR;
		if (frame_shared(pa)) {
			if (!(n = frame_alloc()))
				return -ENOMEM;
			memcpy(phys_to_virt(n), phys_to_virt(pa), PAGE_SIZE);
			frame_free(pa); /* one share fewer */
			pa = n;
		}
		*e = pa | (*e & ~(PTE_ADDR | PTE_COW)) | PTE_W;
	} else {
		return 0;
	}
	invlpg(va);
	return 1;
}
