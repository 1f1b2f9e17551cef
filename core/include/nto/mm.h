/* The program's address space, kept by the core (the platform only backs it). */
#ifndef NTO_MM_H
#define NTO_MM_H

#include <nto/abi.h>
#include <nto/vfs.h>

struct hal_region;

struct vma {
	uptr start, end;
	int prot;
	int flags; /* MAP_* that matter later: MAP_SHARED, MAP_ANONYMOUS, MAP_STACK */
	struct vma *next;
	char *name; /* file path, "[stack]", "[heap]" or NULL */
	int64_t off;
	struct file *file; /* the mapped file (a reference), or NULL */
	/* Demand paging: a private file mapping whose pages are read from
	 * file at first touch. One bit per page, set once the page is there;
	 * NULL means every page is there. */
	uint8_t *present;
	int64_t file_limit; /* the file offset where its bytes end: zeros after */
};

struct mm {
	struct vma *vmas; /* sorted, non-overlapping */
	uptr user_min, user_max;
	uptr mmap_top; /* below the stack: where top-down placement starts */
	uptr brk_start, brk;
	uptr stack_top;
	struct hal_as *as; /* the platform's address space (NULL: the boot one) */
	bool has_lazy;     /* some vma pages on demand: copies must fill first */
};

/* Sets up an empty address space over [min, max). */
int mm_init(struct mm *mm, uptr min, uptr max);

/* Maps [addr, addr+len) (MAP_FIXED semantics: replaces what is there),
 * committing zeroed memory. name may be NULL. */
int vm_map_fixed(struct mm *mm, uptr addr, size_t len, int prot, int flags, const char *name,
		 int64_t off);

/* Maps [addr, addr+len) like vm_map_fixed, but its pages are filled from
 * file f (at offset off for addr; zeros from file offset file_limit on)
 * only when first touched: by the program (a fault) or by the core's own
 * copies. Takes a reference on f. */
int vm_map_lazy(struct mm *mm, uptr addr, size_t len, int prot, int flags, const char *name,
		struct file *f, int64_t off, int64_t file_limit);

/* Records that the file's bytes [off, off+len) were read into a program
 * (core/mm/hotpages.c): the next exec of that file reads them at once. */
void hot_note(struct file *f, int64_t off, size_t len);

/* The file's recorded pages: a bit per page (*pages of them), or NULL. */
const uint8_t *hot_pages(struct file *f, size_t *pages);

/* Fills every page of [addr, addr+len) that is still to be read from its
 * file. 0, or -EFAULT when the file cannot give it. */
int vm_populate(struct mm *mm, uptr addr, size_t len);

/* Makes [s, e) of on-demand mapping v read from its file again (madvise
 * DONTNEED: the program's changes are dropped). */
void vm_forget_pages(struct vma *v, uptr s, uptr e);

/* A fault at addr: fills the page (and its neighbours) if it was only
 * waiting to be read from its file. 1 when the access should retry, 0 when
 * the fault is the program's, -EIO when the page could not be read (the
 * program gets SIGBUS, as Linux gives for a file page it cannot read), 2
 * when the page is there now but may not have been when the access
 * faulted (another thread filled it meanwhile). */
int vm_fault_in(struct mm *mm, uptr addr);

/* Makes dst a copy of src's map records for a forked child: names, file
 * references, brk and stack fields; as is left NULL. Touches no memory;
 * charges the copy against the TEE's budget (-ENOMEM past it). */
int mm_dup(struct mm *dst, const struct mm *src);

/* Drops the records of a map without a platform call (a fork that failed,
 * or an address space hal_as_destroy frees whole): file references and
 * budget. */
void mm_forget(struct mm *mm);

/* The mapped ranges of mm as hal_as_fork wants them (a kmalloc'd array):
 * pages still to be read from a file go as PROT_NONE, so that the child
 * reads them from the file too instead of receiving copies. Give it the
 * child's map (mm_dup forgets clean file pages in the child). */
int mm_regions(const struct mm *mm, struct hal_region **out, size_t *n);

/* Finds a free range of len bytes, top-down below mm->mmap_top. 0 if none. */
uptr vm_find_free(struct mm *mm, size_t len, uptr hint);

/* True if [addr, addr+len) overlaps any mapping. */
bool vm_overlaps(struct mm *mm, uptr addr, size_t len);

int vm_unmap(struct mm *mm, uptr addr, size_t len);
int vm_protect(struct mm *mm, uptr addr, size_t len, int prot);

/* Returns the mapping containing addr, or NULL. */
struct vma *vm_find(struct mm *mm, uptr addr);

/* True if every byte of [addr, addr+len) is mapped with at least prot. */
bool vm_accessible(struct mm *mm, uptr addr, size_t len, int prot);

/* Attaches file f (taking a reference) to the mapping that starts at addr. */
void vm_set_file(struct mm *mm, uptr addr, struct file *f);

/* Writes MAP_SHARED file mappings in [addr, addr+len) back to their files. */
void filemap_writeback(struct mm *mm, uptr addr, size_t len);

/* Keeps MAP_SHARED mappings and the file coherent around plain reads and
 * writes: mapped changes reach the file before a read, and written bytes
 * reach the mappings after a write. */
void filemap_before_read(struct file *f);
void filemap_after_write(struct file *f, int64_t off, size_t n);

/* Reads a file's bytes from off into fresh program memory [addr, addr+len). */
int filemap_fill(struct file *f, uptr addr, size_t len, int64_t off);

/* Checked copies between core and program memory: -EFAULT on any bad byte. */
int copy_from_user(void *dst, const void __user *src, size_t n);
int copy_to_user(void __user *dst, const void *src, size_t n);

/* Copies a NUL-terminated string of at most cap-1 bytes from the program.
 * -EFAULT for a bad pointer, -ENAMETOOLONG if longer. Returns the length. */
int strncpy_from_user(char *dst, const char __user *src, size_t cap);

#endif
