/*
 * Fuzzes the system-call layer. An input is
 *   u8 flags (bit 0: --strace, bit 1: --verbose, bit 2: mount /host,
 *             bit 3: a lying host clock: two i64 follow, base and step)
 *   u16 n, then n bytes copied to the start of the scratch mapping
 *       (SCRATCH_BASE = 0x10000000: paths, structs, iovecs for the calls)
 *   then records of u16 nr + 6 x u64 arguments,
 * each run through core_syscall in a freshly booted process. exit and
 * exit_group (and fatal signals) end the process: they are caught by
 * longjmp and end the input. Every return must be a result or an errno.
 */
#include <nto/hal.h>
#include <nto/proc.h>
#include <nto/syscall.h>

#include "fuzz_common.h"

#define REC 50

static struct reader in;
static int64_t clock_base, clock_step, clock_calls;

/* The host's clock, as a hostile host would tell it (may run backwards,
 * sit near INT64_MAX, or fail). */
static int64_t lying_clock(void *ctx, int clk)
{
	return (int64_t)((uint64_t)clock_base + (uint64_t)clock_step * (uint64_t)clock_calls++);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fixture_opts o = {0};
	size_t n;
	const uint8_t *p;

	in.p = data;
	in.n = size;
	uint8_t flags = (uint8_t)rd(&in, 1);
	o.hostfs = flags & 4;
	test_platform_reset();
	if (fixture_boot(&o) < 0)
		abort();
	g_strace = flags & 1;
	g_verbose = flags & 2;
	if (flags & 8) {
		clock_base = (int64_t)rd(&in, 8);
		clock_step = (int64_t)rd(&in, 8);
		clock_calls = 0;
		test_clock_set(lying_clock, NULL);
	}
	n = (size_t)rd(&in, 2);
	p = rd_bytes(&in, &n);
	memcpy((void *)SCRATCH_BASE, p, n);
	for (int calls = 0; in.n >= 2 && calls < 32; calls++) {
		uint64_t nr = rd(&in, 2) % 512;
		long a[6];
		for (int i = 0; i < 6; i++)
			a[i] = (long)rd(&in, 8);
		test_sleep_budget(2000);
		struct sc_result r = fixture_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		fuzz_check("syscall");
		if (r.how == TEST_EXITED || r.how == TEST_STUCK)
			break;
		if (r.how != TEST_RETURNED) {
			dprintf(2, "syscall %lu: outcome %d\n", nr, r.how);
			abort();
		}
		if (r.ret < -MAX_ERRNO) {
			dprintf(2, "syscall %lu returned %ld, not a result or an errno\n", nr, r.ret);
			abort();
		}
	}
	test_platform_reset();
	return 0;
}
