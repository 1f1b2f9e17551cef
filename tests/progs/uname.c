/* uname: sysname and machine (other fields vary); errors. */
#include "t.h"
#include <sys/utsname.h>

int main(void)
{
        struct utsname u;
        CHECK("uname", uname(&u));
        SAY("sysname: %s", u.sysname);
        SAY("machine: %s", u.machine);
        YESNO("release nonempty", u.release[0] != 0);
        YESNO("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
        YESNO("version nonempty", u.version[0] != 0);
        YESNO("nodename NUL-terminated", memchr(u.nodename, 0, sizeof u.nodename) != NULL);
        CHECK("uname bad pointer", syscall(SYS_uname, BADPTR));
        return 0;
}
