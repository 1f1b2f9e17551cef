/*
 * riscv64-vm: Sv39 page tables and address spaces.
 *
 * The boot root table (entry.S) maps the kernel image and the direct map
 * with 1 GiB leaves; pt_init drops its identity slot and makes the
 * second-level table of the core's heap, so every later root shares the
 * kernel half by copying slots 256..511. Program pages are 4 KiB leaves
 * with U set. A page committed PROT_NONE keeps its frame in an invalid PTE
 * marked PTE_COMMITTED (a bit the privileged spec leaves to software), so
 * demand paging can turn it on later (hal_mem_protect) without losing it.
 * RISC-V has no write-only pages: PROT_WRITE maps readable too, as Linux
 * does.
 *
 * Program memory is demand-zero: hal_mem_map writes invalid PTEs marked
 * PTE_ZERO that keep the wanted permission bits but hold no frame; the
 * first touch, by the program or by the kernel's copy routines, takes a
 * zeroed frame (mm_fill_zero). A glibc thread's 8 MiB stack so costs the
 * pages it uses, not 2048 zeroed frames.
 *
 * Fork shares frames copy-on-write: both PTEs lose W and are marked
 * PTE_COW (both RSW bits: a held frame and a zero page at once mean
 * nothing else), the frame's share count goes up (frames.c), and the first
 * write (mm_cow_fault) copies it, or, once it is no longer shared, just
 * gives W back if the permissions have it. The mark stays on a
 * copy-on-write page whatever hal_mem_protect makes of it.
 */
#include <nto/kernel.h>
#include "rv.h"

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_U 0x10UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL
#define PTE_COMMITTED 0x100UL /* RSW: a frame is held here */
#define PTE_ZERO 0x200UL      /* RSW: no frame yet, a zeroed one at first touch */
#define PTE_COW (PTE_COMMITTED | PTE_ZERO) /* RSW: shared, copy at the first write */
/* G, which program PTEs do not otherwise use: a copy-on-write page wants W.
 * Harmless as a global hint: every satp switch flushes the whole TLB. */
#define PTE_WANT_W 0x20UL
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define PTE_PPN_SHIFT 10

static uint64_t *boot_root, *cur_root;
static uint64_t boot_root_pa, cur_root_pa;

/* An address space of a forked process: its own root, the kernel half
 * copied from the boot one (whose kernel slots never change after boot). */
struct hal_as {
	bool used;
	uint64_t root_pa;
};
static struct hal_as spaces[256]; /* as many as threads (vm-common/kernel/sched.c) */

static uint64_t pte_pa(uint64_t e)
{
	return (e >> PTE_PPN_SHIFT) << 12;
}

static uint64_t pte_make(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << PTE_PPN_SHIFT | flags;
}

static bool is_cow(uint64_t e)
{
	return (e & PTE_COW) == PTE_COW;
}

/* A program leaf with flags f made copy-on-write: no W, the wish for it
 * kept in PTE_WANT_W. */
static uint64_t cow_flags(uint64_t f)
{
	return (f & ~(PTE_W | PTE_WANT_W)) | PTE_COW | ((f & PTE_W) ? PTE_WANT_W : 0);
}

static void load_satp(uint64_t root_pa)
{
	csr_write(satp, SATP_SV39 | (root_pa >> 12));
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static void flush_page(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

void pt_init(void)
{
	extern const uint64_t boot_pt_pa;
	uint64_t pa = frame_alloc();

	boot_root_pa = cur_root_pa = boot_pt_pa;
	boot_root = cur_root = phys_to_virt(boot_root_pa);
	boot_root[RAM_BASE >> 30] = 0; /* the identity map served only the jump up */
	if (!pa)
		vm_panic("no frame for the heap's page table");
	boot_root[(KHEAP_BASE >> 30) & 511] = pte_make(pa, PTE_V);
	load_satp(boot_root_pa);
}

/* The PTE of va in the tables at root, making the tables on the way if
 * create. NULL if absent (or out of frames, or inside a large leaf). */
static uint64_t *pte_in(uint64_t *root, uint64_t va, bool create)
{
	uint64_t *t = root;

	for (int shift = 30; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_V)) {
			uint64_t pa;
			if (!create || !(pa = frame_alloc()))
				return NULL;
			*e = pte_make(pa, PTE_V); /* a pointer to the next level */
		}
		if (*e & PTE_LEAF)
			return NULL; /* a gigapage of the kernel's own maps */
		t = phys_to_virt(pte_pa(*e));
	}
	return &t[(va >> 12) & 511];
}

