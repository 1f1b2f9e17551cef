/*
 * Timers. Each armed timer has a deadline on the monotonic clock; the
 * earliest is handed to the platform (hal_timer_arm), which makes some
 * thread enter the core when it passes. Whoever takes the core lock then
 * fires what is due (timers_check) by raising the timer's signal.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/signal.h>
#include <nto/sys.h>
#include <nto/timer.h>

#define NSEC        1000000000LL
#define MAX_TIMERS  32
#define ITIMER_REAL 0
#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SIGEV_THREAD_ID 4

struct ktimer {
	bool used;
	int clock;
	int signo;
	bool notify; /* SIGEV_SIGNAL (else SIGEV_NONE) */
	int64_t deadline; /* monotonic ns; 0 = disarmed */
	int64_t interval;
	int overrun;
};

/* Slot 0 is ITIMER_REAL (alarm, setitimer); POSIX timers use 1.. */
static struct ktimer timers[MAX_TIMERS + 1];
static int64_t next_deadline; /* earliest armed deadline, 0 if none */

static void rearm_platform(void)
{
	int64_t next = 0;

	for (int i = 0; i <= MAX_TIMERS; i++) {
		if (timers[i].used && timers[i].deadline && (!next || timers[i].deadline < next))
			next = timers[i].deadline;
	}
	next_deadline = next;
	hal_timer_arm(next);
}

bool timers_armed(void)
{
	return next_deadline != 0;
}

void timers_check(void)
{
	int64_t now;

	if (!next_deadline)
		return;
	now = ktime_mono();
	if (now < next_deadline)
		return;
	for (int i = 0; i <= MAX_TIMERS; i++) {
		struct ktimer *t = &timers[i];
		if (!t->used || !t->deadline || t->deadline > now)
			continue;
		if (t->notify)
			signal_send(NULL, t->signo);
		if (t->interval) {
			int64_t missed = (now - t->deadline) / t->interval;
			t->overrun = (int)MIN(missed, (int64_t)INT32_MAX);
			t->deadline += (missed + 1) * t->interval;
		} else {
			t->deadline = 0;
		}
	}
	rearm_platform();
}

static int64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX / 2 : ts->tv_sec * NSEC + ts->tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	return (struct timespec){ns / NSEC, ns % NSEC};
}

static bool ts_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC;
}

/* Time left on a timer, in ns (0 when disarmed). */
static int64_t left_of(const struct ktimer *t)
{
	if (!t->deadline)
		return 0;
	return MAX((int64_t)1, t->deadline - ktime_mono());
}

/* Arms t to fire after value ns (0 disarms), then every interval ns. */
static void arm(struct ktimer *t, int64_t value, int64_t interval)
{
	int64_t now = ktime_mono();

	t->deadline = value ? (value > INT64_MAX - now ? INT64_MAX : now + value) : 0;
	t->interval = interval;
	t->overrun = 0;
	rearm_platform();
}

struct itimerval_k {
	struct timeval interval, value;
};

static int64_t tv_ns(const struct timeval *tv)
{
	return tv->tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX / 2
						 : tv->tv_sec * NSEC + tv->tv_usec * 1000;
}

static struct timeval ns_tv(int64_t ns)
{
	/* Round up so a running timer never reads as 0. */
	int64_t us = (ns + 999) / 1000;
	return (struct timeval){us / 1000000, us % 1000000};
}

static void real_timer_init(void)
{
	timers[0].used = true;
	timers[0].notify = true;
	timers[0].signo = SIGALRM;
	timers[0].clock = CLOCK_REALTIME;
}

long sys_getitimer(int which, void __user *ucur)
{
	struct itimerval_k v;

	if (which < 0 || which > 2)
		return -EINVAL;
	if (which != ITIMER_REAL)
		return -EINVAL; /* virtual and profiling time are not kept */
	real_timer_init();
	v.interval = ns_tv(timers[0].interval);
	v.value = ns_tv(left_of(&timers[0]));
	if (!timers[0].deadline)
		v.value = (struct timeval){0, 0};
	return copy_to_user(ucur, &v, sizeof(v));
}

