/* brk: query, grow, use, shrink via the raw syscall. */
#include "t.h"

int main(void)
{
        /* The raw syscall returns the (new) break, or the old one on failure. */
        long cur = syscall(SYS_brk, 0);
        YESNO("brk(0) nonzero", cur != 0);
        YESNO("brk(0) stable", syscall(SYS_brk, 0) == cur);
        YESNO("initial break above the program image", cur > (long)&cur || cur > (long)main);

        long want = cur + (1 << 20);
        long got = syscall(SYS_brk, want);
        YESNO("grow by 1 MiB", got == want);
        char *p = (char *)cur;
        memset(p, 0x5a, 1 << 20);
        YESNO("new memory usable", p[0] == 0x5a && p[(1 << 20) - 1] == 0x5a);

        got = syscall(SYS_brk, cur + 4096 + 123);
        YESNO("shrink to unaligned address returns it", got == cur + 4096 + 123);
        YESNO("memory below new break still intact", p[0] == 0x5a && p[4000] == 0x5a);
        got = syscall(SYS_brk, cur + (1 << 20));
        YESNO("grow again", got == cur + (1 << 20));
        int zero = 1;
        for (long i = 8192; i < (1 << 20); i += 4096)
                if (p[i] != 0)
                        zero = 0;
        YESNO("re-grown pages are zeroed", zero);

        long bad = syscall(SYS_brk, 0x7ffffffff000L);
        YESNO("absurd brk fails (returns old break)", bad == cur + (1 << 20));
        long low = syscall(SYS_brk, 4096);
        YESNO("brk below start fails (returns old break)", low == cur + (1 << 20));
        got = syscall(SYS_brk, cur);
        YESNO("shrink back to start", got == cur);

        /* sbrk through libc. */
        void *s0 = sbrk(0);
        YESNO("sbrk(0) == brk", (long)s0 == cur || s0 != (void *)-1);
        return 0;
}
