/* /dev/null, /dev/zero, /dev/full, /dev/urandom. */
#include "t.h"

int main(void)
{
        int fd;
        char buf[256], b2[256];

        CHECK_OK("open /dev/null", fd = open("/dev/null", O_RDWR));
        CHECK("write /dev/null", write(fd, "discard me", 10));
        CHECK("read /dev/null", read(fd, buf, sizeof buf));
        CHECK("lseek /dev/null", lseek(fd, 100, SEEK_SET));
        MUST(close(fd));

        CHECK_OK("open /dev/zero", fd = open("/dev/zero", O_RDWR));
        memset(buf, 'x', sizeof buf);
        CHECK("read /dev/zero", read(fd, buf, sizeof buf));
        int zero = 1;
        for (unsigned i = 0; i < sizeof buf; i++)
                if (buf[i])
                        zero = 0;
        YESNO("all zero", zero);
        CHECK("write /dev/zero", write(fd, "x", 1));
        MUST(close(fd));

        CHECK_OK("open /dev/full", fd = open("/dev/full", O_RDWR));
        CHECK("write /dev/full", write(fd, "x", 1));
        memset(buf, 'x', sizeof buf);
        CHECK("read /dev/full", read(fd, buf, 8));
        YESNO("reads zeros", buf[0] == 0 && buf[7] == 0);
        MUST(close(fd));

        CHECK_OK("open /dev/urandom", fd = open("/dev/urandom", O_RDONLY));
        CHECK("read /dev/urandom", read(fd, buf, sizeof buf));
        CHECK("read /dev/urandom again", read(fd, b2, sizeof b2));
        YESNO("two reads differ", memcmp(buf, b2, sizeof buf) != 0);
        MUST(close(fd));
        CHECK_OK("open /dev/random", fd = open("/dev/random", O_RDONLY));
        CHECK("read /dev/random", read(fd, buf, 16));
        MUST(close(fd));

        struct stat st;
        const char *names[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/urandom"};
        for (int i = 0; i < 4; i++) {
                if (stat(names[i], &st) == 0)
                        SAY("stat %s: %s mode %03o", names[i], t_type(st.st_mode),
                            (unsigned)(st.st_mode & 0777));
                else
                        SAY("stat %s: %s", names[i], errname(errno));
        }
        CHECK("open /dev/does-not-exist", open("/dev/does-not-exist", O_RDONLY));

        /* stdio on /dev/null. */
        FILE *f = fopen("/dev/null", "w");
        YESNO("fopen /dev/null", f != NULL);
        YESNO("fprintf to /dev/null", fprintf(f, "hello %d\n", 42) == 9);
        YESNO("fclose", fclose(f) == 0);
        return 0;
}
