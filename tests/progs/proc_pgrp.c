/* Process groups and sessions with real processes: what a child inherits;
 * setsid (ok in a child, EPERM for a group leader, the new ids); setpgid
 * rules and errors (own child before and after exec, a child in another
 * session, a process that is not a child, a group that does not exist in
 * the session); getpgid/getsid of others and of a reaped pid; kill(-pgid)
 * reaches every member and nobody else; kill(0) reaches the caller's group
 * including the caller; kill of a zombie; ESRCH for reaped pids and groups.
 * Nothing depends on the top process's own session (pid 1 under NTO, a
 * session leader natively): the interesting parts run in children. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s)
{
	(void)s;
	got_usr1++;
}

static void handle_usr1(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/* A child that closes other fds, reports ready on `ready`, then waits for
 * SIGUSR1 (exit 10+idx) or for its gate to close (exit idx). */
static pid_t member(int idx, pid_t join_pgid, int ready_w, int *gate_w)
{
	int g[2];
	MUST(pipe(g));
	pid_t c = t_fork();
	if (c == 0) {
		t_close_fds_except(g[0], ready_w);
		handle_usr1();
		if (join_pgid >= 0)
			setpgid(0, join_pgid);
		t_signal_fd(ready_w);
		char ch;
		while (!got_usr1 && read(g[0], &ch, 1) < 0 && errno == EINTR)
			;
		t_exit(got_usr1 ? 10 + idx : idx);
	}
	if (join_pgid >= 0)
		setpgid(c, join_pgid ? join_pgid : c);
	close(g[0]);
	*gate_w = g[1];
	return c;
}

