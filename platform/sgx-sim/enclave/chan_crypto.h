/* TEMPORARY plaintext stand-in for the sealed channel (replaced by the
 * mbedTLS AES-GCM module before this lands). */
#ifndef SGXSIM_CHAN_CRYPTO_H
#define SGXSIM_CHAN_CRYPTO_H

#include <nto/types.h>

#define CHAN_TAG_SIZE 16
#define CHAN_ID_SIZE  16

struct chan_crypto {
	uint64_t tx, rx;
	bool leader;
};

int chan_crypto_init(struct chan_crypto *c, const uint8_t mrenclave[32],
		     const uint8_t id[CHAN_ID_SIZE], bool leader_side);
int chan_seal(struct chan_crypto *c, uint8_t *buf, size_t len, uint8_t tag[CHAN_TAG_SIZE]);
int chan_open(struct chan_crypto *c, uint8_t *buf, size_t len, const uint8_t tag[CHAN_TAG_SIZE]);
void chan_crypto_wipe(struct chan_crypto *c);

#endif
