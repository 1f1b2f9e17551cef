/* newfstatat: dirfd-relative, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, errors. */
#include "t.h"

static void show(const char *label, long r, struct stat *st)
{
        if (r != 0) {
                SAY("%s: -1 %s", label, errname(errno));
                return;
        }
        SAY("%s: type %s size %ld mode %03o", label, t_type(st->st_mode),
            S_ISREG(st->st_mode) ? (long)st->st_size : -1L, (unsigned)(st->st_mode & 0777));
}

int main(void)
{
        struct stat st;
        int dfd, fd;
        long r;

        umask(022);
        MUST(mkdir("fa", 0700));
        t_write_file("fa/inner.txt", "1234567");
        t_write_file("outer.txt", "abc");
        MUST(dfd = open("fa", O_RDONLY | O_DIRECTORY));

        errno = 0;
        r = fstatat(dfd, "inner.txt", &st, 0);
        show("fstatat dfd inner.txt", r, &st);
        r = fstatat(AT_FDCWD, "outer.txt", &st, 0);
        show("fstatat AT_FDCWD outer.txt", r, &st);
        r = fstatat(dfd, "", &st, AT_EMPTY_PATH);
        show("fstatat dfd \"\" AT_EMPTY_PATH", r, &st);
        MUST(fd = open("outer.txt", O_RDONLY));
        r = fstatat(fd, "", &st, AT_EMPTY_PATH);
        show("fstatat file fd AT_EMPTY_PATH", r, &st);
        r = fstatat(dfd, "", &st, 0);
        show("fstatat \"\" without AT_EMPTY_PATH", r, &st);
        r = fstatat(dfd, "..", &st, 0);
        show("fstatat dfd ..", r, &st);
        r = fstatat(dfd, "/", &st, 0);
        SAY("fstatat absolute /: %s", r == 0 ? t_type(st.st_mode) : errname(errno));
        r = fstatat(-1, "outer.txt", &st, 0);
        show("fstatat bad dirfd", r, &st);
        r = fstatat(fd, "x", &st, 0);
        show("fstatat file as dirfd", r, &st);
        r = fstatat(dfd, "missing", &st, 0);
        show("fstatat missing", r, &st);
        CHECK("newfstatat bad flags", syscall(SYS_newfstatat, dfd, "inner.txt", &st, 0x40000000));
        CHECK("newfstatat bad buf", syscall(SYS_newfstatat, dfd, "inner.txt", BADPTR, 0));
        CHECK("newfstatat bad path", syscall(SYS_newfstatat, dfd, BADPTR, &st, 0));
        if (symlinkat("inner.txt", dfd, "ln") == 0) {
                r = fstatat(dfd, "ln", &st, AT_SYMLINK_NOFOLLOW);
                show("fstatat link NOFOLLOW", r, &st);
                r = fstatat(dfd, "ln", &st, 0);
                show("fstatat link follow", r, &st);
        } else {
                SAY("symlinkat: -1 %s", errname(errno));
        }
        r = fstatat(dfd, "inner.txt", &st, AT_SYMLINK_NOFOLLOW);
        show("fstatat regular NOFOLLOW", r, &st);
        MUST(close(fd));
        MUST(close(dfd));
        return 0;
}
