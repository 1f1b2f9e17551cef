/* mmap anonymous: read/write, zero fill, MAP_SHARED, and errors. */
#include "t.h"
#include <sys/mman.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        SAY("page size: %ld", pg);

        char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap anon 4 pages", p);
        YESNO("page aligned", ((uintptr_t)p & (pg - 1)) == 0);
        int zero = 1;
        for (long i = 0; i < 4 * pg; i++)
                if (p[i])
                        zero = 0;
        YESNO("zero filled", zero);
        for (long i = 0; i < 4 * pg; i++)
                p[i] = (char)(i * 7);
        long sum = 0;
        for (long i = 0; i < 4 * pg; i++)
                sum += (unsigned char)p[i];
        SAY("checksum: %ld", sum);
        CHECK("munmap", munmap(p, 4 * pg));

        char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap MAP_SHARED|MAP_ANONYMOUS", s);
        strcpy(s, "shared anon");
        SAY("content: %s", s);
        CHECK("munmap shared", munmap(s, pg));

        char *r = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap PROT_READ", r);
        SAY("read-only page reads: %d", r[100]);
        CHECK("munmap", munmap(r, pg));

        char *pop = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        CHECK_OK("mmap MAP_POPULATE", pop);
        pop[15 * pg] = 1;
        CHECK("munmap", munmap(pop, 16 * pg));

        char *big = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        CHECK_OK("mmap 64 MiB", big);
        big[0] = 1;
        big[(64 << 20) - 1] = 2;
        SAY("touch ends: %d %d", big[0], big[(64 << 20) - 1]);
        CHECK("munmap 64 MiB", munmap(big, 64 << 20));

        /* Non-page-multiple length is rounded up. */
        char *odd = mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap 100 bytes", odd);
        odd[pg - 1] = 9;
        CHECK("munmap 100 bytes", munmap(odd, 100));

        CHECK("mmap length 0", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        CHECK("mmap no MAP_PRIVATE/SHARED", (long)mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0));
        CHECK("mmap both PRIVATE and SHARED",
              (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0));
        CHECK("mmap anon unaligned offset",
              syscall(SYS_mmap, 0, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
        CHECK("mmap file mapping bad fd", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0));
        CHECK("mmap file mapping fd 200", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 200, 0));
        CHECK("mmap MAP_FIXED unaligned",
              (long)mmap((void *)0x10000001, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                         -1, 0));
        CHECK("mmap huge length",
              (long)mmap(NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        CHECK("mmap length -1",
              syscall(SYS_mmap, 0, -1L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        CHECK("munmap unaligned", munmap((void *)0x10000001, pg));
        CHECK("munmap length 0", munmap((void *)0x10000000, 0));
        char *hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        MUST(munmap(hole, pg));
        CHECK("munmap already unmapped range (ok)", munmap(hole, pg));
        return 0;
}
