/* Dies with SIGFPE on integer division by zero. x86-64 only: RISC-V's
 * division by zero does not trap (it yields -1). */
//! crash: SIGFPE
//! arch: x86_64
#include "t.h"

int main(int argc, char **argv)
{
        (void)argv;
        SAY("before crash");
        fflush(stdout);
        volatile int zero = argc - 1;
        volatile int x = 100 / zero;
        SAY("after crash (must not appear): %d", x);
        return 0;
}
