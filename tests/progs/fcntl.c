/* fcntl: F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD, F_GETFL/F_SETFL and errors. */
#include "t.h"

static void fl(const char *label, int fd)
{
        int f = fcntl(fd, F_GETFL);
        if (f == -1) {
                SAY("%s: -1 %s", label, errname(errno));
                return;
        }
        const char *acc = (f & O_ACCMODE) == O_RDONLY   ? "O_RDONLY"
                          : (f & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                                                        : "O_RDWR";
        SAY("%s: %s%s%s", label, acc, f & O_APPEND ? "|O_APPEND" : "",
            f & O_NONBLOCK ? "|O_NONBLOCK" : "");
}

int main(void)
{
        int fd, d, p[2];
        char buf[8];

        MUST(fd = open("fc.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        CHECK("F_DUPFD min 10", d = fcntl(fd, F_DUPFD, 10));
        CHECK("F_DUPFD min 10 again", fcntl(fd, F_DUPFD, 10));
        CHECK("F_GETFD of F_DUPFD copy", fcntl(d, F_GETFD));
        CHECK("F_DUPFD_CLOEXEC min 20", d = fcntl(fd, F_DUPFD_CLOEXEC, 20));
        CHECK("F_GETFD of F_DUPFD_CLOEXEC copy", fcntl(d, F_GETFD));
        CHECK("F_DUPFD min 0 (lowest free)", d = fcntl(fd, F_DUPFD, 0));
        MUST(close(d));
        CHECK("F_DUPFD negative min", fcntl(fd, F_DUPFD, -1));
        CHECK("F_DUPFD min huge", fcntl(fd, F_DUPFD, 1 << 30));

        CHECK("F_GETFD", fcntl(fd, F_GETFD));
        CHECK("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
        CHECK("F_GETFD", fcntl(fd, F_GETFD));
        CHECK("F_SETFD 0", fcntl(fd, F_SETFD, 0));
        CHECK("F_GETFD", fcntl(fd, F_GETFD));

        fl("F_GETFL", fd);
        CHECK("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
        fl("F_GETFL", fd);
        MUST(write(fd, "hello", 5));
        MUST(lseek(fd, 0, SEEK_SET));
        MUST(write(fd, "!", 1));
        CHECK("size (O_APPEND write)", lseek(fd, 0, SEEK_END));
        CHECK("F_SETFL 0", fcntl(fd, F_SETFL, 0));
        fl("F_GETFL", fd);
        CHECK("F_SETFL O_RDONLY ignored", fcntl(fd, F_SETFL, O_RDONLY | O_WRONLY));
        fl("F_GETFL access mode unchanged", fd);

        int wfd;
        MUST(wfd = open("fc.txt", O_WRONLY | O_APPEND));
        fl("F_GETFL O_WRONLY|O_APPEND file", wfd);
        MUST(close(wfd));
        MUST(pipe(p));
        fl("F_GETFL pipe read", p[0]);
        fl("F_GETFL pipe write", p[1]);
        CHECK("F_SETFL pipe O_NONBLOCK", fcntl(p[0], F_SETFL, O_NONBLOCK));
        CHECK("read empty nonblocking pipe", read(p[0], buf, 1));
        fl("F_GETFL pipe read now", p[0]);
        MUST(close(p[0]));
        MUST(close(p[1]));

        /* File status flags are shared by dups, descriptor flags are not. */
        MUST(d = dup(fd));
        MUST(fcntl(fd, F_SETFL, O_APPEND));
        MUST(fcntl(fd, F_SETFD, FD_CLOEXEC));
        fl("dup shares status flags", d);
        CHECK("dup does not share FD_CLOEXEC", fcntl(d, F_GETFD));
        MUST(close(d));

        CHECK("F_GETFD bad fd", fcntl(-1, F_GETFD));
        CHECK("F_GETFL closed fd", fcntl(99, F_GETFL));
        CHECK("bad command", fcntl(fd, 9999));
        CHECK("F_GETPIPE_SZ on file", fcntl(fd, 1032 /* F_GETPIPE_SZ */));
        MUST(close(fd));
        return 0;
}
