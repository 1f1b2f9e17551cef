/* SIGCHLD and child state changes: an SA_SIGINFO handler sees si_pid,
 * si_status and si_code for an exit, a kill, a stop and a continue;
 * WUNTRACED/WCONTINUED and waitid WSTOPPED/WCONTINUED report SIGSTOP/SIGCONT
 * sent to a child; SA_NOCLDSTOP silences stop/continue; sigwaitinfo picks up
 * SIGCHLD; SIGCHLD = SIG_IGN and SA_NOCLDWAIT reap automatically (wait then
 * fails with ECHILD). One event at a time, so that nothing depends on
 * scheduling. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

static volatile sig_atomic_t hits;
static volatile int last_pid, last_status, last_code, last_signo;

static void on_chld(int s, siginfo_t *si, void *ctx)
{
	(void)ctx;
	hits++;
	last_signo = s;
	last_pid = si->si_pid;
	last_status = si->si_status;
	last_code = si->si_code;
}

static sigset_t chld_set, empty_set;

/* With SIGCHLD blocked: wait for the handler to have run n times. */
static void await_hits(int n)
{
	while (hits < n)
		sigsuspend(&empty_set);
}

static void show_last(const char *label, pid_t want)
{
	SAY("%s: handler saw %s, si_code=%s si_status=%d si_pid==child: %s", label,
	    signame(last_signo), cld_code(last_code), last_status, last_pid == want ? "yes" : "no");
}

static void install(int flags, void (*h)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	if (h) {
		sa.sa_handler = h;
	} else {
		sa.sa_sigaction = on_chld;
		flags |= SA_SIGINFO;
	}
	sa.sa_flags = flags;
	MUST(sigaction(SIGCHLD, &sa, NULL));
}

static pid_t sleeper(void)
{
	pid_t c = t_fork();
	if (c == 0) {
		sigprocmask(SIG_SETMASK, &empty_set, NULL);
		signal(SIGCHLD, SIG_DFL);
		for (;;)
			pause();
	}
	return c;
}

static int pending_chld(void)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, SIGCHLD);
}

