/* Shared pieces of the NTO fuzzers: an input reader and the per-input fresh process. */
#ifndef NTO_FUZZ_COMMON_H
#define NTO_FUZZ_COMMON_H

#include <nto/kernel.h>

#include "../../platform/test/test_libc.h"
#include "../../platform/test/test_platform.h"
#include "../unit/fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct reader {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t rd(struct reader *r, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && r->n; i++, r->p++, r->n--)
		v |= (uint64_t)r->p[0] << (8 * i);
	return v;
}

static inline const uint8_t *rd_bytes(struct reader *r, size_t *n)
{
	const uint8_t *p = r->p;

	*n = MIN(*n, r->n);
	r->p += *n;
	r->n -= *n;
	return p;
}

/* A core bug the sanitizers cannot see: a broken HAL contract or a kpanic. */
static inline void fuzz_check(const char *where)
{
	if (test_hal_violations()) {
		dprintf(2, "%s: HAL contract violation: %s\n", where, test_hal_last_violation());
		abort();
	}
	if (test_panicked()) {
		dprintf(2, "%s: the core panicked\n", where);
		abort();
	}
}

#endif
