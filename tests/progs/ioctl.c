/* ioctl: TCGETS/TIOCGWINSZ on files (ENOTTY), FIONREAD, FIONBIO, FIOCLEX. */
#include "t.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
        int fd, p[2], n;
        struct termios tio;
        struct winsize ws;

        MUST(fd = open("io.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "0123456789", 10));
        CHECK("TCGETS on regular file", ioctl(fd, TCGETS, &tio));
        CHECK("TIOCGWINSZ on regular file", ioctl(fd, TIOCGWINSZ, &ws));
        CHECK("isatty(file)", isatty(fd));
        CHECK("TCGETS on stdout (a pipe)", ioctl(1, TCGETS, &tio));
        CHECK("isatty(stdout)", isatty(1));
        MUST(lseek(fd, 3, SEEK_SET));
        n = -1;
        CHECK("FIONREAD on regular file", ioctl(fd, FIONREAD, &n));
        SAY("  bytes: %d", n);

        MUST(pipe(p));
        n = -1;
        CHECK("FIONREAD empty pipe", ioctl(p[0], FIONREAD, &n));
        SAY("  bytes: %d", n);
        MUST(write(p[1], "hello", 5));
        CHECK("FIONREAD pipe", ioctl(p[0], FIONREAD, &n));
        SAY("  bytes: %d", n);
        CHECK("FIONREAD bad pointer", syscall(SYS_ioctl, p[0], FIONREAD, BADPTR));
        CHECK("TCGETS on pipe", ioctl(p[0], TCGETS, &tio));

        int on = 1;
        CHECK("FIONBIO on", ioctl(p[0], FIONBIO, &on));
        CHECK("F_GETFL O_NONBLOCK", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
        char buf[16];
        MUST(read(p[0], buf, sizeof buf));
        CHECK("read empty after FIONBIO", read(p[0], buf, sizeof buf));
        on = 0;
        CHECK("FIONBIO off", ioctl(p[0], FIONBIO, &on));
        CHECK("F_GETFL O_NONBLOCK", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);

        CHECK("FIOCLEX", ioctl(fd, FIOCLEX));
        CHECK("F_GETFD", fcntl(fd, F_GETFD));
        CHECK("FIONCLEX", ioctl(fd, FIONCLEX));
        CHECK("F_GETFD", fcntl(fd, F_GETFD));

        CHECK("ioctl bad fd", ioctl(-1, FIONREAD, &n));
        CHECK("ioctl unknown request on file", ioctl(fd, 0x12345678, &n));
        CHECK("ioctl unknown request on pipe", ioctl(p[0], 0x12345678, &n));
        int dn;
        MUST(dn = open("/dev/null", O_RDWR));
        CHECK("TCGETS on /dev/null", ioctl(dn, TCGETS, &tio));
        MUST(close(dn));
        MUST(close(p[0]));
        MUST(close(p[1]));
        MUST(close(fd));
        return 0;
}