int main(int argc, char **argv)
{
	int st, p[2];
	pid_t c;

	if (argc > 1 && strcmp(argv[1], "idle") == 0) {
		/* after exec: tell the parent, wait for stdin to close */
		char ch;
		t_signal_fd(1);
		while (read(0, &ch, 1) > 0)
			;
		return 0;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	handle_usr1();
	pid_t me = getpid(), my_pgrp = getpgrp(), my_sid = getsid(0);
	YESNO("getpgid(0) == getpgrp()", getpgid(0) == my_pgrp);
	YESNO("getpgid(getpid()) == getpgrp()", getpgid(me) == my_pgrp);
	YESNO("getsid(getpid()) == getsid(0)", getsid(me) == my_sid);

	/* 1. what a child inherits, and setsid in it */
	int q[2];
	MUST(pipe(p));
	MUST(pipe(q));
	c = t_fork();
	if (c == 0) {
		YESNO("child: same group as the parent", getpgrp() == my_pgrp);
		YESNO("child: same session as the parent", getsid(0) == my_sid);
		YESNO("child: not a group leader", getpgrp() != getpid());
		pid_t s = setsid();
		YESNO("child: setsid() returned its pid", s == getpid());
		YESNO("child: now sid == pgid == pid", getsid(0) == getpid() && getpgrp() == getpid());
		CHECK("child: setsid() again", setsid());
		CHECK("child: setpgid(0, 0) as a session leader", setpgid(0, 0));
		CHECK("child: setpgid into the parent's group (other session)", setpgid(0, my_pgrp));
		YESNO("child: getsid(parent) is the parent's session", getsid(getppid()) == my_sid);
		YESNO("child: getpgid(parent) is the parent's group", getpgid(getppid()) == my_pgrp);
		t_signal_fd(p[1]);
		char ch;
		while (read(q[0], &ch, 1) < 0 && errno == EINTR)
			;
		t_exit(0);
	}
	t_await_fd(p[0]);
	/* The child is in its own session now. */
	YESNO("parent: getsid(child) == child", getsid(c) == c);
	YESNO("parent: getpgid(child) == child", getpgid(c) == c);
	CHECK("parent: setpgid(child, child) for a child in another session", setpgid(c, c));
	CHECK("parent: setpgid(child, my group)", setpgid(c, my_pgrp));
	t_signal_fd(q[1]);
	SAY("setsid child: %s", t_status(t_wait(c)));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);

	/* 2. setpgid on our child before and after its exec */
	int in[2], out[2];
	MUST(pipe(in));
	MUST(pipe(out));
	c = t_fork();
	if (c == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		t_close_fds_except(-1, -1);
		char *args[] = {argv[0], "idle", NULL};
		execv("/proc/self/exe", args);
		t_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t_await_fd(out[0]); /* it has exec'd */
	CHECK("setpgid(child, child) after its exec", setpgid(c, c));
	CHECK("setpgid(child, 0) after its exec", setpgid(c, 0));
	close(in[1]);
	SAY("exec'd child: %s", t_status(t_wait(c)));
	close(out[0]);

	MUST(pipe(p));
	c = t_fork();
	if (c == 0) {
		char ch;
		close(p[1]);
		while (read(p[0], &ch, 1) < 0 && errno == EINTR)
			;
		t_exit(0);
	}
	close(p[0]);
	CHECK("setpgid(child, 0) before exec", setpgid(c, 0));
	YESNO("  getpgid(child) == child", getpgid(c) == c);
	CHECK("setpgid(child, my group): back", setpgid(c, my_pgrp));
	YESNO("  getpgid(child) == my group", getpgid(c) == my_pgrp);
	CHECK("setpgid(0, child): no such group", setpgid(0, c));
	CHECK("setpgid(child, -1)", setpgid(c, -1));
	close(p[1]);
	t_wait(c);
	CHECK("getpgid(reaped child)", getpgid(c));
	CHECK("getsid(reaped child)", getsid(c));
	CHECK("setpgid(reaped child, 0)", setpgid(c, 0));
	CHECK("kill(reaped child, 0)", kill(c, 0));
	CHECK("kill(-reaped child, 0): no such group", kill(-c, 0));

	/* 3. setpgid on a grandchild (not our child): ESRCH */
	int gp[2];
	MUST(pipe(p));
	MUST(pipe(gp));
	c = t_fork();
	if (c == 0) {
		pid_t g = t_fork();
		if (g == 0) {
			char ch;
			close(gp[1]);
			close(p[1]);
			while (read(gp[0], &ch, 1) < 0 && errno == EINTR)
				;
			t_exit(0);
		}
		close(gp[0]);
		close(gp[1]);
		t_writen(p[1], &g, sizeof g);
		t_wait(g);
		t_exit(0);
	}
	close(gp[0]);
	close(p[1]);
	pid_t g;
	MUST(t_readn(p[0], &g, sizeof g));
	CHECK("setpgid(grandchild, 0)", setpgid(g, 0));
	YESNO("getpgid(grandchild) == my group", getpgid(g) == my_pgrp);
	close(gp[1]);
	SAY("grandchild's parent: %s", t_status(t_wait(c)));
	close(p[0]);

	/* 4. kill(-pgid): a group of a leader and three members; one child
	 * outside it is not touched. */
	int ready[2], gates[5];
	pid_t kids[5];
	MUST(pipe(ready));
	kids[0] = member(0, 0, ready[1], &gates[0]); /* leader of its own group */
	for (int i = 1; i < 4; i++)
		kids[i] = member(i, kids[0], ready[1], &gates[i]);
	kids[4] = member(4, -1, ready[1], &gates[4]); /* stays in my group */
	for (int i = 0; i < 5; i++)
		t_await_fd(ready[0]);
	int in_group = 0;
	for (int i = 0; i < 5; i++)
		in_group += getpgid(kids[i]) == kids[0];
	SAY("members of the new group: %d", in_group);
	got_usr1 = 0;
	CHECK("kill(-pgid, SIGUSR1)", kill(-kids[0], SIGUSR1));
	for (int i = 0; i < 4; i++)
		SAY("  member %d: %s", i, t_status(t_wait(kids[i])));
	close(gates[4]);
	SAY("  outsider: %s", t_status(t_wait(kids[4])));
	for (int i = 0; i < 4; i++)
		close(gates[i]);
	SAY("  the sender got SIGUSR1: %s", got_usr1 ? "yes" : "no");
	CHECK("kill(-pgid) of the now empty group", kill(-kids[0], SIGUSR1));

	/* 5. kill(0) from a child leading its own group with two members: the
	 * caller and the members get it, the parent (other group) does not. */
	MUST(pipe(p));
	c = t_fork();
	if (c == 0) {
		int rdy[2], gt[2];
		pid_t m[2];
		close(p[0]);
		setpgid(0, 0);
		got_usr1 = 0;
		MUST(pipe(rdy));
		for (int i = 0; i < 2; i++)
			m[i] = member(i, -1, rdy[1], &gt[i]);
		t_await_fd(rdy[0]);
		t_await_fd(rdy[0]);
		CHECK("child: kill(0, SIGUSR1)", kill(0, SIGUSR1));
		SAY("child: got it itself: %s", got_usr1 ? "yes" : "no");
		for (int i = 0; i < 2; i++)
			SAY("child: member %d: %s", i, t_status(t_wait(m[i])));
		t_exit(0);
	}
	close(p[1]);
	setpgid(c, c);
	got_usr1 = 0;
	SAY("kill(0) child: %s", t_status(t_wait(c)));
	SAY("parent got SIGUSR1: %s", got_usr1 ? "yes" : "no");
	close(p[0]);

	/* 6. a zombie */
	c = t_fork();
	if (c == 0)
		t_exit(6);
	siginfo_t si;
	MUST(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	CHECK("kill(zombie, SIGTERM)", kill(c, SIGTERM));
	CHECK("kill(zombie, 0)", kill(c, 0));
	CHECK("getpgid(zombie) == my group", getpgid(c) == my_pgrp);
	SAY("zombie reaped: %s", t_status(t_wait(c)));

	c = t_fork();
	if (c == 0) {
		setpgid(0, 0);
		t_exit(7);
	}
	setpgid(c, c);
	MUST(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
	CHECK("kill(-pgid of a zombie leader, SIGTERM)", kill(-c, SIGTERM));
	SAY("zombie leader reaped: %s", t_status(t_wait(c)));
	CHECK("wait at the end", wait(&st));
	return 0;
}
