/* forkexec: fork, the child execs a tiny static program (bench/empty), the
 * parent waits for it. Prints µs per fork+execve+wait.
 * usage: forkexec PROG [N=300]   (under nto: --add build/bench/empty:/bin/empty) */
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static void once(char *prog)
{
	char *args[] = {prog, NULL}, *env[] = {NULL};
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execve(prog, args, env);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("child (exec failed?)");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: forkexec PROG [N]\n");
		return 2;
	}
	long n = arg_long(argc, argv, 2, 300);
	for (int i = 0; i < 5; i++) /* warm up */
		once(argv[1]);
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		once(argv[1]);
	printf("%.1f\n", (now_ns() - t0) / 1e3 / n);
	return 0;
}
