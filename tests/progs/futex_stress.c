/* Futex stress: 16 threads on a hand-made futex mutex (the 3-state mutex of
 * Drepper's "Futexes Are Tricky": 0 free, 1 locked, 2 locked with waiters),
 * then a two-thread ping-pong that hands a turn word back and forth. */
//! timeout: 60
#include "t.h"
#include <pthread.h>
#include <sys/mman.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_WAIT_SHARED  0
#define FUTEX_WAKE_SHARED  1

#define NT     16
#define INCS   20000
#define ROUNDS 10000

static long futex(uint32_t *u, int op, uint32_t val)
{
        return syscall(SYS_futex, u, op, val, NULL, NULL, 0);
}

/* ---- the mutex ---- */

static uint32_t mu;
static long wait_errors; /* futex results other than 0 and EAGAIN */
static long waits;       /* how often a lock slept (not printed: timing) */

static uint32_t cas(uint32_t *p, uint32_t expect, uint32_t want)
{
        __atomic_compare_exchange_n(p, &expect, want, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
        return expect; /* the old value */
}

static void mu_lock(uint32_t *m, int wait_op)
{
        uint32_t c = cas(m, 0, 1);
        if (c == 0)
                return;
        if (c != 2)
                c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
        while (c != 0) {
                __atomic_add_fetch(&waits, 1, __ATOMIC_RELAXED);
                if (futex(m, wait_op, 2) != 0 && errno != EAGAIN)
                        __atomic_add_fetch(&wait_errors, 1, __ATOMIC_RELAXED);
                c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
        }
}

static void mu_unlock(uint32_t *m, int wake_op)
{
        if (__atomic_fetch_sub(m, 1, __ATOMIC_RELEASE) != 1) {
                __atomic_store_n(m, 0, __ATOMIC_RELEASE);
                futex(m, wake_op, 1);
        }
}

static volatile long counter; /* only touched under mu */
static volatile long in_crit; /* threads inside the critical section */
static long overlap;          /* times two were inside at once */

/* All users of one futex word must agree on FUTEX_PRIVATE_FLAG: Linux keys
 * private and shared futexes differently, so a shared wake would not wake
 * a private waiter. The mutex uses private ops, the ping-pong shared ones. */
static int ready, go;

static void *inc_fn(void *arg)
{
        long mine = 0;
        (void)arg;
        /* Start together, so that the threads really contend. */
        __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
        while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST))
                sched_yield();
        for (int k = 0; k < INCS; k++) {
                mu_lock(&mu, FUTEX_WAIT_PRIVATE);
                if (++in_crit != 1)
                        overlap++;
                counter = counter + 1;
                if ((k & 1023) == 0)
                        sched_yield(); /* hold the lock across a reschedule now and then */
                in_crit--;
                mu_unlock(&mu, FUTEX_WAKE_PRIVATE);
                mine++;
        }
        return (void *)(intptr_t)mine;
}

/* ---- ping-pong, on a MAP_SHARED page with shared futex ops ---- */

static uint32_t *turnp; /* 0: ping's turn, 1: pong's */
#define turn (*turnp)
static long ball; /* even when ping hits it, odd when pong does */
static long out_of_turn;

static void *player(void *arg)
{
        uint32_t me = (uint32_t)(intptr_t)arg;
        long hits = 0;
        for (int r = 0; r < ROUNDS; r++) {
                uint32_t t;
                while ((t = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != me)
                        futex(&turn, FUTEX_WAIT_SHARED, t);
                if ((ball & 1) != me)
                        out_of_turn++;
                ball++;
                hits++;
                __atomic_store_n(&turn, 1 - me, __ATOMIC_RELEASE);
                futex(&turn, FUTEX_WAKE_SHARED, 1);
        }
        return (void *)(intptr_t)hits;
}

int main(void)
{
        pthread_t th[NT];
        long sum = 0;

        for (int i = 0; i < NT; i++)
                if (pthread_create(&th[i], NULL, inc_fn, (void *)(intptr_t)i) != 0) {
                        SAY("SETUP FAILED: pthread_create");
                        return 99;
                }
        while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < NT)
                sched_yield();
        __atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < NT; i++) {
                void *r;
                pthread_join(th[i], &r);
                sum += (long)(intptr_t)r;
        }
        SAY("futex mutex: counter %ld (expected %d), increments reported %ld", counter, NT * INCS,
            sum);
        SAY("overlapping critical sections: %ld", overlap);
        SAY("unexpected futex wait errors: %ld", wait_errors);
        SAY("mutex word at the end: %u", mu);
        if (getenv("FUTEX_STRESS_VERBOSE"))
                fprintf(stderr, "futex waits: %ld\n", waits);

        turnp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (turnp == MAP_FAILED) {
                SAY("SETUP FAILED: mmap");
                return 99;
        }
        pthread_t a, b;
        void *ra, *rb;
        if (pthread_create(&b, NULL, player, (void *)1) != 0 ||
            pthread_create(&a, NULL, player, (void *)0) != 0) {
                SAY("SETUP FAILED: pthread_create");
                return 99;
        }
        pthread_join(a, &ra);
        pthread_join(b, &rb);
        SAY("ping-pong: ping %ld, pong %ld, ball %ld, out of turn %ld, turn ends at %u",
            (long)(intptr_t)ra, (long)(intptr_t)rb, ball, out_of_turn, turn);
        return 0;
}
