/* A worker thread calls exit_group(3) while main is blocked in pthread_join
 * and other workers sleep in nanosleep and in a futex wait: the whole process
 * ends with status 3 at once. Unflushed stdio output is lost, as with _exit. */
#include "t.h"
#include <pthread.h>
#include <time.h>

static uint32_t never; /* nobody ever wakes a waiter on this */
static volatile int asleep;

static void *sleeper(void *arg)
{
        struct timespec ts = {30, 0};
        (void)arg;
        __atomic_add_fetch(&asleep, 1, __ATOMIC_SEQ_CST);
        nanosleep(&ts, NULL);
        SAY("sleeper: woke up (must not happen)");
        return NULL;
}

static void *waiter(void *arg)
{
        (void)arg;
        __atomic_add_fetch(&asleep, 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, &never, 128 /* FUTEX_WAIT_PRIVATE */, 0, NULL, NULL, 0);
        SAY("waiter: woke up (must not happen)");
        return NULL;
}

static void *ender(void *arg)
{
        (void)arg;
        while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) < 2)
                sched_yield();
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        SAY("ender: calling exit_group(3)");
        fflush(stdout);
        printf("ender: unflushed line (lost)\n");
        syscall(SYS_exit_group, 3);
        SAY("ender: after exit_group (must not happen)");
        return NULL;
}

int main(void)
{
        pthread_t s, w, e;

        SAY("main: starting workers");
        fflush(stdout);
        if (pthread_create(&s, NULL, sleeper, NULL) || pthread_create(&w, NULL, waiter, NULL) ||
            pthread_create(&e, NULL, ender, NULL)) {
                SAY("SETUP FAILED: pthread_create");
                return 99;
        }
        pthread_join(s, NULL);
        SAY("main: joined the sleeper (must not happen)");
        return 0;
}
