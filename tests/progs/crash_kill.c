/* Dies from SIGTERM sent to itself with the default disposition. */
//! crash: SIGTERM
#include "t.h"

int main(void)
{
        SAY("sending SIGTERM to self");
        fflush(stdout);
        kill(getpid(), SIGTERM);
        SAY("still alive (must not appear)");
        return 0;
}
