/* getcwd/chdir/fchdir: relations only (absolute paths differ between runs). */
#include "t.h"

static int ends_with(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

int main(void)
{
        char start[4096], cur[4096], small[2];
        long r;

        MUST(mkdir("cw", 0755));
        MUST(mkdir("cw/deeper", 0755));
        t_write_file("cw/file", "f");

        CHECK_OK("getcwd", getcwd(start, sizeof start) ? 0 : -1);
        YESNO("cwd is absolute", start[0] == '/');
        r = syscall(SYS_getcwd, cur, sizeof cur);
        YESNO("raw getcwd returns strlen+1", r == (long)strlen(start) + 1);
        CHECK("getcwd size 1 (ERANGE)", syscall(SYS_getcwd, small, 1));
        CHECK("getcwd size 0", syscall(SYS_getcwd, small, 0));
        CHECK("getcwd bad pointer", syscall(SYS_getcwd, BADPTR, 4096));
        r = syscall(SYS_getcwd, cur, strlen(start));
        SAY("getcwd exactly strlen bytes: %s", r == -1 ? errname(errno) : "ok");
        r = syscall(SYS_getcwd, cur, strlen(start) + 1);
        SAY("getcwd strlen+1 bytes: %s", r == -1 ? errname(errno) : "ok");

        CHECK("chdir cw", chdir("cw"));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("cwd ends with /cw", ends_with(cur, "/cw"));
        YESNO("cwd extends start", strncmp(cur, start, strlen(start)) == 0);
        CHECK("chdir deeper", chdir("deeper"));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("cwd ends with /cw/deeper", ends_with(cur, "/cw/deeper"));
        t_write_file("made_in_deeper.txt", "relative create\n");
        CHECK("chdir ../..", chdir("../.."));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("back at start", strcmp(cur, start) == 0);
        CHECK("access via relative path", access("cw/deeper/made_in_deeper.txt", F_OK));

        CHECK("chdir missing", chdir("missing"));
        CHECK("chdir file", chdir("cw/file"));
        CHECK("chdir empty", chdir(""));
        CHECK("chdir bad pointer", syscall(SYS_chdir, BADPTR));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("failed chdirs left cwd alone", strcmp(cur, start) == 0);

        int dfd, ffd;
        MUST(dfd = open("cw/deeper", O_RDONLY | O_DIRECTORY));
        CHECK("fchdir dir fd", fchdir(dfd));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("fchdir went to cw/deeper", ends_with(cur, "/cw/deeper"));
        CHECK("chdir back by absolute path", chdir(start));
        MUST(ffd = open("cw/file", O_RDONLY));
        CHECK("fchdir file fd", fchdir(ffd));
        CHECK("fchdir -1", fchdir(-1));
        MUST(close(dfd));
        CHECK("fchdir closed fd", fchdir(dfd));
        MUST(close(ffd));

        CHECK("chdir /", chdir("/"));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        SAY("cwd after chdir /: %s", cur);
        CHECK("chdir back", chdir(start));
        CHECK("chdir .", chdir("."));
        MUST(getcwd(cur, sizeof cur) ? 0 : -1);
        YESNO("chdir . is a no-op", strcmp(cur, start) == 0);

        /* getcwd(NULL, 0) allocates (libc extension). */
        char *dyn = getcwd(NULL, 0);
        YESNO("getcwd(NULL,0) matches", dyn && strcmp(dyn, start) == 0);
        free(dyn);
        return 0;
}
