/*
 * proc.h - helpers for the multi-process test programs (proc_*.c).
 *
 * Rules these programs follow so that native and NTO runs can be compared:
 *   - no raw pids are printed, only relations ("getppid() == subreaper: yes");
 *   - only one process writes to stdout at a time: a parent that has a child
 *     running prints nothing until it has waited for it (t_fork flushes
 *     stdio first, t_exit flushes before _exit);
 *   - every child is waited for before the top process exits (under NTO the
 *     end of pid 1 ends every process; natively strays would survive).
 */
#ifndef NTO_TEST_PROC_H
#define NTO_TEST_PROC_H

#include "t.h"
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#endif

static inline const char *signame(int s)
{
	static char buf[16];
	/* clang-format off */
#define S(x) {x, #x}
	static const struct { int num; const char *name; } names[] = {
		S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGBUS),
		S(SIGFPE), S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM),
		S(SIGTERM), S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP), S(SIGTTIN), S(SIGTTOU),
		S(SIGURG), S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH), S(SIGSYS),
	};
#undef S
	/* clang-format on */
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].num == s)
			return names[i].name;
	snprintf(buf, sizeof buf, "SIG#%d", s);
	return buf;
}

/* A wait status in words: "exited 3", "killed by SIGTERM", "stopped by
 * SIGSTOP", "continued". The core-dump bit is not shown. */
static inline const char *t_status(int st)
{
	static char buf[4][48];
	static int k;
	char *b = buf[k++ & 3];
	if (WIFEXITED(st))
		snprintf(b, 48, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, 48, "killed by %s", signame(WTERMSIG(st)));
	else if (WIFSTOPPED(st))
		snprintf(b, 48, "stopped by %s", signame(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(b, 48, "continued");
	else
		snprintf(b, 48, "status 0x%x?", st);
	return b;
}

static inline const char *cld_code(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	case SI_USER: return "SI_USER";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_TKILL: return "SI_TKILL";
	}
	return "?";
}

#define SETUP_FAIL(what)                                                                           \
	do {                                                                                       \
		printf("SETUP FAILED line %d: %s: %s\n", __LINE__, (what), errname(errno));       \
		fflush(stdout);                                                                    \
		_exit(99);                                                                         \
	} while (0)

/* fork with stdio flushed first (so nothing buffered is written twice). */
static inline pid_t t_fork(void)
{
	fflush(stdout);
	fflush(stderr);
	pid_t p = fork();
	if (p < 0)
		SETUP_FAIL("fork");
	return p;
}

/* A child's end: flush what it printed, then _exit (no atexit handlers). */
static inline void t_exit(int code)
{
	fflush(stdout);
	_exit(code);
}

/* waitpid(pid) retried on EINTR; a failure is a setup failure. */
static inline int t_wait(pid_t pid)
{
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r < 0 || (pid > 0 && r != pid))
		SETUP_FAIL("waitpid");
	return st;
}

/* Full read/write on a pipe, retried on EINTR and short transfers. */
static inline long t_readn(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return got ? (long)got : r;
		got += r;
	}
	return got;
}

static inline void t_writen(int fd, const void *buf, size_t n)
{
	size_t put = 0;
	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			SETUP_FAIL("write");
		put += r;
	}
}

/* In a child: close every fd from 3 up except keep1 and keep2 (pass -1), so
 * that it holds no other child's pipe end open. */
static inline void t_close_fds_except(int keep1, int keep2)
{
	for (int fd = 3; fd < 64; fd++)
		if (fd != keep1 && fd != keep2)
			close(fd);
}

/* Read up to n bytes of a file (one read) into buf; returns the count. */
static inline long t_slurp(const char *path, char *buf, size_t n)
{
	int fd;
	long got;
	MUST(fd = open(path, O_RDONLY));
	MUST(got = read(fd, buf, n));
	close(fd);
	return got;
}

/* One-byte hand-shakes between processes over a pipe. */
static inline void t_signal_fd(int fd)
{
	t_writen(fd, "!", 1);
}

static inline void t_await_fd(int fd)
{
	char c;
	if (t_readn(fd, &c, 1) != 1)
		SETUP_FAIL("await");
}

static inline void t_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

#endif
