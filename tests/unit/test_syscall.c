/* core/syscall/dispatch.c and every entry of the x86-64 table under hostile
 * arguments: results are values or errnos, never crashes or broken
 * platform contracts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/syscall.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"

static int boots;
static bool with_fork; /* fork gets the test platform's dummy address spaces */

static void reboot(void)
{
	struct fixture_opts o = {.hostfs = true};

	test_platform_reset();
	assert_int_equal(fixture_boot(&o), 0);
	test_as_enable(with_fork);
	boots++;
}

static int setup(void **state)
{
	test_platform_init();
	reboot();
	return 0;
}

static int after(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	assert_false(test_panicked());
	g_strace = false;
	return 0;
}

static void test_unknown_numbers(void **state)
{
	static const uint64_t nrs[] = {27, 29, 65, 101, 333, 334, 335, 435, 440, 511, 512,
				       1000, 4096, 0x40000000, 1ULL << 63, UINT64_MAX};
	long a[6] = {1, 2, 3, 4, 5, 6};

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		assert_int_equal(syscall_dispatch(nrs[i], a), -ENOSYS);
		assert_int_equal(fixture_syscall(nrs[i], 0, 0, 0, 0, 0, 0).ret, -ENOSYS);
	}
	/* Holes in the table have no function. */
	assert_null(syscall_table[334].fn);
	assert_string_equal(syscall_table[334].name, "rseq");
	assert_true(syscall_table_size > 318);
}

static const char *name_of(uint64_t nr)
{
	return nr < syscall_table_size && syscall_table[nr].name ? syscall_table[nr].name : "?";
}

/* Calls that may legitimately end the program with these arguments. */
static bool may_end(uint64_t nr)
{
	return nr == 60 || nr == 231 || nr == 15 || nr == 62 || nr == 200 || nr == 234;
}

static int run_hostile(const long args[6], bool strace)
{
	int calls = 0;

	for (uint64_t nr = 0; nr < syscall_table_size; nr++) {
		if (!syscall_table[nr].fn)
			continue;
		g_strace = strace;
		test_sleep_budget(1000);
		struct sc_result r = fixture_syscall(nr, args[0], args[1], args[2], args[3], args[4],
						     args[5]);
		g_strace = false;
		calls++;
		if (test_hal_violations() || test_panicked())
			fail_msg("%s(%lx, %lx, %lx, ...): %s%s", name_of(nr), args[0], args[1], args[2],
				 test_panicked() ? "core panic " : "", test_hal_last_violation());
		if (r.how == TEST_RETURNED) {
			if (r.ret < -MAX_ERRNO)
				fail_msg("%s(%lx, %lx, %lx, ...) returned %ld", name_of(nr), args[0],
					 args[1], args[2], r.ret);
			continue;
		}
		/* An earlier alarm/setitimer/timer_settime may fire at any later
		 * call (this platform's clock jumps forward when a call waits),
		 * and SIGALRM's default action ends the program. */
		if (r.how == TEST_EXITED && !may_end(nr) && test_exit_status != 128 + 14)
			fail_msg("%s(%lx, %lx, %lx, ...) ended the program (status %d)", name_of(nr),
				 args[0], args[1], args[2], test_exit_status);
		if (r.how == TEST_ENTERED)
			fail_msg("%s entered the program", name_of(nr));
		reboot(); /* the program ended (or waits forever): start a fresh one */
	}
	return calls;
}

