/* What the TEE runtime gives mbedTLS in place of libc: memory from a bounded
 * static pool (mbedtls_glue.c). mbedTLS includes this header through
 * MBEDTLS_PLATFORM_STD_MEM_HDR; the runtime's own users include it too. */
#ifndef NTO_MBEDTLS_GLUE_H
#define NTO_MBEDTLS_GLUE_H

#include <stddef.h>

/* Every block fits the largest object mbedTLS allocates in this
 * configuration: an AES context (288 bytes; the MD layer's SHA-256 and HMAC
 * contexts are smaller). Checked at compile time in mbedtls_glue.c. */
#define NTO_MBEDTLS_BLOCK 288

/* A channel holds 2 blocks (one AES context per direction) while it lives;
 * setting one up holds 2 more for the HKDF (the MD layer's contexts) for a
 * few microseconds. Sized for 512 live channels and 64 set-ups at once
 * (about 324 KiB of .bss). */
#define NTO_MBEDTLS_BLOCKS (2 * 512 + 2 * 64)

/* mbedTLS's calloc: a zeroed block from the pool, or NULL when n * size is
 * 0, larger than a block, or when the pool is exhausted. Thread-safe (a
 * spinlock); never sleeps. */
void *nto_mbedtls_calloc(size_t n, size_t size);

/* mbedTLS's free: zeroes the block (it may hold key material) and returns it
 * to the pool. NULL is ignored, and so is a pointer the pool did not give. */
void nto_mbedtls_free(void *p);

/* How many blocks are handed out now: for tests and diagnostics. */
size_t nto_mbedtls_pool_in_use(void);

/* Runs mbedTLS's one-time CPUID probe for AES-NI and PCLMULQDQ
 * (mbedtls_aesni_has_support) under a lock, once. mbedTLS caches the result
 * in statics without a lock (3.6 orders the two writes, 2.28 did not); the
 * lock keeps two threads from racing through the first probe whatever the
 * version, so that a GCM key set up for the PCLMULQDQ path is never used by
 * the table path. Call before any AES or GCM use; cheap after the first
 * call. */
void nto_mbedtls_probe_cpu(void);

#endif
