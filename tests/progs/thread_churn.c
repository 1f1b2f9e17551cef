/* Thread churn: create and join 4 threads at a time for 2000 rounds, then
 * keep many threads alive at once (twice over, so that exited threads'
 * resources are reused). Prints sums only. */
#include "t.h"
#include <pthread.h>

#define ROUNDS 2000
#define BATCH  4

/* nto (sgx-sim) had 64 thread slots when this was written (256 now), the main thread's included. A thread's
 * slot is handed back only after its exit has cleared its tid word, which is
 * what lets pthread_join return: a thread that was just joined may still
 * hold its slot for a moment. 60 live threads (61 with main) leave room for
 * that, so that pthread_create does not fail with EAGAIN by a race. */
#define LIVE 60

static void *work(void *arg)
{
        long v = (long)(intptr_t)arg;
        /* A little work on the thread's own stack. */
        volatile char buf[512];
        for (int i = 0; i < (int)sizeof buf; i++)
                buf[i] = (char)(v + i);
        long s = 0;
        for (int i = 0; i < (int)sizeof buf; i++)
                s += buf[i] & 1;
        return (void *)(intptr_t)(v * 2 + (s == 256));
}

static pthread_barrier_t all_here;
static volatile int alive, max_alive;

static void *live_fn(void *arg)
{
        int n = __atomic_add_fetch(&alive, 1, __ATOMIC_SEQ_CST);
        int m;
        while (
            (m = __atomic_load_n(&max_alive, __ATOMIC_SEQ_CST)) < n &&
            !__atomic_compare_exchange_n(&max_alive, &m, n, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                ;
        pthread_barrier_wait(&all_here); /* nobody leaves before all are alive */
        __atomic_sub_fetch(&alive, 1, __ATOMIC_SEQ_CST);
        return (void *)(intptr_t)((long)(intptr_t)arg + 1);
}

int main(void)
{
        pthread_t t[LIVE];
        long sum = 0, expect = 0, fails = 0;

        for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < BATCH; i++) {
                        long v = (long)r * BATCH + i;
                        expect += v * 2 + 1;
                        int rc = pthread_create(&t[i], NULL, work, (void *)(intptr_t)v);
                        if (rc) {
                                SAY("round %d: pthread_create: %s", r, errname(rc));
                                return 1;
                        }
                }
                for (int i = 0; i < BATCH; i++) {
                        void *ret;
                        if (pthread_join(t[i], &ret) != 0)
                                fails++;
                        sum += (long)(intptr_t)ret;
                }
        }
        SAY("churn: %d threads, sum %ld, expected %ld, join failures %ld", ROUNDS * BATCH, sum,
            expect, fails);

        for (int pass = 0; pass < 2; pass++) {
                MUST(pthread_barrier_init(&all_here, NULL, LIVE) ? -1 : 0);
                max_alive = 0;
                sum = 0;
                for (int i = 0; i < LIVE; i++) {
                        int rc = pthread_create(&t[i], NULL, live_fn, (void *)(intptr_t)i);
                        if (rc) {
                                SAY("pass %d: pthread_create #%d: %s", pass, i, errname(rc));
                                return 1;
                        }
                }
                for (int i = 0; i < LIVE; i++) {
                        void *ret;
                        pthread_join(t[i], &ret);
                        sum += (long)(intptr_t)ret;
                }
                pthread_barrier_destroy(&all_here);
                SAY("pass %d: %d threads alive at once: %s; sum of results %ld (expected %d)", pass,
                    LIVE, max_alive == LIVE ? "yes" : "no", sum, LIVE * (LIVE + 1) / 2);
        }
        return 0;
}
