# Host-side tests of sgx-sim's trusted cryptography: the sealed channel
# (platform/sgx-sim/enclave/chan_crypto.c) and the pool mbedTLS allocates
# from, compiled natively from the enclave's own sources and mbedTLS
# configuration (with libc in place of the freestanding shims). Included by
# the top Makefile after host/host.mk; defines no default goal. Targets:
#   sgxsim-unit  cmocka tests under ASan + UBSan, OpenSSL's known answers
#   chan-bench   seal throughput for 64 KiB messages (not part of the tests)
# Needs libcmocka-dev and libssl-dev.

_sgxt_saved_goal := $(.DEFAULT_GOAL)

SGXT_B      := $(B)/sgxsim-tests
SGXT_SRCS   := platform/sgx-sim/enclave/chan_crypto.c platform/sgx-sim/enclave/mbedtls_glue.c
# platform/sgx-sim/tests/ holds the tests' fixed platform_secret.h
SGXT_INC    := $(MBEDTLS_INC) -Iplatform/sgx-sim/enclave -Iplatform/sgx-sim/tests
SGXT_MBEDTLS_HDRS := $(MBEDTLS)/include/mbedtls/build_info.h platform/sgx-sim/enclave/mbedtls/nto_mbedtls_glue.h \
                     platform/sgx-sim/enclave/mbedtls/nto_mbedtls_config.h
# san: the tests' objects (ASan, UBSan); opt: the benchmark's, with the
# enclave's code generation (no SSE but in aes.c and aesni.c, which get the
# enclave's AES-NI flags in both: see the Makefile).
SGXT_SAN_CFLAGS := -std=gnu11 -O1 -g $(HOST_SAN)
SGXT_OPT_CFLAGS := -std=gnu11 -O3 -funroll-loops -mno-red-zone -mgeneral-regs-only
$(patsubst %.c,$(SGXT_B)/san/mbedtls/%.o,$(MBEDTLS_SSE_SRC)): \
	SGXT_SAN_CFLAGS := $(SGXT_SAN_CFLAGS) $(MBEDTLS_SSE_FLAGS)
$(patsubst %.c,$(SGXT_B)/opt/mbedtls/%.o,$(MBEDTLS_SSE_SRC)): \
	SGXT_OPT_CFLAGS := $(filter-out -mgeneral-regs-only,$(SGXT_OPT_CFLAGS)) $(MBEDTLS_SSE_FLAGS)
sgxt_objs = $(patsubst %.c,$(SGXT_B)/$(1)/mbedtls/%.o,$(MBEDTLS_SRC)) \
            $(patsubst %.c,$(SGXT_B)/$(1)/%.o,$(notdir $(SGXT_SRCS)))

$(SGXT_B)/san/mbedtls/%.o: $(SGXT_MBEDTLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(SGXT_SAN_CFLAGS) $(MBEDTLS_INC) -c $(MBEDTLS)/library/$*.c -o $@

$(SGXT_B)/opt/mbedtls/%.o: $(SGXT_MBEDTLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(SGXT_OPT_CFLAGS) $(MBEDTLS_INC) -c $(MBEDTLS)/library/$*.c -o $@

$(SGXT_B)/san/%.o: platform/sgx-sim/enclave/%.c $(SGXT_MBEDTLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(SGXT_SAN_CFLAGS) $(WARN) $(SGXT_INC) -MMD -MP -c $< -o $@

$(SGXT_B)/opt/%.o: platform/sgx-sim/enclave/%.c $(SGXT_MBEDTLS_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOST_CC) $(SGXT_OPT_CFLAGS) $(WARN) $(SGXT_INC) -MMD -MP -c $< -o $@

# The link wraps aes.o's and gcm.o's calls into aesni.o, so that the tests
# can count them (and the benchmark can turn AES-NI off).
$(SGXT_B)/test_chan_crypto: platform/sgx-sim/tests/test_chan_crypto.c $(call sgxt_objs,san)
	@echo '  HOSTLD  $@'
	$(Q)$(HOST_CC) $(SGXT_SAN_CFLAGS) $(WARN) $(SGXT_INC) -o $@ $^ \
		-Wl,--wrap=mbedtls_aesni_crypt_ecb,--wrap=mbedtls_aesni_gcm_mult \
		-lcmocka -lcrypto -lpthread

$(SGXT_B)/chan_bench: platform/sgx-sim/tests/chan_bench.c $(call sgxt_objs,opt)
	@echo '  HOSTLD  $@'
	$(Q)$(HOST_CC) -std=gnu11 -O2 $(WARN) $(SGXT_INC) -o $@ $^ \
		-Wl,--wrap=mbedtls_aesni_has_support

.PHONY: sgxsim-unit chan-bench
sgxsim-unit: $(SGXT_B)/test_chan_crypto
	$(SGXT_B)/test_chan_crypto

chan-bench: $(SGXT_B)/chan_bench
	$(SGXT_B)/chan_bench
	$(SGXT_B)/chan_bench --no-aesni

-include $(shell find $(SGXT_B) -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(_sgxt_saved_goal)
