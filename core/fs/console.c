/* The console: stdin, stdout and stderr are the host's, reached by host calls. */
#include <nto/hostcall_core.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/sched.h>
#include <nto/vfs.h>

static int handle_of(struct file *f)
{
	return (int)(uptr)f->priv;
}

static ssize_t con_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	uint8_t buf[4096];
	size_t got = 0;
	int64_t a[4] = {handle_of(f), -1, (int64_t)MIN(n, sizeof(buf)), 0};
	/* Reading the console may wait for a person: let other threads run. */
	core_unlock();
	int64_t r = hc_call(HC_READ, a, NULL, 0, buf, sizeof(buf), &got);
	core_lock();

	(void)pos;
	if (r < 0)
		return r;
	/* The host says how much it read twice; both must agree and fit. */
	if ((uint64_t)r != got || got > (size_t)a[2])
		return -EIO;
	if (io_put(io, 0, buf, got) < 0)
		return -EFAULT;
	return (ssize_t)got;
}

static ssize_t con_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	uint8_t buf[4096];
	size_t done = 0;

	(void)pos;
	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(buf));
		int64_t a[4] = {handle_of(f), -1, 0, 0};
		if (io_get(io, done, buf, chunk) < 0)
			return done ? (ssize_t)done : -EFAULT;
		int64_t r = hc_call(HC_WRITE, a, buf, chunk, NULL, 0, NULL);
		if (r < 0)
			return done ? (ssize_t)done : r;
		if ((uint64_t)r > chunk)
			return -EIO;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (ssize_t)done;
}

static int con_stat(struct file *f, struct kstat *st)
{
	struct hc_stat hs;
	size_t got = 0;
	int64_t a[4] = {handle_of(f), 0, 0, 0};
	int64_t r = hc_call(HC_FSTAT, a, NULL, 0, &hs, sizeof(hs), &got);

	/* Whatever the host's stdio is, it shows as a character device or pipe. */
	uint32_t mode = S_IFCHR | 0620;
	if (r == 0 && got == sizeof(hs) && (S_ISFIFO(hs.mode) || S_ISREG(hs.mode)))
		mode = S_IFIFO | 0600;
	kstat_fill(st, 5, 10 + (uint64_t)handle_of(f), mode, 0, 1, 0, 0, 0);
	return 0;
}

static int con_ioctl(struct file *f, unsigned int cmd, uptr arg)
{
	uint8_t buf[64];
	size_t got = 0;
	int64_t a[4] = {handle_of(f), 0, 0, 0};
	size_t want;
	int64_t r;

	switch (cmd) {
	case TCGETS:
		a[1] = HC_TTY_TCGETS;
		want = sizeof(struct ktermios);
		break;
	case TIOCGWINSZ:
		a[1] = HC_TTY_WINSZ;
		want = sizeof(struct winsize);
		break;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TIOCSWINSZ:
	case TIOCSPGRP:
		/* Accepted only on a real terminal, as the host tells us. */
		a[1] = HC_TTY_TCGETS;
		r = hc_call(HC_TTY, a, NULL, 0, buf, sizeof(buf), &got);
		return r < 0 ? (int)r : 0;
	case TIOCGPGRP: {
		a[1] = HC_TTY_TCGETS;
		r = hc_call(HC_TTY, a, NULL, 0, buf, sizeof(buf), &got);
		if (r < 0)
			return (int)r;
		int32_t pg = 1;
		return copy_to_user((void *)arg, &pg, sizeof(pg));
	}
	default:
		return -ENOTTY;
	}
	r = hc_call(HC_TTY, a, NULL, 0, buf, sizeof(buf), &got);
	if (r < 0)
		return (int)r;
	if (got != want)
		return -EIO;
	return copy_to_user((void *)arg, buf, want);
}

static int con_poll(struct file *f, int events)
{
	int64_t a[4] = {handle_of(f), events, 0, 0};
	int64_t r;

	if (handle_of(f) != HC_STDIN)
		return events & (POLLOUT | POLLWRNORM);
	r = hc_call(HC_POLL, a, NULL, 0, NULL, 0, NULL);
	if (r < 0)
		return POLLERR;
	return (int)(r & (events | POLLHUP | POLLERR));
}

static const struct file_ops console_ops = {
	.read = con_read,
	.write = con_write,
	.stat = con_stat,
	.ioctl = con_ioctl,
	.poll = con_poll,
};

struct file *console_open(int handle, uint32_t flags)
{
	struct file *f = file_alloc(&console_ops, (void *)(uptr)handle, flags);

	if (f)
		f->path = kstrdup(handle == 0 ? "/dev/stdin" : handle == 1 ? "/dev/stdout" : "/dev/stderr");
	return f;
}
