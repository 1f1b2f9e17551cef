/* mkdir/mkdirat/rmdir: modes and error paths. */
#include "t.h"

static void mode(const char *p)
{
        struct stat st;
        if (stat(p, &st) == 0)
                SAY("  %s: %s %03o", p, t_type(st.st_mode), (unsigned)(st.st_mode & 0777));
        else
                SAY("  %s: %s", p, errname(errno));
}

int main(void)
{
        int dfd;

        umask(022);
        CHECK("mkdir d1", mkdir("d1", 0777));
        mode("d1");
        CHECK("mkdir d1 again", mkdir("d1", 0777));
        CHECK("mkdir d1/ trailing slash", mkdir("d2/", 0700));
        mode("d2");
        CHECK("mkdir missing/parent", mkdir("missing/child", 0755));
        t_write_file("f", "x");
        CHECK("mkdir over file", mkdir("f", 0755));
        CHECK("mkdir under file", mkdir("f/sub", 0755));
        CHECK("mkdir empty", mkdir("", 0755));
        CHECK("mkdir bad pointer", raw_mkdir(BADPTR, 0755));
        CHECK("mkdir .", mkdir(".", 0755));
        CHECK("mkdir ..", mkdir("..", 0755));
        umask(0);
        CHECK("mkdir mode 0751 umask 0", mkdir("d751", 0751));
        mode("d751");
        CHECK("mkdir with sticky bit", mkdir("dsticky", 01777));
        struct stat st;
        MUST(stat("dsticky", &st));
        SAY("  sticky kept: %s, mode %03o", st.st_mode & S_ISVTX ? "yes" : "no",
            (unsigned)(st.st_mode & 0777));
        umask(022);

        CHECK("mkdir d1/a", mkdir("d1/a", 0755));
        CHECK("mkdir d1/a/b", mkdir("d1/a/b", 0755));
        MUST(dfd = open("d1", O_RDONLY | O_DIRECTORY));
        CHECK("mkdirat dfd c", mkdirat(dfd, "c", 0700));
        mode("d1/c");
        CHECK("mkdirat dfd c again", mkdirat(dfd, "c", 0700));
        CHECK("mkdirat bad dirfd", mkdirat(-1, "x", 0700));
        CHECK("mkdirat AT_FDCWD", mkdirat(AT_FDCWD, "d3", 0755));

        CHECK("rmdir non-empty d1/a", rmdir("d1/a"));
        CHECK("rmdir d1/a/b", rmdir("d1/a/b"));
        CHECK("rmdir d1/a now empty", rmdir("d1/a"));
        CHECK("rmdir missing", rmdir("d1/a"));
        CHECK("rmdir file", rmdir("f"));
        CHECK("rmdir .", rmdir("."));
        CHECK("rmdir d3/.", rmdir("d3/."));
        CHECK("rmdir ..", rmdir(".."));
        CHECK("rmdir empty", rmdir(""));
        CHECK("rmdir bad pointer", raw_rmdir(BADPTR));
        CHECK("rmdir d3/ trailing slash", rmdir("d3/"));
        mode("d3");
        CHECK("rmdir dir with only a subdir", rmdir("d1"));
        MUST(close(dfd));

        /* Removing the cwd. */
        MUST(mkdir("gone", 0755));
        MUST(chdir("gone"));
        CHECK("rmdir cwd by path", rmdir("../gone"));
        CHECK("create in deleted cwd", open("x", O_CREAT | O_WRONLY, 0644));
        MUST(chdir(".."));
        return 0;
}
