/* select/pselect6 on pipes and regular files: readiness, timeout 0; errors. */
#include "t.h"
#include <sys/select.h>

int main(void)
{
        int p[2], fd;
        fd_set r, w;
        struct timeval tv;

        MUST(pipe(p));
        MUST(fd = open("sel.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_SET(p[0], &r);
        FD_SET(p[1], &w);
        tv = (struct timeval){0, 0};
        CHECK("select empty pipe", select(p[1] + 1, &r, &w, NULL, &tv));
        YESNO("  read end ready", FD_ISSET(p[0], &r));
        YESNO("  write end ready", FD_ISSET(p[1], &w));

        MUST(write(p[1], "data", 4));
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        tv = (struct timeval){0, 0};
        CHECK("select after write", select(p[0] + 1, &r, NULL, NULL, &tv));
        YESNO("  read end ready", FD_ISSET(p[0], &r));

        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_SET(fd, &r);
        FD_SET(fd, &w);
        tv = (struct timeval){0, 0};
        CHECK("select regular file", select(fd + 1, &r, &w, NULL, &tv));
        YESNO("  readable", FD_ISSET(fd, &r));
        YESNO("  writable", FD_ISSET(fd, &w));

        char buf[8];
        MUST(read(p[0], buf, 4));
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        tv = (struct timeval){0, 30000};
        CHECK("select timeout 30ms (raw, kernel updates tv)",
              raw_select(p[0] + 1, &r, NULL, NULL, &tv));
        SAY("  timeval after timeout: %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
        YESNO("  fd cleared", !FD_ISSET(p[0], &r));

        CHECK("select nothing, timeout 0", select(0, NULL, NULL, NULL, &(struct timeval){0, 0}));
        FD_ZERO(&r);
        FD_SET(60, &r); /* < 64: larger fds may lie beyond the fd table and be ignored */
        CHECK("select closed fd", select(61, &r, NULL, NULL, &(struct timeval){0, 0}));
        CHECK("select negative nfds",
              raw_select(-1, NULL, NULL, NULL, &(struct timeval){0, 0}));
        CHECK("select bad timeout", select(1, NULL, NULL, NULL, &(struct timeval){0, -1}));
        CHECK("select bad fd_set pointer",
              raw_select(1, BADPTR, NULL, NULL, &(struct timeval){0, 0}));

        /* pselect6 with timespec and sigmask. */
        sigset_t mask;
        sigemptyset(&mask);
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        struct timespec ts = {0, 0};
        CHECK("pselect empty pipe", pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask));
        MUST(write(p[1], "x", 1));
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        CHECK("pselect ready", pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask));
        YESNO("  read end ready", FD_ISSET(p[0], &r));
        ts.tv_nsec = 1000000000;
        CHECK("pselect bad timespec", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
        /* Raw pselect6: the 6th arg points at {sigset*, size}. */
        struct {
                const sigset_t *ss;
                size_t len;
        } arg = {&mask, 4};
        ts.tv_nsec = 0;
        CHECK("pselect6 bad sigsetsize",
              syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, &arg));

        MUST(close(p[1]));
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        CHECK("select after writer closed (EOF readable)",
              select(p[0] + 1, &r, NULL, NULL, &(struct timeval){0, 0}));
        MUST(close(p[0]));
        return 0;
}
