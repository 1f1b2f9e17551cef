/* Futexes: waits on program memory words (core/sys/futex.c). */
#ifndef NTO_FUTEX_H
#define NTO_FUTEX_H

#include <nto/types.h>

/* Wakes up to n threads waiting on the current process's word uaddr (with
 * a bitset that meets bitset); returns how many. */
int futex_wake(uptr uaddr, int n, uint32_t bitset);

#endif
