/* openread: open(O_RDONLY) + read 4 KiB + close of one file, in a loop.
 * Prints ns per open+read+close.  usage: openread FILE [ITERS=20000] */
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

static char buf[4096];

static void once(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open");
	if (read(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
		die("read");
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: openread FILE [ITERS]\n");
		return 2;
	}
	long n = arg_long(argc, argv, 2, 20000);
	for (int i = 0; i < 100; i++)
		once(argv[1]);
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		once(argv[1]);
	double t1 = now_ns();
	printf("%.0f\n", (t1 - t0) / n);
	return 0;
}
