/* Clocks and sleeping. Time is the host's (SGX has no trusted clock). */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/sys.h>

#define NSEC 1000000000LL

static int clock_ns(int clk, int64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_real();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		/* CPU time is approximated by the time since start: one thread, always running. */
		*ns = ktime_mono();
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clk, struct timespec __user *uts)
{
	struct timespec ts;
	int64_t ns;
	int r = clock_ns(clk, &ns);

	if (r < 0)
		return r;
	ts.tv_sec = ns / NSEC;
	ts.tv_nsec = ns % NSEC;
	return copy_to_user(uts, &ts, sizeof(ts));
}

long sys_clock_getres(int clk, struct timespec __user *uts)
{
	struct timespec ts = {0, 1};
	int64_t ns;
	int r = clock_ns(clk, &ns);

	if (r < 0)
		return r;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = 4000000;
	return uts ? copy_to_user(uts, &ts, sizeof(ts)) : 0;
}

long sys_clock_settime(int clk, const struct timespec __user *uts)
{
	struct timespec ts;
	int64_t ns;

	if (clock_ns(clk, &ns) < 0 || clk != CLOCK_REALTIME)
		return -EINVAL;
	if (copy_from_user(&ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		return -EINVAL;
	return -EPERM; /* the host's clock is not the TEE's to set */
}

long sys_gettimeofday(struct timeval __user *utv, struct timezone __user *utz)
{
	int64_t ns = ktime_real();

	if (utv) {
		struct timeval tv = {ns / NSEC, (ns % NSEC) / 1000};
		if (copy_to_user(utv, &tv, sizeof(tv)) < 0)
			return -EFAULT;
	}
	if (utz) {
		struct timezone tz = {0, 0};
		if (copy_to_user(utz, &tz, sizeof(tz)) < 0)
			return -EFAULT;
	}
	return 0;
}

long sys_time(int64_t __user *ut)
{
	int64_t t = ktime_real() / NSEC;

	if (ut && copy_to_user(ut, &t, sizeof(t)) < 0)
		return -EFAULT;
	return t;
}

/* Sleeps until the clock reaches deadline (ns). The host's clock paces it. */
static void sleep_until(int clk, int64_t deadline)
{
	int64_t now = 0;

	for (;;) {
		clock_ns(clk, &now);
		if (now >= deadline)
			return;
		hal_sleep_ns(deadline - now);
	}
}

static int read_ts(const struct timespec __user *u, struct timespec *ts)
{
	if (copy_from_user(ts, u, sizeof(*ts)) < 0)
		return -EFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC)
		return -EINVAL;
	return 0;
}

long sys_clock_nanosleep(int clk, int flags, const struct timespec __user *ureq,
			 struct timespec __user *urem)
{
	struct timespec ts;
	int64_t now, deadline;
	int r;

	(void)urem; /* never interrupted with one thread */
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	r = read_ts(ureq, &ts);
	if (r < 0)
		return r;
	r = clock_ns(clk, &now);
	if (r < 0)
		return r;
	deadline = ts.tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX : ts.tv_sec * NSEC + ts.tv_nsec;
	if (!(flags & TIMER_ABSTIME))
		deadline = deadline > INT64_MAX - now ? INT64_MAX : now + deadline;
	sleep_until(clk, deadline);
	return 0;
}

long sys_nanosleep(const struct timespec __user *req, struct timespec __user *rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}
