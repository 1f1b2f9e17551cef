/* Processes in the core without running program code: fork's bookkeeping
 * over the test platform's dummy address spaces, exits and zombies, wait,
 * reparenting, process groups and sessions, kill routing, stop and
 * continue, per-process timers and /proc. The test plays each process's
 * thread in turn (test_become). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <nto/kernel.h>
#include <nto/mm.h>
#include <nto/proc.h>
#include <nto/signal.h>

#include "../../platform/test/test_libc.h"
#include "fixture.h"

enum {
	NR_clone = 56, NR_fork = 57, NR_vfork = 58, NR_wait4 = 61, NR_setpgid = 109,
	NR_getppid = 110, NR_setsid = 112, NR_getpgid = 121, NR_getsid = 124,
	NR_rt_sigtimedwait = 128, NR_rt_sigqueueinfo = 129, NR_prctl = 157, NR_gettid = 186,
	NR_tgkill = 234, NR_waitid = 247, NR_clone3 = 435, NR_getitimer = 36, NR_alarm = 37,
	NR_execve = 59, NR_timer_create = 222, NR_timer_delete = 226,
};

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_VFORK          0x00004000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID   0x01000000
#define WNOHANG    1
#define WUNTRACED  2
#define WEXITED    4
#define WCONTINUED 8
#define WNOWAIT    0x01000000
#define P_ALL 0
#define P_PID 1
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define SIGRTMIN_T 34

static void *init_thread; /* pid 1's thread, the test's default identity */

static int setup(void **state)
{
	test_platform_reset();
	assert_int_equal(fixture_boot(NULL), 0);
	init_thread = current;
	test_as_enable(true);
	return 0;
}

static int teardown(void **state)
{
	if (test_hal_violations())
		fail_msg("HAL contract violation: %s", test_hal_last_violation());
	assert_false(test_panicked());
	return 0;
}

static void as_init(void)
{
	test_become(init_thread);
}

/* Plays the first live thread of process pid. */
static void as_proc(pid_t pid)
{
	struct proc *p = proc_find(pid);

	assert_non_null(p);
	assert_non_null(p->threads);
	test_become(p->threads);
}

/* The calling process forks (glibc's flags); returns the child's pid. */
static pid_t do_fork(void)
{
	long pid = SC1(NR_fork, 0);

	assert_true(pid > 1);
	return (pid_t)pid;
}

/* Process pid calls exit_group(code): its last thread leaves the core. */
static void exit_as(pid_t pid, int code)
{
	as_proc(pid);
	struct sc_result r = fixture_syscall(231, code, 0, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, -1); /* hal_thread_exit, not hal_exit */
}

/* The calling thread makes a call that blocks for good (the platform's
 * sleep budget runs out). */
static void call_blocks(uint64_t nr, long a0, long a1)
{
	test_sleep_budget(2);
	assert_int_equal(fixture_syscall(nr, a0, a1, 0, 0, 0, 0).how, TEST_STUCK);
	test_sleep_budget(0);
}

/* Forks a child and stops it: it waits in the core on its way out. */
static pid_t fork_stopped(void)
{
	pid_t pid = do_fork();

	assert_int_equal(SC2(NR_kill, pid, SIGSTOP), 0);
	as_proc(pid);
	call_blocks(NR_getpid, 0, 0);
	as_init();
	assert_true(proc_find(pid)->stopped);
	return pid;
}

static long wait_for(pid_t pid, int *status, int options)
{
	int *st = (int *)ualloc(sizeof(int));
	long r = SC4(NR_wait4, pid, st, options, 0);

	if (status)
		*status = *st;
	return r;
}

static void block_sig(int sig)
{
	ksigset_t *set = (ksigset_t *)ualloc(sizeof(*set));

	*set = SIGBIT(sig);
	assert_int_equal(SC4(NR_rt_sigprocmask, SIG_BLOCK, set, 0, 8), 0);
}

