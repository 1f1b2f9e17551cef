/* Dies with SIGILL executing an illegal instruction (x86-64: ud2, what
 * __builtin_trap emits there; riscv64: unimp, as __builtin_trap is ebreak
 * there, a SIGTRAP). */
//! crash: SIGILL
#include "t.h"

int main(void)
{
        SAY("before crash");
        fflush(stdout);
#if defined(__riscv)
        __asm__ volatile("unimp");
#else
        __asm__ volatile("ud2");
#endif
        return 0;
}