/* The PTE of va in the running thread's address space. */
static uint64_t *pte_of(uint64_t va, bool create)
{
	return pte_in(va < USER_MAX ? cur_root : boot_root, va, create);
}

void mm_switch(struct hal_as *as)
{
	uint64_t pa = as ? as->root_pa : boot_root_pa;

	if (pa == cur_root_pa)
		return;
	cur_root_pa = pa;
	cur_root = phys_to_virt(pa);
	load_satp(pa);
}

/* Frees the program half of a table: leaf frames, then the tables. */
static void free_user_half(uint64_t *t, int level)
{
	for (int i = 0; i < (level == 3 ? 256 : 512); i++) {
		uint64_t e = t[i];
		if (level == 1) {
			if (e & PTE_COMMITTED)
				frame_free(pte_pa(e));
		} else if (e & PTE_V) {
			free_user_half(phys_to_virt(pte_pa(e)), level - 1);
			frame_free(pte_pa(e));
		}
		t[i] = 0;
	}
}

void hal_as_destroy(struct hal_as *as)
{
	if (!as || !as->used)
		return;
	if (cur_root_pa == as->root_pa)
		mm_switch(NULL); /* never run on tables being freed */
	free_user_half(phys_to_virt(as->root_pa), 3);
	frame_free(as->root_pa);
	as->used = false;
}

static bool owned(uptr va, size_t len)
{
	if ((va | len) & (PAGE_SIZE - 1) || va + len < va)
		return false;
	return (va >= USER_MIN && va + len <= USER_MAX) ||
	       (va >= KHEAP_BASE && va + len <= KHEAP_BASE + KHEAP_SIZE);
}

/* Copies the committed pages of [start, end) into the tables at root. */
static int copy_range(uint64_t *root, uptr start, uptr end)
{
	for (uptr p = start; p < end; p += PAGE_SIZE) {
		uint64_t *e = pte_in(cur_root, p, false), *d, pa;
		if (e && (*e & PTE_COW) == PTE_ZERO) {
			if (!(d = pte_in(root, p, true)))
				return -ENOMEM;
			*d = *e; /* still untouched: zero in the child too */
			continue;
		}
		if (!e || !(*e & PTE_COMMITTED))
			continue;
		if (!(d = pte_in(root, p, true)))
			return -ENOMEM;
		pa = pte_pa(*e);
		if (frame_share(pa)) {
			if (!is_cow(*e))
				*e = pte_make(pa, cow_flags(*e & ((1UL << PTE_PPN_SHIFT) - 1)));
			*d = *e;
			continue;
		}
		/* too many owners to count: a copy of its own */
		uint64_t copy = frame_alloc();
		if (!copy)
			return -ENOMEM;
		memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
		*d = pte_make(copy, *e & ((1UL << PTE_PPN_SHIFT) - 1));
	}
	return 0;
}

int hal_as_fork(const struct hal_region *r, size_t n, struct hal_as **out)
{
	struct hal_as *as = NULL;
	uint64_t *root;

	for (size_t i = 0; i < ARRAY_SIZE(spaces) && !as; i++)
		if (!spaces[i].used)
			as = &spaces[i];
	if (!as || !(as->root_pa = frame_alloc()))
		return -EAGAIN;
	as->used = true;
	root = phys_to_virt(as->root_pa);
	memcpy(root + 256, boot_root + 256, 256 * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++) {
		if (!owned(r[i].start, r[i].end - r[i].start) || r[i].end > USER_MAX ||
		    copy_range(root, r[i].start, r[i].end) < 0) {
			hal_as_destroy(as);
			return -ENOMEM;
		}
	}
	__asm__ volatile("sfence.vma zero, zero" ::: "memory"); /* the parent's W went */
	*out = as;
	return 0;
}

static uint64_t leaf_flags(uint64_t va, int prot)
{
	uint64_t f = PTE_COMMITTED | PTE_A | PTE_D;

	if (prot & (PROT_READ | PROT_WRITE))
		f |= PTE_R;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (prot & PROT_EXEC)
		f |= PTE_X;
	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		f |= PTE_V;
	if (va < USER_MAX)
		f |= PTE_U;
	return f;
}

/* An untouched page of the program: invalid, no frame, the permissions it
 * will get. The core's heap is never demand-zero (the kernel runs on it). */
