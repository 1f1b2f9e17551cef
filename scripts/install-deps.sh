#!/bin/sh
# Installs what NTO needs to build and test, from Debian's packages only.
# Idempotent and quick when everything is already there.
set -eu

PKGS="make gcc libc6-dev clang libclang-rt-14-dev binutils libssl-dev libcmocka-dev bzip2 \
      musl-tools busybox-static python3 python3-pytest qemu-system-x86 \
      qemu-system-misc opensbi gcc-riscv64-unknown-elf gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
      qemu-user-static"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "nto: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
