/* poll/ppoll on pipes and regular files: readiness, timeout 0, POLLNVAL/POLLHUP. */
#include "t.h"
#include <poll.h>
#include <time.h>

static void ev(const char *label, short r)
{
        printf("%s:", label);
        if (r & POLLIN)
                printf(" POLLIN");
        if (r & POLLOUT)
                printf(" POLLOUT");
        if (r & POLLHUP)
                printf(" POLLHUP");
        if (r & POLLERR)
                printf(" POLLERR");
        if (r & POLLNVAL)
                printf(" POLLNVAL");
        if (r == 0)
                printf(" none");
        printf("\n");
}

int main(void)
{
        int p[2], fd;
        struct pollfd f[3];

        MUST(pipe(p));
        f[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
        f[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
        CHECK("poll empty pipe timeout 0", poll(f, 2, 0));
        ev("  read end", f[0].revents);
        ev("  write end", f[1].revents);
        CHECK("poll read end only, timeout 0", poll(f, 1, 0));
        MUST(write(p[1], "x", 1));
        CHECK("poll after write", poll(f, 2, 0));
        ev("  read end", f[0].revents);
        CHECK("poll with timeout 1000 (ready)", poll(f, 1, 1000));

        struct timespec t0, t1;
        char c;
        MUST(read(p[0], &c, 1));
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK("poll empty pipe timeout 20ms", poll(f, 1, 20));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        YESNO("  waited >= 19ms", ms >= 19);

        MUST(close(p[1]));
        CHECK("poll after writer closed", poll(f, 1, 0));
        ev("  read end", f[0].revents);

        MUST(fd = open("poll.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        f[0] = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
        CHECK("poll regular file", poll(f, 1, 0));
        ev("  file", f[0].revents);

        f[0] = (struct pollfd){.fd = 999, .events = POLLIN};
        f[1] = (struct pollfd){.fd = -1, .events = POLLIN};
        f[2] = (struct pollfd){.fd = fd, .events = 0};
        CHECK("poll bad fd / negative fd / no events", poll(f, 3, 0));
        ev("  fd 999", f[0].revents);
        ev("  fd -1", f[1].revents);
        ev("  no events", f[2].revents);

        CHECK("poll nfds 0 timeout 10", poll(NULL, 0, 10));
        CHECK("poll bad pointer", raw_poll(BADPTR, 1, 0));
        CHECK("poll nfds huge", raw_poll(f, 1 << 30, 0));

        int q[2];
        MUST(pipe(q));
        f[0] = (struct pollfd){.fd = q[0], .events = POLLIN};
        struct timespec ts = {0, 0};
        sigset_t mask;
        sigemptyset(&mask);
        CHECK("ppoll timeout 0", ppoll(f, 1, &ts, &mask));
        MUST(write(q[1], "yz", 2));
        CHECK("ppoll ready", ppoll(f, 1, &ts, NULL));
        ev("  read end", f[0].revents);
        CHECK("ppoll NULL timeout, ready", ppoll(f, 1, NULL, NULL));
        ts.tv_nsec = 2000000000;
        CHECK("ppoll bad timeout", ppoll(f, 1, &ts, NULL));
        CHECK("ppoll bad sigsetsize", syscall(SYS_ppoll, f, 1, NULL, &mask, 4));
        MUST(close(q[0]));
        f[0] = (struct pollfd){.fd = q[1], .events = POLLOUT};
        CHECK("poll write end, reader closed", poll(f, 1, 0));
        ev("  write end", f[0].revents);
        return 0;
}
