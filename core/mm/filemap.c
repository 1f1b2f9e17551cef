/*
 * MAP_SHARED file mappings without shared pages. A TEE page cannot be
 * mapped twice on every platform (SGX forbids aliasing enclave pages), so a
 * shared mapping is a private copy kept coherent with the file: mapped
 * changes are written back before anyone reads the file, at msync, munmap
 * and exit, and plain writes to the file are copied into the mappings.
 * Within one process this is exactly Linux's behaviour for the program.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>

static bool is_shared_file(const struct vma *v)
{
	return v->file && (v->flags & MAP_TYPE) != MAP_PRIVATE;
}

static bool any_shared(struct mm *mm)
{
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (is_shared_file(v))
			return true;
	}
	return false;
}

/* Two open files name the same file when their (dev, ino) match. */
static bool same_file(struct file *a, struct file *b)
{
	struct kstat x, y;

	if (a == b || a->priv == b->priv)
		return true;
	if (!a->ops->stat || !b->ops->stat || a->ops->stat(a, &x) < 0 || b->ops->stat(b, &y) < 0)
		return false;
	return x.st_ino == y.st_ino && x.st_dev == y.st_dev && a->ops == b->ops;
}

/* Runs fn with [s, e) readable and writable by the core, then restores. */
static void with_access(const struct vma *v, uptr s, uptr e, void (*fn)(const struct vma *, uptr, uptr, void *),
			void *arg)
{
	bool fix = (v->prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE);

	if (fix)
		hal_mem_protect(s, e - s, PROT_READ | PROT_WRITE);
	fn(v, s, e, arg);
	if (fix)
		hal_mem_protect(s, e - s, v->prot);
}

static void write_back(const struct vma *v, uptr s, uptr e, void *arg)
{
	struct kstat st;
	int64_t off = v->off + (int64_t)(s - v->start);

	(void)arg;
	if (v->file->ops->stat(v->file, &st) < 0 || off >= st.st_size)
		return;
	/* A mapping never extends the file: only bytes inside it go back. */
	size_t n = (size_t)MIN((int64_t)(e - s), st.st_size - off);
	struct iobuf io = {(uint8_t *)s, false, true};
	v->file->ops->write(v->file, &io, n, &off);
}

void filemap_writeback(struct mm *mm, uptr addr, size_t len)
{
	for (struct vma *v = mm->vmas; v && v->start < addr + len; v = v->next) {
		uptr s = MAX(v->start, addr), e = MIN(v->end, addr + len);
		if (e > s && is_shared_file(v) && v->file->ops->write)
			with_access(v, s, e, write_back, NULL);
	}
}

void filemap_before_read(struct file *f)
{
	struct mm *mm = current->proc->mm;

	if (!any_shared(mm))
		return;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (is_shared_file(v) && same_file(v->file, f))
			filemap_writeback(mm, v->start, v->end - v->start);
	}
}

struct range {
	int64_t off;
	size_t n;
};

static void refresh(const struct vma *v, uptr s, uptr e, void *arg)
{
	const struct range *r = arg;
	int64_t moff = v->off + (int64_t)(s - v->start);
	int64_t from = MAX(moff, r->off), to = MIN(moff + (int64_t)(e - s), r->off + (int64_t)r->n);
	struct iobuf io;

	if (to <= from)
		return;
	io.p = (uint8_t *)(s + (uptr)(from - moff));
	io.user = false;
	io.mapped = true;
	v->file->ops->read(v->file, &io, (size_t)(to - from), &from);
}

void filemap_after_write(struct file *f, int64_t off, size_t n)
{
	struct mm *mm = current->proc->mm;
	struct range r = {off, n};

	if (!any_shared(mm) || n == 0)
		return;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (is_shared_file(v) && same_file(v->file, f))
			with_access(v, v->start, v->end, refresh, &r);
	}
}

int filemap_fill(struct file *f, uptr addr, size_t len, int64_t off)
{
	struct kstat st;
	size_t done = 0;

	if (f->ops->stat(f, &st) < 0)
		return -EACCES;
	while (done < len && off + (int64_t)done < st.st_size) {
		struct iobuf io = {(uint8_t *)(addr + done), true, false};
		int64_t pos = off + (int64_t)done;
		ssize_t r = f->ops->read(f, &io, len - done, &pos);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return 0;
}
