/* readlink/readlinkat: error paths that need no symlink support. */
#include "t.h"

int main(void)
{
        char buf[64];
        long r;

        t_write_file("target.txt", "target\n");
        MUST(mkdir("rl", 0755));

        CHECK("readlink missing", readlink("missing", buf, sizeof buf));
        CHECK("readlink regular file", readlink("target.txt", buf, sizeof buf));
        CHECK("readlink directory", readlink("rl", buf, sizeof buf));
        CHECK("readlink empty path", readlink("", buf, sizeof buf));
        CHECK("readlink file/x", readlink("target.txt/x", buf, sizeof buf));
        CHECK("readlink bad path", raw_readlink(BADPTR, buf, sizeof buf));
        CHECK("readlinkat bad dirfd", readlinkat(-7, "x", buf, sizeof buf));

        int dfd;
        MUST(dfd = open(".", O_RDONLY | O_DIRECTORY));
        CHECK("readlinkat regular", readlinkat(dfd, "target.txt", buf, sizeof buf));
        CHECK("readlinkat missing", readlinkat(dfd, "missing", buf, sizeof buf));
        CHECK("readlinkat file as dirfd",
              readlinkat(open("target.txt", O_RDONLY), "x", buf, sizeof buf));
        CHECK("readlinkat bad pointer", syscall(SYS_readlinkat, dfd, BADPTR, buf, sizeof buf));
        CHECK("readlinkat empty path on dirfd", readlinkat(dfd, "", buf, sizeof buf));
        CHECK("readlink /proc/self/exe > 0", readlink("/proc/self/exe", buf, sizeof buf) > 0);
        MUST(close(dfd));
        (void)r;
        return 0;
}
