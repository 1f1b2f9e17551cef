/* Floating-point state across asynchronous signals: a 1 ms interval timer
 * interrupts a long floating-point sum, and the handler does floating-point
 * work of its own. The sum must come out exactly as without signals. */
//! timeout: 60
#include "t.h"
#include <sys/time.h>

static volatile int hits;

static void handler(int s)
{
	volatile double x = 0;

	(void)s;
	for (int i = 0; i < 1000; i++)
		x += i * 0.5;
	hits++;
}

int main(void)
{
	struct sigaction sa = {0};
	struct itimerval it = {{0, 1000}, {0, 1000}}, off = {{0, 0}, {0, 0}};
	double acc = 0;

	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	MUST(sigaction(SIGALRM, &sa, NULL));
	MUST(setitimer(ITIMER_REAL, &it, NULL));
	for (long i = 1; i <= 60000000; i++)
		acc += 1.0 / (double)i;
	MUST(setitimer(ITIMER_REAL, &off, NULL));
	SAY("sum %.12f", acc);
	YESNO("the handler ran many times", hits > 10);
	return 0;
}
