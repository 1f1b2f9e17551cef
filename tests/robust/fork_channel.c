/* A parent forks children that do some syscalls over their enclave
 * channel; tests/test_satellites.py runs it under a host that tampers with
 * one frame. Each child either finishes or is killed (SIGKILL) when its
 * channel breaks; a fork whose memory transfer broke fails. The parent
 * prints what happened to each and must always finish. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0) {
			printf("child %d: fork failed: %s\n", i, strerror(errno));
			continue;
		}
		if (p == 0) {
			char buf[8192];
			memset(buf, 'a' + i, sizeof(buf));
			for (int k = 0; k < 20; k++) {
				if (getppid() < 0 || write(-1, buf, sizeof(buf)) != -1)
					_exit(3);
			}
			_exit(i);
		}
		int st;
		if (waitpid(p, &st, 0) != p) {
			printf("child %d: waitpid failed\n", i);
			return 1;
		}
		if (WIFEXITED(st))
			printf("child %d: exited %d\n", i, WEXITSTATUS(st));
		else
			printf("child %d: killed by signal %d\n", i, WTERMSIG(st));
	}
	printf("parent done\n");
	return 0;
}
