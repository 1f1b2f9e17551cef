/* pwrite1: 1-byte pwrite at offset 0 of one file, in a loop. Under NTO on a
 * --mount directory each call is a host call (enclave exit + host syscall).
 * Prints ns per pwrite.  usage: pwrite1 FILE [ITERS=50000] */
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pwrite1 FILE [ITERS]\n");
		return 2;
	}
	long n = arg_long(argc, argv, 2, 50000);
	int fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		die("open");
	char c = 'x';
	for (int i = 0; i < 100; i++)
		if (pwrite(fd, &c, 1, 0) != 1)
			die("pwrite");
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (pwrite(fd, &c, 1, 0) != 1)
			die("pwrite");
	double t1 = now_ns();
	close(fd);
	printf("%.0f\n", (t1 - t0) / n);
	return 0;
}
