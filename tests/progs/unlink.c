/* unlink/unlinkat: files, AT_REMOVEDIR, EISDIR and friends. */
#include "t.h"

int main(void)
{
        int dfd, fd;
        char buf[16];

        t_write_file("u1", "one");
        t_write_file("u2", "two");
        t_write_file("keep", "kept");
        MUST(mkdir("ud", 0755));
        MUST(mkdir("ud/sub", 0755));
        t_write_file("ud/f", "in dir");

        CHECK("unlink u1", unlink("u1"));
        CHECK("unlink u1 again", unlink("u1"));
        CHECK("access u1 after unlink", access("u1", F_OK));
        CHECK("unlink directory", unlink("ud/sub"));
        CHECK("unlink missing/x", unlink("missing/x"));
        CHECK("unlink file/x", unlink("keep/x"));
        CHECK("unlink empty", unlink(""));
        CHECK("unlink bad pointer", raw_unlink(BADPTR));
        CHECK("unlink .", unlink("."));

        /* Open file stays readable after unlink. */
        MUST(fd = open("u2", O_RDONLY));
        CHECK("unlink open file", unlink("u2"));
        CHECK("read unlinked-but-open", read(fd, buf, sizeof buf));
        struct stat st;
        MUST(fstat(fd, &st));
        SAY("fstat nlink after unlink: %ld", (long)st.st_nlink);
        MUST(close(fd));

        MUST(dfd = open("ud", O_RDONLY | O_DIRECTORY));
        CHECK("unlinkat dfd f", unlinkat(dfd, "f", 0));
        CHECK("unlinkat dfd sub (no flag)", unlinkat(dfd, "sub", 0));
        CHECK("unlinkat AT_REMOVEDIR on file", unlinkat(AT_FDCWD, "keep", AT_REMOVEDIR));
        CHECK("unlinkat bad flags", unlinkat(dfd, "sub", 0x1));
        CHECK("unlinkat bad dirfd", unlinkat(-1, "sub", AT_REMOVEDIR));
        CHECK("unlinkat AT_REMOVEDIR sub", unlinkat(dfd, "sub", AT_REMOVEDIR));
        CHECK("unlinkat AT_REMOVEDIR again", unlinkat(dfd, "sub", AT_REMOVEDIR));
        MUST(close(dfd));
        MUST(mkdir("ud/nonempty", 0755));
        t_write_file("ud/nonempty/x", "x");
        CHECK("unlinkat AT_REMOVEDIR non-empty", unlinkat(AT_FDCWD, "ud/nonempty", AT_REMOVEDIR));

        /* The name can be reused immediately. */
        t_write_file("u1", "reborn");
        CHECK("access u1 recreated", access("u1", F_OK));
        return 0;
}
