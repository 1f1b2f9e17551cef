/* pipebulk: bulk throughput through a pipe between two processes: the child
 * writes MIB MiB in 64 KiB writes, the parent reads it all. Prints MB/s
 * (10^6 B/s).  usage: pipebulk [MIB=256] */
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define CHUNK (64 * 1024)
static char buf[CHUNK];

int main(int argc, char **argv)
{
	long mib = arg_long(argc, argv, 1, 256);
	long long total = (long long)mib << 20, got = 0;
	int p[2];

	if (pipe(p))
		die("pipe");
	for (int i = 0; i < CHUNK; i++)
		buf[i] = (char)i;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		for (long long sent = 0; sent < total;) {
			ssize_t w = write(p[1], buf, CHUNK);
			if (w <= 0)
				_exit(1);
			sent += w;
		}
		_exit(0);
	}
	close(p[1]);
	double t0 = now_ns(); /* the fork itself is not timed */
	ssize_t r;
	while ((r = read(p[0], buf, CHUNK)) > 0)
		got += r;
	double dt = now_ns() - t0;
	int st;
	if (r < 0 || got != total || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("transfer");
	printf("%.0f\n", got / (dt / 1e9) / 1e6);
	return 0;
}
