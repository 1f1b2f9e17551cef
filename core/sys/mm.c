/* Memory system calls over the core's map (nto/mm.h). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

#define BRK_MAX (1UL << 30)

static struct mm *mm_cur(void)
{
	return current->proc->mm;
}

long sys_brk(uptr addr)
{
	struct mm *mm = mm_cur();
	uptr old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);

	if (addr < mm->brk_start || addr > mm->brk_start + BRK_MAX)
		return (long)mm->brk;
	if (new_end > old_end) {
		if (vm_overlaps(mm, old_end, new_end - old_end))
			return (long)mm->brk;
		if (vm_map_fixed(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, "[heap]", 0) < 0)
			return (long)mm->brk;
	} else if (new_end < old_end) {
		vm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = addr;
	return (long)addr;
}

static long check_file_map(struct file *f, int prot, int flags)
{
	struct kstat st;

	if (!f->ops->read || !f->ops->seekable || !f->ops->stat)
		return -ENODEV;
	if (f->ops->stat(f, &st) < 0 || S_ISDIR(st.st_mode))
		return -ENODEV;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) &&
	    (f->flags & O_ACCMODE) != O_RDWR)
		return -EACCES;
	return 0;
}

long sys_mmap(uptr addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	struct mm *mm = mm_cur();
	struct file *f = NULL;
	int type = flags & MAP_TYPE;
	long r;

	if (len == 0 || (off & (PAGE_SIZE - 1)) || off < 0)
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC; /* the platform takes only these */
	if (len > mm->user_max - mm->user_min)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		r = check_file_map(f, prot, flags);
		if (r < 0)
			return r;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr < mm->user_min || addr + len > mm->user_max || addr + len < addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && vm_overlaps(mm, addr, len))
			return -EEXIST;
	} else {
		addr = vm_find_free(mm, len, addr);
		if (!addr)
			return -ENOMEM;
	}
	r = vm_map_fixed(mm, addr, len, f ? PROT_READ | PROT_WRITE : prot,
			 (flags & ~MAP_FIXED) | (f ? 0 : MAP_ANONYMOUS), f ? f->path : NULL, off);
	if (r < 0)
		return r;
	if (f) {
		filemap_before_read(f);
		r = filemap_fill(f, addr, len, off);
		vm_set_file(mm, addr, f);
		if (r == 0)
			r = vm_protect(mm, addr, len, prot);
		if (r < 0) {
			vm_unmap(mm, addr, len);
			return r;
		}
	}
	return (long)addr;
}

long sys_munmap(uptr addr, size_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0)
		return -EINVAL;
	return vm_unmap(mm_cur(), addr, ALIGN_UP(len, PAGE_SIZE));
}

long sys_mprotect(uptr addr, size_t len, int prot)
{
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	return vm_protect(mm_cur(), addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

/* Moves [old, old+oldlen) to a new place of newlen bytes, copying contents. */
static long remap_move(struct mm *mm, struct vma *v, uptr old, size_t oldlen, size_t newlen,
		       uptr dst)
{
	int prot = v->prot, flags = v->flags;
	long r;

	if (!dst)
		dst = vm_find_free(mm, newlen, 0);
	if (!dst)
		return -ENOMEM;
	r = vm_map_fixed(mm, dst, newlen, PROT_READ | PROT_WRITE, flags, v->name, v->off);
	if (r < 0)
		return r;
	/* Both ranges are the program's, checked above: copy through the core. */
	if (!(prot & PROT_READ))
		vm_protect(mm, old, oldlen, prot | PROT_READ);
	uint8_t *buf = kmalloc(65536);
	if (!buf) {
		vm_unmap(mm, dst, newlen);
		return -ENOMEM;
	}
	for (size_t done = 0; done < MIN(oldlen, newlen); done += 65536) {
		size_t n = MIN((size_t)65536, MIN(oldlen, newlen) - done);
		copy_from_user(buf, (void *)(old + done), n);
		copy_to_user((void *)(dst + done), buf, n);
	}
	kfree(buf);
	vm_unmap(mm, old, oldlen);
	vm_protect(mm, dst, newlen, prot);
	return (long)dst;
}

long sys_mremap(uptr old, size_t oldlen, size_t newlen, int flags, uptr newaddr)
{
	struct mm *mm = mm_cur();
	struct vma *v;

	if ((old & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (newlen == 0 || (flags & MREMAP_DONTUNMAP))
		return -EINVAL;
	oldlen = ALIGN_UP(oldlen, PAGE_SIZE);
	newlen = ALIGN_UP(newlen, PAGE_SIZE);
	if (newlen == 0)
		return -EINVAL; /* wrapped when rounded up, as Linux's PAGE_ALIGN check */
	v = vm_find(mm, old);
	if (!v || (oldlen && old + oldlen > v->end))
		return -EFAULT;
	if (oldlen == 0)
		return -EINVAL; /* duplicating shared mappings is not supported */
	if (flags & MREMAP_FIXED) {
		if ((newaddr & (PAGE_SIZE - 1)) || (newaddr < old + oldlen && newaddr + newlen > old))
			return -EINVAL;
		vm_unmap(mm, newaddr, newlen);
		v = vm_find(mm, old); /* the unmap may have split or freed the old v */
		return remap_move(mm, v, old, oldlen, newlen, newaddr);
	}
	if (newlen <= oldlen) {
		if (newlen < oldlen)
			vm_unmap(mm, old + newlen, oldlen - newlen);
		return (long)old;
	}
	if (old + newlen <= mm->mmap_top && !vm_overlaps(mm, old + oldlen, newlen - oldlen)) {
		long r = vm_map_fixed(mm, old + oldlen, newlen - oldlen, v->prot, v->flags, v->name,
				      v->off + (int64_t)oldlen);
		return r < 0 ? r : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	return remap_move(mm, v, old, oldlen, newlen, 0);
}

long sys_madvise(uptr addr, size_t len, int advice)
{
	struct mm *mm = mm_cur();

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		/* Private pages read back as zeroes (anonymous) or as the file's
		 * bytes afterwards: hand the pages back and take fresh ones. */
		for (struct vma *v = mm->vmas; v && v->start < addr + len; v = v->next) {
			uptr s = MAX(v->start, addr), e = MIN(v->end, addr + len);
			if (e <= s || (v->flags & MAP_TYPE) != MAP_PRIVATE)
				continue;
			if (v->present) {
				vm_forget_pages(v, s, e);
				continue;
			}
			hal_mem_unmap(s, e - s);
			if (hal_mem_map(s, e - s, v->file ? PROT_READ | PROT_WRITE : v->prot) < 0)
				kpanic("cannot recommit memory the core just released");
			if (v->file) {
				filemap_fill(v->file, s, e - s, v->off + (int64_t)(s - v->start));
				hal_mem_protect(s, e - s, v->prot);
			}
		}
		return vm_accessible(mm, addr, len, PROT_NONE) ? 0 : -ENOMEM;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return vm_accessible(mm, addr, len, PROT_NONE) ? 0 : -ENOMEM;
	default:
		return -EINVAL;
	}
}

long sys_msync(uptr addr, size_t len, int flags)
{
	len = ALIGN_UP(len, PAGE_SIZE);
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~7) || ((flags & 1) && (flags & 4)))
		return -EINVAL;
	if (!vm_accessible(mm_cur(), addr, len, PROT_NONE))
		return -ENOMEM;
	filemap_writeback(mm_cur(), addr, len);
	return 0;
}
