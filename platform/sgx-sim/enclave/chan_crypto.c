/*
 * The sealed channel's cryptography (chan_crypto.h), on mbedTLS's HKDF and
 * AES-GCM. Keys come from the platform secret, which stands in for the
 * CPU's fused key: see docs/platform-sgx-sim.md, "Sealed channels".
 */
#include <nto/errno.h>
#include <nto/lib.h>
#include <mbedtls/cipher.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include "mbedtls/nto_mbedtls_glue.h"
#include "chan_crypto.h"
/* Generated once per build tree (scripts/gen-platform-secret.sh); nothing
 * else includes it, so nothing else can read the secret by name. */
#include "platform_secret.h"

#define INFO_LABEL     "nto-chan v1"
#define INFO_LABEL_LEN (sizeof(INFO_LABEL) - 1)
#define DIR_LEADER     1 /* the nonce's first byte for what the leader side sends */
#define DIR_OTHER      2

struct chan_state {
	mbedtls_gcm_context tx, rx;
	uint64_t tx_seq, rx_seq;
	uint8_t tx_dir, rx_dir;
	bool ready;
};

_Static_assert(sizeof(struct chan_state) <= CHAN_CRYPTO_SIZE, "CHAN_CRYPTO_SIZE too small");
_Static_assert(sizeof(platform_secret) == 32, "the platform secret is 32 bytes");

static struct chan_state *state(struct chan_crypto *c)
{
	return (struct chan_state *)c->opaque;
}

/* Where the compiler may use SSE (the host build), it must know the scrub
 * clobbers the registers; where it may not (the enclave build, with
 * -mgeneral-regs-only), it holds nothing there and cannot name them. */
#ifdef __SSE2__
#define XMM_CLOBBERS                                                                               \
	: : : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",      \
	      "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#else
#define XMM_CLOBBERS : : :
#endif

/* AES-NI leaves round keys and data in xmm registers. Where the runtime
 * runs in a signal handler the kernel restores the program's registers at
 * sigreturn anyway, but a thread that goes on into the program another way
 * (sgxsim_enter_user) would hand them over. */
static void scrub_vector_regs(void)
{
	__asm__ volatile(
	    "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
	    "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
	    "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
	    "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
	    "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\tpxor %%xmm14, %%xmm14\n\t"
	    "pxor %%xmm15, %%xmm15" XMM_CLOBBERS);
}

/* mbedTLS's allocation failures are the pool running out; anything else is
 * a caller's mistake. */
static int errno_of(int ret)
{
	if (ret == MBEDTLS_ERR_MD_ALLOC_FAILED || ret == MBEDTLS_ERR_CIPHER_ALLOC_FAILED)
		return -ENOMEM;
	return ret ? -EINVAL : 0;
}

int chan_crypto_derive(const uint8_t ikm[32], const uint8_t mrenclave[32],
		       const uint8_t id[CHAN_ID_SIZE], uint8_t okm[2 * CHAN_KEY_SIZE])
{
	uint8_t info[INFO_LABEL_LEN + CHAN_ID_SIZE];

	memcpy(info, INFO_LABEL, INFO_LABEL_LEN);
	memcpy(info + INFO_LABEL_LEN, id, CHAN_ID_SIZE);
	return errno_of(mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), mrenclave, 32,
				     ikm, 32, info, sizeof(info), okm, 2 * CHAN_KEY_SIZE));
}

int chan_crypto_init_keys(struct chan_crypto *c, const uint8_t okm[2 * CHAN_KEY_SIZE],
			  bool leader_side)
{
	struct chan_state *s = state(c);
	const uint8_t *leader_key = okm, *other_key = okm + CHAN_KEY_SIZE;
	int ret;

	nto_mbedtls_probe_cpu();
	memset(c, 0, sizeof(*c));
	mbedtls_gcm_init(&s->tx);
	mbedtls_gcm_init(&s->rx);
	s->tx_dir = leader_side ? DIR_LEADER : DIR_OTHER;
	s->rx_dir = leader_side ? DIR_OTHER : DIR_LEADER;
	ret = mbedtls_gcm_setkey(&s->tx, MBEDTLS_CIPHER_ID_AES,
				 leader_side ? leader_key : other_key, 8 * CHAN_KEY_SIZE);
	if (!ret)
		ret = mbedtls_gcm_setkey(&s->rx, MBEDTLS_CIPHER_ID_AES,
					 leader_side ? other_key : leader_key, 8 * CHAN_KEY_SIZE);
	s->ready = true; /* so that the wipe frees what setkey allocated */
	if (ret)
		chan_crypto_wipe(c);
	scrub_vector_regs();
	return errno_of(ret);
}

int chan_crypto_init(struct chan_crypto *c, const uint8_t mrenclave[32],
		     const uint8_t id[CHAN_ID_SIZE], bool leader_side)
{
	uint8_t okm[2 * CHAN_KEY_SIZE];
	int ret = chan_crypto_derive(platform_secret, mrenclave, id, okm);

	if (!ret)
		ret = chan_crypto_init_keys(c, okm, leader_side);
	else
		memset(c, 0, sizeof(*c));
	mbedtls_platform_zeroize(okm, sizeof(okm));
	return ret;
}

static void make_nonce(uint8_t dir, uint64_t seq, uint8_t nonce[CHAN_NONCE_SIZE])
{
	memset(nonce, 0, CHAN_NONCE_SIZE);
	nonce[0] = dir;
	for (int i = 0; i < 8; i++)
		nonce[CHAN_NONCE_SIZE - 1 - i] = (uint8_t)(seq >> (8 * i));
}

int chan_seal(struct chan_crypto *c, uint8_t *buf, size_t len, uint8_t tag[CHAN_TAG_SIZE])
{
	struct chan_state *s = state(c);
	uint8_t nonce[CHAN_NONCE_SIZE];
	int ret;

	if (!s->ready)
		return -EINVAL;
	if (s->tx_seq == UINT64_MAX)
		return -EOVERFLOW;
	make_nonce(s->tx_dir, s->tx_seq, nonce);
	ret = mbedtls_gcm_crypt_and_tag(&s->tx, MBEDTLS_GCM_ENCRYPT, len, nonce, sizeof(nonce),
					NULL, 0, buf, buf, CHAN_TAG_SIZE, tag);
	scrub_vector_regs();
	if (ret)
		return -EINVAL;
	s->tx_seq++;
	return 0;
}

int chan_open(struct chan_crypto *c, uint8_t *buf, size_t len, const uint8_t tag[CHAN_TAG_SIZE])
{
	struct chan_state *s = state(c);
	uint8_t nonce[CHAN_NONCE_SIZE];
	int ret;

	ret = !s->ready || s->rx_seq == UINT64_MAX;
	if (!ret) {
		make_nonce(s->rx_dir, s->rx_seq, nonce);
		/* The tag is checked in constant time. */
		ret = mbedtls_gcm_auth_decrypt(&s->rx, len, nonce, sizeof(nonce), NULL, 0, tag,
					       CHAN_TAG_SIZE, buf, buf);
		scrub_vector_regs();
	}
	if (ret) {
		memset(buf, 0, len); /* no unauthenticated plaintext is left behind */
		return -EBADMSG;
	}
	s->rx_seq++;
	return 0;
}

void chan_crypto_wipe(struct chan_crypto *c)
{
	struct chan_state *s = state(c);

	if (s->ready) {
		mbedtls_gcm_free(&s->tx);
		mbedtls_gcm_free(&s->rx);
	}
	mbedtls_platform_zeroize(c, sizeof(*c));
}