/* Takes a pending signal sig without waiting; returns its siginfo words. */
static int32_t *take_sig(int sig)
{
	ksigset_t *set = (ksigset_t *)ualloc(sizeof(*set));
	int32_t *info = (int32_t *)ualloc(128);
	struct timespec *ts = (struct timespec *)ualloc(sizeof(*ts));

	*set = SIGBIT(sig);
	assert_int_equal(SC4(NR_rt_sigtimedwait, set, info, ts, 8), sig);
	return info;
}

static void test_fork_copies_state(void **state)
{
	uptr ctid = ualloc(4), ptid = ualloc(4);
	struct proc *me = current->proc;

	*(uint32_t *)ctid = 0x1234;
	test_as_probe(ctid);
	SC3(NR_umask, 027, 0, 0);
	long pid = SC5(NR_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID |
					 CLONE_SETTLS | SIGCHLD,
		       0, ptid, ctid, 0x7000);
	assert_true(pid > 1);
	/* The child found its tid in its copy; the parent's word is as it was. */
	assert_int_equal(test_as_probed(), pid);
	assert_int_equal(*(uint32_t *)ctid, 0x1234);
	assert_int_equal(*(uint32_t *)ptid, pid);
	assert_true(test_as_regions() >= 1);
	assert_int_equal(test_as_live(), 1);
	/* Its one thread starts where the parent's call returns, with 0. */
	assert_int_equal(test_last_start.regs.rax, 0);
	assert_int_equal(test_last_start.regs.rip, fixture_regs()->rip);
	assert_int_equal(test_last_start.tls, 0x7000);
	struct proc *c = proc_find((pid_t)pid);
	assert_non_null(c);
	assert_ptr_equal(test_last_start.cookie, c->threads);
	assert_int_equal(c->threads->tid, pid);
	assert_int_equal(c->threads->clear_child_tid, ctid);
	assert_int_equal(c->umask, 027);
	assert_int_equal(c->pgid, 1);
	assert_int_equal(c->sid, 1);
	assert_string_equal(c->cwd, me->cwd);
	assert_ptr_equal(c->fdt.files[1], me->fdt.files[1]);
	assert_int_equal(me->fdt.files[1]->refs, 2);
	assert_non_null(c->mm->as);
	/* The child sees itself and its parent. */
	as_proc((pid_t)pid);
	assert_int_equal(SC0(NR_getpid), pid);
	assert_int_equal(SC0(NR_gettid), pid);
	assert_int_equal(SC0(NR_getppid), 1);
	as_init();
	assert_int_equal(SC0(NR_getppid), 0);
}

