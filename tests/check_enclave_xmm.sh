#!/bin/sh
# Checks that the sgx-sim runtime touches vector registers only where it
# means to: every object linked into build/sgx-sim/enclave.elf (core,
# trusted platform, mbedTLS) is built with -mgeneral-regs-only except
# mbedTLS's aes.o and aesni.o (AES-NI, PCLMULQDQ, SSSE3), and chan_crypto.o
# names xmm registers only to clear them. See the Makefile's mbedTLS rules.
# Usage: tests/check_enclave_xmm.sh [BUILD_DIR]   (default: build)
set -u
B=${1:-build}
OBJDUMP=${OBJDUMP:-objdump}
fail=0
n=0

objs=$(find "$B/sgx-sim" -name '*.o' | sort)
if [ -z "$objs" ]; then
	echo "check-xmm: no objects in $B/sgx-sim (build first: make)" >&2
	exit 1
fi
for o in $objs; do
	n=$((n + 1))
	case $o in
	*/mbedtls/aes.o | */mbedtls/aesni.o) continue ;;
	esac
	hits=$("$OBJDUMP" -d --no-show-raw-insn "$o" | grep -E '%[xyz]mm[0-9]')
	case $o in
	*/enclave/chan_crypto.o)
		hits=$(printf '%s\n' "$hits" | grep -vE 'pxor[[:space:]]+%xmm([0-9]+),%xmm\1$')
		;;
	esac
	if [ -n "$hits" ]; then
		echo "check-xmm: $o uses vector registers:"
		printf '%s\n' "$hits" | head -5
		fail=1
	fi
done
if [ "$fail" -ne 0 ]; then
	echo "check-xmm: FAILED"
	exit 1
fi
echo "check-xmm: $n runtime objects: vector registers only in mbedtls/aes.o, mbedtls/aesni.o and chan_crypto.o's clearing"
