/* Dies with SIGABRT via abort(); buffered output is not flushed by abort. */
//! crash: SIGABRT
#include "t.h"

int main(void)
{
        SAY("before abort (flushed)");
        fflush(stdout);
        abort();
}
