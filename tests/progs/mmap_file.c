/* File-backed mmap: MAP_PRIVATE contents, private writes, MAP_SHARED writes, errors. */
#include "t.h"
#include <sys/mman.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        int fd, p[2];
        char buf[64];

        MUST(fd = open("mf.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        for (int i = 0; i < 3000; i++)
                MUST(write(fd, i % 50 == 49 ? "\n" : "x", 1));
        MUST(pwrite(fd, "HEADER", 6, 0));

        char *m = mmap(NULL, 3000, PROT_READ, MAP_PRIVATE, fd, 0);
        CHECK_OK("mmap MAP_PRIVATE PROT_READ", m);
        t_print_bytes("first bytes", m, 10);
        YESNO("matches read()", pread(fd, buf, 60, 0) == 60 && memcmp(buf, m, 60) == 0);
        SAY("byte past EOF in last page: %d", m[3500]);
        CHECK("munmap", munmap(m, 3000));

        char *w = mmap(NULL, 3000, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK_OK("mmap MAP_PRIVATE PROT_WRITE", w);
        memcpy(w, "PRIVATE", 7);
        MUST(pread(fd, buf, 7, 0));
        t_print_bytes("file after private write", buf, 7);
        t_print_bytes("mapping", w, 7);
        /* write() to the file is visible in untouched private pages only. */
        CHECK("munmap", munmap(w, 3000));

        char *s = mmap(NULL, 3000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        CHECK_OK("mmap MAP_SHARED", s);
        memcpy(s + 10, "SHARED", 6);
        CHECK("msync", msync(s, pg, MS_SYNC));
        MUST(pread(fd, buf, 16, 0));
        t_print_bytes("file after shared write", buf, 16);
        MUST(pwrite(fd, "viawrite", 8, 20));
        t_print_bytes("mapping after pwrite", s + 20, 8);
        CHECK("msync bad flags", msync(s, pg, MS_SYNC | MS_ASYNC));
        CHECK("msync unaligned", msync(s + 1, pg, MS_SYNC));
        CHECK("munmap", munmap(s, 3000));

        /* Offset mapping (page multiple). */
        MUST(ftruncate(fd, 3 * pg));
        MUST(pwrite(fd, "SECOND", 6, pg));
        char *o = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, pg);
        CHECK_OK("mmap at offset 1 page", o);
        t_print_bytes("at offset", o, 6);
        CHECK("munmap", munmap(o, pg));
        CHECK("mmap unaligned offset", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 100));

        /* The mapping survives close(). */
        char *k = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
        MUST(close(fd));
        t_print_bytes("after close", k, 6);
        CHECK("munmap", munmap(k, pg));

        int ro, wo;
        MUST(ro = open("mf.txt", O_RDONLY));
        CHECK("MAP_SHARED PROT_WRITE on O_RDONLY fd",
              (long)mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
        CHECK_OK("MAP_PRIVATE PROT_WRITE on O_RDONLY fd",
                 mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0));
        MUST(close(ro));
        MUST(wo = open("mf.txt", O_WRONLY));
        CHECK("mmap O_WRONLY fd", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, wo, 0));
        MUST(close(wo));
        MUST(pipe(p));
        CHECK("mmap a pipe", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, p[0], 0));
        MUST(mkdir("mfd", 0755));
        int d;
        MUST(d = open("mfd", O_RDONLY));
        CHECK("mmap a directory", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, d, 0));
        MUST(close(d));
        int z;
        MUST(z = open("/dev/zero", O_RDWR));
        char *zm = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
        CHECK_OK("mmap /dev/zero", zm);
        SAY("/dev/zero mapping byte: %d", zm[123]);
        MUST(close(z));
        return 0;
}
