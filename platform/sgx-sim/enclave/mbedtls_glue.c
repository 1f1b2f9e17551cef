/* What mbedTLS needs from its platform inside the TEE. */
#include <nto/types.h>

void mbedtls_platform_zeroize(void *buf, size_t len);

/* Zeroes secrets in a way the compiler may not remove: through a volatile
 * pointer, so the stores happen even when buf is never read again. */
void mbedtls_platform_zeroize(void *buf, size_t len)
{
	volatile uint8_t *p = buf;

	while (len--)
		*p++ = 0;
}
