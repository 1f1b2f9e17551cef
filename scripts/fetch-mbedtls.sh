#!/bin/sh
# Fetches mbedTLS 3.6 (LTS) from Debian 13 (trixie)'s source package and
# unpacks it into $1 (default build/third_party/mbedtls), once. The TEE
# runtime is built from it (no copy of it is kept in this repository).
#
# The trixie deb-src entry lives in an apt configuration of this script's
# own (a temporary directory), not in /etc/apt: the machine's sources, its
# package lists and so its binary packages stay as they are, and an
# unqualified `apt-get source mbedtls` elsewhere keeps giving bookworm's
# 2.28 (apt ignores pinning when it picks a source version, so a system-wide
# trixie entry would change that). apt still checks the index's signature
# against Debian's archive keyring and the files' hashes against the index.
# Needs no root (nor sudo): it writes only under $1 and a temporary directory.
set -eu
dest=${1:-build/third_party/mbedtls}
want=3.6
[ -f "$dest/include/mbedtls/build_info.h" ] &&
	grep -qs "MBEDTLS_VERSION_STRING *\"$want\." "$dest/include/mbedtls/build_info.h" && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: trixie" \
	"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
	>"$work/sources/trixie-src.sources"
# apt downloads as its _apt user when run as root: let it into the work
# directory and the download one.
chmod 755 "$work"
[ "$(id -u)" -ne 0 ] || ! id _apt >/dev/null 2>&1 || chown _apt "$work/dl"
set -- -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/sources" \
	-o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" \
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
apt-get "$@" update -qq
(cd "$work/dl" && apt-get "$@" source --download-only -qq "mbedtls/trixie" >/dev/null)
tarball=$(ls "$work"/dl/mbedtls_"$want".*.orig.tar.* | head -1)
rm -rf "$dest"
mkdir -p "$dest"
# --touch: files dated now, so that objects built from an earlier version
# (an older tree replaced in place) are rebuilt.
tar -xf "$tarball" -C "$dest" --strip-components=1 --touch
echo "nto: mbedTLS $(basename "$tarball" | sed 's/\.orig\.tar\..*//') (Debian trixie) unpacked in $dest"
