/* readv/writev: gather and scatter, and error paths. */
#include "t.h"
#include <limits.h>
#include <sys/uio.h>

int main(void)
{
        int fd;
        char a[4], b[6], c[32];
        struct iovec w[3] = {
            {"abc", 3},
            {"", 0},
            {"defghij\n", 8},
        };

        MUST(fd = open("rwv.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        CHECK("writev 3 iovs", writev(fd, w, 3));
        CHECK("writev 0 iovs", writev(fd, w, 0));
        MUST(lseek(fd, 0, SEEK_SET));
        struct iovec r[3] = {{a, sizeof a}, {b, sizeof b}, {c, sizeof c}};
        CHECK("readv", readv(fd, r, 3));
        t_print_bytes("iov0", a, 4);
        t_print_bytes("iov1", b, 6);
        t_print_bytes("iov2", c, 1);
        CHECK("readv at EOF", readv(fd, r, 3));

        CHECK("writev iovcnt -1", syscall(SYS_writev, fd, w, -1));
        CHECK("writev iovcnt IOV_MAX+1", syscall(SYS_writev, fd, w, IOV_MAX + 1));
        CHECK("writev bad iov pointer", syscall(SYS_writev, fd, BADPTR, 1));
        struct iovec bad[2] = {{"ok", 2}, {BADPTR, 5}};
        CHECK("writev bad base in 2nd iov", syscall(SYS_writev, fd, bad, 2));
        struct iovec badr[1] = {{BADPTR, 5}};
        MUST(lseek(fd, 0, SEEK_SET));
        CHECK("readv bad base", syscall(SYS_readv, fd, badr, 1));
        CHECK("readv bad fd", readv(-1, r, 1));
        CHECK("writev bad fd", writev(77, w, 1));

        /* Total length overflowing ssize_t. */
        struct iovec huge[2] = {{a, (size_t)SSIZE_MAX}, {b, (size_t)SSIZE_MAX}};
        CHECK("writev total > SSIZE_MAX", syscall(SYS_writev, fd, huge, 2));
        MUST(close(fd));

        /* writev to stdout keeps ordering with stdio if flushed. */
        fflush(stdout);
        struct iovec o[2] = {{"writev ", 7}, {"to stdout\n", 10}};
        CHECK("writev stdout", writev(1, o, 2));
        return 0;
}
