/* mbedTLS configuration for the TEE runtime: only what it uses, no
 * platform services (no files, no time, no entropy, no allocation). */
#ifndef NTO_MBEDTLS_CONFIG_H
#define NTO_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS

#include "mbedtls/check_config.h"

#endif
