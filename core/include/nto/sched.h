/* Blocking. With one thread there is no one to wake a sleeper, so a wait that
 * could only end by another thread's action reports a deadlock. Issue 3
 * replaces this with real wait queues. */
#ifndef NTO_SCHED_H
#define NTO_SCHED_H

#include <nto/types.h>

/* Blocks until cond(arg) is true. Returns 0, or -EDEADLK when no other
 * thread exists that could make it true. */
int sched_wait(bool (*cond)(void *arg), void *arg);

#endif
