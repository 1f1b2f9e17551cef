/* Pipes: a ring buffer shared by a read end and a write end. */
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/vfs.h>

#define PIPE_BUF_SIZE (64 * 1024)
#define PIPE_ATOMIC   4096

struct pipe {
	uint8_t *buf;
	size_t head, len; /* read position and bytes buffered */
	int readers, writers;
};

static bool readable(void *arg)
{
	struct pipe *p = arg;

	return p->len > 0 || p->writers == 0;
}

static bool writable(void *arg)
{
	struct pipe *p = arg;

	return p->len < PIPE_BUF_SIZE || p->readers == 0;
}

static ssize_t pipe_read(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	int r;

	(void)pos;
	if (n == 0)
		return 0;
	if (!readable(p)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = sched_wait(readable, p, -1);
		if (r < 0)
			return r == -EINTR ? -ERESTARTSYS : r;
	}
	while (done < n && p->len > 0) {
		size_t chunk = MIN(MIN(n - done, p->len), PIPE_BUF_SIZE - p->head);
		if (io_put(io, done, p->buf + p->head, chunk) < 0)
			return done ? (ssize_t)done : -EFAULT;
		p->head = (p->head + chunk) % PIPE_BUF_SIZE;
		p->len -= chunk;
		done += chunk;
	}
	sched_wake_all(); /* a writer may wait for room */
	return (ssize_t)done;
}

/* Raises SIGPIPE for the writer (defined with the signal code). */
void signal_raise_self(int signo);

static ssize_t pipe_write(struct file *f, const struct iobuf *io, size_t n, int64_t *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	(void)pos;
	while (done < n) {
		if (p->readers == 0) {
			signal_raise_self(SIGPIPE);
			return done ? (ssize_t)done : -EPIPE;
		}
		size_t space = PIPE_BUF_SIZE - p->len;
		/* Writes up to PIPE_BUF are atomic: wait for room for all of it. */
		if (space == 0 || (n - done <= PIPE_ATOMIC && space < n - done)) {
			if (done)
				return (ssize_t)done;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			int r = sched_wait(writable, p, -1);
			if (r < 0)
				return r == -EINTR ? -ERESTARTSYS : r;
			continue;
		}
		size_t tail = (p->head + p->len) % PIPE_BUF_SIZE;
		size_t chunk = MIN(MIN(n - done, space), PIPE_BUF_SIZE - tail);
		if (io_get(io, done, p->buf + tail, chunk) < 0)
			return done ? (ssize_t)done : -EFAULT;
		p->len += chunk;
		done += chunk;
		sched_wake_all(); /* a reader may wait for data */
	}
	return (ssize_t)done;
}

static int pipe_stat(struct file *f, struct kstat *st)
{
	kstat_fill(st, 6, (uint64_t)(uptr)f->priv >> 4, S_IFIFO | 0600, 0, 1, 0, 0, 0);
	return 0;
}

static int pipe_ioctl(struct file *f, unsigned int cmd, uptr arg)
{
	struct pipe *p = f->priv;
	int32_t n = (int32_t)p->len;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user((void *)arg, &n, sizeof(n));
}

static int pipe_poll(struct file *f, int events)
{
	struct pipe *p = f->priv;
	int rev = 0;

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (p->len)
			rev |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			rev |= POLLHUP;
	} else {
		if (p->readers == 0)
			rev |= POLLERR;
		if (PIPE_BUF_SIZE - p->len >= PIPE_ATOMIC)
			rev |= POLLOUT | POLLWRNORM;
	}
	return rev & (events | POLLHUP | POLLERR);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	sched_wake_all(); /* EOF or EPIPE for whoever waits on the other end */
	if (p->readers == 0 && p->writers == 0) {
		kfree(p->buf);
		kfree(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr, uint32_t flags)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENFILE;
	p->buf = kmalloc(PIPE_BUF_SIZE);
	*rd = file_alloc(&pipe_ops, p, O_RDONLY | (flags & O_NONBLOCK));
	*wr = file_alloc(&pipe_ops, p, O_WRONLY | (flags & O_NONBLOCK));
	if (!p->buf || !*rd || !*wr) {
		kfree(*rd);
		kfree(*wr);
		kfree(p->buf);
		kfree(p);
		return -ENFILE;
	}
	p->readers = p->writers = 1;
	(*rd)->path = kstrdup("pipe:");
	(*wr)->path = kstrdup("pipe:");
	return 0;
}
