/* read/write: basic I/O, short reads at EOF, and error paths. */
#include "t.h"

int main(void)
{
        char buf[64];
        int fd, rfd, wfd;

        MUST(fd = open("rw.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        CHECK("write 12", write(fd, "hello world\n", 12));
        CHECK("write 0 bytes", write(fd, "", 0));
        CHECK("write 6", write(fd, "again\n", 6));
        CHECK("read at EOF", read(fd, buf, sizeof buf));
        MUST(lseek(fd, 0, SEEK_SET));
        CHECK("read 5", read(fd, buf, 5));
        t_print_bytes("data", buf, 5);
        CHECK("read rest (short)", read(fd, buf, sizeof buf));
        t_print_bytes("rest", buf, 13);
        CHECK("read again at EOF", read(fd, buf, sizeof buf));
        CHECK("read 0 bytes", read(fd, buf, 0));
        CHECK("read NULL 0 bytes", read(fd, NULL, 0));
        MUST(close(fd));

        /* Access mode violations. */
        MUST(rfd = open("rw.txt", O_RDONLY));
        CHECK("write on O_RDONLY fd", write(rfd, "x", 1));
        MUST(wfd = open("rw.txt", O_WRONLY | O_APPEND));
        CHECK("read on O_WRONLY fd", read(wfd, buf, 1));
        CHECK("append write", write(wfd, "tail\n", 5));

        /* Bad pointers: raw syscalls so that libc cannot interfere. */
        CHECK("read into bad pointer", syscall(SYS_read, rfd, BADPTR, 4));
        CHECK("write from bad pointer", syscall(SYS_write, wfd, BADPTR, 4));
        CHECK("write from NULL", syscall(SYS_write, wfd, NULL, 4));

        /* Bad fds. */
        CHECK("read fd -1", read(-1, buf, 1));
        CHECK("write fd 999", write(999, buf, 1));
        MUST(close(rfd));
        CHECK("read closed fd", read(rfd, buf, 1));
        MUST(close(wfd));

        /* Directories. */
        MUST(mkdir("rw.dir", 0755));
        MUST(fd = open("rw.dir", O_RDONLY | O_DIRECTORY));
        CHECK("read on directory", read(fd, buf, sizeof buf));
        CHECK("write on directory fd", write(fd, "x", 1));
        MUST(close(fd));

        /* stdout itself. */
        fflush(stdout);
        CHECK("write to stdout", write(1, "direct line\n", 12));

        /* A large write and read back. */
        static char big[200000];
        for (int i = 0; i < (int)sizeof big; i++)
                big[i] = (char)('a' + i % 26);
        MUST(fd = open("rw.big", O_RDWR | O_CREAT | O_TRUNC, 0600));
        CHECK("large write", write(fd, big, sizeof big));
        MUST(lseek(fd, 0, SEEK_SET));
        static char back[200000];
        long got = 0, r;
        while ((r = read(fd, back + got, sizeof back - got)) > 0)
                got += r;
        SAY("large read total: %ld", got);
        YESNO("large read matches", got == (long)sizeof big && memcmp(big, back, sizeof big) == 0);
        MUST(close(fd));
        return 0;
}
