/* Raw futex(2) between threads: WAIT/WAKE, timeouts, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, WAIT_BITSET/WAKE_BITSET, CLOCK_REALTIME, and the error cases.
 *
 * Waiters announce "about to wait" through a counter; the main thread spins
 * until all have, then sleeps 50 ms so that they really are asleep in the
 * kernel before it wakes them. Only counts and results are printed. */
#include "t.h"
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#ifndef FUTEX_WAIT
#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_REQUEUE        3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAKE_OP        5
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#endif
#define OP_SET   0
#define OP_ADD   1
#define OP_OR    2
#define OP_ANDN  3
#define OP_XOR   4
#define OP_SHIFT 8
#define CMP_EQ   0
#define CMP_NE   1
#define CMP_LT   2
#define CMP_LE   3
#define CMP_GT   4
#define CMP_GE   5
#define WOP(op, oparg, cmp, cmparg)                                                                \
        ((((op)&0xf) << 28) | (((cmp)&0xf) << 24) | (((oparg)&0xfff) << 12) | ((cmparg)&0xfff))

static long fx(void *uaddr, int op, uint32_t val, const void *ts_or_val2, void *uaddr2,
               uint32_t val3)
{
        return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}
#define VAL2(n) ((const void *)(uintptr_t)(n))

/* Futex words: f[0], f[1] on a MAP_SHARED anonymous page, pw[0] in .bss. */
static uint32_t *f;
static uint32_t pw[4] __attribute__((aligned(16)));

/* ---- waiter threads ---- */

struct waiter {
        pthread_t th;
        uint32_t *addr;
        int op;
        uint32_t val;
        uint32_t bitset;
        long ret;
        int err;
};
static int ready, done;

static void *waiter_fn(void *arg)
{
        struct waiter *w = arg;
        __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
        errno = 0;
        w->ret = fx(w->addr, w->op, w->val, NULL, NULL, w->bitset);
        w->err = errno;
        __atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
        return NULL;
}

static void msleep(int ms)
{
        struct timespec ts = {0, ms * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
                ;
}

static void start(struct waiter *w, uint32_t *addr, int op, uint32_t val, uint32_t bitset)
{
        w->addr = addr;
        w->op = op;
        w->val = val;
        w->bitset = bitset;
        w->ret = -2;
        if (pthread_create(&w->th, NULL, waiter_fn, w) != 0) {
                SAY("SETUP FAILED: pthread_create");
                exit(99);
        }
}

/* Start n waiters and wait until they are asleep. */
static void start_n(struct waiter *w, int n, uint32_t *addr, int op, uint32_t val, uint32_t bitset)
{
        __atomic_store_n(&ready, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&done, 0, __ATOMIC_SEQ_CST);
        for (int i = 0; i < n; i++)
                start(&w[i], addr, op, val, bitset);
        while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < n)
                sched_yield();
        msleep(50);
}

/* Wait (bounded) until `done` reaches n; returns the value seen. */
static int await_done(int n)
{
        for (int i = 0; i < 500 && __atomic_load_n(&done, __ATOMIC_SEQ_CST) < n; i++)
                msleep(2);
        msleep(20); /* nobody else may finish by mistake */
        return __atomic_load_n(&done, __ATOMIC_SEQ_CST);
}

static void join_report(const char *label, struct waiter *w, int n)
{
        int ok = 0;
        for (int i = 0; i < n; i++) {
                pthread_join(w[i].th, NULL);
                if (w[i].ret == 0)
                        ok++;
                else
                        SAY("  %s: waiter returned %ld %s", label, w[i].ret, errname(w[i].err));
        }
        SAY("%s: %d of %d waiters returned 0", label, ok, n);
}

