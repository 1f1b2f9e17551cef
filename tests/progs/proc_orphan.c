/* Orphans and PR_SET_CHILD_SUBREAPER: the top process is a subreaper (so
 * that natively, where it is not pid 1, orphans come back to it as they
 * come to pid 1 under NTO). A grandchild whose parent exits is reparented
 * to the top while its parent is still an unreaped zombie, and the top
 * reaps it with wait(-1); a nearer subreaper takes the orphans below it;
 * the attribute is not inherited by fork; the orphan's process group and
 * session stay. Only relations are printed. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

/* Wait (at most ~10 s) until getppid() is no longer `old`. */
static pid_t await_new_parent(pid_t old)
{
	for (int i = 0; i < 10000 && getppid() == old; i++)
		t_sleep_ms(1);
	return getppid();
}

int main(void)
{
	int st, p[2];
	int v = -1;

	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	CHECK("prctl(PR_SET_CHILD_SUBREAPER, 1)", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	CHECK("prctl(PR_GET_CHILD_SUBREAPER)", prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0));
	SAY("  value: %d", v);
	pid_t top = getpid(), top_pgrp = getpgrp();

	/* 1. P forks G and exits; G is reparented to the top. */
	MUST(pipe(p));
	pid_t P = t_fork();
	if (P == 0) {
		int inh = -1;
		prctl(PR_GET_CHILD_SUBREAPER, &inh, 0, 0, 0);
		SAY("P: subreaper attribute inherited by fork: %s", inh ? "yes" : "no");
		pid_t me = getpid();
		int hs[2];
		MUST(pipe(hs));
		pid_t G = t_fork();
		if (G == 0) {
			close(p[0]);
			YESNO("G: getppid() == P at first", getppid() == me);
			t_signal_fd(hs[1]); /* P may go now */
			pid_t np = await_new_parent(me);
			YESNO("G: after P exited, getppid() == the subreaper", np == top);
			YESNO("G: still in the top's process group", getpgrp() == top_pgrp);
			t_exit(23);
		}
		t_writen(p[1], &G, sizeof G);
		t_await_fd(hs[0]);
		t_exit(3);
	}
	close(p[1]);
	pid_t G;
	MUST(t_readn(p[0], &G, sizeof G));
	close(p[0]);
	/* Reap G first, with wait(-1): P stays a zombie meanwhile. */
	siginfo_t si;
	/* Once P is a zombie, its children have been handed over. */
	MUST(waitid(P_PID, P, &si, WEXITED | WNOWAIT));
	memset(&si, 0, sizeof si);
	MUST(waitid(P_PID, G, &si, WEXITED | WNOWAIT));
	SAY("top: waitid(G) works, so G is my child now: si_status %d", si.si_status);
	pid_t r = waitpid(P, &st, 0);
	SAY("top: P %s (got P: %s)", t_status(st), r == P ? "yes" : "no");
	r = wait(&st);
	SAY("top: wait(-1) got G: %s, %s", r == G ? "yes" : "no", t_status(st));
	CHECK("top: wait again", wait(&st));

	/* 2. top -> Q (subreaper) -> R -> S; R exits: S goes to Q, not the top. */
	MUST(pipe(p));
	pid_t Q = t_fork();
	if (Q == 0) {
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		pid_t q = getpid();
		int p2[2];
		MUST(pipe(p2));
		pid_t R = t_fork();
		if (R == 0) {
			pid_t rr = getpid();
			pid_t S = t_fork();
			if (S == 0) {
				pid_t np = await_new_parent(rr);
				YESNO("S: new parent is the nearer subreaper Q", np == q);
				YESNO("S: new parent is not the top", np != top);
				t_exit(31);
			}
			t_writen(p2[1], &S, sizeof S);
			t_exit(30);
		}
		close(p2[1]);
		pid_t S;
		MUST(t_readn(p2[0], &S, sizeof S));
		int s1 = t_wait(R);
		pid_t got = wait(&st);
		SAY("Q: R %s; wait(-1) got S: %s, %s", t_status(s1), got == S ? "yes" : "no",
		    t_status(st));
		t_exit(0);
	}
	close(p[0]);
	close(p[1]);
	SAY("top: Q %s", t_status(t_wait(Q)));
	CHECK("top: nothing else to reap", wait(&st));

	/* 3. A whole subtree orphaned at once: P2 forks 5 children and exits;
	 * the top reaps all 5 with wait(-1). */
	MUST(pipe(p));
	pid_t P2 = t_fork();
	if (P2 == 0) {
		close(p[0]);
		pid_t me = getpid();
		for (int i = 0; i < 5; i++) {
			pid_t k = t_fork();
			if (k == 0) {
				close(p[1]);
				await_new_parent(me);
				t_exit(getppid() == top ? 40 + i : 1);
			}
		}
		close(p[1]);
		t_exit(0);
	}
	close(p[1]);
	char ch;
	read(p[0], &ch, 1); /* EOF: P2 is gone (its children closed theirs) */
	close(p[0]);
	SAY("top: P2 %s", t_status(t_wait(P2)));
	int sum = 0, n = 0;
	while ((r = wait(&st)) > 0) {
		n++;
		sum += WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
	}
	SAY("top: reaped %d orphans, exit codes sum %d (40+41+42+43+44 = 210)", n, sum);
	return 0;
}
