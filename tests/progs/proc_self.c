/* /proc/self/cmdline matches argv; /proc/self/fd lists the fds we opened. */
//! args: first "second arg" third
#include "t.h"
#include <dirent.h>

static int cmp(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
        char buf[4096];
        int fd;

        CHECK_OK("open /proc/self/cmdline", fd = open("/proc/self/cmdline", O_RDONLY));
        long n = 0, r;
        while ((r = read(fd, buf + n, sizeof buf - n)) > 0)
                n += r;
        MUST(close(fd));
        long want = 0;
        for (int i = 0; i < argc; i++)
                want += strlen(argv[i]) + 1;
        YESNO("cmdline length matches argv", n == want);
        int match = n == want;
        char *q = buf;
        for (int i = 0; i < argc && match; i++) {
                if (strcmp(q, argv[i]) != 0)
                        match = 0;
                q += strlen(q) + 1;
        }
        YESNO("cmdline matches argv", match);
        SAY("argc: %d", argc);

        /* Open a few known files, then list /proc/self/fd. */
        t_write_file("fd_a.txt", "a");
        t_write_file("fd_b.txt", "b");
        int a, b, d;
        MUST(a = open("fd_a.txt", O_RDONLY));
        MUST(b = open("fd_b.txt", O_WRONLY));
        MUST(d = dup2(a, 20));
        DIR *dir = opendir("/proc/self/fd");
        if (!dir) {
                SAY("opendir /proc/self/fd: %s", errname(errno));
                return 1;
        }
        int fds[64], k = 0;
        struct dirent *e;
        while ((e = readdir(dir)) && k < 64) {
                if (e->d_name[0] == '.')
                        continue;
                fds[k++] = atoi(e->d_name);
        }
        int self = dirfd(dir);
        qsort(fds, k, sizeof fds[0], cmp);
        printf("fds (excluding the listing's own):");
        for (int i = 0; i < k; i++)
                if (fds[i] != self)
                        printf(" %d", fds[i]);
        printf("\n");
        closedir(dir);

        int mine[3] = {a, b, d};
        for (int i = 0; i < 3; i++) {
                char path[64], target[4096];
                snprintf(path, sizeof path, "/proc/self/fd/%d", mine[i]);
                long len = readlink(path, target, sizeof target - 1);
                if (len < 0) {
                        SAY("readlink fd %d: %s", mine[i], errname(errno));
                        continue;
                }
                target[len] = 0;
                const char *base = strrchr(target, '/');
                SAY("fd %d -> .../%s (absolute: %s)", mine[i], base ? base + 1 : target,
                    target[0] == '/' ? "yes" : "no");
        }
        MUST(close(b));
        CHECK("closed fd no longer listed", access("/proc/self/fd/4", F_OK));
        CHECK("open fd listed", access("/proc/self/fd/3", F_OK));

        /* /proc/self/exe names our program. */
        long len = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (len > 0) {
                buf[len] = 0;
                const char *base = strrchr(buf, '/');
                const char *a0 = strrchr(argv[0], '/');
                YESNO("/proc/self/exe basename == argv[0] basename",
                      base && a0 && strcmp(base, a0) == 0);
        } else {
                SAY("readlink /proc/self/exe: %s", errname(errno));
        }
        /* /proc/self/stat starts with our pid. */
        MUST(fd = open("/proc/self/stat", O_RDONLY));
        n = read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        MUST(close(fd));
        YESNO("/proc/self/stat starts with getpid()", atoi(buf) == getpid());
        return 0;
}
