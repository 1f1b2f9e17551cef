/* Time comes from the host, which may lie: keep monotonic time monotonic. */
#include <nto/hal.h>
#include <nto/kernel.h>

static int64_t last_mono;

int64_t ktime_real(void)
{
	int64_t ns = 0;

	if (hal_clock_ns(CLOCK_REALTIME, &ns) < 0 || ns < 0)
		return 0;
	return ns;
}

int64_t ktime_mono(void)
{
	int64_t ns = 0;

	if (hal_clock_ns(CLOCK_MONOTONIC, &ns) < 0 || ns < last_mono)
		return last_mono;
	last_mono = ns;
	return ns;
}
