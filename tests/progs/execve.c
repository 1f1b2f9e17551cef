/* execve in one process: errors before the point of no return (ENOENT,
 * EACCES on a directory, EFAULT on a bad argv), then a real exec of this
 * same program from a process with two more threads running: argv and the
 * new environment arrive, close-on-exec fds are gone and the others stay,
 * handlers are reset and ignored signals stay ignored, the threads are gone. */
#define _GNU_SOURCE
#include "t.h"
#include <pthread.h>
#include <sys/syscall.h>

static void handler(int s)
{
	(void)s;
}

static void *idle(void *a)
{
	(void)a;
	for (;;)
		pause();
	return NULL;
}

static int child(int argc, char **argv)
{
	struct sigaction sa;

	SAY("child: argc=%d argv2=%s env=%s", argc, argv[2],
	    getenv("EXEC_TEST") ? getenv("EXEC_TEST") : "(none)");
	YESNO("child: fd 5 (kept) open", fcntl(5, F_GETFD) >= 0);
	YESNO("child: fd 6 (close-on-exec) open", fcntl(6, F_GETFD) >= 0);
	sigaction(SIGUSR1, NULL, &sa);
	YESNO("child: SIGUSR1 handler reset", sa.sa_handler == SIG_DFL);
	sigaction(SIGUSR2, NULL, &sa);
	YESNO("child: SIGUSR2 still ignored", sa.sa_handler == SIG_IGN);
	return 7;
}

int main(int argc, char **argv, char **envp)
{
	char *none[] = {"x", NULL};
	char *args[] = {argv[0], "child", "second", NULL};
	char *env[] = {"EXEC_TEST=yes", NULL};
	pthread_t t;
	int fd;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);
	MUST(fd = open("/dev/null", O_RDONLY));
	MUST(dup2(fd, 5));
	MUST(dup2(fd, 6));
	MUST(fcntl(6, F_SETFD, FD_CLOEXEC));
	signal(SIGUSR1, handler);
	signal(SIGUSR2, SIG_IGN);
	CHECK("execve missing file", execve("/nonexistent/prog", none, envp));
	CHECK("execve a directory", execve("/", none, envp));
	CHECK("execve bad argv", syscall(SYS_execve, "/proc/self/exe", BADPTR, envp));
	CHECK("execve bad path", syscall(SYS_execve, BADPTR, none, envp));
	MUST(pthread_create(&t, NULL, idle, NULL));
	MUST(pthread_create(&t, NULL, idle, NULL));
	fflush(stdout);
	execve("/proc/self/exe", args, env);
	SAY("execve failed: %s", errname(errno));
	return 1;
}
