/*
 * The VM platforms: the launch measurement, taken inside the VM with
 * mbedTLS's SHA-256 (the same code as sgx-sim). On SEV-SNP/TDX (and under
 * a Keystone security monitor or CoVE's TSM) the hardware or firmware also
 * measures the initial image (the launch digest / MRTD); this hash is what
 * the core reports and what `nto measure` computes on the host.
 */
#include <nto/kernel.h>
#include <mbedtls/sha256.h>
#include "nto_mbedtls_glue.h"
#include "vm_plat.h"

/* SHA-256 never allocates; mbedTLS's platform layer still names these. */
void *nto_mbedtls_calloc(size_t n, size_t size)
{
	(void)n, (void)size;
	return NULL;
}

void nto_mbedtls_free(void *p)
{
	(void)p;
}

bool vm_measure(const uint8_t *p, size_t n, uint8_t out[32])
{
	return mbedtls_sha256(p, n, out, 0) == 0;
}
