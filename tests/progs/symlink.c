/* symlink/symlinkat + readlink/readlinkat on links: targets, truncation, loops. */
#include "t.h"

int main(void)
{
        char buf[64];
        long r;

        t_write_file("target.txt", "target\n");
        MUST(mkdir("rl", 0755));

        CHECK("symlink", symlink("target.txt", "link1"));
        CHECK("symlink existing", symlink("target.txt", "link1"));
        CHECK("symlink to nonexistent (dangling)", symlink("does/not/exist", "dangling"));
        CHECK("symlink into missing dir", symlink("target.txt", "nodir/link"));
        CHECK("symlink empty target", symlink("", "emptytarget"));

        memset(buf, '#', sizeof buf);
        r = readlink("link1", buf, sizeof buf);
        SAY("readlink link1: %ld", r);
        if (r > 0)
                t_print_bytes("  target", buf, r);
        YESNO("  no NUL appended", r > 0 && buf[r] == '#');
        r = readlink("link1", buf, 4);
        SAY("readlink truncated to 4: %ld", r);
        if (r > 0)
                t_print_bytes("  truncated", buf, r);
        CHECK("readlink bufsiz 0", raw_readlink("link1", buf, 0));
        CHECK("readlink bufsiz -1", raw_readlink("link1", buf, -1));
        CHECK("readlink bad buf", raw_readlink("link1", BADPTR, 10));
        r = readlink("dangling", buf, sizeof buf);
        SAY("readlink dangling: %ld", r);
        if (r > 0)
                t_print_bytes("  target", buf, r);

        int dfd;
        MUST(dfd = open(".", O_RDONLY | O_DIRECTORY));
        CHECK("symlinkat", symlinkat("../target.txt", dfd, "rl/up"));
        r = readlinkat(dfd, "rl/up", buf, sizeof buf);
        SAY("readlinkat rl/up: %ld", r);
        if (r > 0)
                t_print_bytes("  target", buf, r);
        int sub;
        MUST(sub = open("rl", O_RDONLY | O_DIRECTORY));
        r = readlinkat(sub, "up", buf, sizeof buf);
        SAY("readlinkat sub up: %ld", r);
        CHECK("readlinkat regular", readlinkat(dfd, "target.txt", buf, sizeof buf));
        /* Following the link reads the target file. */
        int fd = open("rl/up", O_RDONLY);
        if (fd >= 0) {
                r = read(fd, buf, sizeof buf);
                t_print_bytes("read via link", buf, r);
                close(fd);
        } else {
                SAY("open via link: -1 %s", errname(errno));
        }
        CHECK("open O_NOFOLLOW on link", open("link1", O_RDONLY | O_NOFOLLOW));
        CHECK("symlink loop a->b", symlink("loop_b", "loop_a"));
        CHECK("symlink loop b->a", symlink("loop_a", "loop_b"));
        CHECK("open symlink loop", open("loop_a", O_RDONLY));
        MUST(close(sub));
        MUST(close(dfd));
        return 0;
}
