/* pthreads synchronisation: mutexes (normal, errorcheck, recursive), condvar
 * hand-off in a fixed order, barrier rounds, pthread_once, rwlock, join return
 * values, detached threads with a semaphore. Only totals and orders are printed. */
#include "t.h"
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#define NT  8
#define OPS 100000

static pthread_t th[NT];

static void start_all(void *(*fn)(void *))
{
        /* Started in reverse order, so creation order is not the answer. */
        for (int i = NT - 1; i >= 0; i--)
                if (pthread_create(&th[i], NULL, fn, (void *)(intptr_t)i) != 0) {
                        SAY("SETUP FAILED: pthread_create");
                        exit(99);
                }
}

static long join_all(void)
{
        long sum = 0;
        for (int i = 0; i < NT; i++) {
                void *ret;
                if (pthread_join(th[i], &ret) != 0) {
                        SAY("SETUP FAILED: pthread_join");
                        exit(99);
                }
                sum += (long)(intptr_t)ret;
        }
        return sum;
}

/* ---- 1. a mutex-protected counter ---- */

static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_fn(void *arg)
{
        long mine = 0;
        (void)arg;
        for (int k = 0; k < OPS; k++) {
                pthread_mutex_lock(&count_mu);
                counter++;
                pthread_mutex_unlock(&count_mu);
                mine++;
        }
        return (void *)(intptr_t)mine;
}

/* ---- 2. condvar hand-off: thread i waits for turn i ---- */

static pthread_mutex_t turn_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static int turn, order[NT], norder;

static void *turn_fn(void *arg)
{
        int me = (int)(intptr_t)arg;
        pthread_mutex_lock(&turn_mu);
        while (turn != me)
                pthread_cond_wait(&turn_cv, &turn_mu);
        order[norder++] = me;
        turn++;
        pthread_cond_broadcast(&turn_cv);
        pthread_mutex_unlock(&turn_mu);
        return NULL;
}

/* ---- 3. a barrier used for several rounds ---- */

#define ROUNDS 6
static pthread_barrier_t bar;
static int round_sum[ROUNDS], serial_count[ROUNDS], round_bad;
static pthread_mutex_t round_mu = PTHREAD_MUTEX_INITIALIZER;

static void *barrier_fn(void *arg)
{
        int me = (int)(intptr_t)arg;
        for (int r = 0; r < ROUNDS; r++) {
                __atomic_add_fetch(&round_sum[r], me + 1, __ATOMIC_SEQ_CST);
                int rc = pthread_barrier_wait(&bar);
                /* Everyone added for this round before anyone got through. */
                if (__atomic_load_n(&round_sum[r], __ATOMIC_SEQ_CST) != NT * (NT + 1) / 2)
                        __atomic_add_fetch(&round_bad, 1, __ATOMIC_SEQ_CST);
                if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
                        pthread_mutex_lock(&round_mu);
                        serial_count[r]++;
                        pthread_mutex_unlock(&round_mu);
                } else if (rc != 0) {
                        __atomic_add_fetch(&round_bad, 100, __ATOMIC_SEQ_CST);
                }
        }
        return NULL;
}

/* ---- 4. pthread_once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_value;

static void once_init(void)
{
        once_runs++;
        usleep(20000); /* the others must wait for this, not skip it */
        once_value = 42;
}

static void *once_fn(void *arg)
{
        (void)arg;
        pthread_once(&once, once_init);
        return (void *)(intptr_t)(once_value == 42);
}

/* ---- 5. rwlock: writers keep a == b, readers check it ---- */

#define NREADERS 5
#define NWRITERS 3
#define WRITES   5000
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile long rw_a, rw_b;
#define READS 20000
static long reader_bad;

