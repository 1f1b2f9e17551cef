/*
 * Tests of the sealed channel's cryptography (chan_crypto.c) and the
 * mbedTLS pool it allocates from, built natively from the enclave's own
 * sources and mbedTLS configuration (cmocka; ASan and UBSan; `make
 * sgxsim-unit`). The known-answer tests recompute every key, ciphertext and
 * tag with OpenSSL, independently of mbedTLS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <mbedtls/aes.h>
#include "aesni.h" /* mbedTLS library/: its CPUID probe */
#include "mbedtls/nto_mbedtls_glue.h"
#include "chan_crypto.h"
#include "platform_secret.h" /* the tests' fixed one */

#define BIG (128 * 1024 + 64) /* the largest message: 128 KiB and a header */

static const uint8_t mrenclave[32] = {0xaa, 0x55, [31] = 0x0f};
static const uint8_t id1[CHAN_ID_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t id2[CHAN_ID_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};

/* ---- counting the AES-NI calls: aes.o and gcm.o reach aesni.o through
 * these (the link wraps them), so a count above 0 proves the path taken ---- */

static unsigned long aesni_blocks, clmul_mults;

int __real_mbedtls_aesni_crypt_ecb(mbedtls_aes_context *ctx, int mode, const unsigned char in[16],
				   unsigned char out[16]);
int __wrap_mbedtls_aesni_crypt_ecb(mbedtls_aes_context *ctx, int mode, const unsigned char in[16],
				   unsigned char out[16]);
void __real_mbedtls_aesni_gcm_mult(unsigned char c[16], const unsigned char a[16],
				   const unsigned char b[16]);
void __wrap_mbedtls_aesni_gcm_mult(unsigned char c[16], const unsigned char a[16],
				   const unsigned char b[16]);

int __wrap_mbedtls_aesni_crypt_ecb(mbedtls_aes_context *ctx, int mode, const unsigned char in[16],
				   unsigned char out[16])
{
	__atomic_fetch_add(&aesni_blocks, 1, __ATOMIC_RELAXED);
	return __real_mbedtls_aesni_crypt_ecb(ctx, mode, in, out);
}

void __wrap_mbedtls_aesni_gcm_mult(unsigned char c[16], const unsigned char a[16],
				   const unsigned char b[16])
{
	__atomic_fetch_add(&clmul_mults, 1, __ATOMIC_RELAXED);
	__real_mbedtls_aesni_gcm_mult(c, a, b);
}

/* ---- helpers ---- */

struct pair {
	struct chan_crypto leader, other;
};

static void pair_init(struct pair *p, const uint8_t *leader_id, const uint8_t *other_id)
{
	assert_int_equal(chan_crypto_init(&p->leader, mrenclave, leader_id, true), 0);
	assert_int_equal(chan_crypto_init(&p->other, mrenclave, other_id, false), 0);
}

static void pair_wipe(struct pair *p)
{
	chan_crypto_wipe(&p->leader);
	chan_crypto_wipe(&p->other);
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 31 + seed);
}

/* A sealed message, kept whole so that a test can present it again. */
struct msg {
	uint8_t data[256];
	uint8_t tag[CHAN_TAG_SIZE];
};

static void seal_msg(struct chan_crypto *c, struct msg *m, unsigned seed)
{
	fill(m->data, sizeof(m->data), seed);
	assert_int_equal(chan_seal(c, m->data, sizeof(m->data), m->tag), 0);
}

/* Opens a copy of m, so that m stays as it was sent; checks the result. */
static int open_msg(struct chan_crypto *c, const struct msg *m, unsigned seed)
{
	struct msg copy = *m;
	uint8_t want[sizeof(m->data)];
	int rc = chan_open(c, copy.data, sizeof(copy.data), copy.tag);

	if (rc == 0)
		fill(want, sizeof(want), seed);
	else
		memset(want, 0, sizeof(want)); /* a failed open leaves zeros */
	assert_memory_equal(copy.data, want, sizeof(want));
	return rc;
}

static void round_trip(struct chan_crypto *from, struct chan_crypto *to, size_t len, unsigned seed)
{
	uint8_t *buf = malloc(len + 1), *want = malloc(len + 1);
	uint8_t tag[CHAN_TAG_SIZE];

	fill(want, len, seed);
	memcpy(buf, want, len);
	assert_int_equal(chan_seal(from, buf, len, tag), 0);
	if (len >= 16)
		assert_memory_not_equal(buf, want, len);
	assert_int_equal(chan_open(to, buf, len, tag), 0);
	assert_memory_equal(buf, want, len);
	free(buf);
	free(want);
}

/* ---- OpenSSL's side of the known-answer tests ---- */