long sys_setitimer(int which, const void __user *unew, void __user *uold)
{
	struct itimerval_k v, old;

	if (which < 0 || which > 2)
		return -EINVAL;
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew && copy_from_user(&v, unew, sizeof(v)) < 0)
		return -EFAULT;
	if (unew && (v.value.tv_usec < 0 || v.value.tv_usec >= 1000000 || v.interval.tv_usec < 0 ||
		     v.interval.tv_usec >= 1000000 || v.value.tv_sec < 0 || v.interval.tv_sec < 0))
		return -EINVAL;
	if (uold) {
		real_timer_init();
		old.interval = ns_tv(timers[0].interval);
		old.value = timers[0].deadline ? ns_tv(left_of(&timers[0])) : (struct timeval){0, 0};
		if (copy_to_user(uold, &old, sizeof(old)) < 0)
			return -EFAULT;
	}
	if (unew) {
		real_timer_init();
		arm(&timers[0], tv_ns(&v.value), v.value.tv_sec || v.value.tv_usec ? tv_ns(&v.interval) : 0);
	}
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	int64_t left;

	real_timer_init();
	left = timers[0].deadline ? left_of(&timers[0]) : 0;
	arm(&timers[0], (int64_t)seconds * NSEC, 0);
	/* alarm() reports whole seconds left, rounded to nearest, at least 1. */
	return left ? MAX((int64_t)1, (left + NSEC / 2) / NSEC) : 0;
}

struct ksigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

long sys_timer_create(int clock, const void __user *usev, int __user *uid)
{
	struct ksigevent ev = {.signo = SIGALRM, .notify = SIGEV_SIGNAL};
	int id;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (usev && copy_from_user(&ev, usev, sizeof(ev)) < 0)
		return -EFAULT;
	if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE)
		return ev.notify == SIGEV_THREAD_ID ? -EINVAL : -EINVAL;
	if (ev.notify == SIGEV_SIGNAL && (ev.signo < 1 || ev.signo > NSIG))
		return -EINVAL;
	for (id = 1; id <= MAX_TIMERS && timers[id].used; id++)
		;
	if (id > MAX_TIMERS)
		return -EAGAIN;
	int kid = id - 1; /* Linux numbers a process's timers from 0 */
	if (copy_to_user(uid, &kid, sizeof(kid)) < 0)
		return -EFAULT;
	timers[id] = (struct ktimer){true, clock, ev.signo, ev.notify == SIGEV_SIGNAL, 0, 0, 0};
	return 0;
}

static struct ktimer *timer_of(int kid)
{
	if (kid < 0 || kid >= MAX_TIMERS || !timers[kid + 1].used)
		return NULL;
	return &timers[kid + 1];
}

struct itimerspec_k {
	struct timespec interval, value;
};

long sys_timer_gettime(int kid, void __user *ucur)
{
	struct ktimer *t = timer_of(kid);
	struct itimerspec_k v;

	if (!t)
		return -EINVAL;
	v.interval = ns_ts(t->interval);
	v.value = ns_ts(left_of(t));
	return copy_to_user(ucur, &v, sizeof(v));
}

long sys_timer_settime(int kid, int flags, const void __user *unew, void __user *uold)
{
	struct ktimer *t = timer_of(kid);
	struct itimerspec_k v;
	int64_t value;

	if (!t)
		return -EINVAL;
	if (copy_from_user(&v, unew, sizeof(v)) < 0)
		return -EFAULT;
	if (!ts_valid(&v.value) || !ts_valid(&v.interval))
		return -EINVAL;
	if (uold && sys_timer_gettime(kid, uold) < 0)
		return -EFAULT;
	value = ts_ns(&v.value);
	if (value && (flags & TIMER_ABSTIME)) {
		/* An absolute time on the timer's clock, turned into time from now. */
		int64_t now = t->clock == CLOCK_REALTIME ? ktime_real() : ktime_mono();
		value = MAX((int64_t)1, value - now);
	}
	arm(t, value, value ? ts_ns(&v.interval) : 0);
	return 0;
}

long sys_timer_getoverrun(int kid)
{
	struct ktimer *t = timer_of(kid);

	return t ? t->overrun : -EINVAL;
}

long sys_timer_delete(int kid)
{
	struct ktimer *t = timer_of(kid);

	if (!t)
		return -EINVAL;
	*t = (struct ktimer){0};
	rearm_platform();
	return 0;
}
