/* Threads: gettid, tgkill/tkill at a blocked thread (futex wait, nanosleep),
 * SA_RESTART on futex waits, process- vs thread-directed signals, robust
 * mutexes, affinity, TLS, a raw clone with CLONE_CHILD_CLEARTID, and last
 * pthread_exit from main while a worker keeps running. */
#include "t.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>

#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static long futex(void *u, int op, uint32_t val, const struct timespec *ts)
{
        return syscall(SYS_futex, u, op, val, ts, NULL, 0);
}

static pid_t tid(void)
{
        return (pid_t)syscall(SYS_gettid);
}

static void msleep(int ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
                ;
}

static int64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
        pthread_t t;
        if (pthread_create(&t, NULL, fn, arg) != 0) {
                SAY("SETUP FAILED: pthread_create");
                exit(99);
        }
        return t;
}

/* Spins (bounded) until *flag is nonzero. */
static void await_flag(volatile int *flag)
{
        for (int i = 0; i < 5000 && !__atomic_load_n(flag, __ATOMIC_SEQ_CST); i++)
                msleep(1);
}

/* A thread's tid word is cleared (and pthread_join returns) before Linux has
 * quite finished the thread: until then it still takes signal 0. So poll. */
static long tkill_until_gone(pid_t t)
{
        long r = 0;
        for (int i = 0; i < 2000; i++) {
                r = syscall(SYS_tkill, t, 0);
                if (r == -1)
                        break;
                msleep(1);
        }
        return r;
}

/* ---- gettid ---- */

static pid_t worker_tid[4], worker_pid[4];

static void *tid_fn(void *arg)
{
        int i = (int)(intptr_t)arg;
        worker_tid[i] = tid();
        worker_pid[i] = getpid();
        return NULL;
}

/* ---- signals at blocked threads ---- */

static volatile int handled, handler_tid;
static uint32_t *handler_poke; /* the handler sets this word to 1 if not NULL */

static void on_signal(int sig)
{
        (void)sig;
        handler_tid = tid();
        if (handler_poke)
                __atomic_store_n(handler_poke, 1, __ATOMIC_SEQ_CST);
        __atomic_store_n(&handled, 1, __ATOMIC_SEQ_CST);
}

static void set_handler(int sig, int flags)
{
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = flags;
        sigemptyset(&sa.sa_mask);
        MUST(sigaction(sig, &sa, NULL));
        handled = 0;
        handler_tid = 0;
}

struct blocked {
        volatile int ready, finished;
        pid_t tid;
        uint32_t word;
        long ret;
        int err;
        int64_t elapsed_ms;
        struct timespec rem;
};

static void *futex_waiter(void *arg)
{
        struct blocked *b = arg;
        b->tid = tid();
        __atomic_store_n(&b->ready, 1, __ATOMIC_SEQ_CST);
        errno = 0;
        b->ret = futex(&b->word, FUTEX_WAIT_PRIVATE, 0, NULL);
        b->err = errno;
        __atomic_store_n(&b->finished, 1, __ATOMIC_SEQ_CST);
        return NULL;
}

static void *sleeper(void *arg)
{
        struct blocked *b = arg;
        struct timespec ts = {5, 0};
        b->tid = tid();
        __atomic_store_n(&b->ready, 1, __ATOMIC_SEQ_CST);
        int64_t t0 = mono_ms();
        errno = 0;
        b->ret = nanosleep(&ts, &b->rem);
        b->err = errno;
        b->elapsed_ms = mono_ms() - t0;
        __atomic_store_n(&b->finished, 1, __ATOMIC_SEQ_CST);
        return NULL;
}

static void report(const char *label, struct blocked *b)
{
        if (b->ret == -1)
                SAY("%s: -1 %s", label, errname(b->err));
        else
                SAY("%s: %ld", label, b->ret);
}

/* ---- process-directed vs thread-directed ---- */

