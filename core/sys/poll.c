/*
 * poll and select. With one thread only the host (stdin) or time can change
 * readiness while we wait, so waiting is a loop of checks and short sleeps.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/sys.h>

#define NSEC      1000000000LL
#define POLL_TICK 1000000LL /* 1 ms between checks */
#define MAX_POLL  4096

static int fd_ready(int fd, int events)
{
	struct file *f = fd_get(fd);

	if (!f)
		return POLLNVAL;
	if (!f->ops->poll)
		return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	return f->ops->poll(f, events | POLLERR | POLLHUP);
}

static int scan_pollfds(struct pollfd *p, unsigned int n)
{
	int ready = 0;

	for (unsigned int i = 0; i < n; i++) {
		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		p[i].revents = (int16_t)fd_ready(p[i].fd, p[i].events);
		if (p[i].revents)
			ready++;
	}
	return ready;
}

/* Deadline in monotonic ns from a timeout in ns; -1 = forever. */
static int64_t deadline_of(int64_t timeout_ns)
{
	int64_t now = ktime_mono();

	if (timeout_ns < 0)
		return -1;
	return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns; /* the host's clock may be huge */
}

static bool expired(int64_t deadline)
{
	return deadline >= 0 && ktime_mono() >= deadline;
}

static long do_poll(struct pollfd __user *ufds, unsigned int n, int64_t timeout_ns)
{
	struct pollfd *p;
	int64_t deadline = deadline_of(timeout_ns);
	long r;

	if (n > MAX_POLL)
		return -EINVAL;
	p = kmalloc(sizeof(*p) * (n ? n : 1));
	if (!p)
		return -ENOMEM;
	r = copy_from_user(p, ufds, sizeof(*p) * n);
	while (r == 0) {
		r = scan_pollfds(p, n);
		if (r || expired(deadline) || timeout_ns == 0)
			break;
		if (sched_pause(POLL_TICK) < 0) {
			r = -ERESTARTNOHAND; /* EINTR once a handler runs */
			break;
		}
	}
	if (r >= 0 && copy_to_user(ufds, p, sizeof(*p) * n) < 0)
		r = -EFAULT;
	kfree(p);
	return r;
}