static void test_fork_fails_cleanly(void **state)
{
	size_t live = fixture_heap_live();
	uint64_t used = mem_used();

	test_as_enable(false);
	assert_int_equal(SC0(NR_fork), -EAGAIN);
	assert_int_equal(SC0(NR_vfork), -EAGAIN);
	assert_null(procs->next);
	assert_int_equal(current->proc->fdt.files[1]->refs, 1);
	assert_int_equal(mem_used(), used);
	if (live)
		assert_int_equal(fixture_heap_live(), live);
	/* Flags no process can have. */
	test_as_enable(true);
	assert_int_equal(SC5(NR_clone, CLONE_VM | SIGCHLD, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(SC5(NR_clone, CLONE_FS | SIGCHLD, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(SC5(NR_clone, 65, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(SC2(NR_clone3, 0, 0), -ENOSYS);
	assert_null(procs->next);
}

static void test_exit_and_wait(void **state)
{
	int st;

	block_sig(SIGCHLD);
	uint64_t used = mem_used();
	pid_t pid = do_fork();
	assert_true(mem_used() > used); /* the child's copy counts against the budget */
	assert_int_equal(wait_for(-1, &st, WNOHANG), 0);
	assert_int_equal(wait_for(pid + 100, &st, 0), -ECHILD);
	test_host_clear_output();
	exit_as(pid, 3);
	as_init();
	assert_int_equal(test_as_live(), 0);
	/* SIGCHLD tells who and how. */
	int32_t *info = take_sig(SIGCHLD);
	assert_int_equal(info[2], CLD_EXITED);
	assert_int_equal(info[4], pid);
	assert_int_equal(info[6], 3);
	/* A zombie until collected; WNOWAIT leaves it. */
	assert_int_equal(proc_find(pid)->state, PS_ZOMBIE);
	int32_t *si = (int32_t *)ualloc(128);
	assert_int_equal(SC5(NR_waitid, P_PID, pid, si, WEXITED | WNOWAIT, 0), 0);
	assert_int_equal(si[0], SIGCHLD);
	assert_int_equal(si[4], pid);
	assert_int_equal(wait_for(-1, &st, 0), pid);
	assert_int_equal(st, 3 << 8);
	assert_null(proc_find(pid));
	assert_int_equal(wait_for(-1, &st, WNOHANG), -ECHILD);
	assert_int_equal(mem_used(), used);
	/* The child's end was silent; the descriptors it held are let go. */
	size_t n;
	assert_null(strstr(test_host_output(2, &n), "killed"));
	assert_int_equal(current->proc->fdt.files[1]->refs, 1);
}

static void test_wait_errors(void **state)
{
	int32_t *si = (int32_t *)ualloc(128);

	pid_t pid = do_fork();
	assert_int_equal(wait_for(-1, NULL, 0x4000), -EINVAL);
	assert_int_equal(SC5(NR_waitid, P_ALL, 0, si, 0, 0), -EINVAL);
	assert_int_equal(SC5(NR_waitid, P_PID, 0, si, WEXITED, 0), -EINVAL);
	assert_int_equal(SC5(NR_waitid, 7, 0, si, WEXITED, 0), -EINVAL);
	si[4] = 77;
	assert_int_equal(SC5(NR_waitid, P_ALL, 0, si, WEXITED | WNOHANG, 0), 0);
	assert_int_equal(si[4], 0); /* nothing yet: zeroes, as Linux */
	/* Blocking with nothing to come: the platform sees an endless wait. */
	call_blocks(NR_wait4, pid, 0);
	current->state = T_RUNNING;
}

static void test_killed_child(void **state)
{
	int st;

	pid_t pid = do_fork();
	test_host_clear_output();
	assert_int_equal(SC2(NR_kill, pid, SIGTERM), 0);
	as_proc(pid);
	struct sc_result r = fixture_syscall(NR_getpid, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	as_init();
	/* SIGCHLD left at its default is not even queued: it would only
	 * interrupt the parent's sleeps. */
	assert_false(proc_find(1)->pending.set & SIGBIT(SIGCHLD));
	/* A zombie takes signals without complaint until it is reaped. */
	assert_int_equal(SC2(NR_kill, pid, SIGKILL), 0);
	assert_int_equal(wait_for(pid, &st, 0), pid);
	assert_int_equal(st, SIGTERM);
	size_t n;
	assert_null(strstr(test_host_output(2, &n), "killed by"));
	assert_int_equal(SC2(NR_kill, pid, SIGTERM), -ESRCH);
}

/* A child with no exit signal is a "clone" child: only __WCLONE or
 * __WALL wait for it, and its death sends nothing. SA_NOCLDSTOP keeps
 * stops quiet; a kill reads CLD_KILLED. */
static void test_clone_children_and_quiet_stops(void **state)
{
	struct ksigaction *act = (struct ksigaction *)ualloc(sizeof(*act));
	int st;

	block_sig(SIGCHLD);
	long pid = SC5(NR_clone, 0, 0, 0, 0, 0);
	assert_true(pid > 1);
	exit_as((pid_t)pid, 4);
	as_init();
	assert_false(proc_find(1)->pending.set & SIGBIT(SIGCHLD));
	assert_int_equal(wait_for(-1, &st, WNOHANG), -ECHILD);
	assert_int_equal(wait_for(-1, &st, WNOHANG | 0x80000000), pid);
	assert_int_equal(st, 4 << 8);
	act->handler = 0x401000;
	act->flags = SA_RESTORER | SA_NOCLDSTOP;
	act->restorer = 0x402000;
	assert_int_equal(SC4(NR_rt_sigaction, SIGCHLD, act, 0, 8), 0);
	pid_t c = fork_stopped();
	assert_false(proc_find(1)->pending.set & SIGBIT(SIGCHLD)); /* SA_NOCLDSTOP */
	assert_int_equal(wait_for(c, &st, WUNTRACED | WNOHANG), c); /* wait still sees it */
	assert_int_equal(SC2(NR_kill, c, SIGKILL), 0);
	as_proc(c);
	assert_int_equal(fixture_syscall(NR_getpid, 0, 0, 0, 0, 0, 0).how, TEST_EXITED);
	as_init();
	int32_t *info = take_sig(SIGCHLD);
	assert_int_equal(info[2], CLD_KILLED);
	assert_int_equal(info[6], SIGKILL);
}

/* The vfork parent waits (here: the platform sees it block) until the
 * child exits or execs; then it is released. */
static void test_vfork_waits(void **state)
{
	call_blocks(NR_vfork, 0, 0);
	struct proc *c = procs->next;
	assert_non_null(c);
	assert_ptr_equal(c->vfork_parent, init_thread);
	assert_int_equal(current->vfork_child, c->pid);
	pid_t pid = c->pid;
	exit_as(pid, 0);
	as_init();
	assert_int_equal(((struct thread *)init_thread)->vfork_child, 0);
	((struct thread *)init_thread)->state = T_RUNNING;
	assert_int_equal(wait_for(pid, NULL, 0), pid);
}

/* A vfork child's execve lets its parent go on; exec leaves its marks. */
static void test_exec_in_child(void **state)
{
	char path[64];

	call_blocks(NR_vfork, 0, 0);
	struct proc *c = procs->next;
	pid_t pid = c->pid;
	as_proc(pid);
	assert_int_equal(SC3(NR_timer_create, CLOCK_MONOTONIC, 0, ualloc(4)), 0);
	uptr argv = ualloc(3 * sizeof(uptr));
	((uptr *)argv)[0] = ustr("prog");
	((uptr *)argv)[1] = ustr("arg");
	assert_int_equal(SC3(NR_execve, ustr("/bin/prog"), argv, 0), 0);
	assert_int_equal(((struct thread *)init_thread)->vfork_child, 0);
	assert_null(c->vfork_parent);
	assert_true(c->did_exec);
	assert_string_equal(c->comm, "prog");
	assert_int_equal(SC1(NR_timer_delete, 0), -EINVAL); /* POSIX timers went */
	as_init();
	((struct thread *)init_thread)->state = T_RUNNING;
	assert_int_equal(SC2(NR_setpgid, pid, 0), -EACCES);
	/* Another process sees the argv the core kept, never the child's memory. */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	long fd = SC3(NR_open, ustr(path), O_RDONLY, 0);
	uptr buf = ualloc(64);
	assert_int_equal(SC3(NR_read, fd, buf, 64), 9);
	assert_memory_equal((void *)buf, "prog\0arg\0", 9);
	SC1(NR_close, fd);
}

/* A pipe between two processes: the child's exit closes its end. */
static void test_pipe_between_processes(void **state)
{
	int *fds = (int *)ualloc(2 * sizeof(int));
	uptr buf = ualloc(16);

	assert_int_equal(SC2(NR_pipe2, fds, 0), 0);
	pid_t pid = do_fork();
	as_proc(pid);
	assert_int_equal(SC1(NR_close, fds[0]), 0);
	assert_int_equal(SC3(NR_write, fds[1], ustr("hi"), 2), 2);
	exit_as(pid, 0);
	as_init();
	assert_int_equal(SC1(NR_close, fds[1]), 0);
	assert_int_equal(SC3(NR_read, fds[0], buf, 16), 2);
	assert_memory_equal((void *)buf, "hi", 2);
	assert_int_equal(SC3(NR_read, fds[0], buf, 16), 0); /* every writer is gone */
	assert_int_equal(wait_for(pid, NULL, 0), pid);
}

/* pid 1's exit ends everything with its own status, children or not. */
static void test_init_exit_ends_all(void **state)
{
	do_fork();
	struct sc_result r = fixture_syscall(231, 5, 0, 0, 0, 0, 0);
	assert_int_equal(r.how, TEST_EXITED);
	assert_int_equal(test_exit_status, 5);
}

static void test_autoreap(void **state)
{
	struct ksigaction *act = (struct ksigaction *)ualloc(sizeof(*act));

	act->handler = SIG_IGN;
	assert_int_equal(SC4(NR_rt_sigaction, SIGCHLD, act, 0, 8), 0);
	pid_t a = do_fork(), b = do_fork();
	exit_as(a, 0);
	as_init();
	assert_null(proc_find(a)); /* reaped at once */
	assert_non_null(proc_find(b));
	assert_int_equal(wait_for(-1, NULL, WNOHANG), 0);
	exit_as(b, 0);
	as_init();
	assert_int_equal(wait_for(-1, NULL, 0), -ECHILD);
}

/* 1 → a (subreaper) → b → c: b's children go to a, not to pid 1, and a
 * zombie among them tells a. */
static void test_reparent(void **state)
{
	int st;

	pid_t a = do_fork();
	as_proc(a);
	assert_int_equal(SC2(NR_prctl, PR_SET_CHILD_SUBREAPER, 1), 0);
	int *flag = (int *)ualloc(4);
	assert_int_equal(SC2(NR_prctl, PR_GET_CHILD_SUBREAPER, flag), 0);
	assert_int_equal(*flag, 1);
	block_sig(SIGCHLD);
	pid_t b = do_fork();
	as_proc(b);
	pid_t c = do_fork(), d = do_fork();
	exit_as(d, 9);
	exit_as(b, 0);
	as_proc(c);
	assert_int_equal(SC0(NR_getppid), a);
	as_proc(a);
	assert_int_equal(wait_for(b, &st, 0), b);
	assert_int_equal(wait_for(-1, &st, 0), d);
	assert_int_equal(st, 9 << 8);
	/* Without a subreaper, orphans go to pid 1. */
	exit_as(a, 0);
	as_proc(c);
	assert_int_equal(SC0(NR_getppid), 1);
	as_init();
	assert_int_equal(wait_for(a, &st, 0), a);
	assert_int_equal(wait_for(-1, &st, WNOHANG), 0); /* c lives on */
}

static void test_groups_and_sessions(void **state)
{
	pid_t a = do_fork(), b = do_fork();

	/* The parent moves its child into a new group, then into its own. */
	assert_int_equal(SC2(NR_setpgid, a, 0), 0);
	assert_int_equal(SC1(NR_getpgid, a), a);
	assert_int_equal(SC2(NR_setpgid, b, a), 0);
	assert_int_equal(SC1(NR_getpgid, b), a);
	assert_int_equal(SC2(NR_setpgid, b, 424242), -EPERM); /* no such group */
	assert_int_equal(SC2(NR_setpgid, 424242, 0), -ESRCH);
	assert_int_equal(SC2(NR_setpgid, 0, -1), -EINVAL);
	assert_int_equal(SC1(NR_getpgid, 424242), -ESRCH);
	/* b leaves the session: its parent can no longer move it. */
	as_proc(b);
	assert_int_equal(SC0(NR_setsid), b);
	assert_int_equal(SC0(NR_setsid), -EPERM);
	assert_int_equal(SC2(NR_setpgid, 0, 0), -EPERM); /* a session leader */
	as_init();
	assert_int_equal(SC1(NR_getsid, b), b);
	assert_int_equal(SC2(NR_setpgid, b, 0), -EPERM);
	/* a group leader cannot start a session; after exec its parent cannot move it. */
	as_proc(a);
	assert_int_equal(SC0(NR_setsid), -EPERM);
	assert_int_equal(SC2(NR_setpgid, 1, 0), -ESRCH); /* not its child */
	as_init();
	proc_find(a)->did_exec = true;
	assert_int_equal(SC2(NR_setpgid, a, 1), -EACCES);
}

static ksigset_t pending_of(pid_t pid)
{
	struct proc *p = proc_find(pid);

	return p->pending.set;
}

static void test_kill_routing(void **state)
{
	block_sig(SIGUSR1);
	block_sig(SIGUSR2);
	pid_t a = do_fork(), b = do_fork();
	assert_int_equal(SC2(NR_setpgid, b, 0), 0);
	/* The group -b only. */
	assert_int_equal(SC2(NR_kill, -b, SIGUSR1), 0);
	assert_int_equal(pending_of(b), SIGBIT(SIGUSR1));
	assert_int_equal(pending_of(a), 0);
	assert_int_equal(pending_of(1), 0);
	/* -1: everyone but pid 1 and the caller. */
	assert_int_equal(SC2(NR_kill, -1, SIGUSR2), 0);
	assert_int_equal(pending_of(a), SIGBIT(SIGUSR2));
	assert_int_equal(pending_of(b), SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2));
	assert_int_equal(pending_of(1), 0);
	/* 0: the caller's group (pid 1 and a). */
	assert_int_equal(SC2(NR_kill, 0, SIGUSR1), 0);
	assert_int_equal(pending_of(a), SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2));
	assert_int_equal(pending_of(1), SIGBIT(SIGUSR1));
	assert_int_equal(SC2(NR_kill, -424242, 0), -ESRCH);
	assert_int_equal(SC2(NR_kill, 424242, 0), -ESRCH);
	assert_int_equal(SC2(NR_kill, a, 0), 0);
	/* A thread of another process, by tgkill. */
	assert_int_equal(SC3(NR_tgkill, a, a, SIGUSR2), 0);
	assert_int_equal(proc_find(a)->threads->pending.set, SIGBIT(SIGUSR2));
	assert_int_equal(SC3(NR_tgkill, 1, a, SIGUSR2), -ESRCH);
	/* sigqueue to someone else may not claim to be the kernel. */
	int32_t *si = (int32_t *)ualloc(128);
	si[2] = SI_USER;
	assert_int_equal(SC3(NR_rt_sigqueueinfo, a, SIGUSR1, si), -EPERM);
	si[2] = SI_QUEUE;
	si[6] = 99;
	assert_int_equal(SC3(NR_rt_sigqueueinfo, a, SIGRTMIN_T, si), 0);
	assert_int_equal(proc_find(a)->pending.info[SIGRTMIN_T].val, 99);
	/* The child takes what was sent to it, with the sender's pid. */
	as_proc(b);
	int32_t *info = take_sig(SIGUSR1);
	assert_int_equal(info[2], SI_USER);
	assert_int_equal(info[4], 1);
}

static void test_stop_and_continue(void **state)
{
	int st;

	block_sig(SIGCHLD);
	pid_t pid = fork_stopped();
	int32_t *info = take_sig(SIGCHLD);
	assert_int_equal(info[2], CLD_STOPPED);
	assert_int_equal(info[6], SIGSTOP);
	assert_int_equal(wait_for(pid, &st, WNOHANG), 0); /* not without WUNTRACED */
	assert_int_equal(wait_for(pid, &st, WUNTRACED | WNOHANG), pid);
	assert_int_equal(st, (SIGSTOP << 8) | 0x7f);
	assert_int_equal(wait_for(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	/* SIGCONT resumes it at once, even before it runs. */
	assert_int_equal(SC2(NR_kill, pid, SIGCONT), 0);
	assert_false(proc_find(pid)->stopped);
	info = take_sig(SIGCHLD);
	assert_int_equal(info[2], CLD_CONTINUED);
	assert_int_equal(wait_for(pid, &st, WCONTINUED | WNOHANG), pid);
	assert_int_equal(st, 0xffff);
	/* The terminal's stops do nothing to an orphaned group (pid 1's). */
	as_proc(pid);
	proc_find(pid)->threads->state = T_RUNNING;
	assert_int_equal(SC2(NR_kill, 0, SIGTSTP), 0);
	assert_false(proc_find(pid)->stopped);
	/* ...but stop a group whose parent is outside it. */
	assert_int_equal(SC2(NR_setpgid, 0, 0), 0);
	call_blocks(NR_kill, 0, SIGTSTP);
	assert_true(proc_find(pid)->stopped);
	/* SIGKILL ends a stopped process. */
	as_init();
	assert_int_equal(SC2(NR_kill, pid, SIGKILL), 0);
	as_proc(pid);
	assert_int_equal(fixture_syscall(NR_getpid, 0, 0, 0, 0, 0, 0).how, TEST_EXITED);
	as_init();
	assert_int_equal(wait_for(pid, &st, 0), pid);
	assert_int_equal(st, SIGKILL);
}

static void test_timers_per_process(void **state)
{
	uptr v = ualloc(32);

	assert_int_equal(SC1(NR_alarm, 100), 0);
	pid_t pid = do_fork();
	as_proc(pid);
	assert_int_equal(SC2(NR_getitimer, 0, v), 0);
	assert_int_equal(((int64_t *)v)[2], 0); /* not inherited */
	assert_int_equal(SC1(NR_alarm, 5), 0);
	exit_as(pid, 0);
	as_init();
	assert_true(SC1(NR_alarm, 0) >= 99); /* pid 1's own is untouched */
}

/* Reads a whole /proc file into a static buffer. */
static const char *slurp(const char *path)
{
	static char out[4096];
	long fd = SC3(NR_open, ustr(path), O_RDONLY, 0);

	assert_true(fd >= 0);
	uptr buf = ualloc(sizeof(out));
	long n = SC3(NR_read, fd, buf, sizeof(out) - 1);
	assert_true(n >= 0);
	memcpy(out, (void *)buf, (size_t)n);
	out[n] = 0;
	SC1(NR_close, fd);
	return out;
}

static void test_procfs(void **state)
{
	char path[64], want[32];

	pid_t pid = do_fork();
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	const char *st = slurp(path);
	assert_non_null(strstr(st, "PPid:\t1\n"));
	snprintf(want, sizeof(want), "Tgid:\t%d\n", pid);
	assert_non_null(strstr(st, want));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	snprintf(want, sizeof(want), "%d (", pid);
	assert_ptr_equal(strstr(slurp(path), want), slurp(path));
	/* The listing names every pid. */
	long fd = SC3(NR_open, ustr("/proc"), O_RDONLY | O_DIRECTORY, 0);
	uptr buf = ualloc(8192);
	long n = SC3(NR_getdents64, fd, buf, 8192);
	bool one = false, child = false;
	for (long off = 0; off < n;) {
		const char *name = (const char *)(buf + (uptr)off + 19);
		one |= strcmp(name, "1") == 0;
		child |= atoi(name) == pid;
		off += *(uint16_t *)(buf + (uptr)off + 16);
	}
	assert_true(one && child);
	SC1(NR_close, fd);
	exit_as(pid, 0);
	as_init();
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	assert_non_null(strstr(slurp(path), "State:\tZ (zombie)"));
	assert_int_equal(wait_for(pid, NULL, 0), pid);
	assert_int_equal(SC3(NR_open, ustr(path), O_RDONLY, 0), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork_copies_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_and_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_children_and_quiet_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfork_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_in_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_between_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_exit_ends_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autoreap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reparent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_and_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_routing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers_per_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procfs, setup, teardown),
	};
	test_platform_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
