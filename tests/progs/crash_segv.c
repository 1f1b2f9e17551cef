/* Dies with SIGSEGV writing through a NULL pointer. */
//! crash: SIGSEGV
#include "t.h"

int main(void)
{
        SAY("before crash");
        fflush(stdout);
        *(volatile int *)0 = 42;
        SAY("after crash (must not appear)");
        return 0;
}
