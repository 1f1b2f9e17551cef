/*
 * RDRAND into a buffer, for the x86-64 platforms' hal_random (sgx-sim and
 * x86_64-vm): the TEE's own randomness, never the host's. Header-only, so
 * each platform's freestanding build includes it as is.
 */
#ifndef PLATFORM_X86_RDRAND_H
#define PLATFORM_X86_RDRAND_H

#include <nto/lib.h>

/* Fills buf with n random bytes; -EIO if RDRAND keeps failing (100 tries). */
static inline int x86_rdrand_fill(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		uint64_t v;
		uint8_t ok;
		int tries = 0;
		do {
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		} while (!ok && ++tries < 100);
		if (!ok)
			return -EIO;
		size_t c = MIN(n, sizeof(v));
		memcpy(p, &v, c);
		p += c;
		n -= c;
	}
	return 0;
}

#endif
