/* forkwait: fork, the child _exits at once, the parent waits for it.
 * Prints µs per fork+exit+wait.  usage: forkwait [N=500] */
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static void once(void)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(7);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		die("waitpid");
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 500);
	for (int i = 0; i < 5; i++) /* warm up */
		once();
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		once();
	printf("%.1f\n", (now_ns() - t0) / 1e3 / n);
	return 0;
}