static void *rw_fn(void *arg)
{
        int me = (int)(intptr_t)arg;
        if (me < NWRITERS) {
                for (int k = 0; k < WRITES; k++) {
                        pthread_rwlock_wrlock(&rw);
                        rw_a++;
                        sched_yield();
                        rw_b++;
                        pthread_rwlock_unlock(&rw);
                }
                return NULL;
        }
        /* A fixed number of reads: glibc prefers readers, so readers that
         * loop until the writers are done could starve them forever. */
        for (int k = 0; k < READS; k++) {
                pthread_rwlock_rdlock(&rw);
                if (rw_a != rw_b)
                        __atomic_add_fetch(&reader_bad, 1, __ATOMIC_SEQ_CST);
                pthread_rwlock_unlock(&rw);
        }
        return NULL;
}

static int try_rc[2];
static void *rw_try_fn(void *arg)
{
        (void)arg;
        try_rc[0] = pthread_rwlock_tryrdlock(&rw);
        try_rc[1] = pthread_rwlock_trywrlock(&rw);
        if (try_rc[0] == 0)
                pthread_rwlock_unlock(&rw);
        return NULL;
}

/* ---- 6. detached threads and a semaphore ---- */

static sem_t done_sem;
static long detached_sum;

static void *detached_fn(void *arg)
{
        __atomic_add_fetch(&detached_sum, (long)(intptr_t)arg * 10 + 1, __ATOMIC_SEQ_CST);
        sem_post(&done_sem);
        return NULL;
}

/* ---- 7. mutex kinds from a second thread ---- */

static pthread_mutex_t kind_mu;
static int other_rc[2];
static void *other_fn(void *arg)
{
        (void)arg;
        other_rc[0] = pthread_mutex_trylock(&kind_mu);
        other_rc[1] = pthread_mutex_unlock(&kind_mu);
        return NULL;
}

static void *square_fn(void *arg)
{
        long i = (long)(intptr_t)arg;
        return (void *)(intptr_t)(i * i);
}

