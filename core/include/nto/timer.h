/* Interval timers, alarm() and POSIX timers (core/kernel/timer.c). */
#ifndef NTO_TIMER_H
#define NTO_TIMER_H

#include <nto/types.h>

/* Fires every timer of every process whose time has come (sending its
 * owner its signal) and re-arms the platform for the next one. Cheap when
 * no timer is armed. */
void timers_check(void);

/* True if some timer will fire later: a lone thread waiting is no deadlock. */
bool timers_armed(void);

struct proc;

/* Deletes every timer of p (its exit). */
void timers_release(struct proc *p);

/* execve: POSIX timers go, ITIMER_REAL (alarm) stays. */
void timers_exec(struct proc *p);

#endif
