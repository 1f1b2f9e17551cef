/* The single-threaded scheduler of issue 2 (see nto/sched.h). */
#include <nto/kernel.h>
#include <nto/sched.h>

int sched_wait(bool (*cond)(void *arg), void *arg)
{
	if (cond(arg))
		return 0;
	klog("deadlock: the only thread blocked on a wait nothing can end");
	return -EDEADLK;
}
