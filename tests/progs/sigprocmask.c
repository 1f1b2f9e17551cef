/* rt_sigprocmask/rt_sigpending: block, read back, pending, unblock delivers. */
#include "t.h"

static volatile sig_atomic_t hits;

static void h(int sig)
{
        (void)sig;
        hits++;
}

int main(void)
{
        sigset_t set, old, cur, pend;

        signal(SIGUSR1, h);
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGUSR2);
        CHECK("block USR1|USR2", sigprocmask(SIG_BLOCK, &set, &old));
        YESNO("  old mask empty of USR1", sigismember(&old, SIGUSR1) == 0);
        CHECK("read back", sigprocmask(SIG_SETMASK, NULL, &cur));
        YESNO("  USR1 blocked", sigismember(&cur, SIGUSR1) == 1);
        YESNO("  USR2 blocked", sigismember(&cur, SIGUSR2) == 1);
        YESNO("  INT not blocked", sigismember(&cur, SIGINT) == 0);

        raise(SIGUSR1);
        raise(SIGUSR1);
        SAY("hits while blocked: %d", hits);
        CHECK("sigpending", sigpending(&pend));
        YESNO("  USR1 pending", sigismember(&pend, SIGUSR1) == 1);
        YESNO("  USR2 not pending", sigismember(&pend, SIGUSR2) == 0);

        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        CHECK("unblock USR1", sigprocmask(SIG_UNBLOCK, &set, NULL));
        SAY("hits after unblock (standard signals coalesce): %d", hits);
        sigpending(&pend);
        YESNO("  nothing pending", sigismember(&pend, SIGUSR1) == 0);

        /* SIGKILL/SIGSTOP cannot be blocked: silently dropped. */
        sigfillset(&set);
        CHECK("block everything", sigprocmask(SIG_SETMASK, &set, NULL));
        sigprocmask(SIG_SETMASK, NULL, &cur);
        YESNO("  SIGKILL not blocked", sigismember(&cur, SIGKILL) == 0);
        YESNO("  SIGSTOP not blocked", sigismember(&cur, SIGSTOP) == 0);
        YESNO("  SIGTERM blocked", sigismember(&cur, SIGTERM) == 1);
        raise(SIGTERM);
        SAY("blocked SIGTERM did not kill us");
        signal(SIGTERM, SIG_IGN);
        sigpending(&pend);
        YESNO("  ignoring discards the pending SIGTERM", sigismember(&pend, SIGTERM) == 0);
        sigemptyset(&set);
        CHECK("SIG_SETMASK empty", sigprocmask(SIG_SETMASK, &set, NULL));

        CHECK("bad how", syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
        CHECK("bad how with NULL set", syscall(SYS_rt_sigprocmask, 99, NULL, &cur, 8));
        CHECK("sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
        CHECK("bad set pointer", syscall(SYS_rt_sigprocmask, SIG_BLOCK, BADPTR, NULL, 8));
        CHECK("bad oldset pointer", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, BADPTR, 8));
        CHECK("rt_sigpending bad size", syscall(SYS_rt_sigpending, &pend, 16));

        /* Real-time signals queue. */
        hits = 0;
        signal(SIGRTMIN, h);
        sigemptyset(&set);
        sigaddset(&set, SIGRTMIN);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(SIGRTMIN);
        raise(SIGRTMIN);
        raise(SIGRTMIN);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        SAY("SIGRTMIN deliveries after unblock (queued): %d", hits);
        return 0;
}
