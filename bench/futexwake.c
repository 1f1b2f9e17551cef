/* Futex wake latency: two threads hand a token back and forth with
 * FUTEX_WAIT/FUTEX_WAKE; prints ns per one-way hand-off.  usage: futexwake [N=20000] */
#include "bench.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic int turn;
static long rounds;

static void wait_for(int me)
{
	int t;

	while ((t = atomic_load(&turn)) != me)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, t, NULL, NULL, 0);
}

static void give(int other)
{
	atomic_store(&turn, other);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		wait_for(1);
		give(0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	rounds = arg_long(argc, argv, 1, 20000);
	if (pthread_create(&t, NULL, partner, NULL))
		die("pthread_create");
	double t0 = now_ns();
	for (long i = 0; i < rounds; i++) {
		give(1);
		wait_for(0);
	}
	double dt = now_ns() - t0;
	pthread_join(t, NULL);
	printf("%.0f\n", dt / (double)(2 * rounds));
	return 0;
}
