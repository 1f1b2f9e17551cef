/* link/linkat: hard links share data and inode; errors. */
#include "t.h"

int main(void)
{
        struct stat a, b;
        int dfd;

        t_write_file("orig.txt", "shared data\n");
        CHECK("link", link("orig.txt", "hard.txt"));
        MUST(stat("orig.txt", &a));
        MUST(stat("hard.txt", &b));
        YESNO("same inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
        SAY("nlink: %ld", (long)a.st_nlink);
        int fd;
        MUST(fd = open("hard.txt", O_WRONLY | O_APPEND));
        MUST(write(fd, "appended via link\n", 18));
        MUST(close(fd));
        MUST(stat("orig.txt", &a));
        SAY("orig size after write via link: %ld", (long)a.st_size);
        CHECK("link existing target", link("orig.txt", "hard.txt"));
        CHECK("link missing source", link("missing", "x"));
        MUST(mkdir("ld", 0755));
        CHECK("link a directory", link("ld", "ld2"));
        CHECK("link into missing dir", link("orig.txt", "nodir/x"));
        CHECK("link bad pointer", raw_link(BADPTR, "x"));

        MUST(dfd = open("ld", O_RDONLY | O_DIRECTORY));
        CHECK("linkat into dir", linkat(AT_FDCWD, "orig.txt", dfd, "inner.txt", 0));
        MUST(stat("orig.txt", &a));
        SAY("nlink: %ld", (long)a.st_nlink);
        CHECK("linkat bad flags", linkat(AT_FDCWD, "orig.txt", dfd, "y", 0x1));
        CHECK("linkat bad dirfd", linkat(-1, "orig.txt", dfd, "y", 0));
        CHECK("unlink original", unlink("orig.txt"));
        MUST(stat("hard.txt", &b));
        SAY("nlink after unlink: %ld, size %ld", (long)b.st_nlink, (long)b.st_size);
        if (symlink("hard.txt", "sym") == 0) {
                CHECK("linkat symlink no follow", linkat(AT_FDCWD, "sym", AT_FDCWD, "sym_hard", 0));
                CHECK("linkat AT_SYMLINK_FOLLOW",
                      linkat(AT_FDCWD, "sym", AT_FDCWD, "followed", AT_SYMLINK_FOLLOW));
                struct stat c;
                MUST(lstat("sym_hard", &c));
                SAY("sym_hard type: %s", t_type(c.st_mode));
                MUST(lstat("followed", &c));
                SAY("followed type: %s", t_type(c.st_mode));
        }
        MUST(close(dfd));
        return 0;
}
