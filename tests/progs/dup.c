/* dup/dup2/dup3: numbering, shared offsets, CLOEXEC, and errors. */
#include "t.h"

int main(void)
{
        int fd, d, e;
        char c;

        MUST(fd = open("dup.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "abcdef", 6));
        MUST(lseek(fd, 0, SEEK_SET));
        CHECK("dup", d = dup(fd));
        YESNO("dup is lowest free", d == fd + 1);
        MUST(read(fd, &c, 1));
        CHECK("offset shared via dup", lseek(d, 0, SEEK_CUR));
        MUST(read(d, &c, 1));
        SAY("read via dup: %c", c);
        CHECK("dup bad fd", dup(-1));
        CHECK("dup closed fd", dup(777));

        CHECK("dup2 to 30", dup2(fd, 30));
        CHECK("dup2 to same fd", dup2(fd, fd));
        CHECK("dup2 bad old to same", dup2(555, 555));
        CHECK("dup2 bad oldfd", dup2(-1, 31));
        CHECK("dup2 negative newfd", dup2(fd, -1));
        CHECK("dup2 newfd huge", dup2(fd, 1 << 30));
        MUST(e = open("dup.txt", O_RDONLY));
        CHECK("dup2 onto open fd", dup2(fd, e));
        CHECK("offset shared after dup2 onto open fd", lseek(e, 0, SEEK_CUR));
        MUST(close(e));
        CHECK("F_GETFD of dup2 copy", fcntl(30, F_GETFD));

        CHECK("dup3 O_CLOEXEC to 40", dup3(fd, 40, O_CLOEXEC));
        CHECK("F_GETFD of dup3 copy", fcntl(40, F_GETFD));
        CHECK("dup3 same fd", syscall(SYS_dup3, fd, fd, 0));
        CHECK("dup3 same fd O_CLOEXEC", syscall(SYS_dup3, fd, fd, O_CLOEXEC));
        CHECK("dup3 bad flags", syscall(SYS_dup3, fd, 41, 0x4));
        CHECK("dup3 bad oldfd", dup3(-1, 41, 0));
        CHECK("dup3 O_CLOEXEC replaces open fd", dup3(fd, 30, O_CLOEXEC));
        CHECK("F_GETFD of replaced fd", fcntl(30, F_GETFD));

        /* Closing the original leaves the copy usable. */
        MUST(close(fd));
        CHECK("write via copy after close", write(d, "XY", 2));
        CHECK("write via closed original", write(fd, "XY", 2));
        MUST(close(d));
        MUST(close(30));
        MUST(close(40));

        /* Redirect stdout into a file with dup2 and restore it. */
        fflush(stdout);
        int saved;
        MUST(saved = dup(1));
        MUST(fd = open("redirected.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644));
        MUST(dup2(fd, 1));
        printf("this line goes to redirected.txt\n");
        fflush(stdout);
        MUST(dup2(saved, 1));
        MUST(close(saved));
        MUST(close(fd));
        SAY("stdout restored");
        return 0;
}
