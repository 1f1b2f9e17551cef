/* getrlimit/setrlimit/prlimit64: lower soft NOFILE, read back, EMFILE; errors. */
#include "t.h"
#include <sys/resource.h>

int main(void)
{
        struct rlimit rl, orig;

        CHECK("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &orig));
        YESNO("soft <= hard", orig.rlim_cur <= orig.rlim_max);
        YESNO("soft >= 64", orig.rlim_cur >= 64);
        rl = orig;
        rl.rlim_cur = 10;
        CHECK("setrlimit soft NOFILE 10", setrlimit(RLIMIT_NOFILE, &rl));
        MUST(getrlimit(RLIMIT_NOFILE, &rl));
        SAY("read back soft: %ld", (long)rl.rlim_cur);
        YESNO("hard unchanged", rl.rlim_max == orig.rlim_max);

        int fds[20], n = 0, fd;
        while (n < 20 && (fd = open("/dev/null", O_RDONLY)) >= 0)
                fds[n++] = fd;
        SAY("opened until limit: %d (stopped with %s)", n, errname(errno));
        CHECK("dup at limit", dup(0));
        CHECK("F_DUPFD beyond limit", fcntl(0, F_DUPFD, 50));
        CHECK("dup2 to fd >= limit", dup2(0, 10));
        CHECK("dup2 to fd < limit", dup2(0, 9));
        for (int i = 0; i < n; i++)
                close(fds[i]);

        rl.rlim_cur = rl.rlim_max + (rl.rlim_max != RLIM_INFINITY);
        if (rl.rlim_max != RLIM_INFINITY)
                CHECK("soft > hard", setrlimit(RLIMIT_NOFILE, &rl));
        CHECK("setrlimit bad resource", setrlimit(999, &orig));
        CHECK("getrlimit bad resource", getrlimit(999, &rl));
        CHECK("getrlimit bad pointer", syscall(SYS_getrlimit, RLIMIT_NOFILE, BADPTR));
        CHECK("restore", setrlimit(RLIMIT_NOFILE, &orig));

        /* prlimit64 on self (pid 0) reading old while setting new. */
        struct rlimit nw = {32, orig.rlim_max}, old;
        CHECK("prlimit64 set+get", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &nw, &old));
        YESNO("old matches original",
              old.rlim_cur == orig.rlim_cur && old.rlim_max == orig.rlim_max);
        CHECK("prlimit64 get", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old));
        SAY("soft now: %ld", (long)old.rlim_cur);
        CHECK("prlimit64 own pid", syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &old));
        CHECK("prlimit64 bad resource", syscall(SYS_prlimit64, 0, 99, NULL, &old));
        CHECK("prlimit64 bad new pointer", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, BADPTR, NULL));

        /* Other limits: relations only. */
        MUST(getrlimit(RLIMIT_STACK, &rl));
        YESNO("STACK soft > 0", rl.rlim_cur > 0);
        MUST(getrlimit(RLIMIT_CORE, &rl));
        YESNO("CORE soft <= hard", rl.rlim_cur <= rl.rlim_max);
        struct rlimit cpu;
        MUST(getrlimit(RLIMIT_CPU, &cpu));
        cpu.rlim_cur = cpu.rlim_max == RLIM_INFINITY ? 1000000 : cpu.rlim_max;
        CHECK("setrlimit CPU soft", setrlimit(RLIMIT_CPU, &cpu));
        MUST(getrlimit(RLIMIT_CPU, &rl));
        YESNO("CPU soft read back", rl.rlim_cur == cpu.rlim_cur);
        return 0;
}
