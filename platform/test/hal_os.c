/* libc side of the test platform (see hal_os.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "hal_os.h"

uint64_t os_reserve(uint64_t addr, uint64_t len)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	void *p;

	if (addr)
		flags |= MAP_FIXED_NOREPLACE;
	p = mmap((void *)addr, len, PROT_NONE, flags, -1, 0);
	if (p == MAP_FAILED || (addr && (uint64_t)p != addr))
		return 0;
	return (uint64_t)p;
}

int os_map(uint64_t va, uint64_t len, int prot)
{
	void *p = mmap((void *)va, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int os_protect(uint64_t va, uint64_t len, int prot)
{
	return mprotect((void *)va, len, prot) < 0 ? -errno : 0;
}

int os_release(uint64_t va, uint64_t len)
{
	void *p = mmap((void *)va, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int os_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int os_clock_ns(int clk, int64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(clk == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	*ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return 0;
}

void os_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void os_abort(void)
{
	fflush(stderr);
	abort();
}

void *os_malloc(size_t n)
{
	return malloc(n);
}

void os_free(void *p)
{
	free(p);
}
