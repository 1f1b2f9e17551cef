/* The few <string.h> functions mbedTLS uses, from the core's own library
 * (the TEE has no libc). Used only when compiling mbedTLS. */
#ifndef NTO_SHIM_STRING_H
#define NTO_SHIM_STRING_H
#include <nto/lib.h>
#endif
