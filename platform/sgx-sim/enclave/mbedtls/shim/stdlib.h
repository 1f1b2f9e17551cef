/* cipher.c includes <stdlib.h> but, with allocation going to the runtime's
 * pool (nto_mbedtls_glue.h), uses nothing from it. Used only with mbedTLS. */
#ifndef NTO_SHIM_STDLIB_H
#define NTO_SHIM_STDLIB_H
#include <stddef.h>
#endif
