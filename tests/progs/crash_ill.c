/* Dies with SIGILL executing ud2 (__builtin_trap). */
//! crash: SIGILL
#include "t.h"

int main(void)
{
        SAY("before crash");
        fflush(stdout);
        __builtin_trap();
}
