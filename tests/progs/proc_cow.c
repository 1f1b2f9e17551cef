/* Memory after fork is each process's own, however the platform shares it
 * (x86_64-vm: copy-on-write frames; sgx-sim: copies in a new enclave).
 * A 32 MiB region filled before the forks; 8 children alive at once, each
 * writing its own pages; the parent writing after the forks; every process
 * then checks that it sees its own writes and nobody else's. Also a child
 * of a child (a page shared three ways) and a read-only mapping made
 * writable after the fork (mprotect). (MAP_SHARED anonymous memory is per
 * process on every platform yet: docs/processes.md.) */
//! multiproc: yes
//! timeout: 60
#include "proc.h"
#include <stdint.h>
#include <sys/mman.h>

#define PAGES 8192 /* 32 MiB */
#define KIDS  8
#define PG    4096

static unsigned char *region;

static unsigned char pattern(long page)
{
	return (unsigned char)(page * 7 + 1);
}

/* Number of pages that do not hold what they should: want(page) gives the
 * expected byte for the first and last byte of each page. */
static long bad_pages(unsigned char (*want)(long page, int who), int who)
{
	long bad = 0;
	for (long p = 0; p < PAGES; p++) {
		unsigned char w = want(p, who);
		if (region[p * PG] != w || region[p * PG + PG - 1] != w)
			bad++;
	}
	return bad;
}

/* Page p of kid k is written by that kid (a page of its own); page 0 by the parent. */
static int kid_page(long p)
{
	return p >= 100 && p < 100 + KIDS * 16 ? (int)((p - 100) / 16) : -1;
}

static unsigned char want_kid(long p, int who)
{
	if (kid_page(p) == who)
		return (unsigned char)(0xa0 + who);
	return pattern(p);
}

static unsigned char want_parent(long p, int who)
{
	(void)who;
	if (p == 0 || p == PAGES - 1)
		return 0xee;
	return pattern(p);
}

static void kid(int k, int gate)
{
	for (long p = 100 + k * 16; p < 100 + (k + 1) * 16; p++)
		memset(region + p * PG, 0xa0 + k, PG);
	char c;
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		; /* EOF: the parent has written its pages */
	t_exit(bad_pages(want_kid, k) ? 1 : 0);
}

static void grandchild_check(void)
{
	pid_t c = t_fork();
	if (c == 0) {
		/* shared three ways (parent, child, grandchild) until written */
		int ok = region[5 * PG] == pattern(5);
		region[5 * PG] = 0x55;
		t_exit(ok && region[5 * PG] == 0x55 ? 0 : 1);
	}
	int st = t_wait(c);
	printf("grandchild wrote its copy: %s; child's copy unchanged: %s\n", t_status(st),
	       region[5 * PG] == pattern(5) ? "yes" : "no");
}

int main(void)
{
	int gate[2];
	pid_t kids[KIDS];

	region = mmap(NULL, (size_t)PAGES * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		SETUP_FAIL("mmap");
	for (long p = 0; p < PAGES; p++)
		memset(region + p * PG, pattern(p), PG);

	MUST(pipe(gate));
	for (int k = 0; k < KIDS; k++) {
		kids[k] = t_fork();
		if (kids[k] == 0) {
			close(gate[1]);
			kid(k, gate[0]);
		}
	}
	close(gate[0]);
	memset(region, 0xee, PG);
	memset(region + (long)(PAGES - 1) * PG, 0xee, PG);
	close(gate[1]);
	int all = 1;
	for (int k = 0; k < KIDS; k++) {
		int st = t_wait(kids[k]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("kid %d: %s\n", k, t_status(st));
			all = 0;
		}
	}
	printf("%d children saw their own writes and nobody else's: %s\n", KIDS,
	       all ? "yes" : "no");
	printf("parent sees its writes and none of the children's: %s\n",
	       bad_pages(want_parent, 0) ? "no" : "yes");

	pid_t c = t_fork();
	if (c == 0) {
		grandchild_check();
		t_exit(0);
	}
	t_wait(c);

	/* read-only at fork, writable afterwards: each side gets its own copy */
	unsigned char *ro = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		SETUP_FAIL("mmap ro");
	ro[0] = 1;
	MUST(mprotect(ro, PG, PROT_READ));
	c = t_fork();
	if (c == 0) {
		MUST(mprotect(ro, PG, PROT_READ | PROT_WRITE));
		ro[0] = 2;
		t_exit(ro[0] == 2 ? 0 : 1);
	}
	int st = t_wait(c);
	printf("mprotect'd child: %s; parent's byte still 1: %s\n", t_status(st),
	       ro[0] == 1 ? "yes" : "no");
	return 0;
}
