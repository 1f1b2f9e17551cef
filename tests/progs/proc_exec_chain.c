/* exec chains across fork: the top forks a child that execs A, A execs B,
 * B execs C (all this program, by /proc/self/exe, with a role in argv[1]).
 * Checked along the chain: argv and the new environment arrive, the pid and
 * the parent stay, a file fd stays open with its offset shared with the top,
 * close-on-exec fds close (one set before fork, one made by A), the signal
 * mask and ignored signals survive exec while handlers reset, and C's exit
 * code reaches the top's waitpid. Then the close-on-exec pipe idiom that
 * tells a parent whether its child's exec worked, and exec failures. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

extern char **environ;

static void show_env(const char *who)
{
	int n = 0;
	for (char **e = environ; *e; e++)
		n++;
	SAY("%s: %d env vars, STEP=%s EMPTY=[%s] HOME=%s", who, n,
	    getenv("STEP") ? getenv("STEP") : "(none)", getenv("EMPTY") ? getenv("EMPTY") : "(none)",
	    getenv("HOME") ? "present" : "(none)");
}

static void show_state(const char *who)
{
	struct sigaction sa;
	sigset_t m;

	YESNO("  fd 7 (file) open", fcntl(7, F_GETFD) >= 0);
	YESNO("  fd 8 (close-on-exec before fork) open", fcntl(8, F_GETFD) >= 0);
	YESNO("  fd 9 (close-on-exec, set by A) open", fcntl(9, F_GETFD) >= 0);
	sigaction(SIGUSR1, NULL, &sa);
	YESNO("  SIGUSR1 handler reset to default", sa.sa_handler == SIG_DFL);
	sigaction(SIGUSR2, NULL, &sa);
	YESNO("  SIGUSR2 still ignored", sa.sa_handler == SIG_IGN);
	sigprocmask(SIG_BLOCK, NULL, &m);
	YESNO("  SIGTERM still blocked", sigismember(&m, SIGTERM));
	(void)who;
}

static void step_write(const char *s)
{
	if (write(7, s, strlen(s)) != (ssize_t)strlen(s))
		SAY("write to fd 7 failed: %s", errname(errno));
}

static void do_exec(char **args, char **env)
{
	fflush(stdout);
	execve("/proc/self/exe", args, env);
	SAY("execve failed: %s", errname(errno));
	t_exit(98);
}

static void handler(int s)
{
	(void)s;
}

int main(int argc, char **argv)
{
	char pidbuf[32], ppidbuf[32];

	if (argc > 1 && strcmp(argv[1], "A") == 0) {
		SAY("A: argc=%d argv[2]=[%s] argv[3]=[%s]", argc, argv[2], argv[3]);
		show_env("A");
		YESNO("  A: getppid() == the top", atol(argv[4]) == getppid());
		show_state("A");
		step_write("A\n");
		MUST(dup2(7, 9));
		MUST(fcntl(9, F_SETFD, FD_CLOEXEC));
		signal(SIGUSR1, handler);
		snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
		char *args[] = {argv[0], "B", pidbuf, argv[4], NULL};
		char *env[] = {"STEP=B", "EMPTY=", NULL};
		do_exec(args, env);
	}
	if (argc > 1 && strcmp(argv[1], "B") == 0) {
		SAY("B: argc=%d", argc);
		show_env("B");
		YESNO("  B: same pid as A", atol(argv[2]) == getpid());
		YESNO("  B: getppid() == the top", atol(argv[3]) == getppid());
		show_state("B");
		step_write("B\n");
		/* Many arguments, one of them long. */
		static char longarg[5000];
		memset(longarg, 'x', sizeof longarg - 1);
		char *args[40];
		int n = 0;
		args[n++] = argv[0];
		args[n++] = "C";
		for (int i = 0; i < 30; i++)
			args[n++] = i % 2 ? "odd" : "";
		args[n++] = longarg;
		args[n] = NULL;
		char *env[] = {NULL};
		do_exec(args, env);
	}
	if (argc > 1 && strcmp(argv[1], "C") == 0) {
		size_t total = 0;
		int empty = 0;
		for (int i = 0; i < argc; i++) {
			total += strlen(argv[i]);
			empty += argv[i][0] == 0;
		}
		SAY("C: argc=%d, %d empty args, last arg %zu chars, environ[0] %s", argc, empty,
		    strlen(argv[argc - 1]), environ[0] ? "set" : "NULL");
		(void)total;
		show_state("C");
		step_write("C\n");
		t_exit(42);
	}
	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		t_exit(atoi(argv[2]));

	/* ---- the top ---- */
	int fd, fd8;
	MUST(fd = open("chain.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	MUST(dup2(fd, 7));
	close(fd);
	MUST(fd8 = open("/dev/null", O_RDONLY));
	MUST(dup2(fd8, 8));
	close(fd8);
	MUST(fcntl(8, F_SETFD, FD_CLOEXEC));
	step_write("top before\n");
	signal(SIGUSR1, handler);
	signal(SIGUSR2, SIG_IGN);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGTERM);
	sigprocmask(SIG_BLOCK, &m, NULL);

	snprintf(ppidbuf, sizeof ppidbuf, "%d", (int)getpid());
	pid_t c = t_fork();
	if (c == 0) {
		char *args[] = {"argv0-of-A", "A", "two words", "", ppidbuf, NULL};
		char *env[] = {"STEP=A", "HOME=/nowhere", NULL};
		do_exec(args, env);
	}
	int st = t_wait(c);
	SAY("top: the chain ended: %s", t_status(st));
	step_write("top after\n");
	off_t off = lseek(7, 0, SEEK_CUR);
	SAY("top: offset of fd 7 after the chain: %ld", (long)off);

	/* The close-on-exec pipe idiom: EOF means the exec worked. */
	for (int k = 0; k < 3; k++) {
		int p[2];
		MUST(pipe2(p, O_CLOEXEC));
		c = t_fork();
		if (c == 0) {
			close(p[0]);
			char *args[] = {argv[0], "exit", "17", NULL};
			const char *path = k == 0 ? "/proc/self/exe" : k == 1 ? "/nonexistent/prog" : "/";
			execve(path, args, environ);
			int e = errno;
			t_writen(p[1], &e, sizeof e);
			t_exit(127);
		}
		close(p[1]);
		int e = 0;
		long r = t_readn(p[0], &e, sizeof e);
		close(p[0]);
		st = t_wait(c);
		SAY("exec idiom %d: pipe gave %ld bytes (%s), child %s", k, r, r ? errname(e) : "EOF",
		    t_status(st));
	}
	return 0;
}
