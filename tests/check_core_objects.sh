#!/bin/sh
# Checks that the core stays platform-independent:
#  - no object built from core/ contains a system-call instruction: the x86-64
#    objects (build/sgx-sim/core/) no syscall, sysenter or int $0x80, the
#    riscv64 ones (build/riscv64-vm/core/, when built) no ecall: the core
#    reaches below only through the HAL;
#  - no core source has inline assembly (platform code may; the core may not);
#  - no core source includes a libc header (<stdio.h>, <stdlib.h>, <string.h>)
#    or a platform header or path.
# Usage: tests/check_core_objects.sh [BUILD_DIR]   (default: build)
# Run from the repository root after `make` has built the sgx-sim objects.
set -u
B=${1:-build}
fail=0
total=0

if [ ! -d core ]; then
	echo "check-core: run from the repository root" >&2
	exit 2
fi

# check_objs DIR ARCH OBJDUMP PATTERN: every core source of ARCH has an
# object in DIR, and none holds an instruction matching PATTERN.
check_objs() {
	objs=$(find "$1" -name '*.o' 2>/dev/null | sort)
	srcs=$(find core -name '*.c' \( -path 'core/arch/*' -prune -o -print \) | wc -l)
	srcs=$((srcs + $(find "core/arch/$2" -name '*.c' | wc -l)))
	if [ -z "$objs" ]; then
		echo "check-core: no objects in $1 (build the platforms first: make)" >&2
		fail=1
		return
	fi
	nobj=$(printf '%s\n' "$objs" | wc -l)
	total=$((total + nobj))
	if [ "$nobj" -lt "$srcs" ]; then
		echo "check-core: only $nobj objects in $1 for $srcs core sources" >&2
		fail=1
	fi
	for o in $objs; do
		hits=$("$3" -d --no-show-raw-insn "$o" | grep -E "$4")
		if [ -n "$hits" ]; then
			echo "check-core: $o contains a system-call instruction:"
			printf '%s\n' "$hits" | head -5
			fail=1
		fi
	done
}

check_objs "$B/sgx-sim/core" x86_64 "${OBJDUMP:-objdump}" \
	'[[:space:]](syscall|sysenter|int[[:space:]]+\$0x80)([[:space:]]|$)'
if [ -d "$B/riscv64-vm/core" ]; then
	check_objs "$B/riscv64-vm/core" riscv64 "${RV_OBJDUMP:-riscv64-unknown-elf-objdump}" \
	'[[:space:]]ecall([[:space:]]|$)'
fi
nobj=$total
srcs=$(find core -name '*.c' | wc -l)

asm=$(grep -rnE '__asm__|\basm[[:space:]]*\(|\basm[[:space:]]+(volatile|goto)' core --include='*.c' --include='*.h')
if [ -n "$asm" ]; then
	echo "check-core: inline assembly in the core:"
	printf '%s\n' "$asm"
	fail=1
fi
asmfiles=$(find core -name '*.S' -o -name '*.s' -o -name '*.asm')
if [ -n "$asmfiles" ]; then
	echo "check-core: assembly sources in the core:"
	printf '%s\n' "$asmfiles"
	fail=1
fi

inc=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](stdio|stdlib|string)\.h[>"]' core)
if [ -n "$inc" ]; then
	echo "check-core: libc headers included by the core:"
	printf '%s\n' "$inc"
	fail=1
fi
plat=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?(platform/|sgxsim|\.\./)' core)
if [ -n "$plat" ]; then
	echo "check-core: platform headers or paths included by the core:"
	printf '%s\n' "$plat"
	fail=1
fi

if [ "$fail" -ne 0 ]; then
	echo "check-core: FAILED"
	exit 1
fi
echo "check-core: $nobj core objects and $srcs sources clean"
