/* fcntl record locks: F_SETLK/F_GETLK/F_OFD_* on a file; errors. */
#include "t.h"
#include <sys/file.h>

static void getlk(const char *label, int fd, int cmd, short type, off_t start, off_t len)
{
        struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
        if (fcntl(fd, cmd, &fl) == -1) {
                SAY("%s: -1 %s", label, errname(errno));
                return;
        }
        const char *t = fl.l_type == F_UNLCK   ? "F_UNLCK"
                        : fl.l_type == F_RDLCK ? "F_RDLCK"
                        : fl.l_type == F_WRLCK ? "F_WRLCK"
                                               : "?";
        if (fl.l_type == F_UNLCK)
                SAY("%s: %s", label, t);
        else
                SAY("%s: %s start %ld len %ld pid %s", label, t, (long)fl.l_start, (long)fl.l_len,
                    fl.l_pid == -1         ? "-1"
                    : fl.l_pid == getpid() ? "self"
                                           : "other");
}

static long setlk(int fd, int cmd, short type, off_t start, off_t len)
{
        struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
        return fcntl(fd, cmd, &fl);
}

int main(void)
{
        int fd, fd2, rfd, wfd;

        MUST(fd = open("lock.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "0123456789", 10));
        CHECK("F_SETLK write lock 0..4", setlk(fd, F_SETLK, F_WRLCK, 0, 5));
        getlk("F_GETLK own lock (no conflict)", fd, F_GETLK, F_WRLCK, 0, 5);
        CHECK("F_SETLK read lock 5..", setlk(fd, F_SETLK, F_RDLCK, 5, 0));
        CHECK("F_SETLKW upgrade", setlk(fd, F_SETLKW, F_WRLCK, 5, 0));
        CHECK("F_SETLK unlock all", setlk(fd, F_SETLK, F_UNLCK, 0, 0));

        /* OFD locks conflict between two open file descriptions, even in one process. */
        MUST(fd2 = open("lock.txt", O_RDWR));
        CHECK("F_OFD_SETLK write 0..9 on fd", setlk(fd, F_OFD_SETLK, F_WRLCK, 0, 10));
        CHECK("F_OFD_SETLK write 5..6 on fd2", setlk(fd2, F_OFD_SETLK, F_WRLCK, 5, 2));
        CHECK("F_OFD_SETLK read 5..6 on fd2", setlk(fd2, F_OFD_SETLK, F_RDLCK, 5, 2));
        getlk("F_OFD_GETLK from fd2", fd2, F_OFD_GETLK, F_RDLCK, 0, 0);
        getlk("F_OFD_GETLK from fd", fd, F_OFD_GETLK, F_WRLCK, 0, 0);
        CHECK("F_OFD_SETLK non-overlapping on fd2", setlk(fd2, F_OFD_SETLK, F_WRLCK, 20, 5));
        CHECK("F_OFD_SETLK unlock on fd", setlk(fd, F_OFD_SETLK, F_UNLCK, 0, 10));
        CHECK("F_OFD_SETLK fd2 now succeeds", setlk(fd2, F_OFD_SETLK, F_WRLCK, 5, 2));
        struct flock bad = {
            .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
        CHECK("F_OFD_SETLK with l_pid != 0", fcntl(fd, F_OFD_SETLK, &bad));
        MUST(close(fd2));

        CHECK("F_SETLK bad l_type", setlk(fd, F_SETLK, 42, 0, 1));
        struct flock wh = {.l_type = F_RDLCK, .l_whence = 7, .l_start = 0, .l_len = 1};
        CHECK("F_SETLK bad whence", fcntl(fd, F_SETLK, &wh));
        CHECK("F_SETLK negative start", setlk(fd, F_SETLK, F_RDLCK, -5, 1));
        CHECK("F_SETLK negative len", setlk(fd, F_SETLK, F_RDLCK, 5, -2));
        CHECK("F_GETLK bad pointer", fcntl(fd, F_GETLK, BADPTR));
        CHECK("F_SETLK bad fd", setlk(-1, F_SETLK, F_RDLCK, 0, 1));
        MUST(rfd = open("lock.txt", O_RDONLY));
        CHECK("F_SETLK write lock on O_RDONLY", setlk(rfd, F_SETLK, F_WRLCK, 0, 1));
        CHECK("F_SETLK read lock on O_RDONLY", setlk(rfd, F_SETLK, F_RDLCK, 0, 1));
        MUST(wfd = open("lock.txt", O_WRONLY));
        CHECK("F_SETLK read lock on O_WRONLY", setlk(wfd, F_SETLK, F_RDLCK, 0, 1));
        MUST(close(rfd));
        MUST(close(wfd));

        CHECK("flock LOCK_EX", flock(fd, 2 /* LOCK_EX */));
        MUST(fd2 = open("lock.txt", O_RDONLY));
        CHECK("flock LOCK_EX|LOCK_NB second open", flock(fd2, 2 | 4));
        CHECK("flock LOCK_UN", flock(fd, 8));
        CHECK("flock LOCK_SH|LOCK_NB second open now", flock(fd2, 1 | 4));
        CHECK("flock bad op", flock(fd2, 0));
        MUST(close(fd2));
        MUST(close(fd));
        return 0;
}
