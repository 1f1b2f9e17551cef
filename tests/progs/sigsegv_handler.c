/* A SIGSEGV handler sees si_addr/si_code and can siglongjmp out. */
#include "t.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void *volatile fault_addr;
static volatile int fault_code, fault_sig;

static void h(int sig, siginfo_t *si, void *uc)
{
        (void)uc;
        fault_sig = sig;
        fault_addr = si->si_addr;
        fault_code = si->si_code;
        siglongjmp(env, 1);
}

static const char *code(int c)
{
        return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

int main(void)
{
        long pg = sysconf(_SC_PAGESIZE);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = h;
        sa.sa_flags = SA_SIGINFO;
        MUST(sigaction(SIGSEGV, &sa, NULL));

        char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (sigsetjmp(env, 1) == 0) {
                ro[10] = 1;
                SAY("write to read-only page did not fault");
        } else {
                SAY("write to PROT_READ page: sig %d %s addr matches %s", fault_sig,
                    code(fault_code), fault_addr == ro + 10 ? "yes" : "no");
        }

        char *gone = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        MUST(munmap(gone, pg));
        if (sigsetjmp(env, 1) == 0) {
                SAY("read unmapped: %d", *(volatile char *)(gone + 5));
        } else {
                SAY("read from unmapped page: sig %d %s addr matches %s", fault_sig,
                    code(fault_code), fault_addr == gone + 5 ? "yes" : "no");
        }

        if (sigsetjmp(env, 1) == 0) {
                *(volatile int *)16 = 1;
        } else {
                SAY("write near NULL: sig %d %s addr matches %s", fault_sig, code(fault_code),
                    fault_addr == (void *)16 ? "yes" : "no");
        }

        char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (sigsetjmp(env, 1) == 0) {
                SAY("read PROT_NONE: %d", *(volatile char *)none);
        } else {
                SAY("read PROT_NONE page: sig %d %s addr matches %s", fault_sig, code(fault_code),
                    fault_addr == none ? "yes" : "no");
        }
        /* After recovering, the signal mask was restored by siglongjmp. */
        sigset_t cur;
        sigprocmask(SIG_SETMASK, NULL, &cur);
        YESNO("SIGSEGV not left blocked", sigismember(&cur, SIGSEGV) == 0);
        MUST(mprotect(none, pg, PROT_READ | PROT_WRITE));
        none[0] = 'k';
        SAY("after mprotect fix: %c", none[0]);
        return 0;
}
