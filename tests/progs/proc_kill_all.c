/* kill(-1): every process the caller may signal except pid 1 and the caller.
 * Under NTO the program is pid 1 of its own world. Natively kill(-1) would
 * reach every process of the user on the machine, so the native run first
 * enters a new PID namespace (as root, or through a user namespace) where
 * the program is pid 1 as well; the wrapper prints nothing and passes the
 * exit status on. Checked: a child's kill(-1) reaches its siblings in other
 * groups and sessions and their children, but not itself and not pid 1;
 * pid 1's kill(-1) reaches all its descendants and not itself; kill(-1)
 * with nobody else to signal fails with ESRCH. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"
#include <sched.h>

static volatile sig_atomic_t got;
static void on_usr1(int s)
{
	(void)s;
	got++;
}

static void enter_pid1_world(void)
{
	if (getpid() == 1)
		return;
	if (unshare(CLONE_NEWPID) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
		SETUP_FAIL("unshare(CLONE_NEWPID) for the native run");
	pid_t c = t_fork();
	if (c == 0)
		return; /* pid 1 in the new namespace */
	int st = t_wait(c);
	fflush(stdout);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* A child waiting for SIGUSR1 (exit 10+idx) or for its gate (exit idx). */
static pid_t waiter(int idx, int mode, int ready_w, int *gate_w)
{
	int g[2];
	MUST(pipe(g));
	pid_t c = t_fork();
	if (c == 0) {
		t_close_fds_except(g[0], ready_w);
		got = 0;
		if (mode == 1)
			setpgid(0, 0);
		if (mode == 2)
			setsid();
		pid_t gc = -1;
		if (mode == 2) {
			/* with a child of its own, which must be reached too */
			int gg[2];
			MUST(pipe(gg));
			gc = t_fork();
			if (gc == 0) {
				t_signal_fd(ready_w);
				char ch;
				while (!got && read(g[0], &ch, 1) < 0 && errno == EINTR)
					;
				t_exit(got ? 50 : 40);
			}
		}
		t_signal_fd(ready_w);
		char ch;
		while (!got && read(g[0], &ch, 1) < 0 && errno == EINTR)
			;
		int code = got ? 10 + idx : idx;
		if (gc > 0) {
			int st = t_wait(gc);
			code += WEXITSTATUS(st);
		}
		t_exit(code);
	}
	close(g[0]);
	*gate_w = g[1];
	return c;
}

int main(void)
{
	struct sigaction sa;
	int ready[2], gates[4];
	pid_t kids[4];

	enter_pid1_world();
	/* Never reach kill(-1) anywhere but as pid 1 of a world of our own:
	 * natively, outside a PID namespace, it would signal every process of
	 * the user on the machine (every process at all, as root). */
	if (getpid() != 1) {
		SAY("SETUP FAILED: not pid 1, refusing to call kill(-1)");
		return 99;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	SAY("I am pid 1: yes");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);

	CHECK("kill(-1, SIGUSR1) with no other process", kill(-1, SIGUSR1));
	CHECK("kill(-1, 0) with no other process", kill(-1, 0));

	/* 1. a child sends kill(-1): siblings (same group, own group, own
	 * session with a child) get it, the sender and pid 1 do not. */
	MUST(pipe(ready));
	kids[0] = waiter(0, 0, ready[1], &gates[0]);
	kids[1] = waiter(1, 1, ready[1], &gates[1]);
	kids[2] = waiter(2, 2, ready[1], &gates[2]);
	for (int i = 0; i < 4; i++) /* kids 0, 1, 2 and 2's child */
		t_await_fd(ready[0]);
	pid_t s = t_fork();
	if (s == 0) {
		got = 0;
		int r = kill(-1, SIGUSR1);
		int e = errno;
		SAY("sender: kill(-1, SIGUSR1): %d %s; got it itself: %s", r, r ? errname(e) : "",
		    got ? "yes" : "no");
		t_exit(0);
	}
	SAY("sender: %s", t_status(t_wait(s)));
	for (int i = 0; i < 3; i++)
		SAY("  sibling %d: %s", i, t_status(t_wait(kids[i])));
	for (int i = 0; i < 3; i++)
		close(gates[i]);
	SAY("  pid 1 got SIGUSR1: %s", got ? "yes" : "no");

	/* 2. pid 1 sends kill(-1): all descendants die, pid 1 does not */
	got = 0;
	for (int i = 0; i < 3; i++)
		kids[i] = waiter(i, i, ready[1], &gates[i]);
	for (int i = 0; i < 4; i++)
		t_await_fd(ready[0]);
	CHECK("pid 1: kill(-1, SIGUSR1)", kill(-1, SIGUSR1));
	for (int i = 0; i < 3; i++)
		SAY("  child %d: %s", i, t_status(t_wait(kids[i])));
	for (int i = 0; i < 3; i++)
		close(gates[i]);
	SAY("  pid 1 got SIGUSR1: %s", got ? "yes" : "no");

	/* 3. kill(-1, SIGKILL) from pid 1 */
	for (int i = 0; i < 2; i++)
		kids[i] = waiter(i, 0, ready[1], &gates[i]);
	t_await_fd(ready[0]);
	t_await_fd(ready[0]);
	CHECK("pid 1: kill(-1, SIGKILL)", kill(-1, SIGKILL));
	for (int i = 0; i < 2; i++)
		SAY("  child %d: %s", i, t_status(t_wait(kids[i])));
	for (int i = 0; i < 2; i++)
		close(gates[i]);
	CHECK("kill(-1, SIGUSR1) alone again", kill(-1, SIGUSR1));
	int st;
	CHECK("wait at the end", wait(&st));
	return 0;
}
