/* access/faccessat/faccessat2: modes, flags and errors. */
#include "t.h"

int main(void)
{
        umask(022);
        t_write_file("a.txt", "data");
        MUST(chmod("a.txt", 0644));
        t_write_file("ax.sh", "#!/bin/sh\n");
        MUST(chmod("ax.sh", 0755));
        t_write_file("none.txt", "");
        MUST(chmod("none.txt", 0000));
        MUST(mkdir("ad", 0755));

        CHECK("access F_OK", access("a.txt", F_OK));
        CHECK("access R_OK", access("a.txt", R_OK));
        CHECK("access X_OK on 0644 file", access("a.txt", X_OK));
        CHECK("access X_OK on 0755 file", access("ax.sh", X_OK));
        CHECK("access R_OK|X_OK on 0755 file", access("ax.sh", R_OK | X_OK));
        CHECK("access X_OK on dir", access("ad", X_OK));
        CHECK("access X_OK on mode 000", access("none.txt", X_OK));
        CHECK("access F_OK mode 000", access("none.txt", F_OK));
        CHECK("access missing", access("missing", F_OK));
        CHECK("access file/x", access("a.txt/x", F_OK));
        CHECK("access bad mode", access("a.txt", 0x10));
        CHECK("access bad pointer", raw_access(BADPTR, F_OK));
        CHECK("access empty path", access("", F_OK));

        int dfd;
        MUST(dfd = open("ad", O_RDONLY | O_DIRECTORY));
        t_write_file("ad/in.txt", "x");
        CHECK("faccessat dfd in.txt", faccessat(dfd, "in.txt", R_OK, 0));
        CHECK("faccessat dfd missing", faccessat(dfd, "missing", R_OK, 0));
        CHECK("faccessat bad dirfd", faccessat(-3, "in.txt", R_OK, 0));
        CHECK("faccessat raw (no flags arg)", syscall(SYS_faccessat, dfd, "in.txt", F_OK));
        CHECK("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, dfd, "in.txt", R_OK, AT_EACCESS));
        CHECK("faccessat2 AT_SYMLINK_NOFOLLOW",
              syscall(SYS_faccessat2, dfd, "in.txt", F_OK, AT_SYMLINK_NOFOLLOW));
        CHECK("faccessat2 AT_EMPTY_PATH", syscall(SYS_faccessat2, dfd, "", F_OK, AT_EMPTY_PATH));
        CHECK("faccessat2 bad flags", syscall(SYS_faccessat2, dfd, "in.txt", F_OK, 0x1));
        CHECK("faccessat2 bad mode", syscall(SYS_faccessat2, dfd, "in.txt", 0x40, 0));
        CHECK("faccessat2 X_OK 0644", syscall(SYS_faccessat2, AT_FDCWD, "a.txt", X_OK, 0));
        MUST(close(dfd));
        return 0;
}
