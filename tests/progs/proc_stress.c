/* Stress, bounded in time (must finish, without deadlock): a ring of 64
 * processes joined by pipes, with 8 tokens in flight for 40 laps each; every
 * hop checks the token's payload and hop count and folds its node number
 * into the token's checksum. Meanwhile another process runs 16 threads on a
 * futex mutex (a counter incremented 16 x 20000 times) and forks children
 * from its main thread while they contend. Only totals and checksums that
 * do not depend on scheduling are printed. */
//! multiproc: yes
//! timeout: 120
#include "proc.h"
#include <pthread.h>

#define NPROC 64
#define TOKENS 8
#define LAPS 40
#define NT 16
#define INCS 20000

struct token {
	uint32_t id, hop, lap;
	uint32_t sum;
	unsigned char payload[48];
};

static void payload(unsigned char *b, uint32_t id)
{
	for (int i = 0; i < 48; i++)
		b[i] = (unsigned char)(id * 31 + i);
}

/* Node k reads from ring[k] and writes to ring[(k+1) % NPROC]. */
static int ring_node(int k, int (*ring)[2])
{
	int in = ring[k][0], out = ring[(k + 1) % NPROC][1];
	struct token t;
	unsigned char want[48];
	int bad = 0, passed = 0;

	for (;;) {
		long n = t_readn(in, &t, sizeof t);
		if (n == 0)
			break; /* the ring is being shut down */
		if (n != sizeof t)
			return 100;
		payload(want, t.id);
		if (memcmp(t.payload, want, sizeof want) || t.hop % NPROC != (uint32_t)k)
			bad++;
		t.sum = t.sum * 31 + (uint32_t)k + 1;
		t.hop++;
		passed++;
		t_writen(out, &t, sizeof t);
	}
	/* Each token passes each node LAPS times. */
	return bad ? 200 : passed == TOKENS * LAPS ? 0 : 150;
}

/* ---- the futex mutex (0 free, 1 locked, 2 locked with waiters) ---- */

static uint32_t mu;
static volatile long counter, in_crit, overlap;

static long futex(uint32_t *u, int op, uint32_t val)
{
	return syscall(SYS_futex, u, op, val, NULL, NULL, 0);
}

static uint32_t cas(uint32_t *p, uint32_t expect, uint32_t want)
{
	__atomic_compare_exchange_n(p, &expect, want, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return expect;
}

static void mu_lock(void)
{
	uint32_t c = cas(&mu, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(&mu, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(&mu, 128 /* FUTEX_WAIT_PRIVATE */, 2);
		c = __atomic_exchange_n(&mu, 2, __ATOMIC_ACQUIRE);
	}
}

static void mu_unlock(void)
{
	if (__atomic_fetch_sub(&mu, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&mu, 0, __ATOMIC_RELEASE);
		futex(&mu, 129 /* FUTEX_WAKE_PRIVATE */, 1);
	}
}

static void *inc_fn(void *arg)
{
	(void)arg;
	for (int k = 0; k < INCS; k++) {
		mu_lock();
		if (++in_crit != 1)
			overlap++;
		counter = counter + 1;
		in_crit--;
		mu_unlock();
	}
	return NULL;
}

static int futex_process(int report_w)
{
	pthread_t th[NT];
	for (int i = 0; i < NT; i++)
		if (pthread_create(&th[i], NULL, inc_fn, NULL) != 0)
			return 99;
	/* fork from the main thread while the others contend: the child has
	 * only this thread and exits at once with its own code */
	int forks_ok = 0;
	for (int i = 0; i < 10; i++) {
		pid_t c = fork();
		if (c < 0)
			break;
		if (c == 0)
			_exit(60 + i);
		int st;
		if (waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 60 + i)
			forks_ok++;
	}
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	long res[3] = {counter, overlap, forks_ok};
	t_writen(report_w, res, sizeof res);
	return 0;
}

int main(void)
{
	static int ring[NPROC][2];
	pid_t kids[NPROC];
	int rep[2];

	setvbuf(stdout, NULL, _IOFBF, 1 << 14);
	MUST(pipe(rep));
	pid_t fp = t_fork();
	if (fp == 0) {
		close(rep[0]);
		t_exit(futex_process(rep[1]));
	}
	close(rep[1]);

	for (int k = 0; k < NPROC; k++)
		MUST(pipe(ring[k]));
	/* Node 0 is this process; nodes 1..63 are children. */
	for (int k = 1; k < NPROC; k++) {
		kids[k] = t_fork();
		if (kids[k] == 0) {
			for (int j = 0; j < NPROC; j++) {
				if (j != k)
					close(ring[j][0]);
				if (j != (k + 1) % NPROC)
					close(ring[j][1]);
			}
			close(rep[0]);
			t_exit(ring_node(k, ring));
		}
	}
	for (int j = 0; j < NPROC; j++) {
		if (j != 0)
			close(ring[j][0]);
		if (j != 1)
			close(ring[j][1]);
	}
	int in = ring[0][0], out = ring[1][1];

	uint32_t sums[TOKENS], laps[TOKENS] = {0};
	int bad = 0, done = 0;
	for (uint32_t i = 0; i < TOKENS; i++) {
		struct token t = {i, 1, 0, i + 1, {0}};
		payload(t.payload, i);
		t_writen(out, &t, sizeof t);
	}
	/* Tokens come back in any order; each is sent around again until it
	 * has done LAPS laps. */
	while (done < TOKENS) {
		struct token t;
		if (t_readn(in, &t, sizeof t) != sizeof t) {
			SAY("ring: node 0 lost the ring");
			break;
		}
		unsigned char want[48];
		payload(want, t.id);
		if (t.id >= TOKENS || memcmp(t.payload, want, sizeof want) || t.hop % NPROC != 0) {
			bad++;
			continue;
		}
		t.sum = t.sum * 31 + 1;
		laps[t.id]++;
		if (laps[t.id] == LAPS) {
			sums[t.id] = t.sum;
			done++;
			continue;
		}
		t.hop++;
		t_writen(out, &t, sizeof t);
	}
	close(out); /* EOF travels round the ring: each node closes its out */
	int ok = 0;
	for (int k = 1; k < NPROC; k++) {
		int st = t_wait(kids[k]);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	close(in);
	SAY("ring: %d processes, %d tokens x %d laps, %d bad tokens, %d nodes exited cleanly",
	    NPROC, TOKENS, LAPS, bad, ok + 1);
	for (int i = 0; i < TOKENS; i++)
		SAY("  token %d: checksum %08x", i, sums[i]);

	long res[3] = {-1, -1, -1};
	long n = t_readn(rep[0], res, sizeof res);
	SAY("futex process: report %s, counter %ld (expected %d), overlaps %ld, forks while "
	    "threads ran: %ld of 10 ok",
	    n == sizeof res ? "complete" : "missing", res[0], NT * INCS, res[1], res[2]);
	SAY("  %s", t_status(t_wait(fp)));
	return 0;
}
