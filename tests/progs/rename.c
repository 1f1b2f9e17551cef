/* rename/renameat/renameat2: overwrite, NOREPLACE, EXCHANGE and errors. */
#include "t.h"

static void cat(const char *p)
{
        char buf[64];
        int fd = open(p, O_RDONLY);
        if (fd < 0) {
                SAY("  %s: %s", p, errname(errno));
                return;
        }
        long n = read(fd, buf, sizeof buf);
        close(fd);
        char label[80];
        snprintf(label, sizeof label, "  %s", p);
        t_print_bytes(label, buf, n);
}

int main(void)
{
        int dfd;

        t_write_file("a", "A");
        t_write_file("b", "B");
        t_write_file("c", "C");
        MUST(mkdir("d1", 0755));
        MUST(mkdir("d2", 0755));
        MUST(mkdir("full", 0755));
        t_write_file("full/x", "X");

        CHECK("rename a -> a2", rename("a", "a2"));
        cat("a2");
        cat("a");
        CHECK("rename onto existing file", rename("a2", "b"));
        cat("b");
        CHECK("rename missing", rename("nope", "x"));
        CHECK("rename into missing dir", rename("b", "nodir/b"));
        CHECK("rename file onto dir", rename("b", "d1"));
        CHECK("rename dir onto file", rename("d1", "b"));
        CHECK("rename dir onto non-empty dir", rename("d1", "full"));
        CHECK("rename dir onto empty dir", rename("d1", "d2"));
        CHECK("access d1 gone", access("d1", F_OK));
        CHECK("rename dir into itself", rename("d2", "d2/inside"));
        CHECK("rename same file", rename("b", "b"));
        cat("b");
        CHECK("rename file/ trailing slash", rename("b/", "b2"));
        CHECK("rename bad pointer", raw_rename(BADPTR, "x"));
        CHECK("rename empty", rename("", "x"));
        CHECK("rename . ", rename(".", "dot"));
        CHECK("rename dir with trailing slash", rename("d2/", "d3/"));

        MUST(dfd = open("full", O_RDONLY | O_DIRECTORY));
        CHECK("renameat dfd x -> cwd y", renameat(dfd, "x", AT_FDCWD, "y"));
        cat("y");
        CHECK("renameat cwd c -> dfd c", renameat(AT_FDCWD, "c", dfd, "c"));
        cat("full/c");
        CHECK("renameat bad dirfd", renameat(-1, "y", AT_FDCWD, "z"));

        t_write_file("p", "P");
        t_write_file("q", "Q");
        CHECK("renameat2 NOREPLACE onto existing",
              syscall(SYS_renameat2, AT_FDCWD, "p", AT_FDCWD, "q", RENAME_NOREPLACE));
        cat("p");
        cat("q");
        CHECK("renameat2 NOREPLACE to new",
              syscall(SYS_renameat2, AT_FDCWD, "p", AT_FDCWD, "p2", RENAME_NOREPLACE));
        CHECK("renameat2 EXCHANGE",
              syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "q", RENAME_EXCHANGE));
        cat("p2");
        cat("q");
        CHECK("renameat2 EXCHANGE with missing",
              syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "none", RENAME_EXCHANGE));
        CHECK("renameat2 EXCHANGE file and dir",
              syscall(SYS_renameat2, AT_FDCWD, "q", AT_FDCWD, "full", RENAME_EXCHANGE));
        cat("full");
        cat("q/c");
        CHECK("renameat2 NOREPLACE|EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "y",
                                                      RENAME_NOREPLACE | RENAME_EXCHANGE));
        CHECK("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "y", 0x100));
        CHECK("renameat2 flags 0", syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "final", 0));
        MUST(close(dfd));

        /* Open fd follows the renamed file. */
        int fd;
        MUST(fd = open("final", O_RDWR | O_APPEND));
        MUST(rename("final", "final2"));
        CHECK("write after rename", write(fd, "+", 1));
        MUST(close(fd));
        cat("final2");
        return 0;
}
