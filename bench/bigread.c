/* bigread: sequential read of a whole file in 64 KiB chunks. One untimed
 * pass first (warms the page cache natively, touches the image pages under
 * NTO), then PASSES timed passes; prints the best pass in MB/s (10^6 B/s).
 * usage: bigread FILE [PASSES=2] */
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

#define CHUNK (64 * 1024)
static char buf[CHUNK];

static long long pass(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open");
	long long total = 0;
	ssize_t r;
	while ((r = read(fd, buf, CHUNK)) > 0)
		total += r;
	if (r < 0)
		die("read");
	close(fd);
	return total;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bigread FILE [PASSES]\n");
		return 2;
	}
	long passes = arg_long(argc, argv, 2, 2);
	pass(argv[1]);
	double best = 0;
	for (long p = 0; p < passes; p++) {
		double t0 = now_ns();
		long long bytes = pass(argv[1]);
		double t1 = now_ns();
		double mbs = bytes / ((t1 - t0) / 1e9) / 1e6;
		if (mbs > best)
			best = mbs;
	}
	printf("%.0f\n", best);
	return 0;
}
