/* fork trees: a 3-wide, 3-deep tree (40 processes) where every node exits
 * with its own id and each parent checks its children's statuses (by pid,
 * in reverse order, or with wait(-1) matched to pids); a flat fan-out of 50
 * live children reaped with wait(-1); a chain 25 deep where each process
 * returns its child's code + 1; each node reports over one shared pipe and
 * the top prints the reports sorted. */
//! multiproc: yes
//! timeout: 60
#include "proc.h"

#define W 3
#define DEPTH 3
#define NODES 40 /* 1 + 3 + 9 + 27 */

static int report_w;
static pid_t root_pid;

struct rec {
	int id, depth, ppid_ok, bad_children;
	char pad[16];
};

/* Runs node id (its children are id*W+1 .. id*W+W); returns its exit code. */
static int node(int id, int depth)
{
	pid_t me = getpid(), kids[W];
	int bad = 0;

	if (depth < DEPTH) {
		for (int i = 0; i < W; i++) {
			int cid = id * W + 1 + i;
			kids[i] = t_fork();
			if (kids[i] == 0) {
				struct rec r = {cid, depth + 1, getppid() == me, 0, ""};
				int code = node(cid, depth + 1);
				r.bad_children = code >= 200;
				t_writen(report_w, &r, sizeof r);
				t_exit(code);
			}
		}
		if (id % 2 == 0) {
			/* by pid, last child first */
			for (int i = W - 1; i >= 0; i--) {
				int st = t_wait(kids[i]);
				if (!WIFEXITED(st) || WEXITSTATUS(st) != id * W + 1 + i)
					bad++;
			}
		} else {
			/* wait(-1), matched to the pids */
			for (int n = 0; n < W; n++) {
				int st;
				pid_t p = wait(&st);
				int i = 0;
				while (i < W && kids[i] != p)
					i++;
				if (i == W || !WIFEXITED(st) || WEXITSTATUS(st) != id * W + 1 + i)
					bad++;
				else
					kids[i] = -2;
			}
		}
		errno = 0;
		if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
			bad++;
	}
	return bad ? 200 + bad : id;
}

static int cmp_rec(const void *a, const void *b)
{
	return ((const struct rec *)a)->id - ((const struct rec *)b)->id;
}

static void tree(void)
{
	int p[2];
	struct rec recs[NODES];
	int n = 0;

	MUST(pipe(p));
	report_w = p[1];
	root_pid = getpid();
	int code = node(0, 0);
	close(p[1]);
	while (n < NODES && t_readn(p[0], &recs[n], sizeof recs[n]) == sizeof recs[n])
		n++;
	struct rec extra;
	CHECK("tree: bytes after the last report", t_readn(p[0], &extra, sizeof extra));
	close(p[0]);
	SAY("tree: root result %d, %d reports", code, n);
	qsort(recs, n, sizeof recs[0], cmp_rec);
	int ppid_ok = 0, bad = 0;
	for (int i = 0; i < n; i++) {
		ppid_ok += recs[i].ppid_ok;
		bad += recs[i].bad_children;
		if (recs[i].id != i + 1)
			SAY("tree: report %d has id %d", i, recs[i].id);
	}
	SAY("tree: getppid() == parent in %d of %d nodes, nodes with a bad child %d", ppid_ok, n,
	    bad);
	for (int d = 1; d <= DEPTH; d++) {
		int c = 0;
		for (int i = 0; i < n; i++)
			c += recs[i].depth == d;
		SAY("tree: nodes at depth %d: %d", d, c);
	}
}

static void fanout(void)
{
	enum { N = 50 };
	pid_t kids[N];
	int seen[N] = {0}, wrong = 0, order_is_fifo = 1;
	int gate[2];

	MUST(pipe(gate));
	for (int i = 0; i < N; i++) {
		kids[i] = t_fork();
		if (kids[i] == 0) {
			char c;
			close(gate[1]);
			/* All 50 are alive at once: each waits for the gate to close. */
			if (read(gate[0], &c, 1) != 0)
				t_exit(250);
			t_exit(100 + i);
		}
	}
	close(gate[0]);
	int st;
	CHECK("fanout: waitpid(-1, WNOHANG) while all are blocked", waitpid(-1, &st, WNOHANG));
	close(gate[1]);
	for (int n = 0; n < N; n++) {
		pid_t p = wait(&st);
		int i = 0;
		while (i < N && kids[i] != p)
			i++;
		if (i == N || seen[i]++ || !WIFEXITED(st) || WEXITSTATUS(st) != 100 + i)
			wrong++;
		if (i != n)
			order_is_fifo = 0;
	}
	(void)order_is_fifo; /* scheduling order: not printed */
	SAY("fanout: %d children reaped, %d wrong", N, wrong);
	CHECK("fanout: wait() after the last", wait(&st));
}

static int chain(int left)
{
	if (left == 0)
		return 0;
	pid_t c = t_fork();
	if (c == 0)
		t_exit(chain(left - 1));
	int st = t_wait(c);
	return WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 200;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	tree();
	fanout();
	SAY("chain of 25: result %d", chain(25));
	/* A child that exits with 256 + 7 reports 7; exit(-1) reports 255. */
	pid_t c = t_fork();
	if (c == 0)
		t_exit(256 + 7);
	SAY("exit(263): %s", t_status(t_wait(c)));
	c = t_fork();
	if (c == 0)
		t_exit(-1);
	SAY("exit(-1): %s", t_status(t_wait(c)));
	/* The child sees fork() == 0 and its own pid; the parent sees the child's. */
	int p[2];
	MUST(pipe(p));
	pid_t parent = getpid();
	c = t_fork();
	if (c == 0) {
		pid_t mine = getpid();
		t_writen(p[1], &mine, sizeof mine);
		t_exit(getppid() == parent && mine != parent ? 0 : 1);
	}
	pid_t told;
	MUST(t_readn(p[0], &told, sizeof told));
	SAY("fork() returned the child's getpid(): %s", told == c ? "yes" : "no");
	SAY("child check of getppid(): %s", t_status(t_wait(c)));
	return 0;
}
