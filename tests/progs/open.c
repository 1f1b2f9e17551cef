/* open: flags (O_CREAT|O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_CLOEXEC) and errors. */
#include "t.h"

static void show(const char *path)
{
        struct stat st;
        if (stat(path, &st) == 0)
                SAY("  %s: size %ld mode %03o", path, (long)st.st_size,
                    (unsigned)(st.st_mode & 0777));
        else
                SAY("  %s: stat failed %s", path, errname(errno));
}

int main(void)
{
        int fd;
        char buf[64];

        umask(022);
        CHECK_OK("open O_CREAT new", fd = open("new.txt", O_WRONLY | O_CREAT, 0640));
        MUST(write(fd, "first contents\n", 15));
        MUST(close(fd));
        show("new.txt");
        CHECK("open O_CREAT|O_EXCL existing", open("new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
        CHECK_OK("open O_CREAT|O_EXCL fresh",
                 fd = open("excl.txt", O_WRONLY | O_CREAT | O_EXCL, 0666));
        MUST(close(fd));
        show("excl.txt");
        CHECK_OK("open O_CREAT existing keeps data", fd = open("new.txt", O_RDWR | O_CREAT, 0600));
        MUST(close(fd));
        show("new.txt");

        CHECK_OK("open O_APPEND", fd = open("new.txt", O_WRONLY | O_APPEND));
        MUST(lseek(fd, 0, SEEK_SET));
        CHECK("write with O_APPEND", write(fd, "appended\n", 9));
        CHECK("offset after append write", lseek(fd, 0, SEEK_CUR));
        MUST(close(fd));
        show("new.txt");

        t_write_file("trunc.txt", "some data to be truncated\n");
        CHECK_OK("open O_TRUNC", fd = open("trunc.txt", O_RDWR | O_TRUNC));
        CHECK("read after O_TRUNC", read(fd, buf, sizeof buf));
        MUST(close(fd));
        show("trunc.txt");
        CHECK_OK("open O_RDONLY|O_TRUNC", fd = open("new.txt", O_RDONLY | O_TRUNC));
        MUST(close(fd));
        show("new.txt");

        MUST(mkdir("odir", 0755));
        CHECK_OK("open dir O_DIRECTORY", fd = open("odir", O_RDONLY | O_DIRECTORY));
        MUST(close(fd));
        CHECK_OK("open dir O_RDONLY", fd = open("odir", O_RDONLY));
        MUST(close(fd));
        CHECK("open file O_DIRECTORY", open("excl.txt", O_RDONLY | O_DIRECTORY));
        CHECK("open dir O_WRONLY", open("odir", O_WRONLY));
        CHECK("open dir O_RDWR", open("odir", O_RDWR));
        CHECK("open dir O_CREAT", open("odir", O_RDONLY | O_CREAT, 0644));
        CHECK("open dir/ O_CREAT (new name with slash)", open("newdir/", O_RDWR | O_CREAT, 0644));
        CHECK("open missing", open("missing.txt", O_RDONLY));
        CHECK("open missing/x", open("missing/x", O_RDONLY | O_CREAT, 0644));
        CHECK("open file/x (ENOTDIR)", open("excl.txt/x", O_RDONLY));
        CHECK("open file/ trailing slash", open("excl.txt/", O_RDONLY));
        CHECK("open empty path", open("", O_RDONLY));
        CHECK("open bad pointer", raw_open(BADPTR, O_RDONLY));
        CHECK("openat bad pointer", syscall(SYS_openat, AT_FDCWD, BADPTR, O_RDONLY));
        char longname[300];
        memset(longname, 'n', sizeof longname - 1);
        longname[sizeof longname - 1] = 0;
        CHECK("open name too long", open(longname, O_RDONLY | O_CREAT, 0644));
        CHECK("open O_EXCL without O_CREAT on existing", open("new.txt", O_RDONLY | O_EXCL) >= 0);

        CHECK_OK("open O_CLOEXEC", fd = open("new.txt", O_RDONLY | O_CLOEXEC));
        CHECK("F_GETFD with O_CLOEXEC", fcntl(fd, F_GETFD) & FD_CLOEXEC);
        MUST(close(fd));
        CHECK_OK("open no O_CLOEXEC", fd = open("new.txt", O_RDONLY));
        CHECK("F_GETFD without O_CLOEXEC", fcntl(fd, F_GETFD) & FD_CLOEXEC);
        CHECK("F_GETFL access mode", fcntl(fd, F_GETFL) & O_ACCMODE);
        MUST(close(fd));

        /* Lowest free descriptor is returned. */
        int a, b, c;
        MUST(a = open("new.txt", O_RDONLY));
        MUST(b = open("new.txt", O_RDONLY));
        MUST(c = open("new.txt", O_RDONLY));
        MUST(close(b));
        int d;
        MUST(d = open("new.txt", O_RDONLY));
        YESNO("reuses lowest free fd", d == b);
        YESNO("fds increase", a < b && b < c);
        MUST(close(a));
        MUST(close(c));
        MUST(close(d));

        /* Modes honour umask. */
        umask(077);
        MUST(fd = open("umasked.txt", O_WRONLY | O_CREAT, 0666));
        MUST(close(fd));
        show("umasked.txt");
        umask(022);

        /* Relative path with dot components. */
        CHECK_OK("open ./odir/../new.txt", fd = open("./odir/../new.txt", O_RDONLY));
        MUST(close(fd));
        return 0;
}
