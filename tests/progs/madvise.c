/* madvise: MADV_DONTNEED zeroes anon memory, restores file pages; errors. */
#include "t.h"
#include <sys/mman.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap", p);
        memset(p, 'q', 4 * pg);
        CHECK("MADV_DONTNEED page 1", madvise(p + pg, pg, MADV_DONTNEED));
        SAY("page 0: %d  page 1: %d  page 2: %d", p[0], p[pg], p[2 * pg]);
        p[pg] = 'w';
        SAY("page 1 writable again: %c", p[pg]);
        CHECK("MADV_WILLNEED", madvise(p, 4 * pg, MADV_WILLNEED));
        CHECK("MADV_NORMAL", madvise(p, 4 * pg, MADV_NORMAL));
        CHECK("MADV_SEQUENTIAL", madvise(p, 4 * pg, MADV_SEQUENTIAL));
        CHECK("MADV_RANDOM", madvise(p, 4 * pg, MADV_RANDOM));
        SAY("data kept after hints: %c", p[3 * pg]);
        CHECK("MADV_FREE", madvise(p + 3 * pg, pg, MADV_FREE));
        CHECK("bad advice", madvise(p, pg, 12345));
        CHECK("unaligned address", madvise(p + 1, pg, MADV_DONTNEED));
        CHECK("length 0", madvise(p, 0, MADV_DONTNEED));
        MUST(munmap(p + 2 * pg, pg));
        CHECK("range with hole", madvise(p, 4 * pg, MADV_WILLNEED));
        CHECK("MADV_DONTNEED range with hole", madvise(p, 4 * pg, MADV_DONTNEED));
        CHECK("unmapped range", madvise(p + 2 * pg, pg, MADV_NORMAL));
        SAY("page 0 after DONTNEED over hole: %d", p[0]);

        /* File-backed MAP_PRIVATE: DONTNEED drops private changes. */
        int fd;
        MUST(fd = open("madv.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
        MUST(write(fd, "file contents", 13));
        char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK_OK("mmap file private", m);
        memcpy(m, "CHANGED", 7);
        SAY("before: %.13s", m);
        CHECK("MADV_DONTNEED file page", madvise(m, pg, MADV_DONTNEED));
        SAY("after: %.13s", m);
        MUST(munmap(m, pg));
        MUST(close(fd));
        return 0;
}
