/* getpid/getppid/gettid/get*id/getgroups/getres*id: relations and consistency. */
#include "t.h"

int main(void)
{
        pid_t pid = getpid(), ppid = getppid();
        long tid = syscall(SYS_gettid);
        YESNO("getpid > 0", pid > 0);
        YESNO("getppid >= 0", ppid >= 0);
        YESNO("getppid != getpid", ppid != pid);
        YESNO("gettid == getpid", tid == pid);
        YESNO("getpid stable", getpid() == pid && syscall(SYS_getpid) == pid);

        uid_t uid = getuid(), euid = geteuid();
        gid_t gid = getgid(), egid = getegid();
        YESNO("getuid == geteuid", uid == euid);
        YESNO("getgid == getegid", gid == egid);
        uid_t r, e, s;
        CHECK("getresuid", getresuid(&r, &e, &s));
        YESNO("getresuid consistent", r == uid && e == euid && s == euid);
        gid_t rg, eg, sg;
        CHECK("getresgid", getresgid(&rg, &eg, &sg));
        YESNO("getresgid consistent", rg == gid && eg == egid && sg == egid);
        CHECK("getresuid bad pointer", syscall(SYS_getresuid, BADPTR, &e, &s));

        int n = getgroups(0, NULL);
        YESNO("getgroups count >= 0", n >= 0);
        gid_t groups[256];
        int m = getgroups(256, groups);
        YESNO("getgroups consistent", m == n);
        /* The count itself may legitimately differ, so print nothing that depends on it. */
        CHECK("getgroups negative size", syscall(SYS_getgroups, -1, groups));
        YESNO("getgroups raw consistent", syscall(SYS_getgroups, 256, groups) == n);

        /* Process groups and sessions: relations only. */
        YESNO("getpgrp > 0", getpgrp() > 0);
        YESNO("getsid > 0", getsid(0) > 0);
        YESNO("getsid(getpid) == getsid(0)", getsid(pid) == getsid(0));
        CHECK("getsid of nonexistent pid", getsid(0x3fffffff));
        CHECK("getpgid of nonexistent pid", getpgid(0x3fffffff));
        return 0;
}
