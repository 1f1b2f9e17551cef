/* mremap: grow, shrink, MREMAP_MAYMOVE/FIXED, contents preserved; errors. */
#include "t.h"
#include <sys/mman.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        /* 3 pages: 2 usable + a PROT_NONE guard that blocks growth in place. */
        char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap 3 pages", p);
        CHECK("mprotect guard page", mprotect(p + 2 * pg, pg, PROT_NONE));
        char *guard = p + 2 * pg;
        for (long i = 0; i < 2 * pg; i++)
                p[i] = (char)(i % 251);

        char *q = mremap(p, 2 * pg, 8 * pg, 0);
        SAY("grow in place blocked without MAYMOVE: %s",
            q == MAP_FAILED ? errname(errno) : "grew?!");
        q = mremap(p, 2 * pg, 8 * pg, MREMAP_MAYMOVE);
        CHECK_OK("grow with MREMAP_MAYMOVE", q);
        YESNO("moved", q != p);
        YESNO("old range unmapped", msync(p, pg, MS_ASYNC) != 0);
        YESNO("guard still mapped", msync(guard, pg, MS_ASYNC) == 0);
        int same = 1;
        for (long i = 0; i < 2 * pg; i++)
                if (q[i] != (char)(i % 251))
                        same = 0;
        YESNO("contents preserved", same);
        YESNO("grown part zero", q[7 * pg] == 0 && q[3 * pg] == 0);
        q[8 * pg - 1] = 'e';
        MUST(munmap(guard, pg));

        char *s = mremap(q, 8 * pg, 3 * pg, 0);
        YESNO("shrink in place", s == q);
        YESNO("contents after shrink", s[pg + 5] == (char)((pg + 5) % 251));
        YESNO("tail unmapped", msync(q + 4 * pg, pg, MS_ASYNC) != 0);

        /* Grow in place where room exists. */
        char *room = mmap(NULL, 16 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        MUST(munmap(room + 2 * pg, 14 * pg));
        MUST(mprotect(room, 2 * pg, PROT_READ | PROT_WRITE));
        room[0] = 'r';
        char *g = mremap(room, 2 * pg, 6 * pg, 0);
        YESNO("grow in place when free", g == room);
        g[6 * pg - 1] = 'x';

        /* MREMAP_FIXED moves to a chosen address. */
        char *target = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        char *f = mremap(s, 3 * pg, 3 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, target);
        YESNO("MREMAP_FIXED to target", f == target);
        YESNO("contents moved", f[10] == 10 && f[pg + 5] == (char)((pg + 5) % 251));
        YESNO("old address unmapped", msync(s, pg, MS_ASYNC) != 0);

        CHECK("mremap bad flags", (long)mremap(f, pg, 2 * pg, 0x80));
        CHECK("mremap FIXED without MAYMOVE", (long)mremap(f, pg, pg, MREMAP_FIXED, g));
        CHECK("mremap unaligned old", (long)mremap(f + 1, pg, 2 * pg, MREMAP_MAYMOVE));
        CHECK("mremap new size 0", (long)mremap(f, pg, 0, MREMAP_MAYMOVE));
        CHECK("mremap unmapped old", (long)mremap(s, pg, 2 * pg, MREMAP_MAYMOVE));
        CHECK("mremap overlapping FIXED",
              (long)mremap(f, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, f));
        MUST(munmap(f, 3 * pg));
        MUST(munmap(g, 6 * pg));
        return 0;
}
