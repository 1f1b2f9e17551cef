/* Exit status, atexit ordering, stdio flushing on exit, _exit skipping it. */
//! args: 42
#include "t.h"

static void first(void)
{
        SAY("atexit: registered first, runs last");
}

static void second(void)
{
        SAY("atexit: registered second, runs first");
}

int main(int argc, char **argv)
{
        atexit(first);
        atexit(second);
        printf("buffered line without explicit flush\n");
        int code = argc > 1 ? atoi(argv[1]) : 0;
        if (code == 0) {
                printf("this must not appear: _exit skips flushing");
                _exit(7);
        }
        exit(code);
}
