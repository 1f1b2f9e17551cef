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

/*
 * The clock: the TSC, calibrated against the host's clock. A host call
 * costs ~55 us under TCG, so reading the host at every clock_gettime made
 * time coarse and waits end early against the program's own readings. The
 * host clock is read with the TSC on both sides (its value is taken to
 * belong to the midpoint); once CAL_NS of host time have passed since the
 * first reading the rate is known, and every RECAL_NS it is refined from
 * that first reading (a longer base, a better rate) without a jump. On a
 * confidential VM the TSC is the trusted clock (SEV-SNP Secure TSC, TDX's
 * virtualised TSC); the host only supplies the epoch.
 */
#define CAL_NS   20000000LL   /* 20 ms */
#define RECAL_NS 1000000000LL /* 1 s */

static struct {
	bool ready;
	uint64_t tsc0, tsc_a; /* the first reading; the current anchor */
	int64_t mono0, ns_a;  /* host time at them */
	int64_t real_off;     /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t mult;        /* ns per tick, 32.32 fixed point */
	int64_t next_recal;
} clk;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The host's clock c, and the TSC at the middle of the call. */
static int host_clock(int c, int64_t *ns, uint64_t *tsc)
{
	struct hc_msg req = {HC_MAGIC, HC_CLOCK, 0, 0, {c, 0, 0, 0, 0}, 0, 0}, resp;
	static uint64_t seq = 3ULL << 61;
	uint64_t t0 = rdtsc();

	req.seq = seq++;
	if (hal_hostcall(&req, NULL, 0, &resp, NULL, 0) < 0 || resp.ret < 0)
		return -EIO;
	*tsc = t0 + (rdtsc() - t0) / 2;
	*ns = resp.ret;
	return 0;
}

static int64_t tsc_to_ns(uint64_t tsc)
{
	return clk.ns_a + (int64_t)(((unsigned __int128)(tsc - clk.tsc_a) * clk.mult) >> 32);
}

/* The rate from the first reading to (h, t); false if nonsense (a host
 * clock that went backwards or stood still: keep the old rate). */
static bool set_rate(int64_t h, uint64_t t)
{
	if (h <= clk.mono0 || t <= clk.tsc0)
		return false;
	clk.mult = (uint64_t)(((unsigned __int128)(h - clk.mono0) << 32) / (t - clk.tsc0));
	return clk.mult != 0;
}

/* Before the rate is known: every reading is the host's. */
static int calibrate(int c, int64_t *ns)
{
	int64_t h, r;
	uint64_t t, tr;

	if (host_clock(CLOCK_MONOTONIC, &h, &t) < 0)
		return -EIO;
	if (!clk.tsc0) {
		clk.tsc0 = t;
		clk.mono0 = h;
	} else if (h - clk.mono0 >= CAL_NS && set_rate(h, t) &&
		   host_clock(CLOCK_REALTIME, &r, &tr) == 0) {
		clk.tsc_a = t;
		clk.ns_a = h;
		clk.real_off = r - tsc_to_ns(tr);
		clk.next_recal = h + RECAL_NS;
		clk.ready = true;
	}
	*ns = h;
	if (c == CLOCK_REALTIME)
		return host_clock(CLOCK_REALTIME, ns, &t);
	return 0;
}

int hal_clock_ns(int c, int64_t *ns)
{
	uint64_t t;
	int64_t h, mono;

	if (!clk.ready)
		return calibrate(c, ns);
	t = rdtsc();
	mono = tsc_to_ns(t);
	if (mono >= clk.next_recal && host_clock(CLOCK_MONOTONIC, &h, &t) == 0) {
		mono = tsc_to_ns(t);
		clk.tsc_a = t; /* the new rate starts from where the old one is */
		clk.ns_a = mono;
		set_rate(h, t);
		clk.next_recal = mono + RECAL_NS;
	}
	*ns = c == CLOCK_REALTIME ? mono + clk.real_off : mono;
	return 0;
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
