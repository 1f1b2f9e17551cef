/* fork's memory is the child's own copy, whoever writes first and however:
 * a store by the program, a read(2) into the page (the kernel writes it),
 * a page made writable after the fork, a page never touched before the
 * fork, a fork of a fork. What copy-on-write must keep (and what a plain
 * copy keeps trivially). */
//! multiproc: yes
#include "proc.h"
#include <sys/mman.h>

#define PAGES 8
#define PG 4096

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned s = 0;
	for (size_t i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

int main(void)
{
	static unsigned char data[PAGES * PG] __attribute__((aligned(PG)));
	unsigned char *ro, *fresh;
	int fd, st;

	memset(data, 'p', sizeof(data));
	t_write_file("in.txt", "from the file, read by the child");
	MUST(fd = open("in.txt", O_RDONLY));
	ro = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fresh = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || fresh == MAP_FAILED)
		SETUP_FAIL("mmap");
	memset(ro, 'r', PG);
	MUST(mprotect(ro, PG, PROT_READ));
	unsigned before = sum(data, sizeof(data));

	pid_t c = t_fork();
	if (c == 0) {
		data[0] = 'c';                         /* a store */
		MUST(pread(fd, data + PG + 10, 14, 0)); /* the kernel's write */
		MUST(mprotect(ro, PG, PROT_READ | PROT_WRITE));
		ro[5] = 'C';                           /* made writable after the fork */
		fresh[3 * PG] = 'f';                   /* untouched before the fork */
		pid_t g = t_fork();
		if (g == 0) {
			data[2 * PG] = 'g';
			SAY("grandchild sees the child's store: %s", data[0] == 'c' ? "yes" : "no");
			SAY("grandchild sees its own store: %s", data[2 * PG] == 'g' ? "yes" : "no");
			t_exit(0);
		}
		t_wait(g);
		SAY("child: its store %c, its read [%.14s], ro[5] %c, fresh %c",
		    data[0], (char *)data + PG + 10, ro[5], fresh[3 * PG]);
		SAY("child does not see the grandchild's store: %s", data[2 * PG] == 'p' ? "yes" : "no");
		t_exit(0);
	}
	st = t_wait(c);
	SAY("child exited %d", WEXITSTATUS(st));
	SAY("parent's data unchanged: %s", sum(data, sizeof(data)) == before ? "yes" : "no");
	SAY("parent's ro page unchanged: %s", ro[5] == 'r' ? "yes" : "no");
	SAY("parent's fresh page still zero: %s", fresh[3 * PG] == 0 ? "yes" : "no");
	data[PG] = 'P'; /* the parent writes a page the child had shared */
	SAY("parent writes after the child is gone: %c", data[PG]);
	return 0;
}
