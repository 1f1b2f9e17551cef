#!/bin/sh
# A short tour of NTO on the default platform (sgx-sim).
set -eu
NTO=build/nto
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'alpha\nbeta\ngamma\n' > "$work/words.txt"

echo "== the launch measurement of busybox (SHA-256 of the image it runs from)"
$NTO measure /bin/busybox
echo "== uname inside the TEE"
$NTO run /bin/busybox uname -a
echo "== a mounted host directory (untrusted), read and written by the program"
$NTO run --mount "$work:/data" --cwd /data /bin/busybox sort -r -o sorted.txt words.txt
$NTO run --mount "$work:/data:ro" --cwd /data /bin/busybox sha256sum sorted.txt
echo "host sees: $(cat "$work/sorted.txt" | tr '\n' ' ')"
echo "== Debian's own dynamically linked ls, with its ld.so and libc packed and measured"
$NTO run --mount "$work:/data:ro" --cwd /data /bin/ls -l
echo "== processes: a shell pipeline and \$(...), each process its own enclave"
$NTO run --mount "$work:/data:ro" --cwd /data /bin/busybox sh -c \
	'cat words.txt | sort -r | head -2; echo "lines: $(wc -l < words.txt), shell pid $$"'
echo "== /proc and /dev are the core's own"
$NTO run /bin/busybox head -3 /proc/meminfo
echo "== a crash is reported, with the right exit status"
printf 'int main(void){ *(volatile int *)0 = 1; return 0; }\n' > "$work/crash.c"
if cc -static -o "$work/crash" "$work/crash.c" 2>/dev/null; then
	set +e
	$NTO run "$work/crash"
	echo "exit status: $?"
	set -e
fi
echo "== every system call, strace-style"
$NTO run --strace /bin/busybox true 2>&1 | tail -4
echo "== one core, three TEE shapes: the same shell pipeline in a VM-based TEE (x86_64-vm, QEMU)"
$NTO run --platform x86_64-vm --mount "$work:/data:ro" --cwd /data /bin/busybox sh -c \
	'cat words.txt | sort | head -1; uname -m'
printf '#include <stdio.h>\n#include <sys/utsname.h>\nint main(void){ struct utsname u; uname(&u);\n  printf("hello from %%s\\n", u.machine); return 0; }\n' > "$work/hello.c"
if command -v riscv64-linux-gnu-gcc >/dev/null &&
	riscv64-linux-gnu-gcc -static -o "$work/hello-rv" "$work/hello.c" 2>/dev/null; then
	echo "== and a riscv64 program on the S-mode RISC-V kernel (riscv64-vm, the Keystone shape)"
	$NTO run --platform riscv64-vm "$work/hello-rv"
fi
