/* riscv64-only system calls, and the arguments that come in another order. */
#include <nto/hal.h>
#include <nto/kernel.h>
#include <nto/proc.h>
#include <nto/sys.h>

long sys_clone_generic(unsigned long flags, uptr newsp, uptr parent_tid, uptr tls,
		       uptr child_tid)
{
	return sys_clone(flags, newsp, parent_tid, child_tid, tls);
}

long sys_riscv_flush_icache(uptr start, uptr end, unsigned long flags)
{
	/* One hart, and a program's own fence.i orders its own stores to code:
	 * there is no other hart whose instruction cache needs a shootdown. */
	if (flags & ~1UL)
		return -EINVAL;
	(void)start, (void)end;
	return 0;
}
