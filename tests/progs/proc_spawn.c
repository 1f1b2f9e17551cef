/* vfork and posix_spawn: vfork + _exit, vfork + execve (the parent resumes
 * after the exec, the child's output comes first), vfork + a failing execve;
 * posix_spawn with file actions (open onto stdout, dup2, close) and
 * attributes (signal mask, default dispositions, a new process group);
 * posix_spawnp through PATH; posix_spawn of a missing program and of a
 * directory, which must fail in the parent. Memory sharing of vfork is not
 * looked at (it is undefined behaviour for the program, and NTO copies). */
//! multiproc: yes
//! timeout: 60
#include "proc.h"
#include <spawn.h>

extern char **environ;

/* Prints whether a spawn of something that cannot run failed, in either of
 * the ways POSIX allows (see its caller). */
static void spawn_fails(const char *label, int rc, pid_t c)
{
	int st = 0;

	if (rc == 0 && (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 127)) {
		SAY("%s: did not fail", label);
		return;
	}
	SAY("%s: fails", label);
}

static int child_role(int argc, char **argv)
{
	sigset_t m;
	struct sigaction sa;

	SAY("spawned: argc=%d argv[2]=%s", argc, argc > 2 ? argv[2] : "-");
	SAY("spawned: SPAWN_ENV=%s", getenv("SPAWN_ENV") ? getenv("SPAWN_ENV") : "(none)");
	sigprocmask(SIG_BLOCK, NULL, &m);
	YESNO("spawned: SIGUSR1 blocked", sigismember(&m, SIGUSR1));
	YESNO("spawned: SIGUSR2 blocked", sigismember(&m, SIGUSR2));
	sigaction(SIGUSR2, NULL, &sa);
	YESNO("spawned: SIGUSR2 ignored", sa.sa_handler == SIG_IGN);
	YESNO("spawned: own process group", getpgrp() == getpid());
	YESNO("spawned: fd 5 open", fcntl(5, F_GETFD) >= 0);
	YESNO("spawned: fd 6 open", fcntl(6, F_GETFD) >= 0);
	char buf[64] = "";
	long n = read(0, buf, sizeof buf - 1);
	if (n >= 0)
		buf[n] = 0;
	SAY("spawned: stdin gave %ld bytes: %s", n, buf);
	return argc > 2 ? atoi(argv[2]) : 0;
}

static void show_file(const char *path)
{
	char buf[2048];
	long n = t_slurp(path, buf, sizeof buf);
	SAY("---- %s (%ld bytes) ----", path, n);
	fwrite(buf, 1, n, stdout);
	SAY("----");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "spawned") == 0)
		return child_role(argc, argv);

	int fd;
	MUST(fd = open("input.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	MUST(write(fd, "from input.txt", 14));
	close(fd);
	MUST(fd = open("input.txt", O_RDONLY));
	MUST(dup2(fd, 5));
	MUST(dup2(fd, 6));
	close(fd);
	signal(SIGUSR2, SIG_IGN);

	/* vfork + _exit */
	fflush(stdout);
	pid_t c = vfork();
	if (c < 0)
		SETUP_FAIL("vfork");
	if (c == 0)
		_exit(5);
	SAY("vfork + _exit(5): %s", t_status(t_wait(c)));

	/* vfork + execve: stdout of the child, then the parent */
	fflush(stdout);
	c = vfork();
	if (c < 0)
		SETUP_FAIL("vfork");
	if (c == 0) {
		char *args[] = {argv[0], "spawned", "6", NULL};
		char *env[] = {"SPAWN_ENV=vfork", NULL};
		execve("/proc/self/exe", args, env);
		_exit(127);
	}
	SAY("vfork + execve: %s", t_status(t_wait(c)));

	/* vfork + a failing execve */
	fflush(stdout);
	c = vfork();
	if (c < 0)
		SETUP_FAIL("vfork");
	if (c == 0) {
		char *args[] = {"nope", NULL};
		execve("/nonexistent/prog", args, environ);
		_exit(errno == ENOENT ? 126 : 125);
	}
	SAY("vfork + missing execve: %s", t_status(t_wait(c)));

	/* posix_spawn with file actions and attributes */
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t mask, def;
	MUST(posix_spawn_file_actions_init(&fa) ? -1 : 0);
	CHECK_RC("addopen stdout", posix_spawn_file_actions_addopen(&fa, 1, "spawn_out.txt",
								     O_WRONLY | O_CREAT | O_TRUNC, 0640));
	CHECK_RC("adddup2 5 -> 0", posix_spawn_file_actions_adddup2(&fa, 5, 0));
	CHECK_RC("addclose 6", posix_spawn_file_actions_addclose(&fa, 6));
	MUST(posix_spawnattr_init(&at) ? -1 : 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigemptyset(&def);
	CHECK_RC("setsigmask", posix_spawnattr_setsigmask(&at, &mask));
	CHECK_RC("setsigdefault", posix_spawnattr_setsigdefault(&at, &def));
	CHECK_RC("setpgroup 0", posix_spawnattr_setpgroup(&at, 0));
	CHECK_RC("setflags", posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
							       POSIX_SPAWN_SETSIGDEF |
							       POSIX_SPAWN_SETPGROUP));
	char *args[] = {argv[0], "spawned", "9", NULL};
	char *env[] = {"SPAWN_ENV=posix_spawn", NULL};
	fflush(stdout);
	int rc = posix_spawn(&c, "/proc/self/exe", &fa, &at, args, env);
	CHECK_RC("posix_spawn", rc);
	if (rc == 0) {
		SAY("posix_spawn child: %s", t_status(t_wait(c)));
		show_file("spawn_out.txt");
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);

	/* The parent's own fds and mask are untouched. */
	YESNO("parent: fd 6 still open", fcntl(6, F_GETFD) >= 0);
	char buf[8];
	CHECK("parent: pread(fd 5, 4, 0)",
	      pread(5, buf, 4, 0));
	CHECK("parent: fd 5 offset after the child read it", lseek(5, 0, SEEK_CUR));

	/* posix_spawnp through PATH: PATH=/nonexistent:/proc/self, "exe" */
	char *args2[] = {"exe", "spawned", "3", NULL};
	char *env2[] = {"SPAWN_ENV=spawnp", NULL};
	setenv("PATH", "/nonexistent:/proc/self", 1);
	fflush(stdout);
	rc = posix_spawnp(&c, "exe", NULL, NULL, args2, env2);
	CHECK_RC("posix_spawnp exe via PATH", rc);
	if (rc == 0)
		SAY("posix_spawnp child: %s", t_status(t_wait(c)));

	/* A program that cannot run makes the spawn fail. POSIX lets that show
	 * either way: posix_spawn returns the error, or succeeds and the child
	 * exits with 127. glibc reports the error through memory it shares with
	 * its CLONE_VM child; under NTO a child's memory is its own
	 * (docs/processes.md), so there glibc takes the second way. */
	char *none[] = {"x", NULL};
	c = 0;
	rc = posix_spawn(&c, "/nonexistent/prog", NULL, NULL, none, environ);
	spawn_fails("posix_spawn missing", rc, c);
	rc = posix_spawnp(&c, "no-such-program", NULL, NULL, none, environ);
	spawn_fails("posix_spawnp missing", rc, c);
	rc = posix_spawn(&c, "/", NULL, NULL, none, environ);
	spawn_fails("posix_spawn a directory", rc, c);
	int st;
	/* glibc reaps the failed child itself; musl too. Nothing is left. */
	CHECK("wait after the failed spawns", waitpid(-1, &st, WNOHANG));
	return 0;
}
