/* wait4/waitpid/waitid semantics with real children: exit codes; death by
 * a signal sent by the parent and by the child itself (WIFSIGNALED,
 * WTERMSIG, CLD_KILLED); WNOHANG with nothing ready; ECHILD for no children
 * and for a pid that is not a child; waitid with WNOWAIT leaves the zombie
 * for a real wait; waiting for a specific pid, for -1, for 0 (my group) and
 * for -pgid; waitid P_PID/P_PGID/P_ALL and the siginfo it fills; wait4's
 * rusage pointer; invalid options. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"
#include <sys/resource.h>

/* A child that blocks until the returned fd is closed, then exits code. */
static pid_t gated_child(int *gate_w, int code, int own_group)
{
	int g[2];
	MUST(pipe(g));
	pid_t c = t_fork();
	if (c == 0) {
		char ch;
		/* Not the other children's gates: they must see EOF when the
		 * parent closes them. */
		t_close_fds_except(g[0], -1);
		if (own_group)
			setpgid(0, 0);
		while (read(g[0], &ch, 1) < 0 && errno == EINTR)
			;
		t_exit(code);
	}
	if (own_group)
		setpgid(c, c); /* both sides, as shells do: no race */
	close(g[0]);
	*gate_w = g[1];
	return c;
}

/* Wait until child c is a zombie without reaping it. */
static void until_zombie(pid_t c)
{
	siginfo_t si;
	while (waitid(P_PID, c, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
}

static void show_si(const char *label, siginfo_t *si, pid_t want)
{
	SAY("%s: si_signo=%s si_code=%s si_status=%d (%s) si_pid==child: %s", label,
	    si->si_signo ? signame(si->si_signo) : "0", cld_code(si->si_code), si->si_status,
	    si->si_code == CLD_EXITED ? "code" : si->si_status ? signame(si->si_status) : "-",
	    si->si_pid == want ? "yes" : si->si_pid == 0 ? "no (0)" : "no");
}

int main(void)
{
	int st, gate;
	pid_t c, r;
	siginfo_t si;

	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	CHECK("wait with no children", wait(&st));
	CHECK("waitpid(-1, WNOHANG) with no children", waitpid(-1, &st, WNOHANG));

	/* exit codes */
	int codes[] = {0, 1, 42, 255};
	for (unsigned i = 0; i < 4; i++) {
		c = t_fork();
		if (c == 0)
			t_exit(codes[i]);
		r = waitpid(c, &st, 0);
		SAY("exit(%d): returned the child: %s, %s, WIFEXITED=%d WIFSIGNALED=%d", codes[i],
		    r == c ? "yes" : "no", t_status(st), !!WIFEXITED(st), !!WIFSIGNALED(st));
	}

	/* killed by the parent, and by itself */
	int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGINT};
	for (unsigned i = 0; i < 4; i++) {
		c = gated_child(&gate, 0, 0);
		CHECK("  WNOHANG while it runs", waitpid(c, &st, WNOHANG));
		CHECK("  kill", kill(c, sigs[i]));
		st = t_wait(c);
		SAY("killed with %s: %s, WIFEXITED=%d WIFSIGNALED=%d WTERMSIG==sent: %s",
		    signame(sigs[i]), t_status(st), !!WIFEXITED(st), !!WIFSIGNALED(st),
		    WTERMSIG(st) == sigs[i] ? "yes" : "no");
		close(gate);
	}
	c = t_fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		t_exit(1);
	}
	SAY("raise(SIGSEGV) in the child: %s", t_status(t_wait(c)));
	c = t_fork();
	if (c == 0) {
		signal(SIGHUP, SIG_IGN);
		kill(getpid(), SIGHUP); /* ignored */
		kill(getpid(), SIGALRM);
		t_exit(1);
	}
	SAY("ignored SIGHUP then SIGALRM: %s", t_status(t_wait(c)));

	/* ECHILD for a pid that is not our child */
	c = t_fork();
	if (c == 0) {
		pid_t parent = getppid();
		errno = 0;
		pid_t rr = waitpid(parent, &st, WNOHANG);
		SAY("child waits for its parent: %ld %s", (long)rr, errname(errno));
		t_exit(0);
	}
	t_wait(c);
	CHECK("waitpid of the reaped child", waitpid(c, &st, 0));

	/* waitid WNOWAIT, then the real wait */
	c = t_fork();
	if (c == 0)
		t_exit(33);
	memset(&si, 0, sizeof si);
	CHECK("waitid P_PID WEXITED|WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	show_si("  first look", &si, c);
	memset(&si, 0, sizeof si);
	CHECK("waitid again WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	show_si("  second look", &si, c);
	r = waitpid(-1, &st, WNOHANG);
	SAY("waitpid(-1, WNOHANG) reaps it: %s, %s", r == c ? "yes" : "no", t_status(st));
	CHECK("waitid after the real wait", waitid(P_PID, c, &si, WEXITED | WNOHANG));

	/* waitid with WNOHANG and nothing ready: 0, si_pid cleared */
	c = gated_child(&gate, 0, 0);
	memset(&si, 0x55, sizeof si);
	CHECK("waitid WNOHANG, child running", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
	YESNO("  si_pid == 0", si.si_pid == 0);
	YESNO("  si_signo == 0", si.si_signo == 0);
	close(gate);
	memset(&si, 0, sizeof si);
	CHECK("waitid P_ALL blocking", waitid(P_ALL, 0, &si, WEXITED));
	show_si("  after the gate closed", &si, c);

	/* killed child through waitid */
	c = gated_child(&gate, 0, 0);
	kill(c, SIGTERM);
	memset(&si, 0, sizeof si);
	CHECK("waitid of a killed child", waitid(P_PID, c, &si, WEXITED));
	show_si("  killed", &si, c);
	close(gate);

	/* specific pid vs -1 vs 0 vs -pgid */
	int g1, g2, g3;
	pid_t a = gated_child(&g1, 11, 0);  /* in my group */
	pid_t b = gated_child(&g2, 12, 1);  /* its own group */
	pid_t d = gated_child(&g3, 13, 0);  /* in my group */
	CHECK("getpgid(b) == b", getpgid(b) == b);
	close(g2);
	until_zombie(b);
	CHECK("waitpid(0, WNOHANG): b is done but not in my group", waitpid(0, &st, WNOHANG));
	close(g3);
	r = waitpid(0, &st, 0);
	SAY("waitpid(0) got d (in my group): %s, %s", r == d ? "yes" : "no", t_status(st));
	r = waitpid(-b, &st, 0);
	SAY("waitpid(-pgid of b) got b: %s, %s", r == b ? "yes" : "no", t_status(st));
	CHECK("waitpid(-pgid of b) again", waitpid(-b, &st, WNOHANG));
	CHECK("waitid P_PGID of b's group again", waitid(P_PGID, b, &si, WEXITED | WNOHANG));
	CHECK("waitpid(a, WNOHANG) while a runs", waitpid(a, &st, WNOHANG));
	close(g1);
	struct rusage ru;
	memset(&ru, 0xff, sizeof ru);
	r = wait4(a, &st, 0, &ru);
	SAY("wait4(a) got a: %s, %s, rusage filled: %s", r == a ? "yes" : "no", t_status(st),
	    ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 ? "yes" : "no");

	/* waitid P_PGID on my own group, and P_PID of a process in it */
	c = gated_child(&gate, 21, 0);
	close(gate);
	memset(&si, 0, sizeof si);
	CHECK("waitid P_PGID my group", waitid(P_PGID, getpgrp(), &si, WEXITED));
	show_si("  got", &si, c);

	/* wait for one specific child among several, the others stay */
	pid_t k[3];
	int kg[3];
	for (int i = 0; i < 3; i++)
		k[i] = gated_child(&kg[i], 30 + i, 0);
	for (int i = 0; i < 3; i++)
		close(kg[i]);
	for (int i = 0; i < 3; i++)
		until_zombie(k[i]);
	r = waitpid(k[1], &st, 0);
	SAY("waitpid(middle of three): %s, %s", r == k[1] ? "yes" : "no", t_status(st));
	int sum = 0;
	for (int i = 0; i < 2; i++) {
		r = wait(&st);
		sum += WEXITSTATUS(st) + (r == k[0] || r == k[2] ? 100 : 0);
	}
	SAY("the other two: sum %d", sum);

	/* bad arguments */
	c = gated_child(&gate, 0, 0);
	CHECK("waitpid bad options", waitpid(c, &st, 0x40000));
	CHECK("waitid no event bits", waitid(P_PID, c, &si, WNOHANG));
	CHECK("waitid bad idtype", waitid((idtype_t)42, c, &si, WEXITED));
	CHECK("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED | WNOHANG));
	close(gate);
	SAY("gated child: %s", t_status(t_wait(c)));
	CHECK("wait at the end", wait(&st));
	return 0;
}