static void ossl_hkdf(const uint8_t ikm[32], const uint8_t salt[32], const uint8_t id[16],
		      uint8_t out[64])
{
	uint8_t info[11 + 16];
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *k = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, 32),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, 32),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof(info)),
		OSSL_PARAM_construct_end(),
	};

	memcpy(info, "nto-chan v1", 11);
	memcpy(info + 11, id, 16);
	assert_non_null(k);
	assert_int_equal(EVP_KDF_derive(k, out, 64, params), 1);
	EVP_KDF_CTX_free(k);
	EVP_KDF_free(kdf);
}

/* AES-256-GCM of in[0..len) with the nonce (dir, 0, 0, 0, seq big-endian). */
static void ossl_gcm(const uint8_t key[32], uint8_t dir, uint64_t seq, const uint8_t *in,
		     size_t len, uint8_t *out, uint8_t tag[16])
{
	uint8_t nonce[12] = {dir};
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0;

	for (int i = 0; i < 8; i++)
		nonce[11 - i] = (uint8_t)(seq >> (8 * i));
	assert_int_equal(EVP_EncryptInit_ex(x, EVP_aes_256_gcm(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	assert_int_equal(EVP_EncryptInit_ex(x, NULL, NULL, key, nonce), 1);
	if (len)
		assert_int_equal(EVP_EncryptUpdate(x, out, &n, in, (int)len), 1);
	assert_int_equal((size_t)n, len);
	assert_int_equal(EVP_EncryptFinal_ex(x, out + n, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
	EVP_CIPHER_CTX_free(x);
}

/* Seals len bytes on c and compares ciphertext and tag with OpenSSL's. */
static void check_against_openssl(struct chan_crypto *c, const uint8_t key[32], uint8_t dir,
				  uint64_t seq, size_t len)
{
	uint8_t *plain = malloc(len + 1), *mine = malloc(len + 1), *theirs = malloc(len + 1);
	uint8_t tag[16], their_tag[16];

	fill(plain, len, (unsigned)(seq + len));
	memcpy(mine, plain, len);
	assert_int_equal(chan_seal(c, mine, len, tag), 0);
	ossl_gcm(key, dir, seq, plain, len, theirs, their_tag);
	assert_memory_equal(mine, theirs, len);
	assert_memory_equal(tag, their_tag, 16);
	free(plain);
	free(mine);
	free(theirs);
}

/* ---- tests ---- */

static void test_round_trip_both_directions(void **state)
{
	static const size_t lens[] = {0, 1, 15, 16, 17, 4096, 65536, BIG};
	struct pair p;

	pair_init(&p, id1, id1);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		round_trip(&p.leader, &p.other, lens[i], (unsigned)i);
		round_trip(&p.other, &p.leader, lens[i], (unsigned)i + 100);
	}
	pair_wipe(&p);
	assert_int_equal(nto_mbedtls_pool_in_use(), 0);
}

/* One bit of a sealed message (data, then tag) flipped: it fails, and the
 * untouched message still opens after it (the counter did not move). */
static void flipped_bit_fails(bool leader_sends, size_t byte, uint8_t bit)
{
	struct pair p;
	struct msg m, bad;
	struct chan_crypto *from = leader_sends ? &p.leader : &p.other;
	struct chan_crypto *to = leader_sends ? &p.other : &p.leader;

	pair_init(&p, id1, id1);
	seal_msg(from, &m, (unsigned)byte);
	bad = m;
	((uint8_t *)&bad)[byte] ^= bit;
	assert_int_equal(open_msg(to, &bad, (unsigned)byte), -EBADMSG);
	assert_int_equal(open_msg(to, &m, (unsigned)byte), 0);
	pair_wipe(&p);
}

static void test_flipped_ciphertext_bit(void **state)
{
	flipped_bit_fails(true, 0, 0x01);
	flipped_bit_fails(true, 77, 0x10);
	flipped_bit_fails(false, offsetof(struct msg, tag) - 1, 0x80);
}

static void test_flipped_tag_bit(void **state)
{
	flipped_bit_fails(false, offsetof(struct msg, tag), 0x01);
	flipped_bit_fails(true, offsetof(struct msg, tag) + CHAN_TAG_SIZE - 1, 0x40);
}

static void test_replay(void **state)
{
	struct pair p;
	struct msg m0, m1;

	pair_init(&p, id1, id1);
	seal_msg(&p.leader, &m0, 3);
	seal_msg(&p.leader, &m1, 4);
	assert_int_equal(open_msg(&p.other, &m0, 3), 0);
	assert_int_equal(open_msg(&p.other, &m0, 3), -EBADMSG);
	assert_int_equal(open_msg(&p.other, &m1, 4), 0);
	assert_int_equal(open_msg(&p.other, &m1, 4), -EBADMSG);
	pair_wipe(&p);
}

static void test_reordered_pair(void **state)
{
	struct pair p;
	struct msg m0, m1;

	pair_init(&p, id1, id1);
	seal_msg(&p.other, &m0, 5);
	seal_msg(&p.other, &m1, 6);
	assert_int_equal(open_msg(&p.leader, &m1, 6), -EBADMSG);
	assert_int_equal(open_msg(&p.leader, &m0, 5), 0);
	assert_int_equal(open_msg(&p.leader, &m1, 6), 0);
	pair_wipe(&p);
}

static void test_wrong_id(void **state)
{
	struct pair p;
	struct msg m;

	pair_init(&p, id1, id2);
	seal_msg(&p.leader, &m, 7);
	assert_int_equal(open_msg(&p.other, &m, 7), -EBADMSG);
	seal_msg(&p.other, &m, 8);
	assert_int_equal(open_msg(&p.leader, &m, 8), -EBADMSG);
	pair_wipe(&p);
}

static void test_wrong_measurement(void **state)
{
	struct chan_crypto leader, other;
	uint8_t other_mr[32];
	struct msg m;

	memcpy(other_mr, mrenclave, 32);
	other_mr[5] ^= 1;
	assert_int_equal(chan_crypto_init(&leader, mrenclave, id1, true), 0);
	assert_int_equal(chan_crypto_init(&other, other_mr, id1, false), 0);
	seal_msg(&leader, &m, 9);
	assert_int_equal(open_msg(&other, &m, 9), -EBADMSG);
	chan_crypto_wipe(&leader);
	chan_crypto_wipe(&other);
}

/* A message sealed by one side must not open on that same side, whether
 * the sender itself or a second channel set up on the same side. */
static void test_own_side(void **state)
{
	struct pair p;
	struct chan_crypto twin;
	struct msg m;

	pair_init(&p, id1, id1);
	assert_int_equal(chan_crypto_init(&twin, mrenclave, id1, true), 0);
	seal_msg(&p.leader, &m, 10);
	assert_int_equal(open_msg(&p.leader, &m, 10), -EBADMSG);
	assert_int_equal(open_msg(&twin, &m, 10), -EBADMSG);
	seal_msg(&p.other, &m, 11);
	assert_int_equal(open_msg(&p.other, &m, 11), -EBADMSG);
	assert_int_equal(open_msg(&p.leader, &m, 11), 0);
	chan_crypto_wipe(&twin);
	pair_wipe(&p);
}

static void test_not_set_up(void **state)
{
	struct chan_crypto c;
	uint8_t buf[32] = {1}, tag[CHAN_TAG_SIZE] = {0};

	memset(&c, 0, sizeof(c));
	assert_int_equal(chan_seal(&c, buf, sizeof(buf), tag), -EINVAL);
	assert_int_equal(chan_open(&c, buf, sizeof(buf), tag), -EBADMSG);
	chan_crypto_wipe(&c);
	assert_int_equal(chan_crypto_init(&c, mrenclave, id1, true), 0);
	chan_crypto_wipe(&c);
	chan_crypto_wipe(&c);
	assert_int_equal(chan_seal(&c, buf, sizeof(buf), tag), -EINVAL);
	assert_int_equal(nto_mbedtls_pool_in_use(), 0);
}

/* HKDF-SHA256 as OpenSSL computes it, byte for byte. */
static void test_kat_hkdf(void **state)
{
	uint8_t ikm[32], mine[64], theirs[64];

	fill(ikm, sizeof(ikm), 42);
	assert_int_equal(chan_crypto_derive(ikm, mrenclave, id1, mine), 0);
	ossl_hkdf(ikm, mrenclave, id1, theirs);
	assert_memory_equal(mine, theirs, 64);
	assert_int_equal(chan_crypto_derive(ikm, mrenclave, id2, mine), 0);
	assert_memory_not_equal(mine, theirs, 64);
	assert_int_equal(nto_mbedtls_pool_in_use(), 0);
}

/* chan_crypto_init end to end (platform secret, HKDF, both keys, nonces and
 * counters) against OpenSSL's AES-256-GCM, on both sides. */
static void test_kat_gcm(void **state)
{
	static const size_t lens[] = {0, 1, 17, 256, 65536, BIG};
	uint8_t keys[64];
	struct pair p;

	ossl_hkdf(platform_secret, mrenclave, id1, keys);
	pair_init(&p, id1, id1);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		check_against_openssl(&p.leader, keys, 1, i, lens[i]);
		check_against_openssl(&p.other, keys + 32, 2, i, lens[i]);
	}
	pair_wipe(&p);

	/* and from given keys: the other side's sends are keyed by the second half */
	fill(keys, sizeof(keys), 9);
	assert_int_equal(chan_crypto_init_keys(&p.other, keys, false), 0);
	check_against_openssl(&p.other, keys + 32, 2, 0, 1000);
	chan_crypto_wipe(&p.other);
}

static void test_aesni_path(void **state)
{
	struct pair p;

	__builtin_cpu_init();
	if (!__builtin_cpu_supports("aes") || !__builtin_cpu_supports("pclmul"))
		skip();
	assert_true(mbedtls_aesni_has_support(MBEDTLS_AESNI_AES));
	assert_true(mbedtls_aesni_has_support(MBEDTLS_AESNI_CLMUL));
	aesni_blocks = clmul_mults = 0;
	pair_init(&p, id1, id1);
	round_trip(&p.leader, &p.other, 4096, 1);
	pair_wipe(&p);
	/* 4096 bytes: 256 blocks and 256 multiplications each way, at least */
	assert_true(aesni_blocks >= 512);
	assert_true(clmul_mults >= 512);
}

/* The pool holds NTO_MBEDTLS_BLOCKS / 2 channels; one more fails with
 * -ENOMEM and leaves its struct zeroed; everything comes back on wipe. */
static void test_pool_exhaustion(void **state)
{
	size_t max = NTO_MBEDTLS_BLOCKS / 2, n;
	struct chan_crypto *cs = calloc(max + 1, sizeof(*cs));
	struct chan_crypto zero;
	uint8_t keys[64];
	void *spare;

	for (n = 0; n < max; n++)
		assert_int_equal(chan_crypto_init(&cs[n], mrenclave, id1, n & 1), 0);
	assert_int_equal(nto_mbedtls_pool_in_use(), NTO_MBEDTLS_BLOCKS);
	memset(&cs[max], 0xff, sizeof(cs[max]));
	assert_int_equal(chan_crypto_init(&cs[max], mrenclave, id1, true), -ENOMEM);
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&cs[max], &zero, sizeof(zero));
	/* a freed channel's blocks serve the next one */
	chan_crypto_wipe(&cs[0]);
	assert_int_equal(chan_crypto_init(&cs[0], mrenclave, id1, true), 0);
	/* one block free: the first direction's context is set up, the second
	 * fails, and the first is given back */
	chan_crypto_wipe(&cs[1]);
	spare = nto_mbedtls_calloc(1, 1);
	assert_non_null(spare);
	fill(keys, sizeof(keys), 3);
	assert_int_equal(chan_crypto_init_keys(&cs[max], keys, true), -ENOMEM);
	assert_memory_equal(&cs[max], &zero, sizeof(zero));
	assert_int_equal(nto_mbedtls_pool_in_use(), NTO_MBEDTLS_BLOCKS - 1);
	nto_mbedtls_free(spare);
	assert_ptr_equal(nto_mbedtls_calloc(1, NTO_MBEDTLS_BLOCK + 1), NULL);
	assert_ptr_equal(nto_mbedtls_calloc(SIZE_MAX / 2, 4), NULL);
	assert_ptr_equal(nto_mbedtls_calloc(0, 4), NULL);
	nto_mbedtls_free(&zero); /* not the pool's: ignored */
	for (n = 0; n < max; n++)
		chan_crypto_wipe(&cs[n]);
	assert_int_equal(nto_mbedtls_pool_in_use(), 0);
	free(cs);
}

#define THREADS 8
#define ROUNDS  200

static void *channel_churn(void *arg)
{
	uint8_t id[CHAN_ID_SIZE] = {(uint8_t)(uintptr_t)arg};
	struct pair p;

	for (int i = 0; i < ROUNDS; i++) {
		id[1] = (uint8_t)i;
		pair_init(&p, id, id);
		round_trip(&p.leader, &p.other, 300, (unsigned)i);
		round_trip(&p.other, &p.leader, 300, (unsigned)i);
		pair_wipe(&p);
	}
	return NULL;
}

/* Set-ups and wipes on several threads at once share the pool safely. */
static void test_threads(void **state)
{
	pthread_t t[THREADS];

	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, channel_churn, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(nto_mbedtls_pool_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_both_directions),
		cmocka_unit_test(test_flipped_ciphertext_bit),
		cmocka_unit_test(test_flipped_tag_bit),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_reordered_pair),
		cmocka_unit_test(test_wrong_id),
		cmocka_unit_test(test_wrong_measurement),
		cmocka_unit_test(test_own_side),
		cmocka_unit_test(test_not_set_up),
		cmocka_unit_test(test_kat_hkdf),
		cmocka_unit_test(test_kat_gcm),
		cmocka_unit_test(test_aesni_path),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
