/*
 * x86_64-vm: the local APIC timer. One deadline (hal_timer_arm) on the
 * host's monotonic clock; the APIC counts it down in one-shot mode. Under
 * TCG QEMU's APIC timer ticks once per nanosecond with divide-by-1, and
 * an early interrupt only re-arms for the rest (the deadline is checked
 * against the clock), so a different rate makes delivery late or early by
 * one re-arm, never lost. The kernel runs with interrupts off: the timer
 * interrupts the program (then core_kick fires the core's timers) or a
 * `hlt` in hal_thread_wait.
 */
#include <nto/kernel.h>
#include "x86.h"

#define LAPIC_PA     0xfee00000UL
#define LAPIC_EOI    0x0b0
#define LAPIC_SVR    0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_DIV  0x3e0
#define MAX_TICKS    0xffffffffULL
#define RETRY_NS     1000000
#define SLICE_NS     10000000 /* 10 ms */

static int64_t deadline; /* what the core asked for; 0: none */

static void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)phys_to_virt(LAPIC_PA + reg) = v;
}

void lapic_init(void)
{
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS); /* software enable */
	lapic_write(LAPIC_TIMER_DIV, 0xb);             /* divide by 1 */
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);       /* one-shot */
	lapic_write(LAPIC_TIMER_INIT, 0);
}

void lapic_arm(int64_t delta)
{
	uint64_t ticks;

	if (sched_nthreads() > 1 && (delta <= 0 || delta > SLICE_NS))
		delta = SLICE_NS; /* a time slice for the other threads */
	ticks = delta <= 0 ? 0 : MIN((uint64_t)delta, MAX_TICKS);

	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(delta > 0 && !ticks ? 1 : ticks));
}

int64_t now_ns(void)
{
	int64_t t = 0;

	hal_clock_ns(CLOCK_MONOTONIC, &t);
	return t;
}

void hal_timer_arm(int64_t deadline_ns)
{
	deadline = deadline_ns;
	if (!deadline_ns) {
		lapic_arm(0);
		return;
	}
	lapic_arm(MAX(deadline_ns - now_ns(), 1));
}

/* The timer's interrupt. True when the core's deadline has passed (the
 * caller makes the thread enter the core); otherwise re-armed for the rest.
 * Only hal_timer_arm changes the deadline: until the core arms the next
 * one, a passed deadline keeps kicking every RETRY_NS, so a deadline is
 * never dropped between the platform's clock reading and the core's. */

bool timer_interrupt(void)
{
	int64_t t;

	lapic_write(LAPIC_EOI, 0);
	if (!deadline) {
		lapic_arm(0); /* the slice, if there are other threads */
		return false;
	}
	t = now_ns();
	lapic_arm(t >= deadline ? RETRY_NS : deadline - t);
	return t >= deadline;
}

int64_t timer_deadline(void)
{
	return deadline;
}
