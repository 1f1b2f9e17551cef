/* rt_sigaction: install, read back, delivery via raise; EINVAL cases. */
#include "t.h"

static volatile sig_atomic_t got_usr1, got_usr2, info_code, info_signo;

static void h_usr1(int sig)
{
        got_usr1 = sig;
}

static void h_usr2(int sig, siginfo_t *si, void *uc)
{
        (void)uc;
        got_usr2 = sig;
        info_signo = si->si_signo;
        info_code = si->si_code;
}

static const char *disp(void (*h)(int))
{
        if (h == SIG_DFL)
                return "SIG_DFL";
        if (h == SIG_IGN)
                return "SIG_IGN";
        if (h == h_usr1)
                return "h_usr1";
        if ((void *)h == (void *)h_usr2)
                return "h_usr2";
        return "other";
}

int main(void)
{
        struct sigaction sa, old;

        memset(&old, 0, sizeof old);
        CHECK("query SIGUSR1", sigaction(SIGUSR1, NULL, &old));
        SAY("  initial handler: %s", disp(old.sa_handler));

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = h_usr1;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGUSR2);
        CHECK("install SIGUSR1 handler", sigaction(SIGUSR1, &sa, NULL));
        memset(&old, 0, sizeof old);
        CHECK("read back", sigaction(SIGUSR1, NULL, &old));
        SAY("  handler: %s", disp(old.sa_handler));
        YESNO("  SA_RESTART set", old.sa_flags & SA_RESTART);
        YESNO("  SA_SIGINFO clear", !(old.sa_flags & SA_SIGINFO));
        YESNO("  mask has SIGUSR2", sigismember(&old.sa_mask, SIGUSR2) == 1);
        YESNO("  mask lacks SIGINT", sigismember(&old.sa_mask, SIGINT) == 0);
        CHECK("raise SIGUSR1", raise(SIGUSR1));
        SAY("  handler saw signal %d", got_usr1);

        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = h_usr2;
        sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
        CHECK("install SIGUSR2 SA_SIGINFO|SA_RESETHAND", sigaction(SIGUSR2, &sa, &old));
        SAY("  previous: %s", disp(old.sa_handler));
        CHECK("kill self SIGUSR2", kill(getpid(), SIGUSR2));
        SAY("  got %d signo %d code %s", got_usr2, info_signo,
            info_code == SI_USER    ? "SI_USER"
            : info_code == SI_TKILL ? "SI_TKILL"
                                    : "other");
        CHECK("read back after SA_RESETHAND", sigaction(SIGUSR2, NULL, &old));
        SAY("  handler now: %s", disp(old.sa_handler));

        sa.sa_handler = SIG_IGN;
        sa.sa_flags = 0;
        CHECK("ignore SIGUSR1", sigaction(SIGUSR1, &sa, &old));
        SAY("  previous: %s", disp(old.sa_handler));
        got_usr1 = 0;
        raise(SIGUSR1);
        SAY("  ignored signal not delivered: %s", got_usr1 == 0 ? "yes" : "no");

        sa.sa_handler = h_usr1;
        CHECK("SIGKILL", sigaction(SIGKILL, &sa, NULL));
        CHECK("SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
        CHECK("query SIGKILL (allowed)", sigaction(SIGKILL, NULL, &old));
        CHECK("signal 0", syscall(SYS_rt_sigaction, 0, NULL, &old, 8));
        CHECK("signal 65", syscall(SYS_rt_sigaction, 65, NULL, &old, 8));
        CHECK("sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));
        CHECK("bad act pointer", syscall(SYS_rt_sigaction, SIGUSR1, BADPTR, NULL, 8));
        CHECK("bad oldact pointer", syscall(SYS_rt_sigaction, SIGUSR1, NULL, BADPTR, 8));
        CHECK("real-time signal SIGRTMIN+2", sigaction(SIGRTMIN + 2, &sa, NULL));
        CHECK("signal(SIGTERM, SIG_IGN) != SIG_ERR", signal(SIGTERM, SIG_IGN) != SIG_ERR);
        CHECK("signal(SIGTERM, SIG_DFL) == SIG_IGN", signal(SIGTERM, SIG_DFL) == SIG_IGN);
        return 0;
}