/* Unblocks SIGUSR2 and naps until its handler has run (in any thread). */
static volatile int unblocked;
static pid_t unblocker_tid;
static void *unblocker(void *arg)
{
        sigset_t s;
        (void)arg;
        unblocker_tid = tid();
        sigemptyset(&s);
        sigaddset(&s, SIGUSR2);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        __atomic_store_n(&unblocked, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < 5000 && !__atomic_load_n(&handled, __ATOMIC_SEQ_CST); i++)
                msleep(1);
        return NULL;
}

/* Keeps SIGUSR2 blocked until told, looks at its pending set, unblocks. */
static sem_t go_sem;
static int pending_in_worker, handled_before_unblock;
static pid_t checker_tid;
static void *pending_checker(void *arg)
{
        sigset_t p, s;
        (void)arg;
        checker_tid = tid();
        while (sem_wait(&go_sem) != 0)
                ;
        sigemptyset(&p);
        sigpending(&p);
        pending_in_worker = sigismember(&p, SIGUSR2);
        handled_before_unblock = handled;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR2);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL); /* the handler runs here */
        return NULL;
}

/* ---- robust mutexes ---- */

static pthread_mutex_t rm1, rm2, rm3;
static sem_t rm_locked, rm_die;
static volatile int b_trying;
static int b_lock_rc, b_consistent_rc;

static void *lock_and_die(void *arg)
{
        pthread_mutex_t *m = arg;
        if (pthread_mutex_lock(m) != 0)
                return (void *)1;
        if (m == &rm3) {
                sem_post(&rm_locked);
                while (sem_wait(&rm_die) != 0)
                        ;
        }
        return NULL; /* exits still owning the mutex */
}

static void *lock_after_owner(void *arg)
{
        (void)arg;
        __atomic_store_n(&b_trying, 1, __ATOMIC_SEQ_CST);
        b_lock_rc = pthread_mutex_lock(&rm3); /* sleeps until the owner dies */
        if (b_lock_rc == EOWNERDEAD)
                b_consistent_rc = pthread_mutex_consistent(&rm3);
        if (b_lock_rc == 0 || b_lock_rc == EOWNERDEAD)
                pthread_mutex_unlock(&rm3);
        return NULL;
}

/* musl's setrobust asks the kernel first (get_robust_list), and fails
 * with its error; the mutex is then an ordinary one. */
static int robust_init(pthread_mutex_t *m)
{
        pthread_mutexattr_t a;
        pthread_mutexattr_init(&a);
        int rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
        pthread_mutex_init(m, &a);
        pthread_mutexattr_destroy(&a);
        return rc;
}

static void robust_tests(void)
{
        pthread_t t[2];

        MUST(sem_init(&rm_locked, 0, 0));
        MUST(sem_init(&rm_die, 0, 0));
        t[0] = spawn(lock_and_die, &rm1);
        pthread_join(t[0], NULL);
        CHECK_RC("lock after the owner died", pthread_mutex_lock(&rm1));
        CHECK_RC("pthread_mutex_consistent", pthread_mutex_consistent(&rm1));
        CHECK_RC("unlock", pthread_mutex_unlock(&rm1));
        CHECK_RC("lock again", pthread_mutex_lock(&rm1));
        CHECK_RC("unlock", pthread_mutex_unlock(&rm1));
        t[0] = spawn(lock_and_die, &rm2);
        pthread_join(t[0], NULL);
        CHECK_RC("trylock after the owner died", pthread_mutex_trylock(&rm2));
        CHECK_RC("unlock without consistent", pthread_mutex_unlock(&rm2));
        CHECK_RC("lock: not recoverable", pthread_mutex_lock(&rm2));
        CHECK_RC("trylock: not recoverable", pthread_mutex_trylock(&rm2));
        /* A waiter already asleep on the mutex is woken by the owner's death. */
        t[0] = spawn(lock_and_die, &rm3);
        while (sem_wait(&rm_locked) != 0)
                ;
        t[1] = spawn(lock_after_owner, NULL);
        await_flag(&b_trying);
        msleep(50);
        sem_post(&rm_die);
        pthread_join(t[0], NULL);
        pthread_join(t[1], NULL);
        SAY("sleeping waiter's lock: %s", b_lock_rc ? errname(b_lock_rc) : "0");
        SAY("its pthread_mutex_consistent: %s", b_consistent_rc ? errname(b_consistent_rc) : "0");
        CHECK_RC("main locks it afterwards", pthread_mutex_lock(&rm3));
        CHECK_RC("unlock", pthread_mutex_unlock(&rm3));
}

