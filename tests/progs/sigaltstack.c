/* sigaltstack: set, read back, run a handler on it; errors. */
#include "t.h"

static char altstack[65536];
static volatile int on_alt;

static void h(int sig)
{
        char local;
        (void)sig;
        on_alt = &local >= altstack && &local < altstack + sizeof altstack;
        stack_t cur;
        sigaltstack(NULL, &cur);
        if (!(cur.ss_flags & SS_ONSTACK))
                on_alt = -1;
}

int main(void)
{
        stack_t ss, old;

        memset(&old, 0xff, sizeof old);
        CHECK("query", sigaltstack(NULL, &old));
        YESNO("  initially disabled", old.ss_flags == SS_DISABLE);

        ss.ss_sp = altstack;
        ss.ss_size = sizeof altstack;
        ss.ss_flags = 0;
        CHECK("set", sigaltstack(&ss, NULL));
        CHECK("read back", sigaltstack(NULL, &old));
        YESNO("  sp matches", old.ss_sp == altstack);
        SAY("  size: %ld flags: %d", (long)old.ss_size, old.ss_flags);

        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = h;
        sa.sa_flags = SA_ONSTACK;
        MUST(sigaction(SIGUSR1, &sa, NULL));
        raise(SIGUSR1);
        SAY("handler ran on the alternate stack (SS_ONSTACK seen): %d", on_alt);
        sa.sa_flags = 0;
        MUST(sigaction(SIGUSR1, &sa, NULL));
        on_alt = 7;
        raise(SIGUSR1);
        SAY("without SA_ONSTACK: %d", on_alt);

        ss.ss_size = 1024;
        CHECK("size below MINSIGSTKSZ", sigaltstack(&ss, NULL));
        ss.ss_size = sizeof altstack;
        ss.ss_flags = 0x1234;
        CHECK("bad flags", sigaltstack(&ss, NULL));
        CHECK("bad pointer", syscall(SYS_sigaltstack, BADPTR, NULL));
        CHECK("bad old pointer", syscall(SYS_sigaltstack, NULL, BADPTR));
        ss.ss_flags = SS_DISABLE;
        CHECK("disable", sigaltstack(&ss, &old));
        YESNO("  old was enabled with our sp", old.ss_sp == altstack && old.ss_flags == 0);
        CHECK("query", sigaltstack(NULL, &old));
        YESNO("  disabled now", old.ss_flags == SS_DISABLE);
        return 0;
}
