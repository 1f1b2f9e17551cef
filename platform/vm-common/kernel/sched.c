/*
 * The VM platforms: threads on the one CPU. Each thread has a kernel stack
 * and the CPU state the platform names (struct vm_thread_arch: the FP
 * registers, a TLS base); the switch happens only where the kernel holds
 * no lock: a thread waiting (hal_thread_wait), yielding, ending, or
 * preempted in the program by the timer (10 ms slices while there are
 * other threads). When nothing is ready the CPU sleeps (vm_idle) until the
 * earliest wait's end or the core's timer deadline. A thread runs in its
 * process's address space: the switch loads its page tables.
 */
#include <nto/kernel.h>
#include "vm_plat.h"

#define MAX_THREADS 256 /* processes and threads alive at once, the boot one included */
#define KSTACK_SIZE (32 << 10) /* signal frames put two FPU buffers (x86-64: 4 KiB) on it */

enum { T_FREE, T_READY, T_RUNNING, T_WAITING, T_DEAD };

struct vthread {
	int state;
	bool wake_pending, kick;
	void *cookie;
	struct hal_as *as; /* NULL: the boot address space */
	uint64_t sp;       /* saved kernel stack pointer while switched out */
	int64_t wait_end;  /* T_WAITING: monotonic ns, or -1 */
	struct nto_regs start_regs;
	struct vm_thread_arch arch;
	uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
};

static struct vthread threads[MAX_THREADS];
static int cur, nthreads = 1;
static int reap = -1; /* a T_DEAD thread whose stack was in use until the switch */

static uint64_t stack_top(const struct vthread *t)
{
	return (uint64_t)t->kstack + KSTACK_SIZE;
}

void sched_init(void)
{
	threads[0].state = T_RUNNING;
	set_kernel_stack(stack_top(&threads[0]));
}

int sched_nthreads(void)
{
	return nthreads;
}

static void reap_dead(void)
{
	if (reap >= 0) {
		threads[reap].state = T_FREE;
		nthreads--;
		reap = -1;
	}
}

/* Runs thread n in place of the current one (which has set its state). */
static void switch_to(int n)
{
	struct vthread *prev = &threads[cur], *next = &threads[n];

	if (n == cur) {
		next->state = T_RUNNING;
		return;
	}
	if (prev->state == T_DEAD)
		reap = cur;
	cur = n;
	next->state = T_RUNNING;
	set_kernel_stack(stack_top(next));
	mm_switch(next->as);
	vm_arch_switch(&prev->arch, &next->arch);
	switch_stack(&prev->sp, next->sp);
	reap_dead(); /* back on our own stack */
}

static int pick_ready(void)
{
	for (int i = 1; i <= MAX_THREADS; i++) {
		int n = (cur + i) % MAX_THREADS;
		if (threads[n].state == T_READY)
			return n;
	}
	return -1;
}

/* Makes waiters whose time has come ready; returns the earliest pending
 * end of all waits and the core's deadline (-1: none). When the core's
 * deadline has passed, some waiter is woken to let the core fire it. */
static int64_t expire(int64_t now)
{
	int64_t first = -1, dl = timer_deadline();
	int any_waiter = -1;

	for (int i = 0; i < MAX_THREADS; i++) {
		struct vthread *t = &threads[i];
		if (t->state != T_WAITING)
			continue;
		any_waiter = i;
		if (t->wait_end >= 0 && now >= t->wait_end)
			t->state = T_READY;
		else if (t->wait_end >= 0 && (first < 0 || t->wait_end < first))
			first = t->wait_end;
	}
	if (dl && now >= dl && any_waiter >= 0 && threads[any_waiter].state == T_WAITING)
		threads[any_waiter].state = T_READY;
	if (dl && (first < 0 || dl < first))
		first = dl;
	return first;
}

/* Whether a wait or the core's timer has an end to check against the clock. */
static bool timed_waits(void)
{
	if (timer_deadline())
		return true;
	for (int i = 0; i < MAX_THREADS; i++)
		if (threads[i].state == T_WAITING && threads[i].wait_end >= 0)
			return true;
	return false;
}

/* Gives the CPU to another thread; the current one has set its state
 * (T_READY: a yield, T_WAITING, T_DEAD). Sleeps while nothing is ready. */
static void schedule(void)
{
	for (;;) {
		int n = pick_ready();
		if (n >= 0 && !timed_waits()) { /* no clock needed: no host call */
			switch_to(n);
			return;
		}
		int64_t now = now_ns(), first = expire(now);
		n = pick_ready();
		if (n >= 0) {
			switch_to(n);
			return;
		}
		if (first >= 0 && first <= now)
			continue;
		timer_arm(first < 0 ? 0 : first - now);
		vm_idle();
	}
}

void hal_thread_set_self(void *cookie)
{
	threads[cur].cookie = cookie;
}

void *hal_thread_self(void)
{
	return threads[cur].cookie;
}

static struct vthread *find(void *cookie)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (threads[i].state != T_FREE && threads[i].state != T_DEAD &&
		    threads[i].cookie == cookie)
			return &threads[i];
	return NULL;
}

static __noreturn void first_run(void)
{
	struct vthread *t = &threads[cur];

	reap_dead();
	hal_enter_user(&t->start_regs);
}

int hal_thread_start(struct hal_as *as, const struct nto_regs *regs, uint64_t tls, void *cookie)
{
	for (int i = 0; i < MAX_THREADS; i++) {
		struct vthread *t = &threads[i];
		if (t->state != T_FREE)
			continue;
		memset(t, 0, offsetof(struct vthread, kstack));
		t->cookie = cookie;
		t->as = as;
		t->start_regs = *regs;
		vm_arch_thread_init(&t->arch, &t->start_regs, tls); /* the creator's FP state */
		t->sp = vm_arch_first_stack(stack_top(t), first_run);
		t->state = T_READY;
		nthreads++;
		if (nthreads == 2)
			timer_arm(timer_deadline() ? MAX(timer_deadline() - now_ns(), 1) : 0);
		return 0;
	}
	return -EAGAIN;
}

__noreturn void hal_thread_exit(void)
{
	threads[cur].state = T_DEAD;
	threads[cur].cookie = NULL;
	schedule();
	vm_panic("a dead thread ran again");
}

void hal_thread_wait(int64_t timeout_ns)
{
	struct vthread *t = &threads[cur];

	if (t->wake_pending) {
		t->wake_pending = false;
		return;
	}
	t->wait_end = timeout_ns >= 0 ? now_ns() + timeout_ns : -1;
	t->state = T_WAITING;
	schedule();
	t->wake_pending = false;
}

void hal_thread_wake(void *cookie)
{
	struct vthread *t = find(cookie);

	if (!t)
		return;
	if (t->state == T_WAITING)
		t->state = T_READY;
	else
		t->wake_pending = true;
}

void hal_thread_kick(void *cookie)
{
	struct vthread *t = find(cookie);

	if (t && t != &threads[cur])
		t->kick = true; /* it is preempted in the program: sched_preempt tells it */
}

void hal_yield(void)
{
	if (pick_ready() < 0)
		return;
	threads[cur].state = T_READY;
	schedule();
}

bool sched_preempt(void)
{
	if (pick_ready() >= 0) {
		threads[cur].state = T_READY;
		schedule();
	}
	if (threads[cur].kick) {
		threads[cur].kick = false;
		return true;
	}
	return false;
}

void sched_entering_core(void)
{
	threads[cur].kick = false;
}