/* ---- affinity, TLS ---- */

static int aff_rc, aff_count;
static void *affinity_fn(void *arg)
{
        cpu_set_t s;
        (void)arg;
        CPU_ZERO(&s);
        aff_rc = pthread_getaffinity_np(pthread_self(), sizeof s, &s);
        aff_count = CPU_COUNT(&s);
        return NULL;
}

static __thread int tls_var = 7;
static __thread char tls_buf[64];
static void *tls_fn(void *arg)
{
        int i = (int)(intptr_t)arg, ok = tls_var == 7 && tls_buf[0] == 0;
        tls_var = 100 + i;
        snprintf(tls_buf, sizeof tls_buf, "thread %d", i);
        for (int k = 0; k < 50; k++)
                sched_yield();
        char want[64];
        snprintf(want, sizeof want, "thread %d", i);
        ok = ok && tls_var == 100 + i && strcmp(tls_buf, want) == 0;
        return (void *)(intptr_t)ok;
}

/* ---- a raw clone: no libc in the child, only raw system calls ---- */

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif
static volatile pid_t ctid, ptid, child_saw_ctid, child_saw_ptid, child_tid, child_pid;
static char clone_stack[64 * 1024] __attribute__((aligned(16)));

static long raw0(long nr)
{
#if defined(__x86_64__)
        long r;
        __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
        return r;
#elif defined(__riscv)
        register long a0 __asm__("a0");
        register long a7 __asm__("a7") = nr;
        __asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
        return a0;
#else
#error "raw0: no system-call instruction for this ISA"
#endif
}

static int clone_child(void *arg)
{
        (void)arg;
        child_saw_ctid = ctid;
        child_saw_ptid = ptid;
        child_tid = (pid_t)raw0(SYS_gettid);
        child_pid = (pid_t)raw0(SYS_getpid);
        return 0; /* the libc clone wrapper then calls SYS_exit */
}

/* ---- pthread_exit from main ---- */

static void *outlive_main(void *arg)
{
        (void)arg;
        msleep(100);
        SAY("worker: still running after main's pthread_exit");
        YESNO("worker: gettid != getpid", tid() != getpid());
        return NULL; /* the last thread: the process exits with 0 */
}

