/* close / close_range: EBADF and descriptor reuse. */
#include "t.h"

int main(void)
{
        int fd;

        MUST(fd = open("close.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644));
        CHECK("close open fd", close(fd));
        CHECK("close again", close(fd));
        CHECK("close -1", close(-1));
        CHECK("close 12345", close(12345));
        CHECK("close INT_MAX", close(0x7fffffff));
        CHECK("write after close", write(fd, "x", 1));

        int fds[6];
        for (int i = 0; i < 6; i++)
                MUST(fds[i] = open("close.txt", O_RDONLY));
        YESNO("six consecutive fds", fds[5] - fds[0] == 5);
        CHECK("close_range middle 4", syscall(SYS_close_range, fds[1], fds[4], 0));
        CHECK("fcntl on closed by close_range", fcntl(fds[2], F_GETFD));
        CHECK_OK("fds[5] still open", fcntl(fds[5], F_GETFD));
        CHECK_OK("fds[0] still open", fcntl(fds[0], F_GETFD));
        CHECK("close_range first > last", syscall(SYS_close_range, 10, 5, 0));
        CHECK("close_range bad flags", syscall(SYS_close_range, fds[0], fds[0], 0x8000));
        CHECK("close_range CLOEXEC",
              syscall(SYS_close_range, fds[0], fds[0], 4 /* CLOSE_RANGE_CLOEXEC */));
        CHECK("F_GETFD after CLOSE_RANGE_CLOEXEC", fcntl(fds[0], F_GETFD));
        CHECK("close_range to ~0U", syscall(SYS_close_range, fds[0], ~0U, 0));
        CHECK("fds[5] closed by open-ended range", fcntl(fds[5], F_GETFD));

        /* stdio still works after closing stdin. */
        CHECK("close stdin", close(0));
        int n;
        MUST(n = open("close.txt", O_RDONLY));
        CHECK("new fd reuses 0", n);
        MUST(close(n));
        SAY("still printing");
        return 0;
}
