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

/* Starts the countdown for delta ns from now (0 or less: stop it). */
static void lapic_arm(int64_t delta)
{
	uint64_t ticks = delta <= 0 ? 0 : MIN((uint64_t)delta, MAX_TICKS);

	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(delta > 0 && !ticks ? 1 : ticks));
}

static int64_t now_ns(void)
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
#define RETRY_NS 1000000

bool timer_interrupt(void)
{
	int64_t t;

	lapic_write(LAPIC_EOI, 0);
	if (!deadline)
		return false;
	t = now_ns();
	lapic_arm(t >= deadline ? RETRY_NS : deadline - t);
	return t >= deadline;
}

static bool wake_pending;

/* One thread: nothing else wakes it, so a wait ends at its timeout or at
 * the core's timer deadline, sleeping in `hlt` until the APIC timer. With
 * neither, it sleeps for good, as Linux would (the core said so). */
void hal_thread_wait(int64_t timeout_ns)
{
	int64_t now = now_ns(), end = timeout_ns >= 0 ? now + timeout_ns : -1;

	if (wake_pending) {
		wake_pending = false;
		return;
	}
	if (deadline && (end < 0 || deadline < end))
		end = deadline;
	while (end < 0)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	while (now < end) {
		lapic_arm(end - now);
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		now = now_ns();
	}
	if (deadline)
		lapic_arm(deadline > now ? deadline - now : RETRY_NS);
}

void hal_thread_wake(void *cookie)
{
	if (cookie == hal_thread_self())
		wake_pending = true;
}
