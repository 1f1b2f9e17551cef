/* Checked copies across the core/program boundary: every program pointer
 * passes through here, and is checked against the core's own map first. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>

/* Checks [p, p+n) against the map and fills pages still on demand. */
static int user_range(uptr p, size_t n, int prot)
{
	struct mm *mm = current->proc->mm;

	if (!vm_accessible(mm, p, n, prot))
		return -EFAULT;
	if (mm->has_lazy && n && vm_populate(mm, p, n) < 0)
		return -EFAULT;
	return 0;
}

int copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (user_range((uptr)src, n, PROT_READ) < 0)
		return -EFAULT;
	return hal_copy_from_user(dst, src, n);
}

int copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (user_range((uptr)dst, n, PROT_WRITE) < 0)
		return -EFAULT;
	return hal_copy_to_user(dst, src, n);
}

int strncpy_from_user(char *dst, const char __user *src, size_t cap)
{
	uptr p = (uptr)src;

	/* Copy page by page so a string ending just before an unmapped page works. */
	for (size_t got = 0; got < cap;) {
		size_t chunk = MIN(cap - got, PAGE_SIZE - ((p + got) & (PAGE_SIZE - 1)));
		if (copy_from_user(dst + got, (const void *)(p + got), chunk) < 0)
			return -EFAULT;
		size_t z = strnlen(dst + got, chunk);
		if (z < chunk)
			return (int)(got + z);
		got += chunk;
	}
	return -ENAMETOOLONG;
}

int io_put(const struct iobuf *io, size_t off, const void *src, size_t n)
{
	if (io->user)
		return copy_to_user((void *)((uptr)io->p + off), src, n); /* an address, maybe NULL */
	if (io->mapped)
		return hal_copy_to_user((void *)((uptr)io->p + off), src, n);
	memcpy(io->p + off, src, n);
	return 0;
}

int io_get(const struct iobuf *io, size_t off, void *dst, size_t n)
{
	if (io->user)
		return copy_from_user(dst, (const void *)((uptr)io->p + off), n);
	if (io->mapped)
		return hal_copy_from_user(dst, (const void *)((uptr)io->p + off), n);
	memcpy(dst, io->p + off, n);
	return 0;
}
