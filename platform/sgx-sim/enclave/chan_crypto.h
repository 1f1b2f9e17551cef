/*
 * The sealed channel between enclaves: AES-256-GCM with a key per channel
 * and direction, and a counter nonce per direction (docs/processes.md, "The
 * channel and its key"). Freestanding; needs no heap (mbedTLS's few
 * contexts come from a bounded pool, mbedtls/nto_mbedtls_glue.h).
 *
 * Threads: different channels are independent. On one channel, chan_seal
 * and chan_open may run at the same time (each direction has its own
 * context), but two seals or two opens need the caller's lock, and init and
 * wipe must not overlap anything else on that channel.
 */
#ifndef NTO_CHAN_CRYPTO_H
#define NTO_CHAN_CRYPTO_H

#include <nto/types.h>

#define CHAN_TAG_SIZE    16
#define CHAN_ID_SIZE     16
#define CHAN_KEY_SIZE    32 /* AES-256 */
#define CHAN_NONCE_SIZE  12 /* direction byte, 3 zero bytes, 64-bit counter (big-endian) */
#define CHAN_CRYPTO_SIZE 1024

/* One channel's state, opaque so that callers (the core too) can embed it
 * without mbedTLS's headers. All zero is "not set up". */
struct chan_crypto {
	_Alignas(16) uint8_t opaque[CHAN_CRYPTO_SIZE];
};

/* Sets up both directions of channel id. The keys are the 64 bytes of
 * HKDF-SHA256(ikm = the platform secret, salt = mrenclave, info = "nto-chan
 * v1" || id): the first 32 key what the leader side sends, the last 32 what
 * the other side sends. mrenclave must be the measurement this enclave
 * computed itself, never one from the host. c must be zeroed or wiped (set
 * up over a live one, its pool blocks would be lost). 0; -ENOMEM when the
 * pool is exhausted. On failure c is left zeroed. Costs about 3 us
 * (docs/benchmarks.md). */
int chan_crypto_init(struct chan_crypto *c, const uint8_t mrenclave[32],
		     const uint8_t id[CHAN_ID_SIZE], bool leader_side);

/* Encrypts buf[0..len) in place and writes its tag, with the nonce (this
 * side's direction, send counter); then advances the counter. 0; -EINVAL
 * when c is not set up or len is beyond GCM's limit (64 GiB); -EOVERFLOW
 * when the counter is spent (after 2^64 - 1 messages). */
int chan_seal(struct chan_crypto *c, uint8_t *buf, size_t len, uint8_t tag[CHAN_TAG_SIZE]);

/* Checks tag and decrypts buf[0..len) in place, with the nonce (the other
 * side's direction, receive counter); then advances the counter. -EBADMSG on
 * any failure (tampering, replay, reordering, a message sealed by this same
 * side or for another channel, c not set up): the counter does not advance
 * and buf is zeroed, so no unauthenticated plaintext is ever left. */
int chan_open(struct chan_crypto *c, uint8_t *buf, size_t len, const uint8_t tag[CHAN_TAG_SIZE]);

/* Frees the contexts (their pool blocks) and zeroes all of c, keys
 * included. Safe on a zeroed c and twice. */
void chan_crypto_wipe(struct chan_crypto *c);

/* chan_crypto_init's key schedule with an explicit input key: writes both
 * directions' keys to okm (leader side's first). For the differential test,
 * which checks it against OpenSSL, and for SGX hardware, where ikm is the
 * EGETKEY seal key instead of the platform secret. 0 or -ENOMEM. */
int chan_crypto_derive(const uint8_t ikm[32], const uint8_t mrenclave[32],
		       const uint8_t id[CHAN_ID_SIZE], uint8_t okm[2 * CHAN_KEY_SIZE]);

/* chan_crypto_init from keys made by chan_crypto_derive: for the same
 * users. 0 or -ENOMEM; on failure c is left zeroed. */
int chan_crypto_init_keys(struct chan_crypto *c, const uint8_t okm[2 * CHAN_KEY_SIZE],
			  bool leader_side);

#endif
