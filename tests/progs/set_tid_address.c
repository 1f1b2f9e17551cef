/* set_tid_address returns the tid, which equals gettid() and getpid(). */
#include "t.h"

static int tid_slot;

int main(void)
{
        long tid = syscall(SYS_set_tid_address, &tid_slot);
        long g = syscall(SYS_gettid);
        YESNO("set_tid_address returns tid > 0", tid > 0);
        YESNO("== gettid", tid == g);
        YESNO("== getpid (single thread)", tid == getpid());
        YESNO("slot untouched", tid_slot == 0);
        long again = syscall(SYS_set_tid_address, NULL);
        YESNO("again with NULL == tid", again == tid);
        /* Bad pointer is accepted: only used at thread exit. */
        long bad = syscall(SYS_set_tid_address, BADPTR);
        YESNO("bad pointer accepted, returns tid", bad == tid);
        syscall(SYS_set_tid_address, &tid_slot);
        return 0;
}
