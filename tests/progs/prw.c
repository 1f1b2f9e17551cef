/* pread64/pwrite64: positional I/O leaves the offset alone; errors. */
#include "t.h"

int main(void)
{
        int fd, p[2];
        char buf[32];

        MUST(fd = open("prw.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "0123456789", 10));
        CHECK("offset after write", lseek(fd, 0, SEEK_CUR));
        CHECK("pread 4 at 3", pread(fd, buf, 4, 3));
        t_print_bytes("pread data", buf, 4);
        CHECK("offset unchanged", lseek(fd, 0, SEEK_CUR));
        CHECK("pwrite 2 at 1", pwrite(fd, "AB", 2, 1));
        CHECK("offset still unchanged", lseek(fd, 0, SEEK_CUR));
        CHECK("pread past EOF", pread(fd, buf, 4, 100));
        CHECK("pread straddling EOF", pread(fd, buf, 10, 8));
        CHECK("pwrite far (makes a hole)", pwrite(fd, "Z", 1, 20));
        CHECK("pread hole", pread(fd, buf, 11, 10));
        t_print_bytes("hole data", buf, 11);
        CHECK("pread negative offset", pread(fd, buf, 1, -1));
        CHECK("pwrite negative offset", pwrite(fd, "x", 1, -5));
        CHECK("pread bad pointer", syscall(SYS_pread64, fd, BADPTR, 4, 0));
        CHECK("pread bad fd", pread(-1, buf, 1, 0));
        MUST(close(fd));

        /* O_APPEND: Linux appends pwrite data regardless of the offset. */
        MUST(fd = open("prw.txt", O_RDWR | O_APPEND));
        CHECK("pwrite on O_APPEND at 0", pwrite(fd, "++", 2, 0));
        CHECK("size after O_APPEND pwrite", lseek(fd, 0, SEEK_END));
        CHECK("pread first 3", pread(fd, buf, 3, 0));
        t_print_bytes("first 3", buf, 3);
        MUST(close(fd));

        MUST(pipe(p));
        CHECK("pread on pipe", pread(p[0], buf, 1, 0));
        CHECK("pwrite on pipe", pwrite(p[1], "x", 1, 0));
        MUST(close(p[0]));
        MUST(close(p[1]));

        MUST(mkdir("prw.d", 0755));
        MUST(fd = open("prw.d", O_RDONLY));
        CHECK("pread on directory", pread(fd, buf, 1, 0));
        MUST(close(fd));
        return 0;
}
