/*
 * What mbedTLS needs from its platform inside the TEE: memory. There is no
 * general heap where channels are set up (the core's heap exists only in
 * the leader, and this code also runs in satellite enclaves, on host
 * threads), so mbedTLS gets fixed-size blocks from a static pool.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <mbedtls/aes.h>
#include "aesni.h" /* mbedTLS library/: its CPUID probe */
#include <mbedtls/platform_util.h>
#include "nto_mbedtls_glue.h"

_Static_assert(sizeof(mbedtls_aes_context) <= NTO_MBEDTLS_BLOCK, "an AES context must fit a block");
_Static_assert(NTO_MBEDTLS_BLOCK % 16 == 0, "blocks keep the pool's 16-byte alignment");

union block {
	union block *next; /* while free */
	uint8_t bytes[NTO_MBEDTLS_BLOCK];
};

/* Blocks are carved from the top once (so the pool needs no set-up), then
 * recycled through the free list. All of it under pool_busy. */
static union block pool[NTO_MBEDTLS_BLOCKS] __attribute__((aligned(16)));
static union block *free_list;
static size_t carved, in_use;
static bool pool_busy, cpu_probed;

/* A spinlock: holders run a few dozen instructions and never block, and
 * callers may be host threads the core does not know. */
static void lock(void)
{
	while (__atomic_test_and_set(&pool_busy, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&pool_busy, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void unlock(void)
{
	__atomic_clear(&pool_busy, __ATOMIC_RELEASE);
}

static union block *take(void)
{
	union block *b = free_list;

	if (b)
		free_list = b->next;
	else if (carved < NTO_MBEDTLS_BLOCKS)
		b = &pool[carved++];
	if (b)
		in_use++;
	return b;
}

void *nto_mbedtls_calloc(size_t n, size_t size)
{
	union block *b;

	if (n == 0 || size == 0 || n > NTO_MBEDTLS_BLOCK / size)
		return NULL;
	lock();
	b = take();
	unlock();
	if (b)
		memset(b, 0, sizeof(*b));
	return b;
}

void nto_mbedtls_free(void *p)
{
	union block *b = p;
	uintptr_t off = (uintptr_t)p - (uintptr_t)pool;

	if (!p || off >= sizeof(pool) || off % sizeof(*b))
		return;
	mbedtls_platform_zeroize(b, sizeof(*b));
	lock();
	b->next = free_list;
	free_list = b;
	in_use--;
	unlock();
}

size_t nto_mbedtls_pool_in_use(void)
{
	size_t n;

	lock();
	n = in_use;
	unlock();
	return n;
}

void nto_mbedtls_probe_cpu(void)
{
	if (__atomic_load_n(&cpu_probed, __ATOMIC_ACQUIRE))
		return;
	lock();
	if (!cpu_probed) {
		mbedtls_aesni_has_support(MBEDTLS_AESNI_AES);
		__atomic_store_n(&cpu_probed, true, __ATOMIC_RELEASE);
	}
	unlock();
}
