/* mprotect: change protections and keep reading; errors. */
#include "t.h"
#include <sys/mman.h>

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK_OK("mmap", p);
        strcpy(p, "protected data");
        strcpy(p + 3 * pg, "last page");

        CHECK("mprotect PROT_READ", mprotect(p, 4 * pg, PROT_READ));
        SAY("read after PROT_READ: %s", p);
        CHECK("mprotect PROT_NONE middle", mprotect(p + pg, 2 * pg, PROT_NONE));
        SAY("first page readable: %s", p);
        SAY("last page readable: %s", p + 3 * pg);
        CHECK("mprotect RW again", mprotect(p, 4 * pg, PROT_READ | PROT_WRITE));
        p[pg] = 'Z';
        SAY("write after RW: %c", p[pg]);
        CHECK("mprotect PROT_READ|PROT_EXEC", mprotect(p, pg, PROT_READ | PROT_EXEC));
        SAY("read exec page: %s", p);
        CHECK("mprotect length 0", mprotect(p, 0, PROT_READ));
        CHECK("mprotect unaligned (raw)", syscall(SYS_mprotect, p + 1, pg, PROT_READ));
        CHECK("mprotect bad prot bits", mprotect(p, pg, 0x100));
        CHECK("mprotect unaligned length (rounded)", mprotect(p, 100, PROT_READ | PROT_WRITE));
        MUST(munmap(p + 2 * pg, pg));
        CHECK("mprotect spanning a hole", mprotect(p, 4 * pg, PROT_READ));
        CHECK("mprotect fully unmapped", mprotect(p + 2 * pg, pg, PROT_READ));
        CHECK("munmap", munmap(p, 4 * pg));

        /* Code pages: make a copy of data executable? Just check the stack. */
        char local[16] = "on the stack";
        SAY("stack still fine: %s", local);
        return 0;
}
