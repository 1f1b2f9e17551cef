/* walltime (host tool, not run under NTO): run a command N times with
 * fork + execvp + waitpid and print the best wall time in microseconds.
 * The command's stdout/stderr go to /dev/null.  usage: walltime N CMD [ARGS] */
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include "bench.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: walltime N CMD [ARGS...]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 0);
	double best = 1e30;
	for (long i = 0; i < n; i++) {
		double t0 = now_ns();
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			int nul = open("/dev/null", O_WRONLY);
			dup2(nul, 1);
			dup2(nul, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) < 0)
			die("waitpid");
		double t1 = now_ns();
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "walltime: %s failed (status 0x%x)\n", argv[2], st);
			return 1;
		}
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	printf("%.0f\n", best / 1e3);
	return 0;
}
