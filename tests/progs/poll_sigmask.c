/* ppoll and pselect with a signal mask: the mask holds while they wait and
 * until the handler has run, then the old one is back. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>
static volatile int hits;
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
        sigset_t blk, none, cur;
        sigemptyset(&blk);
        sigaddset(&blk, SIGALRM);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &blk, NULL);
        int p[2];
        pipe(p);
        struct pollfd pf = {p[0], POLLIN, 0};
        struct itimerval it = {{0, 0}, {0, 30000}};
        setitimer(ITIMER_REAL, &it, NULL);
        int r = ppoll(&pf, 1, NULL, &none);
        printf("ppoll: %d %s hits=%d\n", r, strerror(errno), hits);
        sigprocmask(SIG_SETMASK, NULL, &cur);
        printf("still blocked after: %d\n", sigismember(&cur, SIGALRM));
        setitimer(ITIMER_REAL, &it, NULL);
        fd_set rs;
        FD_ZERO(&rs);
        FD_SET(p[0], &rs);
        r = pselect(p[0] + 1, &rs, NULL, NULL, NULL, &none);
        printf("pselect: %d %s hits=%d\n", r, strerror(errno), hits);
        struct timespec ts = {0, 20000000};
        r = ppoll(&pf, 1, &ts, &blk);
        printf("ppoll timeout: %d\n", r);
        return 0;
}