int main(void)
{
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);

        start_all(count_fn);
        long done = join_all();
        SAY("mutex counter: %ld (expected %d)", counter, NT * OPS);
        SAY("increments reported by the threads: %ld", done);

        start_all(turn_fn);
        join_all();
        printf("condvar hand-off order:");
        for (int i = 0; i < norder; i++)
                printf(" %d", order[i]);
        printf("\n");

        CHECK_RC("barrier init count 0", pthread_barrier_init(&bar, NULL, 0));
        CHECK_RC("barrier init", pthread_barrier_init(&bar, NULL, NT));
        start_all(barrier_fn);
        join_all();
        for (int r = 0; r < ROUNDS; r++)
                SAY("barrier round %d: sum %d, serial threads %d", r, round_sum[r],
                    serial_count[r]);
        SAY("barrier violations: %d", round_bad);
        CHECK_RC("barrier destroy", pthread_barrier_destroy(&bar));

        start_all(once_fn);
        long saw = join_all();
        SAY("pthread_once: init ran %d time(s), %ld of %d threads saw its result", once_runs, saw,
            NT);

        pthread_t rwt[NREADERS + NWRITERS];
        for (int i = 0; i < NREADERS + NWRITERS; i++)
                MUST(pthread_create(&rwt[i], NULL, rw_fn, (void *)(intptr_t)i) ? -1 : 0);
        for (int i = 0; i < NREADERS + NWRITERS; i++)
                pthread_join(rwt[i], NULL);
        SAY("rwlock: a=%ld b=%ld (expected %d), inconsistent reads %ld", rw_a, rw_b,
            NWRITERS * WRITES, reader_bad);
        pthread_t tt;
        CHECK_RC("main wrlock", pthread_rwlock_wrlock(&rw));
        MUST(pthread_create(&tt, NULL, rw_try_fn, NULL) ? -1 : 0);
        pthread_join(tt, NULL);
        CHECK_RC("  other thread tryrdlock", try_rc[0]);
        CHECK_RC("  other thread trywrlock", try_rc[1]);
        CHECK_RC("main unlock", pthread_rwlock_unlock(&rw));
        CHECK_RC("main rdlock", pthread_rwlock_rdlock(&rw));
        MUST(pthread_create(&tt, NULL, rw_try_fn, NULL) ? -1 : 0);
        pthread_join(tt, NULL);
        CHECK_RC("  other thread tryrdlock (shared)", try_rc[0]);
        CHECK_RC("  other thread trywrlock", try_rc[1]);
        CHECK_RC("main unlock", pthread_rwlock_unlock(&rw));
        CHECK_RC("main trywrlock when free", pthread_rwlock_trywrlock(&rw));
        CHECK_RC("main unlock", pthread_rwlock_unlock(&rw));

        start_all(square_fn);
        SAY("sum of join return values (i*i): %ld", join_all());

        CHECK("sem_init 0", sem_init(&done_sem, 0, 0));
        pthread_attr_t at;
        pthread_attr_init(&at);
        CHECK_RC("setdetachstate", pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED));
        for (int i = 0; i < NT; i++)
                MUST(pthread_create(&tt, &at, detached_fn, (void *)(intptr_t)i) ? -1 : 0);
        pthread_attr_destroy(&at);
        for (int i = 0; i < NT; i++)
                while (sem_wait(&done_sem) != 0)
                        ;
        SAY("detached threads sum: %ld", detached_sum);
        CHECK("sem_trywait when 0", sem_trywait(&done_sem));
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10000000;
        if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
        }
        CHECK("sem_timedwait 10 ms", sem_timedwait(&done_sem, &ts));
        int sv = -1;
        sem_getvalue(&done_sem, &sv);
        SAY("sem value: %d", sv);

        /* A condvar wait that times out. */
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10000000;
        if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&turn_mu);
        CHECK_RC("cond_timedwait 10 ms", pthread_cond_timedwait(&turn_cv, &turn_mu, &ts));
        pthread_mutex_unlock(&turn_mu);

        /* Mutex kinds. */
        pthread_mutexattr_t ma;
        pthread_mutexattr_init(&ma);
        pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
        pthread_mutex_init(&kind_mu, &ma);
        CHECK_RC("errorcheck lock", pthread_mutex_lock(&kind_mu));
        CHECK_RC("errorcheck relock", pthread_mutex_lock(&kind_mu));
        MUST(pthread_create(&tt, NULL, other_fn, NULL) ? -1 : 0);
        pthread_join(tt, NULL);
        CHECK_RC("  other thread trylock", other_rc[0]);
        CHECK_RC("  other thread unlock", other_rc[1]);
        CHECK_RC("errorcheck unlock", pthread_mutex_unlock(&kind_mu));
        CHECK_RC("errorcheck unlock again", pthread_mutex_unlock(&kind_mu));
        pthread_mutex_destroy(&kind_mu);
        pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&kind_mu, &ma);
        CHECK_RC("recursive lock", pthread_mutex_lock(&kind_mu));
        CHECK_RC("recursive lock again", pthread_mutex_lock(&kind_mu));
        MUST(pthread_create(&tt, NULL, other_fn, NULL) ? -1 : 0);
        pthread_join(tt, NULL);
        CHECK_RC("  other thread trylock", other_rc[0]);
        CHECK_RC("recursive unlock", pthread_mutex_unlock(&kind_mu));
        CHECK_RC("recursive unlock", pthread_mutex_unlock(&kind_mu));
        CHECK_RC("recursive trylock when free", pthread_mutex_trylock(&kind_mu));
        CHECK_RC("recursive unlock", pthread_mutex_unlock(&kind_mu));
        pthread_mutex_destroy(&kind_mu);
        pthread_mutexattr_destroy(&ma);
        CHECK_RC("normal trylock held",
                 (pthread_mutex_lock(&count_mu), pthread_mutex_trylock(&count_mu)));
        pthread_mutex_unlock(&count_mu);
        return 0;
}
