/* Shared helpers for the NTO benchmarks: each program times its own loop
 * with CLOCK_MONOTONIC and prints one number on stdout. */
#ifndef NTO_BENCH_H
#define NTO_BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline long arg_long(int argc, char **argv, int i, long dflt)
{
	return argc > i ? strtol(argv[i], NULL, 0) : dflt;
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}
#endif