static void test_every_entry_hostile(void **state)
{
	const long S = (long)SCRATCH_BASE, E = (long)(SCRATCH_BASE + SCRATCH_SIZE);
	static const long sets[][6] = {
		{0, 0, 0, 0, 0, 0},
		{1, 1, 1, 1, 1, 1},
		{-1, -1, -1, -1, -1, -1},
		{INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX},
		{INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN},
		{0x80000000L, 0x7fffffffL, 0xffffffffL, 0x100000000L, -4096, 4095},
		{-100, 1, -1, 0x7ffff000, 0, -1},
		{3, 1, ~0L, 4096, -1, 0},
		{0, 0x1000, 0xfffffffffffff000L, 0x10000, 0x20, -1},
		{0, 0, 0, 0, 0, 0}, /* replaced below by scratch pointers */
		{0, 0, 0, 0, 0, 0},
		{0, 0, 0, 0, 0, 0},
	};
	long a[6];
	int calls = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		memcpy(a, sets[i], sizeof(a));
		if (i == 9) { /* valid buffers, huge lengths */
			long v[6] = {S, S, (long)1 << 40, S, S, -1};
			memcpy(a, v, sizeof(a));
		} else if (i == 10) { /* buffers that run off the end of the mapping */
			long v[6] = {E - 1, E - 8, 4096, E - 4, E - 2, E - 1};
			memcpy(a, v, sizeof(a));
		} else if (i == 11) { /* fds of the console with buffers in scratch */
			long v[6] = {1, S, 64, S + 128, 0, 0};
			memcpy(a, v, sizeof(a));
			memcpy((void *)S, "/etc/passwd", 12);
		}
		calls += run_hostile(a, false);
	}
	/* Pseudo-random mixes of the interesting values, some under --strace. */
	static const long pool[] = {0, 1, -1, 3, 4096, -100, 0x7fffffff, INT64_MAX, INT64_MIN,
				    (long)SCRATCH_BASE, (long)SCRATCH_BASE + 4000,
				    (long)(SCRATCH_BASE + SCRATCH_SIZE - 3), 0x400000, ~0xfffL};
	uint32_t x = 2463534242u;
	for (int round = 0; round < 12; round++) {
		for (int k = 0; k < 6; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			a[k] = pool[x % ARRAY_SIZE(pool)];
		}
		calls += run_hostile(a, round % 3 == 0);
	}
	assert_true(calls > 14 * 100);
}

/* The same with fork succeeding: children pile up, some calls (wait4)
 * then block for good, and clone's flags meet hostile values. */
static void test_every_entry_hostile_forking(void **state)
{
	with_fork = true;
	reboot();
	test_every_entry_hostile(state);
	with_fork = false;
	reboot();
}

static void test_exit_statuses(void **state)
{
	struct sc_result r = fixture_syscall(231, 3, 0, 0, 0, 0, 0);

	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, 3);
	reboot();
	r = fixture_syscall(60, 256 + 7, 0, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, 7);
	reboot();
	/* A signal with the default action ends the program as the shell would see it. */
	r = fixture_syscall(62, 1, SIGTERM, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, 128 + SIGTERM);
	reboot();
	r = fixture_syscall(62, 1, SIGCHLD, 0, 0, 0, 0); /* ignored by default */
	assert_int_equal(r.how, TEST_RETURNED);
	assert_int_equal(r.ret, 0);
	/* rt_sigreturn with no frame on the stack: SIGSEGV. */
	fixture_regs()->rsp = 8;
	r = fixture_syscall(15, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, 128 + SIGSEGV);
	reboot();
}

static void test_signal_handler_frame(void **state)
{
	struct ksigaction *act = (struct ksigaction *)ualloc(sizeof(*act));

	act->handler = 0x401000;
	act->flags = SA_RESTORER | SA_SIGINFO;
	act->restorer = 0x402000;
	assert_int_equal(SC4(NR_rt_sigaction, SIGUSR1, act, 0, 8), 0);
	struct nto_regs *regs = fixture_regs();
	uint64_t sp = regs->rsp;
	assert_int_equal(SC2(NR_kill, 1, SIGUSR1), 0);
	/* Delivered on the way out: regs now point at the handler. */
	assert_int_equal(regs->rip, 0x401000);
	assert_int_equal(regs->rdi, SIGUSR1);
	assert_true(regs->rsp < sp);
	assert_int_equal(*(uint64_t *)regs->rsp, 0x402000); /* return into the restorer */
	/* The handler returns through rt_sigreturn: back to where we were. */
	regs->rsp += 8;
	assert_int_equal(SC0(NR_rt_sigreturn), 0);
	assert_int_equal(regs->rsp, sp);
	reboot();
}

