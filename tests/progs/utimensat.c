/* utimensat/futimens/utimes: set explicit times, read them back; errors. */
#include "t.h"
#include <sys/time.h>
#include <utime.h>

static void times_of(const char *label, const char *p)
{
        struct stat st;
        if (stat(p, &st) != 0) {
                SAY("%s: %s", label, errname(errno));
                return;
        }
        SAY("%s: atime %ld.%09ld mtime %ld.%09ld", label, (long)st.st_atim.tv_sec,
            (long)st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

int main(void)
{
        int fd, dfd;
        struct stat st;

        t_write_file("tm.txt", "times");
        struct timespec ts[2] = {{1000000000, 111}, {1234567890, 500000000}};
        CHECK("utimensat explicit", utimensat(AT_FDCWD, "tm.txt", ts, 0));
        times_of("after explicit", "tm.txt");

        struct timespec omit[2] = {{0, UTIME_OMIT}, {1600000000, 0}};
        CHECK("utimensat atime UTIME_OMIT", utimensat(AT_FDCWD, "tm.txt", omit, 0));
        times_of("after OMIT", "tm.txt");

        struct timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
        CHECK("utimensat atime UTIME_NOW", utimensat(AT_FDCWD, "tm.txt", now, 0));
        MUST(stat("tm.txt", &st));
        YESNO("atime now after 2020", st.st_atime > 1577836800);
        SAY("mtime kept: %ld", (long)st.st_mtime);

        CHECK("utimensat NULL (both now)", utimensat(AT_FDCWD, "tm.txt", NULL, 0));
        MUST(stat("tm.txt", &st));
        YESNO("mtime now after 2020", st.st_mtime > 1577836800);

        struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
        CHECK("utimensat tv_nsec 1e9", utimensat(AT_FDCWD, "tm.txt", bad, 0));
        struct timespec neg[2] = {{0, -1}, {0, 0}};
        CHECK("utimensat tv_nsec -1", utimensat(AT_FDCWD, "tm.txt", neg, 0));
        CHECK("utimensat missing", utimensat(AT_FDCWD, "missing", ts, 0));
        CHECK("utimensat bad flags", utimensat(AT_FDCWD, "tm.txt", ts, 0x1));
        CHECK("utimensat bad times pointer", syscall(SYS_utimensat, AT_FDCWD, "tm.txt", BADPTR, 0));
        CHECK("utimensat bad dirfd", utimensat(-1, "tm.txt", ts, 0));

        MUST(fd = open("tm.txt", O_RDONLY));
        struct timespec f[2] = {{2000000000, 0}, {1500000000, 42}};
        CHECK("futimens", futimens(fd, f));
        times_of("after futimens", "tm.txt");
        CHECK("utimensat fd NULL path (futimens raw)", syscall(SYS_utimensat, fd, NULL, ts, 0));
        times_of("after raw NULL path", "tm.txt");
        MUST(close(fd));
        CHECK("futimens closed fd", futimens(fd, f));

        struct timeval tv[2] = {{300000000, 5}, {400000000, 6}};
        CHECK("utimes", utimes("tm.txt", tv));
        times_of("after utimes", "tm.txt");
        struct utimbuf ub = {500000000, 600000000};
        CHECK("utime", utime("tm.txt", &ub));
        times_of("after utime", "tm.txt");

        MUST(mkdir("tdir", 0755));
        MUST(dfd = open(".", O_RDONLY | O_DIRECTORY));
        CHECK("utimensat on dir via dirfd", utimensat(dfd, "tdir", ts, 0));
        times_of("dir", "tdir");
        if (symlink("tm.txt", "tlink") == 0) {
                CHECK("utimensat AT_SYMLINK_NOFOLLOW",
                      utimensat(dfd, "tlink", f, AT_SYMLINK_NOFOLLOW));
                times_of("target unchanged", "tm.txt");
                MUST(lstat("tlink", &st));
                SAY("link mtime: %ld", (long)st.st_mtime);
        }
        MUST(close(dfd));
        return 0;
}
