/* mbedTLS 3.6 configuration for the TEE runtime (MBEDTLS_CONFIG_FILE, in
 * place of mbedtls_config.h): only what it uses, no platform services (no
 * files, no time, no entropy, no threading layer, no PSA). Allocation goes
 * to a bounded pool of the runtime's own (nto_mbedtls_glue.h), because there
 * is no general heap where the channel keys are set up. mbedTLS's
 * build_info.h adds its derived options and runs check_config.h after this
 * file. */
#ifndef NTO_MBEDTLS_CONFIG_H
#define NTO_MBEDTLS_CONFIG_H

/* The image measurement. */
#define MBEDTLS_SHA256_C

/* The sealed channel between enclaves (chan_crypto.c): HKDF-SHA256 through
 * the MD layer, AES-256-GCM through the cipher layer GCM sits on. */
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C

/* AES-NI and PCLMULQDQ (aesni.c, the one file built with SSE enabled: see
 * the Makefile), used when CPUID reports them. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_AESNI_C

/* Constant tables instead of ones built on first use: the generation is an
 * unlocked write of shared state, and channels are set up concurrently. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES

#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_STD_MEM_HDR  "nto_mbedtls_glue.h"
#define MBEDTLS_PLATFORM_CALLOC_MACRO nto_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   nto_mbedtls_free

#endif