static int64_t now_ns(clockid_t c)
{
        struct timespec ts;
        clock_gettime(c, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ts_of(int64_t ns)
{
        struct timespec ts = {ns / 1000000000, ns % 1000000000};
        return ts;
}

int main(void)
{
        struct waiter w[4];
        struct timespec ts;
        int64_t t0;

        f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (f == MAP_FAILED) {
                SAY("SETUP FAILED: mmap");
                return 99;
        }
        /* A bad address: an inaccessible page, kept mapped so that nothing
         * (thread stacks, malloc) can land there later. */
        void *gone = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (gone == MAP_FAILED) {
                SAY("SETUP FAILED: mmap");
                return 99;
        }
        void *kernel = (void *)0xffff888000000000UL; /* not a user address */

        SAY("-- WAIT: value mismatch, timeouts, errors");
        f[0] = 0;
        CHECK("WAIT wrong value", fx(&f[0], FUTEX_WAIT, 1, NULL, NULL, 0));
        CHECK("WAIT|PRIVATE wrong value",
              fx(&pw[0], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, NULL, NULL, 0));
        ts = ts_of(10000000);
        t0 = now_ns(CLOCK_MONOTONIC);
        CHECK("WAIT 10 ms timeout", fx(&f[0], FUTEX_WAIT, 0, &ts, NULL, 0));
        YESNO("  waited at least 10 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 10000000);
        t0 = now_ns(CLOCK_MONOTONIC);
        CHECK("WAIT|PRIVATE 10 ms timeout",
              fx(&pw[0], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, NULL, 0));
        YESNO("  waited at least 10 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 10000000);
        ts = ts_of(0);
        CHECK("WAIT zero timeout", fx(&f[0], FUTEX_WAIT, 0, &ts, NULL, 0));
        ts.tv_nsec = 1000000000;
        CHECK("WAIT tv_nsec 1e9", fx(&f[0], FUTEX_WAIT, 0, &ts, NULL, 0));
        ts.tv_sec = -1;
        ts.tv_nsec = 0;
        CHECK("WAIT negative tv_sec", fx(&f[0], FUTEX_WAIT, 0, &ts, NULL, 0));
        CHECK("WAIT timeout pointer to PROT_NONE", fx(&f[0], FUTEX_WAIT, 0, gone, NULL, 0));
        CHECK("WAIT misaligned", fx((char *)&f[0] + 1, FUTEX_WAIT, 0, NULL, NULL, 0));
        CHECK("WAIT|PRIVATE misaligned",
              fx((char *)&pw[0] + 2, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
        CHECK("WAIT PROT_NONE address", fx(gone, FUTEX_WAIT, 0, NULL, NULL, 0));
        CHECK("WAIT|PRIVATE PROT_NONE address",
              fx(gone, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
        CHECK("WAIT kernel address", fx(kernel, FUTEX_WAIT, 0, NULL, NULL, 0));
        CHECK("WAIT|PRIVATE kernel address",
              fx(kernel, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
        CHECK("WAKE misaligned", fx((char *)&f[0] + 1, FUTEX_WAKE, 1, NULL, NULL, 0));
        CHECK("WAKE nobody waiting", fx(&f[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        CHECK("unknown op 99", fx(&f[0], 99, 0, NULL, NULL, 0));
        CHECK("unknown op 15|PRIVATE", fx(&f[0], 15 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
        CHECK("WAKE|CLOCK_REALTIME",
              fx(&f[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));

        SAY("-- WAKE counts");
        f[0] = 0;
        start_n(w, 3, &f[0], FUTEX_WAIT, 0, 0);
        CHECK("3 waiting, WAKE 2", fx(&f[0], FUTEX_WAKE, 2, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(2));
        CHECK("WAKE 1", fx(&f[0], FUTEX_WAKE, 1, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(3));
        CHECK("WAKE again", fx(&f[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        join_report("WAKE", w, 3);

        /* Private waiters are woken by private wakes. */
        pw[0] = 5;
        start_n(w, 2, &pw[0], FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, 0);
        CHECK("2 private waiters, WAKE|PRIVATE all",
              fx(&pw[0], FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(2));
        join_report("WAKE|PRIVATE", w, 2);

        /* Linux's futex_wake counts before it compares: a count of 0 wakes one. */
        start_n(w, 2, &f[0], FUTEX_WAIT, 0, 0);
        CHECK("2 waiting, WAKE 0", fx(&f[0], FUTEX_WAKE, 0, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(1));
        CHECK("WAKE rest", fx(&f[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        await_done(2);
        join_report("WAKE 0", w, 2);

        SAY("-- REQUEUE");
        f[0] = 0;
        f[1] = 0;
        start_n(w, 3, &f[0], FUTEX_WAIT, 0, 0);
        CHECK("REQUEUE wake 1 move 1", fx(&f[0], FUTEX_REQUEUE, 1, VAL2(1), &f[1], 0));
        SAY("  waiters done: %d", await_done(1));
        CHECK("WAKE f1 (the moved one)", fx(&f[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(2));
        CHECK("WAKE f0 (the one left)", fx(&f[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(3));
        join_report("REQUEUE", w, 3);
        CHECK("REQUEUE nobody waiting", fx(&f[0], FUTEX_REQUEUE, 1, VAL2(1), &f[1], 0));
        CHECK("REQUEUE negative wake count", fx(&f[0], FUTEX_REQUEUE, -1, VAL2(1), &f[1], 0));
        CHECK("REQUEUE negative move count", fx(&f[0], FUTEX_REQUEUE, 1, VAL2(-1), &f[1], 0));
        CHECK("REQUEUE misaligned target",
              fx(&f[0], FUTEX_REQUEUE, 1, VAL2(1), (char *)&f[1] + 1, 0));

        SAY("-- CMP_REQUEUE");
        f[0] = 7;
        CHECK("CMP_REQUEUE wrong val3", fx(&f[0], FUTEX_CMP_REQUEUE, 1, VAL2(1), &f[1], 8));
        CHECK("CMP_REQUEUE right val3, nobody waiting",
              fx(&f[0], FUTEX_CMP_REQUEUE, 1, VAL2(1), &f[1], 7));
        CHECK("CMP_REQUEUE PROT_NONE address", fx(gone, FUTEX_CMP_REQUEUE, 1, VAL2(1), &f[1], 7));
        start_n(w, 3, &f[0], FUTEX_WAIT, 7, 0);
        CHECK("3 waiting, CMP_REQUEUE wrong val3",
              fx(&f[0], FUTEX_CMP_REQUEUE, 1, VAL2(2), &f[1], 6));
        CHECK("CMP_REQUEUE wake 0 move 2", fx(&f[0], FUTEX_CMP_REQUEUE, 0, VAL2(2), &f[1], 7));
        SAY("  waiters done: %d", await_done(0));
        CHECK("WAKE f1", fx(&f[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(2));
        CHECK("CMP_REQUEUE wake 1 move 5 (one left)",
              fx(&f[0], FUTEX_CMP_REQUEUE, 1, VAL2(5), &f[1], 7));
        SAY("  waiters done: %d", await_done(3));
        join_report("CMP_REQUEUE", w, 3);

        SAY("-- WAKE_OP");
        f[0] = 0;
        f[1] = 5;
        CHECK("WAKE_OP SET 9, nobody waiting",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_SET, 9, CMP_EQ, 5)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP ADD 3",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_ADD, 3, CMP_GT, 100)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP ADD -2",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_ADD, -2, CMP_LT, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP OR 0x30",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_OR, 0x30, CMP_NE, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP ANDN 0x3",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_ANDN, 0x3, CMP_LE, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP XOR 0xff",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_XOR, 0xff, CMP_GE, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP SET 1<<5 (OPARG_SHIFT)",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_SET | OP_SHIFT, 5, CMP_EQ, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP OR 1<<2 (OPARG_SHIFT)",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_OR | OP_SHIFT, 2, CMP_EQ, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP bad op 5",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(5, 1, CMP_EQ, 0)));
        SAY("  f1 = %u", f[1]);
        /* A bad compare is found only after the operation was done. */
        CHECK("WAKE_OP ADD 1, bad compare 6",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_ADD, 1, 6, 0)));
        SAY("  f1 = %u", f[1]);
        CHECK("WAKE_OP PROT_NONE uaddr2",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), gone, WOP(OP_SET, 1, CMP_EQ, 0)));
        CHECK("WAKE_OP misaligned uaddr2",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), (char *)&f[1] + 2, WOP(OP_SET, 1, CMP_EQ, 0)));

        /* One waiter on each word: the compare decides whether f1's wakes. */
        f[0] = 0;
        f[1] = 10;
        __atomic_store_n(&ready, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&done, 0, __ATOMIC_SEQ_CST);
        start(&w[0], &f[0], FUTEX_WAIT, 0, 0);
        start(&w[1], &f[1], FUTEX_WAIT, 10, 0);
        while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 2)
                sched_yield();
        msleep(50);
        CHECK("WAKE_OP ADD 1, compare old == 99 (false)",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_ADD, 1, CMP_EQ, 99)));
        SAY("  f1 = %u, waiters done: %d", f[1], await_done(1));
        CHECK("WAKE_OP SET 0, compare old >= 11 (true)",
              fx(&f[0], FUTEX_WAKE_OP, 1, VAL2(1), &f[1], WOP(OP_SET, 0, CMP_GE, 11)));
        SAY("  f1 = %u, waiters done: %d", f[1], await_done(2));
        join_report("WAKE_OP", w, 2);

        SAY("-- WAIT_BITSET / WAKE_BITSET");
        f[0] = 3;
        CHECK("WAIT_BITSET bitset 0", fx(&f[0], FUTEX_WAIT_BITSET, 3, NULL, NULL, 0));
        CHECK("WAKE_BITSET bitset 0", fx(&f[0], FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
        CHECK("WAIT_BITSET wrong value", fx(&f[0], FUTEX_WAIT_BITSET, 4, NULL, NULL, ~0u));
        ts = ts_of(now_ns(CLOCK_MONOTONIC) + 10000000);
        t0 = now_ns(CLOCK_MONOTONIC);
        CHECK("WAIT_BITSET absolute monotonic +10 ms",
              fx(&f[0], FUTEX_WAIT_BITSET, 3, &ts, NULL, ~0u));
        YESNO("  waited at least 10 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 10000000);
        ts = ts_of(now_ns(CLOCK_MONOTONIC) - 1000000000);
        CHECK("WAIT_BITSET absolute monotonic in the past",
              fx(&f[0], FUTEX_WAIT_BITSET, 3, &ts, NULL, ~0u));
        ts = ts_of(now_ns(CLOCK_REALTIME) - 1000000000);
        CHECK("WAIT_BITSET|CLOCK_REALTIME in the past",
              fx(&f[0], FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 3, &ts, NULL, ~0u));
        ts = ts_of(now_ns(CLOCK_REALTIME) + 10000000);
        t0 = now_ns(CLOCK_MONOTONIC);
        CHECK("WAIT_BITSET|CLOCK_REALTIME +10 ms",
              fx(&f[0], FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | FUTEX_PRIVATE_FLAG, 3, &ts, NULL,
                 ~0u));
        YESNO("  waited at least 10 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 10000000);
        /* Linux takes FUTEX_CLOCK_REALTIME only with WAIT_BITSET (and the PI
         * ops): a plain WAIT with it is ENOSYS, without waiting. */
        ts = ts_of(10000000);
        CHECK("WAIT|CLOCK_REALTIME relative 10 ms",
              fx(&f[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 3, &ts, NULL, 0));
        CHECK("WAIT|CLOCK_REALTIME wrong value",
              fx(&f[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 4, NULL, NULL, 0));

        __atomic_store_n(&ready, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&done, 0, __ATOMIC_SEQ_CST);
        start(&w[0], &f[0], FUTEX_WAIT_BITSET, 3, 0x1);
        start(&w[1], &f[0], FUTEX_WAIT_BITSET, 3, 0x2);
        start(&w[2], &f[0], FUTEX_WAIT_BITSET, 3, 0x6);
        start(&w[3], &f[0], FUTEX_WAIT_BITSET, 3, 0x8);
        while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 4)
                sched_yield();
        msleep(50);
        CHECK("waiters 0x1 0x2 0x6 0x8: WAKE_BITSET 0x10 (disjoint)",
              fx(&f[0], FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x10));
        CHECK("WAKE_BITSET 0x4 (overlaps 0x6)",
              fx(&f[0], FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x4));
        int nd = await_done(1);
        SAY("  waiters done: %d, the 0x6 one: %s", nd, w[2].ret == 0 ? "yes" : "no");
        CHECK("WAKE_BITSET 0x3, count 5", fx(&f[0], FUTEX_WAKE_BITSET, 5, NULL, NULL, 0x3));
        SAY("  waiters done: %d", await_done(3));
        CHECK("WAKE_BITSET 0x3 again", fx(&f[0], FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x3));
        CHECK("plain WAKE (any bitset)", fx(&f[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
        SAY("  waiters done: %d", await_done(4));
        join_report("BITSET", w, 4);

        /* A plain WAIT is woken by WAKE_BITSET with any bits. */
        start_n(w, 1, &f[0], FUTEX_WAIT, 3, 0);
        CHECK("plain waiter, WAKE_BITSET 0x80000000",
              fx(&f[0], FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x80000000u));
        SAY("  waiters done: %d", await_done(1));
        join_report("WAIT + WAKE_BITSET", w, 1);
        return 0;
}