static uint64_t zero_pte(uint64_t va, int prot)
{
	return (leaf_flags(va, prot) & ~(PTE_V | PTE_COMMITTED)) | PTE_ZERO;
}

bool mm_fill_zero(uint64_t va)
{
	uint64_t *e = va < USER_MAX ? pte_in(cur_root, va, false) : NULL, pa;

	if (!e || (*e & PTE_COW) != PTE_ZERO || !(*e & PTE_LEAF) || !(pa = frame_alloc()))
		return false;
	*e = pte_make(pa, (*e & ((1UL << PTE_PPN_SHIFT) - 1) & ~PTE_ZERO) | PTE_V | PTE_COMMITTED);
	flush_page(va);
	return true;
}

bool mm_cow_fault(uint64_t va)
{
	uint64_t *e = va < USER_MAX ? pte_in(cur_root, va, false) : NULL, pa, f, copy;

	if (!e || !is_cow(*e) || !(*e & PTE_V) || !(*e & PTE_WANT_W))
		return false;
	pa = pte_pa(*e);
	f = (*e & ((1UL << PTE_PPN_SHIFT) - 1) & ~(PTE_COW | PTE_WANT_W)) | PTE_COMMITTED | PTE_W;
	if (frame_shared(pa)) {
		if (!(copy = frame_alloc()))
			return false;
		memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
		frame_free(pa); /* one share fewer */
		pa = copy;
	}
	*e = pte_make(pa, f);
	flush_page(va);
	return true;
}

/* The kernel's address (through the direct map) of program page va for a
 * read or a write, serving demand-zero and copy-on-write as the MMU's
 * fault would; NULL where the program itself could not make that access. */
static uint8_t *user_page(uint64_t va, bool write)
{
	for (int tries = 0; tries < 2; tries++) {
		uint64_t *e = va < USER_MAX ? pte_in(cur_root, va, false) : NULL;
		if (!e)
			return NULL;
		if ((*e & (PTE_V | PTE_U)) == (PTE_V | PTE_U) && (*e & (write ? PTE_W : PTE_R)))
			return phys_to_virt(pte_pa(*e));
		if (!mm_fill_zero(va) && !(write && mm_cow_fault(va)))
			return NULL;
	}
	return NULL;
}

int mm_copy_user(void *kbuf, uint64_t uva, size_t n, bool to_user)
{
	uint8_t *k = kbuf;

	while (n) {
		size_t off = uva & (PAGE_SIZE - 1), len = MIN(n, PAGE_SIZE - off);
		uint8_t *p = user_page(uva - off, to_user);
		if (!p)
			return -EFAULT;
		if (to_user)
			memcpy(p + off, k, len);
		else
			memcpy(k, p + off, len);
		k += len;
		uva += len;
		n -= len;
	}
	return 0;
}

/* Gives every committed page of [va, va+len) protection prot, or (release)
 * frees its frame and clears the PTE. */
static int set_committed(uptr va, size_t len, int prot, bool release)
{
	if (!owned(va, len))
		return -EINVAL;
	for (uptr p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(p, false);
		if (e && (*e & PTE_COW) == PTE_ZERO) {
			*e = release ? 0 : zero_pte(p, prot);
			continue; /* never valid: nothing in the TLB */
		}
		if (!e || !(*e & PTE_COMMITTED))
			continue;
		if (release)
			frame_free(pte_pa(*e));
		uint64_t f = leaf_flags(p, prot);
		*e = release ? 0 : pte_make(pte_pa(*e), is_cow(*e) ? cow_flags(f) : f);
		flush_page(p);
	}
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

int hal_mem_map(uptr va, size_t len, int prot)
{
	if (!owned(va, len))
		return -EINVAL;
	for (uptr p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = pte_of(p, true);
		uint64_t pa;
		if (e && is_cow(*e)) {
			frame_free(pte_pa(*e)); /* the other owners keep it */
			*e = zero_pte(p, prot);
			flush_page(p);
			continue;
		} else if (e && (*e & PTE_COMMITTED)) {
			pa = pte_pa(*e);
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
		} else if (e && p < USER_MAX) {
			*e = zero_pte(p, prot); /* a frame at first touch */
			continue;
		} else if (!e || !(pa = frame_alloc())) {
			hal_mem_unmap(va, p - va);
			return -ENOMEM;
		}
		*e = pte_make(pa, leaf_flags(p, prot));
		flush_page(p);
	}
	return 0;
}
