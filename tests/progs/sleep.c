/* nanosleep/clock_nanosleep: elapsed >= requested; EINVAL on bad values. */
#include "t.h"
#include <time.h>

static long long now(clockid_t c)
{
        struct timespec t;
        clock_gettime(c, &t);
        return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
        struct timespec req = {0, 10000000}, rem = {99, 99};
        long long t0 = now(CLOCK_MONOTONIC);
        CHECK("nanosleep 10ms", nanosleep(&req, &rem));
        long long el = now(CLOCK_MONOTONIC) - t0;
        YESNO("elapsed >= 10ms", el >= 10000000);
        YESNO("elapsed < 5s", el < 5000000000LL);

        CHECK("nanosleep 0", nanosleep(&(struct timespec){0, 0}, NULL));
        CHECK("nanosleep tv_nsec 1e9", nanosleep(&(struct timespec){0, 1000000000}, NULL));
        CHECK("nanosleep tv_nsec -1", nanosleep(&(struct timespec){0, -1}, NULL));
        CHECK("nanosleep tv_sec -1", nanosleep(&(struct timespec){-1, 0}, NULL));
        CHECK("nanosleep bad pointer", syscall(SYS_nanosleep, BADPTR, NULL));

        t0 = now(CLOCK_MONOTONIC);
        CHECK_RC("clock_nanosleep MONOTONIC 10ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL));
        YESNO("elapsed >= 10ms", now(CLOCK_MONOTONIC) - t0 >= 10000000);

        struct timespec abs;
        clock_gettime(CLOCK_MONOTONIC, &abs);
        abs.tv_nsec += 15000000;
        if (abs.tv_nsec >= 1000000000) {
                abs.tv_nsec -= 1000000000;
                abs.tv_sec++;
        }
        CHECK_RC("clock_nanosleep TIMER_ABSTIME +15ms",
                 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
        long long target = (long long)abs.tv_sec * 1000000000LL + abs.tv_nsec;
        YESNO("woke at or after deadline", now(CLOCK_MONOTONIC) >= target);

        t0 = now(CLOCK_MONOTONIC);
        struct timespec past = {1, 0};
        CHECK_RC("clock_nanosleep TIMER_ABSTIME in the past",
                 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL));
        YESNO("returned quickly", now(CLOCK_MONOTONIC) - t0 < 1000000000LL);

        CHECK_RC("clock_nanosleep REALTIME 1ms",
                 clock_nanosleep(CLOCK_REALTIME, 0, &(struct timespec){0, 1000000}, NULL));
        CHECK_RC("clock_nanosleep bad clock", clock_nanosleep(12345, 0, &req, NULL));
        CHECK_RC("clock_nanosleep THREAD_CPUTIME",
                 clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL));
        CHECK_RC("clock_nanosleep bad nsec",
                 clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 2000000000}, NULL));
        CHECK("clock_nanosleep raw bad flags",
              syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &(struct timespec){0, 1}, NULL));

        t0 = now(CLOCK_MONOTONIC);
        CHECK("usleep 5000", usleep(5000));
        YESNO("usleep elapsed >= 5ms", now(CLOCK_MONOTONIC) - t0 >= 5000000);
        return 0;
}
