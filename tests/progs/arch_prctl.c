/* arch_prctl: ARCH_GET_FS is the thread pointer; errors. */
//! arch: x86_64
#include "t.h"
#include <pthread.h>

static __thread int tls_var = 42;

int main(void)
{
        unsigned long fs = 0, gs = 0, fs2 = 0;

        CHECK("ARCH_GET_FS", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
        YESNO("fs base nonzero", fs != 0);
        /* On x86-64 both glibc and musl keep a self pointer at %fs:0. */
        unsigned long self;
        __asm__("mov %%fs:0, %0" : "=r"(self));
        YESNO("fs:0 self pointer == fs base", self == fs);
        YESNO("pthread_self == fs base", (unsigned long)pthread_self() == fs);
        YESNO("TLS variable near fs base",
              (unsigned long)&tls_var < fs && fs - (unsigned long)&tls_var < (1 << 20));
        SAY("tls_var: %d", tls_var);

        CHECK("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
        SAY("gs base: %s", gs == 0 ? "zero" : "nonzero");
        CHECK("ARCH_SET_FS same value", syscall(SYS_arch_prctl, ARCH_SET_FS, fs));
        CHECK("ARCH_GET_FS again", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs2));
        YESNO("unchanged", fs2 == fs);
        tls_var++;
        SAY("tls_var still works: %d", tls_var);

        CHECK("ARCH_GET_FS bad pointer", syscall(SYS_arch_prctl, ARCH_GET_FS, BADPTR));
        CHECK("bad code", syscall(SYS_arch_prctl, 0x9999, &fs));
        CHECK("ARCH_SET_FS non-canonical",
              syscall(SYS_arch_prctl, ARCH_SET_FS, 0x8000000000000000UL));
        return 0;
}
