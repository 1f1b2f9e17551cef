/*
 * Timers, per process. Each armed timer has a deadline on the monotonic
 * clock; the earliest of all processes' is handed to the platform
 * (hal_timer_arm), which makes some thread enter the core when it passes.
 * Whoever takes the core lock then fires what is due (timers_check) by
 * sending the timer's signal to the process that owns it. fork does not
 * copy timers; execve keeps ITIMER_REAL (alarm) and deletes POSIX timers.
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
	uint64_t value; /* sigev_value, for the siginfo */
};

/* A process's timers: slot 0 is ITIMER_REAL (alarm, setitimer); POSIX
 * timers use 1.. */
static int64_t next_deadline; /* earliest armed deadline of all, 0 if none */

static void rearm_platform(void)
{
	int64_t next = 0;

	for (struct proc *p = procs; p; p = p->next) {
		for (int i = 0; p->timers && i <= MAX_TIMERS; i++) {
			struct ktimer *t = &p->timers[i];
			if (t->used && t->deadline && (!next || t->deadline < next))
				next = t->deadline;
		}
	}
	next_deadline = next;
	hal_timer_arm(next);
}

/* The calling process's timers, made on first use (NULL: out of memory). */
static struct ktimer *my_timers(void)
{
	struct proc *p = current->proc;

	if (!p->timers)
		p->timers = kzalloc(sizeof(struct ktimer) * (MAX_TIMERS + 1));
	return p->timers;
}

void timers_release(struct proc *p)
{
	kfree(p->timers);
	p->timers = NULL;
	rearm_platform();
}

void timers_exec(struct proc *p)
{
	for (int i = 1; p->timers && i <= MAX_TIMERS; i++)
		p->timers[i] = (struct ktimer){0};
	rearm_platform();
}

/* Sends timer i of p its signal: alarm's as the kernel's, POSIX ones
 * with their id, overrun count and value. */
static void fire(struct proc *p, int i)
{
	struct ktimer *t = &p->timers[i];
	struct ksiginfo info = {.code = i ? SI_TIMER : SI_KERNEL};

	if (i) {
		info.pid = i - 1;
		info.uid = t->overrun;
		info.val = t->value;
	}
	signal_post(p, NULL, t->signo, &info);
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
	for (struct proc *p = procs; p; p = p->next) {
		for (int i = 0; p->timers && i <= MAX_TIMERS; i++) {
			struct ktimer *t = &p->timers[i];
			if (!t->used || !t->deadline || t->deadline > now)
				continue;
			if (t->interval) {
				int64_t missed = (now - t->deadline) / t->interval;
				t->overrun = (int)MIN(missed, (int64_t)INT32_MAX);
				t->deadline += (missed + 1) * t->interval;
			} else {
				t->deadline = 0;
			}
			if (t->notify)
				fire(p, i);
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

/* The process's ITIMER_REAL (NULL: out of memory). */
static struct ktimer *real_timer(void)
{
	struct ktimer *t = my_timers();

	if (t) {
		t->used = true;
		t->notify = true;
		t->signo = SIGALRM;
		t->clock = CLOCK_REALTIME;
	}
	return t;
}

/* The value getitimer reports: rounded up, so a running timer never reads 0. */
static struct itimerval_k itimer_value(const struct ktimer *t)
{
	struct itimerval_k v = {{0, 0}, {0, 0}};

	if (t) {
		v.interval = ns_tv(t->interval);
		v.value = t->deadline ? ns_tv(left_of(t)) : (struct timeval){0, 0};
	}
	return v;
}

long sys_getitimer(int which, void __user *ucur)
{
	struct itimerval_k v;

	if (which < 0 || which > 2)
		return -EINVAL;
	if (which != ITIMER_REAL)
		return -EINVAL; /* virtual and profiling time are not kept */
	v = itimer_value(current->proc->timers);
	return copy_to_user(ucur, &v, sizeof(v));
}

long sys_setitimer(int which, const void __user *unew, void __user *uold)
{
	struct itimerval_k v, old;
	struct ktimer *t;

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
		old = itimer_value(current->proc->timers);
		if (copy_to_user(uold, &old, sizeof(old)) < 0)
			return -EFAULT;
	}
	if (unew) {
		t = real_timer();
		if (!t)
			return -ENOMEM;
		arm(t, tv_ns(&v.value), v.value.tv_sec || v.value.tv_usec ? tv_ns(&v.interval) : 0);
	}
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	struct ktimer *t = real_timer();
	int64_t left;

	if (!t)
		return -ENOMEM;
	left = t->deadline ? left_of(t) : 0;
	arm(t, (int64_t)seconds * NSEC, 0);
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
	struct ktimer *timers = my_timers();
	if (!timers)
		return -ENOMEM;
	for (id = 1; id <= MAX_TIMERS && timers[id].used; id++)
		;
	if (id > MAX_TIMERS)
		return -EAGAIN;
	int kid = id - 1; /* Linux numbers a process's timers from 0 */
	if (copy_to_user(uid, &kid, sizeof(kid)) < 0)
		return -EFAULT;
	timers[id] = (struct ktimer){true, clock, ev.signo, ev.notify == SIGEV_SIGNAL, 0, 0, 0,
				     ev.value};
	return 0;
}

static struct ktimer *timer_of(int kid)
{
	struct ktimer *timers = current->proc->timers;

	if (!timers || kid < 0 || kid >= MAX_TIMERS || !timers[kid + 1].used)
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
