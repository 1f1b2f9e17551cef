/* stat/fstat/lstat: size, type, mode, nlink of files made here; errors. */
#include "t.h"

static void show(const char *label, int r, struct stat *st)
{
        if (r != 0) {
                SAY("%s: -1 %s", label, errname(errno));
                return;
        }
        SAY("%s: type %s size %ld mode %03o nlink %ld", label, t_type(st->st_mode),
            S_ISDIR(st->st_mode) ? -1L : (long)st->st_size, (unsigned)(st->st_mode & 0777),
            S_ISDIR(st->st_mode) ? -1L : (long)st->st_nlink);
}

int main(void)
{
        struct stat st, st2;
        int fd, r;

        umask(022);
        t_write_file("s.txt", "twelve bytes");
        MUST(chmod("s.txt", 0640));
        errno = 0;
        r = stat("s.txt", &st);
        show("stat s.txt", r, &st);
        YESNO("st_blksize > 0", st.st_blksize > 0);
        YESNO("st_blocks >= 0", st.st_blocks >= 0);
        MUST(mkdir("sdir", 0751));
        r = stat("sdir", &st);
        show("stat sdir", r, &st);
        YESNO("dir nlink >= 1", st.st_nlink >= 1);
        r = stat("sdir/", &st);
        show("stat sdir/", r, &st);

        MUST(fd = open("s.txt", O_RDWR));
        r = fstat(fd, &st2);
        show("fstat s.txt", r, &st2);
        MUST(stat("s.txt", &st));
        YESNO("fstat ino == stat ino", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
        MUST(write(fd, "more", 4));
        r = fstat(fd, &st2);
        show("fstat after write", r, &st2);
        MUST(close(fd));
        YESNO("mtime after 2020", st2.st_mtime > 1577836800);

        /* hard link count */
        r = link("s.txt", "s.link");
        if (r == 0) {
                r = stat("s.txt", &st);
                show("stat after link", r, &st);
                MUST(unlink("s.link"));
        } else {
                SAY("link: -1 %s", errname(errno));
        }
        r = stat("s.txt", &st);
        show("stat after unlink of link", r, &st);

        /* lstat on a non-link is like stat */
        r = lstat("s.txt", &st);
        show("lstat s.txt", r, &st);
        if (symlink("s.txt", "s.sym") == 0) {
                r = lstat("s.sym", &st);
                SAY("lstat s.sym: type %s size %ld", t_type(st.st_mode), (long)st.st_size);
                r = stat("s.sym", &st);
                show("stat s.sym (follows)", r, &st);
        } else {
                SAY("symlink: -1 %s", errname(errno));
        }

        /* stdio descriptors */
        r = fstat(1, &st);
        SAY("fstat stdout: %s", r == 0 ? "ok" : errname(errno));
        int p[2];
        MUST(pipe(p));
        r = fstat(p[0], &st);
        SAY("fstat pipe: type %s", r == 0 ? t_type(st.st_mode) : errname(errno));
        MUST(close(p[0]));
        MUST(close(p[1]));
        r = stat("/dev/null", &st);
        SAY("stat /dev/null: type %s", r == 0 ? t_type(st.st_mode) : errname(errno));
        r = stat("/", &st);
        SAY("stat /: type %s", r == 0 ? t_type(st.st_mode) : errname(errno));

        /* errors */
        r = stat("nope", &st);
        show("stat missing", r, &st);
        r = stat("s.txt/x", &st);
        show("stat file/x", r, &st);
        r = stat("", &st);
        show("stat empty path", r, &st);
        r = lstat("nope/deeper", &st);
        show("lstat missing/deeper", r, &st);
        r = fstat(-1, &st);
        show("fstat -1", r, &st);
        r = fstat(4242, &st);
        show("fstat 4242", r, &st);
        CHECK("stat bad path pointer", raw_stat(BADPTR, &st));
        CHECK("stat bad buf pointer", raw_stat("s.txt", BADPTR));
        CHECK("fstat bad buf pointer", syscall(SYS_fstat, 1, BADPTR));
        CHECK("lstat bad buf pointer", raw_lstat("s.txt", BADPTR));
        return 0;
}
