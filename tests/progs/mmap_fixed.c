/* MAP_FIXED, MAP_FIXED_NOREPLACE, partial munmap. */
#include "t.h"
#include <sys/mman.h>

static int mapped(void *a, long len)
{
        /* msync fails with ENOMEM on unmapped ranges. */
        return msync(a, len, MS_ASYNC) == 0;
}

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);

        /* Reserve a region, then play inside it. */
        char *base = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("reserve 8 pages", base);
        memset(base, 'a', 8 * pg);

        char *f = mmap(base + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        YESNO("MAP_FIXED returns the requested address", f == base + 2 * pg);
        SAY("replaced page is zeroed: %s", f[0] == 0 && f[2 * pg - 1] == 0 ? "yes" : "no");
        SAY("neighbours kept: %c %c", base[2 * pg - 1], base[4 * pg]);

        char *n = mmap(base + 3 * pg, pg, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        SAY("MAP_FIXED_NOREPLACE over existing: %s", n == MAP_FAILED ? errname(errno) : "mapped?!");

        CHECK("munmap 2 middle pages", munmap(base + 4 * pg, 2 * pg));
        YESNO("page 4 unmapped", !mapped(base + 4 * pg, pg));
        YESNO("page 3 still mapped", mapped(base + 3 * pg, pg));
        YESNO("page 6 still mapped", mapped(base + 6 * pg, pg));
        n = mmap(base + 4 * pg, pg, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        YESNO("MAP_FIXED_NOREPLACE into the hole", n == base + 4 * pg);
        n[0] = 'n';
        n = mmap(base + 4 * pg, 2 * pg, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        SAY("MAP_FIXED_NOREPLACE partially overlapping: %s",
            n == MAP_FAILED ? errname(errno) : "mapped?!");
        SAY("page 6 content kept: %c", base[6 * pg]);

        /* A hint without MAP_FIXED over an existing mapping goes elsewhere. */
        char *h = mmap(base, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        YESNO("hint over existing mapping placed elsewhere", h != MAP_FAILED && h != base);
        SAY("original content intact: %c", base[0]);
        MUST(munmap(h, pg));

        CHECK("munmap whole region", munmap(base, 8 * pg));
        YESNO("region unmapped", !mapped(base, pg) && !mapped(base + 7 * pg, pg));
        CHECK("munmap again (no error)", munmap(base, 8 * pg));
        char *again = mmap(base, 8 * pg, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        YESNO("remap freed region with NOREPLACE", again == base);
        SAY("fresh memory zero: %s", again[5 * pg] == 0 ? "yes" : "no");
        CHECK("munmap", munmap(again, 8 * pg));
        return 0;
}
