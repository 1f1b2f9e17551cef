#!/bin/sh
# Checks that the core stays platform-independent:
#  - no object built from core/ (build/sgx-sim/core/) contains a system-call
#    instruction (syscall, sysenter, int $0x80): the core reaches below only
#    through the HAL;
#  - no core source has inline assembly (platform code may; the core may not);
#  - no core source includes a libc header (<stdio.h>, <stdlib.h>, <string.h>)
#    or a platform header or path.
# Usage: tests/check_core_objects.sh [BUILD_DIR]   (default: build)
# Run from the repository root after `make` has built the sgx-sim objects.
set -u
B=${1:-build}
OBJDIR=$B/sgx-sim/core
OBJDUMP=${OBJDUMP:-objdump}
fail=0

if [ ! -d core ]; then
	echo "check-core: run from the repository root" >&2
	exit 2
fi

objs=$(find "$OBJDIR" -name '*.o' 2>/dev/null | sort)
srcs=$(find core -name '*.c' | wc -l)
if [ -z "$objs" ]; then
	echo "check-core: no objects in $OBJDIR (build the sgx-sim platform first: make)" >&2
	exit 1
fi
nobj=$(printf '%s\n' "$objs" | wc -l)
if [ "$nobj" -lt "$srcs" ]; then
	echo "check-core: only $nobj objects in $OBJDIR for $srcs core sources" >&2
	fail=1
fi

for o in $objs; do
	hits=$("$OBJDUMP" -d --no-show-raw-insn "$o" |
		grep -E '[[:space:]](syscall|sysenter|int[[:space:]]+\$0x80)([[:space:]]|$)')
	if [ -n "$hits" ]; then
		echo "check-core: $o contains a system-call instruction:"
		printf '%s\n' "$hits" | head -5
		fail=1
	fi
done

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
