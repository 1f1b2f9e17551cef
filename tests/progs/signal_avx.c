/* The AVX state (the upper halves of the ymm registers) across asynchronous
 * signals whose handler clobbers it: the interrupted code must find its
 * registers as it left them (Linux keeps the whole XSAVE state in the
 * signal frame). x86-64 only: AVX. */
//! arch: x86_64
//! timeout: 60
#include "t.h"
#include <sys/time.h>

static volatile int hits;

static int avx_usable(void)
{
	unsigned a = 1, b, c = 0, d, lo, hi;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (!(c & (1u << 27)) || !(c & (1u << 28)))
		return 0; /* no OSXSAVE or no AVX */
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void handler(int s)
{
	(void)s;
	/* all ones into every ymm register the loop uses, upper halves too */
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
			 "vmovdqa %%ymm0, %%ymm1" ::: "xmm0", "xmm1");
	hits++;
}

/* Puts i into all eight lanes of ymm1 and reads the top lane back after
 * a moment in which a signal may come. */
static long round_trip(long i)
{
	int v = (int)i, out;

	__asm__ volatile("vmovd %1, %%xmm0\n\t"
			 "vpbroadcastd %%xmm0, %%ymm1\n\t"
			 "pause\n\tpause\n\tpause\n\t"
			 "vextracti128 $1, %%ymm1, %%xmm0\n\t"
			 "vpextrd $3, %%xmm0, %0\n\t"
			 "vzeroupper"
			 : "=r"(out)
			 : "r"(v)
			 : "xmm0", "xmm1");
	return out;
}

static int avx2_usable(void)
{
	unsigned a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (b >> 5) & 1;
}

int main(void)
{
	struct sigaction sa = {0};
	struct itimerval it = {{0, 500}, {0, 500}}, off = {{0, 0}, {0, 0}};
	long bad = 0, i;

	YESNO("AVX usable (OSXSAVE, XCR0)", avx_usable());
	YESNO("AVX2", avx2_usable());
	if (!avx_usable() || !avx2_usable())
		return 0;
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	MUST(sigaction(SIGALRM, &sa, NULL));
	MUST(setitimer(ITIMER_REAL, &it, NULL));
	for (i = 0; i < 200000000 && hits < 100; i++)
		if (round_trip(i) != (int)i)
			bad++;
	MUST(setitimer(ITIMER_REAL, &off, NULL));
	YESNO("the handler ran many times", hits >= 20);
	YESNO("ymm registers intact after every signal", bad == 0);
	return 0;
}
