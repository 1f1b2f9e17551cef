/* clock_gettime/clock_getres/gettimeofday/time: relations; EINVAL bad clock. */
#include "t.h"
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t)
{
        return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
        struct timespec a, b, r;
        struct timeval tv;

        CHECK("CLOCK_REALTIME", clock_gettime(CLOCK_REALTIME, &a));
        YESNO("realtime after 2020", a.tv_sec > 1577836800);
        YESNO("realtime before 2100", a.tv_sec < 4102444800LL);
        YESNO("tv_nsec in range", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);

        CHECK("CLOCK_MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a));
        int mono = 1;
        for (int i = 0; i < 1000; i++) {
                clock_gettime(CLOCK_MONOTONIC, &b);
                if (ns(b) < ns(a))
                        mono = 0;
                a = b;
        }
        YESNO("monotonic nondecreasing", mono);
        long long raw0 = 0;
        CHECK("raw syscall CLOCK_MONOTONIC", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b));
        YESNO("raw >= vdso value", ns(b) >= ns(a));
        (void)raw0;

        static const struct {
                clockid_t id;
                const char *name;
        } clocks[] = {
            {CLOCK_REALTIME, "REALTIME"},
            {CLOCK_MONOTONIC, "MONOTONIC"},
            {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
            {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
            {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
            {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
            {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
            {CLOCK_BOOTTIME, "BOOTTIME"},
        };
        for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
                char label[64];
                snprintf(label, sizeof label, "clock_gettime %s", clocks[i].name);
                CHECK(label, clock_gettime(clocks[i].id, &a));
                snprintf(label, sizeof label, "clock_getres %s", clocks[i].name);
                CHECK(label, clock_getres(clocks[i].id, &r));
                YESNO("  res > 0 and <= 10ms", ns(r) > 0 && ns(r) <= 10000000);
        }
        struct timespec c1, c2;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        volatile unsigned long spin = 0;
        for (unsigned long i = 0; i < 20000000; i++)
                spin += i;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
        YESNO("cpu time advances while spinning", ns(c2) > ns(c1));
        clock_gettime(CLOCK_MONOTONIC, &a);
        clock_gettime(CLOCK_BOOTTIME, &b);
        YESNO("boottime >= monotonic", ns(b) >= ns(a));

        CHECK("clock_getres NULL", clock_getres(CLOCK_MONOTONIC, NULL));
        CHECK("bad clock 12345", syscall(SYS_clock_gettime, 12345, &a));
        CHECK("bad clock -1 (raw)", syscall(SYS_clock_gettime, -1, &a));
        CHECK("clock_getres bad clock", syscall(SYS_clock_getres, 12345, &r));
        CHECK("clock_gettime bad pointer (raw)",
              syscall(SYS_clock_gettime, CLOCK_REALTIME, BADPTR));
        CHECK("clock_settime without privilege or bad value",
              syscall(SYS_clock_settime, CLOCK_MONOTONIC, &a));

        CHECK("gettimeofday", gettimeofday(&tv, NULL));
        clock_gettime(CLOCK_REALTIME, &a);
        long long diff = ns(a) - ((long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL);
        YESNO("gettimeofday close to CLOCK_REALTIME", diff >= -1000000000LL && diff < 5000000000LL);
        YESNO("tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        CHECK("gettimeofday raw bad pointer", syscall(SYS_gettimeofday, BADPTR, NULL));
        time_t t1 = time(NULL), t2;
        CHECK_OK("time(&t)", time(&t2));
        YESNO("time() consistent", t2 >= t1 && t2 - t1 < 5 && t1 > 1577836800);
        long tr = raw_time();
        YESNO("raw time consistent", tr >= t1 && tr - t1 < 5);
        return 0;
}
