/*
 * The core lock and blocking (see nto/sched.h for the locking rules).
 * The lock is a ticket lock on compiler atomics: fair, so a thread in a
 * syscall loop cannot starve the others.
 */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/proc.h>
#include <nto/sched.h>
#include <nto/signal.h>

static struct {
	uint32_t next;
	uint32_t serving;
} lock;

void core_lock(void)
{
	uint32_t me = __atomic_fetch_add(&lock.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock.serving, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
	current = hal_thread_self();
}

void core_unlock(void)
{
	__atomic_store_n(&lock.serving, lock.serving + 1, __ATOMIC_RELEASE);
}

int sched_wait(bool (*cond)(void *arg), void *arg, int64_t deadline)
{
	struct thread *me = current;

	for (;;) {
		if (cond(arg))
			return 0;
		if (signal_pending_unblocked())
			return -EINTR;
		if (deadline >= 0 && ktime_mono() >= deadline)
			return -ETIMEDOUT;
		if (me->proc->nthreads == 1 && deadline < 0) {
			klog("deadlock: the only thread blocked on a wait nothing can end");
			return -EDEADLK;
		}
		me->state = T_BLOCKED;
		core_unlock();
		hal_thread_wait(deadline < 0 ? -1 : MAX(0, deadline - ktime_mono()));
		core_lock();
		me->state = T_RUNNING;
	}
}

void sched_wake(struct thread *t)
{
	if (t->state == T_BLOCKED)
		hal_thread_wake(t);
}

void sched_wake_all(void)
{
	for (struct thread *t = current->proc->threads; t; t = t->next) {
		if (t != current)
			sched_wake(t);
	}
}

int sched_sleep_until(int64_t deadline)
{
	struct thread *me = current;

	/* A sleep can always end (time passes), so it never counts as a deadlock. */
	for (;;) {
		if (signal_pending_unblocked())
			return -EINTR;
		int64_t now = ktime_mono();
		if (now >= deadline)
			return 0;
		me->state = T_BLOCKED;
		core_unlock();
		hal_thread_wait(deadline - now);
		core_lock();
		me->state = T_RUNNING;
	}
}
