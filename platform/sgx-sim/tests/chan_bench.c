/*
 * Throughput of the sealed channel (chan_crypto.c) for 64 KiB messages, the
 * cost of setting a channel up, and the speed of the image measurement
 * (mbedTLS's SHA-256): built natively from the enclave's sources with the
 * enclave's mbedTLS flags (`make chan-bench`). With --no-aesni, mbedTLS is
 * told the CPU has no AES-NI (a wrapped mbedtls_aesni_has_support), for
 * comparison.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include "mbedtls/nto_mbedtls_glue.h"
#include "chan_crypto.h"

#define MSG    (64 * 1024)
#define IMAGE  (16UL << 20) /* bytes hashed per SHA-256 trial */
#define TOTAL  (512UL << 20) /* bytes per measurement */
#define INITS  20000
#define TRIALS 3

static int no_aesni;

int __real_mbedtls_aesni_has_support(unsigned int what);
int __wrap_mbedtls_aesni_has_support(unsigned int what);

int __wrap_mbedtls_aesni_has_support(unsigned int what)
{
	return no_aesni ? 0 : __real_mbedtls_aesni_has_support(what);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const uint8_t mrenclave[32] = {1};
static const uint8_t id[CHAN_ID_SIZE] = {2};

/* MB/s (10^6 bytes) of sealing, or of sealing and opening, TOTAL bytes. */
static double run(struct chan_crypto *tx, struct chan_crypto *rx, uint8_t *buf, bool open)
{
	uint8_t tag[CHAN_TAG_SIZE];
	double t0 = now();

	for (size_t done = 0; done < TOTAL; done += MSG) {
		if (chan_seal(tx, buf, MSG, tag) || (open && chan_open(rx, buf, MSG, tag))) {
			fprintf(stderr, "chan_bench: seal/open failed\n");
			exit(1);
		}
	}
	return TOTAL / (now() - t0) / 1e6;
}

static double best_of(struct chan_crypto *tx, struct chan_crypto *rx, uint8_t *buf, bool open)
{
	double best = 0;

	for (int i = 0; i < TRIALS; i++) {
		double r = run(tx, rx, buf, open);

		best = r > best ? r : best;
	}
	return best;
}

/* Microseconds per chan_crypto_init + chan_crypto_wipe. */
static double init_us(void)
{
	struct chan_crypto c;
	double t0 = now();

	for (int i = 0; i < INITS; i++) {
		if (chan_crypto_init(&c, mrenclave, id, i & 1)) {
			fprintf(stderr, "chan_bench: init failed\n");
			exit(1);
		}
		chan_crypto_wipe(&c);
	}
	return (now() - t0) / INITS * 1e6;
}

/* MB/s of SHA-256 over IMAGE bytes, as the enclave measures its image. */
static double sha256_mbs(void)
{
	uint8_t *img = calloc(1, IMAGE), out[32];
	double best = 0;

	for (int i = 0; i < TRIALS; i++) {
		double t0 = now(), r;

#if MBEDTLS_VERSION_MAJOR >= 3
		mbedtls_sha256(img, IMAGE, out, 0);
#else
		mbedtls_sha256_ret(img, IMAGE, out, 0);
#endif
		r = IMAGE / (now() - t0) / 1e6;
		best = r > best ? r : best;
	}
	free(img);
	return best;
}

int main(int argc, char **argv)
{
	static struct chan_crypto leader, other;
	uint8_t *buf = calloc(1, MSG);
	double seal, both, setup;

	no_aesni = argc > 1 && strcmp(argv[1], "--no-aesni") == 0;
	if (chan_crypto_init(&leader, mrenclave, id, true) ||
	    chan_crypto_init(&other, mrenclave, id, false)) {
		fprintf(stderr, "chan_bench: init failed\n");
		return 1;
	}
	run(&leader, &other, buf, true); /* warm-up */
	seal = best_of(&leader, &other, buf, false);
	/* the receiver is behind by the seals alone: catch it up by a fresh pair */
	chan_crypto_wipe(&leader);
	chan_crypto_wipe(&other);
	chan_crypto_init(&leader, mrenclave, id, true);
	chan_crypto_init(&other, mrenclave, id, false);
	both = best_of(&leader, &other, buf, true);
	setup = init_us();
	printf("chan_bench (mbedTLS %s, %s): seal 64 KiB: %.0f MB/s; seal+open: %.0f MB/s; "
	       "init+wipe: %.1f us; SHA-256: %.0f MB/s\n",
	       MBEDTLS_VERSION_STRING, no_aesni ? "AES-NI off" : "AES-NI on", seal, both, setup,
	       sha256_mbs());
	chan_crypto_wipe(&leader);
	chan_crypto_wipe(&other);
	free(buf);
	return 0;
}
