/* pipepp: pipe ping-pong between two processes: the parent writes one byte
 * on one pipe, the child echoes it back on another. Prints µs per round
 * trip.  usage: pipepp [ROUNDS=10000] */
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 10000);
	int down[2], up[2];
	char c = 'x';

	if (pipe(down) || pipe(up))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (long i = 0; i < n / 10 + 10; i++) /* warm up */
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			die("warm-up");
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			die("round trip");
	double dt = now_ns() - t0;
	close(down[1]);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("child");
	printf("%.2f\n", dt / 1e3 / n);
	return 0;
}
