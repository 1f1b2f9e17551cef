/* sched_getaffinity/sched_yield/getcpu/sched_get*: sanity and errors. */
#include "t.h"
#include <sched.h>

int main(void)
{
        cpu_set_t set;
        CPU_ZERO(&set);
        long r = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
        YESNO("sched_getaffinity raw returns a size > 0", r > 0 && r <= (long)sizeof set);
        YESNO("raw size is a multiple of 8", r % 8 == 0);
        CHECK("sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
        int count = CPU_COUNT(&set);
        YESNO("cpu count > 0", count > 0);
        YESNO("matches own pid query",
              sched_getaffinity(getpid(), sizeof set, &set) == 0 && CPU_COUNT(&set) == count);
        CHECK("size 1 byte", syscall(SYS_sched_getaffinity, 0, 1, &set));
        CHECK("size 0", syscall(SYS_sched_getaffinity, 0, 0, &set));
        CHECK("bad pointer", syscall(SYS_sched_getaffinity, 0, sizeof set, BADPTR));
        CHECK("nonexistent pid", syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof set, &set));
        CHECK("setaffinity to same set", sched_setaffinity(0, sizeof set, &set));
        cpu_set_t empty;
        CPU_ZERO(&empty);
        CHECK("setaffinity empty set", sched_setaffinity(0, sizeof empty, &empty));

        CHECK("sched_yield", sched_yield());
        CHECK("sched_yield raw", syscall(SYS_sched_yield));

        unsigned cpu = 9999, node = 9999;
        CHECK("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
        YESNO("cpu is in the affinity set", CPU_ISSET(cpu, &set));
        YESNO("node < 1024", node < 1024);
        CHECK("getcpu NULL args", syscall(SYS_getcpu, NULL, NULL, NULL));
        CHECK("getcpu bad pointer", syscall(SYS_getcpu, BADPTR, NULL, NULL));
        YESNO("sched_getcpu in set", CPU_ISSET(sched_getcpu(), &set));

        CHECK("sched_getscheduler", syscall(SYS_sched_getscheduler, 0));
        struct sched_param sp = {.sched_priority = 99};
        CHECK("sched_getparam", syscall(SYS_sched_getparam, 0, &sp));
        SAY("  priority: %d", sp.sched_priority);
        CHECK("priority max SCHED_OTHER", sched_get_priority_max(SCHED_OTHER));
        CHECK("priority min SCHED_FIFO", sched_get_priority_min(SCHED_FIFO));
        CHECK("priority max bad policy", sched_get_priority_max(1234));
        CHECK("sched_getscheduler bad pid", syscall(SYS_sched_getscheduler, -1));
        return 0;
}