static void test_strace_output(void **state)
{
	uptr end = SCRATCH_BASE + SCRATCH_SIZE;

	g_strace = true;
	test_host_clear_output();
	SC3(NR_open, ustr("/etc/passwd"), O_RDONLY, 0);
	const char *err = test_host_output(2, NULL);
	if (!strstr(err, "open(\"/etc/passwd\", NULL, 00) = 3"))
		fail_msg("strace printed: %s", err);
	/* A string running into unmapped memory is shown up to there, nothing more. */
	memcpy((void *)(end - 5), "abcde", 5);
	test_host_clear_output();
	SC3(NR_open, end - 5, O_RDONLY, 0);
	err = test_host_output(2, NULL);
	if (!strstr(err, "open(\"abcde\"..., NULL, 00) = -1 EFAULT"))
		fail_msg("strace printed: %s", err);
	test_host_clear_output();
	SC3(NR_open, 1, O_RDONLY, 0);
	assert_non_null(strstr(test_host_output(2, NULL), "open(0x1, NULL, 00) = -1 EFAULT"));
	test_host_clear_output();
	fixture_syscall(999, 1, 2, 3, 4, 5, 6);
	assert_non_null(strstr(test_host_output(2, NULL), "syscall_999(0x1, 0x2"));
	g_strace = false;
	SC1(NR_close, 3);
}

/* Regressions for memory-management bugs the fuzzers found. */
static void test_mm_regressions(void **state)
{
	const long A = 0x20000000;

	/* mremap(MREMAP_FIXED) whose target unmaps the old mapping's vma. */
	assert_int_equal(SC5(NR_mmap, A, 0x10000, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1),
			 A);
	long r = SC5(NR_mremap, A + 0x4000, 0x1000, 0x3000, MREMAP_MAYMOVE | MREMAP_FIXED,
		     A - 0x1000);
	assert_int_equal(r, A - 0x1000);
	/* GROWSDOWN is a flag for the core, not a protection for the platform. */
	r = SC5(NR_mmap, 0, 0x4000, PROT_READ | PROT_GROWSDOWN, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	assert_true(r > 0);
	assert_int_equal(test_page_prot((uptr)r), PROT_READ);
	/* Lengths that wrap when rounded up to pages. */
	assert_true(SC3(NR_mprotect, A + 0x8000, -1, PROT_READ) < 0);
	assert_true(SC4(NR_mremap, A + 0x8000, 0x1000, -1, 0) < 0 ||
		    vm_find(current->proc->mm, A + 0x8000) != NULL);
	assert_int_equal(SC2(NR_munmap, A - 0x1000, 0x20000), 0);
}

static void test_fd_regressions(void **state)
{
	/* F_DUPFD with a minimum that is negative as an int indexed the fd table at INT_MIN. */
	assert_int_equal(SC3(NR_fcntl, 1, F_DUPFD, 0x80000000UL), -EINVAL);
	assert_int_equal(SC3(NR_fcntl, 1, F_DUPFD, 0xffffffffUL), -EINVAL);
	assert_int_equal(SC3(NR_fcntl, 1, F_DUPFD_CLOEXEC, -1L), -EINVAL);
	assert_int_equal(SC3(NR_fcntl, 1, F_DUPFD, 5000), -EINVAL); /* over RLIMIT_NOFILE */
	long fd = SC3(NR_fcntl, 1, F_DUPFD, 10);
	assert_int_equal(fd, 10);
	assert_int_equal(SC1(NR_close, fd), 0);
}

static void test_time_regressions(void **state)
{
	struct timespec *ts = (struct timespec *)ualloc(2 * sizeof(*ts));
	struct timeval *tv = (struct timeval *)ualloc(sizeof(*tv));

	ts[0].tv_sec = INT64_MAX;
	ts[1].tv_sec = INT64_MIN;
	assert_int_equal(SC4(NR_utimensat, AT_FDCWD, ustr("/d/a"), ts, 0), 0);
	tv->tv_sec = INT64_MAX;
	test_sleep_budget(100);
	struct sc_result r = fixture_syscall(NR_select, 0, 0, 0, 0, (long)tv, 0);
	assert_true(r.how == TEST_STUCK || (r.how == TEST_RETURNED && r.ret >= -MAX_ERRNO));
	reboot();
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, after)
	const struct CMUnitTest tests[] = {
		T(test_unknown_numbers),	T(test_every_entry_hostile),
		T(test_every_entry_hostile_forking),
		T(test_exit_statuses),		T(test_signal_handler_frame),
		T(test_strace_output),		T(test_mm_regressions),
		T(test_fd_regressions),		T(test_time_regressions),
	};

	return cmocka_run_group_tests_name("syscall", tests, setup, NULL);
}
