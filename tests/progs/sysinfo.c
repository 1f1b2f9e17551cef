/* sysinfo: sanity relations only. */
#include "t.h"
#include <sys/sysinfo.h>

int main(void)
{
        struct sysinfo si;
        memset(&si, 0xff, sizeof si);
        CHECK("sysinfo", sysinfo(&si));
        YESNO("totalram > 0", si.totalram > 0);
        YESNO("mem_unit > 0", si.mem_unit > 0);
        YESNO("freeram <= totalram", si.freeram <= si.totalram);
        YESNO("freeswap <= totalswap", si.freeswap <= si.totalswap);
        YESNO("procs > 0", si.procs > 0);
        YESNO("uptime >= 0", si.uptime >= 0);
        YESNO("total >= 1 MiB", (unsigned long long)si.totalram * si.mem_unit >= (1ULL << 20));
        CHECK("sysinfo bad pointer", syscall(SYS_sysinfo, BADPTR));
        long nproc = sysconf(_SC_NPROCESSORS_ONLN);
        YESNO("online cpus > 0", nproc > 0);
        return 0;
}