int main(void)
{
        pid_t me = getpid();
        pthread_t t[4];
        struct blocked b;

        SAY("-- gettid");
        YESNO("main gettid == getpid", tid() == me);
        for (int i = 0; i < 4; i++)
                t[i] = spawn(tid_fn, (void *)(intptr_t)i);
        for (int i = 0; i < 4; i++)
                pthread_join(t[i], NULL);
        int distinct = 1, same_pid = 1;
        for (int i = 0; i < 4; i++) {
                same_pid &= worker_pid[i] == me;
                distinct &= worker_tid[i] > 0 && worker_tid[i] != me;
                for (int j = 0; j < i; j++)
                        distinct &= worker_tid[i] != worker_tid[j];
        }
        YESNO("4 workers: tids distinct and != main's", distinct);
        YESNO("4 workers: getpid == main's", same_pid);
        CHECK("tkill exited thread, sig 0", tkill_until_gone(worker_tid[0]));
        CHECK("tgkill exited thread, sig 0", syscall(SYS_tgkill, me, worker_tid[0], 0));
        CHECK("tgkill self, sig 0", syscall(SYS_tgkill, me, tid(), 0));
        CHECK("tkill self, sig 0", syscall(SYS_tkill, tid(), 0));
        CHECK("tgkill tgid 0", syscall(SYS_tgkill, 0, tid(), 0));
        CHECK("tgkill tid 0", syscall(SYS_tgkill, me, 0, 0));
        CHECK("tgkill signal 65", syscall(SYS_tgkill, me, tid(), 65));

        SAY("-- tgkill at a thread in FUTEX_WAIT, handler without SA_RESTART");
        set_handler(SIGUSR1, 0);
        memset(&b, 0, sizeof b);
        handler_poke = &b.word; /* a signal that came too early gives EAGAIN, not a hang */
        t[0] = spawn(futex_waiter, &b);
        await_flag(&b.ready);
        msleep(50);
        CHECK("tgkill with a worker as tgid", syscall(SYS_tgkill, b.tid, b.tid, 0));
        CHECK("tgkill live worker, sig 0", syscall(SYS_tgkill, me, b.tid, 0));
        CHECK("tgkill SIGUSR1", syscall(SYS_tgkill, me, b.tid, SIGUSR1));
        pthread_join(t[0], NULL);
        report("futex wait in the worker", &b);
        YESNO("handler ran in the worker", handler_tid == b.tid);
        handler_poke = NULL;

        SAY("-- tgkill at a thread in FUTEX_WAIT, handler with SA_RESTART");
        set_handler(SIGUSR1, SA_RESTART);
        memset(&b, 0, sizeof b);
        t[0] = spawn(futex_waiter, &b);
        await_flag(&b.ready);
        msleep(50);
        CHECK("tkill SIGUSR1", syscall(SYS_tkill, b.tid, SIGUSR1));
        await_flag(&handled);
        YESNO("handler ran in the worker", handler_tid == b.tid);
        msleep(50);
        YESNO("worker still waiting after the handler", !b.finished);
        __atomic_store_n(&b.word, 1, __ATOMIC_SEQ_CST);
        CHECK("WAKE the restarted wait", futex(&b.word, FUTEX_WAKE_PRIVATE, 1, NULL));
        pthread_join(t[0], NULL);
        report("futex wait in the worker", &b);

        SAY("-- tgkill at a thread in nanosleep(5 s), handler with SA_RESTART");
        memset(&b, 0, sizeof b);
        set_handler(SIGUSR1, SA_RESTART);
        t[0] = spawn(sleeper, &b);
        await_flag(&b.ready);
        msleep(50);
        CHECK("tgkill SIGUSR1", syscall(SYS_tgkill, me, b.tid, SIGUSR1));
        pthread_join(t[0], NULL);
        report("nanosleep in the worker", &b);
        YESNO("handler ran in the worker", handler_tid == b.tid);
        YESNO("ended early (< 4 s)", b.elapsed_ms < 4000);
        YESNO("remaining time reported (> 0.5 s)", b.rem.tv_sec >= 1 || b.rem.tv_nsec > 500000000);
        signal(SIGUSR1, SIG_DFL);

        SAY("-- kill() goes to the thread that does not block the signal");
        sigset_t usr2, old;
        sigemptyset(&usr2);
        sigaddset(&usr2, SIGUSR2);
        CHECK_RC("main blocks SIGUSR2", pthread_sigmask(SIG_BLOCK, &usr2, &old));
        set_handler(SIGUSR2, 0);
        t[0] = spawn(unblocker, NULL);
        await_flag(&unblocked);
        CHECK("kill(getpid(), SIGUSR2)", kill(me, SIGUSR2));
        pthread_join(t[0], NULL);
        YESNO("handler ran in the worker", handler_tid == unblocker_tid);
        sigset_t p;
        sigemptyset(&p);
        sigpending(&p);
        YESNO("nothing left pending in main", !sigismember(&p, SIGUSR2));

        SAY("-- a thread-directed signal is pending only in its thread");
        MUST(sem_init(&go_sem, 0, 0));
        set_handler(SIGUSR2, 0);
        t[0] = spawn(pending_checker, NULL);
        CHECK_RC("pthread_kill SIGUSR2 at the worker", pthread_kill(t[0], SIGUSR2));
        sigemptyset(&p);
        sigpending(&p);
        YESNO("main does not see it pending", !sigismember(&p, SIGUSR2));
        sem_post(&go_sem);
        pthread_join(t[0], NULL);
        YESNO("worker sees it pending", pending_in_worker == 1);
        YESNO("not handled while blocked", handled_before_unblock == 0);
        YESNO("handled in the worker once it unblocked", handler_tid == checker_tid);
        CHECK_RC("main restores its mask", pthread_sigmask(SIG_SETMASK, &old, NULL));
        signal(SIGUSR2, SIG_DFL);

        SAY("-- robust mutexes");
        int rr = robust_init(&rm1);
        CHECK_RC("pthread_mutexattr_setrobust", rr);
        /* Without robust mutexes the tests below would hang. */
        if (rr == 0 && robust_init(&rm2) == 0 && robust_init(&rm3) == 0)
                robust_tests();

        SAY("-- affinity");
        cpu_set_t cs;
        CPU_ZERO(&cs);
        CHECK_OK("sched_getaffinity", sched_getaffinity(0, sizeof cs, &cs));
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        YESNO("CPU_COUNT == sysconf(_SC_NPROCESSORS_ONLN)", CPU_COUNT(&cs) == online);
        t[0] = spawn(affinity_fn, NULL);
        pthread_join(t[0], NULL);
        CHECK_RC("pthread_getaffinity_np in a worker", aff_rc);
        YESNO("same CPU count in the worker", aff_count == CPU_COUNT(&cs));

        SAY("-- TLS");
        long tls_ok = 0;
        for (int i = 0; i < 4; i++)
                t[i] = spawn(tls_fn, (void *)(intptr_t)i);
        for (int i = 0; i < 4; i++) {
                void *r;
                pthread_join(t[i], &r);
                tls_ok += (long)(intptr_t)r;
        }
        SAY("threads with their own TLS: %ld of 4", tls_ok);
        YESNO("main's TLS untouched", tls_var == 7 && tls_buf[0] == 0);

        SAY("-- raw clone with CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|CLONE_PARENT_SETTID");
        int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
        pid_t ct =
            clone(clone_child, clone_stack + sizeof clone_stack, flags, NULL, &ptid, NULL, &ctid);
        YESNO("clone returned a tid", ct > 0);
        /* CLONE_CHILD_SETTID is done before the child runs, but maybe after
         * clone returns in the parent: wait for the child's last store. */
        await_flag((volatile int *)&child_pid);
        /* Then the kernel zeroes ctid at exit and does a (shared) FUTEX_WAKE. */
        for (int i = 0; i < 50; i++) {
                pid_t v = ctid;
                if (v == 0)
                        break;
                struct timespec ts = {0, 100000000};
                futex((void *)&ctid, FUTEX_WAIT, (uint32_t)v, &ts);
        }
        YESNO("ctid cleared at exit", ctid == 0);
        YESNO("parent_tid == returned tid", ptid == ct);
        /* Both words are written before the child runs its first instruction
         * (glibc and musl threads read their tid from the PARENT_SETTID word). */
        YESNO("child saw ctid == its tid", child_saw_ctid == ct);
        YESNO("child saw parent_tid == its tid", child_saw_ptid == ct);
        YESNO("child's gettid == returned tid", child_tid == ct);
        YESNO("child's getpid == main's", child_pid == me);
        CHECK("tkill the exited clone, sig 0", tkill_until_gone(ct));
        CHECK("clone without CLONE_SIGHAND but CLONE_THREAD",
              syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0));
        CHECK("clone CLONE_SIGHAND without CLONE_VM",
              syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0));

        SAY("-- main calls pthread_exit; a worker finishes later");
        spawn(outlive_main, NULL);
        pthread_exit(NULL);
}
