/* Interval timers, alarm() and POSIX timers (core/kernel/timer.c). */
#ifndef NTO_TIMER_H
#define NTO_TIMER_H

#include <nto/types.h>

/* Fires every timer whose time has come (raising its signal) and re-arms
 * the platform for the next one. Cheap when no timer is armed. */
void timers_check(void);

/* True if some timer will fire later: a lone thread waiting is no deadlock. */
bool timers_armed(void);

#endif
