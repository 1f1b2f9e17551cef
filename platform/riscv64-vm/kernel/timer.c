/*
 * riscv64-vm: time and the timer. The monotonic clock is the time CSR
 * (rdtime, counting at the device tree's timebase-frequency: 10 MHz on
 * QEMU virt), read without leaving the VM; the timer is the SBI TIME
 * extension's sbi_set_timer, an absolute compare value whose interrupt
 * (STIP) the kernel enables in sie. One deadline (hal_timer_arm); the
 * kernel runs with interrupts off, so the timer interrupts the program
 * (then core_kick fires the core's timers) or ends a wfi in vm_idle.
 */
#include <nto/kernel.h>
#include "rv.h"

#define SBI_EXT_TIME  0x54494d45
#define SIE_STIE      (1UL << 5)
#define RETRY_NS      1000000
#define SLICE_NS      10000000 /* 10 ms */

static uint64_t hz;
static int64_t deadline; /* what the core asked for; 0: none */
static int64_t base;     /* the host's CLOCK_MONOTONIC when the time CSR read 0 */

static uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

void timer_init(uint64_t timebase_hz)
{
	hz = timebase_hz;
	sbi_call(SBI_EXT_TIME, 0, -1, 0, 0); /* nothing pending */
	csr_set(sie, SIE_STIE);
}

int64_t now_ns(void)
{
	uint64_t t = rdtime();

	return base + (int64_t)((t / hz) * 1000000000ULL + (t % hz) * 1000000000ULL / hz);
}

void timer_rebase(int64_t host_ns)
{
	base = 0;
	base = MAX(host_ns - now_ns(), 0);
}

void timer_arm(int64_t delta)
{
	uint64_t ticks;

	if (sched_nthreads() > 1 && (delta <= 0 || delta > SLICE_NS))
		delta = SLICE_NS; /* a time slice for the other threads */
	if (delta <= 0) {
		sbi_call(SBI_EXT_TIME, 0, -1, 0, 0);
		return;
	}
	ticks = (uint64_t)delta / 1000 * hz / 1000000 + 1;
	sbi_call(SBI_EXT_TIME, 0, (long)(rdtime() + ticks), 0, 0);
}

void hal_timer_arm(int64_t deadline_ns)
{
	deadline = deadline_ns;
	timer_arm(deadline_ns ? MAX(deadline_ns - now_ns(), 1) : 0);
}

/* The timer's interrupt. True when the core's deadline has passed (the
 * caller makes the thread enter the core); otherwise re-armed for the rest.
 * Only hal_timer_arm changes the deadline: until the core arms the next
 * one, a passed deadline keeps kicking every RETRY_NS, so a deadline is
 * never dropped between the platform's clock reading and the core's. */
bool timer_interrupt(void)
{
	int64_t t;

	if (!deadline) {
		timer_arm(0); /* the slice, if there are other threads */
		return false;
	}
	t = now_ns();
	timer_arm(t >= deadline ? RETRY_NS : deadline - t);
	return t >= deadline;
}

int64_t timer_deadline(void)
{
	return deadline;
}

void vm_idle(void)
{
	/* wfi returns once an enabled interrupt is pending, though sstatus.SIE
	 * keeps it from being taken here; the timer's next arming clears it. */
	__asm__ volatile("wfi" ::: "memory");
}
