/*
 * Robustness, not conformance: every system-call number with hostile
 * arguments. Run only under nto (natively some of these would harm the
 * machine); the test checks that the program finishes and the core does
 * not panic. Calls that end the process or only wait are left out.
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int skipped(long nr)
{
	static const long skip[] = {
		SYS_exit, SYS_exit_group, SYS_rt_sigreturn, SYS_kill, SYS_tkill, SYS_tgkill,
		SYS_rt_sigsuspend, SYS_clone, SYS_clone3,
		SYS_execve, SYS_execveat, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_brk,
		SYS_set_tid_address, SYS_sigaltstack, SYS_rt_sigaction,
		SYS_rt_sigprocmask, SYS_close, SYS_close_range, SYS_dup3, SYS_madvise,
		SYS_mmap, SYS_prlimit64, SYS_setrlimit,
		/* these may legitimately sleep for as long as the bytes they are given say */
		SYS_nanosleep, SYS_clock_nanosleep, SYS_pselect6, SYS_ppoll,
		/* the same on x86-64, which also has the legacy numbers (riscv64 does not) */
#ifdef SYS_fork
		SYS_pause, SYS_vfork, SYS_fork, SYS_arch_prctl, SYS_dup2, SYS_select, SYS_poll,
#endif
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (skip[i] == nr)
			return 1;
	}
	return 0;
}

static char buf[8192];

int main(void)
{
	const long b = (long)buf, s = (long)"/tmp/storm";
	const long patterns[][6] = {
		{3, b, 64, 0, 0, 0},
		{-100, s, 0102, 0644, 0, 0},
		{s, b, 4096, 0, 0, 0},
		{b, 16, 0, 0, 0, 0},
		{-1, -1, -1, -1, -1, -1},
		{1, 1, 1, 1, 1, 1},
		{0xdeadbeefL, 0xdeadbeefL, 0xdeadbeefL, 0xdeadbeefL, 0xdeadbeefL, 0xdeadbeefL},
		{1L << 47, 4096, 1L << 40, -4096, 7, 0x7fffffff},
		{-100, 1, 0x41, 0777, 0, 0},
	};
	long calls = 0, enosys = 0;

	for (long nr = 0; nr < 460; nr++) {
		if (skipped(nr))
			continue;
		for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
			const long *a = patterns[p];
			long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			calls++;
			if (r == -1 && errno == 38)
				enosys++;
		}
	}
	printf("calls %ld, ENOSYS %ld: survived\n", calls, enosys);
	return 0;
}
