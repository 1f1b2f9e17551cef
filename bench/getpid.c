/* getpid: cost of the cheapest system call, raw syscall(SYS_getpid) so libc
 * cannot cache it. Prints ns per call.  usage: getpid [ITERS=200000] */
#include <unistd.h>
#include <sys/syscall.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 200000);
	for (long i = 0; i < 1000; i++)		/* warm up */
		syscall(SYS_getpid);
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	double t1 = now_ns();
	printf("%.0f\n", (t1 - t0) / n);
	return 0;
}
