/*
 * The core lock and blocking (see nto/sched.h for the locking rules).
 * The lock is a test-and-set lock on compiler atomics. A waiter spins a
 * little, then gives its CPU back to the host: the host schedules more
 * threads than there are CPUs, and a spinner must not keep the holder (or
 * the next owner) off the CPU. A ticket lock, fair but strict in its order,
 * stalled every thread whenever the next ticket's thread was preempted.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>
#include <nto/timer.h>

#define SPINS_BEFORE_YIELD 128

static int lock_word;

void core_lock(void)
{
	int spins = 0;

	while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
			if (++spins < SPINS_BEFORE_YIELD) {
				cpu_relax();
			} else {
				hal_yield();
				spins = 0;
			}
		}
	}
	current = hal_thread_self();
	timers_check();
}

void core_unlock(void)
{
	__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

/* The only thread of all waits for what nothing can bring: Linux would
 * wait forever, and so do we, but say so once. */
static void warn_forever(void)
{
	static bool said;

	if (!said)
		klog("the only thread waits for something nothing can bring: it waits forever");
	said = true;
}

/* Drops the core lock until a wake, a signal or timeout_ns (< 0: none). */
static void block(int64_t timeout_ns)
{
	struct thread *me = current;

	if (timeout_ns < 0 && threads_alive() == 1 && !timers_armed())
		warn_forever();
	me->state = T_BLOCKED;
	core_unlock();
	hal_thread_wait(timeout_ns);
	core_lock();
	me->state = T_RUNNING;
}

int sched_wait(bool (*cond)(void *arg), void *arg, int64_t deadline)
{
	for (;;) {
		if (cond(arg))
			return 0;
		if (signal_pending_unblocked() || current->killed)
			return -EINTR;
		if (deadline >= 0 && ktime_mono() >= deadline)
			return -ETIMEDOUT;
		block(deadline < 0 ? -1 : MAX(0, deadline - ktime_mono()));
	}
}

int sched_wait_killable(bool (*cond)(void *arg), void *arg)
{
	for (;;) {
		if (cond(arg))
			return 0;
		if (current->killed || signal_fatal_pending())
			return -EINTR;
		block(-1);
	}
}

void sched_wake(struct thread *t)
{
	if (t->state == T_BLOCKED)
		hal_thread_wake(t);
}

void sched_wake_all(void)
{
	for (struct proc *p = procs; p; p = p->next) {
		for (struct thread *t = p->threads; t; t = t->next) {
			if (t != current)
				sched_wake(t);
		}
	}
}

/* A thread that execve or exit_group ends (killed) leaves every wait at
 * once, as one a signal interrupts: a poll or sleep loop would otherwise
 * keep it, and the thread waiting for it to go, forever (glibc's pause()
 * is ppoll on riscv64). */
int sched_pause(int64_t ns)
{
	if (signal_pending_unblocked() || current->killed)
		return -EINTR;
	block(ns);
	return signal_pending_unblocked() || current->killed ? -EINTR : 0;
}

int sched_sleep_until(int64_t deadline)
{
	/* A sleep can always end (time passes), so it never counts as a deadlock. */
	for (;;) {
		if (signal_pending_unblocked() || current->killed)
			return -EINTR;
		int64_t now = ktime_mono();
		if (now >= deadline)
			return 0;
		block(deadline - now);
	}
}