int main(void)
{
	int st;
	pid_t c, r;
	siginfo_t si;

	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	sigemptyset(&empty_set);
	sigemptyset(&chld_set);
	sigaddset(&chld_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld_set, NULL);

	/* 1. SA_SIGINFO handler: exit, kill */
	install(0, NULL);
	c = t_fork();
	if (c == 0)
		t_exit(7);
	await_hits(1);
	show_last("exit(7)", c);
	SAY("  then waitpid: %s", t_status(t_wait(c)));

	c = sleeper();
	kill(c, SIGTERM);
	await_hits(2);
	show_last("SIGTERM", c);
	SAY("  then waitpid: %s", t_status(t_wait(c)));

	/* 2. stop and continue, with the handler (no SA_NOCLDSTOP) */
	c = sleeper();
	kill(c, SIGSTOP);
	r = waitpid(c, &st, WUNTRACED);
	SAY("SIGSTOP: waitpid WUNTRACED got the child: %s, %s, WIFSTOPPED=%d WSTOPSIG==SIGSTOP: %s",
	    r == c ? "yes" : "no", t_status(st), !!WIFSTOPPED(st),
	    WSTOPSIG(st) == SIGSTOP ? "yes" : "no");
	await_hits(3);
	show_last("  stop", c);
	CHECK("  waitpid WUNTRACED|WNOHANG again (reported once)", waitpid(c, &st, WUNTRACED | WNOHANG));
	kill(c, SIGCONT);
	r = waitpid(c, &st, WCONTINUED);
	SAY("SIGCONT: waitpid WCONTINUED got the child: %s, %s, WIFCONTINUED=%d",
	    r == c ? "yes" : "no", t_status(st), !!WIFCONTINUED(st));
	await_hits(4);
	show_last("  continue", c);
	CHECK("  waitpid WCONTINUED|WNOHANG again", waitpid(c, &st, WCONTINUED | WNOHANG));

	/* the same through waitid, WNOWAIT first */
	kill(c, SIGSTOP);
	memset(&si, 0, sizeof si);
	CHECK("waitid WSTOPPED|WNOWAIT", waitid(P_PID, c, &si, WSTOPPED | WNOWAIT));
	SAY("  si_code=%s si_status=%s si_pid==child: %s", cld_code(si.si_code),
	    signame(si.si_status), si.si_pid == c ? "yes" : "no");
	memset(&si, 0, sizeof si);
	CHECK("waitid WSTOPPED", waitid(P_PID, c, &si, WSTOPPED));
	SAY("  si_code=%s si_status=%s", cld_code(si.si_code), signame(si.si_status));
	memset(&si, 0, sizeof si);
	CHECK("waitid WSTOPPED|WNOHANG again", waitid(P_PID, c, &si, WSTOPPED | WNOHANG));
	YESNO("  si_pid == 0", si.si_pid == 0);
	await_hits(5);
	/* A stopped child is still killed by SIGKILL; SIGTERM waits until it
	 * is continued. */
	kill(c, SIGTERM);
	CHECK("SIGTERM to a stopped child, WNOHANG", waitpid(c, &st, WNOHANG));
	kill(c, SIGCONT);
	memset(&si, 0, sizeof si);
	CHECK("waitid WEXITED after SIGCONT", waitid(P_PID, c, &si, WEXITED));
	SAY("  si_code=%s si_status=%s", cld_code(si.si_code), signame(si.si_status));
	/* The continue and the death each raised SIGCHLD; take what is pending. */
	sigprocmask(SIG_UNBLOCK, &chld_set, NULL);
	sigprocmask(SIG_BLOCK, &chld_set, NULL);
	hits = 0;

	/* 3. SA_NOCLDSTOP: no SIGCHLD for stop or continue, one for death */
	install(SA_NOCLDSTOP, NULL);
	c = sleeper();
	kill(c, SIGSTOP);
	r = waitpid(c, &st, WUNTRACED);
	SAY("SA_NOCLDSTOP stop: %s, SIGCHLD pending: %s", t_status(st),
	    pending_chld() ? "yes" : "no");
	kill(c, SIGCONT);
	r = waitpid(c, &st, WCONTINUED);
	SAY("SA_NOCLDSTOP continue: %s, SIGCHLD pending: %s", t_status(st),
	    pending_chld() ? "yes" : "no");
	kill(c, SIGKILL);
	until_dead:
	r = waitpid(c, &st, 0);
	if (r < 0 && errno == EINTR)
		goto until_dead;
	SAY("SA_NOCLDSTOP death: %s, SIGCHLD pending: %s", t_status(st),
	    pending_chld() ? "yes" : "no");
	await_hits(1);
	show_last("  handler", c);
	hits = 0;

	/* 4. sigwaitinfo (handler installed but SIGCHLD blocked) */
	c = t_fork();
	if (c == 0)
		t_exit(19);
	memset(&si, 0, sizeof si);
	int s;
	while ((s = sigwaitinfo(&chld_set, &si)) < 0 && errno == EINTR)
		;
	SAY("sigwaitinfo: %s si_code=%s si_status=%d si_pid==child: %s", signame(s),
	    cld_code(si.si_code), si.si_status, si.si_pid == c ? "yes" : "no");
	SAY("  waitpid: %s, handler ran %d times", t_status(t_wait(c)), (int)hits);

	/* 5. SIG_DFL: children become zombies as usual */
	install(0, SIG_DFL);
	c = t_fork();
	if (c == 0)
		t_exit(3);
	memset(&si, 0, sizeof si);
	CHECK("SIG_DFL: waitid WNOWAIT sees a zombie", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	SAY("  %s", t_status(t_wait(c)));
	sigprocmask(SIG_UNBLOCK, &chld_set, NULL); /* discards nothing: SIG_DFL ignores */

	/* 6. SIG_IGN: no zombies; wait blocks until all are gone, then ECHILD */
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		c = t_fork();
		if (c == 0) {
			t_sleep_ms(20 * i);
			t_exit(i);
		}
	}
	CHECK("SIG_IGN: wait()", wait(&st));
	CHECK("SIG_IGN: waitpid(c)", waitpid(c, &st, 0));
	CHECK("SIG_IGN: kill(reaped child, 0)", kill(c, 0));

	/* 7. SA_NOCLDWAIT with a handler: no zombies, the handler still runs */
	sigprocmask(SIG_BLOCK, &chld_set, NULL);
	hits = 0;
	install(SA_NOCLDWAIT, NULL);
	c = t_fork();
	if (c == 0)
		t_exit(4);
	await_hits(1);
	show_last("SA_NOCLDWAIT handler", c);
	CHECK("SA_NOCLDWAIT: wait()", wait(&st));

	/* 8. back to SIG_DFL: zombies again */
	install(0, SIG_DFL);
	c = t_fork();
	if (c == 0)
		t_exit(8);
	SAY("SIG_DFL again: %s", t_status(t_wait(c)));
	return 0;
}
