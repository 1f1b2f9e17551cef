/* Thread create + join, one at a time: ns per pair.  usage: threads [N=5000] */
#include "bench.h"
#include <pthread.h>

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = arg_long(argc, argv, 1, 5000);
	pthread_t t;

	for (int i = 0; i < 50; i++) { /* warm up */
		if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
			die("pthread");
	}
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
			die("pthread");
	}
	printf("%.0f\n", (now_ns() - t0) / (double)n);
	return 0;
}
