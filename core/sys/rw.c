/* read, write and their vectored and positioned forms. */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

#define MAX_RW (0x7ffff000UL) /* Linux caps one transfer at this */

static struct file *rw_file(int fd)
{
	return fd_get(fd);
}

static long do_read(struct file *f, void __user *buf, size_t n, int64_t *pos)
{
	struct iobuf io = {buf, true, false};

	n = MIN(n, MAX_RW);
	if (!vm_accessible(current->proc->mm, (uptr)buf, n, PROT_WRITE))
		return -EFAULT;
	filemap_before_read(f);
	return file_read(f, &io, n, pos);
}

static long do_write(struct file *f, const void __user *buf, size_t n, int64_t *pos)
{
	struct iobuf io = {(uint8_t *)buf, true, false};

	n = MIN(n, MAX_RW);
	int64_t start = *pos;
	long r;

	if (!vm_accessible(current->proc->mm, (uptr)buf, n, PROT_READ))
		return -EFAULT;
	r = file_write(f, &io, n, pos);
	if (r > 0)
		filemap_after_write(f, (f->flags & O_APPEND) ? *pos - r : start, (size_t)r);
	return r;
}

long sys_read(int fd, void __user *buf, size_t n)
{
	struct file *f = rw_file(fd);

	if (!f)
		return -EBADF;
	return do_read(f, buf, n, &f->pos);
}

long sys_write(int fd, const void __user *buf, size_t n)
{
	struct file *f = rw_file(fd);

	if (!f)
		return -EBADF;
	return do_write(f, buf, n, &f->pos);
}

static long positioned(int fd, int64_t off, struct file **out)
{
	struct file *f = rw_file(fd);

	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	*out = f;
	return 0;
}

long sys_pread64(int fd, void __user *buf, size_t n, int64_t off)
{
	struct file *f;
	long r = positioned(fd, off, &f);

	return r < 0 ? r : do_read(f, buf, n, &off);
}

long sys_pwrite64(int fd, const void __user *buf, size_t n, int64_t off)
{
	struct file *f;
	long r = positioned(fd, off, &f);

	return r < 0 ? r : do_write(f, buf, n, &off);
}

/* Runs read or write over each iovec until one comes back short. */
static long vectored(struct file *f, const struct iovec __user *uiov, int cnt, int64_t *pos,
		     bool wr)
{
	struct iovec iov;
	long total = 0;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < cnt; i++) {
		if (copy_from_user(&iov, (const void *)((uptr)uiov + (uptr)i * sizeof(iov)), sizeof(iov)) < 0)
			return total ? total : -EFAULT;
		if ((int64_t)iov.iov_len < 0)
			return total ? total : -EINVAL;
		if (iov.iov_len == 0)
			continue;
		long r = wr ? do_write(f, iov.iov_base, iov.iov_len, pos)
			    : do_read(f, iov.iov_base, iov.iov_len, pos);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov.iov_len)
			break;
	}
	return total;
}

long sys_readv(int fd, const struct iovec __user *iov, int cnt)
{
	struct file *f = rw_file(fd);

	if (!f)
		return -EBADF;
	return vectored(f, iov, cnt, &f->pos, false);
}

long sys_writev(int fd, const struct iovec __user *iov, int cnt)
{
	struct file *f = rw_file(fd);

	if (!f)
		return -EBADF;
	return vectored(f, iov, cnt, &f->pos, true);
}

long sys_preadv(int fd, const struct iovec __user *iov, int cnt, int64_t off)
{
	struct file *f;
	long r = positioned(fd, off, &f);

	return r < 0 ? r : vectored(f, iov, cnt, &off, false);
}

long sys_pwritev(int fd, const struct iovec __user *iov, int cnt, int64_t off)
{
	struct file *f;
	long r = positioned(fd, off, &f);

	return r < 0 ? r : vectored(f, iov, cnt, &off, true);
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = rw_file(fd);
	struct kstat st;
	int64_t base;

	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	/* Character devices accept any seek and stay at 0, as on Linux. */
	if (f->ops->stat && f->ops->stat(f, &st) == 0 && S_ISCHR(st.st_mode)) {
		if (whence < SEEK_SET || whence > SEEK_HOLE)
			return -EINVAL;
		f->pos = 0;
		return 0;
	}
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!f->ops->stat || f->ops->stat(f, &st) < 0)
			return -EINVAL;
		base = st.st_size;
		if (whence == SEEK_DATA || whence == SEEK_HOLE) {
			if (off < 0 || off >= base)
				return -ENXIO;
			f->pos = whence == SEEK_DATA ? off : base;
			return f->pos;
		}
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

long sys_sendfile(int out, int in, int64_t __user *uoff, size_t n)
{
	struct file *fo = rw_file(out), *fi = rw_file(in);
	uint8_t *buf;
	int64_t off, *pos;
	long total = 0;

	if (!fo || !fi)
		return -EBADF;
	if (uoff) {
		if (copy_from_user(&off, uoff, sizeof(off)) < 0)
			return -EFAULT;
		if (off < 0)
			return -EINVAL;
		pos = &off;
	} else {
		pos = &fi->pos;
	}
	buf = kmalloc(65536);
	if (!buf)
		return -ENOMEM;
	while ((size_t)total < n) {
		struct iobuf io = {buf, false, false};
		ssize_t r = file_read(fi, &io, MIN(n - (size_t)total, (size_t)65536), pos);
		if (r <= 0) {
			total = total ? total : r;
			break;
		}
		ssize_t w = file_write(fo, &io, (size_t)r, &fo->pos);
		if (w < 0) {
			total = total ? total : w;
			break;
		}
		total += w;
		if (w < r)
			break;
	}
	kfree(buf);
	if (uoff && copy_to_user(uoff, &off, sizeof(off)) < 0)
		return -EFAULT;
	return total;
}
