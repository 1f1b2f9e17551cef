/* Waiting for signals: alarm + pause, interval timers, sigsuspend (and the
 * mask it restores), sigtimedwait with and without a timeout, a blocking
 * read interrupted without SA_RESTART, a POSIX timer. */
//! timeout: 30
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
static volatile int hits;
/* SIGALRM in 50 ms: keeps the run short. */
static void soon(void)
{
	struct itimerval it = {{0, 0}, {0, 50000}};

	setitimer(ITIMER_REAL, &it, NULL);
}

static void h(int s)
{
        (void)s;
        hits++;
}
int main(void)
{
        struct sigaction sa = {0};
        sa.sa_handler = h;
        sigaction(SIGALRM, &sa, NULL);
        alarm(1);
        printf("alarm again: %u\n", alarm(1) >= 0);
        int r = pause();
        printf("pause: %d %s hits=%d\n", r, strerror(errno), hits);
        struct itimerval it = {{0, 20000}, {0, 20000}};
        setitimer(ITIMER_REAL, &it, NULL);
        while (hits < 5)
                pause();
        struct itimerval z = {0};
        setitimer(ITIMER_REAL, &z, NULL);
        printf("interval hits >= 5: %d\n", hits >= 5);
        /* sigsuspend */
        sigset_t blk, old;
        sigemptyset(&blk);
        sigaddset(&blk, SIGALRM);
        sigprocmask(SIG_BLOCK, &blk, &old);
        hits = 0;
        soon();
        sigset_t empty;
        sigemptyset(&empty);
        r = sigsuspend(&empty);
        printf("sigsuspend: %d %s hits=%d\n", r, strerror(errno), hits);
        sigset_t cur;
        sigprocmask(SIG_SETMASK, NULL, &cur);
        printf("mask restored: %d\n", sigismember(&cur, SIGALRM));
        /* sigtimedwait */
        soon();
        siginfo_t si;
        r = sigtimedwait(&blk, &si, NULL);
        printf("sigtimedwait: %d signo=%d\n", r, si.si_signo);
        struct timespec ts = {0, 10000000};
        r = sigtimedwait(&blk, &si, &ts);
        printf("sigtimedwait timeout: %d %s\n", r, strerror(errno));
        sigprocmask(SIG_SETMASK, &old, NULL);
        /* SA_RESTART: a read on a pipe interrupted by SIGALRM */
        int p[2];
        pipe(p);
        sa.sa_flags = 0;
        sigaction(SIGALRM, &sa, NULL);
        soon();
        char c;
        r = read(p[0], &c, 1);
        printf("read without SA_RESTART: %d %s\n", r, strerror(errno));
        /* timer_create */
        timer_t t;
        struct sigevent ev = {0};
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGALRM;
        printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
        struct itimerspec its = {{0, 0}, {0, 30000000}};
        hits = 0;
        timer_settime(t, 0, &its, NULL);
        while (!hits)
                pause();
        printf("posix timer fired: %d\n", hits);
        printf("timer_delete: %d\n", timer_delete(t));
        return 0;
}
