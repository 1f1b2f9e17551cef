/* openat: relative to a directory fd, AT_FDCWD, absolute paths, errors. */
#include "t.h"

int main(void)
{
        int dfd, fd, ffd;
        char buf[32];

        MUST(mkdir("base", 0755));
        MUST(mkdir("base/sub", 0755));
        t_write_file("base/sub/f.txt", "in sub\n");
        t_write_file("top.txt", "top\n");

        CHECK_OK("open base O_DIRECTORY", dfd = open("base", O_RDONLY | O_DIRECTORY));
        CHECK_OK("openat dfd sub/f.txt", fd = openat(dfd, "sub/f.txt", O_RDONLY));
        CHECK("read", read(fd, buf, sizeof buf));
        t_print_bytes("data", buf, 7);
        MUST(close(fd));
        CHECK_OK("openat dfd create",
                 fd = openat(dfd, "made.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
        MUST(write(fd, "made via openat\n", 16));
        MUST(close(fd));
        CHECK("openat dfd create again O_EXCL",
              openat(dfd, "made.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
        CHECK_OK("openat dfd ..", fd = openat(dfd, "../top.txt", O_RDONLY));
        MUST(close(fd));
        CHECK_OK("openat AT_FDCWD", fd = openat(AT_FDCWD, "top.txt", O_RDONLY));
        MUST(close(fd));
        CHECK_OK("openat absolute path ignores dirfd", fd = openat(-1, "/dev/null", O_RDONLY));
        MUST(close(fd));
        CHECK_OK("openat dfd \".\"", fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY));
        MUST(close(fd));

        CHECK("openat bad dirfd -1", openat(-1, "top.txt", O_RDONLY));
        CHECK("openat bad dirfd 500", openat(500, "top.txt", O_RDONLY));
        MUST(ffd = open("top.txt", O_RDONLY));
        CHECK("openat file as dirfd", openat(ffd, "x", O_RDONLY));
        CHECK("openat missing under dfd", openat(dfd, "nope", O_RDONLY));
        CHECK("openat O_DIRECTORY on file", openat(dfd, "made.txt", O_RDONLY | O_DIRECTORY));
        CHECK("openat bad pointer", syscall(SYS_openat, dfd, BADPTR, O_RDONLY));
        MUST(close(ffd));

        /* O_PATH descriptors: usable as dirfd, not for reading. */
        int pfd;
        CHECK_OK("open O_PATH dir", pfd = open("base/sub", O_PATH));
        CHECK_OK("openat via O_PATH dirfd", fd = openat(pfd, "f.txt", O_RDONLY));
        MUST(close(fd));
        CHECK("read on O_PATH fd", read(pfd, buf, 1));
        MUST(close(pfd));

        /* dirfd stays valid after the directory is renamed. */
        MUST(rename("base", "base2"));
        CHECK_OK("openat after rename of dir", fd = openat(dfd, "sub/f.txt", O_RDONLY));
        MUST(close(fd));
        MUST(close(dfd));
        return 0;
}
