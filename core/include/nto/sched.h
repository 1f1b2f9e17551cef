/*
 * Threads, blocking and the core lock.
 *
 * Locking: one lock, the core lock, guards all core state. A thread takes
 * it when it enters the core (core_syscall, core_fault, core_kick) and
 * drops it when it returns to the program, so program code runs in
 * parallel on every CPU while the core runs one thread at a time. A thread
 * that blocks (futex, pipe, sleep, a host call that may wait) drops the
 * lock while it waits and takes it again after; everything it learned
 * before must be re-checked. docs/locking.md says more.
 */
#ifndef NTO_SCHED_H
#define NTO_SCHED_H

#include <nto/types.h>

struct thread;

/* Takes the core lock and makes `current` the calling thread. */
void core_lock(void);

/* Drops the core lock. */
void core_unlock(void);

/* Blocks until cond(arg) is true, deadline_ns (monotonic; < 0 none) passes,
 * or a signal is pending for the thread. Returns 0, -ETIMEDOUT or -EINTR.
 * Called and returns with the core lock held. */
int sched_wait(bool (*cond)(void *arg), void *arg, int64_t deadline_ns);

/* Blocks until cond(arg) is true, ignoring signals except SIGKILL: returns
 * 0, or -EINTR when the thread must end (killed, or SIGKILL pending).
 * vfork's wait for the child and a stopped process's wait use it. */
int sched_wait_killable(bool (*cond)(void *arg), void *arg);

/* Wakes a thread blocked in sched_wait so it re-checks its condition. */
void sched_wake(struct thread *t);

/* Wakes every blocked thread of every process (pipes, locks: state changed). */
void sched_wake_all(void);

/* Lets go of the CPU for about ns (a wake or a signal may end it sooner):
 * 0, or -EINTR if a signal is pending. For loops that poll. */
int sched_pause(int64_t ns);

/* Sleeps until deadline_ns on the monotonic clock, or a signal: 0 or -EINTR. */
int sched_sleep_until(int64_t deadline_ns);

#endif
