#!/bin/sh
# Fetches mbedTLS 2.28 (LTS) from Debian's source package and unpacks it
# into $1 (default build/third_party/mbedtls), once. The TEE runtime is
# built from it (no copy of it is kept in this repository).
set -eu
dest=${1:-build/third_party/mbedtls}
[ -f "$dest/include/mbedtls/sha256.h" ] && exit 0

src=/etc/apt/sources.list.d/nto-debian-src.sources
if ! grep -rqs "^Types:.*deb-src" /etc/apt/sources.list.d/ && ! grep -qs "^deb-src" /etc/apt/sources.list; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: bookworm" \
		"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
		$SUDO tee "$src" >/dev/null
	$SUDO apt-get update -qq
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only -qq mbedtls >/dev/null 2>&1) || {
	apt-get update -qq && (cd "$work" && apt-get source --download-only -qq mbedtls >/dev/null)
}
tarball=$(ls "$work"/mbedtls_2.28*.orig.tar.gz | head -1)
mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1
echo "nto: mbedTLS $(basename "$tarball" .orig.tar.gz) unpacked in $dest"
