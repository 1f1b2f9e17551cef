/* getdents64: sorted names and types of a directory made here; errors. */
#include "t.h"

struct t_dirent64 {
        uint64_t d_ino;
        int64_t d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *names[200];

/* List a directory with the given buffer size; returns count. */
static int list(int fd, size_t bufsz, int *calls)
{
        char *buf = malloc(bufsz);
        int n = 0;
        *calls = 0;
        for (;;) {
                long r = syscall(SYS_getdents64, fd, buf, bufsz);
                if (r < 0) {
                        SAY("getdents64 failed: %s", errname(errno));
                        break;
                }
                if (r == 0)
                        break;
                (*calls)++;
                for (long off = 0; off < r;) {
                        struct t_dirent64 *d = (struct t_dirent64 *)(buf + off);
                        const char *t = d->d_type == 4    ? "dir"
                                        : d->d_type == 8  ? "reg"
                                        : d->d_type == 10 ? "lnk"
                                        : d->d_type == 0  ? "unknown"
                                                          : "other";
                        char *s = malloc(strlen(d->d_name) + 16);
                        sprintf(s, "%s %s", d->d_name, t);
                        if (n < 200)
                                names[n++] = s;
                        off += d->d_reclen;
                }
        }
        free(buf);
        qsort(names, n, sizeof names[0], cmp);
        return n;
}

int main(void)
{
        int fd, calls, n;
        char name[64];

        MUST(mkdir("gd", 0755));
        for (int i = 0; i < 40; i++) {
                snprintf(name, sizeof name, "gd/file_%02d_%s", i,
                         i % 3 ? "abc" : "a-much-longer-name-here");
                t_write_file(name, "x");
        }
        MUST(mkdir("gd/subdir", 0755));
        MUST(mkdir("gd/other", 0700));
        (void)!symlink("file_00_a-much-longer-name-here", "gd/alink");

        MUST(fd = open("gd", O_RDONLY | O_DIRECTORY));
        n = list(fd, 32768, &calls);
        SAY("entries: %d", n);
        for (int i = 0; i < n; i++)
                SAY("  %s", names[i]);
        CHECK("getdents64 at end", syscall(SYS_getdents64, fd, name, sizeof name));

        /* Rewind and list again with a tiny buffer: needs many calls. */
        MUST(lseek(fd, 0, SEEK_SET));
        n = list(fd, 100, &calls);
        SAY("entries with small buffer: %d", n);
        YESNO("small buffer needed several calls", calls > 1);

        /* Buffer too small for a single entry. */
        MUST(lseek(fd, 0, SEEK_SET));
        CHECK("getdents64 buffer 1 byte", syscall(SYS_getdents64, fd, name, 1));
        CHECK("getdents64 bad buffer", syscall(SYS_getdents64, fd, BADPTR, 4096));
        MUST(close(fd));

        CHECK("getdents64 closed fd", syscall(SYS_getdents64, fd, name, sizeof name));
        MUST(fd = open("gd/file_01_abc", O_RDONLY));
        CHECK("getdents64 on a file", syscall(SYS_getdents64, fd, name, sizeof name));
        MUST(close(fd));

        /* Empty directory: only . and .. */
        MUST(mkdir("empty", 0755));
        MUST(fd = open("empty", O_RDONLY | O_DIRECTORY));
        n = list(fd, 4096, &calls);
        SAY("empty dir entries: %d", n);
        for (int i = 0; i < n; i++)
                SAY("  %s", names[i]);
        MUST(close(fd));

        /* A removed entry disappears on the next listing. */
        MUST(unlink("gd/file_05_abc"));
        MUST(fd = open("gd", O_RDONLY | O_DIRECTORY));
        n = list(fd, 4096, &calls);
        SAY("after unlink: %d", n);
        MUST(close(fd));
        return 0;
}