long sys_poll(struct pollfd __user *fds, unsigned int n, int timeout)
{
	return do_poll(fds, n, timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

static int ts_timeout(const struct timespec __user *uts, int64_t *ns)
{
	struct timespec ts;

	if (!uts) {
		*ns = -1;
		return 0;
	}
	if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		return -EINVAL;
	*ns = ts.tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX / 2 : ts.tv_sec * NSEC + ts.tv_nsec;
	return 0;
}

long sys_ppoll(struct pollfd __user *fds, unsigned int n, const struct timespec __user *uts,
	       const ksigset_t __user *mask, size_t size)
{
	int64_t ns;
	int r = ts_timeout(uts, &ns);

	ksigset_t m;

	if (r < 0)
		return r;
	if (mask) {
		if (size != sizeof(ksigset_t))
			return -EINVAL;
		if (copy_from_user(&m, mask, sizeof(m)) < 0)
			return -EFAULT;
		/* The mask holds while we wait and until a handler has run. */
		signal_mask_until_delivery(m);
	}
	return do_poll(fds, n, ns);
}

struct fdsets {
	uint64_t in[FD_SETSIZE / 64], out[FD_SETSIZE / 64], ex[FD_SETSIZE / 64];
};

static bool bit(const uint64_t *s, int fd)
{
	return s[fd / 64] & (1ULL << (fd % 64));
}

static int scan_sets(int n, const struct fdsets *want, struct fdsets *got)
{
	int ready = 0;

	memset(got, 0, sizeof(*got));
	for (int fd = 0; fd < n; fd++) {
		int ev = (bit(want->in, fd) ? POLLIN : 0) | (bit(want->out, fd) ? POLLOUT : 0) |
			 (bit(want->ex, fd) ? POLLPRI : 0);
		if (!ev)
			continue;
		int rev = fd_ready(fd, ev);
		if (rev & POLLNVAL)
			return -EBADF;
		if ((rev & (POLLIN | POLLHUP | POLLERR)) && bit(want->in, fd))
			got->in[fd / 64] |= 1ULL << (fd % 64), ready++;
		if ((rev & (POLLOUT | POLLERR)) && bit(want->out, fd))
			got->out[fd / 64] |= 1ULL << (fd % 64), ready++;
		if ((rev & POLLPRI) && bit(want->ex, fd))
			got->ex[fd / 64] |= 1ULL << (fd % 64), ready++;
	}
	return ready;
}

static long do_select(int n, void __user *ur, void __user *uw, void __user *ue, int64_t timeout_ns,
		      int64_t *left)
{
	struct fdsets want = {0}, got;
	size_t bytes = ALIGN_UP((size_t)n, 64) / 8;
	int64_t deadline = deadline_of(timeout_ns);
	long r;

	if (n < 0 || n > FD_SETSIZE)
		return -EINVAL;
	if ((ur && copy_from_user(want.in, ur, bytes) < 0) ||
	    (uw && copy_from_user(want.out, uw, bytes) < 0) ||
	    (ue && copy_from_user(want.ex, ue, bytes) < 0))
		return -EFAULT;
	for (;;) {
		r = scan_sets(n, &want, &got);
		if (r || expired(deadline) || timeout_ns == 0)
			break;
		if (sched_pause(POLL_TICK) < 0) {
			r = -ERESTARTNOHAND; /* EINTR once a handler runs */
			break;
		}
	}
	if (r < 0)
		return r;
	if (left && deadline >= 0)
		*left = MAX(0, deadline - ktime_mono());
	if ((ur && copy_to_user(ur, got.in, bytes) < 0) || (uw && copy_to_user(uw, got.out, bytes) < 0) ||
	    (ue && copy_to_user(ue, got.ex, bytes) < 0))
		return -EFAULT;
	return r;
}

long sys_select(int n, void __user *r, void __user *w, void __user *e, struct timeval __user *utv)
{
	struct timeval tv;
	int64_t ns = -1;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		ns = tv.tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX / 2 : tv.tv_sec * NSEC + tv.tv_usec * 1000;
	}
	int64_t left = 0;
	long ret = do_select(n, r, w, e, ns, &left);
	if (utv && ret >= 0) {
		/* Linux reports the time not slept, as programs may rely on. */
		tv.tv_sec = left / NSEC;
		tv.tv_usec = (left % NSEC) / 1000;
		if (copy_to_user(utv, &tv, sizeof(tv)) < 0)
			return -EFAULT;
	}
	return ret;
}

long sys_pselect6(int n, void __user *r, void __user *w, void __user *e,
		  const struct timespec __user *uts, void __user *sig)
{
	struct {
		uint64_t set;
		uint64_t size;
	} s6;
	int64_t ns;
	int rc = ts_timeout(uts, &ns);

	if (rc < 0)
		return rc;
	if (sig) {
		if (copy_from_user(&s6, sig, sizeof(s6)) < 0)
			return -EFAULT;
		if (s6.set && s6.size != sizeof(ksigset_t))
			return -EINVAL;
	}
	if (sig && s6.set) {
		ksigset_t m;
		if (copy_from_user(&m, (void *)s6.set, sizeof(m)) < 0)
			return -EFAULT;
		signal_mask_until_delivery(m);
	}
	int64_t left = 0;
	long ret = do_select(n, r, w, e, ns, &left);
	if (uts && ns >= 0 && ret >= 0) {
		/* As select: Linux writes back the time not slept (libcs hide
		 * it; a raw call, as on ISAs without select, sees it). */
		struct timespec ts = {left / NSEC, left % NSEC};
		if (copy_to_user((void __user *)uts, &ts, sizeof(ts)) < 0)
			return -EFAULT;
	}
	return ret;
}
